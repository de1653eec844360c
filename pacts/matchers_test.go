//go:build pact

package pacts

import (
	"github.com/pact-foundation/pact-go/v2/consumer"
	"github.com/pact-foundation/pact-go/v2/matchers"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// Regular expressions of the contracts (PROTOCOL.md, "Common types" and "Signing"). They are
// Rust regexes in the pact files, kept to the syntax both Rust and Go accept.
const (
	rfc3339Regex = `^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`
	// Request-Time and Response-Time: RFC 3339 or epoch milliseconds (tolerated variant).
	headerTimeRegex = `^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})|\d{13})$`
	signatureRegex  = `^algorithm=RSA256, ?keyVersion=\d+, ?signature=\S+$`
	idRegex         = `^\S+$`
	currencyRegex   = `^[A-Z]{3}$`
	valueRegex      = `^(0|[1-9][0-9]*)$` // integer minor units, as a JSON string
	jsonTypeRegex   = `^application/json(\s*;.*)?$`
	urlRegex        = `^https?://\S+$`
	resultCodeRegex = `^[A-Z][A-Z_]*$`
)

// Fixed examples: the pact files must come out byte for byte the same on every run.
const (
	exampleTime      = "2026-01-02T03:04:05Z"
	exampleSignature = "algorithm=RSA256, keyVersion=1, signature=ZXhhbXBsZSBvbmx5"
	exampleJSONType  = "application/json; charset=UTF-8"
	examplePaymentID = "2026010200000000000001"
	exampleCashier   = "https://wallet.example.com/cashier/2026010200000000000001"
	// Example request ids where a provider state injects fresh ones.
	exampleGeneralRequestID = "PAY-GENERAL-0001"
	examplePreAuthRequestID = "PAY-PREAUTH-0001"
	exampleCaptureRequestID = "CAPTURE-0001"
	exampleRefundRequestID  = "REFUND-0001"
	exampleRefundID         = "2026010200000000000002"
	exampleCaptureID        = "2026010200000000000003"
)

// The default profile's product codes are the examples; a state injects the wallet's own.
var (
	generalProductCode = fixtures.DefaultWalletProfile().GeneralProductCode
	preAuthProductCode = fixtures.DefaultWalletProfile().PreAuthProductCode
)

// signedRequest pins the headers of a signed request: present and well formed. The values
// are examples; the verifier's front signs each replayed request for real.
func signedRequest(b *consumer.V3RequestBuilder) {
	b.Header("Content-Type", matchers.Regex(exampleJSONType, jsonTypeRegex))
	b.Header("Client-Id", matchers.Regex(fixtures.ClientID, idRegex))
	b.Header("Request-Time", matchers.Regex(exampleTime, headerTimeRegex))
	b.Header("Signature", matchers.Regex(exampleSignature, signatureRegex))
}

// signedResponse pins the headers of a signed answer. Client-Id must echo the request's: the
// example is the consumer's own id, so the client's echo check passes against the mock.
func signedResponse(b *consumer.V3ResponseBuilder) {
	b.Header("Content-Type", matchers.Regex(exampleJSONType, jsonTypeRegex))
	b.Header("Client-Id", matchers.Regex(fixtures.ClientID, idRegex))
	b.Header("Response-Time", matchers.Regex(exampleTime, headerTimeRegex))
	b.Header("Signature", matchers.Regex(exampleSignature, signatureRegex))
}

// jsonResponse pins only the content type: the merchant's answer to a notification need not
// be signed (PROTOCOL.md: SHOULD), and the wallet does not read the signature.
func jsonResponse(b *consumer.V3ResponseBuilder) {
	b.Header("Content-Type", matchers.Regex(exampleJSONType, jsonTypeRegex))
}

// amount is a wire amount with regex matchers: an ISO code and integer minor units.
func amount(currency, value string) matchers.StructMatcher {
	return matchers.StructMatcher{
		"currency": matchers.Regex(currency, currencyRegex),
		"value":    matchers.Regex(value, valueRegex),
	}
}

// status pins a resultStatus by regex to the one status the interaction's state implies.
// A looser ^[SFUA]$ would let a wallet that refuses everything pass the contract.
func status(s openapi.Status) matchers.Matcher {
	return matchers.Regex(string(s), "^"+string(s)+"$")
}

// result is the Result envelope: the code exactly, the status by regex, any message.
func result(code openapi.Code, s openapi.Status) matchers.StructMatcher {
	return matchers.StructMatcher{
		"resultCode":    matchers.String(string(code)),
		"resultStatus":  status(s),
		"resultMessage": matchers.Like("success"),
	}
}

// refusal is a Result whose code the protocol does not pin: any code, status F.
func refusal() matchers.StructMatcher {
	return matchers.StructMatcher{
		"resultCode":    matchers.Regex("PARAM_ILLEGAL", resultCodeRegex),
		"resultStatus":  status(openapi.StatusFail),
		"resultMessage": matchers.Like("paymentAmount does not match the order"),
	}
}

func id(example string) matchers.Matcher { return matchers.Regex(example, idRegex) }

func rfc3339() matchers.Matcher { return matchers.Regex(exampleTime, rfc3339Regex) }

// injected is a value the provider state supplies at verification (its name in the state's
// answer), with the example the consumer test sends.
func injected(name, example string) matchers.Matcher {
	return matchers.FromProviderState("${"+name+"}", example)
}
