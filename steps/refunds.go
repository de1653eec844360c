package steps

import (
	"context"

	"github.com/cucumber/godog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/target"
	"github.com/tradepaykit/tradepaykit/internal/walletclient"
)

// Refunds of a paid payment or of a captured authorization (PROTOCOL.md, "refund",
// "Idempotency", "Pinned refusals"): partial and full, never above what was paid or
// captured, idempotent on refundRequestId. The merchant refunds through its adapter; the kit
// playing a merchant sends refund and inquiryRefund itself.
func registerRefundSteps(sc stepScope) {
	sc.Before(func(ctx context.Context, _ *godog.Scenario) (context.Context, error) {
		return context.WithValue(ctx, refundsKey{}, newRefunds()), nil
	})

	// The merchant's adapter.
	sc.Step(sc.pattern(`^the merchant refunds "([^"]*)"$`), func(ctx context.Context, amount string) error {
		merchantRefund(ctx, amount, true)
		return nil
	})
	sc.Step(sc.pattern(`^the merchant refunds the rest$`), func(ctx context.Context) error {
		merchantRefund(ctx, "", true)
		return nil
	})
	sc.Step(sc.pattern(`^the merchant tries to refund "([^"]*)"$`), func(ctx context.Context, amount string) error {
		merchantRefund(ctx, amount, false)
		return nil
	})
	sc.Step(sc.pattern(`^the merchant's order shows "([^"]*)" refunded$`), func(ctx context.Context, amount string) error {
		t := checks(ctx)
		want, err := parseAmount(amount)
		require.NoError(t, err)
		if s := world(ctx).single["refunds"]; s != nil {
			want = s.before.RefundedAmount // the one refund done (single.go)
		}
		o := readOrder(ctx)
		assert.Equal(t, want, o.RefundedAmount, "refunded amount of order %s", o.OrderID)
		return nil
	})

	// The wallet's payment view (@wallet-mock), or a probe through the OpenAPI without it.
	sc.Step(sc.pattern(`^the wallet shows "([^"]*)" refunded$`), func(ctx context.Context, amount string) error {
		want, err := parseAmount(amount)
		require.NoError(checks(ctx), err)
		if s := world(ctx).single["refunds"]; s != nil {
			want = s.before.RefundedAmount // the one refund done (single.go)
		}
		walletShowsRefunded(ctx, want)
		return nil
	})

	// The kit playing a merchant.
	sc.Step(sc.pattern(`^the kit refunds "([^"]*)"$`), func(ctx context.Context, amount string) error {
		r, t := refundsOf(ctx), checks(ctx)
		a, err := parseAmount(amount)
		require.NoError(t, err)
		req := &openapi.RefundRequest{
			RefundRequestID: newID("kit-ref-"),
			PaymentID:       knownPaymentID(ctx),
			RefundAmount:    openapi.WireAmount(a),
			RefundReason:    "conformance refund",
		}
		r.sendNew(ctx, req)
		return nil
	})
	sc.Step(sc.pattern(`^the wallet confirms the refund of "([^"]*)"$`), func(ctx context.Context, amount string) error {
		refundsOf(ctx).confirms(ctx, amount)
		return nil
	})
	sc.Step(sc.pattern(`^the wallet confirms the refund of "([^"]*)", or replays its first refusal and refunds nothing$`), func(ctx context.Context, amount string) error {
		r, t := refundsOf(ctx), checks(ctx)
		if r.confirmsOrReplays(ctx, amount) {
			resp := inquireRefund(ctx, &openapi.InquiryRefundRequest{RefundRequestID: r.request.RefundRequestID})
			assert.Equal(t, openapi.OrderNotExist, resp.Result.ResultCode, "inquiryRefund of the refused refundRequestId %s: %s", r.request.RefundRequestID, resp.Result.ResultMessage)
		}
		return nil
	})
	sc.Step(sc.pattern(`^the kit sends the same refund request again$`), func(ctx context.Context) error {
		refundsOf(ctx).sendAgain(ctx)
		return nil
	})
	sc.Step(sc.pattern(`^the kit sends the same refund request id for "([^"]*)"$`), func(ctx context.Context, amount string) error {
		refundsOf(ctx).sendSameIDFor(ctx, amount)
		return nil
	})
	sc.Step(sc.pattern(`^the wallet answers with the same refund$`), func(ctx context.Context) error {
		refundsOf(ctx).sameAnswer(ctx)
		return nil
	})
	sc.Step(sc.pattern(`^the wallet reports the refund as "([^"]*)" for "([^"]*)"$`), func(ctx context.Context, status, amount string) error {
		r, t := refundsOf(ctx), checks(ctx)
		require.NotNil(t, r.first, "the wallet has confirmed no refund in this scenario")
		want, err := parseAmount(amount)
		require.NoError(t, err)
		// Both ids lead to the same refund.
		for _, q := range []*openapi.InquiryRefundRequest{
			{RefundID: r.first.RefundID},
			{RefundRequestID: r.first.RefundRequestID},
		} {
			resp := inquireRefund(ctx, q)
			if status == openapi.RefundSuccess && resp.RefundStatus == openapi.RefundProcessing {
				// A refund answered S may still be in flight (docs/protocol.md, "Where published
				// wallets differ"): ask again until it settles.
				_, err := eventually(ctx, world(ctx).wait(), func(ctx context.Context) (bool, error) {
					resp = inquireRefund(ctx, q)
					return resp.RefundStatus != openapi.RefundProcessing, nil
				})
				require.NoError(t, err, "inquiryRefund %+v", *q)
			}
			require.Equal(t, openapi.Success, resp.Result.ResultCode, "inquiryRefund %+v: %s", *q, resp.Result.ResultMessage)
			assert.Equal(t, status, resp.RefundStatus, "refundStatus (asked by %+v)", *q)
			assert.Equal(t, r.first.RefundID, resp.RefundID, "refundId (asked by %+v)", *q)
			assert.Equal(t, world(ctx).paymentID, resp.PaymentID, "paymentId of the refund (asked by %+v)", *q)
			require.NotNil(t, resp.RefundAmount, "inquiryRefund reports no refundAmount")
			got, err := resp.RefundAmount.Money("refundAmount")
			require.NoError(t, err)
			assert.Equal(t, want, got, "refundAmount (asked by %+v)", *q)
		}
		return nil
	})
	sc.Step(sc.pattern(`^the kit asks the wallet about a refund it never made$`), func(ctx context.Context) error {
		resp := inquireRefund(ctx, &openapi.InquiryRefundRequest{RefundRequestID: newID("never-refunded-")})
		world(ctx).lastResult = resp.Result
		return nil
	})
}

type refundsKey struct{}

// refunds is what the kit, playing a merchant, sent to refund in one scenario and got back.
type refunds = kitOperation[openapi.RefundRequest, openapi.RefundResponse]

func newRefunds() *refunds {
	return &refunds{
		api: walletclient.APIRefund,
		setAmount: func(req *openapi.RefundRequest, a money.Amount) {
			req.RefundAmount = openapi.WireAmount(a)
		},
		what: "refunds",
		answer: func(resp *openapi.RefundResponse) kitAnswer {
			return kitAnswer{result: resp.Result, id: resp.RefundID, paymentID: resp.PaymentID, amount: resp.RefundAmount}
		},
	}
}

func refundsOf(ctx context.Context) *refunds {
	r, ok := ctx.Value(refundsKey{}).(*refunds)
	if !ok {
		panic("steps: no refund state in the context; was the scenario initialized with steps.Initialize?")
	}
	return r
}

// merchantRefund asks the merchant to refund; an empty amount means the refundable rest. With
// mustSucceed false a refusal is kept for a later step.
func merchantRefund(ctx context.Context, amount string, mustSucceed bool) {
	merchantOperation(ctx, "refunds", amount, mustSucceed, func(orderID string, a *money.Amount) (*target.Order, error) {
		return world(ctx).merchant.Refund(ctx, orderID, a)
	})
}

// walletShowsRefunded checks what the wallet refunded of the scenario's payment: in its
// payment view (@wallet-mock), or by a probe through the OpenAPI without it.
func walletShowsRefunded(ctx context.Context, want money.Amount) {
	w, t := world(ctx), checks(ctx)
	id := knownPaymentID(ctx)
	if !w.targets.Capabilities.WalletMock {
		refundedThroughProtocol(ctx, id, want)
		return
	}
	p, err := w.control.Payment(ctx, id)
	require.NoError(t, err, "reading the wallet's view of payment %s", id)
	assert.Equal(t, want, p.Refunded, "refundedAmount of payment %s", id)
}

// refundedThroughProtocol checks on a wallet without the payment view that no more than
// what was paid less refunded is still refundable: a refund of one minor unit more must be
// refused (F) and changes nothing on a correct wallet. What was paid is what the merchant's
// order shows (a merchant's order), what the kit captured (its own authorization), or the
// payment's amount (its own general payment, which inquiryPayment reports SUCCESS).
func refundedThroughProtocol(ctx context.Context, id string, refunded money.Amount) {
	w, t := world(ctx), checks(ctx)
	var paid money.Amount
	switch c := capturesOf(ctx); {
	case w.order != nil:
		paid = readOrder(ctx).PaidAmount
	case c.done.Value > 0:
		paid = c.done
	default:
		resp := inquire(ctx, &openapi.InquiryPaymentRequest{PaymentID: id})
		require.Equal(t, openapi.PaymentSuccess, resp.PaymentStatus, "paymentStatus of payment %s (%s: %s)", id, resp.Result.ResultCode, resp.Result.ResultMessage)
		require.NotNil(t, resp.PaymentAmount, "inquiryPayment reports no paymentAmount")
		paid, _ = resp.PaymentAmount.Money("paymentAmount")
	}
	require.Equal(t, refunded.Currency, paid.Currency, "currency of what was paid (%s) and refunded (%s)", shown(paid), shown(refunded))
	probe := money.Amount{Currency: paid.Currency, Value: paid.Value - refunded.Value + 1}
	cl, err := w.walletClient()
	require.NoError(t, err)
	resp, err := cl.Refund(ctx, &openapi.RefundRequest{RefundRequestID: newID("kit-probe-"), PaymentID: id, RefundAmount: openapi.WireAmount(probe), RefundReason: "conformance probe"})
	require.NoError(t, err, "refund")
	assert.Equal(t, openapi.StatusFail, resp.Result.ResultStatus,
		"a refund of %s, one minor unit more than the %s left of the %s paid once %s was refunded, must be refused (F); the wallet answered %s %s: %s",
		shown(probe), shown(money.Amount{Currency: paid.Currency, Value: paid.Value - refunded.Value}), shown(paid), shown(refunded),
		resp.Result.ResultStatus, resp.Result.ResultCode, resp.Result.ResultMessage)
}

func inquireRefund(ctx context.Context, req *openapi.InquiryRefundRequest) *openapi.InquiryRefundResponse {
	w, t := world(ctx), checks(ctx)
	cl, err := w.walletClient()
	require.NoError(t, err)
	resp, err := cl.InquiryRefund(ctx, req)
	require.NoError(t, err, "inquiryRefund")
	return resp
}
