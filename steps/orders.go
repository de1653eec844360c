package steps

import (
	"context"
	"fmt"
	"strings"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/orderstr"
	"github.com/tradepaykit/tradepaykit/internal/target"
)

// The mini program's side of the merchant: creating an order (seed 001 steps 1-8, seed 000
// steps 1-1.1.2, seed 003 steps 1-3), reporting my.tradePay's result, and what the merchant
// shows of the order afterwards.
func registerOrderSteps(sc stepScope) {
	sc.Step(sc.pattern(`^the merchant has created an order for "([^"]*)" paid by tradeNO$`), func(ctx context.Context, amount string) error {
		return createOrder(ctx, target.FlowTradeNO, target.General, amount)
	})
	sc.Step(sc.pattern(`^the merchant has created an order for "([^"]*)" paid by orderStr$`), func(ctx context.Context, amount string) error {
		return createOrder(ctx, target.FlowOrderStr, target.General, amount)
	})
	sc.Step(sc.pattern(`^the merchant has created an order for "([^"]*)" paid through the cashier page$`), func(ctx context.Context, amount string) error {
		return createOrder(ctx, target.FlowPaymentURL, target.General, amount)
	})
	sc.Step(sc.pattern(`^the merchant's order becomes "([^"]*)"$`), orderBecomes)
	sc.Step(sc.pattern(`^the merchant's order is "([^"]*)"$`), orderIs)
	sc.Step(sc.pattern(`^the merchant's order is not "([^"]*)"$`), func(ctx context.Context, status string) error {
		o := readOrder(ctx)
		assert.NotEqual(checks(ctx), status, o.Status, "status of order %s", o.OrderID)
		return nil
	})
	sc.Step(sc.pattern(`^the merchant's order shows "([^"]*)" paid$`), orderShowsPaid)
	sc.Step(sc.pattern(`^the mini program passes the result code to the merchant$`), func(ctx context.Context) error {
		w := world(ctx)
		require.NotEmpty(checks(ctx), w.resultCode, "my.tradePay has not answered yet in this scenario")
		return reportResult(ctx, w.resultCode)
	})
	sc.Step(sc.pattern(`^the mini program tells the merchant the result code was (\d+)$`), reportResult)
	sc.Step(sc.pattern(`^the merchant answers that the order is "([^"]*)"$`), func(ctx context.Context, want string) error {
		w := world(ctx)
		require.NotNil(checks(ctx), w.answer, "the merchant has not been told a result yet")
		assert.Equal(checks(ctx), want, w.answer.Status, "status of order %s in the merchant's answer to tradePayResult", w.answer.OrderID)
		return nil
	})
	sc.Step(sc.pattern(`^the merchant cancels the order$`), func(ctx context.Context) error {
		w, t := world(ctx), checks(ctx)
		requireOrder(ctx)
		if w.oneCaptureCloses() && w.merchantOps["captures"] > 0 {
			return w.notApplicable(closedByOneCapture + ", so nothing is left to cancel")
		}
		o, err := w.merchant.Cancel(ctx, w.order.OrderID)
		require.NoError(t, err, "the merchant cancels order %s", w.order.OrderID)
		w.setOrder(o)
		return nil
	})
	sc.Step(sc.pattern(`^the merchant tries to cancel the order$`), func(ctx context.Context) error {
		w := world(ctx)
		requireOrder(ctx)
		o, err := w.merchant.Cancel(ctx, w.order.OrderID)
		w.merchantErr = err
		if err == nil {
			w.setOrder(o)
		}
		return nil
	})
	sc.Step(sc.pattern(`^the merchant refuses the request$`), func(ctx context.Context) error {
		w := world(ctx)
		require.Error(checks(ctx), w.merchantErr, "the merchant accepted the request")
		assert.ErrorIs(checks(ctx), w.merchantErr, target.ErrRefused)
		return nil
	})
}

const orderTitle = "tradepaykit conformance order"

// createOrder asks the merchant for a general payment or a pre-authorization (seed 001 steps
// 1-4, seed 000 steps 2-4) and keeps the ids the wallet will know the payment by.
func createOrder(ctx context.Context, flow target.Flow, typ target.OrderType, amount string) error {
	w, t := world(ctx), checks(ctx)
	a, err := parseAmount(amount)
	require.NoError(t, err)
	title, what := orderTitle, fmt.Sprintf("a %s order", amount)
	if typ == target.PreAuth {
		title, what = preAuthTitle, "a pre-authorization of "+amount
	}
	if flow == target.FlowOrderStr {
		// The merchant signs the title's UTF-8 bytes: an orderStr that escapes or re-encodes
		// them after signing fails only on a title outside ASCII (issue 16).
		title += " " + nonASCIITitle
	}
	o, err := w.merchant.CreateOrder(ctx, target.NewOrder{Flow: flow, Type: typ, Amount: a, Title: title})
	require.NoError(t, err, "the merchant creates %s paid by %s", what, flow)
	assert.Equal(t, target.OrderPending, o.Status, "status of the new order %s", o.OrderID)
	assert.Equal(t, a, o.Amount, "amount of the new order %s", o.OrderID)
	w.orderAmount, w.orderTitle = a, title
	w.token = o.Token()
	w.setOrder(o)
	switch flow {
	case target.FlowTradeNO:
		// The tradeNO is the wallet's paymentId (seed 001 step 5-7).
		w.paymentID = o.TradeNO
	case target.FlowOrderStr:
		// The wallet knows the payment by out_trade_no, or a freeze by out_request_no
		// (PROTOCOL.md, "orderStr"), once it has seen the orderStr; the kit reads it from
		// the token rather than trusting the merchant's view.
		dec, err := orderstr.Decode(o.OrderStr)
		require.NoError(t, err, "the merchant's orderStr does not decode")
		w.paymentRequestID = dec.RequestID()
	}
	return nil
}

// setOrder keeps the latest view of the scenario's order and the payment ids it reveals.
func (w *World) setOrder(o *target.Order) {
	w.order = o
	if w.paymentID == "" && o.PaymentID != "" {
		w.paymentID = o.PaymentID
	}
	if w.paymentRequestID == "" && o.PaymentRequestID != "" {
		w.paymentRequestID = o.PaymentRequestID
	}
}

// merchantOperation asks the merchant, through call, to capture or refund amount of the
// scenario's order (what: "captures" or "refunds"); an empty amount means the remainder. With
// mustSucceed false a refusal is kept for a later step.
func merchantOperation(ctx context.Context, what, amount string, mustSucceed bool, call func(orderID string, a *money.Amount) (*target.Order, error)) {
	w, t := world(ctx), checks(ctx)
	requireOrder(ctx)
	var a *money.Amount
	if amount != "" {
		m, err := parseAmount(amount)
		require.NoError(t, err)
		a = &m
	}
	second := w.merchantOps[what] > 0
	var before *target.Order
	if decl, _ := declaredMultiplicity(w, what); second && mustSucceed && decl != fixtures.CapturesSeveral {
		// The wallet may refuse this one (single.go): what the merchant shows now is what
		// must not change if it does.
		before = readOrder(ctx)
	}
	o, err := call(w.order.OrderID, a)
	if err != nil && before != nil && secondRefusedByWallet(ctx, what, before, err) {
		w.merchantErr = err
		return
	}
	if mustSucceed {
		require.NoError(t, err, "the merchant %s %q of order %s", what, amount, w.order.OrderID)
	}
	w.merchantErr = err
	if err == nil {
		w.setOrder(o)
		if w.merchantOps == nil {
			w.merchantOps = map[string]int{}
		}
		w.merchantOps[what]++
		if decl, byDialect := declaredMultiplicity(w, what); second {
			assert.NotEqual(t, fixtures.CapturesOne, decl,
				"%s one %s, yet the wallet took a second one (the merchant %s %q of order %s)", declarer(w, byDialect), onePer(what, byDialect), what, amount, w.order.OrderID)
		}
	}
}

func requireOrder(ctx context.Context) {
	require.NotNil(checks(ctx), world(ctx).order, "no merchant order in this scenario")
}

func orderBecomes(ctx context.Context, want string) error {
	w, t := world(ctx), checks(ctx)
	requireOrder(ctx)
	if want == "FAILED" && w.clockMoved && !w.notifiesFailAtDeadline() {
		// Only a notification tells the merchant that its payment's deadline passed.
		return w.notApplicable("the dialect's wallets do not notify a payment closed at its deadline, which the merchant learns only by asking")
	}
	var last *target.Order
	// The wait ends early once the order cannot become want any more (decided.go).
	var decided string
	var refused refusal
	_, diagnosis, err := w.awaitNotified(ctx, func(ctx context.Context) (bool, error) {
		o, err := w.merchant.Order(ctx, w.order.OrderID)
		if err != nil {
			return false, err
		}
		last = o
		switch {
		case o.Status == want:
			return true, nil
		case !orderCanBecome(o.Status, want):
			decided = fmt.Sprintf("an order %s never becomes %s", o.Status, want)
			return true, nil
		case w.orderStrRefused != "" && want != "PENDING" && want != "CANCELLED":
			decided = fmt.Sprintf("the wallet refused the order's orderStr, so no payment exists for it (my.tradePay 4000: %s)", strings.TrimPrefix(w.orderStrRefused, target.OrderStrRefusedMemo))
			return true, nil
		}
		decided = refused.decided(ctx, w, want)
		return decided != "", nil
	})
	skipCutShort(ctx, err)
	require.NoError(t, err, "reading order %s", w.order.OrderID)
	if diagnosis != "" {
		require.NotNil(t, last, "the merchant did not show order %s%s", w.order.OrderID, diagnosed(diagnosis))
	}
	require.NotNil(t, last, "the merchant did not show order %s within %s", w.order.OrderID, w.wait())
	w.setOrder(last)
	if diagnosis != "" && last.Status != want {
		assert.Fail(t, fmt.Sprintf("order %s is %q, not %q, after waiting%s", last.OrderID, last.Status, want, diagnosed(diagnosis)))
		return nil
	}
	if decided != "" && last.Status != want {
		assert.Equal(t, want, last.Status, "status of order %s: the wait ended early, decided: %s", last.OrderID, decided)
		return nil
	}
	assert.Equal(t, want, last.Status, "status of order %s after waiting %s", last.OrderID, w.wait())
	return nil
}

func orderIs(ctx context.Context, want string) error {
	w, t := world(ctx), checks(ctx)
	requireOrder(ctx)
	if s := w.single["refunds"]; s != nil && want == "REFUNDED" {
		// The wallet refused the refund that would have refunded everything (single.go).
		want = s.before.Status
	}
	o, err := w.merchant.Order(ctx, w.order.OrderID)
	require.NoError(t, err, "reading order %s", w.order.OrderID)
	w.setOrder(o)
	assert.Equal(t, want, o.Status, "status of order %s", o.OrderID)
	return nil
}

func orderShowsPaid(ctx context.Context, amount string) error {
	w, t := world(ctx), checks(ctx)
	requireOrder(ctx)
	want, err := parseAmount(amount)
	require.NoError(t, err)
	if s := w.single["captures"]; s != nil {
		want = s.before.PaidAmount // the one capture done (single.go)
	}
	o, err := w.merchant.Order(ctx, w.order.OrderID)
	require.NoError(t, err, "reading order %s", w.order.OrderID)
	w.setOrder(o)
	assert.Equal(t, want, o.PaidAmount, "paid amount of order %s", o.OrderID)
	return nil
}

func reportResult(ctx context.Context, code string) error {
	w, t := world(ctx), checks(ctx)
	requireOrder(ctx)
	o, err := w.merchant.TradePayResult(ctx, w.order.OrderID, code)
	require.NoError(t, err, "the mini program tells the merchant my.tradePay answered %s", code)
	w.answer = o
	w.setOrder(o)
	return nil
}
