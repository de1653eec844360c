package steps

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// kitOperation is a capture or a refund the kit, playing a merchant, sent in one scenario and
// what the wallet answered: kept so the answer can be checked and the same request sent
// again, as it was or with its id and another amount, and the answers compared
// (PROTOCOL.md, "capture", "refund", "Idempotency").
type kitOperation[Req, Resp any] struct {
	api       string                   // the wallet API and the prefix of its fields: "capture" or "refund"
	setAmount func(*Req, money.Amount) // sets the amount of a request
	answer    func(*Resp) kitAnswer    // reads what the checks of an answer compare

	request *Req   // the last request the kit built
	body    []byte // the exact bytes of the last one sent
	first   *Resp  // the first answer with resultStatus S
	last    *Resp
	// done sums the amounts of the distinct captures or refunds the wallet confirmed (S with
	// an id not seen before): what a bare wallet's probes are judged against.
	done  money.Amount
	seen  map[string]bool
	prev  *Resp // the answer before last
	fresh bool  // the last request carried a new request id
	// what names the operation for declaredMultiplicity: "captures" or "refunds".
	what string
	// single is set once the wallet refused a second operation on the payment, as a wallet
	// that takes one capture or one partial refund does.
	single bool
	// earlier is set when the operation was sent by other means before (many times at
	// once): a later one with a new request id is a second one.
	earlier bool
}

// kitAnswer is what the kit checks in the wallet's answer to a capture or a refund.
type kitAnswer struct {
	result    openapi.Result
	id        string          // captureId or refundId
	paymentID string          // the payment captured or refunded
	amount    *openapi.Amount // captureAmount or refundAmount
}

// sendNew sends a request the kit built and keeps it for a resend with the same id.
func (k *kitOperation[Req, Resp]) sendNew(ctx context.Context, req *Req) {
	raw, err := json.Marshal(req)
	require.NoError(checks(ctx), err)
	k.request = req
	k.send(ctx, raw)
	k.fresh = true
}

// send signs and sends raw as the kit's merchant and keeps the answer.
func (k *kitOperation[Req, Resp]) send(ctx context.Context, raw []byte) {
	w, t := world(ctx), checks(ctx)
	cl, err := w.walletClient()
	require.NoError(t, err)
	var resp Resp
	require.NoError(t, cl.Send(ctx, w.apiName(k.api), raw, &resp), w.apiName(k.api))
	k.body, k.prev, k.last, k.fresh = raw, k.last, &resp, false
	res := k.answer(&resp).result
	w.lastResult = res
	if res.ResultStatus == openapi.StatusSuccess && k.first == nil {
		k.first = &resp
	}
	if a := k.answer(&resp); res.ResultStatus == openapi.StatusSuccess && a.id != "" && !k.seen[a.id] && a.amount != nil {
		if m, err := a.amount.Money(k.api + "Amount"); err == nil {
			if k.seen == nil {
				k.seen = map[string]bool{}
			}
			k.seen[a.id] = true
			k.done = money.Amount{Currency: m.Currency, Value: k.done.Value + m.Value}
		}
	}
}

// sendAgain sends the exact bytes of the last request again.
func (k *kitOperation[Req, Resp]) sendAgain(ctx context.Context) {
	require.NotEmpty(checks(ctx), k.body, "the kit has sent no %s", k.api)
	k.send(ctx, k.body)
}

// sendSameIDFor sends the last request the kit built again, with its request id and amount.
func (k *kitOperation[Req, Resp]) sendSameIDFor(ctx context.Context, amount string) {
	t := checks(ctx)
	require.NotNil(t, k.request, "the kit has sent no %s", k.api)
	a, err := parseAmount(amount)
	require.NoError(t, err)
	req := *k.request
	k.setAmount(&req, a)
	raw, err := json.Marshal(&req)
	require.NoError(t, err)
	k.send(ctx, raw)
}

// confirms checks that the wallet executed the last request for amount, on the scenario's
// payment.
func (k *kitOperation[Req, Resp]) confirms(ctx context.Context, amount string) {
	t := checks(ctx)
	require.NotNil(t, k.last, "the kit has sent no %s", k.api)
	want, err := parseAmount(amount)
	require.NoError(t, err)
	a := k.answer(k.last)
	r := a.result
	if k.secondRefused(ctx) {
		return
	}
	require.Equal(t, openapi.Success, r.ResultCode, "%s result (%s): %s", k.api, r.ResultStatus, r.ResultMessage)
	assert.Equal(t, openapi.StatusSuccess, r.ResultStatus, "%s resultStatus", k.api)
	assert.NotEmpty(t, a.id, "%s answered no %sId", k.api, k.api)
	assert.Equal(t, world(ctx).paymentID, a.paymentID, "paymentId of the %s", k.api)
	require.NotNil(t, a.amount, "%s answered no %sAmount", k.api, k.api)
	got, err := a.amount.Money(k.api + "Amount")
	require.NoError(t, err)
	assert.Equal(t, want, got, "%sAmount", k.api)
}

// sameAnswer checks that the last answer repeats the first confirmed one.
func (k *kitOperation[Req, Resp]) sameAnswer(ctx context.Context) {
	t := checks(ctx)
	require.NotNil(t, k.first, "the wallet has confirmed no %s in this scenario", k.api)
	require.NotNil(t, k.last)
	first, last := k.answer(k.first), k.answer(k.last)
	assert.Equal(t, openapi.Success, last.result.ResultCode, "repeated %s result: %s", k.api, last.result.ResultMessage)
	assert.Equal(t, first.id, last.id, "%sId of the repeated request", k.api)
	assert.Equal(t, first.amount, last.amount, "%sAmount of the repeated request", k.api)
}

// replayedRefusal reports whether the last answer repeats the refusal before it: a wallet
// may answer a request id that was refused (F) with that first refusal again, instead of
// taking the request as new (docs/protocol.md, "Where published wallets differ"); both readings
// are correct.
func replayedRefusal(prev, last openapi.Result) bool {
	return prev.ResultStatus == openapi.StatusFail && last.ResultStatus == openapi.StatusFail && prev.ResultCode == last.ResultCode
}

// confirmsOrReplays checks that the wallet executed the corrected request for amount, or
// replayed its first refusal; it returns true for the replay.
func (k *kitOperation[Req, Resp]) confirmsOrReplays(ctx context.Context, amount string) bool {
	t := checks(ctx)
	require.NotNil(t, k.last, "the kit has sent no %s", k.api)
	if k.prev != nil {
		prev, last := k.answer(k.prev), k.answer(k.last)
		if replayedRefusal(prev.result, last.result) {
			assert.Empty(t, last.id, "a replayed refusal of a %s answered an id", k.api)
			return true
		}
	}
	k.confirms(ctx, amount)
	return false
}

// secondRefused reports whether the last answer refuses a second capture or partial refund of
// the payment where the wallet's profile allows it: declared "one", or not declared
// (docs/protocol.md, "Where published wallets differ"). The refusal must be final (F) and create
// nothing; the later steps then judge the totals with the one operation done. A second
// operation the profile declares "one" of must be refused, and the scenario, which is about
// it, is then skipped as not applicable (single.go has the merchant's side).
func (k *kitOperation[Req, Resp]) secondRefused(ctx context.Context) bool {
	w, t := world(ctx), checks(ctx)
	// A second one follows a confirmed one: the last answer is not the first success itself.
	if ((k.first == nil || k.first == k.last) && !k.earlier) || !k.fresh || k.what == "" {
		return false
	}
	failed := w.checksFailed()
	a := k.answer(k.last)
	decl, byDialect := declaredMultiplicity(w, k.what)
	if a.result.ResultStatus == openapi.StatusSuccess {
		assert.NotEqual(t, fixtures.CapturesOne, decl, "%s one %s, yet the wallet took a second one", declarer(w, byDialect), onePer(k.what, byDialect))
		return false
	}
	if decl == fixtures.CapturesSeveral || a.result.ResultStatus != openapi.StatusFail {
		return false
	}
	assert.Empty(t, a.id, "a refused second %s answered an id", k.api)
	k.single = true
	w.record(fmt.Sprintf("the wallet refused a second %s of the payment (%s: %s); %s %q", k.api, a.result.ResultCode, a.result.ResultMessage, declarerOf(w, byDialect), decl))
	if decl == fixtures.CapturesOne && w.checksFailed() == failed {
		// The scenario is about the second one, which the profile or the dialect says the
		// wallet does not take.
		w.skipped = singleReason(w, k.what, byDialect, a.result.ResultCode)
		skipNow(ctx)
	}
	return true
}
