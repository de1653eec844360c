package steps

import (
	"context"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/target"
)

// What the wallet has told the merchant with notifyPayment (seed 001 step 18, seed 000 step
// 2.3, seed 003 step 5), read from the wallet's payment view (a kit extension, @wallet-mock)
// when the wallet offers it, else as the kit's merchant received them on the wire (in
// verify-wallet the merchant is always the kit's).
func registerNotificationSteps(sc stepScope) {
	sc.Step(sc.pattern(`^the wallet has notified the merchant of "([^"]*)" once$`), func(ctx context.Context, status string) error {
		w, t := world(ctx), checks(ctx)
		if !w.targets.Capabilities.WalletMock {
			notifiedOnTheWire(ctx, status)
			return nil
		}
		if status == openapi.PaymentAuthSuccess && !w.dialect().NotifiesAuthSuccess() {
			// The dialect's wallets do not notify a granted authorization (docs/dialects.md):
			// none or one, and one that comes says AUTH_SUCCESS.
			id := knownPaymentID(ctx)
			p, until := notificationsSettled(ctx, id, 2)
			assert.LessOrEqual(t, len(p.Notifications), 1, "notifications of payment %s %s: %+v", id, until, p.Notifications)
			if len(p.Notifications) > 0 {
				assert.Equal(t, status, p.Notifications[0].PaymentStatus, "paymentStatus notified")
			}
			return nil
		}
		id, _ := pollNotifications(ctx, 1)
		// Once the first came, a settle window for a second one that must not come.
		last, until := notificationsSettled(ctx, id, 2)
		require.Len(t, last.Notifications, 1, "notifications of payment %s, counted after the first %s: %+v", id, until, last.Notifications)
		n := last.Notifications[0]
		assert.Equal(t, status, n.PaymentStatus, "paymentStatus notified")
		assert.Equal(t, string(openapi.StatusSuccess), n.Outcome, "the merchant's answer to the notification (resultCode %q)", n.ResultCode)
		return nil
	})
	sc.Step(sc.pattern(`^the wallet has sent no notification$`), func(ctx context.Context) error {
		t := checks(ctx)
		if !world(ctx).targets.Capabilities.WalletMock {
			got, until := receivedSettled(ctx, world(ctx).settleWindow(), 1)
			assert.Empty(t, got, "notifications the merchant received %s", until)
			return nil
		}
		id := knownPaymentID(ctx)
		p, until := notificationsSettled(ctx, id, 1)
		assert.Empty(t, p.Notifications, "notifications of payment %s %s", id, until)
		return nil
	})
}

// pollNotifications reads the wallet's view of the scenario's payment until it shows at
// least n notification attempts or the wait runs out, and returns the payment's id and the
// view it read last; the caller asserts on that view.
func pollNotifications(ctx context.Context, n int) (string, *target.Payment) {
	w, t := world(ctx), checks(ctx)
	id := knownPaymentID(ctx)
	var last *target.Payment
	_, err := w.await(ctx, w.wait(), func(ctx context.Context) (bool, error) {
		p, err := w.control.Payment(ctx, id)
		if err != nil {
			return false, err
		}
		last = p
		return len(p.Notifications) >= n, nil
	})
	skipCutShort(ctx, err)
	require.NoError(t, err, "reading the wallet's view of payment %s", id)
	require.NotNil(t, last, "the wallet did not show payment %s within %s", id, w.wait())
	return id, last
}

// notificationsSettled reads the wallet's view of payment id until it shows n notification
// attempts, or the wallet reports that it will send no further one (notificationPending
// false), or the settle window passes; it returns the view it read last and how long the
// count was watched, for messages.
func notificationsSettled(ctx context.Context, id string, n int) (*target.Payment, string) {
	w, t := world(ctx), checks(ctx)
	within := w.settleWindow()
	var last *target.Payment
	_, err := eventually(ctx, within, func(ctx context.Context) (bool, error) {
		p, err := w.control.Payment(ctx, id)
		if err != nil {
			return false, err
		}
		last = p
		return len(p.Notifications) >= n || p.Settled(), nil
	})
	require.NoError(t, err, "reading the wallet's view of payment %s", id)
	require.NotNil(t, last, "the wallet did not show payment %s within %s", id, within)
	return last, watched(last.Settled(), within)
}

// watched says how long a step watched for what must not come.
func watched(settled bool, within time.Duration) string {
	if settled {
		return "until the wallet reported no notification pending"
	}
	return "within " + within.String()
}

// knownPaymentID returns the wallet's id of the scenario's payment, asking the wallet by
// request id when the kit does not know it yet (an orderStr payment).
func knownPaymentID(ctx context.Context) string {
	w, t := world(ctx), checks(ctx)
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

// notifiedOnTheWire checks a wallet without the payment view through the notifications the
// kit's merchant received: the payment's final SUCCESS or FAIL must come, once. An
// AUTH_SUCCESS notification is the profile's to declare (PROTOCOL.md, "Where published
// wallets differ"); for a wallet that declares nothing the scenario's other steps check the
// grant (the merchant's order, inquiryPayment), and a notification that does come must be
// right and come once.
func notifiedOnTheWire(ctx context.Context, status string) {
	w, t := world(ctx), checks(ctx)
	if status == openapi.PaymentAuthSuccess {
		got, until := receivedSettled(ctx, w.settleWindow(), 2)
		assert.LessOrEqual(t, len(got), 1, "notifications the merchant received %s: %s", until, bodies(got))
		if len(got) > 0 {
			checkNotificationContent(ctx, got[0], status)
		}
		return
	}
	first := firstReceived(ctx)
	got, until := receivedSettled(ctx, w.settleWindow(), 2)
	require.Len(t, got, 1, "notifications the merchant received, counted after the first %s: %s", until, bodies(got))
	checkNotificationContent(ctx, first, status)
}
