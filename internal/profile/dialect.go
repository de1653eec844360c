package profile

import (
	"encoding/json"
	"fmt"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
)

// Dialect resolves the profile's dialect (docs/dialects.md): the preset "dialect" names
// (missing: dialect.Default, "kit"), then the profile's fields that carry a switch's meaning
// (basePath, productCodes, captures, partialRefunds, signatureAlgorithms, notifications,
// each only when given; productCodes and notifications field by field), then the fields
// named after a switch (pathVersion, partnerIdPresence, notifyOutcome, ...). An unknown
// preset, or a value a switch does not take, is an error from the dialect package listing
// what it takes.
func (p Profile) Dialect() (dialect.Dialect, error) {
	over := map[string]any{}
	set := func(name, value string) {
		if value != "" {
			over[name] = value
		}
	}
	set("basePath", p.BasePath)
	set("captures", p.Captures)
	set("partialRefunds", p.PartialRefunds)
	set("pathVersion", p.PathVersion)
	set("partnerIdPresence", p.PartnerIDPresence)
	set("notifyOutcome", p.NotifyOutcome)
	set("paymentCreateTimePresence", p.PaymentCreateTimePresence)
	set("paymentTimePresence", p.PaymentTimePresence)
	set("orderTitle", p.OrderTitle)
	set("appIdPresence", p.AppIDPresence)
	set("productCodePresence", p.ProductCodePresence)
	set("refundApi", p.RefundAPI)
	set("refundBy", p.RefundBy)
	set("amountValue", p.AmountValue)
	codes := map[string]string{}
	if p.ProductCodes.General != "" {
		codes["general"] = p.ProductCodes.General
	}
	if p.ProductCodes.PreAuth != "" {
		codes["preAuth"] = p.ProductCodes.PreAuth
	}
	if len(codes) > 0 {
		over["productCodes"] = codes
	}
	if len(p.SignatureAlgorithms) > 0 {
		over["signatureAlgorithms"] = p.SignatureAlgorithms
	}
	notes := map[string]bool{}
	for name, v := range map[string]*bool{
		"authSuccess": p.Notifications.AuthSuccess, "failAtDeadline": p.Notifications.FailAtDeadline, "afterCapture": p.Notifications.AfterCapture,
	} {
		if v != nil {
			notes[name] = *v
		}
	}
	if len(notes) > 0 {
		over["notifications"] = notes
	}
	b, err := json.Marshal(over)
	if err != nil {
		return dialect.Dialect{}, fmt.Errorf("dialect: %w", err)
	}
	return dialect.Build(p.Preset, b)
}

// dialectOrDefault is Dialect for a profile already checked (Parse, Load); a Profile built in
// code that does not resolve reads as the default preset with the profile's own prefix.
func (p Profile) dialectOrDefault() dialect.Dialect {
	d, err := p.Dialect()
	if err != nil {
		d = dialect.MustLookup(dialect.Default)
		d.BasePath = p.BasePath
	}
	return d
}

// PartnerIDValue is the partnerId a merchant sends and a wallet expects where the dialect
// carries it: the profile's, or dialect.DefaultPartnerID.
func (p Profile) PartnerIDValue() string {
	if p.PartnerID != "" {
		return p.PartnerID
	}
	return dialect.DefaultPartnerID
}

// declarations are what a judge holds the wallet to where published wallets differ
// (fixtures.WalletProfile): the notifications it sends besides a final SUCCESS or FAIL, and
// how many captures and partial refunds it allows.
//
// Under the kit preset they are the profile's own declarations, as before dialects: a
// missing one is not declared. The kit preset's own values describe the kit's wallet mock,
// so they never turn a profile that declares nothing (kit:wallet-bare) into one that
// promises AUTH_SUCCESS. Under any other preset they come from the dialect: the profile's
// declarations over the preset's; a notification the preset does not promise (false) is not
// declared (a judge checks the outcome through inquiryPayment and judges a notification only
// if one comes), and one the profile declares false must not come.
func (p Profile) declarations(d dialect.Dialect) (fixtures.Notifications, string, string) {
	if d.Preset == dialect.Default {
		return p.Notifications, p.Captures, p.PartialRefunds
	}
	promised := func(declared *bool, preset bool) *bool {
		if declared != nil || !preset {
			return declared
		}
		yes := true
		return &yes
	}
	n := fixtures.Notifications{
		AuthSuccess:    promised(p.Notifications.AuthSuccess, d.Notifications.AuthSuccess),
		FailAtDeadline: promised(p.Notifications.FailAtDeadline, d.Notifications.FailAtDeadline),
		AfterCapture:   promised(p.Notifications.AfterCapture, d.Notifications.AfterCapture),
	}
	return n, string(d.Captures), string(d.PartialRefunds)
}

// JudgedDialect is the dialect a judge (the steps) holds the target to. Under any preset but
// the kit's it is Dialect. Under the kit preset the profile's captures, partialRefunds and
// notifications stay what they were before dialects, declarations a judge reads from the
// wallet profile (Wallet) and names as the profile's ("the wallet's profile declares one
// capture per payment"), not switches of the dialect; the kit's own parties still follow them
// through Dialect.
func (p Profile) JudgedDialect() (dialect.Dialect, error) {
	d, err := p.Dialect()
	if err != nil || d.Preset != dialect.Default {
		return d, err
	}
	p.Captures, p.PartialRefunds, p.Notifications = "", "", fixtures.Notifications{}
	return p.Dialect()
}

// JudgedDialectOr is JudgedDialect, or d (the dialect the kit's own parties speak) when the
// profile's cannot be built.
func (p Profile) JudgedDialectOr(d dialect.Dialect) dialect.Dialect {
	if j, err := p.JudgedDialect(); err == nil {
		return j
	}
	return d
}

// UnderPreset returns the profile with its preset replaced by preset (when not empty; an
// unknown one is dialect.Lookup's error, listing the presets). kitWalletMock says the profile
// is the kit's own wallet mock's (kit:wallet-mock): its declarations (notifications, captures,
// partial refunds) describe the mock under the kit preset, and under another preset the mock
// follows the preset, so they are dropped.
func (p Profile) UnderPreset(preset string, kitWalletMock bool) (Profile, error) {
	if preset != "" {
		if _, err := dialect.Lookup(preset); err != nil {
			return p, err
		}
		p.Preset = preset
	}
	if kitWalletMock && p.Preset != "" && p.Preset != dialect.Default {
		p.Notifications = fixtures.Notifications{}
		p.Captures, p.PartialRefunds = "", ""
	}
	return p, nil
}
