package dialect_test

import (
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/dialect"
)

// TestPresetsAsDocumented states docs/dialects.md's preset table again, switch by switch, so
// that a change to the presets table is a change seen twice.
func TestPresetsAsDocumented(t *testing.T) {
	type row struct {
		version, prefix   string
		partnerID         dialect.Presence
		outcome           dialect.Outcome
		createTime        dialect.Presence
		title             dialect.TitleField
		appID             dialect.Presence
		productCode       dialect.Presence
		general, preAuth  string
		refundAPI         dialect.RefundAPIName
		refundBy          dialect.RefundBy
		captures, refunds dialect.Multiplicity
		amount            dialect.AmountValue
		notifications     dialect.Notifications
	}
	const gen, pre = "51051000101000000011", "51051000101000000012"
	want := map[string]row{
		"kit": {"v1", "", dialect.Optional, dialect.OutcomePaymentStatus, dialect.Optional, dialect.TitlePaymentOrderTitle,
			dialect.Optional, dialect.Required, gen, pre, dialect.RefundAPIRefund, dialect.RefundByPaymentID,
			dialect.OneOrSeveral, dialect.OneOrSeveral, dialect.AmountString, dialect.Notifications{AuthSuccess: true, FailAtDeadline: true}},
		"v1-alipay": {"v1", "", dialect.Required, dialect.OutcomePaymentStatus, dialect.Optional, dialect.TitlePaymentOrderTitle,
			dialect.Optional, dialect.Optional, gen, pre, dialect.RefundAPIRefundApply, dialect.RefundByPaymentID,
			dialect.OneOrSeveral, dialect.OneOrSeveral, dialect.AmountString, dialect.Notifications{}},
		"v1-tng": {"v1", "/acl/api", dialect.Absent, dialect.OutcomePaymentResult, dialect.Optional, dialect.TitlePaymentOrderTitle,
			dialect.Optional, dialect.Optional, gen, pre, dialect.RefundAPIRefundApply, dialect.RefundByPaymentID,
			dialect.OneOrSeveral, dialect.OneOrSeveral, dialect.AmountString, dialect.Notifications{}},
		"v1-qi": {"v1", "", dialect.Absent, dialect.OutcomePaymentStatus, dialect.Optional, dialect.TitlePaymentOrderTitle,
			dialect.Optional, dialect.Required, gen, pre, dialect.RefundAPIRefundApply, dialect.RefundByPaymentID,
			dialect.One, dialect.OneOrSeveral, dialect.AmountString, dialect.Notifications{}},
		"v2": {"v2", "", dialect.Absent, dialect.OutcomePaymentResult, dialect.Required, dialect.TitleOrderDescription,
			dialect.Required, dialect.Optional, "CASHIER_PAYMENT", "", dialect.RefundAPIRefund, dialect.RefundByPaymentIDOrPaymentRequestID,
			dialect.Several, dialect.OneOrSeveral, dialect.AmountStringOrInteger, dialect.Notifications{}},
	}
	require.Equal(t, []string{"kit", "v1-alipay", "v1-tng", "v1-qi", "v2"}, dialect.Presets())
	for _, name := range dialect.Presets() {
		t.Run(name, func(t *testing.T) {
			d, err := dialect.Lookup(name)
			require.NoError(t, err)
			require.NoError(t, d.Check())
			assert.Equal(t, name, d.Preset)
			assert.Equal(t, name, d.Label())
			got := row{d.PathVersion, d.BasePath, d.PartnerID, d.NotifyOutcome, d.PaymentCreateTime, d.OrderTitle,
				d.AppID, d.ProductCode, d.ProductCodes.General, d.ProductCodes.PreAuth, d.RefundAPI, d.RefundBy,
				d.Captures, d.PartialRefunds, d.AmountValue, d.Notifications}
			assert.Equal(t, want[name], got)
			assert.Equal(t, dialect.Recommended, d.PaymentTime, "paymentTime on success is a SHOULD everywhere")
			assert.Equal(t, []string{dialect.RSA256}, d.SignatureAlgorithms, "ECC224 is the profile's to declare")
		})
	}
}

func TestLookup(t *testing.T) {
	d, err := dialect.Lookup("")
	require.NoError(t, err)
	assert.Equal(t, "kit", d.Preset, "no name means the kit's preset")

	_, err = dialect.Lookup("v3")
	require.Error(t, err)
	assert.Equal(t, `dialect "v3" is not a preset; the presets are kit, v1-alipay, v1-tng, v1-qi, v2`, err.Error())

	_, err = dialect.Lookup("V2")
	assert.Error(t, err, "preset names are exact")
}

// TestLookupReturnsACopy: a party that changes its value cannot change the table.
func TestLookupReturnsACopy(t *testing.T) {
	d := dialect.MustLookup("v2")
	d.SignatureAlgorithms[0] = dialect.ECC224
	d.PathVersion = "v1"
	again := dialect.MustLookup("v2")
	assert.Equal(t, []string{dialect.RSA256}, again.SignatureAlgorithms)
	assert.Equal(t, "v2", again.PathVersion)
}

func TestMustLookupPanicsOnUnknown(t *testing.T) {
	assert.Panics(t, func() { dialect.MustLookup("nope") })
}

func TestBuildOverrides(t *testing.T) {
	for _, tc := range []struct {
		name, preset, overrides string
		check                   func(t *testing.T, d dialect.Dialect)
	}{
		{"no overrides", "v2", ``, func(t *testing.T, d dialect.Dialect) { assert.Equal(t, dialect.MustLookup("v2"), d) }},
		{"null", "v2", `null`, func(t *testing.T, d dialect.Dialect) { assert.Equal(t, dialect.MustLookup("v2"), d) }},
		{"empty object", "v2", `{}`, func(t *testing.T, d dialect.Dialect) { assert.Equal(t, "v2", d.Label()) }},
		{"GCash prefix", "v1-alipay", `{"basePath":"/api"}`, func(t *testing.T, d dialect.Dialect) {
			assert.Equal(t, "/api/v1/payments/pay", d.PathFor(dialect.Pay))
			assert.Equal(t, "v1-alipay with overrides", d.Label())
		}},
		{"no prefix", "v1-tng", `{"basePath":""}`, func(t *testing.T, d dialect.Dialect) {
			assert.Equal(t, "/v1/payments/refundApply", d.PathFor(dialect.Refund))
		}},
		{"Rebell: several captures", "v1-qi", `{"captures":"several","basePath":"/api/open/"}`, func(t *testing.T, d dialect.Dialect) {
			assert.True(t, d.AllowsSecondCapture())
			assert.Equal(t, dialect.Several, d.SecondCaptureRule())
			assert.Equal(t, "/api/open/v1/payments/capture", d.PathFor(dialect.Capture), "a trailing slash is dropped")
		}},
		{"a slash is no prefix", "v1-tng", `{"basePath":"/"}`, func(t *testing.T, d dialect.Dialect) {
			assert.Equal(t, "/v1/payments/pay", d.PathFor(dialect.Pay))
		}},
		{"one product code kept", "kit", `{"productCodes":{"preAuth":"PRE"}}`, func(t *testing.T, d dialect.Dialect) {
			assert.Equal(t, "51051000101000000011", d.ProductCodeFor(false))
			assert.Equal(t, "PRE", d.ProductCodeFor(true))
		}},
		{"one notification kept", "kit", `{"notifications":{"failAtDeadline":false}}`, func(t *testing.T, d dialect.Dialect) {
			assert.True(t, d.NotifiesAuthSuccess())
			assert.False(t, d.NotifiesFailAtDeadline())
		}},
		{"ECC224 declared, any case", "v2", `{"signatureAlgorithms":["rsa256","Ecc224"]}`, func(t *testing.T, d dialect.Dialect) {
			assert.Equal(t, []string{dialect.RSA256, dialect.ECC224}, d.SignatureAlgorithms)
			assert.True(t, d.AcceptsAlgorithm("ecc224"))
		}},
		{"every string switch", "kit", `{"pathVersion":"v2","partnerIdPresence":"absent","notifyOutcome":"paymentResult",
			"paymentCreateTimePresence":"required","paymentTimePresence":"required","orderTitle":"order.orderDescription",
			"appIdPresence":"required","productCodePresence":"optional","refundApi":"refundApply","refundBy":"paymentIdOrPaymentRequestId","captures":"one",
			"partialRefunds":"one","amountValue":"stringOrInteger","notifications":{"authSuccess":false,"afterCapture":true}}`,
			func(t *testing.T, d dialect.Dialect) {
				assert.Equal(t, "/v2/payments/refundApply", d.PathFor(dialect.Refund))
				assert.False(t, d.CarriesPartnerID())
				assert.True(t, d.NotifiesWithPaymentResult())
				assert.True(t, d.RequiresPaymentCreateTime())
				assert.Equal(t, dialect.Required, d.PaymentTimeOnSuccess())
				assert.True(t, d.TitleInOrderDescription())
				assert.True(t, d.RequiresAppID())
				assert.False(t, d.RequiresProductCode())
				assert.True(t, d.RefundAcceptsPaymentRequestID())
				assert.False(t, d.AllowsSecondCapture())
				assert.False(t, d.AllowsSecondPartialRefund())
				assert.True(t, d.AcceptsIntegerAmount())
				assert.True(t, d.NotifiesAfterCapture())
				assert.True(t, d.NotifiesFailAtDeadline())
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := dialect.Build(tc.preset, []byte(tc.overrides))
			require.NoError(t, err)
			assert.Equal(t, tc.preset, d.Preset)
			tc.check(t, d)
		})
	}
}

// TestBuildRefusals: each message is what --dialect or profile parsing prints before it
// exits 2, so it names the preset, the switch or the value, and what would have been right.
func TestBuildRefusals(t *testing.T) {
	allSwitches := "pathVersion, basePath, partnerIdPresence, notifyOutcome, paymentCreateTimePresence, paymentTimePresence, orderTitle, appIdPresence, " +
		"productCodePresence, productCodes, refundApi, refundBy, captures, partialRefunds, amountValue, signatureAlgorithms, notifications"
	for _, tc := range []struct {
		name, preset, overrides, msg string
	}{
		{"unknown preset", "v1-gcash", `{}`, `dialect "v1-gcash" is not a preset; the presets are kit, v1-alipay, v1-tng, v1-qi, v2`},
		{"not an object", "kit", `["v2"]`, `dialect overrides: want a JSON object of switches, got ["v2"]`},
		{"unknown switch", "kit", `{"partnerIDPresence":"absent"}`, `dialect: unknown switch "partnerIDPresence"; the switches are ` + allSwitches},
		{"a value is not a switch", "v1-alipay", `{"partnerId":"2188000000000001"}`, `dialect: unknown switch "partnerId"`},
		{"bad value", "kit", `{"partnerIdPresence":"never"}`, `dialect switch partnerIdPresence: "never" is not one of "required", "optional", "absent"`},
		{"value of the wrong type", "kit", `{"captures":2}`, `dialect switch captures: want one of "one", "several", "oneOrSeveral", got 2`},
		{"value another switch takes", "kit", `{"appIdPresence":"absent"}`, `dialect switch appIdPresence: "absent" is not one of "required", "optional"`},
		{"version", "kit", `{"pathVersion":"v3"}`, `dialect switch pathVersion: "v3" is not one of "v1", "v2"`},
		{"basePath without slash", "kit", `{"basePath":"api"}`, `dialect switch basePath: "api" is not a path prefix`},
		{"basePath with a space", "kit", `{"basePath":"/a b"}`, `dialect switch basePath: "/a b" is not a path prefix`},
		{"basePath with a query", "kit", `{"basePath":"/api?x=1"}`, `dialect switch basePath: "/api?x=1" is not a path prefix`},
		{"basePath with an empty segment", "kit", `{"basePath":"/api//v"}`, `dialect switch basePath: "/api//v" is not a path prefix`},
		{"basePath as number", "kit", `{"basePath":1}`, `dialect switch basePath: want a string, got 1`},
		{"unknown product code field", "kit", `{"productCodes":{"general":"A","preauth":"B"}}`, `dialect switch productCodes: unknown field "preauth"`},
		{"product codes not an object", "kit", `{"productCodes":"A"}`, `dialect switch productCodes: want a JSON object, got "A"`},
		{"required code missing", "kit", `{"productCodes":{"general":""}}`, `dialect: productCodePresence is required but productCodes.general is empty`},
		{"unknown notification", "kit", `{"notifications":{"capture":true}}`, `dialect switch notifications: unknown field "capture"`},
		{"notification not a bool", "kit", `{"notifications":{"authSuccess":"yes"}}`, `dialect switch notifications: cannot unmarshal`},
		{"unknown algorithm", "kit", `{"signatureAlgorithms":["RSA256","RSA2"]}`, `dialect switch signatureAlgorithms: "RSA2" is not one of "RSA256", "ECC224"`},
		{"no algorithm", "kit", `{"signatureAlgorithms":[]}`, `dialect switch signatureAlgorithms: empty`},
		{"algorithm twice", "kit", `{"signatureAlgorithms":["RSA256","rsa256"]}`, `dialect switch signatureAlgorithms: "RSA256" twice`},
		{"AUTH_SUCCESS in paymentResult", "v2", `{"notifications":{"authSuccess":true}}`, `dialect: notifications.authSuccess needs notifyOutcome paymentStatus`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := dialect.Build(tc.preset, []byte(tc.overrides))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}

// TestOverrideLeavesTheValueOnError: a refused override changes nothing, even when an
// earlier switch of the same object was fine.
func TestOverrideLeavesTheValueOnError(t *testing.T) {
	d := dialect.MustLookup("kit")
	err := d.Override([]byte(`{"appIdPresence":"required","partnerIdPresence":"never"}`))
	require.Error(t, err)
	assert.Equal(t, dialect.MustLookup("kit"), d)
}

// TestOverrideErrorsAreStable: with several bad switches, the first in name order is named,
// on every run (Go's map order would otherwise pick one at random).
func TestOverrideErrorsAreStable(t *testing.T) {
	for range 20 {
		_, err := dialect.Build("kit", []byte(`{"zeta":1,"captures":"x","alpha":2}`))
		require.Error(t, err)
		assert.Contains(t, err.Error(), `unknown switch "alpha"`)
	}
}

func TestSet(t *testing.T) {
	d := dialect.MustLookup("v1-alipay")
	require.NoError(t, d.Set("basePath=/api"))
	require.NoError(t, d.Set("partnerIdPresence=absent"))
	require.NoError(t, d.Set(`productCodes={"general":"G"}`))
	require.NoError(t, d.Set(`signatureAlgorithms=["RSA256","ECC224"]`))
	assert.Equal(t, "/api/v1/payments/pay", d.PathFor(dialect.Pay))
	assert.False(t, d.CarriesPartnerID())
	assert.Equal(t, "G", d.ProductCodeFor(false))
	assert.True(t, d.AcceptsAlgorithm("ECC224"))

	err := d.Set("partnerIdPresence")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `dialect switch "partnerIdPresence": want name=value`)
	err = d.Set("captures=two")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"two" is not one of "one", "several", "oneOrSeveral"`)
}

// TestSwitchNamesAreTheJSONNames: a Dialect marshals under exactly the switch names, so a
// profile can embed the switches and a report can print them.
func TestSwitchNamesAreTheJSONNames(t *testing.T) {
	b, err := json.Marshal(dialect.MustLookup("v2"))
	require.NoError(t, err)
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &m))
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	want := dialect.Switches()
	sort.Strings(want)
	assert.Equal(t, want, keys)

	// What a dialect marshals to, applied as overrides to another preset, gives it back.
	back, err := dialect.Build("kit", b)
	require.NoError(t, err)
	back.Preset = "v2"
	assert.Equal(t, dialect.MustLookup("v2"), back)
}

// TestPackageCommentNamesEverySwitch: the package comment is where the override names are
// documented; a switch added to the table must be added there.
func TestPackageCommentNamesEverySwitch(t *testing.T) {
	src, err := os.ReadFile("dialect.go")
	require.NoError(t, err)
	doc, _, ok := strings.Cut(string(src), "package dialect")
	require.True(t, ok)
	for _, name := range dialect.Switches() {
		documented := strings.Contains(doc, "//\t"+name+" ") || strings.Contains(doc, "//\t"+name+"\n")
		assert.True(t, documented, "the package comment does not document %s", name)
	}
}
