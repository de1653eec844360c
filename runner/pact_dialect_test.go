package main

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	refmerchant "github.com/tradepaykit/tradepaykit/internal/merchant"
	"github.com/tradepaykit/tradepaykit/internal/report"
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

// A merchant of another preset fails the kit's pair through the CLI on the notifications it
// refuses for their shape; the CLI prints only the fields that differ, and pact-provider prints
// the merchant's reason.
func TestPactCLIFailsAMerchantOfAnotherPreset(t *testing.T) {
	t.Parallel()
	bin := pactCLI(t)
	wallet := startParty(t, "wallet-mock", "--dialect", "v2")
	merchant := startParty(t, "reference-merchant", "--dialect", "v2", "--wallet-url", wallet.url)
	front, file := pactProvider(t, "--provider", "merchant", "--merchant-notify-url", merchant.url+refmerchant.NotifyPath,
		"--merchant-url", merchant.url, "--control-url", wallet.url)

	r := verifyWithCLI(t, bin, file, pacts.Merchant, front, "--state-change-teardown")

	assert.NotEqual(t, 0, r.code)
	assert.ElementsMatch(t, []string{
		"notifyPayment: SUCCESS for an order awaiting payment is acknowledged",
		"notifyPayment: FAIL with a paymentFailReason for an order awaiting payment is acknowledged",
		"notifyPayment: AUTH_SUCCESS for a pre-authorization order is acknowledged",
		"notifyPayment: a duplicate SUCCESS is acknowledged again",
	}, r.failed(), r.out)
	assert.Regexp(t, `tradepaykit pact-provider: the merchant answered POST /v1/payments/notifyPayment with resultStatus F, resultCode PARAM_ILLEGAL: `+
		`this notification reports the outcome in paymentStatus .*; the v2 dialect puts it in paymentResult`, front.output())
}

// verifyWalletPact and verifyMerchantPact verify the pair of the profile's dialect, which is
// what verify-wallet, verify-merchant and the self-test give them: the report names the
// preset's file and participants, and every interaction passes against parties of the preset.
func TestVerifyPactsTakeTheProfilesDialect(t *testing.T) {
	t.Parallel()
	cli := pactCLI(t)
	pair, err := pacts.PairFor("v1-tng")
	require.NoError(t, err)
	d := dialect.MustLookup(pair.Preset)
	wallet := startParty(t, "wallet-mock", "--dialect", pair.Preset)
	merchant := startParty(t, "reference-merchant", "--dialect", pair.Preset, "--wallet-url", wallet.url)
	prof, _, err := loadProfile("kit:wallet-mock", "wallet")
	require.NoError(t, err)
	prof, _, err = withDialect(prof, "kit:wallet-mock", pair.Preset) // as --dialect does
	require.NoError(t, err)

	w := verifyWalletPact(context.Background(), walletPactSpec{
		walletURL: wallet.url + d.BasePath, controlURL: wallet.url, clientID: fixtures.ClientID,
		merchantKey: fixtures.PrivateKey(fixtures.MerchantPrivateKey), walletKey: fixtures.PublicKey(fixtures.WalletPublicKey),
		verifier: pactVerifier{cli: cli},
	}, prof, nil)
	require.Empty(t, w.Error)
	assert.Equal(t, pair.MerchantWallet, w.Name)
	assert.Equal(t, []string{pair.Merchant, pair.Wallet}, []string{w.Consumer, w.Provider})
	assert.Len(t, w.Interactions, interactionsOf(t, pair.MerchantWallet))
	for _, i := range w.Interactions {
		assert.Equal(t, report.Passed, i.Status, "%s: %v", i.Description, i.Mismatches)
	}

	m := verifyMerchantPact(context.Background(), merchantPactSpec{
		notifyURL: merchant.url + refmerchant.NotifyPath, merchantURL: merchant.url, controlURL: wallet.url, clientID: fixtures.ClientID,
		walletKey: fixtures.PrivateKey(fixtures.WalletPrivateKey), verifier: pactVerifier{cli: cli},
	}, prof, nil)
	require.Empty(t, m.Error)
	assert.Equal(t, pair.WalletMerchant, m.Name)
	assert.Len(t, m.Interactions, interactionsOf(t, pair.WalletMerchant))
	for _, i := range m.Interactions {
		assert.Equal(t, report.Passed, i.Status, "%s: %v", i.Description, i.Mismatches)
	}
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
