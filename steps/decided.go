package steps

import (
	"context"
	"fmt"
	"time"

	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// A wait ends as soon as its outcome is decided, not only when it comes (issue 16, "Every
// verdict in under a minute"): an order that reached a status from which the awaited one
// cannot follow, or whose settling notification the merchant refused, will not settle in the
// rest of the wait either. The default wait stays long for slow parties that are right; these
// rules only shorten the waits of parties that are wrong.

// orderCanBecome reports whether an order in status from can still become want, on the
// lifecycle of the test adapter's order view (docs/hooks.md, "Order statuses"): PENDING
// leads anywhere; an authorization is captured, cancelled (released) or fails; a payment
// or a capture is refunded; FAILED, CANCELLED and REFUNDED are final. A status the lifecycle
// does not name is not judged: the wait goes on.
func orderCanBecome(from, want string) bool {
	if from == want {
		return true
	}
	next := map[string][]string{
		"AUTHORIZED": {"CAPTURED", "CANCELLED", "FAILED", "REFUNDED"},
		"PAID":       {"REFUNDED"},
		"CAPTURED":   {"REFUNDED"},
		"FAILED":     {},
		"CANCELLED":  {},
		"REFUNDED":   {},
	}
	reach, known := next[from]
	if !known {
		return true
	}
	for _, s := range reach {
		if s == want {
			return true
		}
	}
	return false
}

// paymentCanBecome reports whether a payment the wallet reports in paymentStatus from can
// still be reported as want (docs/protocol.md, "Lifecycles"): PROCESSING leads anywhere; a
// granted authorization is captured (SUCCESS), cancelled or fails; SUCCESS, FAIL and
// CANCELLED are final. A status the protocol does not name is not judged.
func paymentCanBecome(from, want string) bool {
	if from == want {
		return true
	}
	next := map[string][]string{
		openapi.PaymentProcessing:  nil, // anywhere
		openapi.PaymentAuthSuccess: {openapi.PaymentSuccess, openapi.PaymentCancelled, openapi.PaymentFail},
		openapi.PaymentSuccess:     {},
		openapi.PaymentFail:        {},
		openapi.PaymentCancelled:   {},
	}
	reach, known := next[from]
	if !known || reach == nil {
		return true
	}
	for _, s := range reach {
		if s == want {
			return true
		}
	}
	return false
}

// settlingStatus is the paymentStatus of the notification that settles an order in status
// want: "" when no notification settles it (a capture, a cancel, a refund).
func settlingStatus(want string) string {
	switch want {
	case "PAID":
		return openapi.PaymentSuccess
	case "AUTHORIZED":
		return openapi.PaymentAuthSuccess
	case "FAILED":
		return openapi.PaymentFail
	}
	return ""
}

// refusedGrace is how long an order may still take to settle after the merchant refused the
// notification that would have settled it (by inquiryPayment, say), on top of the wallet's
// next declared retry when that comes within the wait.
const refusedGrace = 2 * time.Second

// refusal follows, across the polls of one wait, whether the merchant refused the
// notification that would settle the scenario's order.
type refusal struct {
	since time.Time // when the refusal seen last was first seen; zero: none
	at    time.Time // when that refused delivery was answered
}

// decided returns why the wait for the order to become want can end now, "" while it cannot:
// the merchant refused the last notification of the payment with the settling status, and
// neither a retry nor anything else settled the order within a grace. Only the notifications
// the kit's own party sees go by count (Health.LastNotification).
func (r *refusal) decided(ctx context.Context, w *World, want string) string {
	status := settlingStatus(want)
	h := w.targets.Health
	if status == "" || h == nil || h.LastNotification == nil {
		return ""
	}
	req, id := w.paymentRequestID, w.paymentID
	if w.order != nil {
		req, id = firstOf(req, w.order.PaymentRequestID), firstOf(id, w.order.PaymentID)
	}
	if req == "" && id == "" {
		return ""
	}
	n, ok := h.LastNotification(req, id)
	if !ok || n.PaymentStatus != status || n.Refused == "" {
		r.since = time.Time{}
		return ""
	}
	if !n.At.Equal(r.at) || r.since.IsZero() {
		r.since, r.at = time.Now(), n.At
	}
	grace := refusedGrace
	if s := w.targets.Profile.NotifyRetrySchedule; len(s) > 1 && s[1] < w.wait() {
		grace += s[1]
	}
	if h.refusalsDecided() >= sameWaitLimit {
		// Orders of earlier scenarios did not settle otherwise after such a refusal: likely
		// the same cause, so the refusal decides at once.
		grace = 0
	}
	if time.Since(r.since) < grace {
		return ""
	}
	h.noteRefusalDecided()
	return fmt.Sprintf("the merchant answered the wallet's %s notification of the payment %s at %s, and the order did not settle otherwise within %s",
		status, n.Refused, n.At.Format("15:04:05.000"), grace)
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
