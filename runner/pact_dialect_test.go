package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/dialect"
	refmerchant "github.com/tradepaykit/tradepaykit/internal/merchant"
	"github.com/tradepaykit/tradepaykit/pacts"
)

// Each preset's pair of pacts, verified by the official Pact CLI through `tradepaykit
// pact-provider --dialect PRESET` against the kit's wallet mock and reference merchant
// speaking that preset (the kit preset's pair: pact_cli_test.go).
func TestPactCLIVerifiesEveryPresetPairThroughPactProvider(t *testing.T) {
	bin := pactCLI(t)
	for _, pair := range pacts.Pairs() {
		if pair.Preset == dialect.Default {
			continue
		}
		t.Run(pair.Preset, func(t *testing.T) {
			t.Parallel()
			d := dialect.MustLookup(pair.Preset)
			wallet := startParty(t, "wallet-mock", "--dialect", pair.Preset)
			// The pact's paths carry no prefix: the wallet's URL does (v1-tng: /acl/api).
			front, file := pactProvider(t, "--provider", "wallet", "--dialect", pair.Preset,
				"--wallet-url", wallet.url+d.BasePath, "--control-url", wallet.url)
			r := verifyWithCLI(t, bin, file, pair.Wallet, front, "--state-change-teardown")
			require.Equal(t, 0, r.code, r.out)
			assert.Len(t, r.results, interactionsOf(t, pair.MerchantWallet))
			assert.Empty(t, r.failed())
			assert.Contains(t, r.out, "Verifying a pact between "+pair.Merchant+" and "+pair.Wallet)

			merchant := startParty(t, "reference-merchant", "--dialect", pair.Preset, "--wallet-url", wallet.url)
			front, file = pactProvider(t, "--provider", "merchant", "--dialect", pair.Preset,
				// The reference merchant's notify path, whatever the pact records.
				"--merchant-notify-url", merchant.url+refmerchant.NotifyPath,
				"--merchant-url", merchant.url, "--control-url", wallet.url)
			r = verifyWithCLI(t, bin, file, pair.Merchant, front, "--state-change-teardown")
			require.Equal(t, 0, r.code, r.out)
			assert.Len(t, r.results, interactionsOf(t, pair.WalletMerchant))
			assert.Empty(t, r.failed())
		})
	}
}

// A wallet of another preset fails the pair through the CLI too, and the CLI's own output
// says why: the kit's pact calls /v1 paths, which a v2 wallet does not serve.
func TestPactCLIFailsAWalletOfAnotherPreset(t *testing.T) {
	t.Parallel()
	bin := pactCLI(t)
	wallet := startParty(t, "wallet-mock", "--dialect", "v2")
	front, file := pactProvider(t, "--provider", "wallet", "--wallet-url", wallet.url)

	r := verifyWithCLI(t, bin, file, pacts.Wallet, front, "--state-change-teardown")

	assert.NotEqual(t, 0, r.code)
	assert.Len(t, r.failed(), 20, r.out)
	assert.Contains(t, r.out, "/v1/payments/pay is a v1 path; the v2 dialect serves /v2/payments/*")
}

// interactionsOf counts the interactions of an embedded pact.
func interactionsOf(t *testing.T, file string) int {
	t.Helper()
	raw, err := pacts.Files.ReadFile(file)
	require.NoError(t, err)
	var doc struct {
		Interactions []any `json:"interactions"`
	}
	require.NoError(t, json.Unmarshal(raw, &doc))
	return len(doc.Interactions)
}
