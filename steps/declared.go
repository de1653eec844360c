package steps

import (
	"context"
	"fmt"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// What a wallet's profile declares where published wallets differ (docs/protocol.md, "Where
// published wallets differ"): the notifications it sends besides a payment's final SUCCESS or
// FAIL. A declared notification must come; one declared absent must not; one not declared is
// judged only if it comes, and the outcome is checked through inquiryPayment instead.
func registerDeclaredSteps(sc stepScope) {
	sc.Step(sc.pattern(`^the merchant receives the wallet's "([^"]*)" notification of the payment, if the profile declares one$`), func(ctx context.Context, status string) error {
		w, t := world(ctx), checks(ctx)
		var declared *bool
		var inquiry string
		switch status {
		case openapi.PaymentAuthSuccess:
			declared, inquiry = w.declaredNotifications().AuthSuccess, openapi.PaymentAuthSuccess
		case openapi.PaymentFail:
			declared, inquiry = w.declaredNotifications().FailAtDeadline, openapi.PaymentFail
		default:
			require.Failf(t, "not a declared notification", "%q: the profile declares AUTH_SUCCESS and the deadline's FAIL notifications", status)
		}
		if declared != nil && *declared {
			checkNotificationContent(ctx, firstReceived(ctx), status)
			return nil
		}
		// Not declared, or declared absent: the outcome through inquiryPayment, then what
		// came within the settle window.
		resp := inquire(ctx, w.paymentQuery())
		assert.Equal(t, inquiry, resp.PaymentStatus, "paymentStatus reported by inquiryPayment (result %s: %s)", resp.Result.ResultCode, resp.Result.ResultMessage)
		got, until := receivedSettled(ctx, w.settleWindow(), 1)
		if declared != nil {
			assert.Empty(t, got, "the profile declares no %s notification, yet the merchant received %d in %s%s", status, len(got), until, bodies(got))
			return nil
		}
		if len(got) > 0 {
			checkNotificationContent(ctx, got[0], status)
		}
		return nil
	})
	sc.Step(sc.pattern(`^the merchant receives no notifications but those the profile declares for a granted and captured authorization$`), func(ctx context.Context) error {
		// A captured authorization's notifications: AUTH_SUCCESS when granted and SUCCESS
		// after the capture, each as declared; not declared, it may come or not.
		w, t := world(ctx), checks(ctx)
		n := w.declaredNotifications()
		least, most := 0, 0
		for _, d := range []*bool{n.AuthSuccess, n.AfterCapture} {
			switch {
			case d == nil:
				most++
			case *d:
				least++
				most++
			}
		}
		got, until := receivedSettled(ctx, w.settleWindow(), most+1)
		assert.GreaterOrEqual(t, len(got), least, "notifications the merchant received in %s: the profile declares %d%s", until, least, bodies(got))
		assert.LessOrEqual(t, len(got), most, "notifications the merchant received in %s: the profile allows at most %d%s", until, most, bodies(got))
		for i, r := range got {
			body, err := openapi.DecodeNotifyPaymentOutcome(w.dialect(), r.Body)
			if err != nil {
				assert.Fail(t, fmt.Sprintf("notification %d, read in the %s dialect: %v", i+1, w.dialect().Label(), err))
				continue
			}
			assert.Contains(t, []string{openapi.PaymentAuthSuccess, openapi.PaymentSuccess}, body.PaymentStatus, "paymentStatus of notification %d", i+1)
		}
		return nil
	})
}
