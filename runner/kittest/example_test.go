package kittest_test

import (
	"crypto/rsa"
	"testing"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/merchant"
	"github.com/tradepaykit/tradepaykit/runner/kittest"
)

// shopConformance is a merchant's test, as it would stand in the merchant's own _test.go file
// as func TestShopConformance(t *testing.T): the kit's wallet mock in process, the shop's
// server pointed at it, and every @merchant scenario as a subtest. This package's
// TestShopConformance runs exactly this.
func shopConformance(t *testing.T) {
	w := kittest.Start(t, kittest.Options{})
	shop := newShop(t, w.OpenAPIURL(), w.PublicKey(), w.ClientID(), w.AppID())
	if err := w.SetNotifyURL(shop.NotifyURL()); err != nil {
		t.Fatal(err)
	}
	kittest.RunMerchant(t, w, kittest.Merchant{URL: shop.URL()})
}

// walletConformance checks a wallet: here the kit's own mock; a wallet vendor passes its
// sandbox's URLs, public key and profile in a kittest.WalletUnderTest. This package's
// TestKitWalletConformance runs exactly this.
func walletConformance(t *testing.T) {
	w := kittest.Start(t, kittest.Options{})
	kittest.RunWallet(t, w.Target())
}

// newShop stands in for the merchant's own server, started on a loopback port: the kit's
// reference merchant, configured as a merchant configures its server for a sandbox wallet
// (the wallet's OpenAPI URL and public key, the client id and app id, the merchant's key).
func newShop(t *testing.T, walletURL string, walletKey *rsa.PublicKey, clientID, appID string) *merchant.Server {
	s, err := merchant.NewServer(merchant.Config{
		WalletURL: walletURL, WalletPublicKey: walletKey, ClientID: clientID, AppID: appID,
		PrivateKey: fixtures.PrivateKey(fixtures.MerchantPrivateKey),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// A merchant's conformance test and a wallet's, as subtests that `go test -run` selects:
//
//	go test -run 'TestShopConformance/A_payer_pays_an_order_by_tradeNO' -v
func Example() {
	// In a _test.go file:
	//   func TestShopConformance(t *testing.T)   { shopConformance(t) }
	//   func TestWalletConformance(t *testing.T) { walletConformance(t) }
	_, _ = shopConformance, walletConformance
}
