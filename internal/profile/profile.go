// Package profile reads a target profile: what a wallet or merchant under test declares about
// itself (DESIGN.md, "The runner"; PROTOCOL.md, "Variants" and "Server OpenAPI"), so that the
// runner picks exactly the scenarios that apply, signs the way the target accepts, and says
// why it skipped the others.
//
// A profile is a JSON file; every field is optional. A missing field means the protocol's
// default: every flow, pre-authorization and refunds supported, the kit's product codes, no
// path prefix, canonical signatures, the default notification retry schedule, and none of the
// kit's test extensions. Where published wallets differ (docs/protocol.md), a missing declaration
// (notifications, captures, partialRefunds) means "not declared": the kit accepts either
// behaviour and checks the outcome by other means.
package profile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/cucumber/godog"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/signing"
)

// Flows of PROTOCOL.md: how the mini program gets what it hands to my.tradePay.
const (
	FlowTradeNO    = "tradeNO"
	FlowOrderStr   = "orderStr"
	FlowPaymentURL = "paymentUrl"
)

// AllFlows lists the flows in the order the protocol describes them.
var AllFlows = []string{FlowTradeNO, FlowOrderStr, FlowPaymentURL}

// Profile is what a target declares. The zero Profile (or an empty file) is a target that
// supports the whole protocol and offers no test extension.
type Profile struct {
	// Name identifies the target in reports, e.g. "Acme Pay sandbox 2026-03".
	Name string `json:"name,omitempty"`
	// Side is "wallet" or "merchant"; when set, the runner refuses the profile for the other
	// side (a common mix-up).
	Side string `json:"side,omitempty"`
	// Flows the target supports; empty means all three.
	Flows []string `json:"flows,omitempty"`
	// PreAuth: pre-authorization (freeze, capture, release); nil means supported.
	PreAuth *bool `json:"preAuth,omitempty"`
	// Refunds: refund and inquiryRefund; nil means supported.
	Refunds *bool `json:"refunds,omitempty"`
	// ProductCodes of pay; empty codes take the kit's defaults.
	ProductCodes ProductCodes `json:"productCodes,omitzero"`
	// BasePath is the wallet's OpenAPI path prefix ("/api/open"), appended to the wallet URL
	// unless the URL already ends with it.
	BasePath string `json:"basePath,omitempty"`
	// Signature is the variant the kit signs in towards the target (requests to a wallet,
	// notifications and answers to a merchant). Verification always tolerates every variant.
	Signature Signature `json:"signature,omitzero"`
	// NotifyRetrySchedule is the wallet's delay before each notification attempt, as Go
	// durations ("0s", "2m", "10m", ...); empty means the default schedule.
	NotifyRetrySchedule []Duration `json:"notifyRetrySchedule,omitempty"`
	// AuthorizationValidity is how long a granted authorization stays capturable ("168h");
	// zero means the default (7 days).
	AuthorizationValidity Duration `json:"authorizationValidity,omitzero"`
	// Notifications declares which notifications the wallet sends besides a payment's final
	// SUCCESS or FAIL: {"authSuccess", "failAtDeadline", "afterCapture"}, each true or false.
	// A missing one is not declared: the kit checks the outcome through inquiryPayment and
	// judges a notification only if one comes. The kit's wallet mock declares true, true,
	// false.
	Notifications fixtures.Notifications `json:"notifications,omitzero"`
	// Captures is "one" (a second capture of an authorization is refused), "several"
	// (partial captures until the last one) or "oneOrSeveral". Missing or "oneOrSeveral":
	// the kit accepts either and checks the totals. The kit's wallet mock declares "several".
	Captures string `json:"captures,omitempty"`
	// PartialRefunds is "one" (a second partial refund is refused), "several" or
	// "oneOrSeveral". Missing or "oneOrSeveral": the kit accepts either and checks the totals.
	// The kit's wallet mock declares "several".
	PartialRefunds string `json:"partialRefunds,omitempty"`
	// SignatureAlgorithms the target signs and verifies with: "RSA256", "ECC224". Missing
	// means ["RSA256"]. The kit accepts an ECC224 signature header from a target that
	// declares it and reports such a signature as not checked (the kit holds no ECC key).
	SignatureAlgorithms []string `json:"signatureAlgorithms,omitempty"`
	// Capabilities are the test extensions the target offers beyond the required hooks.
	Capabilities Capabilities `json:"capabilities,omitzero"`
	// RealTimeWaitLimit is the longest a scenario may wait on the wall clock for a rule
	// about time the wallet offers no clock control to hasten ("90s"); zero means
	// fixtures.DefaultRealTimeWaitLimit (30s). An orderStr's pay_timeout is a minute at
	// least: a wallet without clock control has it checked only with "90s" or more, and such
	// a run takes over a minute.
	RealTimeWaitLimit Duration `json:"realTimeWaitLimit,omitzero"`

	// The dialect: the shape of the OpenAPI the target speaks (docs/dialects.md; Dialect
	// resolves it). Preset names it: "kit" (missing), "v1-alipay", "v1-tng", "v1-qi", "v2".
	// The fields below, each named after a switch of internal/dialect, override single
	// switches of the preset, and so do the fields above that carry a switch's meaning:
	// basePath (replaces the preset's prefix; "/" for none), productCodes, captures,
	// partialRefunds, signatureAlgorithms and notifications.
	Preset string `json:"dialect,omitempty"`
	// PartnerID is the partnerId the kit sends as the merchant where the dialect carries it;
	// empty means dialect.DefaultPartnerID ("2026TESTCLIENT0001").
	PartnerID                 string `json:"partnerId,omitempty"`
	PathVersion               string `json:"pathVersion,omitempty"`
	PartnerIDPresence         string `json:"partnerIdPresence,omitempty"`
	NotifyOutcome             string `json:"notifyOutcome,omitempty"`
	PaymentCreateTimePresence string `json:"paymentCreateTimePresence,omitempty"`
	PaymentTimePresence       string `json:"paymentTimePresence,omitempty"`
	OrderTitle                string `json:"orderTitle,omitempty"`
	AppIDPresence             string `json:"appIdPresence,omitempty"`
	ProductCodePresence       string `json:"productCodePresence,omitempty"`
	RefundAPI                 string `json:"refundApi,omitempty"`
	RefundBy                  string `json:"refundBy,omitempty"`
	AmountValue               string `json:"amountValue,omitempty"`
}

// MaxRealTimeWaitLimit bounds realTimeWaitLimit: the run's default time limit must leave
// room for the wait.
const MaxRealTimeWaitLimit = 5 * time.Minute

// The signature algorithms a profile may declare (docs/protocol.md, "Where published wallets
// differ").
const (
	AlgorithmRSA256 = "RSA256"
	AlgorithmECC224 = "ECC224"
)

// ProductCodes are the productCode values of pay.
type ProductCodes struct {
	General string `json:"general,omitempty"`
	PreAuth string `json:"preAuth,omitempty"`
}

// Signature selects the signing variant (signing.Style).
type Signature struct {
	RawBase64   bool `json:"rawBase64,omitempty"`   // signature=<raw Base64>, not URL-encoded
	NoSpaces    bool `json:"noSpaces,omitempty"`    // no space after the commas of the header
	EpochMillis bool `json:"epochMillis,omitempty"` // Request-Time as epoch milliseconds
}

// Capabilities are the kit's test extensions a target may offer (features/README.md).
type Capabilities struct {
	// Clock: the wallet's POST {control}/conformance/clock (@clock).
	Clock bool `json:"clock,omitempty"`
	// WalletMock: the wallet's payment view, notification scripting and cashier page
	// (@wallet-mock).
	WalletMock bool `json:"walletMock,omitempty"`
	// ReferenceMerchant: the merchant's POST {merchant}/conformance/notifyFaults
	// (@reference-merchant).
	ReferenceMerchant bool `json:"referenceMerchant,omitempty"`
}

// Duration is a time.Duration written as a Go duration string in JSON ("2m", "168h").
type Duration time.Duration

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads a Go duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("want a duration string such as \"2m\" or \"168h\", got %s", b)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("duration %q: %w", s, err)
	}
	if v < 0 {
		return fmt.Errorf("duration %q is negative", s)
	}
	*d = Duration(v)
	return nil
}

// Load reads and checks a profile file.
func Load(path string) (Profile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Profile{}, fmt.Errorf("profile: %w", err)
	}
	p, err := Parse(b)
	if err != nil {
		return Profile{}, fmt.Errorf("profile %s: %w", path, err)
	}
	return p, nil
}

// Parse reads and checks a profile. Unknown fields are refused: a misspelt capability would
// otherwise silently skip scenarios.
func Parse(b []byte) (Profile, error) {
	var p Profile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return Profile{}, fmt.Errorf("not a profile: %w", err)
	}
	if dec.More() {
		return Profile{}, errors.New("not a profile: more than one JSON value")
	}
	return p, p.Check()
}

// Check reports the first field that makes no sense.
func (p Profile) Check() error {
	switch p.Side {
	case "", "wallet", "merchant":
	default:
		return fmt.Errorf("side %q: want \"wallet\" or \"merchant\"", p.Side)
	}
	seen := map[string]bool{}
	for _, f := range p.Flows {
		if !isFlow(f) {
			return fmt.Errorf("flows: %q is not one of %s", f, strings.Join(AllFlows, ", "))
		}
		if seen[f] {
			return fmt.Errorf("flows: %q twice", f)
		}
		seen[f] = true
	}
	if p.RealTimeWaitLimit < 0 || time.Duration(p.RealTimeWaitLimit) > MaxRealTimeWaitLimit {
		return fmt.Errorf("realTimeWaitLimit %s: want a duration between 0s (the default, %s) and %s", time.Duration(p.RealTimeWaitLimit), fixtures.DefaultRealTimeWaitLimit, MaxRealTimeWaitLimit)
	}
	if p.BasePath != "" && !strings.HasPrefix(p.BasePath, "/") {
		return fmt.Errorf("basePath %q: want a path starting with /", p.BasePath)
	}
	for i, d := range p.NotifyRetrySchedule {
		if i > 0 && d == 0 {
			return fmt.Errorf("notifyRetrySchedule[%d]: only the first attempt may come without delay", i)
		}
	}
	for field, v := range map[string]string{"captures": p.Captures, "partialRefunds": p.PartialRefunds} {
		switch v {
		case "", fixtures.CapturesOne, fixtures.CapturesSeveral, fixtures.EitherMultiplicity:
		default:
			return fmt.Errorf("%s %q: want \"one\", \"several\" or \"oneOrSeveral\" (or leave it out: not declared)", field, v)
		}
	}
	seenAlg := map[string]bool{}
	for i, a := range p.SignatureAlgorithms {
		if a != AlgorithmRSA256 && a != AlgorithmECC224 {
			return fmt.Errorf("signatureAlgorithms[%d] %q: want %q or %q", i, a, AlgorithmRSA256, AlgorithmECC224)
		}
		if seenAlg[a] {
			return fmt.Errorf("signatureAlgorithms: %q twice", a)
		}
		seenAlg[a] = true
	}
	if len(p.SignatureAlgorithms) > 0 && !seenAlg[AlgorithmRSA256] {
		return fmt.Errorf("signatureAlgorithms %v: RSA256 is required (the kit signs and verifies with it)", p.SignatureAlgorithms)
	}
	if _, err := p.Dialect(); err != nil {
		return err
	}
	return nil
}

// Algorithms returns the declared signature algorithms, ["RSA256"] when none is declared.
func (p Profile) Algorithms() []string {
	if len(p.SignatureAlgorithms) == 0 {
		return []string{AlgorithmRSA256}
	}
	return append([]string(nil), p.SignatureAlgorithms...)
}

func isFlow(f string) bool {
	for _, g := range AllFlows {
		if f == g {
			return true
		}
	}
	return false
}

// SupportsFlow reports whether the target supports flow.
func (p Profile) SupportsFlow(flow string) bool {
	if len(p.Flows) == 0 {
		return true
	}
	for _, f := range p.Flows {
		if f == flow {
			return true
		}
	}
	return false
}

// SupportsPreAuth reports whether the target supports pre-authorization.
func (p Profile) SupportsPreAuth() bool { return p.PreAuth == nil || *p.PreAuth }

// SupportsRefunds reports whether the target supports refunds.
func (p Profile) SupportsRefunds() bool { return p.Refunds == nil || *p.Refunds }

// Style is the signing variant the kit writes towards the target.
func (p Profile) Style() signing.Style {
	return signing.Style{RawBase64: p.Signature.RawBase64, NoSpaces: p.Signature.NoSpaces, EpochMillis: p.Signature.EpochMillis}
}

// Wallet returns the wallet profile the kit's parties use: the declared values over the
// kit's defaults.
func (p Profile) Wallet() fixtures.WalletProfile {
	w := fixtures.DefaultWalletProfile()
	if p.Name != "" {
		w.Name = p.Name
	}
	// The prefix and the product codes are the dialect's, the profile's own over the preset's.
	d := p.dialectOrDefault()
	w.BasePath = d.BasePath
	w.GeneralProductCode, w.PreAuthProductCode = d.ProductCodes.General, d.ProductCodes.PreAuth
	if p.AuthorizationValidity != 0 {
		w.AuthorizationValidity = time.Duration(p.AuthorizationValidity)
	}
	w.Notifications, w.Captures, w.PartialRefunds = p.declarations(d)
	w.RealTimeWaitLimit = time.Duration(p.RealTimeWaitLimit)
	if len(p.NotifyRetrySchedule) > 0 {
		w.NotifyRetrySchedule = make([]time.Duration, len(p.NotifyRetrySchedule))
		for i, d := range p.NotifyRetrySchedule {
			w.NotifyRetrySchedule[i] = time.Duration(d)
		}
	}
	return w
}

// A Need is something a scenario needs from the target, and the tag that declares it.
type Need struct {
	// Tag is the tag that declares the need, e.g. "@flow-orderStr".
	Tag string
	// Reason says what the target lacks, for the list of skipped scenarios.
	Reason string
}

// Skip returns why a scenario cannot run against the target, or "" when it can. Its tags
// alone decide (those of its feature and Examples included): a flow (@flow-tradeNO,
// @flow-orderStr, @flow-paymentUrl), pre-authorization (@preauth, @flow-preauth), refunds
// (@refunds), a capability (@clock, @wallet-mock, @reference-merchant). The steps package
// tests that every scenario whose steps use a flow, pre-authorization or refunds carries the
// tag, so the features cannot drift from what the runner skips.
func (p Profile) Skip(s *godog.Scenario) string {
	var reasons []string
	for _, n := range p.needs(s) {
		reasons = append(reasons, n.Reason)
	}
	return strings.Join(reasons, "; ")
}

func (p Profile) needs(s *godog.Scenario) []Need {
	tags := map[string]bool{}
	for _, t := range s.Tags {
		tags[t.Name] = true
	}
	var out []Need
	add := func(missing bool, n Need) {
		if missing {
			out = append(out, n)
		}
	}
	add(!p.SupportsFlow(FlowTradeNO) && tags["@flow-tradeNO"],
		Need{"@flow-tradeNO", "the target does not support the tradeNO flow"})
	add(!p.SupportsFlow(FlowOrderStr) && tags["@flow-orderStr"],
		Need{"@flow-orderStr", "the target does not support the orderStr flow"})
	add(!p.SupportsFlow(FlowPaymentURL) && tags["@flow-paymentUrl"],
		Need{"@flow-paymentUrl", "the target does not support the paymentUrl flow"})
	add(!p.SupportsPreAuth() && (tags["@preauth"] || tags["@flow-preauth"]),
		Need{"@preauth", "the target does not support pre-authorization"})
	add(!p.SupportsRefunds() && tags["@refunds"],
		Need{"@refunds", "the target does not support refunds"})
	add(!p.Capabilities.Clock && tags["@clock"], Need{"@clock", "the wallet offers no clock control"})
	add(!p.Capabilities.WalletMock && tags["@wallet-mock"],
		Need{"@wallet-mock", "the wallet offers no kit extensions (payment view, notification scripting, cashier page)"})
	add(!p.Capabilities.ReferenceMerchant && tags["@reference-merchant"],
		Need{"@reference-merchant", "the merchant offers no notifyFaults hook"})
	return out
}

// Exclusions returns the tag filter equivalent to what the profile lacks, e.g.
// "~@flow-orderStr && ~@clock", for the run's header: exactly the scenarios Skip skips.
func (p Profile) Exclusions() string {
	var ex []string
	add := func(missing bool, tags ...string) {
		if missing {
			for _, t := range tags {
				ex = append(ex, "~"+t)
			}
		}
	}
	add(!p.SupportsFlow(FlowTradeNO), "@flow-tradeNO")
	add(!p.SupportsFlow(FlowOrderStr), "@flow-orderStr")
	add(!p.SupportsFlow(FlowPaymentURL), "@flow-paymentUrl")
	add(!p.SupportsPreAuth(), "@preauth", "@flow-preauth")
	add(!p.SupportsRefunds(), "@refunds")
	add(!p.Capabilities.Clock, "@clock")
	add(!p.Capabilities.WalletMock, "@wallet-mock")
	add(!p.Capabilities.ReferenceMerchant, "@reference-merchant")
	sort.Strings(ex)
	return strings.Join(ex, " && ")
}

// JSON returns the profile as indented JSON, for reports.
func (p Profile) JSON() string {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Sprintf("(profile not printable: %v)", err)
	}
	return string(b)
}

// SkipInteraction returns why a pact interaction cannot be verified against the target, or
// "" when it can: interactions about pre-authorization (capture, AUTH_SUCCESS, an
// authorization granted) need PreAuth, those about refunds need Refunds. The contracts pin
// every API of the protocol; a target without the feature cannot pass them.
func (p Profile) SkipInteraction(description string, states []string) string {
	text := strings.ToLower(description + "\n" + strings.Join(states, "\n"))
	switch {
	case !p.SupportsPreAuth() && (strings.Contains(text, "pre-authorization") || strings.Contains(text, "authorization") ||
		strings.Contains(text, "auth_success") || strings.HasPrefix(text, "capture:")):
		return "the target does not support pre-authorization"
	case !p.SupportsRefunds() && strings.Contains(text, "refund"):
		return "the target does not support refunds"
	}
	return ""
}
