// Package merchant is the kit's reference merchant server (DESIGN.md, "Merchant test
// adapter"): it creates orders in the three flows of PROTOCOL.md (tradeNO and paymentUrl
// through the wallet's pay, orderStr signed locally), receives notifyPayment ("Server
// OpenAPI", "Lifecycles"), confirms every my.tradePay result but a cancel with
// inquiryPayment, and captures, cancels and refunds through the wallet. It is the merchant a
// wallet vendor's sandbox is verified against, and the merchant of the kit's self-test.
//
// It speaks one dialect of the OpenAPI (Config.Dialect; docs/dialects.md): its wallet
// client writes pay, inquiryPayment and refund in the dialect's shape and paths, and its
// notify endpoint reads the outcome where the dialect reports it (paymentStatus or
// paymentResult). The test adapter (/conformance/...) is the same in every dialect.
package merchant

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/clock"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/guard"
	"github.com/tradepaykit/tradepaykit/internal/signing"
	"github.com/tradepaykit/tradepaykit/internal/walletclient"
)

// NotifyPath is where the reference merchant receives notifyPayment.
const NotifyPath = "/v1/payments/notifyPayment"

// Config configures a Server.
type Config struct {
	// WalletURL is the wallet's address. The prefix of its OpenAPI is Profile.BasePath when
	// set, else the Dialect's basePath; it is appended unless the URL already ends with it.
	WalletURL       string
	ClientID        string
	PrivateKey      *rsa.PrivateKey // the merchant's key: requests, notify answers, orderStr
	WalletPublicKey *rsa.PublicKey  // verifies wallet answers and notifications
	// AppID goes into every orderStr (app_id), and into pay as appId where the dialect
	// requires it; the orderStr flow, and pay under such a dialect, are refused without one.
	AppID string
	// Profile gives the product codes of pay and the OpenAPI prefix; an empty code takes the
	// Dialect's (dialect.ProductCodeFor), which for the kit preset are DefaultWalletProfile's.
	// Where the dialect has no pre-authorization code, a pre-authorization is sent without
	// productCode and marked paymentFactor.isAuthorization.
	Profile fixtures.WalletProfile
	// Clock is business time: paymentExpiryTime, the orderStr timestamp, when a notification
	// arrived. Default clock.Real{}.
	Clock clock.Clock
	// WallClock stamps Request-Time and Response-Time and judges the freshness of a
	// notification's Request-Time. It stays real time even when Clock is a virtual clock
	// shared with a wallet mock. Default clock.Real{}.
	WallClock  clock.Clock
	Logger     *slog.Logger
	HTTPClient *http.Client
	// Store keeps orders; default NewMemStore().
	Store Store
	// Rand is the source of order ids, paymentRequestIds and capture and refund request ids;
	// default crypto/rand. Tests inject a fixed stream.
	Rand io.Reader
	// Dialect is the shape of the OpenAPI the merchant and its wallet client speak
	// (docs/dialects.md): the requests it sends and the notifications it accepts (a
	// notification in another dialect's outcome shape is refused F, naming both). The zero
	// value means the kit preset. The test adapter is the same in every dialect.
	Dialect dialect.Dialect
	// PartnerID is the value sent as partnerId where the dialect carries it; empty means
	// dialect.DefaultPartnerID.
	PartnerID string
	// OnExchange, when set, receives every exchange with the wallet (for reports).
	OnExchange func(walletclient.Exchange)
	// SignatureStyle is how the merchant writes the signatures of its requests and of its
	// answers to notifications; the zero Style is the canonical form. A wallet under test
	// that accepts only one variant declares it in its target profile.
	SignatureStyle signing.Style
	// PublicURL, when set, is the base URL the merchant advertises (its notify URL) and URL
	// returns, instead of the address Start binds: for a merchant the wallet reaches through
	// a proxy or tunnel, or served through Handler on the caller's own listener.
	PublicURL string
	// RefuseMalformedOptional makes the merchant refuse (F PARAM_ILLEGAL, order unchanged) a
	// notification whose optional fields (paymentTime, paymentCreateTime, extendInfo) are
	// malformed. By default it acknowledges and settles such a notification, as docs/protocol.md
	// prefers ("Where published wallets differ"); refusing is allowed, with a warning.
	RefuseMalformedOptional bool
	// WalletAlgorithms are the signature algorithms the wallet declares (its target
	// profile); nil means RSA256 only. An answer or notification signed in a declared ECC224
	// is accepted, its signature not checked (the kit holds no ECC key).
	WalletAlgorithms []string
	// Defects are deliberate protocol mistakes (defects.go), for the kit's own tests only.
	Defects []Defect
	// Signatures signs the merchant's requests and answers, each distinct message once, and
	// counts the signatures made and verified; nil means a Memo of the server's own.
	Signatures *signing.Memo
}

// Server is the reference merchant.
type Server struct {
	cfg     Config
	dialect dialect.Dialect
	wallet  *walletclient.Client
	store   Store
	log     *slog.Logger
	ids     *idSource
	handler http.Handler
	faults  faultScript // scripted answers to notifications (kit extension)
	defects defects     // deliberate mistakes (a test aid); empty in normal use
	// received logs every notification as it arrived (kit extension).
	received receivedLog

	mu  sync.Mutex
	srv *http.Server
	url string
}

// NewServer checks cfg and returns a Server; Start makes it listen.
func NewServer(cfg Config) (*Server, error) {
	if cfg.ClientID == "" {
		return nil, errors.New("merchant: ClientID is empty")
	}
	if cfg.PrivateKey == nil || cfg.WalletPublicKey == nil {
		return nil, errors.New("merchant: PrivateKey and WalletPublicKey are required")
	}
	d := dialect.OrDefault(cfg.Dialect)
	if cfg.Profile.GeneralProductCode == "" {
		cfg.Profile.GeneralProductCode = d.ProductCodeFor(false)
	}
	if cfg.Profile.PreAuthProductCode == "" {
		cfg.Profile.PreAuthProductCode = d.ProductCodeFor(true)
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if cfg.WallClock == nil {
		cfg.WallClock = clock.Real{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Store == nil {
		cfg.Store = NewMemStore()
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.Signatures == nil {
		cfg.Signatures = signing.NewMemo()
	}
	// The profile's basePath, when set, replaces the dialect's prefix (docs/dialects.md).
	clientDialect := d
	if bp := strings.TrimRight(cfg.Profile.BasePath, "/"); bp != "" {
		clientDialect.BasePath = bp
	}
	set, err := newDefects(cfg.Defects)
	if err != nil {
		return nil, err
	}
	clientDialect, cfg.Profile = set.clientDialect(clientDialect, cfg.Profile)
	base, err := walletBase(cfg.WalletURL, clientDialect.BasePath)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:     cfg,
		dialect: d,
		store:   cfg.Store,
		log:     cfg.Logger,
		ids:     &idSource{r: cfg.Rand},
		url:     strings.TrimRight(cfg.PublicURL, "/"),
		defects: set,
	}
	wc := walletclient.Config{
		BaseURL:         base,
		ClientID:        cfg.ClientID,
		PrivateKey:      cfg.PrivateKey,
		WalletPublicKey: cfg.WalletPublicKey,
		HTTPClient:      s.walletHTTPClient(),
		Clock:           cfg.WallClock,
		OnExchange:      cfg.OnExchange,
		Style:           cfg.SignatureStyle,
		Signatures:      cfg.Signatures,
		Algorithms:      cfg.WalletAlgorithms,
		Dialect:         clientDialect,
		PartnerID:       cfg.PartnerID,
		AppID:           cfg.AppID,
	}
	if set.on(DefectTrustUnsignedAnswers) {
		wc.VerifyResponse = func(signing.Message, string) error { return nil }
	}
	wc.IgnoreClientIDEcho = set.on(DefectIgnoreClientIDEcho)
	if s.wallet, err = walletclient.New(wc); err != nil {
		return nil, fmt.Errorf("merchant: %w", err)
	}
	s.handler = s.routes()
	return s, nil
}

// walletHTTPClient is the client of the wallet calls: Config.HTTPClient, behind the
// signature defects when there are any.
func (s *Server) walletHTTPClient() *http.Client {
	if len(s.defects) == 0 {
		return s.cfg.HTTPClient
	}
	c := &http.Client{Timeout: 30 * time.Second}
	if s.cfg.HTTPClient != nil {
		*c = *s.cfg.HTTPClient
	}
	next := c.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	c.Transport = signatureWriter{next: next, s: s}
	return c
}

// walletBase joins the wallet URL and the OpenAPI prefix, unless the URL already ends with
// it.
func walletBase(walletURL, basePath string) (string, error) {
	u, err := url.Parse(walletURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("merchant: WalletURL %q is not an absolute http(s) URL", walletURL)
	}
	base := strings.TrimRight(walletURL, "/")
	prefix := strings.TrimRight(basePath, "/")
	if prefix != "" && !strings.HasSuffix(base, prefix) {
		base += "/" + strings.TrimLeft(prefix, "/")
	}
	return base, nil
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /conformance/orders", s.adapter(s.createOrder))
	mux.HandleFunc("GET /conformance/orders/{id}", s.adapter(s.getOrder))
	mux.HandleFunc("POST /conformance/orders/{id}/tradePayResult", s.adapter(s.tradePayResult))
	mux.HandleFunc("POST /conformance/orders/{id}/capture", s.adapter(s.capture))
	mux.HandleFunc("POST /conformance/orders/{id}/cancel", s.adapter(s.cancel))
	mux.HandleFunc("POST /conformance/orders/{id}/refund", s.adapter(s.refund))
	mux.HandleFunc("POST "+NotifyPath, s.handleNotify)
	mux.HandleFunc("POST /conformance/notifyFaults", s.adapter(s.scriptNotifyFaults))
	mux.HandleFunc("GET /conformance/received", s.adapter(s.receivedNotifications))
	return guard.Control(mux)
}

// Handler returns the server's HTTP handler (adapter and notify endpoint).
func (s *Server) Handler() http.Handler { return s.handler }

// Start binds addr ("127.0.0.1:0" picks a free port) and serves in the background; URL
// is valid once it returns.
func (s *Server) Start(addr string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		return errors.New("merchant: already started")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("merchant: listen %s: %w", addr, err)
	}
	if s.cfg.PublicURL == "" {
		s.url = "http://" + ln.Addr().String()
	}
	s.srv = guard.NewServer(s.handler, guard.DefaultLimits())
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("merchant server stopped", "err", err)
		}
	}()
	s.log.Info("merchant listening", "url", s.url)
	return nil
}

// URL returns the base URL of the adapter: Config.PublicURL when set, else the bound
// address, "" before Start.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.url
}

// NotifyURL returns the paymentNotifyUrl / notify_url the merchant hands the wallet.
func (s *Server) NotifyURL() string { return s.URL() + NotifyPath }

// Close stops the server.
func (s *Server) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv == nil {
		return nil
	}
	return s.srv.Close()
}

// Order returns the stored order, for tests and reports that run the merchant in process.
func (s *Server) Order(id string) (Order, error) { return s.store.Get(id) }

// idSource draws random ids from a reader that may not be safe for concurrent use.
type idSource struct {
	mu sync.Mutex
	r  io.Reader
}

// next returns prefix + 24 hex digits: short enough for every 64-character id field, and
// letters and digits only, as out_trade_no wants.
func (g *idSource) next(prefix string) (string, error) {
	b := make([]byte, 12)
	g.mu.Lock()
	_, err := io.ReadFull(g.r, b)
	g.mu.Unlock()
	if err != nil {
		return "", fmt.Errorf("merchant: id source: %w", err)
	}
	return prefix + hex.EncodeToString(b), nil
}

// operationTimeout bounds one adapter operation with all its wallet calls and retries.
const operationTimeout = 30 * time.Second

// maxAttempts bounds how often a capture, refund or cancel is sent when the wallet answers
// U: the retry is immediate and reuses the request id, so it is safe and cheap.
const maxAttempts = 3

func (s *Server) operationContext(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.Context(), operationTimeout)
}
