package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/tradepaykit/tradepaykit/internal/preflight"
	"github.com/tradepaykit/tradepaykit/internal/profile"
	"github.com/tradepaykit/tradepaykit/internal/report"
	"github.com/tradepaykit/tradepaykit/steps"
)

// notifyHealth follows the notifications between the parties, as the kit's own party sees
// them: how many got an answer, and the last one that did not. It feeds steps.Health, which
// cuts the run's waits short once no notification can get through.
type notifyHealth struct {
	mu        sync.Mutex
	delivered int
	failure   string // the last delivery that got no answer: "POST URL: error"
}

// observe counts one recorded exchange if it is a notification.
func (h *notifyHealth) observe(x report.Exchange) {
	if !isNotification(x) {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if x.StatusCode != 0 {
		h.delivered++
		return
	}
	h.failure = fmt.Sprintf("%s %s: %s", x.Method, x.URL, x.Err)
}

func (h *notifyHealth) deliveredCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.delivered
}

func (h *notifyHealth) lastFailure() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.failure
}

// merchantHealth is the breaker of verify-merchant: the kit's wallet notifies the merchant.
// registered is the notify URL registered with the kit's wallet (--merchant-notify-url).
func merchantHealth(rec *recorder, registered string) *steps.Health {
	return &steps.Health{
		Delivered:        rec.notify.deliveredCount,
		LastNotification: rec.lastNotification,
		Cause: func() string {
			if f := rec.notify.lastFailure(); f != "" {
				return "the kit's wallet cannot deliver notifications to the merchant (" + f + "): check the notify URL the merchant gives (paymentNotifyUrl, the orderStr's notify_url) or --merchant-notify-url"
			}
			if registered == "" {
				return noNotifyURL
			}
			return "the kit's wallet has delivered no notification to the merchant's notify URL " + registered
		},
	}
}

// noNotifyURL is the diagnosis of a merchant the kit's wallet has nowhere to notify.
const noNotifyURL = "the merchant gives no notify URL: its pay requests carry no paymentNotifyUrl (its orderStrs no notify_url) and none is registered with the kit's wallet; give one, or pass --merchant-notify-url"

// walletHealth is the breaker of verify-wallet: the wallet notifies the kit's merchant at
// notifyURL.
func walletHealth(rec *recorder, notifyURL string) *steps.Health {
	return &steps.Health{
		Delivered:        rec.notify.deliveredCount,
		LastNotification: rec.lastNotification,
		Cause: func() string {
			return "the kit's merchant has received no notification from the wallet since the run started: check that the wallet reaches " +
				notifyURL + " (--notify-listen, --advertise-url) and sends notifyPayment to the paymentNotifyUrl or notify_url the kit gives"
		},
	}
}

// checkMerchantNotify runs before the scenarios of verify-merchant: it learns where the
// merchant wants to be notified (registered, or from an order of its own) and whether
// anything answers there. It returns the notify URL ("" when none was learnt) and the
// diagnosis when notifications cannot be delivered ("" when they can, or when it cannot
// tell).
func checkMerchantNotify(ctx context.Context, hc *http.Client, registered, adapterURL, controlURL string, prof profile.Profile) (url, diagnosis, note string) {
	url = registered
	if url == "" {
		var err error
		if url, err = discoverNotifyURL(ctx, hc, adapterURL, controlURL, prof); err != nil {
			if errors.Is(err, preflight.ErrNoNotifyURL) {
				return "", noNotifyURL, ""
			}
			return "", "", "the merchant's notify URL: could not learn it before the scenarios: " + err.Error()
		}
		note = "the merchant's notify URL, learnt from an order: " + url
	}
	if err := preflight.Answers(ctx, hc, url); err != nil {
		return url, err.Error(), note
	}
	return url, "", note
}
