package steps

import (
	"context"
	"strings"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/signing"
)

// The kit playing the wallet towards the merchant's notify endpoint (PROTOCOL.md,
// "notifyPayment", "Signing", "Lifecycles"): genuine notifications in every tolerated signing
// variant must be accepted; forged ones (bad signature, stale, another client, another amount
// or payment) must be answered F and change nothing. The merchant's notify URL is read from
// the kit's wallet mock (@wallet-mock), and the kit signs with the wallet key it holds.
func registerMerchantNotifySteps(sc stepScope) {
	sc.Step(sc.pattern(`^the merchant receives a "([^"]*)" notification signed by the wallet$`), func(ctx context.Context, status string) error {
		w := world(ctx)
		m := w.kitNotification(ctx, status)
		w.sendSigned(ctx, m, w.targets.MerchantPublicKey)
		return nil
	})
	sc.Step(sc.pattern(`^the merchant receives a "([^"]*)" notification signed with "([^"]*)"$`), func(ctx context.Context, status, variant string) error {
		w := world(ctx)
		m := w.kitNotification(ctx, status)
		applyVariant(ctx, variant, &m)
		w.sendSigned(ctx, m, w.targets.MerchantPublicKey)
		return nil
	})
	sc.Step(sc.pattern(`^the merchant receives a "([^"]*)" notification "([^"]*)"$`), func(ctx context.Context, status, forgery string) error {
		w := world(ctx)
		m := w.kitNotification(ctx, status)
		if mutate, ok := contentForgeries[forgery]; ok {
			// A well-signed notification that says something untrue about the order.
			body := w.notificationBody(ctx, status)
			mutate(body)
			m.Body = mustJSON(ctx, body)
		} else {
			other := w.notificationBody(ctx, status)
			other["paymentAmount"] = openapi.WireAmount(money.Amount{Currency: w.order.Amount.Currency, Value: w.order.Amount.Value + 1})
			forge(ctx, forgery, &m, forgeContext{otherKey: fixtures.PrivateKey(fixtures.MerchantPrivateKey), otherBody: mustJSON(ctx, other)})
		}
		w.sendSigned(ctx, m, w.targets.MerchantPublicKey)
		return nil
	})

	sc.Step(sc.pattern(`^the merchant acknowledges the notification$`), func(ctx context.Context) error {
		a := notifyAnswer(ctx)
		assert.Equal(checks(ctx), openapi.StatusSuccess, a.Result.ResultStatus, "resultStatus of the merchant's answer (%s: %s)", a.Result.ResultCode, a.Result.ResultMessage)
		return nil
	})
	sc.Step(sc.pattern(`^the merchant refuses the notification$`), func(ctx context.Context) error {
		notifyRefused(ctx, "", "")
		return nil
	})
	sc.Step(sc.pattern(`^the merchant refuses the notification with "([^"]*)"$`), func(ctx context.Context, code string) error {
		notifyRefused(ctx, code, "")
		return nil
	})
	sc.Step(sc.pattern(`^the merchant refuses the notification with "([^"]*)" naming "([^"]*)"$`), func(ctx context.Context, code, field string) error {
		notifyRefused(ctx, code, field)
		return nil
	})
	sc.Step(sc.pattern(`^the merchant refuses the malformed notification, and should name "([^"]*)"$`), func(ctx context.Context, field string) error {
		// F is the verdict (PROTOCOL.md, "Lifecycles": a merchant refusing a notification
		// answers F with the reason); how it words the reason is its own.
		notifyRefused(ctx, "", "")
		w, r := world(ctx), notifyAnswer(ctx).Result
		if field = wireField(w.dialect(), field); r.ResultCode != openapi.ParamIllegal || !strings.Contains(r.ResultMessage, field) {
			w.should(ctx, "the merchant's refusal should be PARAM_ILLEGAL naming %q, it is %s %q", field, r.ResultCode, r.ResultMessage)
		}
		return nil
	})

	sc.Step(sc.pattern(`^the merchant acknowledges the notification and its order is "([^"]*)", or should: refuses it and its order is unchanged$`), func(ctx context.Context, want string) error {
		// A signed notification about the merchant's own payment, consistent in ids, amount
		// and currency, never fails the merchant (docs/protocol.md, "Where published wallets
		// differ"): S settles the order; F for a malformed optional field is a SHOULD
		// acknowledge, as long as the order does not change.
		w, t := world(ctx), checks(ctx)
		requireOrder(ctx)
		before := w.order.Status
		a := notifyAnswer(ctx)
		require.Less(t, a.StatusCode, 500, "HTTP status of the merchant's answer")
		require.NoError(t, a.DecodeErr, "the merchant's answer holds no result (HTTP %d)", a.StatusCode)
		r := a.Result
		switch r.ResultStatus {
		case openapi.StatusSuccess:
			return orderBecomes(ctx, want)
		case openapi.StatusFail:
			w.should(ctx, "the merchant should acknowledge a genuine notification with a malformed optional field (S), it refused it: %s %q", r.ResultCode, r.ResultMessage)
			return orderIs(ctx, before)
		default:
			assert.Failf(t, "neither S nor F", "the merchant answered a genuine notification %s (%s): %s", r.ResultCode, r.ResultStatus, r.ResultMessage)
		}
		return nil
	})

	// SHOULD rules: a merchant that differs gets a warning, not a failure.
	sc.Step(sc.pattern(`^the merchant should refuse the notification with "([^"]*)"$`), func(ctx context.Context, code string) error {
		w := world(ctx)
		r := probeOf(ctx).answer
		require.NotNil(checks(ctx), r, "the kit has sent the merchant no notification")
		if r.Result.ResultCode != openapi.Code(code) || r.Result.ResultStatus != openapi.StatusFail {
			w.should(ctx, "the merchant should refuse the notification with %s (F), it answered HTTP %d %s (%s): %s",
				code, r.StatusCode, r.Result.ResultCode, r.Result.ResultStatus, r.Result.ResultMessage)
		}
		return nil
	})
	sc.Step(sc.pattern(`^the merchant should acknowledge the notification$`), func(ctx context.Context) error {
		w := world(ctx)
		r := probeOf(ctx).answer
		require.NotNil(checks(ctx), r, "the kit has sent the merchant no notification")
		if r.Result.ResultStatus != openapi.StatusSuccess {
			w.should(ctx, "the merchant should acknowledge the notification (S), it answered HTTP %d %s (%s): %s",
				r.StatusCode, r.Result.ResultCode, r.Result.ResultStatus, r.Result.ResultMessage)
		}
		return nil
	})
	sc.Step(sc.pattern(`^the merchant's order should still be "([^"]*)"$`), func(ctx context.Context, want string) error {
		w, t := world(ctx), checks(ctx)
		requireOrder(ctx)
		o, err := w.merchant.Order(ctx, w.order.OrderID)
		require.NoError(t, err, "reading order %s", w.order.OrderID)
		w.setOrder(o)
		if o.Status != want {
			w.should(ctx, "order %s should still be %s, it is %s", o.OrderID, want, o.Status)
		}
		return nil
	})
	sc.Step(sc.pattern(`^the merchant should sign its answer$`), func(ctx context.Context) error {
		w := world(ctx)
		a := notifyAnswer(ctx)
		if a.SignatureErr != nil {
			w.should(ctx, "the merchant should sign its answer to notifyPayment with its key: %v", a.SignatureErr)
		} else if _, err := signing.ParseTime(a.Header.Get(signing.HeaderResponseTime)); err != nil {
			w.should(ctx, "the merchant's signed answer should carry a Response-Time: %v", err)
		}
		return nil
	})
}

// contentForgeries break what a correctly signed notification says: the merchant must check
// it against its order, not only the signature.
var contentForgeries = map[string]func(body map[string]any){
	"for another amount": func(b map[string]any) {
		a := b["paymentAmount"].(openapi.Amount)
		m, _ := a.Money("paymentAmount")
		m.Value++
		b["paymentAmount"] = openapi.WireAmount(m)
	},
	"in another currency": func(b map[string]any) {
		a := b["paymentAmount"].(openapi.Amount)
		cur := "EUR"
		if a.Currency == cur {
			cur = "USD"
		}
		b["paymentAmount"] = openapi.Amount{Currency: cur, Value: a.Value}
	},
	"for a payment request the merchant never made": func(b map[string]any) {
		b["paymentRequestId"] = newID("never-requested-")
	},
	"for another payment id": func(b map[string]any) {
		b["paymentId"] = newID("another-payment-")
	},
}

// notificationBody is what the wallet would notify about the scenario's order, in the shape
// of the target's dialect: the outcome in paymentStatus or paymentResult, partnerId where
// the dialect carries it.
func (w *World) notificationBody(ctx context.Context, status string) map[string]any {
	t := checks(ctx)
	requireOrder(ctx)
	id := knownPaymentID(ctx)
	require.NotEmpty(t, w.order.PaymentRequestID, "the merchant's order shows no paymentRequestId")
	now := time.Now().UTC().Format(time.RFC3339)
	d := w.dialect()
	body := map[string]any{
		"paymentId":         id,
		"paymentRequestId":  w.order.PaymentRequestID,
		"paymentAmount":     openapi.WireAmount(w.order.Amount),
		"paymentCreateTime": now,
	}
	const failReason = "declined (sent by the conformance kit)"
	switch {
	case !d.NotifiesWithPaymentResult():
		body["paymentStatus"] = status
		if status == openapi.PaymentFail {
			body["paymentFailReason"] = failReason
		}
	case status == openapi.PaymentSuccess:
		body["paymentResult"] = openapi.SuccessResult()
	case status == openapi.PaymentFail:
		body["paymentResult"] = openapi.Result{ResultCode: openapi.ProcessFail, ResultStatus: openapi.StatusFail, ResultMessage: failReason}
	default:
		require.Failf(t, "no such notification in the dialect", "the %s dialect reports a final SUCCESS or FAIL in paymentResult; it cannot notify %s", d.Label(), status)
	}
	if status == openapi.PaymentSuccess || status == openapi.PaymentAuthSuccess {
		body["paymentTime"] = now
	}
	if d.CarriesPartnerID() {
		body["partnerId"] = w.partnerID()
	}
	return body
}

// notifiable says why the kit, playing the wallet, cannot send a notification of status in
// the target's dialect ("" when it can): a paymentResult cannot say AUTH_SUCCESS.
func (w *World) notifiable(status string) string {
	if status == openapi.PaymentAuthSuccess && w.dialect().NotifiesWithPaymentResult() {
		return "a notification reports a final SUCCESS or FAIL in paymentResult, which cannot say AUTH_SUCCESS"
	}
	return ""
}

// kitNotification is a correct notification about the scenario's order, signed with the
// wallet key, addressed to the notify URL the merchant gave the wallet. A notification the
// dialect cannot express ends the scenario as not applicable.
func (w *World) kitNotification(ctx context.Context, status string) signedMessage {
	t := checks(ctx)
	if why := w.notifiable(status); why != "" {
		_ = w.notApplicable(why)
		skipNow(ctx)
	}
	require.NotNil(t, w.targets.WalletKey, "no wallet private key: the kit cannot play the wallet towards this merchant")
	body := w.notificationBody(ctx, status)
	p, err := w.control.Payment(ctx, knownPaymentID(ctx))
	require.NoError(t, err, "reading the notify URL from the wallet's view of the payment")
	require.NotEmpty(t, p.NotifyURL, "the wallet knows no notify URL for payment %s", p.PaymentID)
	clientID := p.ClientID
	if clientID == "" {
		clientID = w.targets.ClientID
	}
	return signedMessage{URL: p.NotifyURL, Body: mustJSON(ctx, body), ClientID: clientID, Key: w.targets.WalletKey, Time: time.Now()}
}

// notifyAnswer returns the merchant's answer to the kit's last notification.
func notifyAnswer(ctx context.Context) *signedAnswer {
	a := probeOf(ctx).answer
	require.NotNil(checks(ctx), a, "the kit has sent the merchant no notification")
	return a
}

// notifyRefused checks a final refusal: never a server error, HTTP 200 with resultStatus F,
// the code and the field when given.
func notifyRefused(ctx context.Context, code, field string) {
	a, t := notifyAnswer(ctx), checks(ctx)
	assert.Less(t, a.StatusCode, 500, "HTTP status of the merchant's answer")
	require.NoError(t, a.DecodeErr, "the merchant's answer holds no result (HTTP %d)", a.StatusCode)
	r := a.Result
	assert.Equal(t, openapi.StatusFail, r.ResultStatus, "resultStatus of the merchant's answer (%s: %s)", r.ResultCode, r.ResultMessage)
	if code != "" {
		assert.Equal(t, openapi.Code(code), r.ResultCode, "resultCode of the merchant's answer (message %q)", r.ResultMessage)
	}
	if field != "" {
		assert.Contains(t, r.ResultMessage, wireField(world(ctx).dialect(), field), "the merchant's resultMessage names the field")
	}
}
