package kittest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cucumber/godog"

	"github.com/tradepaykit/tradepaykit/features"
	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/clock"
	"github.com/tradepaykit/tradepaykit/internal/merchant"
	"github.com/tradepaykit/tradepaykit/internal/profile"
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
// verify it with w.PublicKey(), and sign with the key w was started with. Scenarios the
// merchant's profile rules out do not run (they are logged); @clock scenarios may start w
// afresh (no payments, business time back to real time) so that the merchant's real clock and
// the wallet's agree.
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
	hc := &http.Client{Timeout: 30 * time.Second}
	t.Cleanup(hc.CloseIdleConnections)
	w.mu.Lock()
	reg := w.merchant
	w.mu.Unlock()
	// The kit's wallet brings the clock control and the kit's extensions.
	prof.Capabilities.Clock, prof.Capabilities.WalletMock = true, true
	run(t, "@merchant", prof, m.Run, w.wallet.RenewIfAhead, steps.Targets{
		HTTPClient: hc, WalletURL: w.OpenAPIURL(), ControlURL: w.URL(), MerchantURL: strings.TrimRight(m.URL, "/"),
		ClientID: reg.ClientID, AppID: reg.AppID,
		MerchantKey: fixtures.PrivateKey(fixtures.MerchantPrivateKey), MerchantPublicKey: reg.PublicKey,
		WalletPublicKey: w.PublicKey(), WalletKey: w.key, Profile: w.prof.Wallet(),
		Capabilities: steps.Capabilities{Clock: true, WalletMock: true, ReferenceMerchant: prof.Capabilities.ReferenceMerchant},
		Wait:         m.Wait,
	})
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
	// base path, signature variant, capabilities); empty means the whole protocol and none of
	// the kit's extensions.
	Profile string
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
	return WalletUnderTest{URL: w.OpenAPIURL(), ControlURL: w.URL(), PublicKey: w.PublicKey(), ClientID: w.ClientID(), AppID: w.AppID(), profile: &p}
}

// RunWallet runs every @wallet scenario against the wallet: one subtest of t per scenario,
// named after it. The kit plays the merchant with its reference merchant, started in process
// on a loopback port (notifications go there), and the payer through the test control.
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
	run(t, "@wallet", prof, wu.Run, nil, steps.Targets{
		HTTPClient: hc, WalletURL: base, ControlURL: control, MerchantURL: ref.URL(),
		ClientID: wu.ClientID, AppID: wu.AppID, MerchantKey: wu.MerchantKey, WalletPublicKey: wu.PublicKey,
		Profile: wp, SignatureStyle: prof.Style(), Wait: wu.Wait,
		Capabilities: steps.Capabilities{Clock: prof.Capabilities.Clock, WalletMock: prof.Capabilities.WalletMock, ReferenceMerchant: true},
		NotifyURL:    ref.NotifyURL(),
	})
}

// run runs the side's scenarios in the runner's passes (internal/selection), each scenario a
// subtest of t. A scenario the profile rules out is left out of the passes' tags, so it makes
// no subtest; the list is logged.
func run(t *testing.T, side string, prof profile.Profile, r Run, beforeClock func() error, targets steps.Targets) {
	t.Helper()
	seed := r.Seed
	if seed == 0 {
		n, err := rand.Int(rand.Reader, big.NewInt(1<<62))
		if err != nil {
			t.Fatalf("kittest: a random seed: %v", err)
		}
		seed = n.Int64() + 1
	}
	t.Logf("kittest: %s scenarios, order seed %d (replay with kittest.Run{Seed: %d})", side, seed, seed)
	tags := strings.TrimSpace(r.Tags)
	if ex := prof.Exclusions(); ex != "" {
		t.Logf("kittest: the target does not declare: %s (those scenarios do not run)", ex)
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
				sc.Before(func(ctx context.Context, sn *godog.Scenario) (context.Context, error) {
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
					if reason := steps.Skipped(ctx); reason != "" {
						godog.T(ctx).Log("skipped: " + reason)
					}
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
