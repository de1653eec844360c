package steps

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// A repeated paymentRequestId (PROTOCOL.md, "Idempotency"): the same content returns the same
// payment, other content is REPEAT_REQ_INCONSISTENT, and a refused request does not use up
// its id.
func registerIdempotencySteps(sc stepScope) {
	sc.Step(sc.pattern(`^the kit sends the same payment request again$`), func(ctx context.Context) error {
		w, t := world(ctx), checks(ctx)
		require.NotEmpty(t, w.payBody, "the kit has not asked for a payment")
		c, err := w.walletClient()
		require.NoError(t, err)
		sendPayBytes(ctx, c, w.payBody)
		return nil
	})
	sc.Step(sc.pattern(`^the kit sends the same payment request again with its fields in another order$`), func(ctx context.Context) error {
		w, t := world(ctx), checks(ctx)
		require.NotEmpty(t, w.payBody, "the kit has not asked for a payment")
		raw, err := reversedJSON(w.payBody)
		require.NoError(t, err)
		require.NotEqual(t, string(w.payBody), string(raw))
		c, err := w.walletClient()
		require.NoError(t, err)
		sendPayBytes(ctx, c, raw)
		return nil
	})
	sc.Step(sc.pattern(`^the kit sends the same request id for a payment of "([^"]*)"$`), func(ctx context.Context, amount string) error {
		resendWithAmount(ctx, amount)
		return nil
	})
	sc.Step(sc.pattern(`^the kit sends the request again with the amount corrected to "([^"]*)"$`), func(ctx context.Context, amount string) error {
		resendWithAmount(ctx, amount)
		return nil
	})
	sc.Step(sc.pattern(`^the wallet accepts the corrected request for "([^"]*)", or replays its first refusal and has no payment for it$`), func(ctx context.Context, amount string) error {
		w, t := world(ctx), checks(ctx)
		require.NotNil(t, w.lastPay, "the kit has not asked for a payment")
		if w.prevPay != nil && replayedRefusal(w.prevPay.Result, w.lastPay.Result) {
			assert.Empty(t, w.lastPay.PaymentID, "a replayed refusal answered a paymentId")
			resp := inquire(ctx, &openapi.InquiryPaymentRequest{PaymentRequestID: w.paymentRequestID})
			assert.Equal(t, openapi.OrderNotExist, resp.Result.ResultCode, "inquiryPayment of the refused paymentRequestId %s: payment %q %s", w.paymentRequestID, resp.PaymentID, resp.PaymentStatus)
			return nil
		}
		requireAccepted(ctx)
		walletReports(ctx, openapi.PaymentProcessing, amount)
		return nil
	})
	sc.Step(sc.pattern(`^the wallet answers with the same payment id$`), func(ctx context.Context) error {
		w, t := world(ctx), checks(ctx)
		require.NotNil(t, w.firstPay, "the wallet has accepted no payment in this scenario")
		require.NotNil(t, w.lastPay)
		assert.Equal(t, openapi.Accept, w.lastPay.Result.ResultCode, "repeated pay result: %s", w.lastPay.Result.ResultMessage)
		assert.Equal(t, w.firstPay.PaymentID, w.lastPay.PaymentID, "paymentId of the repeated request")
		return nil
	})
}

// resendWithAmount sends the last pay request with the same request id and another amount.
func resendWithAmount(ctx context.Context, amount string) {
	w, t := world(ctx), checks(ctx)
	require.NotNil(t, w.payRequest, "the kit has not asked for a payment")
	a, err := parseAmount(amount)
	require.NoError(t, err)
	body := make(map[string]any, len(w.payRequest))
	for k, v := range w.payRequest {
		body[k] = v
	}
	body["paymentAmount"] = openapi.WireAmount(a)
	sendPay(ctx, body)
}

// reversedJSON rewrites a JSON object with its keys in reverse order and spaces after the
// separators: the same JSON value in other bytes.
func reversedJSON(raw []byte) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Sort(sort.Reverse(sort.StringSlice(keys)))
	var b strings.Builder
	b.WriteString("{ ")
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		kb, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteString(": ")
		b.Write(m[k])
	}
	b.WriteString(" }")
	return []byte(b.String()), nil
}
