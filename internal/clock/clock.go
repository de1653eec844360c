// Package clock gives the kit's servers an injectable sense of time (DESIGN.md, "Principles"):
// retry back-off, payment deadlines and authorization expiry run on a Clock, so a scenario that
// spans two days advances a virtual clock instead of waiting.
package clock

import (
	"sort"
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

// Virtual is the wall clock plus an offset that Advance moves forward. Timers fire when their
// due time is reached either way: by real time passing, or by Advance. So a standalone wallet
// mock behaves like a real one, and a scenario can skip ten minutes of back-off in a call.
type Virtual struct {
	mu     sync.Mutex
	real   func() time.Time
	offset time.Duration
	timers map[*virtualTimer]struct{}
}

type virtualTimer struct {
	v     *Virtual
	due   time.Time
	f     func()
	rt    *time.Timer
	fired bool
}

// NewVirtual returns a Virtual clock that starts at the wall-clock time.
func NewVirtual() *Virtual {
	return &Virtual{real: time.Now, timers: map[*virtualTimer]struct{}{}}
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
	t := &virtualTimer{v: v, due: v.nowLocked().Add(d), f: f}
	v.timers[t] = struct{}{}
	t.rt = time.AfterFunc(d, func() {
		if v.claim(t) {
			t.f()
		}
	})
	return t
}

// claim marks t fired; it reports false when t already fired or was stopped.
func (v *Virtual) claim(t *virtualTimer) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	if t.fired {
		return false
	}
	t.fired = true
	delete(v.timers, t)
	return true
}

// Stop prevents the timer from firing.
func (t *virtualTimer) Stop() bool {
	if !t.v.claim(t) {
		return false
	}
	t.rt.Stop()
	return true
}

// Advance moves the clock forward by d: the offset over the wall clock grows by d. Timers
// due within the span fire in due order, each with the clock set to its due time, and
// Advance returns once they have run; timers those functions set within the span fire too.
// Real time that passes while they run counts as well, so a retry armed "10 minutes after
// this delivery" is due within an Advance of 10 minutes that starts after the delivery.
// Advance does not hold the clock's lock while a function runs, so functions may use the
// clock.
func (v *Virtual) Advance(d time.Duration) {
	v.mu.Lock()
	final := v.offset + d
	v.mu.Unlock()
	for {
		v.mu.Lock()
		next := v.earliestLocked(v.real().Add(final))
		if next == nil {
			v.offset = final
			v.mu.Unlock()
			return
		}
		if next.due.After(v.nowLocked()) {
			v.offset = next.due.Sub(v.real())
		}
		next.fired = true
		delete(v.timers, next)
		v.mu.Unlock()
		next.rt.Stop()
		next.f()
	}
}

func (v *Virtual) earliestLocked(limit time.Time) *virtualTimer {
	due := make([]*virtualTimer, 0, len(v.timers))
	for t := range v.timers {
		if !t.due.After(limit) {
			due = append(due, t)
		}
	}
	if len(due) == 0 {
		return nil
	}
	sort.Slice(due, func(i, j int) bool { return due[i].due.Before(due[j].due) })
	return due[0]
}

// Pending returns how many timers are waiting.
func (v *Virtual) Pending() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.timers)
}
