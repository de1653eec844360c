package steps

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/target"
	"github.com/tradepaykit/tradepaykit/internal/walletclient"
)

// The kit playing a merchant against the wallet's pay (PROTOCOL.md, "pay and idempotency"):
// well-formed requests, and the malformed ones a wallet must refuse naming the field.
func registerPaySteps(sc stepScope) {
	sc.Step(sc.pattern(`^the kit asks the wallet for a payment of "([^"]*)"$`), func(ctx context.Context, amount string) error {
		a, err := parseAmount(amount)
		require.NoError(checks(ctx), err)
		body := payBody(world(ctx), openapi.WireAmount(a))
		sendPay(ctx, body)
		return nil
	})
	sc.Step(sc.pattern(`^the kit asks the wallet for a payment whose amount value is "([^"]*)"$`), func(ctx context.Context, value string) error {
		sendPay(ctx, payBody(world(ctx), openapi.Amount{Currency: "USD", Value: value}))
		return nil
	})
	sc.Step(sc.pattern(`^the kit asks the wallet for a payment whose amount value is the JSON number "([^"]*)"$`), func(ctx context.Context, number string) error {
		require.True(checks(ctx), json.Valid([]byte(number)), "%q is not a JSON number", number)
		body := payBody(world(ctx), openapi.Amount{Currency: "USD", Value: "1"})
		body["paymentAmount"] = map[string]any{"currency": "USD", "value": json.RawMessage(number)}
		sendPay(ctx, body)
		return nil
	})
	sc.Step(sc.pattern(`^the kit asks the wallet for a payment in the currency "([^"]*)"$`), func(ctx context.Context, currency string) error {
		sendPay(ctx, payBody(world(ctx), openapi.Amount{Currency: currency, Value: "1000"}))
		return nil
	})
	sc.Step(sc.pattern(`^the kit asks the wallet for a payment without a title$`), func(ctx context.Context) error {
		w := world(ctx)
		body := payBody(w, openapi.Amount{Currency: "USD", Value: "1000"})
		deleteTitle(w.dialect(), body)
		sendPay(ctx, body)
		return nil
	})
	sc.Step(sc.pattern(`^the kit asks the wallet for a payment with a title of (\d+) characters$`), func(ctx context.Context, n int) error {
		w := world(ctx)
		body := payBody(w, openapi.Amount{Currency: "USD", Value: "1000"})
		setTitle(w.dialect(), body, strings.Repeat("t", n))
		sendPay(ctx, body)
		return nil
	})
	sc.Step(sc.pattern(`^the kit asks the wallet for a payment without "([^"]*)"$`), func(ctx context.Context, field string) error {
		w := world(ctx)
		body := payBody(w, openapi.Amount{Currency: "USD", Value: "1000"})
		delete(body, field) // a dialect without the field never sends it
		sendPay(ctx, body)
		return nil
	})
	sc.Step(sc.pattern(`^the wallet refuses with "([^"]*)" naming "([^"]*)" where its dialect requires it, or accepts the payment request$`), func(ctx context.Context, code, field string) error {
		// A field some dialects require and others do not carry (docs/dialects.md): a wallet
		// of a dialect that requires it refuses a pay without it; any other takes the pay.
		w, t := world(ctx), checks(ctx)
		d := w.dialect()
		var required bool
		switch field {
		case "partnerId":
			required = d.RequiresPartnerID()
		case "appId":
			required = d.RequiresAppID()
		default:
			require.Failf(t, "not a field of the dialects", "%q: want partnerId or appId", field)
		}
		if !required {
			requireAccepted(ctx)
			return nil
		}
		refused(ctx, code, field)
		resp := inquire(ctx, &openapi.InquiryPaymentRequest{PaymentRequestID: w.paymentRequestID})
		assert.Equal(t, openapi.OrderNotExist, resp.Result.ResultCode, "inquiryPayment of paymentRequestId %s, refused for want of %s: %s", w.paymentRequestID, field, resp.Result.ResultMessage)
		return nil
	})
	sc.Step(sc.pattern(`^the kit asks the wallet for a payment without a request id$`), func(ctx context.Context) error {
		w := world(ctx)
		body := payBody(w, openapi.Amount{Currency: "USD", Value: "1000"})
		delete(body, "paymentRequestId")
		w.paymentRequestID = ""
		sendPay(ctx, body)
		return nil
	})
	sc.Step(sc.pattern(`^the kit has asked the wallet for a payment of "([^"]*)" that expires in (\d+) minutes$`), func(ctx context.Context, amount string, minutes int) error {
		w, t := world(ctx), checks(ctx)
		a, err := parseAmount(amount)
		require.NoError(t, err)
		// The deadline is on the wallet's business clock, which a scenario may have moved.
		now, err := w.control.AdvanceClock(ctx, 0)
		require.NoError(t, err, "reading the wallet's clock")
		body := payBody(w, openapi.WireAmount(a))
		body["paymentExpiryTime"] = now.Add(time.Duration(minutes) * time.Minute).Format(time.RFC3339)
		sendPay(ctx, body)
		requireAccepted(ctx)
		return nil
	})
	sc.Step(sc.pattern(`^the wallet accepts the payment request$`), func(ctx context.Context) error {
		requireAccepted(ctx)
		return nil
	})
	sc.Step(sc.pattern(`^the wallet refuses with "([^"]*)"$`), func(ctx context.Context, code string) error {
		refused(ctx, code, "")
		return nil
	})
	sc.Step(sc.pattern(`^the wallet refuses with "([^"]*)" naming "([^"]*)"$`), func(ctx context.Context, code, field string) error {
		refused(ctx, code, field)
		return nil
	})
	sc.Step(sc.pattern(`^the wallet refuses the request$`), func(ctx context.Context) error {
		r, t := world(ctx).lastResult, checks(ctx)
		require.NotEmpty(t, r.ResultCode, "the kit has sent nothing to the wallet")
		assert.Equal(t, openapi.StatusFail, r.ResultStatus, "resultStatus of %s (%s)", r.ResultCode, r.ResultMessage)
		return nil
	})
	sc.Step(sc.pattern(`^the wallet should answer "([^"]*)"$`), func(ctx context.Context, code string) error {
		w := world(ctx)
		if r := w.lastResult; r.ResultCode != openapi.Code(code) {
			w.should(ctx, "the wallet should answer %s, it answered %s (%s): %s", code, r.ResultCode, r.ResultStatus, r.ResultMessage)
		}
		return nil
	})
	sc.Step(sc.pattern(`^the wallet refuses the unsupported currency$`), func(ctx context.Context) error {
		// PROTOCOL.md, "pay and idempotency": a well-formed currency code the wallet does not
		// support may be CURRENCY_NOT_SUPPORT or PARAM_ILLEGAL.
		r, t := world(ctx).lastResult, checks(ctx)
		require.NotEmpty(t, r.ResultCode, "the kit has sent nothing to the wallet")
		assert.Contains(t, []openapi.Code{openapi.ParamIllegal, openapi.CurrencyNotSupport}, r.ResultCode, "resultCode (%s): %s", r.ResultStatus, r.ResultMessage)
		assert.Equal(t, openapi.StatusFail, r.ResultStatus, "resultStatus of %s", r.ResultCode)
		return nil
	})
}

// payBody returns a well-formed general pay request with a fresh request id, in the shape of
// the target's dialect (the title where it carries it, partnerId and appId where it requires
// them), as a map so that scenarios can break it field by field.
func payBody(w *World, amount openapi.Amount) map[string]any {
	w.paymentRequestID = newID("kit-pay-")
	d := w.dialect()
	body := map[string]any{
		"paymentRequestId": w.paymentRequestID,
		"paymentAmount":    amount,
		"paymentFactor":    map[string]any{"isCashierPayment": true},
	}
	if code := w.targets.Profile.GeneralProductCode; code != "" {
		body["productCode"] = code // none where the dialect and the profile name none
	}
	setTitle(d, body, orderTitle)
	if d.CarriesPartnerID() {
		body["partnerId"] = w.partnerID()
	}
	if d.RequiresAppID() {
		body["appId"] = w.targets.AppID
	}
	return body
}

// sendPay signs and sends body as the kit's merchant and keeps the answer.
func sendPay(ctx context.Context, body map[string]any) {
	w, t := world(ctx), checks(ctx)
	raw, err := json.Marshal(body)
	require.NoError(t, err)
	c, err := w.walletClient()
	require.NoError(t, err)
	w.payRequest, w.payBody = body, raw
	sendPayBytes(ctx, c, raw)
}

// sendPayWith sends body through another client than the kit's merchant: a wrong key, an
// unknown client id.
func sendPayWith(ctx context.Context, c *walletclient.Client, body map[string]any) {
	w, t := world(ctx), checks(ctx)
	raw, err := json.Marshal(body)
	require.NoError(t, err)
	w.payRequest, w.payBody = body, raw
	sendPayBytes(ctx, c, raw)
}

func sendPayBytes(ctx context.Context, c *walletclient.Client, raw []byte) {
	w, t := world(ctx), checks(ctx)
	var resp openapi.PayResponse
	require.NoError(t, c.Send(ctx, w.apiName(walletclient.APIPay), raw, &resp), "pay")
	w.prevPay, w.lastPay, w.lastResult = w.lastPay, &resp, resp.Result
	if resp.Result.ResultStatus == openapi.StatusAccepted || resp.Result.ResultStatus == openapi.StatusSuccess {
		if w.firstPay == nil {
			w.firstPay = &resp
			w.paymentID = resp.PaymentID
			w.token = target.Token{TradeNO: resp.PaymentID}
			if a, ok := w.payRequest["paymentAmount"].(openapi.Amount); ok {
				w.orderAmount, _ = a.Money("paymentAmount")
			}
		}
	}
}

func requireAccepted(ctx context.Context) {
	w, t := world(ctx), checks(ctx)
	require.NotNil(t, w.lastPay, "the kit has not asked for a payment")
	r := w.lastPay.Result
	require.Equal(t, openapi.Accept, r.ResultCode, "pay result (%s): %s", r.ResultStatus, r.ResultMessage)
	assert.Equal(t, openapi.StatusAccepted, r.ResultStatus, "pay resultStatus")
	assert.NotEmpty(t, w.lastPay.PaymentID, "pay answered no paymentId")
	assert.NotEmpty(t, w.lastPay.RedirectActionForm.URL(), "pay answered no cashier URL in redirectActionForm")
}

// refused checks that the last OpenAPI answer is a final failure with code, whose message
// names field when one is given.
func refused(ctx context.Context, code, field string) {
	w, t := world(ctx), checks(ctx)
	r := w.lastResult
	require.NotEmpty(t, r.ResultCode, "the kit has sent nothing to the wallet")
	switch {
	case secondOperationRefused(ctx, openapi.Code(code), r):
		// A wallet that takes one capture or one partial refund refuses the next one first.
	case !openapi.RefusalCodeIsShould(openapi.Code(code)):
		assert.Equal(t, openapi.Code(code), r.ResultCode, "resultCode (message %q)", r.ResultMessage)
	case !openapi.SameRefusal(openapi.Code(code), r.ResultCode):
		// A capture refusal's code and ORDER_IS_CLOSED are SHOULD; the published aliases are
		// equally right (docs/protocol.md, "Where published wallets differ").
		w.should(ctx, "the wallet should refuse with %s (or a published alias of it), it answered %s (%s): %s", code, r.ResultCode, r.ResultStatus, r.ResultMessage)
	}
	assert.Equal(t, openapi.StatusFail, r.ResultStatus, "resultStatus of %s", r.ResultCode)
	if field = wireField(w.dialect(), field); field != "" && !strings.Contains(r.ResultMessage, field) {
		// The code is the contract; the message is for people, in the wallet's own words
		// (PROTOCOL.md, "pay and idempotency").
		w.should(ctx, "the resultMessage should name %s: %q", field, r.ResultMessage)
	}
	if w.lastPay != nil && w.lastPay.Result == r && w.firstPay == nil {
		assert.Empty(t, w.lastPay.PaymentID, "a refused pay answered a paymentId")
	}
}

// secondOperationRefused reports whether r refuses a capture or refund after a successful one
// with the code of a wallet that takes only one (ORDER_IS_CLOSED or an alias for captures,
// MULTI_REFUND_NOT_ALLOWED for refunds), where the kit expected the refusal want and the
// profile does not declare several (docs/protocol.md, "Where published wallets differ").
func secondOperationRefused(ctx context.Context, want openapi.Code, r openapi.Result) bool {
	w := world(ctx)
	if r.ResultStatus != openapi.StatusFail {
		return false
	}
	switch want {
	case openapi.CaptureAmountExceed:
		c := capturesOf(ctx)
		decl, _ := declaredMultiplicity(w, "captures")
		return (c.first != nil || c.earlier) && decl != fixtures.CapturesSeveral && openapi.SameRefusal(openapi.OrderIsClosed, r.ResultCode)
	case openapi.RefundAmountExceed:
		f := refundsOf(ctx)
		decl, _ := declaredMultiplicity(w, "refunds")
		return (f.first != nil || f.earlier) && decl != fixtures.RefundsSeveral && r.ResultCode == openapi.MultiRefundNotAllowed
	}
	return false
}
