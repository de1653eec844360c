package clock

import (
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVirtualAdvanceFiresDueTimersInOrder(t *testing.T) {
	v := NewVirtual()
	start := v.Now()
	var mu sync.Mutex
	var got []time.Duration
	record := func() {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, v.Now().Sub(start).Round(time.Minute))
	}
	v.AfterFunc(10*time.Minute, record)
	v.AfterFunc(2*time.Minute, record)
	v.AfterFunc(3*time.Hour, record)

	require.NoError(t, v.Advance(time.Hour))

	mu.Lock()
	assert.Equal(t, []time.Duration{2 * time.Minute, 10 * time.Minute}, got)
	mu.Unlock()
	assert.Equal(t, 1, v.Pending())
	assert.InDelta(t, float64(time.Hour), float64(v.Now().Sub(start)), float64(time.Second))
}

func TestVirtualTimersSetWhileAdvancingFireWithinTheSpan(t *testing.T) {
	v := NewVirtual()
	start := v.Now()
	var fired []time.Duration
	var retry func()
	retry = func() {
		fired = append(fired, v.Now().Sub(start).Round(time.Minute))
		if len(fired) < 4 {
			v.AfterFunc(10*time.Minute, retry)
		}
	}
	v.AfterFunc(2*time.Minute, retry)

	require.NoError(t, v.Advance(25*time.Minute))

	assert.Equal(t, []time.Duration{2 * time.Minute, 12 * time.Minute, 22 * time.Minute}, fired)
	assert.Equal(t, 1, v.Pending())
}

// TestVirtualTimerSetWhileAdvancingBeyondTheSpanFiresOnRealTime: a timer armed during an
// Advance that the Advance does not reach still fires when its time comes on the wall clock
// (only a timer the Advance reaches goes without a runtime timer).
func TestVirtualTimerSetWhileAdvancingBeyondTheSpanFiresOnRealTime(t *testing.T) {
	v := NewVirtual()
	done := make(chan struct{})
	v.AfterFunc(time.Minute, func() {
		v.AfterFunc(20*time.Millisecond, func() { close(done) })
	})
	require.NoError(t, v.Advance(time.Minute))
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("a timer armed during an advance, due after it, did not fire on real time")
	}
	assert.Equal(t, 0, v.Pending())
}

// TestVirtualZeroDelayTimersSetWhileAdvancingFireWithinTheAdvance: timers armed during an
// Advance to fire at once (a clock move's notifications of the payments it expired) are fired
// by that Advance, on its goroutine and before it returns, not on goroutines of their own that
// could still be running when it returns.
func TestVirtualZeroDelayTimersSetWhileAdvancingFireWithinTheAdvance(t *testing.T) {
	const n = 200
	v := NewVirtual()
	var mu sync.Mutex
	fired, inAdvance := 0, 0
	v.AfterFunc(time.Minute, func() {
		for range n {
			v.AfterFunc(0, func() {
				buf := make([]byte, 64<<10)
				stack := string(buf[:runtime.Stack(buf, false)])
				mu.Lock()
				defer mu.Unlock()
				fired++
				if strings.Contains(stack, "(*Virtual).Advance") {
					inAdvance++
				}
			})
		}
	})
	require.NoError(t, v.Advance(time.Minute))
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, n, fired, "fired before Advance returned")
	assert.Equal(t, n, inAdvance, "fired by the Advance")
	assert.Equal(t, 0, v.Pending())
}

// TestVirtualStoppedTimersLeaveTheRestInOrder: stopping timers anywhere in the heap of
// pending timers leaves the others to fire in due order, each once.
func TestVirtualStoppedTimersLeaveTheRestInOrder(t *testing.T) {
	const n = 3000
	wall := time.Now()
	v := &Virtual{real: func() time.Time { return wall }}
	var fired []int
	timers := make([]Timer, n)
	for i := range n {
		due := (i * 7919) % n // armed out of order
		timers[i] = v.AfterFunc(time.Hour+time.Duration(due)*time.Second, func() { fired = append(fired, due) })
	}
	for i := 0; i < n; i += 3 {
		require.True(t, timers[i].Stop())
	}
	require.NoError(t, v.Advance(3*time.Hour))
	require.Len(t, fired, n-(n+2)/3)
	for i := 1; i < len(fired); i++ {
		require.Less(t, fired[i-1], fired[i], "timers fire in due order")
	}
}

func TestVirtualStopPreventsFiring(t *testing.T) {
	v := NewVirtual()
	fired := false
	tm := v.AfterFunc(time.Minute, func() { fired = true })
	require.True(t, tm.Stop())
	assert.False(t, tm.Stop(), "a second Stop reports it did nothing")
	require.NoError(t, v.Advance(time.Hour))
	assert.False(t, fired)
}

func TestVirtualTimerFiresOnRealTime(t *testing.T) {
	v := NewVirtual()
	done := make(chan struct{})
	v.AfterFunc(0, func() { close(done) })
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("a zero-delay timer did not fire on real time")
	}
	assert.Equal(t, 0, v.Pending())
}

func TestVirtualAdvanceRefusesToOverflow(t *testing.T) {
	v := NewVirtual()
	century := 100 * 365 * 24 * time.Hour
	require.NoError(t, v.Advance(century))
	require.NoError(t, v.Advance(century))
	before := v.Now()

	err := v.Advance(century)
	require.ErrorIs(t, err, ErrAdvance, "a third century would carry the offset past what a Duration holds")
	assert.Contains(t, err.Error(), "ahead of the wall clock")
	assert.WithinDuration(t, before, v.Now(), time.Minute, "a refused advance changes nothing")
	assert.Greater(t, v.Now().Year(), time.Now().Year()+199, "business time never wraps around to a past century")

	require.ErrorIs(t, v.Advance(-time.Second), ErrAdvance, "time does not move back")
}

// TestVirtualAdvanceOver20000PendingTimers: a wallet mock with 20,000 payments pending holds
// 20,000 deadline timers. Each costs O(log n) to fire, so moving past all of them is quick;
// the clock this replaced searched and sorted every pending timer for each one it fired and
// took 80-105 s here. The bound is loose enough for a loaded CI machine.
func TestVirtualAdvanceOver20000PendingTimers(t *testing.T) {
	const n = 20000
	// The wall clock stands still while the timers are armed, so their due times are exactly
	// the ones asked for.
	wall := time.Now()
	v := &Virtual{real: func() time.Time { return wall }}
	var fired []int
	var mu sync.Mutex
	for i := range n {
		// Deadlines 15 minutes out, spread over a second, armed out of order.
		at := 15*time.Minute + time.Duration((i*7919)%n)*time.Millisecond/20
		v.AfterFunc(at, func() {
			mu.Lock()
			defer mu.Unlock()
			fired = append(fired, (i*7919)%n)
		})
		// An authorization that expires in 7 days stays pending.
		v.AfterFunc(7*24*time.Hour, func() { t.Error("a timer due in 7 days fired") })
	}
	stopped := v.AfterFunc(15*time.Minute, func() { t.Error("a stopped timer fired") })
	require.True(t, stopped.Stop())
	require.Equal(t, 2*n, v.Pending())

	start := time.Now()
	require.NoError(t, v.Advance(16*time.Minute))
	elapsed := time.Since(start)

	t.Logf("advanced 16 minutes over %d pending timers (%d due) in %s", 2*n, n, elapsed)
	assert.Less(t, elapsed, 10*time.Second)
	assert.Equal(t, n, v.Pending(), "the 7-day timers are still pending")
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, fired, n)
	for i := 1; i < n; i++ {
		require.Less(t, fired[i-1], fired[i], "timers fire in due order")
	}
}
