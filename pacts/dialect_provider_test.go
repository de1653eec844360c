//go:build pact

package pacts

import (
	"context"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/merchant"
	"github.com/tradepaykit/tradepaykit/internal/wallet"
)

// Each preset's pair verified against the kit's parties speaking that preset, and a party of
// another preset failing the pair with a reason that names the dialects.

func startWalletIn(t *testing.T, d dialect.Dialect) *wallet.Server {
	t.Helper()
	w, err := wallet.NewServer(wallet.Config{
		PrivateKey: fixtures.PrivateKey(fixtures.WalletPrivateKey),
		Merchants: []wallet.Merchant{{
			ClientID:  fixtures.ClientID,
			PublicKey: fixtures.PublicKey(fixtures.MerchantPublicKey),
		}},
		Dialect: d,
	})
	require.NoError(t, err)
	require.NoError(t, w.Start("127.0.0.1:0"))
	t.Cleanup(func() { _ = w.Close() })
	return w
}

// startMerchantIn starts the reference merchant speaking d to a wallet mock speaking w's
// dialect.
func startMerchantIn(t *testing.T, d dialect.Dialect, w *wallet.Server) *merchant.Server {
	t.Helper()
	m, err := merchant.NewServer(merchant.Config{
		WalletURL:       w.URL(),
		ClientID:        fixtures.ClientID,
		PrivateKey:      fixtures.PrivateKey(fixtures.MerchantPrivateKey),
		WalletPublicKey: fixtures.PublicKey(fixtures.WalletPublicKey),
		AppID:           ExampleAppID,
		Dialect:         d,
	})
	require.NoError(t, err)
	require.NoError(t, m.Start("127.0.0.1:0"))
	t.Cleanup(func() { _ = m.Close() })
	return m
}

func TestEveryPresetPairHonouredByTheKitPartiesOfThePreset(t *testing.T) {
	for _, pair := range Pairs() {
		if pair.Preset == dialect.Default {
			continue // TestWalletMockHonoursThePact, TestReferenceMerchantHonoursThePact
		}
		t.Run(pair.Preset, func(t *testing.T) {
			t.Parallel()
			d := dialect.MustLookup(pair.Preset)
			w := startWalletIn(t, d)

			// The wallet's URL carries the preset's prefix (v1-tng: /acl/api), as a vendor's
			// does; the pact's paths do not.
			r, err := VerifyWallet(context.Background(), WalletOptions{WalletURL: w.URL() + d.BasePath, ControlURL: w.URL(), Dialect: d})
			require.NoError(t, err)
			t.Log("\n" + r.String())
			assert.True(t, r.Passed(), "verifier output:\n%s", r.Output)
			assert.Len(t, r.Interactions, len(allInteractions(t, pair.MerchantWallet)))
			assert.Equal(t, pair.Merchant, r.Consumer)
			assert.Equal(t, pair.Wallet, r.Provider)

			m := startMerchantIn(t, d, w)
			r, err = VerifyMerchant(context.Background(), MerchantOptions{NotifyURL: m.NotifyURL(), MerchantURL: m.URL(), ControlURL: w.URL(), Dialect: d})
			require.NoError(t, err)
			t.Log("\n" + r.String())
			assert.True(t, r.Passed(), "verifier output:\n%s", r.Output)
			assert.Len(t, r.Interactions, len(allInteractions(t, pair.WalletMerchant)))
			assert.Equal(t, pair.Wallet, r.Consumer)
			assert.Equal(t, pair.Merchant, r.Provider)
		})
	}
}

// A v2 wallet fails the kit's merchant-wallet pact, every interaction, each saying that the
// pact's /v1 path is not the v2 dialect's; a v2 merchant fails the kit's wallet-merchant pact on
// the notifications a correct v2 merchant refuses for their shape, each quoting its answer that
// names paymentResult and the v2 dialect.
func TestAPartyOfAnotherPresetFailsThePair(t *testing.T) {
	v2 := dialect.MustLookup("v2")

	t.Run("v2 wallet mock, kit merchant-wallet.json", func(t *testing.T) {
		t.Parallel()
		w := startWalletIn(t, v2)
		r, err := VerifyWallet(context.Background(), WalletOptions{WalletURL: w.URL(), ControlURL: w.URL()})
		require.NoError(t, err)
		t.Log("\n" + r.String())
		require.False(t, r.Passed())
		var failed []string
		for _, i := range r.Failed() {
			failed = append(failed, i.Description)
			assert.True(t, says(i, regexp.MustCompile(`/v1/payments/\w+ is a v1 path; the v2 dialect serves /v2/payments/\*`)),
				"%s: no mismatch names the dialects: %v", i.Description, i.Mismatches)
		}
		assert.ElementsMatch(t, allInteractions(t, MerchantWalletFile), failed)
	})

	t.Run("v2 reference merchant, kit wallet-merchant.json", func(t *testing.T) {
		t.Parallel()
		w := startWalletIn(t, v2)
		m := startMerchantIn(t, v2, w)
		r, err := VerifyMerchant(context.Background(), MerchantOptions{NotifyURL: m.NotifyURL(), MerchantURL: m.URL(), ControlURL: w.URL()})
		require.NoError(t, err)
		t.Log("\n" + r.String())
		require.False(t, r.Passed())
		var failed []string
		for _, i := range r.Failed() {
			failed = append(failed, i.Description)
			assert.True(t, says(i, regexp.MustCompile(`BodyMismatch at \$\.result\.resultStatus`)), "%s: %v", i.Description, i.Mismatches)
			assert.True(t, says(i, regexp.MustCompile(`the provider answered resultStatus F, resultCode PARAM_ILLEGAL: .*paymentStatus.*the v2 dialect puts it in paymentResult`)),
				"%s: no mismatch quotes the merchant's reason: %v", i.Description, i.Mismatches)
		}
		// The refusals the pact expects (unknown key, wrong amount) are refusals still.
		assert.ElementsMatch(t, []string{
			"notifyPayment: SUCCESS for an order awaiting payment is acknowledged",
			"notifyPayment: FAIL with a paymentFailReason for an order awaiting payment is acknowledged",
			"notifyPayment: AUTH_SUCCESS for a pre-authorization order is acknowledged",
			"notifyPayment: a duplicate SUCCESS is acknowledged again",
		}, failed)
	})
}
