package profile

import (
	"testing"
	"time"

	"github.com/cucumber/godog"
	messages "github.com/cucumber/messages/go/v21"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/fixtures/profiles"
	"github.com/tradepaykit/tradepaykit/internal/signing"
)

func scenario(tags []string, steps ...string) *godog.Scenario {
	s := &godog.Scenario{Name: "s"}
	for _, t := range tags {
		s.Tags = append(s.Tags, &messages.PickleTag{Name: t})
	}
	for _, st := range steps {
		s.Steps = append(s.Steps, &messages.PickleStep{Text: st})
	}
	return s
}

func TestEmptyProfileSupportsTheProtocol(t *testing.T) {
	p, err := Parse([]byte(`{}`))
	require.NoError(t, err)
	for _, f := range AllFlows {
		assert.True(t, p.SupportsFlow(f), f)
	}
	assert.True(t, p.SupportsPreAuth())
	assert.True(t, p.SupportsRefunds())
	assert.Equal(t, signing.Style{}, p.Style())
	assert.Equal(t, fixtures.DefaultWalletProfile().NotifyRetrySchedule, p.Wallet().NotifyRetrySchedule)
	assert.Equal(t, "~@clock && ~@reference-merchant && ~@wallet-mock", p.Exclusions(), "no test extension unless declared")
	assert.Empty(t, p.Skip(scenario([]string{"@wallet", "@flow-orderStr"}, "the merchant has created an order for \"1.00 USD\" paid by orderStr")))
	assert.Equal(t, "the wallet offers no clock control", p.Skip(scenario([]string{"@clock"})))
}

func TestSamplesParse(t *testing.T) {
	entries, err := profiles.FS.ReadDir(".")
	require.NoError(t, err)
	require.NotEmpty(t, entries)
	for _, e := range entries {
		b, err := profiles.FS.ReadFile(e.Name())
		require.NoError(t, err)
		_, err = Parse(b)
		assert.NoError(t, err, e.Name())
	}
}

// TestMerchantBare: the profile the kit's own tests verify merchants under runs every flow
// and declares none of the kit's extensions.
func TestMerchantBare(t *testing.T) {
	b, err := profiles.FS.ReadFile("merchant-bare.json")
	require.NoError(t, err)
	p, err := Parse(b)
	require.NoError(t, err)
	assert.Equal(t, "merchant", p.Side)
	assert.Equal(t, Capabilities{}, p.Capabilities)
	assert.Empty(t, p.Flows, "every flow")
	assert.True(t, p.SupportsPreAuth())
	assert.True(t, p.SupportsRefunds())
}

func TestWalletSample(t *testing.T) {
	b, err := profiles.FS.ReadFile("wallet-sample.json")
	require.NoError(t, err)
	p, err := Parse(b)
	require.NoError(t, err)
	w := p.Wallet()
	assert.Equal(t, "/api/open", w.BasePath)
	assert.Equal(t, 168*time.Hour, w.AuthorizationValidity)
	assert.Equal(t, []time.Duration{0, 2 * time.Minute, 10 * time.Minute, 10 * time.Minute, time.Hour, 2 * time.Hour, 6 * time.Hour, 15 * time.Hour}, w.NotifyRetrySchedule)
	assert.Equal(t, "wallet", p.Side)
}

// TestDeclarations: where published wallets differ, a profile declares what the wallet does;
// a field left out declares nothing, and a value the kit does not know is refused with the
// field's name.
func TestDeclarations(t *testing.T) {
	p, err := Parse([]byte(`{"notifications": {"authSuccess": false, "failAtDeadline": true}, "captures": "one", "partialRefunds": "several", "signatureAlgorithms": ["RSA256", "ECC224"]}`))
	require.NoError(t, err)
	w := p.Wallet()
	require.NotNil(t, w.Notifications.AuthSuccess)
	assert.False(t, *w.Notifications.AuthSuccess)
	require.NotNil(t, w.Notifications.FailAtDeadline)
	assert.True(t, *w.Notifications.FailAtDeadline)
	assert.Nil(t, w.Notifications.AfterCapture, "afterCapture is not declared")
	assert.Equal(t, "one", w.Captures)
	assert.Equal(t, "several", w.PartialRefunds)
	assert.Equal(t, []string{"RSA256", "ECC224"}, p.Algorithms())

	either, err := Parse([]byte(`{"captures": "oneOrSeveral", "partialRefunds": "oneOrSeveral"}`))
	require.NoError(t, err)
	assert.Equal(t, "oneOrSeveral", either.Wallet().Captures)

	bare, err := Parse([]byte(`{}`))
	require.NoError(t, err)
	assert.Equal(t, fixtures.Notifications{}, bare.Wallet().Notifications, "nothing declared")
	assert.Empty(t, bare.Wallet().Captures)
	assert.Equal(t, []string{"RSA256"}, bare.Algorithms())

	mock, err := profiles.FS.ReadFile("wallet-mock.json")
	require.NoError(t, err)
	p, err = Parse(mock)
	require.NoError(t, err)
	assert.Equal(t, fixtures.DefaultWalletProfile().WithKitDeclarations().Notifications, p.Wallet().Notifications, "the mock's profile declares the mock's choices")
	assert.Equal(t, "several", p.Wallet().Captures)

	for _, c := range []struct{ json, want string }{
		{`{"captures": "two"}`, `captures "two": want "one", "several" or "oneOrSeveral"`},
		{`{"partialRefunds": "many"}`, `partialRefunds "many": want "one", "several" or "oneOrSeveral"`},
		{`{"signatureAlgorithms": ["RSA256", "HS256"]}`, `signatureAlgorithms[1] "HS256": want "RSA256" or "ECC224"`},
		{`{"signatureAlgorithms": ["ECC224"]}`, `RSA256 is required`},
		{`{"signatureAlgorithms": ["RSA256", "RSA256"]}`, `"RSA256" twice`},
		{`{"notifications": {"authSucces": true}}`, `unknown field "authSucces"`},
		{`{"notifications": {"authSuccess": "yes"}}`, `authSuccess`},
	} {
		_, err := Parse([]byte(c.json))
		require.Error(t, err, c.json)
		assert.Contains(t, err.Error(), c.want, c.json)
	}
}

func TestSkipReasons(t *testing.T) {
	no := false
	p := Profile{Flows: []string{FlowTradeNO}, PreAuth: &no, Refunds: &no, Capabilities: Capabilities{Clock: true}}
	cases := []struct {
		tags  []string
		steps []string
		want  string
	}{
		{[]string{"@flow-orderStr"}, nil, "the target does not support the orderStr flow"},
		{[]string{"@flow-paymentUrl"}, nil, "the target does not support the paymentUrl flow"},
		{[]string{"@preauth"}, nil, "the target does not support pre-authorization"},
		{[]string{"@flow-preauth", "@flow-tradeNO"}, nil, "the target does not support pre-authorization"},
		{[]string{"@refunds", "@clock"}, nil, "the target does not support refunds"},
		{[]string{"@flow-orderStr", "@preauth", "@refunds"}, nil,
			"the target does not support the orderStr flow; the target does not support pre-authorization; the target does not support refunds"},
		// Tags alone decide: the steps package checks that a step's words match the tags.
		{[]string{"@flow-tradeNO"}, []string{`the merchant has created a pre-authorization for "1.00 USD" paid by orderStr`,
			`the merchant refunds "1.00 USD"`, "the payer opens the cashier page"}, ""},
		{[]string{"@wallet-mock", "@reference-merchant"}, nil, "the wallet offers no kit extensions (payment view, notification scripting, cashier page); the merchant offers no notifyFaults hook"},
		{[]string{"@flow-tradeNO", "@clock"}, []string{"2 days pass in the wallet"}, ""},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, p.Skip(scenario(c.tags, c.steps...)), "%v %v", c.tags, c.steps)
	}
	// Without clock control, a @clock scenario says so; the real-time stand-in of an
	// orderStr's pay_timeout gives its own reason at run time (steps).
	bare := Profile{}
	assert.Equal(t, "the wallet offers no clock control", bare.Skip(scenario([]string{"@clock", "@flow-orderStr"},
		`the kit has signed an orderStr for "1.00 USD" that expires in 15 minutes`, "16 minutes pass in the wallet")))
	assert.Equal(t, "~@flow-orderStr && ~@flow-paymentUrl && ~@flow-preauth && ~@preauth && ~@reference-merchant && ~@refunds && ~@wallet-mock", p.Exclusions())
	assert.Equal(t, "the target does not support pre-authorization", p.SkipInteraction("capture: without an amount", []string{"an authorization of 100.00 USD is granted"}))
	assert.Equal(t, "the target does not support refunds", p.SkipInteraction("inquiryRefund: a refund reported as SUCCESS", nil))
	assert.Empty(t, p.SkipInteraction("pay: a general payment is accepted", nil))
}

func TestParseRefuses(t *testing.T) {
	for _, bad := range []string{
		`{"flows": ["tradeNo"]}`,
		`{"flows": ["tradeNO", "tradeNO"]}`,
		`{"side": "both"}`,
		`{"basePath": "api"}`,
		`{"notifyRetrySchedule": ["0s", "0s"]}`,
		`{"notifyRetrySchedule": ["2 minutes"]}`,
		`{"notifyRetrySchedule": [120]}`,
		`{"authorizationValidity": "-1h"}`,
		`{"realTimeWaitLimit": "-1s"}`,
		`{"realTimeWaitLimit": "6m"}`,
		`{"realTimeWaitLimit": 90}`,
		`{"capabilities": {"clocks": true}}`,
		`{} {}`,
		`[]`,
	} {
		_, err := Parse([]byte(bad))
		assert.Error(t, err, bad)
	}
}

func TestRealTimeWaitLimitReachesTheSteps(t *testing.T) {
	p, err := Parse([]byte(`{"realTimeWaitLimit": "90s"}`))
	require.NoError(t, err)
	assert.Equal(t, 90*time.Second, p.Wallet().WaitLimit())
	p, err = Parse([]byte(`{}`))
	require.NoError(t, err)
	assert.Equal(t, 30*time.Second, p.Wallet().WaitLimit(), "the default")
}

func TestJSONRoundTrip(t *testing.T) {
	yes := true
	p := Profile{Name: "x", Flows: []string{FlowOrderStr}, PreAuth: &yes, NotifyRetrySchedule: []Duration{0, Duration(time.Minute)},
		Signature: Signature{RawBase64: true}, Capabilities: Capabilities{WalletMock: true}}
	q, err := Parse([]byte(p.JSON()))
	require.NoError(t, err, p.JSON())
	assert.Equal(t, p, q)
	assert.Equal(t, signing.Style{RawBase64: true}, q.Style())
}
