package clock

import (
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

	v.Advance(time.Hour)

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

	v.Advance(25 * time.Minute)

	assert.Equal(t, []time.Duration{2 * time.Minute, 12 * time.Minute, 22 * time.Minute}, fired)
	assert.Equal(t, 1, v.Pending())
}

func TestVirtualStopPreventsFiring(t *testing.T) {
	v := NewVirtual()
	fired := false
	tm := v.AfterFunc(time.Minute, func() { fired = true })
	require.True(t, tm.Stop())
	assert.False(t, tm.Stop(), "a second Stop reports it did nothing")
	v.Advance(time.Hour)
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
