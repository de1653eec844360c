// Package preflight checks, before any scenario runs, that the parties answer where they were
// said to be: a test hook at its URL, a merchant's notify URL. A run against a wrong URL
// would otherwise fail every scenario with the same "connection refused", or wait out every
// notification; the runner's verify commands and runner/kittest stop at the first check with
// one message naming the likely cause. The hooks are those of docs/hooks.md. The dialect
// probe (dialect.go) checks, as cheaply, that the target speaks the dialect its profile names
// (docs/dialects.md), and names the one it likely speaks when not.
package preflight

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/orderstr"
	"github.com/tradepaykit/tradepaykit/internal/profile"
	"github.com/tradepaykit/tradepaykit/internal/target"
)

// ErrUnreachable marks a check that found a party unreachable or misconfigured.
var ErrUnreachable = errors.New("target not reachable")

// ErrNoNotifyURL: the merchant names no notify URL and none is registered.
var ErrNoNotifyURL = errors.New("no notify URL")

// timeout bounds one check: a party that does not answer within it is as good as absent.
const timeout = 10 * time.Second

// Hook checks that a hook answers where the configuration says: it sends a request the hook
// must refuse as malformed. No answer at all, or 404/405 (nothing there), wraps
// ErrUnreachable and names what, the setting (setting, e.g. a flag), the URL and what to
// check; any other answer is left to the scenarios to judge.
func Hook(ctx context.Context, client *http.Client, what, setting, url, check string) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader([]byte("{}")))
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrUnreachable, setting, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("%w: cannot reach the %s at POST %s (%s): %v\n  check: %s", ErrUnreachable, what, url, setting, err, check)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	_ = resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed {
		return fmt.Errorf("%w: the %s is not at POST %s (%s): HTTP %d\n  check: %s", ErrUnreachable, what, url, setting, resp.StatusCode, check)
	}
	return nil
}

// Answers checks that something answers at a merchant's notify URL: an unsigned empty body,
// to which any HTTP answer (a refusal) shows someone is there. Its error says why not.
func Answers(ctx context.Context, client *http.Client, url string) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader([]byte("{}")))
	if err != nil {
		return fmt.Errorf("the merchant's notify URL %q is not usable: %v", url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("nothing answers at the merchant's notify URL %s: %v", url, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	_ = resp.Body.Close()
	return nil
}

// NotifyURL asks the merchant for an order and reads where it wants to be notified: the
// paymentNotifyUrl of its pay as the wallet at controlURL recorded it, or the notify_url of
// its orderStr. The notify path is the merchant's choice (docs/hooks.md). An error wraps
// ErrNoNotifyURL when the merchant names none, and ends with hint (how to give one).
func NotifyURL(ctx context.Context, hc *http.Client, adapterURL, controlURL string, prof profile.Profile, hint string) (string, error) {
	adapter, err := target.NewMerchant(target.Config{BaseURL: adapterURL, HTTPClient: hc})
	if err != nil {
		return "", err
	}
	control, err := target.NewWalletControl(target.Config{BaseURL: controlURL, HTTPClient: hc})
	if err != nil {
		return "", err
	}
	amount := money.MustNew("USD", 100)
	for _, flow := range []target.Flow{target.FlowTradeNO, target.FlowPaymentURL, target.FlowOrderStr} {
		if !prof.SupportsFlow(string(flow)) {
			continue
		}
		o, err := adapter.CreateOrder(ctx, target.NewOrder{Flow: flow, Type: target.General, Amount: amount, Title: "notify URL probe"})
		if err != nil {
			return "", fmt.Errorf("creating an order to learn it: %v%s", err, hint)
		}
		if flow == target.FlowOrderStr {
			tok, err := orderstr.Decode(o.OrderStr)
			if err != nil || tok.NotifyURL == "" {
				return "", fmt.Errorf("%w: the orderStr has no notify_url%s", ErrNoNotifyURL, hint)
			}
			return tok.NotifyURL, nil
		}
		if o.PaymentID == "" {
			return "", fmt.Errorf("the order has no paymentId%s", hint)
		}
		p, err := control.Payment(ctx, o.PaymentID)
		if err != nil {
			return "", fmt.Errorf("reading the payment: %v%s", err, hint)
		}
		if p.NotifyURL == "" {
			return "", fmt.Errorf("%w: the merchant's pay had no paymentNotifyUrl%s", ErrNoNotifyURL, hint)
		}
		return p.NotifyURL, nil
	}
	return "", fmt.Errorf("the profile declares no flow%s", hint)
}
