package steps

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/target"
)

// A wallet may take one capture per authorization, or one partial refund per payment, and
// refuse a second one (F, nothing changed; MULTI_REFUND_NOT_ALLOWED for a refund), where its
// profile does not declare "several" (docs/protocol.md, "Where published wallets differ").
// The merchant's own second capture or refund (through its adapter) is judged by the
// dialect where it says one or several (v1-qi: one capture per authorization; v2: several),
// else by the profile (declaredMultiplicity, dialect.go):
//   - declared "several": it must succeed;
//   - declared "one": it must be refused, with nothing changed; a wallet that takes it fails.
//     A scenario about the second one then does not apply: it is skipped with that reason;
//   - not declared: either is right. After a refusal the scenario goes on, and its later
//     steps check the totals (the merchant's order, what the wallet holds and refunded) with
//     the one done, as the refusal left them.

// singleOperation is a second capture or refund the wallet refused, as the scenario saw it.
type singleOperation struct {
	what   string        // "captures" or "refunds"
	before *target.Order // the merchant's order before the refused one: nothing may change
	final  bool          // captures: the one capture done was the last one
}

// singular: "captures" -> "capture".
func singular(what string) string { return strings.TrimSuffix(what, "s") }

// secondRefusedByWallet judges err, the merchant's refusal of a capture or refund after one
// that succeeded in the scenario, where the wallet's profile does not declare several. It
// reports false when the refusal is not the wallet's (the merchant's own, or an error that is
// no refusal): the caller then fails the step as before. Otherwise it checks that nothing
// changed, at the merchant and in the wallet, and keeps the refusal for the later steps; with
// "one" declared it skips the scenario as not applicable.
func secondRefusedByWallet(ctx context.Context, what string, before *target.Order, err error) bool {
	w, t := world(ctx), checks(ctx)
	failed := w.checksFailed()
	var se *target.StatusError
	if !errors.Is(err, target.ErrRefused) || !errors.As(err, &se) || se.ResultCode == "" {
		// Only the kit's reference merchant passes the wallet's resultCode on; a refusal
		// without one is the merchant's, not a wallet's.
		return false
	}
	decl, byDialect := declaredMultiplicity(w, what)
	s := &singleOperation{what: what, before: before, final: w.lastCaptureFinal}
	w.record(fmt.Sprintf("the wallet refused a second %s of the payment (%s); %s %s; the totals are checked with the one done",
		singular(what), se.ResultCode, declarerOf(w, byDialect), declaredText(decl)))

	// The merchant recorded nothing (a 409 to the adapter, its order as it was).
	o := readOrder(ctx)
	assert.Equal(t, before.Status, o.Status, "status of order %s after the wallet refused its second %s", o.OrderID, singular(what))
	assert.Equal(t, before.PaidAmount, o.PaidAmount, "paid amount of order %s after the wallet refused its second %s", o.OrderID, singular(what))
	assert.Equal(t, before.RefundedAmount, o.RefundedAmount, "refunded amount of order %s after the wallet refused its second %s", o.OrderID, singular(what))
	// Nor did the wallet.
	if what == "captures" {
		walletHoldsAmounts(ctx, s.holds(ctx))
	} else {
		walletShowsRefunded(ctx, before.RefundedAmount)
	}
	if w.single == nil {
		w.single = map[string]*singleOperation{}
	}
	w.single[what] = s
	if decl == fixtures.CapturesOne && w.checksFailed() == failed {
		w.skipped = singleReason(w, what, byDialect, openapi.Code(se.ResultCode))
		skipNow(ctx)
	}
	return true
}

// holds is what the wallet holds after the one capture: frozen, captured, released. A last
// capture released the rest; one that kept the rest authorized left it frozen.
func (s *singleOperation) holds(ctx context.Context) [3]money.Amount {
	b := s.before
	require.Equal(checks(ctx), b.AuthorizedAmount.Currency, b.PaidAmount.Currency, "currency of order %s: authorized %s, paid %s", b.OrderID, shown(b.AuthorizedAmount), shown(b.PaidAmount))
	rest := money.Amount{Currency: b.AuthorizedAmount.Currency, Value: b.AuthorizedAmount.Value - b.PaidAmount.Value}
	zero := money.Amount{Currency: rest.Currency}
	if s.final {
		return [3]money.Amount{zero, b.PaidAmount, rest}
	}
	return [3]money.Amount{rest, b.PaidAmount, zero}
}

func declaredText(decl string) string {
	if decl == "" {
		return "nothing about it"
	}
	return fmt.Sprintf("%q", decl)
}
