package steps

import (
	"context"
	"sync"
	"time"
)

// Health is what a run has learnt about its parties that cuts later waits short: once it
// knows notifications cannot be delivered (no notify URL, a notify URL nobody answers at),
// a step waiting for an outcome that needs one gives up after a short grace instead of the
// full wait, and says why. Without it, a merchant that cannot be notified costs a full wait
// in every scenario, minutes in all. One Health is shared by the scenarios of a run
// (Targets.Health); a nil Health never trips.
type Health struct {
	// Delivered counts the notifications that have reached the party they were sent to so
	// far (any HTTP answer counts); nil means unknown. A wait that times out while it is
	// still 0 trips the breaker, and a delivery after the trip resets it.
	Delivered func() int
	// Cause names the likely reason no notification arrives ("no paymentNotifyUrl and
	// nothing registered", "the notify URL does not answer"); nil or "" gives a generic one.
	Cause func() string

	mu        sync.Mutex
	diagnosis string
	delivered int // Delivered() when the breaker tripped
}

// blockedGrace is how long a wait for an outcome lasts once notifications are known not to
// arrive: long enough for a merchant that settles by inquiryPayment instead, which does not
// need them.
const blockedGrace = time.Second

// NotificationsBlocked trips the breaker: notifications cannot be delivered, for the reason
// diagnosis gives. The runner calls it when a check before the scenarios finds the cause.
func (h *Health) NotificationsBlocked(diagnosis string) {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.diagnosis == "" {
		h.diagnosis = diagnosis
		if h.Delivered != nil {
			h.delivered = h.Delivered()
		}
	}
}

// Blocked returns the diagnosis while the breaker is tripped, "" otherwise.
func (h *Health) Blocked() string {
	if h == nil {
		return ""
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.diagnosis != "" && h.Delivered != nil && h.Delivered() > h.delivered {
		// A notification got through after all: the diagnosis was wrong or is stale.
		h.diagnosis = ""
	}
	return h.diagnosis
}

// timedOut is told that a wait for a notified outcome ran out; it trips the breaker when no
// notification has been delivered in the whole run, and returns the diagnosis, if any.
func (h *Health) timedOut(wait time.Duration) string {
	if h == nil || h.Delivered == nil || h.Delivered() > 0 {
		return h.Blocked()
	}
	cause := "no notification has been delivered since the run started"
	if h.Cause != nil {
		if c := h.Cause(); c != "" {
			cause = c
		}
	}
	h.NotificationsBlocked(cause + " (found when a wait of " + wait.String() + " for a notified outcome ran out; later waits give up after " + blockedGrace.String() + ")")
	return h.Blocked()
}

// awaitNotified is eventually for an outcome that a notification brings about (an order
// settling at the merchant, the kit's merchant hearing of a payment): it waits the full
// wait, or a short grace once the run knows notifications cannot be delivered. It returns
// whether cond held and, when it did not, the run's diagnosis ("" when there is none), for
// the step's failure message.
func (w *World) awaitNotified(ctx context.Context, cond func(context.Context) (bool, error)) (ok bool, diagnosis string, err error) {
	h := w.targets.Health
	wait := w.wait()
	if d := h.Blocked(); d != "" {
		wait = min(wait, blockedGrace)
	}
	ok, err = eventually(ctx, wait, cond)
	if ok || err != nil || ctx.Err() != nil {
		return ok, "", err
	}
	if d := h.Blocked(); d != "" {
		return false, d, nil
	}
	return false, h.timedOut(wait), nil
}

// diagnosed formats a diagnosis for a failure message: "" or "; likely cause: ...".
func diagnosed(d string) string {
	if d == "" {
		return ""
	}
	return "; likely cause: " + d
}
