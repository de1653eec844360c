package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/clock"
	"github.com/tradepaykit/tradepaykit/internal/merchant"
	"github.com/tradepaykit/tradepaykit/internal/target"
	"github.com/tradepaykit/tradepaykit/internal/wallet"
)

const walletMockHelp = `Runs the kit's wallet mock as a sandbox for hands-on development, until SIGINT or SIGTERM:
the signed OpenAPI, the cashier page and the test control (my.tradePay as the payer, the
business clock, the payment view, notification scripting), signed with the kit's wallet test
key. It prints its URL, its endpoints, the keys and how to point a merchant at it.

It registers the kit's test merchant (--client-id, --merchant-public-key, --app-id,
--notify-url) and the second test merchant 2026TESTCLIENT0002 with
fixtures/keys/second-merchant-public.pem.

Test aids (for the kit's own tests, never for anything else): --defect NAME makes the mock
break one protocol rule on purpose (repeatable); --list-defects prints the catalog as JSON
[{"name", "requirement", "what"}] and exits.
`

const referenceMerchantHelp = `Runs the kit's reference merchant as a separate process, until SIGINT or SIGTERM: the test
adapter (POST /conformance/orders, ...) and the notify endpoint /v1/payments/notifyPayment,
calling the wallet at --wallet-url with the kit's merchant test key.

Test aids (for the kit's own tests, never for anything else): --defect NAME (repeatable)
makes it break one protocol rule on purpose, from the catalog --list-defects prints as JSON
[{"name","requirement","what"}]: verify-merchant must fail it on that requirement.
`

func runWalletMock(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	const cmd = "wallet-mock"
	fs := newFlagSet(cmd, walletMockHelp, stderr)
	addr := fs.String("listen", "127.0.0.1:0", "where to listen (`ADDR`, or fd:N); :0 picks a free port")
	advertise := fs.String("advertise-url", "", "the base `URL` merchants reach the mock at (a tunnel or proxy); default the listen address")
	merchantKey := fs.String("merchant-public-key", "", "the merchant's public key `PEM` file; default the kit's merchant test key")
	clientID := fs.String("client-id", fixtures.ClientID, "the client `ID` of the merchant")
	appID := fs.String("app-id", defaultAppID, "the orderStr app_id `ID` of the merchant")
	notifyURL := fs.String("notify-url", "", "the merchant's registered notify `URL` (used when pay or the orderStr names none)")
	profileFlag := fs.String("profile", "", "a target profile `FILE` (or kit:NAME) whose dialect, basePath, product codes, retry schedule and signature variant the mock takes")
	dialectFlag := registerDialect(fs)
	allowRemote := fs.Bool("allow-remote-notify", false, "send notifications to non-loopback hosts too")
	notifyTimeout := fs.Duration("notify-timeout", 10*time.Second, "how long the mock waits for the merchant's answer to a notification")
	verbose := fs.Bool("v", false, "log every request, answer and notification attempt to stderr, one line each, with signature checks")
	data := fs.String("data", "", "keep the mock's state in this SQLite `FILE` (created if absent): payments, captures, refunds, idempotency records, merchants, pending notifications and business time survive a restart; default in memory")
	var defects defectList
	fs.Var(&defects, "defect", "test aid: break one rule on purpose (`NAME` from --list-defects; repeatable)")
	listDefects := fs.Bool("list-defects", false, "test aid: print the defect catalog as JSON and exit")
	var variants defectList
	fs.Var(&variants, "variant", "show a behaviour some published wallets show, which the protocol allows (`NAME`: "+variantNames()+"; repeatable)")
	if code := parseFlags(fs, args, stderr); code >= 0 {
		return code
	}
	fail := func(err error) int {
		usageError(stderr, cmd, err)
		return exitUsage
	}
	walletVariants := make([]wallet.Variant, 0, len(variants))
	for _, v := range variants {
		walletVariants = append(walletVariants, wallet.Variant(v))
	}
	if *listDefects {
		if err := listWalletDefects(stdout); err != nil {
			fmt.Fprintf(stderr, "wallet-mock: %v\n", err)
			return exitUsage
		}
		return exitPass
	}
	if err := checkWalletDefects(defects); err != nil {
		return fail(err)
	}
	prof, _, err := loadProfile(*profileFlag, "")
	if err != nil {
		return fail(err)
	}
	prof, d, err := withDialect(prof, *profileFlag, *dialectFlag)
	if err != nil {
		return fail(err)
	}
	mPub, mPubName, err := loadPublicKey("--merchant-public-key", *merchantKey, fixtures.MerchantPublicKey)
	if err != nil {
		return fail(err)
	}
	if *notifyURL != "" {
		if _, err := checkURL("--notify-url", *notifyURL); err != nil {
			return fail(err)
		}
	}
	logger := slog.New(slog.DiscardHandler)
	if *verbose {
		logger = slog.New(slog.NewTextHandler(stderr, nil))
	}
	wp := prof.Wallet()
	wm, err := startWalletMock(walletMockSpec{
		listen: *addr, advertise: *advertise, profile: wp, dialect: d, style: prof.Style(),
		merchants: []wallet.Merchant{
			{ClientID: *clientID, PublicKey: mPub, AppID: *appID, NotifyURL: *notifyURL},
			{ClientID: fixtures.SecondClientID, PublicKey: fixtures.PublicKey(fixtures.SecondMerchantPublicKey)},
		},
		allowRemoteNotify: *allowRemote, notifyTimeout: *notifyTimeout, defects: defects, logger: logger,
		dataFile: *data, variants: walletVariants,
	})
	if err != nil {
		return fail(err)
	}
	api := joinBase(wm.url, wp.BasePath)
	// The verify command the banner suggests checks the mock as it runs: same profile.
	verifyProfile := *profileFlag
	if verifyProfile == "" {
		verifyProfile = "kit:wallet-mock"
	}
	verifyDialect := ""
	if *dialectFlag != "" {
		verifyDialect = " --dialect " + shellQuote(*dialectFlag)
	}
	// A notify URL registered on this machine's loopback is one the verify run can listen on,
	// so the scenarios about an orderStr without notify_url (REQ-WAL-003) run too.
	if u, err := url.Parse(*notifyURL); err == nil && *notifyURL != "" && u.Port() != "" && u.Path == merchant.NotifyPath && (u.Hostname() == "127.0.0.1" || u.Hostname() == "localhost") {
		verifyDialect += " --notify-listen " + shellQuote(u.Host) + " --notify-url-registered"
	}
	// The first line is what scripts (and the kit's tests) read.
	fmt.Fprintf(stdout, "tradepaykit wallet mock listening on %s\n", wm.url)
	fmt.Fprintf(stdout, `
  dialect            %[10]s (docs/dialects.md)
  OpenAPI (signed)   POST %[1]s/%[11]s/payments/{%[12]s}
  cashier page       GET  %[2]s/cashier/{paymentId}
  test control       POST %[2]s/conformance/tradePay   {"tradeNO"|"orderStr"|"paymentUrl", "action": "CONFIRM"}
                     POST %[2]s/conformance/clock      {"advance": "48h"}
                     GET  %[2]s/conformance/payments/{paymentId}
                     POST %[2]s/conformance/notifications {"paymentId", "action": "HOLD|RELEASE|RESEND|SEND"}
                     POST %[2]s/conformance/answers    {"api": "capture", "resultCode": "CAPTURE_IN_PROCESS"}
                     POST %[2]s/conformance/reset      (clears scripted answers and holds)
                     (JSON bodies only, Content-Type: application/json; no cross-origin browser requests)
  registered merchant client id %[3]s, app id %[4]s, public key %[5]s
                     notify URL %[6]s
  wallet key         the kit's wallet test key: fixtures/keys/wallet-private.pem signs,
                     fixtures/keys/wallet-public.pem verifies (below)

Point the merchant's test deployment at it:
  SDK gateway URL    %[2]s  (an SDK appends %[9]s/%[11]s/payments/{api} itself)
  OpenAPI base URL   %[1]s  (for code that appends only /%[11]s/payments/{api})
  client id          %[3]s (orderStr app_id %[4]s)
  wallet public key  fixtures/keys/wallet-public.pem
  merchant key       the private half of %[5]s
Then verify the merchant against a wallet mock of its own:
  tradepaykit verify-merchant --merchant-url http://<merchant>/ --wallet-listen <the address the deployment calls>
Or see a verify run against this mock:
  tradepaykit verify-wallet --wallet-url %[2]s --control-url %[2]s --profile %[8]s%[13]s

%[7]s
Business time moves only through /conformance/clock; a merchant on real time sees deadlines
that already passed after a large advance: restart the mock to come back to real time.
Stop with Ctrl-C.
`, api, wm.url, *clientID, *appID, mPubName, orNone(*notifyURL), strings.TrimSpace(string(fixtures.PEM(fixtures.WalletPublicKey))),
		shellQuote(verifyProfile), apiPathOf(wp.BasePath), dialectSummary(d, prof.PartnerIDValue()), d.PathVersion, strings.Join(apiNames(d), ","), verifyDialect)
	if *data != "" {
		fmt.Fprintf(stdout, "State is kept in %s: a mock started again on it answers as before, business time included\n(start on a new file to come back to real time; one mock per file).\n", *data)
	}
	if len(defects) > 0 {
		fmt.Fprintf(stdout, "TEST AID: defects on: %s\n", defects.String())
	}
	<-ctx.Done()
	fmt.Fprintln(stdout, "wallet mock: stopping")
	if err := wm.close(); err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(stderr, "wallet mock: %v\n", err)
	}
	return exitPass
}

func runReferenceMerchant(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	const cmd = "reference-merchant"
	fs := newFlagSet(cmd, referenceMerchantHelp, stderr)
	addr := fs.String("listen", "127.0.0.1:0", "where to listen (`ADDR`, or fd:N); :0 picks a free port")
	advertise := fs.String("advertise-url", "", "the base `URL` the wallet reaches the merchant at (its notify URL); default the listen address")
	walletURL := fs.String("wallet-url", "", "the wallet's OpenAPI base `URL`, with any path prefix (required)")
	clientID := fs.String("client-id", fixtures.ClientID, "the client `ID` the merchant signs under")
	appID := fs.String("app-id", defaultAppID, "the orderStr app_id `ID` of the merchant")
	merchantKey := fs.String("merchant-key", "", "the merchant private key `PEM` file; default the kit's merchant test key")
	walletKey := fs.String("wallet-public-key", "", "the wallet's public key `PEM` file; default the kit's wallet test key")
	profileFlag := fs.String("profile", "", "the wallet's target profile `FILE` (or kit:NAME): dialect, basePath, product codes, signature variant")
	dialectFlag := registerDialect(fs)
	followClock := fs.String("follow-wallet-clock", "", "take business time from the wallet's clock control at this root `URL` (POST .../conformance/clock, a kit extension), as the self-test's merchant shares the wallet's clock; for verify-merchant runs whose @clock scenarios move the kit's wallet's time")
	verbose := fs.Bool("v", false, "log to stderr")
	var defects defectList
	fs.Var(&defects, "defect", "test aid: break one rule on purpose (`NAME` from --list-defects; repeatable)")
	listDefects := fs.Bool("list-defects", false, "print the catalog of test-aid defects as JSON and exit")
	if code := parseFlags(fs, args, stderr); code >= 0 {
		return code
	}
	fail := func(err error) int {
		usageError(stderr, cmd, err)
		return exitUsage
	}
	if *listDefects {
		return printMerchantDefects(stdout, stderr)
	}
	if err := checkMerchantDefects(defects); err != nil {
		return fail(err)
	}
	wallet, err := checkURL("--wallet-url", *walletURL)
	if err != nil {
		return fail(err)
	}
	prof, _, err := loadProfile(*profileFlag, "")
	if err != nil {
		return fail(err)
	}
	prof, d, err := withDialect(prof, *profileFlag, *dialectFlag)
	if err != nil {
		return fail(err)
	}
	mKey, _, err := loadPrivateKey("--merchant-key", *merchantKey, fixtures.MerchantPrivateKey)
	if err != nil {
		return fail(err)
	}
	wPub, _, err := loadPublicKey("--wallet-public-key", *walletKey, fixtures.WalletPublicKey)
	if err != nil {
		return fail(err)
	}
	logger := slog.New(slog.DiscardHandler)
	if *verbose {
		logger = slog.New(slog.NewTextHandler(stderr, nil))
	}
	var business clock.Clock = clock.Real{}
	var wrap func(http.Handler) http.Handler
	if *followClock != "" {
		control, err := checkURL("--follow-wallet-clock", *followClock)
		if err != nil {
			return fail(err)
		}
		wc, err := newWalletClock(control)
		if err != nil {
			return fail(err)
		}
		business, wrap = wc, wc.refreshBeforeOrders
	}
	m, err := startReferenceMerchant(referenceMerchantSpec{
		listen: *addr, advertise: *advertise, walletURL: wallet, clientID: *clientID, appID: *appID,
		key: mKey, walletKey: wPub, profile: prof.Wallet(), style: prof.Style(), clock: business, defects: defects, logger: logger, wrap: wrap,
		dialect: d, partnerID: prof.PartnerIDValue(),
	})
	if err != nil {
		return fail(err)
	}
	fmt.Fprintf(stdout, "tradepaykit reference merchant listening on %s\n", m.url)
	fmt.Fprintf(stdout, "  test adapter  POST %s/conformance/orders, GET %s/conformance/orders/{orderId}, ...\n", m.url, m.url)
	fmt.Fprintf(stdout, "  notify URL    %s\n  wallet        %s (client id %s, app id %s)\n  dialect       %s (docs/dialects.md)\nStop with Ctrl-C.\n",
		m.server.NotifyURL(), wallet, *clientID, *appID, dialectSummary(d, prof.PartnerIDValue()))
	if len(defects) > 0 {
		fmt.Fprintf(stdout, "TEST AID: defects on: %s\n", defects.String())
	}
	<-ctx.Done()
	fmt.Fprintln(stdout, "reference merchant: stopping")
	if err := m.close(); err != nil {
		fmt.Fprintf(stderr, "reference merchant: %v\n", err)
	}
	return exitPass
}

// walletClock is business time that follows a wallet's clock control: an offset from real
// time, read from the wallet before each order the merchant creates. It is not read while
// the merchant handles a notification: the wallet may be sending it from inside a clock move,
// and would not answer until the move is over.
type walletClock struct {
	clock.Real
	control *target.WalletControl
	mu      sync.Mutex
	offset  time.Duration
}

func newWalletClock(controlURL string) (*walletClock, error) {
	c, err := target.NewWalletControl(target.Config{BaseURL: controlURL, HTTPClient: &http.Client{Timeout: 5 * time.Second}})
	if err != nil {
		return nil, fmt.Errorf("--follow-wallet-clock: %w", err)
	}
	return &walletClock{control: c}, nil
}

// Now returns the wallet's business time as last read.
func (c *walletClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// refreshBeforeOrders reads the wallet's time before the merchant creates an order; when the
// wallet does not answer, the last offset stands.
func (c *walletClock) refreshBeforeOrders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/conformance/orders" {
			if now, err := c.control.AdvanceClock(r.Context(), 0); err == nil {
				c.mu.Lock()
				c.offset = time.Until(now)
				c.mu.Unlock()
			}
		}
		next.ServeHTTP(w, r)
	})
}

func orNone(s string) string {
	if s == "" {
		return "(none: the merchant names it in each pay or orderStr)"
	}
	return s
}

// apiPathOf is the base path as an SDK appends it before /v1/payments/{api}: the gateway URL
// must not carry it too, or every path has the prefix twice.
func apiPathOf(basePath string) string {
	return strings.TrimRight(basePath, "/")
}

// shellQuote quotes a word for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
