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

// Fixed examples (examples.go holds those the provider states name): the pact files must come
// out byte for byte the same on every run.
const (
	exampleTime      = "2026-01-02T03:04:05Z"
	exampleExpiry    = "2026-01-02T03:19:05Z" // exampleTime + 15 minutes, as the reference merchant sets it
	exampleSignature = "algorithm=RSA256, keyVersion=1, signature=ZXhhbXBsZSBvbmx5"
	exampleJSONType  = "application/json; charset=UTF-8"
	exampleCashier   = "https://wallet.example.com/cashier/2026010200000000000001"
	exampleCaptureID = "2026010200000000000003"
)

// signedRequest pins the headers of a signed request: present and well formed. The values
// are examples; the verifier's front signs each replayed request for real.
func signedRequest(b *consumer.V4RequestBuilder) {
	b.Header("Content-Type", matchers.Regex(exampleJSONType, jsonTypeRegex))
	b.Header("Client-Id", matchers.Regex(fixtures.ClientID, idRegex))
	b.Header("Request-Time", matchers.Regex(exampleTime, headerTimeRegex))
	b.Header("Signature", matchers.Regex(exampleSignature, signatureRegex))
}

// signedResponse pins the headers of a signed answer. Client-Id must echo the request's: the
// example is the consumer's own id, so the client's echo check passes against the mock.
func signedResponse(b *consumer.V4ResponseBuilder) {
	b.Header("Content-Type", matchers.Regex(exampleJSONType, jsonTypeRegex))
	b.Header("Client-Id", matchers.Regex(fixtures.ClientID, idRegex))
	b.Header("Response-Time", matchers.Regex(exampleTime, headerTimeRegex))
	b.Header("Signature", matchers.Regex(exampleSignature, signatureRegex))
}

// jsonResponse pins only the content type: the merchant's answer to a notification need not
// be signed (PROTOCOL.md: SHOULD), and the wallet does not read the signature.
func jsonResponse(b *consumer.V4ResponseBuilder) {
	b.Header("Content-Type", matchers.Regex(exampleJSONType, jsonTypeRegex))
}

// rule is one matching rule in the integration JSON libpact_ffi reads. pact-go has no matcher
// that combines rules, so the combined ones are written out here: a list under
// "pact:matcher:type" becomes one rule list that must all match (combine AND).
type rule = map[string]any

var (
	typeRule     = rule{"pact:matcher:type": "type"}
	equalityRule = rule{"pact:matcher:type": "equality"}
)

func regexRule(re string) rule { return rule{"pact:matcher:type": "regex", "regex": re} }

// all matches example with every rule: the pact file records them under one path, combine AND.
func all(example any, rules ...rule) map[string]any {
	return map[string]any{"pact:matcher:type": rules, "value": example}
}

// value is an amount's value: a JSON string (type) AND integer minor units (regex). A regex
// alone also matches the JSON number 10000, which the protocol forbids.
func value(v string) map[string]any { return all(v, typeRule, regexRule(valueRegex)) }

// exactValue is value, and exactly v: where the provider state or the request fixes it.
func exactValue(v string) map[string]any {
	return all(v, equalityRule, typeRule, regexRule(valueRegex))
}

// amount is a wire amount the consumer chooses: an ISO code, and a value as value says.
func amount(currency, v string) matchers.StructMatcher {
	return matchers.StructMatcher{"currency": matchers.Regex(currency, currencyRegex), "value": value(v)}
}

// exactAmount is an amount the provider state or the request fixes: the currency exactly, the
// value as exactValue says.
func exactAmount(currency, v string) matchers.StructMatcher {
	return matchers.StructMatcher{"currency": all(currency, equalityRule, regexRule(currencyRegex)), "value": exactValue(v)}
}

// result is the Result envelope: code and status exactly, the message any text (message is
// the example).
func result(code openapi.Code, s openapi.Status, message string) matchers.StructMatcher {
	return matchers.StructMatcher{
		"resultCode":    string(code),
		"resultStatus":  string(s),
		"resultMessage": matchers.Like(message),
	}
}

// refusal is a Result whose code the protocol does not pin: any code, status F exactly.
func refusal() matchers.StructMatcher {
	return matchers.StructMatcher{
		"resultCode":    matchers.Regex("PARAM_ILLEGAL", resultCodeRegex),
		"resultStatus":  string(openapi.StatusFail),
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

// injectedTime is an RFC 3339 time the provider state supplies (a deadline in the future at
// verification time), matched by the RFC 3339 regex.
func injectedTime(name, example string) map[string]any {
	return map[string]any{
		"pact:matcher:type": "regex", "regex": rfc3339Regex, "value": example,
		"pact:generator:type": "ProviderState", "expression": "${" + name + "}",
	}
}
