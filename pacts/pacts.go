// Package pacts holds the kit's Pact contracts (pacts/README.md; docs/protocol.md, "Server
// OpenAPI" and "Signing") and verifies providers against them:
//
//   - merchant-wallet.json (consumer merchant, provider wallet) pins pay, inquiryPayment,
//     cancel, capture, refund and inquiryRefund, as the kit's wallet client sends them;
//   - wallet-merchant.json (consumer wallet, provider merchant) pins notifyPayment, as the
//     kit's wallet notifier sends it, and the merchant's answer.
//
// Those two are the kit preset's pair; each other dialect preset (docs/dialects.md) has its own
// pair under a directory named after it, with participants carrying the preset (Pair, PairFor,
// PairOf). The consumer tests of this package regenerate every pair from the kit's real clients
// speaking its preset; the files are embedded, so the runner carries the contracts it verifies. VerifyWallet and
// VerifyMerchant (build tag pact: they link libpact_ffi) replay them against a running
// provider, signing every request with real keys, and report each interaction and mismatch.
// StartWalletFront and StartMerchantFront (no cgo) serve the same signing front for any
// standard Pact verifier.
package pacts

import (
	"embed"
	"fmt"
	"path"

	"github.com/tradepaykit/tradepaykit/internal/dialect"
)

// The committed pact files, embedded at build time: the kit preset's pair at the top, each
// other preset's under a directory named after it (v2/merchant-wallet.json, ...).
//
//go:embed merchant-wallet.json wallet-merchant.json v1-alipay v1-tng v1-qi v2
var Files embed.FS

// File names inside Files and inside this directory.
const (
	MerchantWalletFile = "merchant-wallet.json"
	WalletMerchantFile = "wallet-merchant.json"
)

// Participant names in the kit preset's pacts. Another preset's pacts carry the preset in
// both names (Pair.Merchant, Pair.Wallet: "merchant-v2", "wallet-v2"), so that a broker
// keeps the pairs apart.
const (
	Merchant = "merchant"
	Wallet   = "wallet"
)

// Pair is the pact pair of one dialect preset (docs/dialects.md): the paths of its two files
// inside Files (and inside this directory) and its participant names. The kit preset's pair is
// merchant-wallet.json and wallet-merchant.json with the names merchant and wallet; another
// preset's is PRESET/merchant-wallet.json and PRESET/wallet-merchant.json with the names
// merchant-PRESET and wallet-PRESET.
type Pair struct {
	Preset         string
	MerchantWallet string // consumer Merchant, provider Wallet: the pact a wallet verifies
	WalletMerchant string // consumer Wallet, provider Merchant: the pact a merchant verifies
	Merchant       string
	Wallet         string
}

// PairFor returns the pair of the named preset; "" means the kit preset. An unknown preset is
// an error listing the presets.
func PairFor(preset string) (Pair, error) {
	d, err := dialect.Lookup(preset)
	if err != nil {
		return Pair{}, fmt.Errorf("pacts: %w", err)
	}
	if d.Preset == dialect.Default {
		return Pair{Preset: d.Preset, MerchantWallet: MerchantWalletFile, WalletMerchant: WalletMerchantFile, Merchant: Merchant, Wallet: Wallet}, nil
	}
	return Pair{
		Preset:         d.Preset,
		MerchantWallet: path.Join(d.Preset, MerchantWalletFile),
		WalletMerchant: path.Join(d.Preset, WalletMerchantFile),
		Merchant:       Merchant + "-" + d.Preset,
		Wallet:         Wallet + "-" + d.Preset,
	}, nil
}

// PairOf returns the pair of d's preset (the zero Dialect: the kit preset). The pacts pin a
// preset's shape: a dialect with switches overridden verifies its preset's pair.
func PairOf(d dialect.Dialect) Pair {
	p, err := PairFor(dialect.OrDefault(d).Preset)
	if err != nil {
		panic(err) // a built Dialect always names a preset
	}
	return p
}

// Pairs lists the pair of every preset, in dialect.Presets order.
func Pairs() []Pair {
	var out []Pair
	for _, name := range dialect.Presets() {
		p, err := PairFor(name)
		if err != nil {
			panic(err) // the presets' own names
		}
		out = append(out, p)
	}
	return out
}

// File returns the path of the pact a provider of that side verifies: MerchantWallet for
// Wallet, WalletMerchant for Merchant.
func (p Pair) File(side string) (string, error) {
	switch side {
	case Wallet:
		return p.MerchantWallet, nil
	case Merchant:
		return p.WalletMerchant, nil
	}
	return "", fmt.Errorf("pacts: no pact has provider %q (want %s or %s)", side, Wallet, Merchant)
}

// Provider states of merchant-wallet.json. A wallet under test sets them up itself through
// a state-change URL, or lets the kit set them up through the wallet's OpenAPI and test
// control. Each answers the values named in its comment, injected into the request; the kit's
// own set-up also answers fresh paymentRequestId, captureRequestId and refundRequestId for
// every state, so replayed requests create new things in a long-lived sandbox.
const (
	// StateAcceptsGeneral: the merchant is registered and may create a general payment.
	// Values: paymentRequestId, productCode (the general product code).
	StateAcceptsGeneral = "the wallet accepts general payments from the merchant"
	// StateAcceptsPreAuth: as StateAcceptsGeneral for a pre-authorization. Values:
	// paymentRequestId, productCode (the pre-authorization product code).
	StateAcceptsPreAuth = "the wallet accepts pre-authorizations from the merchant"
	// StatePaymentCreated: pay was accepted for the body of the interaction "a repeated pay
	// request with the same content" (100.00 USD). Values: paymentRequestId, productCode.
	StatePaymentCreated = "a general payment of 100.00 USD was created with paymentRequestId PAY-REPEAT-0001"
	// StatePaymentAwaiting: a general payment of 100.00 USD waits for the payer. Values:
	// paymentId.
	StatePaymentAwaiting = "a general payment of 100.00 USD awaits the payer with paymentId P1"
	// StatePaymentPaid: the payer paid a general payment of 100.00 USD. Values: paymentId,
	// refundRequestId.
	StatePaymentPaid = "a general payment of 100.00 USD is paid with paymentId P1"
	// StatePaymentFailed: the payer declined a general payment of 100.00 USD. Values:
	// paymentId.
	StatePaymentFailed = "a general payment of 100.00 USD failed with paymentId P1"
	// StatePaymentCancelled: the merchant cancelled a general payment of 100.00 USD before it
	// was paid. Values: paymentId.
	StatePaymentCancelled = "a general payment of 100.00 USD was cancelled with paymentId P1"
	// StateAuthorized: the payer granted an authorization of 100.00 USD, nothing captured.
	// Values: paymentId, captureRequestId.
	StateAuthorized = "an authorization of 100.00 USD is granted with paymentId P1"
	// StateCapturedOnce: an authorization of 100.00 USD was captured once, 40.00 USD (under a
	// dialect of one capture per authorization, v1-qi: the capture closed it). Values:
	// paymentId, captureRequestId (fresh). Only the pacts of such a dialect use it.
	StateCapturedOnce = "an authorization of 100.00 USD was captured once, 40.00 USD, with paymentId P1"
	// StateRefunded: a paid general payment of 100.00 USD was refunded 30.00 USD. Values:
	// refundId.
	StateRefunded = "a refund of 30.00 USD was made on paymentId P1 with refundId F1"
	// StateUnknownMerchantKey is handled by the verifying side, never by the provider: the
	// kit signs the interaction's request with a fresh key the wallet cannot know.
	StateUnknownMerchantKey = "the merchant signs with a key the wallet does not know"
)

// Provider states of wallet-merchant.json. A merchant under test sets them up itself
// through a state-change URL, or lets the kit set them up through the merchant's test adapter
// and the wallet the merchant is configured with.
const (
	// StateOrderAwaiting: an order of 100.00 USD (general, tradeNO flow) waits for payment.
	// Values: paymentId, paymentRequestId.
	StateOrderAwaiting = "an order of 100.00 USD awaits payment with paymentId P1"
	// StatePreAuthOrderAwaiting: a pre-authorization order of 100.00 USD (tradeNO flow) waits
	// for the payer. Values: paymentId, paymentRequestId.
	StatePreAuthOrderAwaiting = "a pre-authorization order of 100.00 USD awaits authorization with paymentId P1"
	// StateOrderPaidAndNotified: an order of 100.00 USD was paid and the merchant acknowledged
	// the wallet's SUCCESS notification. Values: paymentId, paymentRequestId.
	StateOrderPaidAndNotified = "an order of 100.00 USD was paid and its SUCCESS notification acknowledged for paymentId P1"
	// StateUnknownWalletKey is handled by the verifying side, never by the provider: the kit
	// signs the notification with a fresh key the merchant cannot know.
	StateUnknownWalletKey = "the wallet signs with a key the merchant does not know"
)
