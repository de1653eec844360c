package steps

import (
	"context"
	"sync"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/target"
	"github.com/tradepaykit/tradepaykit/internal/walletclient"
)

// Identical requests sent at once (PROTOCOL.md, "Idempotency"): a merchant that times out
// and retries from several workers sends the same request id many times before any answer
// comes back. The wallet must create one payment, one capture, one refund, and give every
// copy the same answer.
func registerConcurrencySteps(sc stepScope) {
	sc.Step(sc.pattern(`^the kit sends the same payment request (\d+) times at once$`), func(ctx context.Context, n int) error {
		w := world(ctx)
		body := payBody(w, openapi.Amount{Currency: "USD", Value: "1000"})
		w.payRequest, w.payBody = body, mustJSON(ctx, body)
		answers := sendAtOnce(ctx, walletclient.APIPay, w.payBody, n, func(r *openapi.PayResponse) (openapi.Result, string) {
			return r.Result, r.PaymentID
		})
		if first := answers[0]; first.result.ResultCode == openapi.Accept {
			w.paymentID = first.id
			w.token = target.Token{TradeNO: first.id}
		}
		return nil
	})
	sc.Step(sc.pattern(`^the kit sends the same capture of "([^"]*)" (\d+) times at once$`), func(ctx context.Context, amount string, n int) error {
		t := checks(ctx)
		a, err := parseAmount(amount)
		require.NoError(t, err)
		last := false
		body := mustJSON(ctx, &openapi.CaptureRequest{
			CaptureRequestID: newID("kit-cap-"), PaymentID: knownPaymentID(ctx),
			CaptureAmount: openapi.WireAmountPtr(a), IsLastCapture: &last,
		})
		sendAtOnce(ctx, walletclient.APICapture, body, n, func(r *openapi.CaptureResponse) (openapi.Result, string) {
			return r.Result, r.CaptureID
		})
		capturesOf(ctx).earlier = true
		return nil
	})
	sc.Step(sc.pattern(`^the kit sends the same refund of "([^"]*)" (\d+) times at once$`), func(ctx context.Context, amount string, n int) error {
		t := checks(ctx)
		a, err := parseAmount(amount)
		require.NoError(t, err)
		body := mustJSON(ctx, &openapi.RefundRequest{
			RefundRequestID: newID("kit-ref-"), PaymentID: knownPaymentID(ctx),
			RefundAmount: openapi.WireAmount(a), RefundReason: "conformance refund",
		})
		sendAtOnce(ctx, walletclient.APIRefund, body, n, func(r *openapi.RefundResponse) (openapi.Result, string) {
			return r.Result, r.RefundID
		})
		refundsOf(ctx).earlier = true
		return nil
	})
	sc.Step(sc.pattern(`^the wallet files one payment under the request id$`), func(ctx context.Context) error {
		w, t := world(ctx), checks(ctx)
		require.NotEmpty(t, w.paymentRequestID, "no payment request id in this scenario")
		resp := inquire(ctx, &openapi.InquiryPaymentRequest{PaymentRequestID: w.paymentRequestID})
		require.Equal(t, openapi.Success, resp.Result.ResultCode, "inquiryPayment of paymentRequestId %s: %s", w.paymentRequestID, resp.Result.ResultMessage)
		assert.Equal(t, w.paymentID, resp.PaymentID, "the payment filed under paymentRequestId %s", w.paymentRequestID)
		return nil
	})
	sc.Step(sc.pattern(`^every answer names the same (payment|capture|refund)$`), func(ctx context.Context, what string) error {
		t := checks(ctx)
		answers := probeOf(ctx).atOnce
		require.NotEmpty(t, answers, "the kit sent nothing at once in this scenario")
		want := openapi.Success
		if what == "payment" {
			want = openapi.Accept
		}
		first := answers[0]
		for i, a := range answers {
			if !assert.Equal(t, want, a.result.ResultCode, "%s answer %d of %d: %s", what, i+1, len(answers), a.result.ResultMessage) {
				continue
			}
			assert.NotEmpty(t, a.id, "%s answer %d of %d names no %s id", what, i+1, len(answers), what)
			assert.Equal(t, first.id, a.id, "%s id in answer %d of %d", what, i+1, len(answers))
		}
		return nil
	})
}

// atOnceAnswer is one answer to a request sent many times at once.
type atOnceAnswer struct {
	result openapi.Result
	id     string // the id of what the request created
}

// sendAtOnce sends the same signed body n times concurrently and keeps every answer, in the
// order the requests were started.
func sendAtOnce[R any](ctx context.Context, api string, body []byte, n int, read func(*R) (openapi.Result, string)) []atOnceAnswer {
	w, t := world(ctx), checks(ctx)
	require.Positive(t, n)
	c, err := w.walletClient()
	require.NoError(t, err)
	answers := make([]atOnceAnswer, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start // released together, so the copies really overlap
			var resp R
			if errs[i] = c.Send(ctx, w.apiName(api), body, &resp); errs[i] == nil {
				answers[i].result, answers[i].id = read(&resp)
			}
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "%s copy %d of %d", api, i+1, n)
	}
	p := probeOf(ctx)
	p.atOnce = answers
	w.lastResult = answers[n-1].result
	return answers
}
