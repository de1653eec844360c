package steps

import (
	"context"
	"time"

	"github.com/cucumber/godog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/target"
)

// What the wallet has told the merchant with notifyPayment (seed 001 step 18, seed 000 step
// 2.3, seed 003 step 5), read from the wallet's payment view (a kit extension, @wallet-mock).
func registerNotificationSteps(sc stepScope) {
	sc.Step(sc.pattern(`^the wallet has notified the merchant of "([^"]*)" once$`), func(ctx context.Context, status string) error {
		w, t := world(ctx), godog.T(ctx)
		id, _ := pollNotifications(ctx, 1)
		// Once the first came, a settle window for a second one that must not come.
		last := notificationsWithin(ctx, id, w.settleWindow(), 2)
		require.Len(t, last.Notifications, 1, "notifications of payment %s, counted %s after the first: %+v", id, w.settleWindow(), last.Notifications)
		n := last.Notifications[0]
		assert.Equal(t, status, n.PaymentStatus, "paymentStatus notified")
		assert.Equal(t, string(openapi.StatusSuccess), n.Outcome, "the merchant's answer to the notification (resultCode %q)", n.ResultCode)
		return nil
	})
	sc.Step(sc.pattern(`^the wallet has sent no notification$`), func(ctx context.Context) error {
		w, t := world(ctx), godog.T(ctx)
		id := knownPaymentID(ctx)
		p := notificationsWithin(ctx, id, w.settleWindow(), 1)
		assert.Empty(t, p.Notifications, "notifications of payment %s within %s", id, w.settleWindow())
		return nil
	})
}

// pollNotifications reads the wallet's view of the scenario's payment until it shows at
// least n notification attempts or the wait runs out, and returns the payment's id and the
// view it read last; the caller asserts on that view.
func pollNotifications(ctx context.Context, n int) (string, *target.Payment) {
	w, t := world(ctx), godog.T(ctx)
	id := knownPaymentID(ctx)
	var last *target.Payment
	_, err := eventually(ctx, w.wait(), func(ctx context.Context) (bool, error) {
		p, err := w.control.Payment(ctx, id)
		if err != nil {
			return false, err
		}
		last = p
		return len(p.Notifications) >= n, nil
	})
	require.NoError(t, err, "reading the wallet's view of payment %s", id)
	require.NotNil(t, last, "the wallet did not show payment %s within %s", id, w.wait())
	return id, last
}

// notificationsWithin reads the wallet's view of payment id until it shows n notification
// attempts or within passes, and returns the view it read last.
func notificationsWithin(ctx context.Context, id string, within time.Duration, n int) *target.Payment {
	w, t := world(ctx), godog.T(ctx)
	var last *target.Payment
	_, err := eventually(ctx, within, func(ctx context.Context) (bool, error) {
		p, err := w.control.Payment(ctx, id)
		if err != nil {
			return false, err
		}
		last = p
		return len(p.Notifications) >= n, nil
	})
	require.NoError(t, err, "reading the wallet's view of payment %s", id)
	require.NotNil(t, last, "the wallet did not show payment %s within %s", id, within)
	return last
}

// knownPaymentID returns the wallet's id of the scenario's payment, asking the wallet by
// request id when the kit does not know it yet (an orderStr payment).
func knownPaymentID(ctx context.Context) string {
	w, t := world(ctx), godog.T(ctx)
	if w.paymentID != "" {
		return w.paymentID
	}
	require.NotEmpty(t, w.paymentRequestID, "the kit knows no id of the payment in this scenario")
	resp := inquire(ctx, &openapi.InquiryPaymentRequest{PaymentRequestID: w.paymentRequestID})
	require.Equal(t, openapi.Success, resp.Result.ResultCode, "inquiryPayment of paymentRequestId %s: %s", w.paymentRequestID, resp.Result.ResultMessage)
	require.NotEmpty(t, resp.PaymentID, "inquiryPayment reports no paymentId")
	w.paymentID = resp.PaymentID
	return w.paymentID
}
