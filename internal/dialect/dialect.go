// Package dialect describes the shapes in which wallets publish the server OpenAPI
// (docs/dialects.md; docs/protocol.md, "Where published wallets differ"). A Dialect is one
// value of switches (path version, URL prefix, partnerId, the notification's outcome field, the
// order title field, the refund API, capture and refund multiplicity, what a reader
// tolerates, ...), built from a preset name plus overrides of single switches. A party or a
// step asks the value a question (CarriesPartnerID, PathFor, ...); it never compares preset
// names. Adding a preset is one entry in the presets table (plus its pacts).
//
// # Switches
//
// Overrides are a JSON object whose keys are the switch names below (lowerCamel, stable: they
// are the names a target profile and the --dialect overrides use). Any switch not named keeps
// the preset's value; the object switches (productCodes, notifications) are overridden field by
// field. Set takes one switch as name=value, for a command line. A switch saying whether a
// field is carried is named after the field plus "Presence", leaving the field's own name to
// the profile for its value (a profile's partnerId or appId is the value a merchant sends).
//
//	pathVersion          "v1" | "v2": the version segment of /{version}/payments/{apiName}
//	basePath             the URL prefix in front of /{version}/payments: "" or a path such as
//	                     "/acl/api" (the target profile's basePath; a trailing slash is dropped)
//	partnerIdPresence    "required" | "optional" | "absent": partnerId in pay, notifyPayment
//	                     and inquiryPayment
//	notifyOutcome        "paymentStatus" | "paymentResult": where notifyPayment reports the
//	                     outcome (SUCCESS/FAIL + paymentFailReason, or {resultCode,
//	                     resultStatus S|F, resultMessage})
//	paymentCreateTimePresence
//	                     "required" | "optional": paymentCreateTime in notifyPayment
//	paymentTimePresence  "required" | "recommended" | "optional": paymentTime in a SUCCESS
//	                     notification
//	orderTitle           "paymentOrderTitle" | "order.orderDescription": the field of pay
//	                     carrying the order title
//	appIdPresence        "required" | "optional": appId in pay
//	productCodePresence  "required" | "optional": productCode in pay
//	productCodes         {"general": "...", "preAuth": "..."}: the codes a sender writes
//	refundApi            "refund" | "refundApply": the name of the refund API
//	refundBy             "paymentId" | "paymentIdOrPaymentRequestId": how a refund names the
//	                     payment
//	captures             "one" | "several" | "oneOrSeveral": captures per authorization
//	partialRefunds       "one" | "several" | "oneOrSeveral": refunds per payment
//	amountValue          "string" | "stringOrInteger": the JSON types a reader accepts for
//	                     Amount.value (a sender always writes a string)
//	signatureAlgorithms  ["RSA256", "ECC224"]: the algorithms a party accepts (any case)
//	notifications        {"authSuccess": bool, "failAtDeadline": bool, "afterCapture": bool}:
//	                     the notifications a wallet of the dialect sends beyond a final
//	                     SUCCESS or FAIL (which every dialect sends)
//
// "oneOrSeveral" means the dialect does not say: a party of the kit allows several, and a
// judge accepts a second capture or refund either accepted or refused (F, nothing changed).
// A notification that is false is not promised: a judge checks the outcome through
// inquiryPayment instead of waiting for it, and a wallet that sends it anyway is not wrong.
package dialect

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// Presence says whether a field is carried.
type Presence string

// The presences of a field. Not every switch takes every one (see the package comment).
const (
	Required Presence = "required"
	// Recommended: a sender writes it, a reader accepts its absence with a warning (SHOULD).
	Recommended Presence = "recommended"
	Optional    Presence = "optional"
	// Absent: a sender never writes it; a reader ignores it (tolerant in what it accepts).
	Absent Presence = "absent"
)

// Outcome is the field in which notifyPayment reports a payment's outcome.
type Outcome string

// The two outcome shapes.
const (
	OutcomePaymentStatus Outcome = "paymentStatus"
	OutcomePaymentResult Outcome = "paymentResult"
)

// TitleField is the field of pay carrying the order's title.
type TitleField string

// The two title fields.
const (
	TitlePaymentOrderTitle TitleField = "paymentOrderTitle"
	TitleOrderDescription  TitleField = "order.orderDescription"
)

// RefundBy says how a refund request names the payment it refunds.
type RefundBy string

// The two ways.
const (
	RefundByPaymentID                   RefundBy = "paymentId"
	RefundByPaymentIDOrPaymentRequestID RefundBy = "paymentIdOrPaymentRequestId"
)

// Multiplicity is how many captures of one authorization, or partial refunds of one payment,
// a wallet allows.
type Multiplicity string

// The multiplicities.
const (
	One     Multiplicity = "one"
	Several Multiplicity = "several"
	// OneOrSeveral: the dialect does not say; a kit party allows several, a judge accepts both.
	OneOrSeveral Multiplicity = "oneOrSeveral"
)

// AmountValue is the set of JSON types a reader accepts for Amount.value.
type AmountValue string

// The two sets.
const (
	AmountString          AmountValue = "string"
	AmountStringOrInteger AmountValue = "stringOrInteger"
)

// The signature algorithms the published pages name (case-insensitive on the wire).
const (
	RSA256 = "RSA256"
	ECC224 = "ECC224"
)

// API names one operation of the server OpenAPI, whatever its dialect calls it.
type API string

// The operations. Refund is the refund operation under either name (refund, refundApply).
const (
	Pay            API = "pay"
	NotifyPayment  API = "notifyPayment"
	InquiryPayment API = "inquiryPayment"
	Cancel         API = "cancel"
	Capture        API = "capture"
	Refund         API = "refund"
	InquiryRefund  API = "inquiryRefund"
)

// APIs lists the operations in the protocol's order.
var APIs = []API{Pay, NotifyPayment, InquiryPayment, Cancel, Capture, Refund, InquiryRefund}

// RefundAPIName is a name of the refund operation on the wire.
type RefundAPIName string

// The two names.
const (
	RefundAPIRefund      RefundAPIName = "refund"
	RefundAPIRefundApply RefundAPIName = "refundApply"
)

// ProductCodes are the productCode values a sender writes in pay; an empty code is not sent.
type ProductCodes struct {
	General string `json:"general"`
	PreAuth string `json:"preAuth"`
}

// Notifications are the notifications a wallet sends beyond a final SUCCESS or FAIL.
type Notifications struct {
	// AuthSuccess: a granted authorization is notified (paymentStatus AUTH_SUCCESS).
	AuthSuccess bool `json:"authSuccess"`
	// FailAtDeadline: a payment whose deadline passes unpaid is notified FAIL.
	FailAtDeadline bool `json:"failAtDeadline"`
	// AfterCapture: a capture is followed by a notification.
	AfterCapture bool `json:"afterCapture"`
}

// Dialect is one dialect's switches. Build one with Lookup or Build; the zero value is not a
// dialect (Check refuses it).
type Dialect struct {
	// Preset is the name of the preset the value was built from; it is not a switch.
	Preset string `json:"-"`

	PathVersion         string        `json:"pathVersion"`
	BasePath            string        `json:"basePath"`
	PartnerID           Presence      `json:"partnerIdPresence"`
	NotifyOutcome       Outcome       `json:"notifyOutcome"`
	PaymentCreateTime   Presence      `json:"paymentCreateTimePresence"`
	PaymentTime         Presence      `json:"paymentTimePresence"`
	OrderTitle          TitleField    `json:"orderTitle"`
	AppID               Presence      `json:"appIdPresence"`
	ProductCode         Presence      `json:"productCodePresence"`
	ProductCodes        ProductCodes  `json:"productCodes"`
	RefundAPI           RefundAPIName `json:"refundApi"`
	RefundBy            RefundBy      `json:"refundBy"`
	Captures            Multiplicity  `json:"captures"`
	PartialRefunds      Multiplicity  `json:"partialRefunds"`
	AmountValue         AmountValue   `json:"amountValue"`
	SignatureAlgorithms []string      `json:"signatureAlgorithms"`
	Notifications       Notifications `json:"notifications"`
}

// The kit's product codes (docs/protocol.md, "pay and idempotency").
const (
	kitGeneralCode = "51051000101000000011"
	kitPreAuthCode = "51051000101000000012"
)

// presets is the one table of presets (docs/dialects.md, "The presets"). Where the published
// pages leave a switch open, the comment says which reading was picked and why.
var presets = []Dialect{
	{
		// Today's shape: what docs/protocol.md pins and the kit's parties speak.
		Preset:      "kit",
		PathVersion: "v1",
		// The kit's merchant never sends partnerId and its wallet mock ignores it.
		PartnerID:         Optional,
		NotifyOutcome:     OutcomePaymentStatus,
		PaymentCreateTime: Optional,
		// The wallet mock sends it; "Where published wallets differ" makes it a SHOULD.
		PaymentTime:  Recommended,
		OrderTitle:   TitlePaymentOrderTitle,
		AppID:        Optional,
		ProductCode:  Required,
		ProductCodes: ProductCodes{General: kitGeneralCode, PreAuth: kitPreAuthCode},
		RefundAPI:    RefundAPIRefund,
		RefundBy:     RefundByPaymentID,
		// The kit's parties allow several; a target that declares nothing may do either
		// (docs/protocol.md, "Where published wallets differ").
		Captures:            OneOrSeveral,
		PartialRefunds:      OneOrSeveral,
		AmountValue:         AmountString,
		SignatureAlgorithms: []string{RSA256},
		// The kit's wallet mock notifies a granted authorization and an expired payment, not
		// a capture.
		Notifications: Notifications{AuthSuccess: true, FailAtDeadline: true},
	},
	{
		// Alipay mpdev v1, GCash v1, Alibaba Cloud SuperApp v1. GCash serves under /api: a
		// profile sets the prefix.
		Preset:            "v1-alipay",
		PathVersion:       "v1",
		PartnerID:         Required,
		NotifyOutcome:     OutcomePaymentStatus,
		PaymentCreateTime: Optional,
		PaymentTime:       Recommended,
		OrderTitle:        TitlePaymentOrderTitle,
		AppID:             Optional,
		ProductCode:       Optional,
		// productCode is optional here; a sender still writes the kit's codes, which these
		// portals' examples use.
		ProductCodes: ProductCodes{General: kitGeneralCode, PreAuth: kitPreAuthCode},
		RefundAPI:    RefundAPIRefundApply,
		RefundBy:     RefundByPaymentID,
		// Captures are not published for this portal; a second partial refund may be refused
		// with MULTI_REFUND_NOT_ALLOWED.
		Captures:       OneOrSeveral,
		PartialRefunds: OneOrSeveral,
		AmountValue:    AmountString,
		// The pages allow ECC224 besides RSA256, but whether a wallet supports it is the
		// wallet's own: a profile declares it with signatureAlgorithms.
		SignatureAlgorithms: []string{RSA256},
		// The pages notify a final success or failure only: no AUTH_SUCCESS, and no page says
		// an expired payment or a capture is notified.
		Notifications: Notifications{},
	},
	{
		// Touch 'n Go v1: as v1-alipay, without partnerId, with paymentResult notifications,
		// under /acl/api.
		Preset:              "v1-tng",
		PathVersion:         "v1",
		BasePath:            "/acl/api",
		PartnerID:           Absent,
		NotifyOutcome:       OutcomePaymentResult,
		PaymentCreateTime:   Optional,
		PaymentTime:         Recommended,
		OrderTitle:          TitlePaymentOrderTitle,
		AppID:               Optional,
		ProductCode:         Optional,
		ProductCodes:        ProductCodes{General: kitGeneralCode, PreAuth: kitPreAuthCode},
		RefundAPI:           RefundAPIRefundApply,
		RefundBy:            RefundByPaymentID,
		Captures:            OneOrSeveral,
		PartialRefunds:      OneOrSeveral,
		AmountValue:         AmountString,
		SignatureAlgorithms: []string{RSA256},
		Notifications:       Notifications{},
	},
	{
		// Qi and Rebell. The prefix is not published for Qi (Rebell uses /api/open): none, a
		// profile sets it. The numeric codes are published by their last digits (...011
		// general, ...012 auth-capture), which are those of the kit's codes. refundApply is
		// what the v1 portals found use [L].
		Preset:              "v1-qi",
		PathVersion:         "v1",
		PartnerID:           Absent,
		NotifyOutcome:       OutcomePaymentStatus,
		PaymentCreateTime:   Optional,
		PaymentTime:         Recommended,
		OrderTitle:          TitlePaymentOrderTitle,
		AppID:               Optional,
		ProductCode:         Required,
		ProductCodes:        ProductCodes{General: kitGeneralCode, PreAuth: kitPreAuthCode},
		RefundAPI:           RefundAPIRefundApply,
		RefundBy:            RefundByPaymentID,
		Captures:            One, // Qi: exactly one capture, full or partial
		PartialRefunds:      OneOrSeveral,
		AmountValue:         AmountString,
		SignatureAlgorithms: []string{RSA256},
		// AUTH_SUCCESS appears in inquiryPayment answers only.
		Notifications: Notifications{},
	},
	{
		// mpdev v2 and its copies.
		Preset:            "v2",
		PathVersion:       "v2",
		PartnerID:         Absent,
		NotifyOutcome:     OutcomePaymentResult,
		PaymentCreateTime: Required,
		// Optional on the general v2 page, required on success in one copy: a wallet most
		// likely sends it, so the protocol's SHOULD stands.
		PaymentTime: Recommended,
		OrderTitle:  TitleOrderDescription,
		AppID:       Required,
		ProductCode: Optional,
		// How a v2 authorization is created is not published: no pre-authorization code is
		// sent (a profile may set one).
		ProductCodes:        ProductCodes{General: "CASHIER_PAYMENT"},
		RefundAPI:           RefundAPIRefund,
		RefundBy:            RefundByPaymentIDOrPaymentRequestID,
		Captures:            Several, // several, isLastCapture defaulting to true
		PartialRefunds:      OneOrSeveral,
		AmountValue:         AmountStringOrInteger, // the v2 data dictionary says Integer
		SignatureAlgorithms: []string{RSA256},
		Notifications:       Notifications{},
	},
}

// Default is the preset a profile without "dialect" means.
const Default = "kit"

// DefaultPartnerID is the partnerId a kit party sends, and a wallet mock expects, where a
// dialect carries partnerId and the profile gives none: the kit's test merchant's client id.
const DefaultPartnerID = "2026TESTCLIENT0001"

// OrDefault returns d, or the Default preset when d is the zero value: a party's Config
// leaves its Dialect empty to speak the kit's own shape.
func OrDefault(d Dialect) Dialect {
	if d.Preset == "" {
		return MustLookup(Default)
	}
	return d
}

// Presets lists the preset names in the table's order.
func Presets() []string {
	names := make([]string, len(presets))
	for i, p := range presets {
		names[i] = p.Preset
	}
	return names
}

// Lookup returns the named preset; "" means Default. An unknown name is an error listing the
// presets.
func Lookup(name string) (Dialect, error) {
	if name == "" {
		name = Default
	}
	for _, p := range presets {
		if p.Preset == name {
			return p.clone(), nil
		}
	}
	return Dialect{}, fmt.Errorf("dialect %q is not a preset; the presets are %s", name, strings.Join(Presets(), ", "))
}

// MustLookup is Lookup for names known to be presets (tests, defaults); it panics otherwise.
func MustLookup(name string) Dialect {
	d, err := Lookup(name)
	if err != nil {
		panic(err)
	}
	return d
}

// Build returns the named preset with the overrides applied; overrides may be empty or JSON
// null. Errors name the unknown preset (listing the presets), the unknown switch (listing
// the switches) or the value a switch does not take (listing the values it takes).
func Build(preset string, overrides []byte) (Dialect, error) {
	d, err := Lookup(preset)
	if err != nil {
		return Dialect{}, err
	}
	if err := d.Override(overrides); err != nil {
		return Dialect{}, err
	}
	return d, nil
}

// Override applies a JSON object of switches to d. On error d is unchanged.
func (d *Dialect) Override(overrides []byte) error {
	trimmed := bytes.TrimSpace(overrides)
	if len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")) {
		return nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &fields); err != nil {
		return fmt.Errorf("dialect overrides: want a JSON object of switches, got %s", clip(string(trimmed)))
	}
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	sort.Strings(names) // the first error is the same on every run
	next := d.clone()
	for _, name := range names {
		sw, ok := switchNamed(name)
		if !ok {
			return fmt.Errorf("dialect: unknown switch %q; the switches are %s", name, strings.Join(Switches(), ", "))
		}
		if err := sw.set(&next, fields[name]); err != nil {
			return fmt.Errorf("dialect switch %s: %w", name, err)
		}
	}
	if err := next.Check(); err != nil {
		return err
	}
	*d = next
	return nil
}

// Set applies one switch written as on a command line: name=value, where value is the JSON
// value or, for a string switch, the bare string (partnerIdPresence=absent, basePath=/api).
func (d *Dialect) Set(assignment string) error {
	name, value, ok := strings.Cut(assignment, "=")
	if !ok {
		return fmt.Errorf("dialect switch %q: want name=value", clip(assignment))
	}
	raw := []byte(value)
	if !json.Valid(raw) {
		raw, _ = json.Marshal(value) // a bare string
	}
	obj, _ := json.Marshal(map[string]json.RawMessage{name: raw})
	return d.Override(obj)
}

// Check reports the first switch that makes no sense, or two that contradict each other.
func (d Dialect) Check() error {
	for _, sw := range switches {
		if err := sw.check(d); err != nil {
			return fmt.Errorf("dialect switch %s: %w", sw.name, err)
		}
	}
	if d.Notifications.AuthSuccess && d.NotifyOutcome == OutcomePaymentResult {
		return errors.New("dialect: notifications.authSuccess needs notifyOutcome paymentStatus: paymentResult cannot say AUTH_SUCCESS")
	}
	if d.ProductCode == Required && d.ProductCodes.General == "" {
		return errors.New("dialect: productCodePresence is required but productCodes.general is empty")
	}
	return nil
}

// Label names the dialect in messages: the preset's name, or "PRESET with overrides" when
// switches differ from the preset.
func (d Dialect) Label() string {
	p, err := Lookup(d.Preset)
	if err != nil {
		return "an unnamed dialect"
	}
	if reflect.DeepEqual(p, d) {
		return d.Preset
	}
	return d.Preset + " with overrides"
}

func (d Dialect) clone() Dialect {
	d.SignatureAlgorithms = append([]string(nil), d.SignatureAlgorithms...)
	return d
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}
