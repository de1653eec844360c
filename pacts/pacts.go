// Package pacts holds the kit's Pact contracts (pacts/README.md; docs/protocol.md, "Server
// OpenAPI" and "Signing") and verifies providers against them:
//
//   - merchant-wallet.json (consumer merchant, provider wallet) pins pay, inquiryPayment,
//     cancel, capture, refund and inquiryRefund, as the kit's wallet client sends them;
//   - wallet-merchant.json (consumer wallet, provider merchant) pins notifyPayment, as the
//     kit's wallet notifier sends it, and the merchant's answer.
//
// The consumer tests of this package regenerate both files from the kit's real clients; the
// files are embedded, so the runner carries the contracts it verifies. VerifyWallet and
// VerifyMerchant (build tag pact: they link libpact_ffi) replay them against a running
// provider, signing every request with real keys, and report each interaction and mismatch.
// StartWalletFront and StartMerchantFront (no cgo) serve the same signing front for any
// standard Pact verifier.
package pacts

import "embed"

// The committed pact files, embedded at build time.
//
//go:embed merchant-wallet.json wallet-merchant.json
var Files embed.FS

// File names inside Files and inside this directory.
const (
	MerchantWalletFile = "merchant-wallet.json"
	WalletMerchantFile = "wallet-merchant.json"
)

// Participant names in the pacts.
const (
	Merchant = "merchant"
	Wallet   = "wallet"
)

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
