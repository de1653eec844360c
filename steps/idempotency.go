package steps

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	"github.com/cucumber/godog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// A repeated paymentRequestId (PROTOCOL.md, "Idempotency"): the same content returns the same
// payment, other content is REPEAT_REQ_INCONSISTENT, and a refused request does not use up
// its id.
func registerIdempotencySteps(sc *godog.ScenarioContext) {
	sc.Step(`^the kit sends the same payment request again$`, func(ctx context.Context) error {
		w, t := world(ctx), godog.T(ctx)
		require.NotEmpty(t, w.payBody, "the kit has not asked for a payment")
		c, err := w.walletClient()
		require.NoError(t, err)
		sendPayBytes(ctx, c, w.payBody)
		return nil
	})
	sc.Step(`^the kit sends the same payment request again with its fields in another order$`, func(ctx context.Context) error {
		w, t := world(ctx), godog.T(ctx)
		require.NotEmpty(t, w.payBody, "the kit has not asked for a payment")
		raw, err := reversedJSON(w.payBody)
		require.NoError(t, err)
		require.NotEqual(t, string(w.payBody), string(raw))
		c, err := w.walletClient()
		require.NoError(t, err)
		sendPayBytes(ctx, c, raw)
		return nil
	})
	sc.Step(`^the kit sends the same request id for a payment of "([^"]*)"$`, func(ctx context.Context, amount string) error {
		resendWithAmount(ctx, amount)
		return nil
	})
	sc.Step(`^the kit sends the request again with the amount corrected to "([^"]*)"$`, func(ctx context.Context, amount string) error {
		resendWithAmount(ctx, amount)
		return nil
	})
	sc.Step(`^the wallet answers with the same payment id$`, func(ctx context.Context) error {
		w, t := world(ctx), godog.T(ctx)
		require.NotNil(t, w.firstPay, "the wallet has accepted no payment in this scenario")
		require.NotNil(t, w.lastPay)
		assert.Equal(t, openapi.Accept, w.lastPay.Result.ResultCode, "repeated pay result: %s", w.lastPay.Result.ResultMessage)
		assert.Equal(t, w.firstPay.PaymentID, w.lastPay.PaymentID, "paymentId of the repeated request")
		return nil
	})
}

// resendWithAmount sends the last pay request with the same request id and another amount.
func resendWithAmount(ctx context.Context, amount string) {
	w, t := world(ctx), godog.T(ctx)
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

// kitOperation is a capture or a refund the kit, playing a merchant, sent in one scenario and
// what the wallet answered: kept so the same request can be sent again, as it was or with
// its id and another amount, and the answers compared (PROTOCOL.md, "Idempotency").
type kitOperation[Req, Resp any] struct {
	api       string                   // the wallet API and the prefix of its fields: "capture" or "refund"
	setAmount func(*Req, money.Amount) // sets the amount of a request
	answer    func(*Resp) kitAnswer    // reads what the idempotency checks compare

	request *Req   // the last request the kit built
	body    []byte // the exact bytes of the last one sent
	first   *Resp  // the first answer with resultStatus S
	last    *Resp
}

// kitAnswer is what the wallet's answer to a capture or a refund must repeat.
type kitAnswer struct {
	result openapi.Result
	id     string          // captureId or refundId
	amount *openapi.Amount // captureAmount or refundAmount
}

// send signs and sends raw as the kit's merchant and keeps the answer.
func (k *kitOperation[Req, Resp]) send(ctx context.Context, raw []byte) {
	w, t := world(ctx), godog.T(ctx)
	cl, err := w.walletClient()
	require.NoError(t, err)
	var resp Resp
	require.NoError(t, cl.Send(ctx, k.api, raw, &resp), k.api)
	k.body, k.last = raw, &resp
	res := k.answer(&resp).result
	w.lastResult = res
	if res.ResultStatus == openapi.StatusSuccess && k.first == nil {
		k.first = &resp
	}
}

// sendAgain sends the exact bytes of the last request again.
func (k *kitOperation[Req, Resp]) sendAgain(ctx context.Context) {
	require.NotEmpty(godog.T(ctx), k.body, "the kit has sent no %s", k.api)
	k.send(ctx, k.body)
}

// sendSameIDFor sends the last request the kit built again, with its request id and amount.
func (k *kitOperation[Req, Resp]) sendSameIDFor(ctx context.Context, amount string) {
	t := godog.T(ctx)
	require.NotNil(t, k.request, "the kit has sent no %s", k.api)
	a, err := parseAmount(amount)
	require.NoError(t, err)
	req := *k.request
	k.setAmount(&req, a)
	raw, err := json.Marshal(&req)
	require.NoError(t, err)
	k.send(ctx, raw)
}

// sameAnswer checks that the last answer repeats the first confirmed one.
func (k *kitOperation[Req, Resp]) sameAnswer(ctx context.Context) {
	t := godog.T(ctx)
	require.NotNil(t, k.first, "the wallet has confirmed no %s in this scenario", k.api)
	require.NotNil(t, k.last)
	first, last := k.answer(k.first), k.answer(k.last)
	assert.Equal(t, openapi.Success, last.result.ResultCode, "repeated %s result: %s", k.api, last.result.ResultMessage)
	assert.Equal(t, first.id, last.id, "%sId of the repeated request", k.api)
	assert.Equal(t, first.amount, last.amount, "%sAmount of the repeated request", k.api)
}
