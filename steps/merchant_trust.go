package steps

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"math/big"
	"net/url"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/target"
)

// What a merchant may trust (PROTOCOL.md, "my.tradePay results", "Result", "Signing"): the
// app's result code is a hint to ask the wallet; a U answer is never a failure (query or
// retry, under the same request id); a wallet answer whose signature or Client-Id does not
// verify, or that is about another amount, currency or payment, changes nothing. The kit's
// wallet mock scripts the U and forged answers (POST /conformance/answers, @wallet-mock); in
// verify-merchant it is always the kit's own wallet.
func registerMerchantTrustSteps(sc stepScope) {
	sc.Step(sc.pattern(`^the wallet will answer the merchant's pay for the next order with "([^"]*)" (after|before) making the payment$`), func(ctx context.Context, code, when string) error {
		scriptPay(ctx, target.AnswerScript{ResultCode: code, Apply: when == "after"})
		return nil
	})
	sc.Step(sc.pattern(`^the wallet will answer every pay for the next order "([^"]*)"$`), func(ctx context.Context, forgery string) error {
		scriptPay(ctx, target.AnswerScript{Forge: forgeKind(ctx, forgery), Count: 20})
		return nil
	})
	sc.Step(sc.pattern(`^the merchant creates the next order, paid by tradeNO$`), func(ctx context.Context) error {
		w := world(ctx)
		require.NotNil(checks(ctx), w.trust.payScript, "no pay answer was scripted for the next order")
		return createOrder(ctx, target.FlowTradeNO, target.General, w.trust.payAmount.Decimal()+" "+w.trust.payAmount.Currency)
	})
	sc.Step(sc.pattern(`^the mini program asks the merchant for the next order, paid by tradeNO$`), func(ctx context.Context) error {
		w, t := world(ctx), checks(ctx)
		require.NotNil(t, w.trust.payScript, "no pay answer was scripted for the next order")
		o, err := w.merchant.CreateOrder(ctx, target.NewOrder{Flow: target.FlowTradeNO, Type: target.General, Amount: w.trust.payAmount, Title: orderTitle})
		w.merchantErr = err
		if err == nil {
			w.setOrder(o)
		}
		return nil
	})
	sc.Step(sc.pattern(`^the merchant answers that it got no answer from the wallet it can trust$`), func(ctx context.Context) error {
		w, t := world(ctx), checks(ctx)
		require.Error(t, w.merchantErr, "the merchant handed out order %+v on an answer the wallet did not sign as it should", w.order)
		var se *target.StatusError
		require.True(t, errors.As(w.merchantErr, &se), "no answer from the merchant: %v", w.merchantErr)
		assert.Equal(t, 502, se.StatusCode, "HTTP status of the merchant's answer (502: the wallet is unreachable or its answer fails verification): %s", target.Snippet(se.Body))
		return nil
	})
	sc.Step(sc.pattern(`^the wallet files the order's payment under the paymentRequestId the merchant sent first$`), func(ctx context.Context) error {
		w, t := world(ctx), checks(ctx)
		requireOrder(ctx)
		s, err := w.control.AnswerScript(ctx, w.trust.payScript.ID)
		require.NoError(t, err, "reading the wallet's pay script back")
		require.NotEmpty(t, s.Answered, "the merchant's pay never reached the scripted answer (was the amount sent as %s?)", w.trust.payAmount)
		first := s.Answered[0].PaymentRequestID
		assert.Equal(t, first, w.order.PaymentRequestID, "the order's paymentRequestId is the one its first pay carried")
		resp := inquire(ctx, &openapi.InquiryPaymentRequest{PaymentRequestID: first})
		require.Equal(t, openapi.StatusSuccess, resp.Result.ResultStatus, "inquiryPayment of the first paymentRequestId %s: %s %s", first, resp.Result.ResultCode, resp.Result.ResultMessage)
		assert.Equal(t, resp.PaymentID, w.order.PaymentID, "the order's paymentId is the wallet's payment for the first paymentRequestId %s", first)
		return nil
	})
	sc.Step(sc.pattern(`^the wallet answers the next inquiry about the payment with "([^"]*)"$`), func(ctx context.Context, code string) error {
		scriptPaymentAnswer(ctx, target.AnswerScript{API: "inquiryPayment", ResultCode: code, Apply: true})
		return nil
	})
	sc.Step(sc.pattern(`^the wallet answers the next cancel of the payment with "([^"]*)" (after|before) making it$`), func(ctx context.Context, code, when string) error {
		scriptPaymentAnswer(ctx, target.AnswerScript{API: "cancel", ResultCode: code, Apply: when == "after"})
		return nil
	})
	sc.Step(sc.pattern(`^the wallet's next answer to an inquiry about the payment claims it paid, "([^"]*)"$`), func(ctx context.Context, forgery string) error {
		// Once: a merchant that treats an untrusted answer as unknown and asks again is right.
		scriptPaymentAnswer(ctx, target.AnswerScript{API: "inquiryPayment", Forge: forgeKind(ctx, forgery)})
		return nil
	})
	sc.Step(sc.pattern(`^the mini program reports the result code (\d+) to the merchant$`), func(ctx context.Context, code string) error {
		w := world(ctx)
		requireOrder(ctx)
		o, err := w.merchant.TradePayResult(ctx, w.order.OrderID, code)
		w.merchantErr, w.answer = err, nil
		if err == nil {
			w.answer = o
			w.setOrder(o)
		}
		return nil
	})
	sc.Step(sc.pattern(`^the merchant has asked the wallet and got the scripted answer$`), func(ctx context.Context) error {
		w, t := world(ctx), checks(ctx)
		require.NotNil(t, w.trust.script, "no answer was scripted about the payment")
		s, err := w.control.AnswerScript(ctx, w.trust.script.ID)
		require.NoError(t, err, "reading the wallet's answer script back")
		assert.NotEmpty(t, s.Answered, "the merchant did not ask the wallet (%s) about payment %s", s.API, s.PaymentID)
		return nil
	})
	sc.Step(sc.pattern(`^the merchant keeps the order open$`), func(ctx context.Context) error {
		w, t := world(ctx), checks(ctx)
		requireOrder(ctx)
		if w.merchantErr != nil {
			// 502: the merchant could not get a trustworthy answer; nothing is decided.
			assert.ErrorIs(t, w.merchantErr, target.ErrWalletFailed, "the merchant's answer to tradePayResult")
		} else {
			assert.Contains(t, []string{target.OrderPending, "PAID"}, w.answer.Status, "status in the merchant's answer to tradePayResult")
		}
		o, err := w.merchant.Order(ctx, w.order.OrderID)
		require.NoError(t, err, "reading order %s", w.order.OrderID)
		w.setOrder(o)
		assert.Contains(t, []string{target.OrderPending, "PAID"}, o.Status, "status of order %s: a U answer is not a failure", o.OrderID)
		return nil
	})
	sc.Step(sc.pattern(`^the merchant's order view shows every field of the test adapter$`), func(ctx context.Context) error {
		w, t := world(ctx), checks(ctx)
		requireOrder(ctx)
		body, err := w.merchant.Get(ctx, "/conformance/orders/"+url.PathEscape(w.order.OrderID))
		require.NoError(t, err, "reading order %s", w.order.OrderID)
		var view map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(body, &view), "the order view is not a JSON object: %s", target.Snippet(body))
		for _, f := range []string{"orderId", "status", "paymentId", "paymentRequestId", "amount", "authorizedAmount", "paidAmount", "refundedAmount"} {
			assert.Contains(t, view, f, "the order view names %s: %s", f, target.Snippet(body))
		}
		zero := money.Amount{Currency: w.orderAmount.Currency}
		o, err := w.merchant.Order(ctx, w.order.OrderID)
		require.NoError(t, err)
		assert.Equal(t, w.order.OrderID, o.OrderID, "orderId")
		assert.Equal(t, w.orderAmount, o.Amount, "amount")
		assert.Equal(t, zero, o.PaidAmount, "paidAmount of an unpaid order")
		assert.Equal(t, zero, o.RefundedAmount, "refundedAmount of an unpaid order")
		assert.NotEmpty(t, o.PaymentRequestID, "paymentRequestId")
		return nil
	})
	sc.Step(sc.pattern(`^the mini program asks the merchant about an order it never created, with "([^"]*)"$`), func(ctx context.Context, endpoint string) error {
		w := world(ctx)
		id := newID("never-created-")
		p := probeOf(ctx)
		p.adapterSent = true
		switch endpoint {
		case "GET":
			p.adapterBody, p.adapterErr = w.merchant.Get(ctx, "/conformance/orders/"+id)
		case "tradePayResult":
			p.adapterBody, p.adapterErr = w.merchant.Post(ctx, "/conformance/orders/"+id+"/tradePayResult", []byte(`{"resultCode":"9000"}`))
		case "capture", "cancel", "refund":
			p.adapterBody, p.adapterErr = w.merchant.Post(ctx, "/conformance/orders/"+id+"/"+endpoint, []byte(`{}`))
		default:
			require.Failf(checks(ctx), "unknown endpoint", "%q is not GET, tradePayResult, capture, cancel or refund", endpoint)
		}
		return nil
	})
	sc.Step(sc.pattern(`^the merchant answers that the order does not exist$`), func(ctx context.Context) error {
		p, t := probeOf(ctx), checks(ctx)
		require.True(t, p.adapterSent, "the mini program has sent the merchant nothing by hand")
		require.Error(t, p.adapterErr, "the merchant answered 200 about an order it never created: %s", target.Snippet(p.adapterBody))
		var se *target.StatusError
		require.True(t, errors.As(p.adapterErr, &se), "no answer from the merchant: %v", p.adapterErr)
		assert.Equal(t, 404, se.StatusCode, "HTTP status of the merchant's answer: %s", target.Snippet(se.Body))
		return nil
	})
}

// trustProbe is what a scenario scripted for the merchant's next pay.
type trustProbe struct {
	payScript *target.AnswerScript
	payAmount money.Amount
	// script is the last answer scripted about the scenario's payment.
	script *target.AnswerScript
}

// scriptPay scripts the wallet's answer to the merchant's pay for an order not created yet.
// The order gets an amount no other scenario uses, by which the wallet knows the pay.
func scriptPay(ctx context.Context, s target.AnswerScript) {
	w, t := world(ctx), checks(ctx)
	n, err := rand.Int(rand.Reader, big.NewInt(900000))
	require.NoError(t, err)
	w.trust.payAmount = money.Amount{Currency: "USD", Value: 100000 + n.Int64()}
	s.API = "pay"
	s.PaymentAmount = openapiAmount(w.trust.payAmount)
	got, err := w.control.Script(ctx, s)
	require.NoError(t, err, "scripting the wallet's answer to the next pay")
	w.trust.payScript = got
}

// scriptPaymentAnswer scripts the wallet's next answer to a call about the scenario's payment.
func scriptPaymentAnswer(ctx context.Context, s target.AnswerScript) {
	w, t := world(ctx), checks(ctx)
	s.PaymentID = knownPaymentID(ctx)
	got, err := w.control.Script(ctx, s)
	require.NoError(t, err, "scripting the wallet's next %s answer", s.API)
	w.trust.script = got
}

// forgeKind maps a feature's words onto the wallet mock's forgeries.
func forgeKind(ctx context.Context, forgery string) string {
	kinds := map[string]string{
		"changed after the wallet signed it": "SIGNATURE",
		"addressed to another client id":     "CLIENT_ID",
		"for another amount":                 "AMOUNT",
		"in another currency":                "CURRENCY",
		"for another payment id":             "PAYMENT_ID",
		"with no answer at all":              "NO_ANSWER",
	}
	k, ok := kinds[forgery]
	require.True(checks(ctx), ok, "unknown forgery %q", forgery)
	return k
}

func openapiAmount(a money.Amount) *openapi.Amount {
	w := openapi.WireAmount(a)
	return &w
}
