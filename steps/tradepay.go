package steps

import (
	"context"
	"strings"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/target"
)

// The shopper in the wallet app: my.tradePay with the scenario's token and what the mini
// program gets back (seed 001 steps 9-17, seed 000 steps 1.1.2.1-2.3, seed 003 steps 4-5).
func registerTradePaySteps(sc stepScope) {
	for sentence, action := range map[string]target.Action{
		`^the payer confirms the payment in the wallet$`:        target.Confirm,
		`^the payer cancels the payment in the wallet$`:         target.Cancel,
		`^the payer's wallet declines the payment$`:             target.Decline,
		`^the wallet app loses the network during the payment$`: target.NetworkError,
		`^the wallet app cannot tell the payment result$`:       target.Unknown,
		`^the wallet takes the payment in the background$`:      target.Pending,
	} {
		sc.Step(sc.pattern(sentence), func(ctx context.Context) error {
			w := world(ctx)
			require.False(checks(ctx), w.token.IsZero(), "the mini program has nothing to pay in this scenario")
			return tradePay(ctx, w.token, action)
		})
	}
	sc.Step(sc.pattern(`^the payer confirms a payment with an unknown tradeNO$`), func(ctx context.Context) error {
		w := world(ctx)
		w.token = target.Token{TradeNO: newID("unknown-trade-")}
		return tradePay(ctx, w.token, target.Confirm)
	})
	sc.Step(sc.pattern(`^the mini program gets result code (\d+)$`), func(ctx context.Context, want string) error {
		assert.Equal(checks(ctx), want, world(ctx).resultCode, "my.tradePay resultCode")
		return nil
	})
}

func tradePay(ctx context.Context, tok target.Token, action target.Action) error {
	w := world(ctx)
	code, memo, err := w.control.TradePayMemo(ctx, tok, action, "")
	require.NoError(checks(ctx), err, "my.tradePay with action %s", action)
	w.resultCode = code
	w.orderStrRefused = ""
	if tok.OrderStr != "" && code == "4000" && strings.HasPrefix(memo, target.OrderStrRefusedMemo) {
		w.orderStrRefused = memo
	}
	return nil
}
