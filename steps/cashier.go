package steps

import (
	"context"
	"strings"

	"github.com/stretchr/testify/require"
)

// The wallet's cashier page behind a paymentUrl (seed 003 steps 3-4). PROTOCOL.md pins the URL
// (pay's redirectActionForm) but not the page, and a real wallet's page may need the app around
// it, so what the page shows is a SHOULD (REQ-GEN-019): a page that cannot be read as HTML, or
// that does not show the title, the amount and the payee, is a warning.
func registerCashierSteps(sc stepScope) {
	sc.Step(sc.pattern(`^the payer opens the cashier page$`), func(ctx context.Context) error {
		w, t := world(ctx), checks(ctx)
		require.NotEmpty(t, w.token.PaymentURL, "no payment URL in this scenario")
		page, err := w.control.OpenPage(ctx, w.token.PaymentURL)
		if err != nil {
			w.should(ctx, "the cashier page should open as a web page: %v", err)
			return nil
		}
		if ct := page.ContentType; !strings.HasPrefix(ct, "text/html") {
			w.should(ctx, "the cashier page should be HTML; its Content-Type is %q", ct)
			return nil
		}
		w.page = string(page.Body)
		return nil
	})
	sc.Step(sc.pattern(`^the page should show the order's title, amount and payee$`), func(ctx context.Context) error {
		w := world(ctx)
		if w.page == "" {
			return nil // opening it already warned
		}
		for _, want := range []struct{ what, text string }{
			{"title", w.orderTitle},
			{"amount", w.orderAmount.Decimal()},
			{"currency", w.orderAmount.Currency},
		} {
			if !strings.Contains(w.page, want.text) {
				w.should(ctx, "the cashier page should show the order's %s %q", want.what, want.text)
			}
		}
		// Seed 003: the payer confirms the payee as well as the amount. The kit does not know
		// the name a wallet registered the merchant under, so it looks for the merchant's
		// client id or a payee named as such.
		if !showsPayee(w.page, w.targets.ClientID) {
			w.should(ctx, "the cashier page should show the payee (the merchant's name or client id %s, or a \"payee\" / \"pay to\" line)", w.targets.ClientID)
		}
		return nil
	})
}

// payeeWords mark a page's payee line when it names the merchant otherwise than by client id.
var payeeWords = []string{"payee", "pay to", "收款"}

// showsPayee reports whether a cashier page shows whom the payer pays.
func showsPayee(page, clientID string) bool {
	if clientID != "" && strings.Contains(page, clientID) {
		return true
	}
	lower := strings.ToLower(page)
	for _, word := range payeeWords {
		if strings.Contains(lower, word) {
			return true
		}
	}
	return false
}
