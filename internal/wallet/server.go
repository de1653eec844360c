// Package wallet is the kit's wallet mock: a real HTTP server that plays the wallet side of
// PROTOCOL.md. It serves the server OpenAPI (pay, inquiryPayment, cancel, capture, refund,
// inquiryRefund) in the dialect Config.Dialect names (dialect.go; docs/dialects.md) with
// signature checks and signed answers, delivers notifyPayment to the
// merchant with the profile's retry schedule, and exposes the test control of DESIGN.md
// ("Wallet test control": the shopper's my.tradePay, plus the kit's clock and payment view).
package wallet

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/clock"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/guard"
	"github.com/tradepaykit/tradepaykit/internal/signing"
	"github.com/tradepaykit/tradepaykit/internal/wallet/records"
)

// Merchant is a merchant registered with the wallet: the client id it signs under, its
// public key, the orderStr app_id that maps to it and its registered notify URL.
type Merchant struct {
	ClientID  string
	PublicKey *rsa.PublicKey
	AppID     string
	NotifyURL string
	// Name is the payee the cashier page shows; empty shows the client id.
	Name string
	// KitKey, when set, is a second key the wallet accepts for this client id: the kit's own
	// merchant key, so that a verify-merchant run can ask the kit's wallet about the
	// merchant's payments (inquiryPayment) while the merchant under test keeps its own key.
	KitKey *rsa.PublicKey
}

// Config configures a wallet mock.
type Config struct {
	PrivateKey *rsa.PrivateKey // signs responses and notifications
	Merchants  []Merchant
	// Clock drives business time: deadlines, authorization expiry, notification retries.
	// Nil means a new clock.Virtual, which the control API can advance. Signature times are
	// always checked against the wall clock, so a scenario may move business time by days
	// while messages stay fresh.
	Clock   clock.Clock
	Profile fixtures.WalletProfile
	Logger  *slog.Logger
	// HTTPClient delivers notifications; nil means a client with NotifyTimeout on
	// NotifyTransport. Redirects are never followed, whatever the client says. Tests put a
	// fault-injecting transport here.
	HTTPClient *http.Client
	// NotifyTimeout bounds one notification delivery. Zero means 10 seconds.
	NotifyTimeout time.Duration
	// AllowRemoteNotify lets the wallet notify non-loopback addresses. Off by default: the
	// mock is a test tool and sends nothing off this machine unless told to. The rule is
	// checked on the notify URL and again at connect time when HTTPClient is nil or uses
	// NotifyTransport.
	AllowRemoteNotify bool
	// MaxNotifyInFlight caps the deliveries in flight to one notify target (scheme, host and
	// port); zero means DefaultMaxNotifyInFlight.
	MaxNotifyInFlight int
	// FreshnessWindow bounds Request-Time skew; zero means signing.DefaultWindow.
	FreshnessWindow time.Duration
	// SignatureStyle is how the wallet writes the signatures of its responses and
	// notifications; the zero Style is the canonical form. A merchant under test that accepts
	// only one variant declares it in its target profile.
	SignatureStyle signing.Style
	// PublicURL, when set, is the base URL the wallet advertises (cashier page links) and URL
	// returns, instead of the address Start binds: for a wallet reached through a proxy, or
	// served through Handler on the caller's own listener.
	PublicURL string
	// Signatures signs the wallet's responses and notifications, each distinct message once,
	// and counts the signatures made and verified; nil means a Memo of the server's own.
	Signatures *signing.Memo
	// OpenStore, when set, opens the store that keeps the wallet's state instead of memory
	// (for `wallet-mock --data`, sqlitestore.Open on the data file): payments, captures,
	// refunds, idempotency records, registered merchants, pending notifications and the
	// business clock's offset. A wallet started again on the same store answers inquiries and
	// repeated requests as before and resumes its notification retries on their schedule.
	// Notification holds and scripted answers (test control) are not kept. NewServer calls it
	// once; the server closes the store when it closes, or when NewServer fails.
	OpenStore func() (records.Store, error)
	// Defects are deliberate protocol mistakes (a test aid, defects.go); nil for a correct
	// wallet. NewServer refuses a name the catalog does not hold.
	Defects []Defect
	// Variants are correct behaviours some published wallets show where the kit's own
	// differs (a test aid, variants.go); NewServer refuses a name the list does not hold.
	Variants []Variant
	// Dialect is the shape of the OpenAPI the wallet speaks (docs/dialects.md): paths,
	// fields, the notification's outcome, the refund API, the capture rules. The zero value
	// means the kit preset.
	Dialect dialect.Dialect
}

// Server is a running wallet mock.
type Server struct {
	cfg       Config
	clock     clock.Clock
	virtual   *clock.Virtual
	log       *slog.Logger
	merchants map[string]Merchant // by client id
	byAppID   map[string]Merchant
	client    *http.Client
	defects   defectSet
	variants  *variants
	dialect   dialect.Dialect // what Config.Dialect means: the kit preset when empty

	mu sync.Mutex
	// store keeps payments, captures, refunds and what must survive a restart (store.go);
	// guarded by mu.
	store     store
	deadlines map[string]clock.Timer // by payment id: the deadline of a payment waiting for the payer
	holds     map[string]bool        // notification holds by "id:"+paymentId or "req:"+paymentRequestId
	held      []heldDelivery         // deliveries waiting for a RELEASE
	// chains counts, by payment id, the notifications being delivered: from notify (or a
	// restart) until an attempt ends the schedule. The payment view reports it, so a
	// scenario waiting for what must not come stops once nothing more can.
	chains map[string]int
	// answerFaults are scripted U or forged answers, consumed in order; answerScripts keeps
	// every script by id, for GET /conformance/answers/{id}.
	answerFaults  []*answerFault
	answerScripts map[string]*answerFault
	burnt         map[string]bool // request ids a defective wallet keeps after refusing them
	// inFlight holds a slot per delivery in flight, by notify target (MaxNotifyInFlight).
	inFlight map[string]chan struct{}

	closing  bool          // guarded by mu: no new deliveries start
	recorded chan struct{} // guarded by mu: closed and replaced when an attempt is recorded
	notifyWG sync.WaitGroup
	ln       net.Listener
	srv      *http.Server
	url      string
	closed   chan struct{}
}

// NewServer builds a wallet mock; Start makes it listen.
func NewServer(cfg Config) (*Server, error) {
	if cfg.PrivateKey == nil {
		return nil, errors.New("wallet: Config.PrivateKey is required")
	}
	if cfg.Profile.GeneralProductCode == "" {
		cfg.Profile = fixtures.DefaultWalletProfile()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler) // formats nothing: -v turns logging on
	}
	if cfg.NotifyTimeout == 0 {
		cfg.NotifyTimeout = 10 * time.Second
	}
	if err := checkDialect(cfg); err != nil {
		return nil, err
	}
	vars, err := newVariants(cfg.Variants)
	if err != nil {
		return nil, err
	}
	defects, err := newDefectSet(cfg.Defects)
	if err != nil {
		return nil, err
	}
	s := &Server{
		defects:       defects,
		variants:      vars,
		dialect:       effectiveDialect(cfg),
		burnt:         map[string]bool{},
		cfg:           cfg,
		log:           cfg.Logger,
		merchants:     map[string]Merchant{},
		byAppID:       map[string]Merchant{},
		client:        cfg.HTTPClient,
		store:         newMemoryStore(),
		deadlines:     map[string]clock.Timer{},
		holds:         map[string]bool{},
		chains:        map[string]int{},
		answerScripts: map[string]*answerFault{},
		inFlight:      map[string]chan struct{}{},
		recorded:      make(chan struct{}),
		closed:        make(chan struct{}),
		url:           strings.TrimRight(cfg.PublicURL, "/"),
	}
	if s.client == nil {
		s.client = &http.Client{Timeout: cfg.NotifyTimeout, Transport: NotifyTransport(cfg.AllowRemoteNotify)}
	}
	if s.cfg.Signatures == nil {
		s.cfg.Signatures = signing.NewMemo()
	}
	if len(defects) > 0 {
		c := *s.client
		next := c.Transport
		if next == nil {
			next = http.DefaultTransport
		}
		c.Transport = sendNotification{next: next, defects: defects, key: cfg.PrivateKey}
		s.client = &c
	}
	if cfg.Clock == nil {
		s.virtual = clock.NewVirtual()
		s.clock = s.virtual
	} else {
		s.clock = cfg.Clock
		s.virtual, _ = cfg.Clock.(*clock.Virtual)
	}
	if cfg.OpenStore != nil {
		st, err := cfg.OpenStore()
		if err != nil {
			return nil, err
		}
		s.store = &recordStore{st: st}
		if err := s.restore(); err != nil {
			_ = s.store.close()
			return nil, err
		}
	}
	for _, m := range cfg.Merchants {
		if err := s.Register(m); err != nil {
			_ = s.store.close()
			return nil, err
		}
	}
	if err := s.resume(); err != nil {
		_ = s.store.close()
		return nil, err
	}
	return s, nil
}

// Register adds a merchant, or replaces the one with the same client id.
func (s *Server) Register(m Merchant) error {
	if m.ClientID == "" || m.PublicKey == nil {
		return errors.New("wallet: a merchant needs a client id and a public key")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.store.saveMerchant(m); err != nil {
		return err
	}
	s.registerLocked(m)
	return nil
}

func (s *Server) registerLocked(m Merchant) {
	s.merchants[m.ClientID] = m
	if m.AppID != "" {
		s.byAppID[m.AppID] = m
	}
}

func (s *Server) merchant(clientID string) (Merchant, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.merchants[clientID]
	return m, ok
}

// Clock returns the virtual clock the server advances on the control API, or nil when the
// caller supplied a clock of another kind.
func (s *Server) Clock() *clock.Virtual { return s.virtual }

// Start binds addr (for example "127.0.0.1:0") and serves in the background. The URL is
// known once Start returns, so nothing races for the port.
func (s *Server) Start(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("wallet: listen %s: %w", addr, err)
	}
	s.ln = ln
	if s.cfg.PublicURL == "" {
		s.url = "http://" + ln.Addr().String()
	}
	s.srv = guard.NewServer(s.Handler(), s.Limits())
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("wallet: serve", "err", err)
		}
	}()
	return nil
}

// URL is the base URL of the OpenAPI and of the test control (they share a listener):
// Config.PublicURL when set, else the address Start bound.
func (s *Server) URL() string { return s.url }

// Close stops the server and waits for notifications in flight.
func (s *Server) Close() error {
	select {
	case <-s.closed:
		return nil
	default:
		close(s.closed)
	}
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()
	var err error
	if s.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err = s.srv.Shutdown(ctx)
	}
	s.notifyWG.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, t := range s.deadlines {
		t.Stop()
		delete(s.deadlines, id)
	}
	return errors.Join(err, s.store.close())
}

// Handler routes the OpenAPI, the test control and the cashier page.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	handlers := s.apiHandlers()
	for path, name := range s.routes() {
		mux.Handle("POST "+path, s.api(name, handlers[name]))
	}
	mux.HandleFunc("POST /conformance/tradePay", s.handleTradePay)
	mux.HandleFunc("POST /conformance/clock", s.handleClock)
	mux.HandleFunc("GET /conformance/payments/{paymentId}", s.handlePaymentView)
	mux.HandleFunc("POST /conformance/notifications", s.handleNotificationScript)
	mux.HandleFunc("POST /conformance/answers", s.handleAnswerFault)
	mux.HandleFunc("GET /conformance/answers/{id}", s.handleAnswerScript)
	mux.HandleFunc("GET /cashier/{paymentId}", s.handleCashierPage)
	mux.HandleFunc("POST /cashier/{paymentId}", s.handleCashierAction)
	mux.HandleFunc("POST /conformance/reset", s.handleReset)
	mux.HandleFunc("/", s.handleUnknownPath)
	return s.logged(s.durableAnswers(guard.Control(mux)))
}

// durableAnswers makes the saves a batch holds (a clock move in progress) durable before any
// answer leaves the wallet: a merchant or a payer is never told of a state that a crash
// would take back.
func (s *Server) durableAnswers(next http.Handler) http.Handler {
	if s.cfg.OpenStore == nil {
		return next // memory: nothing to make durable
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&flushFirst{ResponseWriter: w, flush: s.flushStore}, r)
	})
}

// flushStore makes what the store's open batch holds durable; a failure is logged.
func (s *Server) flushStore() {
	if err := s.store.flush(); err != nil {
		_ = s.storageError(err)
	}
}

// flushFirst calls flush before the first byte of the answer is written.
type flushFirst struct {
	http.ResponseWriter
	flush   func()
	flushed bool
}

func (f *flushFirst) before() {
	if !f.flushed {
		f.flushed = true
		f.flush()
	}
}

func (f *flushFirst) WriteHeader(code int) {
	f.before()
	f.ResponseWriter.WriteHeader(code)
}

func (f *flushFirst) Write(b []byte) (int, error) {
	f.before()
	return f.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (f *flushFirst) Unwrap() http.ResponseWriter { return f.ResponseWriter }

// newID returns a wallet id: a prefix, the business date and 16 random digits, unique enough
// that two mocks never collide in a test run.
func (s *Server) newID(prefix string) string {
	n, err := rand.Int(rand.Reader, big.NewInt(1e16))
	if err != nil {
		panic(fmt.Sprintf("wallet: crypto/rand failed: %v", err))
	}
	return fmt.Sprintf("%s%s%016d", prefix, s.clock.Now().UTC().Format("20060102"), n)
}

func reqKey(clientID, id string) string { return clientID + "\x00" + id }
