// Package steps binds the sentences of features/ to actions on a wallet and a merchant
// (DESIGN.md, "The pieces" and "Layering"). Steps reach every party over HTTP only: the
// wallet's test control and the merchant's test adapter through internal/target, the wallet's
// signed OpenAPI through internal/walletclient when the kit itself plays a merchant. So the
// same scenario runs against the kit's own wallet mock and reference merchant, a vendor's
// wallet sandbox or a merchant's test deployment. Every step speaks and reads the dialect the
// target speaks (Targets.Dialect, docs/dialects.md; dialect.go), and a rule the dialect rules
// out ends the scenario as "not applicable under PRESET: why".
//
// Each scenario gets a fresh World in its context.Context; nothing is shared between
// scenarios but the read-only Targets, so scenarios run concurrently and in any order.
package steps

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/signing"
	"github.com/tradepaykit/tradepaykit/internal/target"
	"github.com/tradepaykit/tradepaykit/internal/walletclient"
)

// Targets says where the parties under test are and how to talk to them. It is shared,
// read-only, by every scenario.
type Targets struct {
	// WalletURL is the wallet's OpenAPI base, with any path prefix.
	WalletURL string
	// ControlURL is the root of the wallet's test control (tradePay, kit extensions).
	ControlURL string
	// MerchantURL is the root of the merchant's test adapter.
	MerchantURL string
	// ClientID is the client id under which the kit, playing a merchant, talks to the wallet.
	ClientID string
	// AppID is the orderStr app_id the wallet maps to ClientID.
	AppID string
	// MerchantKey signs what the kit sends as a merchant: pay requests and orderStrs.
	MerchantKey *rsa.PrivateKey
	// MerchantPublicKey verifies the orderStrs the merchant under test signs; nil means the
	// public half of MerchantKey.
	MerchantPublicKey *rsa.PublicKey
	// WalletPublicKey verifies the wallet's answers.
	WalletPublicKey *rsa.PublicKey
	// WalletKey signs what the kit sends as the wallet: notifications to the merchant, forged
	// or not. Only known when the kit's own wallet mock is the wallet; nil otherwise.
	WalletKey *rsa.PrivateKey
	// Profile is what the wallet declares about itself (product codes); the zero value means
	// the kit's default profile.
	Profile fixtures.WalletProfile
	// Capabilities lists the optional hooks the parties offer.
	Capabilities Capabilities
	// SignatureStyle is how the kit signs what it sends as a merchant; the zero Style is the
	// canonical form. A wallet that accepts only one variant declares it in its profile.
	SignatureStyle signing.Style
	// SignatureAlgorithms the wallet declares it signs with; nil means RSA256 only. An answer
	// in a declared ECC224 is accepted and reported as not checked.
	SignatureAlgorithms []string
	// HTTPClient sends every request; nil means a client with a 30s timeout.
	HTTPClient *http.Client
	// Signatures signs what the kit sends, each distinct message once, and counts the
	// signatures the kit makes and verifies; nil signs every message afresh.
	Signatures *signing.Memo
	// Wait bounds how long a step waits for an outcome to show (a notification, an order
	// settling); zero means DefaultWait.
	Wait time.Duration
	// Health, shared by the run's scenarios, cuts waits short once notifications are known
	// not to arrive, and names the likely cause; nil means every wait lasts Wait.
	Health *Health
	// NotifyURL is the kit's merchant's notify URL as the wallet reaches it: the
	// paymentNotifyUrl of the kit's own pay requests that must be notified. Empty: the kit
	// names none.
	NotifyURL string
	// RegisteredNotifyURL says that the wallet has the merchant's notify URL registered for
	// ClientID, so an orderStr without notify_url is notified to the merchant.
	RegisteredNotifyURL bool
	// SecondClientID and SecondMerchantKey are a second test merchant registered with the
	// wallet (fixtures.SecondClientID); nil key: the kit cannot play it.
	SecondClientID    string
	SecondMerchantKey *rsa.PrivateKey
	// QuietChecks keeps a step's failed checks out of godog's TestingT log and reports them
	// once, cleaned, as the step's error after the exchanges (checks.go): for runs under
	// go test, whose log would show each twice with testify's trace. The runner leaves it
	// off.
	QuietChecks bool
	// Requirements maps a requirement id (REQ-...) to its text, for failure messages; nil
	// names the ids alone.
	Requirements map[string]string
	// Dialect is the shape of the OpenAPI the target speaks (docs/dialects.md), as its
	// profile names it; the steps judge by it, never by the kit's default. The zero value
	// means the kit preset.
	Dialect dialect.Dialect
	// PartnerID is the value the kit sends as partnerId where the dialect carries it; empty
	// means dialect.DefaultPartnerID.
	PartnerID string
}

// Capabilities are the kit extensions a wallet may offer. Scenarios that need one carry its
// tag and are skipped when it is absent.
type Capabilities struct {
	// Clock: POST {control}/conformance/clock moves the wallet's business time (@clock).
	Clock bool
	// WalletMock: the kit's wallet mock extensions, the payment view with its notification log
	// and the cashier page (@wallet-mock).
	WalletMock bool
	// ReferenceMerchant: the merchant is the kit's reference merchant, whose answers to
	// notifications can be scripted (@reference-merchant).
	ReferenceMerchant bool
}

// DefaultWait is how long a step waits for an outcome unless Targets.Wait says otherwise. A
// wait ends as soon as its condition holds, so the bound only costs time when a party is
// wrong; it is generous because CI runs the suite next to other test packages on 2 cores.
const DefaultWait = 20 * time.Second

// Tags that ask for a capability.
const (
	TagClock             = "@clock"
	TagWalletMock        = "@wallet-mock"
	TagReferenceMerchant = "@reference-merchant"
)

// TagRealTime marks a scenario that may wait on the wall clock for the wallet (a deadline,
// a declared schedule or validity, the notify timeout, a settle window): the runner starts
// the features that hold such scenarios before the others.
const TagRealTime = "@realtime"

// Initialize returns the scenario initializer for godog: it registers every step and the
// hooks that give each scenario its World.
func Initialize(t Targets) func(*godog.ScenarioContext) {
	t = t.withDefaults()
	return initialize(func(context.Context, *godog.Scenario) (Targets, error) { return t, nil })
}

// InitializeEach is Initialize with targets picked per scenario, as it starts: pick returns
// the parties the scenario runs against. The self-test gives each scenario that moves the
// wallet's clock a wallet and a merchant of its own, so those scenarios run concurrently
// with the others instead of one at a time after them.
func InitializeEach(pick func(context.Context, *godog.Scenario) (Targets, error)) func(*godog.ScenarioContext) {
	return initialize(func(ctx context.Context, s *godog.Scenario) (Targets, error) {
		t, err := pick(ctx, s)
		return t.withDefaults(), err
	})
}

// withDefaults fills what the Targets leave unset.
func (t Targets) withDefaults() Targets {
	if t.Wait == 0 {
		t.Wait = DefaultWait
	}
	if t.HTTPClient == nil {
		t.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if t.Profile.GeneralProductCode == "" {
		t.Profile = fixtures.DefaultWalletProfile()
	}
	if t.SecondClientID == "" {
		t.SecondClientID = fixtures.SecondClientID
	}
	if t.MerchantPublicKey == nil && t.MerchantKey != nil {
		t.MerchantPublicKey = &t.MerchantKey.PublicKey
	}
	t.Dialect = dialect.OrDefault(t.Dialect)
	if t.PartnerID == "" {
		t.PartnerID = dialect.DefaultPartnerID
	}
	return t
}

func initialize(pick func(context.Context, *godog.Scenario) (Targets, error)) func(*godog.ScenarioContext) {
	patterns := &stepPatterns{}
	return func(sc *godog.ScenarioContext) {
		scope := stepScope{ScenarioContext: sc, patterns: patterns}
		sc.Before(func(ctx context.Context, s *godog.Scenario) (context.Context, error) {
			t, err := pick(ctx, s)
			if err != nil {
				return ctx, err
			}
			w, err := newWorld(t, s)
			if err != nil {
				return ctx, err
			}
			ctx = context.WithValue(ctx, worldKey{}, w)
			if reason := w.missingCapability(); reason != "" {
				w.skipped = reason
				return ctx, fmt.Errorf("%w: %s", godog.ErrSkip, reason)
			}
			return ctx, nil
		})
		sc.StepContext().Before(func(ctx context.Context, st *godog.Step) (context.Context, error) {
			if w, ok := ctx.Value(worldKey{}).(*World); ok {
				w.step = st.Text
			}
			return ctx, nil
		})
		sc.StepContext().After(func(ctx context.Context, st *godog.Step, status godog.StepResultStatus, err error) (context.Context, error) {
			w, ok := ctx.Value(worldKey{}).(*World)
			if !ok {
				return ctx, nil
			}
			// Checks that failed under Targets.QuietChecks without stopping the step: they
			// fail it, or come before the error it returned.
			failed := w.takeChecks()
			switch {
			case len(failed) > 0 && (err == nil || status == godog.StepFailed):
				return ctx, errors.New(w.failureReport(st) + ", " + joinChecks(failed))
			case err == nil || errors.Is(err, godog.ErrSkip) || status != godog.StepFailed:
				return ctx, nil
			}
			// godog prints this before the step's own error: the requirement and the
			// exchanges that led to the failure.
			return ctx, errors.New(w.failureReport(st))
		})
		registerOrderSteps(scope)
		registerTradePaySteps(scope)
		registerInquirySteps(scope)
		registerNotificationSteps(scope)
		registerOrderStrSteps(scope)
		registerPaySteps(scope)
		registerSignatureSteps(scope)
		registerIdempotencySteps(scope)
		registerClockSteps(scope)
		registerCashierSteps(scope)
		registerPreAuthSteps(scope)
		registerRefundSteps(scope)
		registerProbe(scope)
		registerMerchantNotifySteps(scope)
		registerNotificationFaultSteps(scope)
		registerConcurrencySteps(scope)
		registerBadInputSteps(scope)
		registerUnknownAnswerSteps(scope)
		registerMerchantTrustSteps(scope)
		registerWireSteps(scope)
		registerDeclaredSteps(scope)
	}
}

// Skipped returns why the scenario of ctx was skipped, or "" when it ran. Runners use it
// to count skipped scenarios.
func Skipped(ctx context.Context) string {
	if w, ok := ctx.Value(worldKey{}).(*World); ok {
		return w.skipped
	}
	return ""
}

type worldKey struct{}

// World is the state of one scenario.
type World struct {
	targets Targets
	// authorizedBy is the wallet's time just before the payer authorized the scenario's
	// pre-authorization (clock-capable wallets only): the grant is no earlier.
	authorizedBy time.Time
	scenario     string
	tags         []string
	skipped      string
	// step is the text of the step running: waits that keep running out are counted by it.
	step string

	merchant *target.Merchant
	control  *target.WalletControl
	wallet   *walletclient.Client // built on first use: only some scenarios play the merchant

	mu  sync.Mutex
	log []logEntry // exchanges, oldest first
	// failedChecks are the step's failed checks under Targets.QuietChecks (checks.go);
	// checkFailures counts the scenario's failed checks either way.
	failedChecks  []string
	checkFailures int

	// The order the scenario is about, as the merchant last showed it.
	order       *target.Order
	orderAmount money.Amount
	orderTitle  string
	// answer is the merchant's answer to the last tradePayResult; merchantErr the error of the
	// last merchant call a step expects might be refused.
	answer      *target.Order
	merchantErr error
	// merchantOps counts the captures and refunds ("captures", "refunds") the merchant made in
	// the scenario; lastCaptureFinal says whether its last capture was the last one; single
	// keeps, per kind, a second one the wallet refused where its profile allows it (single.go).
	merchantOps      map[string]int
	lastCaptureFinal bool
	single           map[string]*singleOperation

	// token is what the mini program hands to my.tradePay.
	token target.Token
	// resultCode is what my.tradePay answered last; orderStrRefused the wallet's memo when it
	// answered 4000 because it refused the orderStr itself (no payment exists for it).
	resultCode      string
	orderStrRefused string

	// The payment the scenario is about, as far as the kit knows its ids.
	paymentID        string
	paymentRequestID string

	// The kit playing a merchant: the last pay body it sent, the first accepted answer and
	// the result of its last OpenAPI call.
	payBody    []byte
	payRequest map[string]any
	firstPay   *openapi.PayResponse
	lastPay    *openapi.PayResponse
	// prevPay is the answer before lastPay: a repeated request is compared with it.
	prevPay    *openapi.PayResponse
	lastResult openapi.Result

	// page is the last web page the payer opened.
	page string

	// trust is what the scenario scripted for the merchant's next pay.
	trust trustProbe
	// deadline is the paymentExpiryTime of the kit's last pay, when it named one.
	deadline time.Time
	// hookStatus is the HTTP status of the last raw call of the tradePay hook.
	hookStatus int
	// clockMoved: the scenario moved the wallet's business time (a deadline may have passed).
	clockMoved bool
}

func newWorld(t Targets, s *godog.Scenario) (*World, error) {
	w := &World{targets: t, scenario: s.Name}
	for _, tag := range s.Tags {
		w.tags = append(w.tags, tag.Name)
	}
	var err error
	if w.merchant, err = target.NewMerchant(target.Config{BaseURL: t.MerchantURL, HTTPClient: t.HTTPClient, OnExchange: w.recordTarget}); err != nil {
		return nil, fmt.Errorf("merchant URL: %w", err)
	}
	if w.control, err = target.NewWalletControl(target.Config{BaseURL: t.ControlURL, HTTPClient: t.HTTPClient, OnExchange: w.recordTarget}); err != nil {
		return nil, fmt.Errorf("wallet control URL: %w", err)
	}
	return w, nil
}

// world returns the scenario's World.
func world(ctx context.Context) *World {
	w, ok := ctx.Value(worldKey{}).(*World)
	if !ok {
		// Only a step registered outside Initialize could get here.
		panic("steps: no World in the context; was the scenario initialized with steps.Initialize?")
	}
	return w
}

func (w *World) hasTag(tag string) bool {
	for _, t := range w.tags {
		if t == tag {
			return true
		}
	}
	return false
}

func (w *World) missingCapability() string {
	switch {
	case w.hasTag(TagClock) && !w.targets.Capabilities.Clock:
		return "the wallet offers no clock control (" + TagClock + ")"
	case w.hasTag(TagWalletMock) && !w.targets.Capabilities.WalletMock:
		return "the wallet offers no kit extensions (" + TagWalletMock + ")"
	case w.hasTag(TagReferenceMerchant) && !w.targets.Capabilities.ReferenceMerchant:
		return "the merchant is not the kit's reference merchant (" + TagReferenceMerchant + ")"
	}
	return ""
}

// walletClient returns the kit's own OpenAPI client: the kit playing a merchant.
func (w *World) walletClient() (*walletclient.Client, error) {
	if w.wallet != nil {
		return w.wallet, nil
	}
	c, err := w.newWalletClient(w.targets.ClientID, w.targets.MerchantKey)
	if err != nil {
		return nil, err
	}
	w.wallet = c
	return c, nil
}

// newWalletClient builds a client signing as clientID with key, for scenarios that send what
// a correct merchant would not.
func (w *World) newWalletClient(clientID string, key *rsa.PrivateKey) (*walletclient.Client, error) {
	if key == nil {
		return nil, errors.New("no merchant private key: the kit cannot play a merchant against this wallet")
	}
	return walletclient.New(walletclient.Config{
		BaseURL:         w.targets.WalletURL,
		ClientID:        clientID,
		PrivateKey:      key,
		WalletPublicKey: w.targets.WalletPublicKey,
		Algorithms:      w.targets.SignatureAlgorithms,
		HTTPClient:      w.targets.HTTPClient,
		OnExchange:      w.recordWallet,
		Style:           w.targets.SignatureStyle,
		Signatures:      w.targets.Signatures,
		Dialect:         w.dialect(),
		PartnerID:       w.partnerID(),
	})
}

// logEntry is one exchange, or a run of identical ones (a step polling a view).
type logEntry struct {
	text    string
	x       Exchange // the exchange in full, for reports (see Exchanges)
	repeats int
}

func (w *World) record(s string) { w.recordExchange(Exchange{Transcript: s}) }

func (w *World) recordExchange(x Exchange) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if n := len(w.log); n > 0 && w.log[n-1].text == x.Transcript {
		w.log[n-1].repeats++
		return
	}
	w.log = append(w.log, logEntry{text: x.Transcript, x: x})
}

func (w *World) recordTarget(x target.Exchange) { w.recordExchange(targetExchange(x)) }

func (w *World) recordWallet(x walletclient.Exchange) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s (signed as %s)", x.Method, x.URL, x.RequestHeader.Get("Client-Id"))
	fmt.Fprintf(&b, "\n  > %s", target.Snippet(x.RequestBody))
	if x.StatusCode != 0 {
		fmt.Fprintf(&b, "\n  < HTTP %d %s", x.StatusCode, target.Snippet(x.ResponseBody))
	}
	if x.SignatureErr != nil {
		fmt.Fprintf(&b, "\n  ! response signature: %v", x.SignatureErr)
	}
	if x.Err != nil {
		fmt.Fprintf(&b, "\n  ! %v", x.Err)
	}
	w.recordExchange(walletExchange(b.String(), x))
}

// maxReported bounds the exchanges a failure shows: the last ones explain it.
const maxReported = 6

func (w *World) failureReport(st *godog.Step) string {
	var reqs []string
	for _, t := range w.tags {
		if strings.HasPrefix(t, "@REQ-") {
			reqs = append(reqs, strings.TrimPrefix(t, "@"))
		}
	}
	var b strings.Builder
	if w.targets.Requirements == nil {
		fmt.Fprintf(&b, "requirement %s failed in %q", strings.Join(reqs, ", "), w.scenario)
	} else {
		// The reader may not have the features at hand: say what each requirement asks.
		for _, id := range reqs {
			fmt.Fprintf(&b, "%s: %s\n", id, firstLines(w.targets.Requirements[id], 3))
		}
		fmt.Fprintf(&b, "scenario %q failed", w.scenario)
	}
	if st != nil {
		fmt.Fprintf(&b, "\nstep: %s", st.Text)
	}
	w.mu.Lock()
	log := w.log
	if len(log) > maxReported {
		fmt.Fprintf(&b, "\nlast %d of %d exchanges:", maxReported, len(log))
		log = log[len(log)-maxReported:]
	} else if len(log) > 0 {
		b.WriteString("\nexchanges:")
	}
	for _, x := range log {
		b.WriteString("\n")
		b.WriteString(strings.TrimRight(x.text, "\n"))
		if x.repeats > 0 {
			fmt.Fprintf(&b, "\n  (the same exchange %d more times)", x.repeats)
		}
	}
	w.mu.Unlock()
	b.WriteString("\nfailure")
	return b.String()
}

// wait returns how long a step waits for an outcome.
func (w *World) wait() time.Duration { return w.targets.Wait }

// eventually calls cond until it reports done, returns an error, or within has passed. It
// returns whether cond was satisfied; the caller then asserts on what cond saw last. The
// interval grows from 10ms to 200ms: fast enough for an in-process party, gentle on a
// remote one.
func eventually(ctx context.Context, within time.Duration, cond func(context.Context) (bool, error)) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	interval := 10 * time.Millisecond
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return false, nil
		case <-timer.C:
		}
		done, err := cond(ctx)
		if err != nil {
			if ctx.Err() != nil {
				// The deadline cut a call short: that is a timeout, not a failure of cond.
				return false, nil
			}
			return false, err
		}
		if done {
			return true, nil
		}
		if interval < 200*time.Millisecond {
			interval *= 2
		}
		timer.Reset(interval)
	}
}

// parseAmount reads an amount as features write it: "10.00 USD", "1000 JPY", "1.500 KWD".
func parseAmount(s string) (money.Amount, error) {
	value, cur, ok := strings.Cut(strings.TrimSpace(s), " ")
	if !ok {
		return money.Amount{}, fmt.Errorf("amount %q: want a decimal and a currency, as in \"10.00 USD\"", s)
	}
	a, err := money.ParseDecimal(cur, value)
	if err != nil {
		return money.Amount{}, fmt.Errorf("amount %q: %w", s, err)
	}
	return a, nil
}

// newID returns a fresh id with a prefix, unique across runs.
func newID(prefix string) string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("steps: crypto/rand failed: %v", err))
	}
	return prefix + hex.EncodeToString(b)
}
