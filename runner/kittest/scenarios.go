package kittest

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cucumber/godog"

	"github.com/tradepaykit/tradepaykit/features"
	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/clock"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/merchant"
	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/preflight"
	"github.com/tradepaykit/tradepaykit/internal/profile"
	"github.com/tradepaykit/tradepaykit/internal/report"
	"github.com/tradepaykit/tradepaykit/internal/selection"
	"github.com/tradepaykit/tradepaykit/internal/target"
	"github.com/tradepaykit/tradepaykit/steps"
)

// Run says which scenarios run and how; the zero Run runs every scenario the target's
// profile allows, in a random order that is logged.
type Run struct {
	// Tags narrows the scenarios by a godog tag expression: "@REQ-GEN-001", "@a,@b" (either),
	// "@flow-tradeNO && ~@preauth"; `go test -run` picks among what is left. A run whose tags
	// match no scenario fails.
	Tags string
	// Seed replays an order (logged by every run); zero means a new random one.
	Seed int64
	// Concurrency is how many scenarios run at once before the @clock ones, which always run
	// one at a time; zero means twice the CPUs, at least 8.
	Concurrency int
	// Wait bounds how long a step waits for an outcome (a notification, an order settling);
	// zero means 20 seconds.
	Wait time.Duration
}

// Merchant is a merchant under test: its test adapter (runner/README.md, "Test hooks a target
// exposes"), configured to call the Wallet given to RunMerchant.
type Merchant struct {
	// URL is the root of the merchant's test adapter (POST {URL}/conformance/orders ...).
	URL string
	// Profile is the merchant's target profile: "kit:NAME" or a JSON file saying which flows,
	// pre-authorization and refunds it supports; empty means all of them.
	Profile string
	Run
}

// RunMerchant runs every @merchant scenario against the merchant, with w as its wallet: one
// subtest of t per scenario, named after it. The merchant must already call w (OpenAPIURL),
// verify it with w.PublicKey(), sign with the key w was started with, and give a notify URL;
// RunMerchant checks that first and fails t at once, with the likely cause, when it does not
// hold. Scenarios the merchant's profile rules out do not run (the closing summary names
// them); @clock scenarios may start w afresh (no payments, business time back to real time)
// so that the merchant's real clock and the wallet's agree.
func RunMerchant(t *testing.T, w *Wallet, m Merchant) {
	t.Helper()
	prof, err := loadProfile(m.Profile)
	if err != nil {
		t.Fatalf("kittest.RunMerchant: %v", err)
	}
	if m.URL == "" {
		t.Fatal("kittest.RunMerchant: Merchant.URL is empty")
	}
	if prof.Side == "wallet" {
		t.Fatalf("kittest.RunMerchant: profile %s describes a wallet", m.Profile)
	}
	if prof.Preset != "" && prof.Preset != w.dialect.Preset {
		t.Fatalf("kittest.RunMerchant: profile %s names the dialect %s, but the wallet speaks %s (set Options.Dialect)", m.Profile, prof.Preset, w.dialect.Label())
	}
	prof.Preset = w.dialect.Preset
	hc := &http.Client{Timeout: 30 * time.Second}
	t.Cleanup(hc.CloseIdleConnections)
	w.mu.Lock()
	reg := w.merchant
	w.mu.Unlock()
	if err := probeMerchant(t.Context(), hc, strings.TrimRight(m.URL, "/"), w.URL(), prof, reg.NotifyURL); err != nil {
		// One message instead of every scenario failing for the same reason.
		t.Fatalf("kittest.RunMerchant: before the scenarios: %v", err)
	}
	// The kit's wallet brings the clock control and the kit's extensions.
	prof.Capabilities.Clock, prof.Capabilities.WalletMock = true, true
	judged := w.prof.JudgedDialectOr(w.dialect)
	run(t, "@merchant", prof, judged, m.Run, w.wallet.RenewIfAhead, steps.Targets{
		Dialect: judged, PartnerID: w.prof.PartnerIDValue(),
		HTTPClient: hc, WalletURL: w.OpenAPIURL(), ControlURL: w.URL(), MerchantURL: strings.TrimRight(m.URL, "/"),
		ClientID: reg.ClientID, AppID: reg.AppID,
		MerchantKey: fixtures.PrivateKey(fixtures.MerchantPrivateKey), MerchantPublicKey: reg.PublicKey,
		WalletPublicKey: w.PublicKey(), WalletKey: w.key, Profile: w.prof.Wallet(),
		Capabilities: steps.Capabilities{Clock: true, WalletMock: true, ReferenceMerchant: prof.Capabilities.ReferenceMerchant},
		Wait:         m.Wait,
	})
}

// probeTime bounds the checks before a merchant's scenarios: a shop with a wrong URL, no
// notify URL or the wrong keys fails within it, with one message naming the likely cause.
const probeTime = 4 * time.Second

// probeMerchant runs the checks of verify-merchant (internal/preflight) on the shop: its test
// adapter answers; an order it creates goes through the wallet (its signatures verify both
// ways); it gives a notify URL, and something answers there.
func probeMerchant(ctx context.Context, hc *http.Client, adapter, control string, prof profile.Profile, registered string) error {
	ctx, cancel := context.WithTimeout(ctx, probeTime)
	defer cancel()
	if err := preflight.Hook(ctx, hc, "shop's test adapter", "kittest.Merchant.URL", adapter+"/conformance/orders",
		"that the shop's server runs and that Merchant.URL is the root of its test adapter (docs/hooks.md)"); err != nil {
		return err
	}
	learnt, err := preflight.NotifyURL(ctx, hc, adapter, control, prof, "")
	switch {
	case errors.Is(err, preflight.ErrNoNotifyURL):
		if registered == "" {
			return fmt.Errorf("the shop gives no notify URL (%v), so no payment would ever be notified to it\n"+
				"  check: pass the shop's notify URL to Wallet.SetNotifyURL or Options.NotifyURL, or send paymentNotifyUrl in its pay requests (notify_url in its orderStrs)", err)
		}
	case err != nil:
		return fmt.Errorf("the shop could not create an order to pay: %v\n"+
			"  check: what the wallet answered, if anything, above; that the shop calls the wallet at Wallet.OpenAPIURL(), signs as Wallet.ClientID() with the private key whose public half the wallet has "+
			"(Options.MerchantPublicKey; by default the kit's merchant test key, fixtures/keys/merchant-private.pem), and verifies the wallet's answers with Wallet.PublicKey()", err)
	}
	if prof.SupportsFlow(profile.FlowOrderStr) {
		// The wallet accepts the kit's own merchant key for pay requests (it plays the
		// merchant too), so only an orderStr shows whether the shop signs with the key the
		// wallet has. Cancelling on the payment page changes nothing.
		if err := probeOrderStr(ctx, hc, adapter, control); err != nil {
			return fmt.Errorf("%v\n"+
				"  check: that the shop signs as Wallet.ClientID() and Wallet.AppID() with the private key whose public half the wallet has "+
				"(Options.MerchantPublicKey; by default the kit's merchant test key, fixtures/keys/merchant-private.pem)", err)
		}
	}
	notify := cmp.Or(learnt, registered)
	if err := preflight.Answers(ctx, hc, notify); err != nil {
		return fmt.Errorf("%v\n  check: that the shop's notify endpoint listens at the URL it gives (paymentNotifyUrl, notify_url, or Wallet.SetNotifyURL)", err)
	}
	return nil
}

// probeOrderStr has the shop create an orderStr order and the payer cancel it on the wallet's
// payment page: the wallet answers 6001 once it has verified the orderStr, 4000 when it
// refuses it.
func probeOrderStr(ctx context.Context, hc *http.Client, adapter, control string) error {
	shop, err := target.NewMerchant(target.Config{BaseURL: adapter, HTTPClient: hc})
	if err != nil {
		return err
	}
	wallet, err := target.NewWalletControl(target.Config{BaseURL: control, HTTPClient: hc})
	if err != nil {
		return err
	}
	o, err := shop.CreateOrder(ctx, target.NewOrder{Flow: target.FlowOrderStr, Type: target.General, Amount: money.MustNew("USD", 100), Title: "orderStr probe"})
	if err != nil {
		return fmt.Errorf("the shop could not create an orderStr order: %w", err)
	}
	code, err := wallet.TradePay(ctx, target.Token{OrderStr: o.OrderStr}, target.Action(Cancel), "")
	if err != nil {
		return fmt.Errorf("my.tradePay with the shop's orderStr: %w", err)
	}
	if code != "6001" {
		return fmt.Errorf("the wallet refuses the shop's orderStr: the payer cancelling gets %s, not 6001 (its signature or app_id does not verify)", code)
	}
	return nil
}

// WalletUnderTest is a wallet under test: its signed OpenAPI and its test control.
type WalletUnderTest struct {
	// URL is the base of the wallet's OpenAPI, with any path prefix.
	URL string
	// ControlURL is the root of its test control (POST {ControlURL}/conformance/tradePay);
	// empty means URL without the profile's basePath.
	ControlURL string
	// PublicKey verifies the wallet's answers and notifications (required).
	PublicKey *rsa.PublicKey
	// ClientID and AppID are what the wallet knows the kit's merchant by; empty means the
	// kit's test client id and DefaultAppID.
	ClientID, AppID string
	// MerchantKey signs what the kit sends as the merchant; nil means the kit's merchant test
	// key, whose public half (fixtures/keys/merchant-public.pem) the wallet must know.
	MerchantKey *rsa.PrivateKey
	// Profile is the wallet's target profile: "kit:NAME" or a JSON file (flows, product codes,
	// base path, signature variant, capabilities, dialect); empty means the whole protocol and
	// none of the kit's extensions.
	Profile string
	// Dialect is the preset of the OpenAPI's shape the wallet speaks (docs/dialects.md); it
	// replaces the profile's "dialect"; empty means the profile's, or "kit".
	Dialect string
	Run

	// profile, when set, is the profile itself (Wallet.Target).
	profile *profile.Profile
}

// Target is the wallet mock itself as a wallet under test, with its capabilities (clock
// control, payment view, notification scripting): RunWallet(t, w.Target()) checks the kit's
// own wallet, as the kit's CI does.
func (w *Wallet) Target() WalletUnderTest {
	p := w.prof
	p.Side = "wallet"
	p.Capabilities.Clock, p.Capabilities.WalletMock = true, true
	return WalletUnderTest{URL: w.OpenAPIURL(), ControlURL: w.URL(), PublicKey: w.PublicKey(), ClientID: w.ClientID(), AppID: w.AppID(), Dialect: w.dialect.Preset, profile: &p}
}

// RunWallet runs every @wallet scenario against the wallet: one subtest of t per scenario,
// named after it. The kit plays the merchant with its reference merchant, started in process
// on a loopback port (notifications go there), and the payer through the test control. It
// first checks, as verify-wallet does, that the OpenAPI and the test control answer, and
// fails t at once when one does not.
func RunWallet(t *testing.T, wu WalletUnderTest) {
	t.Helper()
	var prof profile.Profile
	if wu.profile != nil {
		prof = *wu.profile
	} else {
		var err error
		if prof, err = loadProfile(wu.Profile); err != nil {
			t.Fatalf("kittest.RunWallet: %v", err)
		}
	}
	if prof.Side == "merchant" {
		t.Fatalf("kittest.RunWallet: profile %s describes a merchant", wu.Profile)
	}
	prof, d, err := withDialect(prof, wu.Profile, wu.Dialect)
	if err != nil {
		t.Fatalf("kittest.RunWallet: %v", err)
	}
	if wu.URL == "" || wu.PublicKey == nil {
		t.Fatal("kittest.RunWallet: WalletUnderTest.URL and PublicKey are required")
	}
	wp := prof.Wallet()
	base := strings.TrimRight(wu.URL, "/")
	if bp := strings.TrimRight(wp.BasePath, "/"); bp != "" && !strings.HasSuffix(base, bp) {
		base += bp
	}
	control := strings.TrimRight(wu.ControlURL, "/")
	if control == "" {
		control = strings.TrimSuffix(base, strings.TrimRight(wp.BasePath, "/"))
	}
	if wu.ClientID == "" {
		wu.ClientID = fixtures.ClientID
	}
	if wu.AppID == "" {
		wu.AppID = DefaultAppID
	}
	if wu.MerchantKey == nil {
		wu.MerchantKey = fixtures.PrivateKey(fixtures.MerchantPrivateKey)
	}

	probeHC := &http.Client{Timeout: probeTime}
	defer probeHC.CloseIdleConnections()
	for _, h := range []struct{ what, setting, url, check string }{
		{"wallet OpenAPI", "WalletUnderTest.URL", base + "/" + d.PathVersion + "/payments/" + d.APIName(dialect.InquiryPayment),
			"that the wallet sandbox runs and that WalletUnderTest.URL (with its path prefix, or the profile's basePath) is its OpenAPI base"},
		{"wallet test control", "WalletUnderTest.ControlURL", control + "/conformance/tradePay",
			"that the wallet exposes the test control (docs/hooks.md) and that WalletUnderTest.ControlURL is its root"},
	} {
		if err := preflight.Hook(t.Context(), probeHC, h.what, h.setting, h.url, h.check); err != nil {
			t.Fatalf("kittest.RunWallet: before the scenarios: %v", err)
		}
	}

	// The merchant's business time follows the wallet's, as in verify-wallet.
	business := clock.NewVirtual()
	follower := target.NewClockFollower(business, nil)
	hc := &http.Client{Timeout: 30 * time.Second, Transport: follower}
	t.Cleanup(hc.CloseIdleConnections)
	if prof.Capabilities.Clock {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := follower.Sync(ctx, hc, control); err != nil {
			t.Fatalf("kittest.RunWallet: reading the wallet's clock (the profile declares clock control): %v", err)
		}
	}
	mhc := &http.Client{Timeout: 30 * time.Second}
	ref, err := merchant.NewServer(merchant.Config{
		WalletURL: base, ClientID: wu.ClientID, PrivateKey: wu.MerchantKey, WalletPublicKey: wu.PublicKey,
		AppID: wu.AppID, Profile: wp, Clock: business, HTTPClient: mhc, SignatureStyle: prof.Style(),
		Dialect: d, PartnerID: prof.PartnerIDValue(),
	})
	if err != nil {
		t.Fatalf("kittest.RunWallet: the reference merchant: %v", err)
	}
	if err := ref.Start("127.0.0.1:0"); err != nil {
		t.Fatalf("kittest.RunWallet: the reference merchant: %v", err)
	}
	t.Cleanup(func() {
		_ = ref.Close()
		mhc.CloseIdleConnections()
	})
	prof.Capabilities.ReferenceMerchant = true
	judged := prof.JudgedDialectOr(d)
	run(t, "@wallet", prof, judged, wu.Run, nil, steps.Targets{
		Dialect: judged, PartnerID: prof.PartnerIDValue(),
		HTTPClient: hc, WalletURL: base, ControlURL: control, MerchantURL: ref.URL(),
		ClientID: wu.ClientID, AppID: wu.AppID, MerchantKey: wu.MerchantKey, WalletPublicKey: wu.PublicKey,
		Profile: wp, SignatureStyle: prof.Style(), Wait: wu.Wait,
		Capabilities: steps.Capabilities{Clock: prof.Capabilities.Clock, WalletMock: prof.Capabilities.WalletMock, ReferenceMerchant: true},
		NotifyURL:    ref.NotifyURL(),
	})
}

// run runs the side's scenarios in the runner's passes (internal/selection), each scenario a
// subtest of t, and closes with a summary in t's log: the failures by requirement, the
// scenarios the profile rules out (left out of the passes' tags, so they make no subtest),
// the SHOULD warnings and the MUST requirements checked.
func run(t *testing.T, side string, prof profile.Profile, d dialect.Dialect, r Run, beforeClock func() error, targets steps.Targets) {
	t.Helper()
	seed := r.Seed
	if seed == 0 {
		n, err := rand.Int(rand.Reader, big.NewInt(1<<62))
		if err != nil {
			t.Fatalf("kittest: a random seed: %v", err)
		}
		seed = n.Int64() + 1
	}
	t.Logf("kittest: %s scenarios, dialect %s, order seed %d (replay with kittest.Run{Seed: %d})", side, d.Label(), seed, seed)
	requirements := report.ParseRequirements(features.README)
	targets.QuietChecks, targets.Requirements = true, requirements
	res := &results{}
	tags := strings.TrimSpace(r.Tags)
	if ex := prof.Exclusions(); ex != "" {
		res.ruledOut = ruledOut(side, tags, ex, prof)
		tags = strings.Join(nonEmpty(tags, ex), " && ")
	}
	initialize := steps.Initialize(targets)
	var selected atomic.Int64 // scenarios the tags select; go test -run may still leave them out
	for _, p := range selection.Passes(side, tags, r.Concurrency) {
		status := godog.TestSuite{
			Name: "tradepaykit " + p.Name,
			ScenarioInitializer: func(sc *godog.ScenarioContext) {
				selected.Add(1)
				initialize(sc)
				// After the steps' own hook: the step's error is complete.
				sc.StepContext().After(func(ctx context.Context, st *godog.Step, status godog.StepResultStatus, err error) (context.Context, error) {
					// A failed check that let its step go on fails it in the steps' hook: the
					// status says passed, the error says otherwise.
					if (err != nil && !errors.Is(err, godog.ErrSkip)) || status == godog.StepUndefined {
						if o, ok := ctx.Value(outcomeKey{}).(*outcome); ok && o.step == "" {
							o.step = st.Text
						}
					}
					return ctx, nil
				})
				sc.Before(func(ctx context.Context, sn *godog.Scenario) (context.Context, error) {
					ctx = context.WithValue(ctx, outcomeKey{}, &outcome{})
					if reason := prof.Skip(sn); reason != "" {
						return ctx, fmt.Errorf("%w: %s", godog.ErrSkip, reason)
					}
					if p.Serial && beforeClock != nil && steps.Skipped(ctx) == "" {
						if err := beforeClock(); err != nil {
							return ctx, fmt.Errorf("preparing the wallet for a @clock scenario: %w", err)
						}
					}
					return ctx, nil
				})
				sc.After(func(ctx context.Context, sn *godog.Scenario, err error) (context.Context, error) {
					res.add(ctx, sn, err)
					return ctx, nil
				})
			},
			Options: &godog.Options{
				Format:         "progress",
				Output:         io.Discard,
				FS:             features.FS,
				Paths:          []string{"."},
				Tags:           p.Tags,
				Strict:         true,
				Randomize:      seed,
				Concurrency:    p.Concurrency,
				TestingT:       t,
				DefaultContext: t.Context(),
			},
		}.Run()
		if status != 0 && !t.Failed() {
			// godog failed without a scenario failing: a feature that does not parse.
			t.Errorf("kittest: godog exited with status %d in pass %q", status, p.Name)
		}
	}
	if selected.Load() == 0 {
		// A run that checked nothing must not pass for a conformant one.
		t.Errorf("kittest: no %s scenario matches the tags %q", side, tags)
	}
	t.Log(res.summary(requirements))
}

// outcomeKey holds a scenario's *outcome while it runs.
type outcomeKey struct{}

// outcome is what the hooks learn about a scenario before it ends.
type outcome struct {
	step string // the failed step's text
}

// results collects the scenarios of a run as they end, for the closing summary.
type results struct {
	mu        sync.Mutex
	scenarios []report.Scenario
	names     []string // subtest names, as scenarios
	ruledOut  []report.Scenario
}

// add records a finished scenario, and logs its SHOULD warnings in its subtest.
func (r *results) add(ctx context.Context, sn *godog.Scenario, err error) {
	sc := report.Scenario{Name: sn.Name, Feature: sn.Uri, Requirements: requirementsOf(sn), Warnings: steps.Warnings(ctx)}
	switch {
	case steps.Skipped(ctx) != "":
		sc.Status, sc.Reason = report.Skipped, steps.Skipped(ctx)
	case errors.Is(err, godog.ErrSkip):
		// godog wraps it: "before scenario hook failed: skipped: why".
		reason := err.Error()
		if i := strings.LastIndex(reason, godog.ErrSkip.Error()+": "); i >= 0 {
			reason = reason[i+len(godog.ErrSkip.Error()+": "):]
		}
		sc.Status, sc.Reason = report.Skipped, reason
	case err != nil:
		sc.Status = report.Failed
		if o, ok := ctx.Value(outcomeKey{}).(*outcome); ok {
			sc.FailedStep = o.step
		}
	default:
		sc.Status = report.Passed
	}
	name := sn.Name
	if t := godog.T(ctx); t != nil {
		name = t.Name()
		for i, w := range sc.Warnings {
			sc.Warnings[i] = strings.TrimSpace(w)
			t.Log("WARNING (SHOULD): " + sc.Warnings[i])
		}
		if sc.Status == report.Skipped {
			t.Log("skipped: " + sc.Reason)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.scenarios = append(r.scenarios, sc)
	r.names = append(r.names, name)
}

// summary is the closing report: the totals, every failure with its subtest name and the
// failures counted by requirement, the scenarios the profile ruled out, the SHOULD warnings
// and the coverage of MUST requirements.
func (r *results) summary(requirements map[string]string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	var c report.Counts
	for _, sc := range r.scenarios {
		c.Add(sc.Status)
	}
	fmt.Fprintf(&b, "kittest summary: %d scenarios ran: %d passed, %d failed, %d skipped; %d ruled out by the profile",
		c.Total, c.Passed, c.Failed, c.Skipped, len(r.ruledOut))
	byReq := map[string]int{}
	var failed []string
	for i, sc := range r.scenarios {
		if sc.Status != report.Failed {
			continue
		}
		failed = append(failed, fmt.Sprintf("  FAIL %s  %s\n       step: %s", reqLabel(sc.Requirements), r.names[i], cmp.Or(sc.FailedStep, "(before the first step)")))
		reqs := sc.Requirements
		if len(reqs) == 0 {
			reqs = []string{"no requirement"}
		}
		for _, q := range reqs {
			byReq[q]++
		}
	}
	if len(failed) > 0 {
		sort.Strings(failed)
		ids := make([]string, 0, len(byReq))
		for id := range byReq {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		fmt.Fprintf(&b, "\nfailed: %d scenarios", len(failed))
		for _, id := range ids {
			fmt.Fprintf(&b, "\n  %s: %d failed", id, byReq[id])
			if text := requirements[id]; text != "" {
				fmt.Fprintf(&b, " (%s)", firstLine(text))
			}
		}
		b.WriteString("\n" + strings.Join(failed, "\n"))
	}
	skipped := map[string][]string{}
	for _, list := range [][]report.Scenario{r.ruledOut, r.scenarios} {
		for _, sc := range list {
			if sc.Status == report.Skipped {
				skipped[sc.Reason] = append(skipped[sc.Reason], fmt.Sprintf("%s (%s)", sc.Name, reqLabel(sc.Requirements)))
			}
		}
	}
	reasons := make([]string, 0, len(skipped))
	for reason := range skipped {
		reasons = append(reasons, reason)
	}
	sort.Strings(reasons)
	for _, reason := range reasons {
		list := skipped[reason]
		sort.Strings(list)
		fmt.Fprintf(&b, "\nnot run, %d: %s\n  - %s", len(list), reason, strings.Join(list, "\n  - "))
	}
	var warnings []string
	for _, sc := range r.scenarios {
		for _, w := range sc.Warnings {
			warnings = append(warnings, fmt.Sprintf("WARNING (SHOULD) %s (%s): %s", sc.Name, reqLabel(sc.Requirements), w))
		}
	}
	sort.Strings(warnings)
	for _, w := range warnings {
		b.WriteString("\n" + w)
	}
	run := report.Run{Requirements: requirements, Scenarios: append(append([]report.Scenario(nil), r.scenarios...), r.ruledOut...)}
	fmt.Fprintf(&b, "\ncoverage: %s", run.Coverage())
	return b.String()
}

// ruledOut lists the scenarios of side and tags that the profile's exclusions (ex, as
// "~@a && ~@b") leave out, with the profile's reasons.
func ruledOut(side, tags, ex string, prof profile.Profile) []report.Scenario {
	var any []string
	for _, part := range strings.Split(ex, "&&") {
		any = append(any, strings.TrimPrefix(strings.TrimSpace(part), "~"))
	}
	list := listScenarios(strings.Join(nonEmpty(side, tags, strings.Join(any, ",")), " && "))
	for i := range list {
		list[i].Status, list[i].Reason = report.Skipped, prof.Skip(list[i].pickle)
	}
	out := make([]report.Scenario, len(list))
	for i, l := range list {
		out[i] = l.Scenario
	}
	return out
}

// listed is a scenario that a tag expression selects, with godog's view of it.
type listed struct {
	report.Scenario
	pickle *godog.Scenario
}

// listScenarios lists the scenarios a tag expression selects, without running them: godog
// parses the features and each scenario is skipped before its first step.
func listScenarios(tags string) []listed {
	var mu sync.Mutex
	var out []listed
	godog.TestSuite{
		Name: "tradepaykit list",
		ScenarioInitializer: func(sc *godog.ScenarioContext) {
			sc.Before(func(ctx context.Context, sn *godog.Scenario) (context.Context, error) {
				mu.Lock()
				defer mu.Unlock()
				out = append(out, listed{report.Scenario{Name: sn.Name, Feature: sn.Uri, Requirements: requirementsOf(sn)}, sn})
				return ctx, godog.ErrSkip
			})
		},
		Options: &godog.Options{Format: "progress", Output: io.Discard, FS: features.FS, Paths: []string{"."}, Tags: tags},
	}.Run()
	return out
}

func requirementsOf(sn *godog.Scenario) []string {
	var reqs []string
	for _, t := range sn.Tags {
		if strings.HasPrefix(t.Name, "@REQ-") {
			reqs = append(reqs, strings.TrimPrefix(t.Name, "@"))
		}
	}
	return reqs
}

func reqLabel(reqs []string) string {
	if len(reqs) == 0 {
		return "no requirement"
	}
	return strings.Join(reqs, ", ")
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func nonEmpty(xs ...string) []string {
	var out []string
	for _, x := range xs {
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}
