package steps

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOrderCanBecomeFollowsTheLifecycle(t *testing.T) {
	for _, tt := range []struct {
		from, want string
		can        bool
	}{
		{"PENDING", "PAID", true},
		{"PENDING", "AUTHORIZED", true},
		{"PAID", "PAID", true},
		{"PAID", "REFUNDED", true},
		{"PAID", "AUTHORIZED", false}, // an authorization treated as paid never becomes AUTHORIZED
		{"AUTHORIZED", "CAPTURED", true},
		{"AUTHORIZED", "PAID", false},
		{"CAPTURED", "AUTHORIZED", false},
		{"FAILED", "PAID", false},
		{"CANCELLED", "PAID", false},
		{"REFUNDED", "PAID", false},
		{"SOMETHING_ELSE", "PAID", true}, // not judged: the wait goes on
	} {
		assert.Equal(t, tt.can, orderCanBecome(tt.from, tt.want), "%s -> %s", tt.from, tt.want)
	}
}

// A wait for an order to settle ends soon after the merchant refused the notification that
// would settle it, and not while the last one was acknowledged.
func TestRefusedNotificationDecidesTheWait(t *testing.T) {
	seen := NotificationSeen{At: time.Now(), PaymentStatus: "SUCCESS", Refused: "F INVALID_SIGNATURE"}
	h := &Health{LastNotification: func(req, id string) (NotificationSeen, bool) {
		return seen, req == "R1" || id == "P1"
	}}
	w := &World{targets: Targets{Wait: 20 * time.Second, Health: h}, paymentRequestID: "R1"}
	var r refusal
	assert.Empty(t, r.decided(context.Background(), w, "CANCELLED"), "no notification settles a cancel")
	assert.Empty(t, r.decided(context.Background(), w, "AUTHORIZED"), "the refused notification was not AUTH_SUCCESS")

	start := time.Now()
	var why string
	ok, err := eventually(context.Background(), 10*time.Second, func(ctx context.Context) (bool, error) {
		why = r.decided(ctx, w, "PAID")
		return why != "", nil
	})
	require.NoError(t, err)
	require.True(t, ok, "the refusal decides the wait")
	assert.GreaterOrEqual(t, time.Since(start), refusedGrace, "after a grace for the order to settle otherwise")
	assert.Contains(t, why, "F INVALID_SIGNATURE")

	seen.Refused = ""
	var fresh refusal
	assert.Empty(t, fresh.decided(context.Background(), w, "PAID"), "an acknowledged notification decides nothing")
}

// Once sameWaitLimit scenarios waited a step out in vain, the next wait on the same step is
// cut short after sameWaitGrace; another step still waits in full.
func TestSameWaitTimingOutCutsTheRestShort(t *testing.T) {
	h := &Health{}
	never := func(context.Context) (bool, error) { return false, nil }
	for i := 0; i < sameWaitLimit; i++ {
		w := &World{targets: Targets{Wait: 10 * time.Millisecond, Health: h}, step: `the merchant's order becomes "PAID"`}
		ok, err := w.await(context.Background(), w.wait(), never)
		require.NoError(t, err, "wait %d runs out in full", i+1)
		assert.False(t, ok)
	}
	assert.Empty(t, h.CutShort())

	w := &World{targets: Targets{Wait: time.Minute, Health: h}, step: `the merchant's order becomes "PAID"`}
	start := time.Now()
	_, err := w.await(context.Background(), w.wait(), never)
	assert.True(t, errors.Is(err, errCutShort), "cut short: %v", err)
	assert.Less(t, time.Since(start), sameWaitGrace+5*time.Second)
	assert.Contains(t, w.skipped, "likely the same cause")
	assert.Len(t, h.CutShort(), 1)

	ok, err := w.await(context.Background(), w.wait(), func(context.Context) (bool, error) { return true, nil })
	assert.True(t, ok, "an outcome that comes is still seen")
	assert.NoError(t, err)

	other := &World{targets: Targets{Wait: 10 * time.Millisecond, Health: h}, step: `the merchant's order becomes "FAILED"`}
	_, err = other.await(context.Background(), other.wait(), never)
	assert.NoError(t, err, "another step is not cut")
}

func TestPaymentCanBecomeFollowsTheLifecycle(t *testing.T) {
	for _, tt := range []struct {
		from, want string
		can        bool
	}{
		{"PROCESSING", "SUCCESS", true},
		{"PROCESSING", "FAIL", true},
		{"SUCCESS", "SUCCESS", true},
		{"SUCCESS", "PROCESSING", false}, // an inquiry that says SUCCESS for an unpaid payment
		{"AUTH_SUCCESS", "SUCCESS", true},
		{"AUTH_SUCCESS", "PROCESSING", false},
		{"FAIL", "SUCCESS", false},
		{"CANCELLED", "SUCCESS", false},
		{"SOMETHING_ELSE", "SUCCESS", true},
	} {
		assert.Equal(t, tt.can, paymentCanBecome(tt.from, tt.want), "%s -> %s", tt.from, tt.want)
	}
}

// Once sameWaitLimit waits were decided by a refused notification after their grace, a
// refusal decides the next ones at once: likely the same cause.
func TestRefusalsDecideAtOnceAfterSeveral(t *testing.T) {
	seen := NotificationSeen{At: time.Now(), PaymentStatus: "SUCCESS", Refused: "F INVALID_SIGNATURE"}
	h := &Health{LastNotification: func(string, string) (NotificationSeen, bool) { return seen, true }}
	w := &World{targets: Targets{Wait: 20 * time.Second, Health: h}, paymentID: "P1"}
	var first refusal
	assert.Empty(t, first.decided(context.Background(), w, "PAID"), "the first refusal waits out its grace")
	h.refused = sameWaitLimit
	var later refusal
	assert.NotEmpty(t, later.decided(context.Background(), w, "PAID"), "decided at once")
}
