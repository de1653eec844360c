package profile

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/fixtures/profiles"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
)

// switchValues is a dialect's switches as JSON, by switch name.
func switchValues(t *testing.T, d dialect.Dialect) map[string]json.RawMessage {
	t.Helper()
	b, err := json.Marshal(d)
	require.NoError(t, err)
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

func TestProfileWithoutDialectSpeaksTheKitPreset(t *testing.T) {
	p, err := Parse([]byte(`{}`))
	require.NoError(t, err)
	d, err := p.Dialect()
	require.NoError(t, err)
	assert.Equal(t, dialect.MustLookup("kit"), d)
	assert.Equal(t, "kit", d.Label())
	assert.Equal(t, dialect.DefaultPartnerID, p.PartnerIDValue())
}

// TestEverySwitchIsAProfileField: each switch of internal/dialect, written as a top-level
// profile field under its name, overrides the preset's value.
func TestEverySwitchIsAProfileField(t *testing.T) {
	base := dialect.MustLookup("v1-alipay")
	// Values that differ from v1-alipay's where a preset has one.
	want := switchValues(t, dialect.MustLookup("v2"))
	want["basePath"] = json.RawMessage(`"/acl/api"`)
	want["paymentTimePresence"] = json.RawMessage(`"required"`)
	want["productCodePresence"] = json.RawMessage(`"required"`)
	want["partialRefunds"] = json.RawMessage(`"one"`)
	want["productCodes"] = json.RawMessage(`{"general":"CASHIER_PAYMENT","preAuth":"AUTH_CAPTURE"}`)
	want["signatureAlgorithms"] = json.RawMessage(`["RSA256","ECC224"]`)
	want["notifications"] = json.RawMessage(`{"authSuccess":false,"failAtDeadline":true,"afterCapture":true}`)
	for _, name := range dialect.Switches() {
		t.Run(name, func(t *testing.T) {
			value, ok := want[name]
			require.True(t, ok, "no value for switch %s", name)
			p, err := Parse([]byte(fmt.Sprintf(`{"dialect": "v1-alipay", %q: %s}`, name, value)))
			require.NoError(t, err)
			d, err := p.Dialect()
			require.NoError(t, err)
			got := switchValues(t, d)
			assert.JSONEq(t, string(value), string(got[name]))
			assert.NotEqual(t, string(switchValues(t, base)[name]), string(got[name]), "the value given differs from the preset's")
			assert.Equal(t, "v1-alipay with overrides", d.Label())
		})
	}
}

func TestProfileDialectErrors(t *testing.T) {
	for profile, want := range map[string]string{
		`{"dialect": "v3"}`:     `dialect "v3" is not a preset; the presets are kit, v1-alipay, v1-tng, v1-qi, v2`,
		`{"pathVersion": "v3"}`: `dialect switch pathVersion: "v3" is not one of "v1", "v2"`,
		`{"dialect": "v2", "notifications": {"authSuccess": true}}`: "notifications.authSuccess needs notifyOutcome paymentStatus",
		`{"refundApi": 7}`: "refundApi",
	} {
		_, err := Parse([]byte(profile))
		require.Error(t, err, profile)
		assert.Contains(t, err.Error(), want, profile)
	}
}

// TestBasePathReplacesThePresetsPrefix: a profile's basePath replaces the preset's prefix;
// "/" is none.
func TestBasePathReplacesThePresetsPrefix(t *testing.T) {
	for basePath, want := range map[string]string{"": "/acl/api", "/gw/": "/gw", "/": ""} {
		p := Profile{Preset: "v1-tng", BasePath: basePath}
		require.NoError(t, p.Check())
		d, err := p.Dialect()
		require.NoError(t, err)
		assert.Equal(t, want, d.BasePath, "basePath %q", basePath)
		assert.Equal(t, want, p.Wallet().BasePath, "basePath %q", basePath)
	}
}

// TestDeclarationsByPreset: under the kit preset a judge holds the wallet to what its profile
// declares, as before dialects (the kit preset's trues describe the kit's mock, not a bare
// wallet); under another preset to the preset's values, the profile's over them, a
// notification the preset does not promise left undeclared.
func TestDeclarationsByPreset(t *testing.T) {
	b, err := profiles.FS.ReadFile("wallet-bare.json")
	require.NoError(t, err)
	bare, err := Parse(b)
	require.NoError(t, err)
	w := bare.Wallet()
	assert.Equal(t, fixtures.Notifications{}, w.Notifications, "kit:wallet-bare declares no notification")
	assert.Empty(t, w.Captures)
	assert.Empty(t, w.PartialRefunds)

	b, err = profiles.FS.ReadFile("wallet-mock.json")
	require.NoError(t, err)
	mock, err := Parse(b)
	require.NoError(t, err)
	assert.Equal(t, fixtures.KitNotifications(), mock.Wallet().Notifications)
	assert.Equal(t, fixtures.CapturesSeveral, mock.Wallet().Captures)

	qi := bare
	qi.Preset = "v1-qi"
	w = qi.Wallet()
	assert.Equal(t, fixtures.Notifications{}, w.Notifications, "v1-qi promises no notification beyond SUCCESS and FAIL")
	assert.Equal(t, fixtures.CapturesOne, w.Captures)
	assert.Equal(t, fixtures.EitherMultiplicity, w.PartialRefunds)

	yes, no := true, false
	alipay := Profile{Preset: "v1-alipay", Captures: "several", Notifications: fixtures.Notifications{FailAtDeadline: &yes, AfterCapture: &no}}
	require.NoError(t, alipay.Check())
	w = alipay.Wallet()
	assert.Equal(t, fixtures.Notifications{FailAtDeadline: &yes, AfterCapture: &no}, w.Notifications)
	assert.Equal(t, fixtures.CapturesSeveral, w.Captures)

	v2 := Profile{Preset: "v2"}
	w = v2.Wallet()
	assert.Equal(t, "CASHIER_PAYMENT", w.GeneralProductCode, "the preset's product code")
	assert.Equal(t, fixtures.CapturesSeveral, w.Captures)
}

func TestPartnerIDValue(t *testing.T) {
	p, err := Parse([]byte(`{"dialect": "v1-alipay", "partnerId": "2088ACME"}`))
	require.NoError(t, err)
	assert.Equal(t, "2088ACME", p.PartnerIDValue())
	assert.True(t, strings.HasPrefix(dialect.DefaultPartnerID, "2026"))
}

// TestJudgedDialect: under the kit preset a profile's declarations are no switches of the
// dialect the steps judge by; under another preset they are.
func TestJudgedDialect(t *testing.T) {
	b, err := profiles.FS.ReadFile("wallet-mock.json")
	require.NoError(t, err)
	mock, err := Parse(b)
	require.NoError(t, err)
	d, err := mock.Dialect()
	require.NoError(t, err)
	assert.Equal(t, "kit with overrides", d.Label(), "the mock follows its declarations")
	j, err := mock.JudgedDialect()
	require.NoError(t, err)
	assert.Equal(t, "kit", j.Label())

	qi := Profile{Preset: "v1-qi", Captures: "several"}
	d, err = qi.JudgedDialect()
	require.NoError(t, err)
	assert.Equal(t, dialect.Several, d.Captures)
	assert.Equal(t, "v1-qi with overrides", d.Label())
}
