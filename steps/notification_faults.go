package steps

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/target"
)

// Notifications that go wrong (PROTOCOL.md, "Lifecycles": anything but S is retried on the
// profile's schedule; a merchant is idempotent on paymentId and the wallet is the truth).
// The wallet mock plays late, lost, duplicated and contradictory notifications on demand
// (@wallet-mock); the kit's reference merchant plays a merchant that fails to answer
// (@reference-merchant), so that the wallet's retries can be timed on its clock (@clock).
func registerNotificationFaultSteps(sc stepScope) {
	// The wallet mock's scripting, towards the merchant under test.
	sc.Step(sc.pattern(`^the wallet holds back the payment's notifications$`), func(ctx context.Context) error {
		script(ctx, target.Hold, 0, "")
		return nil
	})
	sc.Step(sc.pattern(`^the wallet delivers the held notifications$`), func(ctx context.Context) error {
		script(ctx, target.Release, 0, "")
		require.NotEmpty(checks(ctx), probeOf(ctx).deliveries, "the wallet held no notification to deliver")
		return nil
	})
	sc.Step(sc.pattern(`^the wallet notifies the merchant of the payment again$`), func(ctx context.Context) error {
		script(ctx, target.Resend, 1, "")
		return nil
	})
	sc.Step(sc.pattern(`^the wallet notifies the merchant of the payment (\d+) more times at once$`), func(ctx context.Context, n int) error {
		script(ctx, target.Resend, n, "")
		require.Len(checks(ctx), probeOf(ctx).deliveries, n, "deliveries the wallet made")
		return nil
	})
	sc.Step(sc.pattern(`^the wallet sends the merchant a "([^"]*)" notification$`), func(ctx context.Context, status string) error {
		script(ctx, target.Send, 0, status)
		return nil
	})
	sc.Step(sc.pattern(`^the merchant acknowledges every delivery$`), func(ctx context.Context) error {
		t := checks(ctx)
		ds := probeOf(ctx).deliveries
		require.NotEmpty(t, ds, "the wallet delivered nothing in the last step")
		for _, d := range ds {
			assert.Equal(t, string(openapi.StatusSuccess), d.Outcome, "the merchant's answer to delivery %d (%s %s)", d.Attempt, d.PaymentStatus, d.ResultCode)
		}
		return nil
	})

	// The reference merchant's scripted answers, against the wallet under test.
	sc.Step(sc.pattern(`^the merchant will answer the next notifications with "([^"]*)"$`), func(ctx context.Context, list string) error {
		scriptAnswers(ctx, splitList(list))
		return nil
	})
	sc.Step(sc.pattern(`^the merchant will answer every notification with "([^"]*)"$`), func(ctx context.Context, answer string) error {
		n := len(world(ctx).targets.Profile.NotifyRetrySchedule)
		answers := make([]string, n)
		for i := range answers {
			answers[i] = answer
		}
		scriptAnswers(ctx, answers)
		return nil
	})

	// The wallet's attempts, read from its payment view, on its clock.
	sc.Step(sc.pattern(`^the wallet has finished every earlier notification schedule$`), func(ctx context.Context) error {
		// Deliveries of earlier scenarios still due run inside a clock move and take real
		// time; flushing them first keeps this scenario's timing exact.
		advance(ctx, world(ctx).scheduleSpan()+24*time.Hour)
		return nil
	})
	sc.Step(sc.pattern(`^the wallet's notification attempt (\d+) ends "([^"]*)"$`), func(ctx context.Context, n int, outcome string) error {
		p := waitAttempts(ctx, n)
		a := p.Notifications[n-1]
		assert.Equal(checks(ctx), outcome, a.Outcome, "outcome of notification attempt %d (resultCode %q)", n, a.ResultCode)
		return nil
	})
	sc.Step(sc.pattern(`^the wallet's notification attempts ended "([^"]*)"$`), func(ctx context.Context, list string) error {
		want := splitList(list)
		p := waitAttempts(ctx, len(want))
		var got []string
		for _, a := range p.Notifications {
			got = append(got, a.Outcome)
		}
		assert.Equal(checks(ctx), want, got, "outcomes of the notification attempts of payment %s", p.PaymentID)
		return nil
	})
	sc.Step(sc.pattern(`^the wallet retries on its schedule up to attempt (\d+)$`), func(ctx context.Context, n int) error {
		retryOnSchedule(ctx, n)
		return nil
	})
	sc.Step(sc.pattern(`^the wallet retries on its schedule until its last attempt$`), func(ctx context.Context) error {
		retryOnSchedule(ctx, len(world(ctx).targets.Profile.NotifyRetrySchedule))
		return nil
	})
	sc.Step(sc.pattern(`^the wallet makes no further notification attempt$`), func(ctx context.Context) error {
		w, t := world(ctx), checks(ctx)
		before := len(waitAttempts(ctx, 1).Notifications)
		advance(ctx, w.scheduleSpan()+time.Hour)
		p, err := w.control.Payment(ctx, knownPaymentID(ctx))
		require.NoError(t, err)
		assert.Len(t, p.Notifications, before, "notification attempts after the wallet's clock moved past its whole schedule: %+v", p.Notifications)
		return nil
	})
}

// script sends a notification script for the scenario's payment and keeps the deliveries.
func script(ctx context.Context, action target.ScriptAction, count int, status string) {
	w, t := world(ctx), checks(ctx)
	s := target.NotificationScript{Action: action, Count: count, PaymentStatus: status}
	if w.paymentID != "" {
		s.PaymentID = w.paymentID
	} else {
		require.NotEmpty(t, w.paymentRequestID, "the kit knows no id of the payment in this scenario")
		s.PaymentRequestID = w.paymentRequestID
	}
	ds, err := w.control.ScriptNotifications(ctx, s)
	require.NoError(t, err, "scripting the wallet's notifications: %s", action)
	probeOf(ctx).deliveries = ds
}

func scriptAnswers(ctx context.Context, answers []string) {
	w, t := world(ctx), checks(ctx)
	requireOrder(ctx)
	require.NotEmpty(t, w.order.PaymentRequestID, "the merchant's order shows no paymentRequestId")
	err := w.merchant.ScriptNotifyAnswers(ctx, w.order.PaymentRequestID, answers)
	require.NoError(t, err, "scripting the merchant's answers to notifications")
}

func splitList(list string) []string {
	var out []string
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// scheduleSpan is how long the whole retry schedule takes.
func (w *World) scheduleSpan() time.Duration {
	var sum time.Duration
	for _, d := range w.targets.Profile.NotifyRetrySchedule {
		sum += d
	}
	return sum
}

// waitAttempts waits until the wallet's view of the payment shows at least n attempts.
func waitAttempts(ctx context.Context, n int) *target.Payment {
	w, t := world(ctx), checks(ctx)
	id, last := pollNotifications(ctx, n)
	require.GreaterOrEqual(t, len(last.Notifications), n, "notification attempts of payment %s after %s: %+v", id, w.wait(), last.Notifications)
	return last
}

// Timing tolerances of a retry: the kit moves the clock to retryMargin before the retry is
// due and checks that nothing came early, then past it. An attempt is stamped when it ends,
// so the gap between two stamps may exceed the interval by the delivery time (a TIMEOUT
// waits for the wallet's notification timeout).
const (
	retryMargin = 30 * time.Second
	retryLate   = time.Minute
)

// retryOnSchedule moves the wallet's clock from the last attempt to attempt n, one retry at
// a time: it waits until the view shows attempt k, moves the clock to just before attempt
// k+1 is due and checks it has not come, then moves past it and checks that it came on time.
// The wallet records attempt k only after it armed attempt k+1, so this is free of races.
func retryOnSchedule(ctx context.Context, n int) {
	w, t := world(ctx), checks(ctx)
	sched := w.targets.Profile.NotifyRetrySchedule
	require.LessOrEqual(t, n, len(sched), "the profile's schedule has %d attempts", len(sched))
	p := waitAttempts(ctx, 1)
	for k := len(p.Notifications); k < n; k++ {
		interval := sched[k]
		if early := interval - retryMargin; early > 0 {
			advance(ctx, early)
			q, err := w.control.Payment(ctx, p.PaymentID)
			require.NoError(t, err)
			require.Len(t, q.Notifications, k, "attempt %d came before its time: %s after attempt %d, the schedule says %s", k+1, early, k, interval)
		}
		advance(ctx, retryMargin)
		next := waitAttempts(ctx, k+1)
		gap, err := attemptGap(next, k)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, gap, interval-time.Second, "attempt %d came %s after attempt %d; the schedule says %s", k+1, gap, k, interval)
		assert.LessOrEqual(t, gap, interval+retryLate, "attempt %d came %s after attempt %d; the schedule says %s", k+1, gap, k, interval)
		p = next
	}
}

// attemptGap is the time between attempt k and attempt k+1 (1-based k).
func attemptGap(p *target.Payment, k int) (time.Duration, error) {
	at := func(i int) (time.Time, error) {
		ts, err := time.Parse(time.RFC3339Nano, p.Notifications[i-1].At)
		if err != nil {
			return time.Time{}, fmt.Errorf("attempt %d: at %q is not an RFC 3339 time", i, p.Notifications[i-1].At)
		}
		return ts, nil
	}
	a, err := at(k)
	if err != nil {
		return 0, err
	}
	b, err := at(k + 1)
	if err != nil {
		return 0, err
	}
	return b.Sub(a), nil
}
