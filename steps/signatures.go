package steps

import (
	"context"

	"github.com/cucumber/godog"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// Requests a wallet must refuse for who sent them, not what they say (PROTOCOL.md, "Signing"
// and "Transport and signing"): a signature by a key the wallet does not hold for the client,
// a client id it does not know.
func registerSignatureSteps(sc *godog.ScenarioContext) {
	sc.Step(`^the kit asks the wallet for a payment signed with another key$`, func(ctx context.Context) error {
		w, t := world(ctx), godog.T(ctx)
		// The wallet's own test key is a well-formed key that is certainly not the
		// merchant's: the signature parses and fails to verify.
		c, err := w.newWalletClient(w.targets.ClientID, fixtures.PrivateKey(fixtures.WalletPrivateKey))
		require.NoError(t, err)
		sendPayWith(ctx, c, payBody(w, openapi.Amount{Currency: "USD", Value: "1000"}))
		return nil
	})
	sc.Step(`^the kit asks the wallet for a payment under an unknown client id$`, func(ctx context.Context) error {
		w, t := world(ctx), godog.T(ctx)
		c, err := w.newWalletClient(newID("UNKNOWN"), w.targets.MerchantKey)
		require.NoError(t, err)
		sendPayWith(ctx, c, payBody(w, openapi.Amount{Currency: "USD", Value: "1000"}))
		return nil
	})
}
