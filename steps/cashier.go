package steps

import (
	"context"
	"strings"

	"github.com/cucumber/godog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The wallet's cashier page behind a paymentUrl (seed 003 steps 3-4), as the kit's wallet mock
// serves it (@wallet-mock): a real wallet's page may need the app around it.
func registerCashierSteps(sc stepScope) {
	sc.Step(sc.pattern(`^the payer opens the cashier page$`), func(ctx context.Context) error {
		w, t := world(ctx), godog.T(ctx)
		require.NotEmpty(t, w.token.PaymentURL, "no payment URL in this scenario")
		page, err := w.control.OpenPage(ctx, w.token.PaymentURL)
		require.NoError(t, err, "opening the cashier page")
		w.page = string(page.Body)
		assert.True(t, strings.HasPrefix(page.ContentType, "text/html"), "Content-Type of the cashier page: %q", page.ContentType)
		return nil
	})
	sc.Step(sc.pattern(`^the page shows the order's title and amount$`), func(ctx context.Context) error {
		w, t := world(ctx), godog.T(ctx)
		require.NotEmpty(t, w.page, "no page opened in this scenario")
		assert.Contains(t, w.page, w.orderTitle, "the cashier page shows the title")
		assert.Contains(t, w.page, w.orderAmount.Decimal(), "the cashier page shows the amount")
		assert.Contains(t, w.page, w.orderAmount.Currency, "the cashier page shows the currency")
		return nil
	})
}
