package steps

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestHealthTripsWhenNothingIsDelivered(t *testing.T) {
	var delivered atomic.Int64
	h := &Health{Delivered: func() int { return int(delivered.Load()) }, Cause: func() string { return "no notify URL" }}
	w := &World{targets: Targets{Wait: 100 * time.Millisecond, Health: h}}
	never := func(context.Context) (bool, error) { return false, nil }

	start := time.Now()
	ok, d, err := w.awaitNotified(context.Background(), never)
	assert.NoError(t, err)
	assert.False(t, ok)
	assert.GreaterOrEqual(t, time.Since(start), 100*time.Millisecond, "the first wait lasts the full wait")
	assert.Contains(t, d, "no notify URL")
	assert.Contains(t, h.Blocked(), "no notify URL", "the breaker tripped")

	w.targets.Wait = time.Minute
	start = time.Now()
	_, d, _ = w.awaitNotified(context.Background(), never)
	assert.Less(t, time.Since(start), 10*time.Second, "later waits give up after the grace")
	assert.Contains(t, d, "no notify URL")
	ok, _, _ = w.awaitNotified(context.Background(), func(context.Context) (bool, error) { return true, nil })
	assert.True(t, ok, "an outcome that needs no notification still shows")

	delivered.Add(1)
	assert.Empty(t, h.Blocked(), "a delivery resets the breaker")
}

func TestHealthDoesNotTripOnceSomethingWasDelivered(t *testing.T) {
	h := &Health{Delivered: func() int { return 3 }}
	w := &World{targets: Targets{Wait: 20 * time.Millisecond, Health: h}}
	_, d, err := w.awaitNotified(context.Background(), func(context.Context) (bool, error) { return false, nil })
	assert.NoError(t, err)
	assert.Empty(t, d, "a scenario of its own that times out says nothing about the run")
	assert.Empty(t, h.Blocked())

	var none *Health
	assert.Empty(t, none.Blocked(), "a nil Health never trips")
	none.NotificationsBlocked("x")
}
