package steps

import (
	"context"
	"errors"
	"fmt"
	"sort"
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
	// LastNotification returns the last notification the wallet sent about a payment, named
	// by either id, as the kit's own party saw it go by, with the merchant's answer; ok is
	// false when none went by (or nil: the run cannot see them). A wait for an order to
	// settle ends soon after the merchant refused the notification that would settle it.
	LastNotification func(paymentRequestID, paymentID string) (n NotificationSeen, ok bool)

	mu        sync.Mutex
	diagnosis string
	delivered int // Delivered() when the breaker tripped
	// inVain counts, by wait (the step's text), the scenarios whose wait ran out in vain;
	// cut, those cut short after sameWaitLimit of them.
	inVain map[string]int
	cut    map[string]int
	// refused counts the waits a refused notification decided (decided.go).
	refused int
}

// noteRefusalDecided is told that a refused notification decided a wait.
func (h *Health) noteRefusalDecided() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.refused++
}

// refusalsDecided returns how many waits a refused notification decided so far.
func (h *Health) refusalsDecided() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.refused
}

// NotificationSeen is a notification as the kit's own party saw it go by.
type NotificationSeen struct {
	// At is when its answer came (or the delivery failed).
	At time.Time
	// PaymentStatus is the paymentStatus it notified.
	PaymentStatus string
	// Refused is "" when the merchant acknowledged it (resultStatus S), else what it
	// answered: "F INVALID_SIGNATURE", "HTTP 500", "no answer (...)".
	Refused string
}

// sameWaitLimit is how many scenarios may wait out the full wait on the same step in vain
// before the run stops waiting the full time on it: after that, the rest give up after
// sameWaitGrace, as likely the same cause, and count as not checked.
const sameWaitLimit = 3

// sameWaitGrace is how long a wait lasts once sameWaitLimit scenarios waited it out in vain:
// a correct party, or a slow one, still gets there in time.
const sameWaitGrace = 5 * time.Second

// noteTimedOut is told that a wait ran out in vain.
func (h *Health) noteTimedOut(wait string) {
	if h == nil || wait == "" {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.inVain == nil {
		h.inVain = map[string]int{}
	}
	h.inVain[wait]++
}

// sameWaitTimedOut returns how many scenarios waited out the wait in vain so far.
func (h *Health) sameWaitTimedOut(wait string) int {
	if h == nil || wait == "" {
		return 0
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.inVain[wait]
}

// noteCutShort is told that a scenario gave up the wait early after sameWaitLimit
// scenarios waited it out in vain.
func (h *Health) noteCutShort(wait string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.cut == nil {
		h.cut = map[string]int{}
	}
	h.cut[wait]++
}

// CutShort describes, one line per wait, the scenarios the run cut short because earlier
// ones had waited the same step out in vain; nil when there were none.
func (h *Health) CutShort() []string {
	if h == nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for wait, n := range h.cut {
		out = append(out, fmt.Sprintf("%d scenarios waited in vain on the step: %s; %d more were cut short after %s, as likely the same cause, and count as not checked", h.inVain[wait], wait, n, sameWaitGrace))
	}
	sort.Strings(out)
	return out
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
// the step's failure message. cond ends the wait early, returning true, when the outcome is
// decided either way (the caller then asserts on what it saw). When earlier scenarios of
// the run waited the same step out in vain, the wait is cut short (see await).
func (w *World) awaitNotified(ctx context.Context, cond func(context.Context) (bool, error)) (ok bool, diagnosis string, err error) {
	h := w.targets.Health
	wait := w.wait()
	if d := h.Blocked(); d != "" {
		wait = min(wait, blockedGrace)
	}
	ok, err = w.await(ctx, wait, cond)
	if ok || err != nil || ctx.Err() != nil {
		return ok, "", err
	}
	if d := h.Blocked(); d != "" {
		return false, d, nil
	}
	return false, h.timedOut(wait), nil
}

// errCutShort is the error of a wait the run cut short (see await); the step then skips its
// scenario with skipCutShort.
var errCutShort = errors.New("the wait was cut short")

// await is eventually under the run-wide rule on waits that keep running out: once
// sameWaitLimit scenarios of the run waited out the current step in vain, a wait on the same
// step lasts sameWaitGrace at most, and if its outcome does not come by then the scenario is
// cut short: it returns errCutShort, and the step skips the scenario (skipCutShort), which
// then counts as not checked, with the reason (likely the same cause, which the earlier
// failures show). A wait that runs out in full is counted.
func (w *World) await(ctx context.Context, within time.Duration, cond func(context.Context) (bool, error)) (bool, error) {
	h, step := w.targets.Health, w.step
	earlier := h.sameWaitTimedOut(step)
	cut := earlier >= sameWaitLimit && within > sameWaitGrace
	if cut {
		within = sameWaitGrace
	}
	ok, err := eventually(ctx, within, cond)
	if ok || err != nil || ctx.Err() != nil {
		return ok, err
	}
	if !cut {
		if within >= w.wait() {
			// Only a full wait counts: a short one (the breaker's grace) says little.
			h.noteTimedOut(step)
		}
		return false, nil
	}
	h.noteCutShort(step)
	w.skipped = fmt.Sprintf("cut short, not checked: %d or more scenarios of this run already waited %s in vain on the step: %s; likely the same cause (see their failures)", sameWaitLimit, w.wait(), step)
	return false, errCutShort
}

// skipCutShort ends the step, and skips its scenario, when err says the run cut its wait
// short.
func skipCutShort(ctx context.Context, err error) {
	if errors.Is(err, errCutShort) {
		skipNow(ctx)
	}
}

// diagnosed formats a diagnosis for a failure message: "" or "; likely cause: ...".
func diagnosed(d string) string {
	if d == "" {
		return ""
	}
	return "; likely cause: " + d
}
