package steps

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cucumber/godog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/features"
	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/money"
)

// TestEveryStepIsDefined runs the embedded features with every scenario skipped: godog still
// matches each step, and strict mode fails on one that no definition matches or that two
// definitions match.
func TestEveryStepIsDefined(t *testing.T) {
	var out bytes.Buffer
	init := Initialize(Targets{
		WalletURL: "http://127.0.0.1:1", ControlURL: "http://127.0.0.1:1", MerchantURL: "http://127.0.0.1:1",
		ClientID: fixtures.ClientID, MerchantKey: fixtures.PrivateKey(fixtures.MerchantPrivateKey),
		WalletPublicKey: fixtures.PublicKey(fixtures.WalletPublicKey),
	})
	status := godog.TestSuite{
		Name: "defined",
		ScenarioInitializer: func(sc *godog.ScenarioContext) {
			init(sc)
			sc.Before(func(ctx context.Context, _ *godog.Scenario) (context.Context, error) {
				return ctx, godog.ErrSkip
			})
		},
		Options: &godog.Options{Format: "progress", FS: features.FS, Paths: []string{"."}, Strict: true, Output: &out, NoColors: true},
	}.Run()
	assert.Equal(t, 0, status, "undefined or ambiguous steps:\n%s", out.String())
	assert.NotContains(t, out.String(), "undefined")
}

func TestParseAmount(t *testing.T) {
	for in, want := range map[string]money.Amount{
		"10.00 USD": money.MustNew("USD", 1000),
		"1000 JPY":  money.MustNew("JPY", 1000),
		"1.500 KWD": money.MustNew("KWD", 1500),
		"0.02 CNY":  money.MustNew("CNY", 2),
	} {
		got, err := parseAmount(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"10.00", "USD 10.00", "10.001 USD", "1.5 JPY", "ten USD", "10.00 usd"} {
		_, err := parseAmount(in)
		assert.Error(t, err, in)
	}
}

func TestReversedJSONIsTheSameValue(t *testing.T) {
	in := []byte(`{"a":1,"b":{"c":"x"},"z":[1,2]}`)
	out, err := reversedJSON(in)
	require.NoError(t, err)
	assert.Equal(t, `{ "z": [1,2], "b": {"c":"x"}, "a": 1 }`, string(out))
	var x, y any
	require.NoError(t, json.Unmarshal(in, &x))
	require.NoError(t, json.Unmarshal(out, &y))
	assert.Equal(t, x, y)
}

func TestEventually(t *testing.T) {
	calls := 0
	ok, err := eventually(context.Background(), time.Second, func(context.Context) (bool, error) {
		calls++
		return calls == 3, nil
	})
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, 3, calls)

	start := time.Now()
	ok, err = eventually(context.Background(), 50*time.Millisecond, func(context.Context) (bool, error) { return false, nil })
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Less(t, time.Since(start), time.Second, "gives up at the deadline")

	ok, err = eventually(context.Background(), time.Second, func(context.Context) (bool, error) { return false, assert.AnError })
	assert.ErrorIs(t, err, assert.AnError)
	assert.False(t, ok)
}

// TestScenariosAreTaggedWithWhatTheyUse fails when a scenario's steps use a flow,
// pre-authorization or refunds and its tags (its own, its feature's or its Examples') do not
// say so: the runner skips a scenario the target cannot run by its tags alone
// (internal/profile), so a missing tag would run it against a target without the feature.
func TestScenariosAreTaggedWithWhatTheyUse(t *testing.T) {
	uses := []struct {
		words []string // lower case, as a step says them
		tags  []string // any one of them declares the need
	}{
		{[]string{"tradeno"}, []string{"@flow-tradeNO"}},
		{[]string{"orderstr"}, []string{"@flow-orderStr"}},
		{[]string{"cashier page", "payment url"}, []string{"@flow-paymentUrl"}},
		{[]string{"pre-authorization", "authoriz", "freeze", "captur"}, []string{"@preauth", "@flow-preauth"}},
		{[]string{"refund"}, []string{"@refunds"}},
	}
	scenarios := embeddedScenarios(t)
	require.Len(t, scenarios, 443, "every scenario of the embedded features")
	for _, s := range scenarios {
		has := map[string]bool{}
		for _, tag := range s.Tags {
			has[tag.Name] = true
		}
		for _, u := range uses {
			word := ""
			for _, st := range s.Steps {
				for _, w := range u.words {
					if word == "" && strings.Contains(strings.ToLower(st.Text), w) {
						word = st.Text
					}
				}
			}
			tagged := false
			for _, tag := range u.tags {
				tagged = tagged || has[tag]
			}
			assert.True(t, word == "" || tagged, "%s: %q: the step %q needs %s",
				s.Uri, s.Name, word, strings.Join(u.tags, " or "))
		}
	}
}

// extensionSteps are the steps that use a kit extension: required, or used when the target
// offers it and observed through the protocol otherwise (the wallet's payment view, in
// "the wallet holds ...", "the wallet shows ... refunded" and the notification counts).
var extensionSteps = []struct {
	tag      string
	required *regexp.Regexp // the step cannot run without the extension
	optional *regexp.Regexp // the step checks more with it; nil: none
}{
	{
		tag: TagWalletMock,
		required: regexp.MustCompile(`^the wallet (has finished every earlier notification schedule|makes no further notification attempt|` +
			`retries on its schedule |'s notification attempt|holds back the payment's notifications|delivers the held notifications|` +
			`notifies the merchant of the payment|sends the merchant a "|answers the next |will answer |'s next answer |` +
			`files the order's payment under)|^the merchant receives a "[^"]*" notification|` +
			`^the merchant has asked the wallet and got the scripted answer$`),
		optional: regexp.MustCompile(`^the wallet (holds "|shows "[^"]*" refunded$|has notified the merchant of "[^"]*" once$|has sent no notification$)`),
	},
	{tag: TagClock, required: regexp.MustCompile(` pass in the wallet$|^the wallet (retries on its schedule |makes no further notification attempt$|` +
		`has finished every earlier notification schedule$)`)},
}

// TestExtensionTagsAreUsed keeps the extension tags honest both ways (issue 16, "no blind
// spot on a bare target"): a scenario tagged with an extension has a step that uses it, or
// the tag would skip on a bare target a scenario the protocol alone can check; and a wallet
// scenario with a step that cannot run without an extension carries its tag.
func TestExtensionTagsAreUsed(t *testing.T) {
	for _, s := range embeddedScenarios(t) {
		has := map[string]bool{}
		for _, tag := range s.Tags {
			has[tag.Name] = true
		}
		for _, x := range extensionSteps {
			uses, needs := "", ""
			for _, st := range s.Steps {
				if x.required.MatchString(st.Text) {
					uses, needs = cmp.Or(uses, st.Text), cmp.Or(needs, st.Text)
				}
				if x.optional != nil && x.optional.MatchString(st.Text) {
					uses = cmp.Or(uses, st.Text)
				}
			}
			assert.True(t, !has[x.tag] || uses != "", "%s: %q is tagged %s but no step of it uses the extension: a bare target would skip it for nothing", s.Uri, s.Name, x.tag)
			assert.True(t, !has["@wallet"] || needs == "" || has[x.tag], "%s: %q: the step %q needs %s", s.Uri, s.Name, needs, x.tag)
		}
	}
}

// realTimeWaits are the steps that wait on the wall clock for the wallet: a deadline, the
// retry schedule or the authorization validity a profile declares, the wallet's notify
// timeout (a TIMEOUT answer), or a settle window for what must not come.
var realTimeWaits = regexp.MustCompile(`expires in \d+ seconds?|closes the payment at its deadline|` +
	`retr(ies|y) on its declared schedule|gives up after the last attempt of its declared schedule|` +
	`declared validity passes|receives no notification|notification once|has sent no notification|` +
	`notified the merchant of "[^"]*" once|notification of the payment, if the profile declares one|those the profile declares|answer the next notifications with "[^"]*TIMEOUT`)

// TestRealTimeScenariosAreTagged keeps @realtime honest both ways: the runner starts the
// features that hold such scenarios first (their waits are the longest), so a scenario that
// waits on the wall clock must carry it, and one that carries it must wait.
func TestRealTimeScenariosAreTagged(t *testing.T) {
	for _, s := range embeddedScenarios(t) {
		waits := ""
		for _, st := range s.Steps {
			if waits == "" && realTimeWaits.MatchString(st.Text) {
				waits = st.Text
			}
		}
		tagged := false
		for _, tag := range s.Tags {
			tagged = tagged || tag.Name == TagRealTime
		}
		assert.True(t, waits == "" || tagged, "%s: %q: the step %q waits in real time: tag the scenario %s", s.Uri, s.Name, waits, TagRealTime)
		assert.True(t, waits != "" || !tagged, "%s: %q is tagged %s but no step of it waits in real time", s.Uri, s.Name, TagRealTime)
	}
}

// embeddedScenarios returns every scenario of the embedded features as the runner sees it:
// one per Examples row, with the tags of its feature, its rule, itself and its Examples.
func embeddedScenarios(t *testing.T) []*godog.Scenario {
	t.Helper()
	var out []*godog.Scenario
	var log bytes.Buffer
	godog.TestSuite{
		Name: "tags",
		ScenarioInitializer: func(sc *godog.ScenarioContext) {
			sc.Before(func(ctx context.Context, s *godog.Scenario) (context.Context, error) {
				out = append(out, s)
				return ctx, godog.ErrSkip
			})
		},
		Options: &godog.Options{Format: "progress", FS: features.FS, Paths: []string{"."}, Output: &log, NoColors: true},
	}.Run()
	require.NotEmpty(t, out, "no scenario read:\n%s", log.String())
	return out
}

// TestShowsPayee: a cashier page shows the payee by the merchant's client id or a line that
// says who is paid (REQ-GEN-019, seed 003); a page with only the title and amount does not.
func TestShowsPayee(t *testing.T) {
	assert.True(t, showsPayee(`<p>Pay to <b>Coffee Ltd</b></p>`, fixtures.ClientID))
	assert.True(t, showsPayee(`<p>Merchant `+fixtures.ClientID+`</p>`, fixtures.ClientID))
	assert.True(t, showsPayee(`<dt>收款方</dt><dd>咖啡店</dd>`, fixtures.ClientID))
	assert.False(t, showsPayee(`<h1>tradepaykit conformance order</h1><p>12.34 USD</p>`, fixtures.ClientID))
}
