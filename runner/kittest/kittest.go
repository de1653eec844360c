// Package kittest runs the kit inside a Go program's own tests, the way net/http/httptest runs
// a server: Start starts the kit's wallet mock in process on a loopback port and closes it
// when the test ends; RunMerchant and RunWallet run the kit's conformance scenarios against a
// merchant's test adapter or a wallet's sandbox as subtests of the calling test, one per
// scenario, so `go test -run 'TestShop/A_payer_pays'` picks scenarios and a failure shows
// once in `go test` output with the requirement, the step, what was expected and the
// exchanges behind it. Before the scenarios, RunMerchant checks the shop as
// `tradepaykit verify-merchant` does (internal/preflight) and stops with one message when it
// cannot be reached, gives no notify URL or cannot get an order through the wallet. A run's
// log ends with a summary: failures by requirement, scenarios ruled out or skipped and why,
// SHOULD warnings, and the MUST requirements checked.
//
// A merchant's test, in short:
//
//	func TestShopConformance(t *testing.T) {
//		w := kittest.Start(t, kittest.Options{})
//		shop := httptest.NewServer(newShop(w.OpenAPIURL(), w.PublicKeyPEM())) // the shop under test
//		t.Cleanup(shop.Close)
//		kittest.RunMerchant(t, w, kittest.Merchant{URL: shop.URL})
//	}
//
// The scenarios, the selection rules (the side's tag, the profile's skip rules, @clock
// scenarios last and one at a time) and the steps are the runner's own: `tradepaykit
// verify-merchant` and RunMerchant run the same checks. The Pact contracts are not verified
// here; the runner does that.
package kittest

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/fixtures/profiles"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/profile"
	"github.com/tradepaykit/tradepaykit/internal/target"
	"github.com/tradepaykit/tradepaykit/internal/wallet"
)

// DefaultAppID is the orderStr app_id under which the wallet mock knows the merchant unless
// Options.AppID says otherwise.
const DefaultAppID = "2026TESTAPP0001"

// The product codes the wallet mock expects in pay requests (productCode) and orderStrs
// (product_code) unless Options.Profile names others: a merchant configures its shop with
// them. Wallet.GeneralProductCode and Wallet.PreAuthProductCode give those of any profile.
const (
	// DefaultGeneralProductCode is the product code of a general payment (online purchase).
	DefaultGeneralProductCode = "51051000101000000011"
	// DefaultPreAuthProductCode is the product code of a pre-authorization (online purchase,
	// auth-capture).
	DefaultPreAuthProductCode = "51051000101000000012"
)

// Options configures the wallet mock Start runs. The zero Options is the kit's test setup:
// the test client id and keys of fixtures/keys, the kit's product codes, no path prefix.
type Options struct {
	// ClientID is the client id the merchant signs under; empty means the kit's test client
	// id (fixtures.ClientID, "2026TESTCLIENT0001").
	ClientID string
	// AppID is the orderStr app_id that maps to ClientID; empty means DefaultAppID.
	AppID string
	// MerchantPublicKey verifies the merchant's requests and orderStrs; nil means the kit's
	// merchant test key (fixtures/keys/merchant-public.pem).
	MerchantPublicKey *rsa.PublicKey
	// NotifyURL is the merchant's registered notify URL, for pay requests and orderStrs that
	// name none; SetNotifyURL sets it later.
	NotifyURL string
	// Profile makes the mock look like a given wallet: "kit:NAME" (a profile the kit embeds)
	// or a JSON file (runner/README.md, "The target profile"): dialect, basePath, product
	// codes, retry schedule, signature variant. Empty means the kit's defaults.
	Profile string
	// Dialect is the preset of the OpenAPI's shape the mock speaks and the scenarios judge by
	// (docs/dialects.md): "kit", "v1-alipay", "v1-tng", "v1-qi" or "v2". It replaces the
	// profile's "dialect"; empty means the profile's, or "kit".
	Dialect string
	// NotifyTimeout bounds one notification delivery; zero means 2 seconds.
	NotifyTimeout time.Duration
	// Logger receives the mock's log; nil discards it.
	Logger *slog.Logger
}

// Wallet is a wallet mock running in the test's process, on 127.0.0.1 with a port the system
// picked. Its methods may be called from any goroutine.
type Wallet struct {
	ln      net.Listener
	srv     *http.Server
	url     string
	prof    profile.Profile
	dialect dialect.Dialect
	key     *rsa.PrivateKey
	cfg     wallet.Config
	control *target.WalletControl

	wallet *wallet.Renewable

	mu       sync.Mutex
	merchant wallet.Merchant
}

// Start starts a wallet mock for the test; it is closed by t.Cleanup. It fails the test
// (t.Fatal) when the options are wrong or no loopback port can be bound.
func Start(t testing.TB, opts Options) *Wallet {
	t.Helper()
	w, err := start(opts)
	if err != nil {
		t.Fatalf("kittest.Start: %v", err)
	}
	t.Cleanup(func() {
		if err := w.close(); err != nil {
			t.Errorf("kittest: closing the wallet mock: %v", err)
		}
	})
	return w
}

func start(opts Options) (*Wallet, error) {
	prof, err := loadProfile(opts.Profile)
	if err != nil {
		return nil, err
	}
	prof, d, err := withDialect(prof, opts.Profile, opts.Dialect)
	if err != nil {
		return nil, err
	}
	if opts.ClientID == "" {
		opts.ClientID = fixtures.ClientID
	}
	if opts.AppID == "" {
		opts.AppID = DefaultAppID
	}
	if opts.MerchantPublicKey == nil {
		opts.MerchantPublicKey = fixtures.PublicKey(fixtures.MerchantPublicKey)
	}
	if opts.NotifyTimeout == 0 {
		opts.NotifyTimeout = 2 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on loopback: %w", err)
	}
	w := &Wallet{ln: ln, url: "http://" + ln.Addr().String(), prof: prof, dialect: d, key: fixtures.PrivateKey(fixtures.WalletPrivateKey)}
	// The kit plays the merchant too (inquiries while it checks a merchant), with its own
	// merchant key, which the wallet accepts for the merchant's client id.
	kitKey := fixtures.PrivateKey(fixtures.MerchantPrivateKey)
	w.merchant = wallet.Merchant{ClientID: opts.ClientID, PublicKey: opts.MerchantPublicKey, AppID: opts.AppID,
		NotifyURL: opts.NotifyURL, KitKey: &kitKey.PublicKey}
	w.cfg = wallet.Config{
		PrivateKey: w.key, Profile: prof.Wallet(), Dialect: d, SignatureStyle: prof.Style(), Logger: opts.Logger,
		NotifyTimeout: opts.NotifyTimeout, PublicURL: w.url,
	}
	if w.wallet, err = wallet.NewRenewable(w.config); err != nil {
		_ = ln.Close()
		return nil, err
	}
	if w.control, err = target.NewWalletControl(target.Config{BaseURL: w.url, HTTPClient: &http.Client{Timeout: 30 * time.Second}}); err != nil {
		_ = ln.Close()
		return nil, err
	}
	w.srv = &http.Server{Handler: w.wallet, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute}
	go func() { _ = w.srv.Serve(ln) }()
	return w, nil
}

// config is the configuration of each fresh wallet behind the listener, with the merchant
// as registered now.
func (w *Wallet) config() wallet.Config {
	w.mu.Lock()
	defer w.mu.Unlock()
	cfg := w.cfg
	cfg.Merchants = []wallet.Merchant{w.merchant}
	return cfg
}

func (w *Wallet) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	err := w.srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = w.srv.Close()
	}
	return errors.Join(err, w.wallet.Close())
}

// URL is the wallet's root URL: its test control (/conformance/...) and cashier pages live
// here, and an SDK that appends the OpenAPI path prefix itself takes it as its gateway.
func (w *Wallet) URL() string { return w.url }

// OpenAPIURL is the base of the signed OpenAPI: URL plus the dialect's prefix (the profile's
// basePath), to which "/v1/payments/pay" and the other APIs are appended ("/v2/..." under v2).
func (w *Wallet) OpenAPIURL() string {
	return w.url + w.dialect.BasePath
}

// Dialect names the dialect the wallet speaks (docs/dialects.md): "kit", "v2", or "v1-tng
// with overrides" when the profile changes single switches of the preset.
func (w *Wallet) Dialect() string { return w.dialect.Label() }

// PublicKey is the wallet's public key, which the merchant verifies answers and
// notifications with (the kit's wallet test key, fixtures/keys/wallet-public.pem).
func (w *Wallet) PublicKey() *rsa.PublicKey { return &w.key.PublicKey }

// PublicKeyPEM is PublicKey in PEM, as a merchant's configuration usually wants it.
func (w *Wallet) PublicKeyPEM() []byte { return fixtures.PEM(fixtures.WalletPublicKey) }

// GeneralProductCode is the product code the wallet expects for a general payment:
// DefaultGeneralProductCode unless the profile names another.
func (w *Wallet) GeneralProductCode() string { return w.prof.Wallet().GeneralProductCode }

// PreAuthProductCode is the product code the wallet expects for a pre-authorization:
// DefaultPreAuthProductCode unless the profile names another.
func (w *Wallet) PreAuthProductCode() string { return w.prof.Wallet().PreAuthProductCode }

// ClientID is the client id the wallet knows the merchant by.
func (w *Wallet) ClientID() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.merchant.ClientID
}

// AppID is the orderStr app_id the wallet maps to ClientID.
func (w *Wallet) AppID() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.merchant.AppID
}

// SetNotifyURL registers the merchant's notify URL, for pay requests and orderStrs that name
// none; a merchant's test server is often started after the wallet it is configured with.
func (w *Wallet) SetNotifyURL(url string) error {
	w.mu.Lock()
	w.merchant.NotifyURL = url
	m := w.merchant
	w.mu.Unlock()
	return w.wallet.Current().Register(m)
}

// The payer's actions in the wallet app, for TradePay: what my.tradePay answers the mini
// program (docs/hooks.md, "The wallet's test control").
const (
	Confirm      = "CONFIRM"       // 9000: paid or authorized, notified
	Cancel       = "CANCEL"        // 6001: nothing changes; the payer may come back
	Decline      = "DECLINE"       // 4000: failed and closed, notified FAIL
	NetworkError = "NETWORK_ERROR" // 6002: nothing changes
	Unknown      = "UNKNOWN"       // 6004: paid, but the app cannot tell
	Pending      = "PENDING"       // 8000: paid asynchronously
)

// Token is what the mini program hands to my.tradePay: set exactly one field.
type Token struct {
	TradeNO    string
	OrderStr   string
	PaymentURL string
}

// TradePay plays the payer: my.tradePay with the token, then action (Confirm, Cancel, ...).
// It returns the resultCode the mini program gets ("9000", "6001", "4000", ...).
func (w *Wallet) TradePay(t testing.TB, tok Token, action string) string {
	t.Helper()
	code, err := w.control.TradePay(context.Background(), target.Token{TradeNO: tok.TradeNO, OrderStr: tok.OrderStr, PaymentURL: tok.PaymentURL}, target.Action(action), "")
	if err != nil {
		t.Fatalf("kittest: tradePay: %v", err)
	}
	return code
}

// AdvanceClock moves the wallet's business time forward by d: payment deadlines,
// authorization expiry and notification retries due in that span happen before it returns.
// It returns the new business time.
func (w *Wallet) AdvanceClock(t testing.TB, d time.Duration) time.Time {
	t.Helper()
	now, err := w.control.AdvanceClock(context.Background(), d)
	if err != nil {
		t.Fatalf("kittest: advancing the clock: %v", err)
	}
	return now
}

// withDialect returns the profile under preset (profile.UnderPreset; the declarations of
// kit:wallet-mock hold under the kit preset only) and the dialect it resolves to. An unknown
// preset or a switch value the preset does not take is an error listing the presets or the
// values.
func withDialect(prof profile.Profile, profileValue, preset string) (profile.Profile, dialect.Dialect, error) {
	prof, err := prof.UnderPreset(preset, profileValue == "kit:wallet-mock")
	if err != nil {
		return prof, dialect.Dialect{}, fmt.Errorf("Dialect: %w", err)
	}
	d, err := prof.Dialect()
	if err != nil {
		return prof, dialect.Dialect{}, fmt.Errorf("profile %s: %w", profileValue, err)
	}
	return prof, d, nil
}

// loadProfile reads "kit:NAME" from the profiles the kit embeds, or a JSON file.
func loadProfile(value string) (profile.Profile, error) {
	switch {
	case value == "":
		return profile.Profile{}, nil
	case strings.HasPrefix(value, "kit:"):
		b, err := profiles.FS.ReadFile(strings.TrimPrefix(value, "kit:") + ".json")
		if err != nil {
			return profile.Profile{}, fmt.Errorf("profile %q: the kit has no such profile", value)
		}
		p, err := profile.Parse(b)
		if err != nil {
			return profile.Profile{}, fmt.Errorf("profile %s: %w", value, err)
		}
		return p, nil
	default:
		return profile.Load(value)
	}
}
