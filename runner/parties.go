package main

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/clock"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/guard"
	"github.com/tradepaykit/tradepaykit/internal/merchant"
	"github.com/tradepaykit/tradepaykit/internal/signing"
	"github.com/tradepaykit/tradepaykit/internal/wallet"
	"github.com/tradepaykit/tradepaykit/internal/wallet/records"
	"github.com/tradepaykit/tradepaykit/internal/wallet/sqlitestore"
)

// The kit's own parties as the runner serves them: on a listener the runner binds (an
// address, or a socket inherited from the parent), behind the test-aid defects and the
// recorder, advertising the URL the other party reaches them at.

// defaultAppID is the orderStr app_id under which the kit's wallet mock knows a merchant.
const defaultAppID = "2026TESTAPP0001"

// listen binds addr: "host:port" ("127.0.0.1:0" picks a free port), or "fd:N" for a
// listening socket inherited as file descriptor N (socket activation; the kit's own tests
// hand over a port they bound this way, so no port is ever guessed).
func listen(flagName, addr string) (net.Listener, error) {
	if n, ok := strings.CutPrefix(addr, "fd:"); ok {
		fd, err := strconv.Atoi(n)
		if err != nil || fd < 3 {
			return nil, fmt.Errorf("%s %q: want fd:N with N >= 3", flagName, addr)
		}
		f := os.NewFile(uintptr(fd), "listener")
		if f == nil {
			return nil, fmt.Errorf("%s %q: no such file descriptor", flagName, addr)
		}
		defer f.Close()
		ln, err := net.FileListener(f)
		if err != nil {
			return nil, fmt.Errorf("%s %q: not a listening socket: %w", flagName, addr, err)
		}
		return ln, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s %q: %w", flagName, addr, err)
	}
	return ln, nil
}

// httpServer serves one handler on one listener.
type httpServer struct {
	srv *http.Server
	// local is the bound address as a URL; what the kit itself calls.
	local string
}

func serve(ln net.Listener, h http.Handler, limits guard.Limits) *httpServer {
	s := &httpServer{srv: guard.NewServer(h, limits), local: "http://" + ln.Addr().String()}
	go func() { _ = s.srv.Serve(ln) }()
	return s
}

// close stops the server: requests in flight get half a second to finish, then their
// connections are cut. When a run ends, a party under test may still be talking to the kit,
// or the kit may be holding an answer back on purpose (a scripted TIMEOUT): neither matters
// any more.
func (s *httpServer) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		return s.srv.Close()
	}
	return nil
}

func advertised(local, advertise string) string {
	if advertise != "" {
		return strings.TrimRight(advertise, "/")
	}
	return local
}

// Defects are test aids: switches that make the kit's own parties break one rule, so the
// kit's tests can prove that a verify run catches a defective target and names the right
// requirement. Never use them for anything else. The catalogs are internal/wallet/defects.go
// and internal/merchant/defects.go.

// defectList is a repeatable --defect flag.
type defectList []string

func (d *defectList) String() string { return strings.Join(*d, ",") }

func (d *defectList) Set(v string) error {
	*d = append(*d, v)
	return nil
}

func (d defectList) has(name string) bool {
	for _, x := range d {
		if x == name {
			return true
		}
	}
	return false
}

func (d defectList) check(known ...string) error {
	for _, x := range d {
		ok := false
		for _, k := range known {
			ok = ok || x == k
		}
		if !ok {
			return fmt.Errorf("--defect %q: this party knows %s", x, strings.Join(known, ", "))
		}
	}
	return nil
}

// walletMockSpec configures the kit's wallet mock.
type walletMockSpec struct {
	listen, advertise string
	merchants         []wallet.Merchant
	profile           fixtures.WalletProfile
	// dialect is the shape of the OpenAPI the mock speaks; the zero value means the kit
	// preset.
	dialect           dialect.Dialect
	style             signing.Style
	key               *rsa.PrivateKey
	allowRemoteNotify bool
	notifyTimeout     time.Duration
	defects           defectList
	// variants are correct behaviours of published wallets the mock shows (wallet.Variant).
	variants []wallet.Variant
	// rec, when set, records the merchant's calls (their signatures checked against
	// merchantKey) and the notifications sent to it.
	rec         *recorder
	merchantKey *rsa.PublicKey
	logger      *slog.Logger
	// dataFile, when set, keeps the wallet's state in a SQLite file (sqlitestore).
	dataFile string
	// wrap, when set, wraps the wallet's handler, and wrapNotify its notification transport
	// (the dialect probe's preflight.PayWatch and NotifyWatch).
	wrap       func(http.Handler) http.Handler
	wrapNotify func(http.RoundTripper) http.RoundTripper
}

// walletMock is a running wallet mock. The listener stays; the wallet behind it can be
// replaced by a fresh one (renew), which a verify-merchant run does when a scenario moved
// the wallet's business clock ahead of the merchant's real one.
type walletMock struct {
	spec   walletMockSpec
	http   *httpServer
	url    string // advertised
	client *http.Client
	*wallet.Renewable
}

func startWalletMock(spec walletMockSpec) (*walletMock, error) {
	if spec.key == nil {
		spec.key = fixtures.PrivateKey(fixtures.WalletPrivateKey)
	}
	if spec.notifyTimeout == 0 {
		spec.notifyTimeout = 10 * time.Second
	}
	if spec.logger == nil {
		spec.logger = slog.New(slog.DiscardHandler)
	}
	ln, err := listen("--listen", spec.listen)
	if err != nil {
		return nil, err
	}
	m := &walletMock{spec: spec}
	m.url = advertised("http://"+ln.Addr().String(), spec.advertise)
	// Notifications go through the wallet's own transport: the loopback rule is checked
	// when it connects, not only on the notify URL.
	var transport http.RoundTripper = wallet.NotifyTransport(spec.allowRemoteNotify)
	if spec.rec != nil {
		transport = spec.rec.outgoing("wallet mock → merchant notify endpoint", spec.merchantKey, transport)
	}
	if spec.wrapNotify != nil {
		transport = spec.wrapNotify(transport)
	}
	m.client = &http.Client{Timeout: spec.notifyTimeout, Transport: transport}
	if m.Renewable, err = wallet.NewRenewable(m.config); err != nil {
		_ = ln.Close()
		return nil, err
	}
	var h http.Handler = m.Renewable
	if spec.rec != nil {
		h = recordPaths("/"+dialect.OrDefault(spec.dialect).PathVersion+"/payments/", spec.rec.incoming("merchant → wallet mock OpenAPI", spec.merchantKey, h), h)
	}
	if spec.wrap != nil {
		h = spec.wrap(h)
	}
	limits := m.Current().Limits()
	m.http = serve(ln, h, limits)
	return m, nil
}

// recordPaths sends requests whose path contains part through recorded, others to plain.
func recordPaths(part string, recorded, plain http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, part) {
			recorded.ServeHTTP(w, r)
			return
		}
		plain.ServeHTTP(w, r)
	})
}

// config is the configuration of each fresh wallet behind the listener.
func (m *walletMock) config() wallet.Config {
	var open func() (records.Store, error)
	if path := m.spec.dataFile; path != "" {
		open = func() (records.Store, error) { return sqlitestore.Open(path) }
	}
	return wallet.Config{
		PrivateKey:        m.spec.key,
		Merchants:         m.spec.merchants,
		Profile:           m.spec.profile,
		Dialect:           m.spec.dialect,
		Logger:            m.spec.logger,
		HTTPClient:        m.client,
		NotifyTimeout:     m.spec.notifyTimeout,
		AllowRemoteNotify: m.spec.allowRemoteNotify,
		SignatureStyle:    m.spec.style,
		PublicURL:         m.url,
		OpenStore:         open,
		Defects:           walletDefects(m.spec.defects),
		Variants:          m.spec.variants,
	}
}

func (m *walletMock) close() error {
	return errors.Join(m.http.close(), m.Renewable.Close())
}

// referenceMerchantSpec configures the kit's reference merchant.
type referenceMerchantSpec struct {
	listen, advertise string
	walletURL         string
	clientID, appID   string
	key               *rsa.PrivateKey
	walletKey         *rsa.PublicKey
	profile           fixtures.WalletProfile
	// dialect is the shape of the OpenAPI the merchant speaks, and partnerID the partnerId
	// it sends where the dialect carries one (empty: dialect.DefaultPartnerID).
	dialect   dialect.Dialect
	partnerID string
	// walletAlgorithms are the signature algorithms the wallet declares (ECC224 accepted,
	// not checked).
	walletAlgorithms []string
	style            signing.Style
	clock            clock.Clock
	defects          defectList
	// variants are correct behaviours of published wallets the mock shows (wallet.Variant).
	variants []wallet.Variant
	// rec, when set, records the merchant's calls to the wallet and the notifications it
	// receives (their signatures checked against walletKey).
	rec    *recorder
	logger *slog.Logger
	// wrap, when set, wraps the merchant's handler outermost.
	wrap func(http.Handler) http.Handler
}

// referenceMerchant is a running reference merchant.
type referenceMerchant struct {
	server *merchant.Server
	http   *httpServer
	client *http.Client
	url    string // advertised: the base of the notify URL
}

func startReferenceMerchant(spec referenceMerchantSpec) (*referenceMerchant, error) {
	if spec.logger == nil {
		spec.logger = slog.New(slog.DiscardHandler)
	}
	ln, err := listen("--listen", spec.listen)
	if err != nil {
		return nil, err
	}
	r := &referenceMerchant{client: &http.Client{Timeout: 30 * time.Second}}
	r.url = advertised("http://"+ln.Addr().String(), spec.advertise)
	cfg := merchant.Config{
		WalletURL: spec.walletURL, ClientID: spec.clientID, PrivateKey: spec.key, WalletPublicKey: spec.walletKey,
		AppID: spec.appID, Profile: spec.profile, Clock: spec.clock, Logger: spec.logger, HTTPClient: r.client,
		SignatureStyle: spec.style, PublicURL: r.url, WalletAlgorithms: spec.walletAlgorithms,
		Dialect: spec.dialect, PartnerID: spec.partnerID,
	}
	for _, d := range spec.defects {
		cfg.Defects = append(cfg.Defects, merchant.Defect(d))
	}
	if spec.rec != nil {
		cfg.OnExchange = spec.rec.walletClientExchange
	}
	if r.server, err = merchant.NewServer(cfg); err != nil {
		_ = ln.Close()
		return nil, err
	}
	h := r.server.Handler()
	if spec.rec != nil {
		h = recordPaths(notifyPath(r.server), spec.rec.incoming("wallet → reference merchant notify endpoint", spec.walletKey, h), h)
	}
	if spec.wrap != nil {
		h = spec.wrap(h)
	}
	r.http = serve(ln, h, guard.DefaultLimits())
	return r, nil
}

func (r *referenceMerchant) close() error {
	err := r.http.close()
	r.client.CloseIdleConnections()
	return errors.Join(err, r.server.Close())
}

// notifyPath is the path of the merchant's notify URL: the dialect's notifyPayment path.
func notifyPath(m *merchant.Server) string {
	if u, err := url.Parse(m.NotifyURL()); err == nil && u.Path != "" {
		return u.Path
	}
	return merchant.NotifyPath
}
