// Package clock gives the kit's servers an injectable sense of time (DESIGN.md, "Principles"):
// retry back-off, payment deadlines and authorization expiry run on a Clock, so a scenario that
// spans two days advances a virtual clock instead of waiting.
package clock

import (
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
	v.pending.push(t)
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
	v.pending.remove(t.index)
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
		if len(v.pending) == 0 || v.pending[0].t.due.After(limit) {
			v.offset = final
			i := slices.Index(v.advancing, final)
			v.advancing = slices.Delete(v.advancing, i, i+1)
			v.mu.Unlock()
			return nil
		}
		next := v.pending.remove(0)
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

// timerHeap orders pending timers by due time, then by arming order: a binary heap of
// entries that carry their timer's order, so that sifting it reads no timer (a clock move
// over 20,000 payments sifts it millions of times, and reading each timer's due time from
// the timer was a fifth of the move's own work).
type timerHeap []heapEntry

type heapEntry struct {
	sec  int64 // the due time, as time.Time.Unix and Nanosecond give it
	nsec int64
	seq  uint64
	t    *virtualTimer
}

func (h timerHeap) less(i, j int) bool {
	a, b := &h[i], &h[j]
	switch {
	case a.sec != b.sec:
		return a.sec < b.sec
	case a.nsec != b.nsec:
		return a.nsec < b.nsec
	}
	return a.seq < b.seq
}

func (h timerHeap) swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].t.index, h[j].t.index = i, j
}

func (h timerHeap) up(j int) {
	for j > 0 {
		i := (j - 1) / 2
		if !h.less(j, i) {
			return
		}
		h.swap(i, j)
		j = i
	}
}

// down sifts the entry at i0 down; it reports whether it moved.
func (h timerHeap) down(i0 int) bool {
	i := i0
	for {
		j := 2*i + 1
		if j >= len(h) {
			break
		}
		if j2 := j + 1; j2 < len(h) && h.less(j2, j) {
			j = j2
		}
		if !h.less(j, i) {
			break
		}
		h.swap(i, j)
		i = j
	}
	return i > i0
}

func (h *timerHeap) push(t *virtualTimer) {
	t.index = len(*h)
	*h = append(*h, heapEntry{sec: t.due.Unix(), nsec: int64(t.due.Nanosecond()), seq: t.seq, t: t})
	h.up(t.index)
}

// remove takes the timer at i out of the heap and returns it, its index -1.
func (h *timerHeap) remove(i int) *virtualTimer {
	old := *h
	n := len(old) - 1
	if n != i {
		old.swap(i, n)
		if !old[:n].down(i) {
			old[:n].up(i)
		}
	}
	t := old[n].t
	old[n] = heapEntry{}
	t.index = -1
	*h = old[:n]
	return t
}
