package steps

import (
	"context"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// What the wallet says about a payment when asked with inquiryPayment, the server-side truth
// a merchant must rely on (PROTOCOL.md, "inquiryPayment"). The kit asks as the merchant.
func registerInquirySteps(sc stepScope) {
	sc.Step(sc.pattern(`^the wallet reports the payment as "([^"]*)"$`), func(ctx context.Context, status string) error {
		walletReports(ctx, status, "")
		return nil
	})
	sc.Step(sc.pattern(`^the wallet reports the payment as "([^"]*)" for "([^"]*)"$`), func(ctx context.Context, status, amount string) error {
		walletReports(ctx, status, amount)
		return nil
	})
	sc.Step(sc.pattern(`^the wallet has no payment for that request$`), func(ctx context.Context) error {
		w, t := world(ctx), checks(ctx)
		require.NotEmpty(t, w.paymentRequestID, "no payment request id in this scenario")
		resp := inquire(ctx, &openapi.InquiryPaymentRequest{PaymentRequestID: w.paymentRequestID})
		assert.Equal(t, openapi.OrderNotExist, resp.Result.ResultCode, "inquiryPayment of paymentRequestId %s: %s", w.paymentRequestID, resp.Result.ResultMessage)
		assert.Empty(t, resp.PaymentID, "paymentId reported for a request that created nothing")
		return nil
	})
	sc.Step(sc.pattern(`^the order's tradeNO is the wallet's payment id$`), func(ctx context.Context) error {
		w, t := world(ctx), checks(ctx)
		requireOrder(ctx)
		require.NotEmpty(t, w.paymentRequestID, "the merchant's order shows no paymentRequestId")
		resp := inquire(ctx, &openapi.InquiryPaymentRequest{PaymentRequestID: w.paymentRequestID})
		require.Equal(t, openapi.StatusSuccess, resp.Result.ResultStatus, "inquiryPayment of paymentRequestId %s: %s", w.paymentRequestID, resp.Result.ResultMessage)
		assert.Equal(t, w.token.TradeNO, resp.PaymentID, "the wallet's paymentId for the merchant's paymentRequestId")
		return nil
	})
	sc.Step(sc.pattern(`^the order's payment URL leads to the wallet's payment$`), func(ctx context.Context) error {
		w, t := world(ctx), checks(ctx)
		requireOrder(ctx)
		require.NotEmpty(t, w.paymentRequestID, "the merchant's order shows no paymentRequestId")
		resp := inquire(ctx, &openapi.InquiryPaymentRequest{PaymentRequestID: w.paymentRequestID})
		require.Equal(t, openapi.StatusSuccess, resp.Result.ResultStatus, "inquiryPayment of paymentRequestId %s: %s", w.paymentRequestID, resp.Result.ResultMessage)
		assert.Equal(t, openapi.PaymentProcessing, resp.PaymentStatus)
		assert.Equal(t, resp.PaymentID, w.order.PaymentID, "the merchant's paymentId (acquirementId) for the cashier payment")
		// The URL itself: the payer's app opens it (seed 003 step 4), so it must be an
		// absolute URL that answers; the payment behind it is the one tradePay then pays.
		require.NotEmpty(t, w.token.PaymentURL, "the order carries no payment URL")
		_, err := w.control.OpenPage(ctx, w.token.PaymentURL)
		assert.NoError(t, err, "following the payment URL %s", w.token.PaymentURL)
		return nil
	})
	sc.Step(sc.pattern(`^the wallet's payment request id is the orderStr's out_trade_no$`), func(ctx context.Context) error {
		w, t := world(ctx), checks(ctx)
		require.NotEmpty(t, w.paymentRequestID, "no orderStr in this scenario")
		resp := inquire(ctx, &openapi.InquiryPaymentRequest{PaymentRequestID: w.paymentRequestID})
		require.Equal(t, openapi.StatusSuccess, resp.Result.ResultStatus, "inquiryPayment of out_trade_no %s: %s", w.paymentRequestID, resp.Result.ResultMessage)
		assert.Equal(t, w.paymentRequestID, resp.PaymentRequestID, "the wallet's paymentRequestId")
		assert.NotEmpty(t, resp.PaymentID, "the wallet's paymentId")
		return nil
	})
	sc.Step(sc.pattern(`^the kit asks the wallet about a payment id it never issued$`), func(ctx context.Context) error {
		resp := inquire(ctx, &openapi.InquiryPaymentRequest{PaymentID: newID("never-issued-")})
		world(ctx).lastResult = resp.Result
		return nil
	})
	sc.Step(sc.pattern(`^the kit asks the wallet about an unknown payment id with the payment's request id$`), func(ctx context.Context) error {
		w := world(ctx)
		require.NotEmpty(checks(ctx), w.paymentRequestID, "no payment request id in this scenario")
		resp := inquire(ctx, &openapi.InquiryPaymentRequest{PaymentID: newID("never-issued-"), PaymentRequestID: w.paymentRequestID})
		w.lastResult = resp.Result
		return nil
	})
}

// inquire sends inquiryPayment as the kit's merchant and requires a trustworthy answer.
func inquire(ctx context.Context, req *openapi.InquiryPaymentRequest) *openapi.InquiryPaymentResponse {
	w, t := world(ctx), checks(ctx)
	c, err := w.walletClient()
	require.NoError(t, err)
	resp, err := c.InquiryPayment(ctx, req)
	require.NoError(t, err, "inquiryPayment")
	return resp
}

// paymentQuery asks by every id the kit knows; the wallet lets paymentId win.
func (w *World) paymentQuery() *openapi.InquiryPaymentRequest {
	return &openapi.InquiryPaymentRequest{PaymentID: w.paymentID, PaymentRequestID: w.paymentRequestID}
}

// walletReports waits until inquiryPayment reports status (a payment taken "in the
// background" settles later), then checks the amount when one is given.
func walletReports(ctx context.Context, status, amount string) {
	w, t := world(ctx), checks(ctx)
	q := w.paymentQuery()
	require.True(t, q.PaymentID != "" || q.PaymentRequestID != "", "the kit knows no id of the payment in this scenario")
	c, err := w.walletClient()
	require.NoError(t, err)
	var last *openapi.InquiryPaymentResponse
	_, err = w.await(ctx, w.wait(), func(ctx context.Context) (bool, error) {
		resp, err := c.InquiryPayment(ctx, q)
		if err != nil {
			return false, err
		}
		last = resp
		// Decided either way once the payment is where it cannot become status any more.
		return resp.Result.ResultStatus == openapi.StatusSuccess && (resp.PaymentStatus == status || !paymentCanBecome(resp.PaymentStatus, status)), nil
	})
	skipCutShort(ctx, err)
	require.NoError(t, err, "inquiryPayment")
	require.NotNil(t, last, "the wallet did not answer inquiryPayment within %s", w.wait())
	require.Equal(t, openapi.Success, last.Result.ResultCode, "inquiryPayment result: %s", last.Result.ResultMessage)
	assert.Equal(t, status, last.PaymentStatus, "paymentStatus of payment %s / %s", q.PaymentID, q.PaymentRequestID)
	if w.paymentID == "" {
		w.paymentID = last.PaymentID
	}
	if amount == "" {
		return
	}
	want, err := parseAmount(amount)
	require.NoError(t, err)
	require.NotNil(t, last.PaymentAmount, "inquiryPayment reports no paymentAmount")
	got, err := last.PaymentAmount.Money("paymentAmount")
	require.NoError(t, err, "inquiryPayment paymentAmount")
	assert.Equal(t, want, got, "paymentAmount of payment %s", last.PaymentID)
}
