// Package selftest starts the kit's own parties in process, as DESIGN.md's self-test runs them
// ("The runner": the default command): the wallet mock and the reference merchant on
// loopback, keyed with the fixtures' test keys, registered with each other, and sharing one
// virtual business clock so that a scenario moving the wallet's time moves the merchant's
// payment deadlines with it. Signatures stay on wall-clock time in both.
package selftest

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/clock"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/merchant"
	"github.com/tradepaykit/tradepaykit/internal/signing"
	"github.com/tradepaykit/tradepaykit/internal/wallet"
)

// AppID is the orderStr app_id under which the wallet mock knows the reference merchant.
const AppID = "2026TESTAPP0001"

// Options configures Start.
type Options struct {
	// Addr is where both parties listen; empty means "127.0.0.1:0" (a free loopback port).
	Addr string
	// Logger receives the parties' logs; nil discards them.
	Logger *slog.Logger
	// NotifyTimeout bounds one notification delivery of the wallet mock; zero means
	// DefaultNotifyTimeout. Scenarios where the merchant never answers wait this long.
	NotifyTimeout time.Duration
	// Signatures signs for both parties and counts their signatures; nil means a new Memo.
	Signatures *signing.Memo
	// Dialect is the shape of the OpenAPI both parties speak (docs/dialects.md); the zero
	// value means the kit preset. Its prefix is the wallet's base path, its product codes
	// the merchant's.
	Dialect dialect.Dialect
	// PartnerID is the partnerId both parties use where the dialect carries it; empty means
	// dialect.DefaultPartnerID.
	PartnerID string
}

// DefaultNotifyTimeout is the self-test's notification timeout: short, because scenarios
// make the reference merchant hold its answer past it, and long enough for a loaded CI
// machine to answer a notification that is not held.
const DefaultNotifyTimeout = 2 * time.Second

// Parties are a running wallet mock and reference merchant.
type Parties struct {
	Wallet   *wallet.Server
	Merchant *merchant.Server
	// Clock is the business clock both share; the wallet's control API advances it.
	Clock *clock.Virtual
	// AppID is the orderStr app_id the wallet maps to fixtures.ClientID.
	AppID string
	// Signatures is the memo both parties sign through: it counts their signatures.
	Signatures *signing.Memo
	// Dialect is the dialect both parties speak.
	Dialect dialect.Dialect
	// Profile is the wallet profile both parties were given: the kit's, with the dialect's
	// prefix and product codes.
	Profile fixtures.WalletProfile

	// merchantHTTP carries the merchant's calls to the wallet; Close drops its idle
	// connections so that the wallet's graceful shutdown does not wait on them.
	merchantHTTP *http.Client
}

// Start starts the wallet mock, then the reference merchant pointed at it, then registers
// the merchant's notify URL with the wallet. On error nothing is left running.
func Start(opts Options) (p *Parties, err error) {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.NotifyTimeout == 0 {
		opts.NotifyTimeout = DefaultNotifyTimeout
	}
	if opts.Signatures == nil {
		opts.Signatures = signing.NewMemo()
	}
	merchantPub := fixtures.PublicKey(fixtures.MerchantPublicKey)
	d := dialect.OrDefault(opts.Dialect)
	profile := fixtures.DefaultWalletProfile()
	profile.BasePath = d.BasePath
	profile.GeneralProductCode, profile.PreAuthProductCode = d.ProductCodes.General, d.ProductCodes.PreAuth
	p = &Parties{Clock: clock.NewVirtual(), AppID: AppID, Signatures: opts.Signatures, Dialect: d, Profile: profile, merchantHTTP: NewHTTPClient()}
	defer func() {
		if err != nil {
			_ = p.Close()
			p = nil
		}
	}()

	p.Wallet, err = wallet.NewServer(wallet.Config{
		PrivateKey: fixtures.PrivateKey(fixtures.WalletPrivateKey),
		Merchants: []wallet.Merchant{
			{ClientID: fixtures.ClientID, PublicKey: merchantPub, AppID: AppID},
			{ClientID: fixtures.SecondClientID, PublicKey: fixtures.PublicKey(fixtures.SecondMerchantPublicKey)},
		},
		Clock:         p.Clock,
		Profile:       profile,
		Dialect:       d,
		Logger:        opts.Logger.With("party", "wallet"),
		NotifyTimeout: opts.NotifyTimeout,
		Signatures:    opts.Signatures,
	})
	if err != nil {
		return p, fmt.Errorf("selftest: wallet mock: %w", err)
	}
	if err = p.Wallet.Start(opts.Addr); err != nil {
		return p, fmt.Errorf("selftest: wallet mock: %w", err)
	}

	p.Merchant, err = merchant.NewServer(merchant.Config{
		WalletURL:       p.Wallet.URL(),
		ClientID:        fixtures.ClientID,
		PrivateKey:      fixtures.PrivateKey(fixtures.MerchantPrivateKey),
		WalletPublicKey: fixtures.PublicKey(fixtures.WalletPublicKey),
		AppID:           AppID,
		Profile:         profile,
		Dialect:         d,
		PartnerID:       opts.PartnerID,
		Clock:           p.Clock,
		Logger:          opts.Logger.With("party", "merchant"),
		HTTPClient:      p.merchantHTTP,
		Signatures:      opts.Signatures,
	})
	if err != nil {
		return p, fmt.Errorf("selftest: reference merchant: %w", err)
	}
	if err = p.Merchant.Start(opts.Addr); err != nil {
		return p, fmt.Errorf("selftest: reference merchant: %w", err)
	}

	// The registered notify URL serves orderStrs without notify_url and pays without
	// paymentNotifyUrl; it can only be known once the merchant listens.
	if err = p.Wallet.Register(wallet.Merchant{
		ClientID: fixtures.ClientID, PublicKey: merchantPub, AppID: AppID, NotifyURL: p.Merchant.NotifyURL(),
	}); err != nil {
		return p, fmt.Errorf("selftest: register the merchant with the wallet: %w", err)
	}
	return p, nil
}

// NewHTTPClient returns a client for calls between the parties on loopback. It keeps enough
// idle connections for every scenario running at once: Go's default transport keeps two per
// host, so concurrent scenarios kept opening and closing TCP connections.
func NewHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return &http.Client{Timeout: 30 * time.Second, Transport: t}
}

// WalletURL is the wallet mock's OpenAPI base: its root and the dialect's prefix.
func (p *Parties) WalletURL() string { return p.Wallet.URL() + p.Profile.BasePath }

// ControlURL is the wallet mock's test control; it shares the OpenAPI's listener.
func (p *Parties) ControlURL() string { return p.Wallet.URL() }

// MerchantURL is the reference merchant's test adapter.
func (p *Parties) MerchantURL() string { return p.Merchant.URL() }

// Close stops the merchant first (it calls the wallet), then the wallet.
func (p *Parties) Close() error {
	var errs []error
	if p.Merchant != nil {
		errs = append(errs, p.Merchant.Close())
	}
	p.merchantHTTP.CloseIdleConnections()
	if p.Wallet != nil {
		errs = append(errs, p.Wallet.Close())
	}
	return errors.Join(errs...)
}
