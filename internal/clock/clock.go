// Package clock gives the kit's servers an injectable sense of time (DESIGN.md, "Principles"):
// retry back-off, payment deadlines and authorization expiry run on a Clock, so a scenario that
// spans two days advances a virtual clock instead of waiting.
package clock

import (
	"container/heap"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"
)

// Clock tells the time and runs functions later.
type Clock interface {
	Now() time.Time
	// AfterFunc runs f in its own goroutine once d has elapsed on this clock.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending AfterFunc.
type Timer interface {
	// Stop prevents the function from running; it reports whether it did.
	Stop() bool
}

// Real is the wall clock.
type Real struct{}

// Now returns the wall-clock time.
func (Real) Now() time.Time { return time.Now() }

// AfterFunc is time.AfterFunc.
func (Real) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// ErrAdvance is what Advance refuses: a negative span, or one that would carry the clock
// past the largest offset a time.Duration holds (about 292 years ahead of the wall clock).
var ErrAdvance = errors.New("clock: cannot advance")

// Virtual is the wall clock plus an offset that Advance moves forward. Timers fire when their
// due time is reached either way: by real time passing, or by Advance. So a standalone wallet
// mock behaves like a real one, and a scenario can skip ten minutes of back-off in a call.
//
// Pending timers sit in a heap ordered by due time: arming, stopping and firing one costs
// O(log n), so an advance over 20,000 pending payments runs in milliseconds, not minutes.
// A timer armed during an Advance and due within it gets neither a runtime timer nor a
// goroutine: that Advance fires it, in due order, before it returns, as it fires the timers
// armed before it. A clock move over 20,000 payments arms so 20,000 first notifications (due
// at once) and 20,000 retries.
type Virtual struct {
	mu      sync.Mutex
	real    func() time.Time
	offset  time.Duration
	pending timerHeap
	seq     uint64 // arming order, which breaks ties between timers due at the same time
	// advancing holds the offset each Advance under way moves the clock to.
	advancing []time.Duration
}

type virtualTimer struct {
	v     *Virtual
	due   time.Time
	seq   uint64
	index int // in v.pending; -1 once fired or stopped
	f     func()
	rt    *time.Timer // nil: an Advance under way fires it, or it fired at once
}

// NewVirtual returns a Virtual clock that starts at the wall-clock time.
func NewVirtual() *Virtual {
	return &Virtual{real: time.Now}
}

// Now returns the virtual time.
func (v *Virtual) Now() time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.nowLocked()
}

func (v *Virtual) nowLocked() time.Time { return v.real().Add(v.offset) }

// AfterFunc runs f once the virtual time reaches now+d.
func (v *Virtual) AfterFunc(d time.Duration, f func()) Timer {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.seq++
	t := &virtualTimer{v: v, due: v.nowLocked().Add(d), seq: v.seq, f: f}
	heap.Push(&v.pending, t)
	switch {
	case v.advancedPastLocked(t.due):
		// The Advance under way fires it.
	case d <= 0:
		go v.fire(t)
	default:
		t.rt = time.AfterFunc(d, func() { v.fire(t) })
	}
	return t
}

// fire runs t's function unless t fired or was stopped already.
func (v *Virtual) fire(t *virtualTimer) {
	if v.claim(t) {
		t.f()
	}
}

// advancedPastLocked reports whether an Advance under way reaches due: it fires every timer
// due by then before it returns, however late it armed.
func (v *Virtual) advancedPastLocked(due time.Time) bool {
	for _, final := range v.advancing {
		if !due.After(v.real().Add(final)) {
			return true
		}
	}
	return false
}

// claim takes t out of the pending timers; it reports false when t already fired or was
// stopped.
func (v *Virtual) claim(t *virtualTimer) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	if t.index < 0 {
		return false
	}
	heap.Remove(&v.pending, t.index)
	return true
}

// Stop prevents the timer from firing.
func (t *virtualTimer) Stop() bool {
	if !t.v.claim(t) {
		return false
	}
	if t.rt != nil {
		t.rt.Stop()
	}
	return true
}

// Advance moves the clock forward by d: the offset over the wall clock grows by d. Timers
// due within the span fire in due order, each with the clock set to its due time, and
// Advance returns once they have run; timers those functions set within the span fire too.
// Real time that passes while they run counts as well, so a retry armed "10 minutes after
// this delivery" is due within an Advance of 10 minutes that starts after the delivery.
// Advance does not hold the clock's lock while a function runs, so functions may use the
// clock.
//
// A negative d, or one that would overflow the offset, is refused with ErrAdvance and
// changes nothing: business time never wraps around to a past century.
func (v *Virtual) Advance(d time.Duration) error {
	v.mu.Lock()
	if d < 0 {
		v.mu.Unlock()
		return fmt.Errorf("%w by %s: time does not move back", ErrAdvance, d)
	}
	if v.offset > math.MaxInt64-d {
		ahead := v.offset
		v.mu.Unlock()
		return fmt.Errorf("%w by %s: the clock is already %s ahead of the wall clock, and can be at most %s ahead",
			ErrAdvance, d, ahead, time.Duration(math.MaxInt64))
	}
	final := v.offset + d
	v.advancing = append(v.advancing, final)
	v.mu.Unlock()
	for {
		v.mu.Lock()
		limit := v.real().Add(final)
		if len(v.pending) == 0 || v.pending[0].due.After(limit) {
			v.offset = final
			i := slices.Index(v.advancing, final)
			v.advancing = slices.Delete(v.advancing, i, i+1)
			v.mu.Unlock()
			return nil
		}
		next := heap.Pop(&v.pending).(*virtualTimer)
		if next.due.After(v.nowLocked()) {
			v.offset = next.due.Sub(v.real())
		}
		v.mu.Unlock()
		if next.rt != nil {
			next.rt.Stop()
		}
		next.f()
	}
}

// Pending returns how many timers are waiting.
func (v *Virtual) Pending() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.pending)
}

// timerHeap orders pending timers by due time, then by arming order (container/heap).
type timerHeap []*virtualTimer

func (h timerHeap) Len() int { return len(h) }

func (h timerHeap) Less(i, j int) bool {
	if !h[i].due.Equal(h[j].due) {
		return h[i].due.Before(h[j].due)
	}
	return h[i].seq < h[j].seq
}

func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}

func (h *timerHeap) Push(x any) {
	t := x.(*virtualTimer)
	t.index = len(*h)
	*h = append(*h, t)
}

func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	t.index = -1
	*h = old[:len(old)-1]
	return t
}
