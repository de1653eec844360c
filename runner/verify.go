package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/clock"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/preflight"
	"github.com/tradepaykit/tradepaykit/internal/profile"
	"github.com/tradepaykit/tradepaykit/internal/report"
	"github.com/tradepaykit/tradepaykit/internal/target"
	"github.com/tradepaykit/tradepaykit/internal/wallet"
	"github.com/tradepaykit/tradepaykit/steps"
)

const verifyWalletHelp = `Verifies a wallet sandbox. The kit starts its reference merchant (the merchant server) on
--notify-listen, pointed at the wallet, and plays the payer through the wallet's test control;
it runs every @wallet scenario and the merchant-wallet contract. The wallet must know the
merchant: --client-id with the public half of --merchant-key (default: the kit's test client
id and merchant test key, fixtures/keys/merchant-public.pem), and notify the URL the kit
passes as paymentNotifyUrl (printed at the start).
`

const verifyMerchantHelp = `Verifies a merchant's test deployment. The kit starts its wallet mock on --wallet-listen (the
address the merchant's deployment is configured to call as its wallet; printed at the start),
registers the merchant (--client-id, --merchant-public-key, --app-id) and drives the merchant
through its test adapter at --merchant-url: every @merchant scenario and the wallet-merchant
contract. The merchant must verify the wallet with the public half of --wallet-key (default:
fixtures/keys/wallet-public.pem).
`

func runVerifyWallet(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	const cmd = "verify-wallet"
	fs := newFlagSet(cmd, verifyWalletHelp, stderr)
	var sf suiteFlags
	sf.register(fs)
	walletURL := fs.String("wallet-url", "", "the wallet's OpenAPI base `URL`, with any path prefix (required)")
	controlURL := fs.String("control-url", "", "the root `URL` of the wallet's test control (POST .../conformance/tradePay); default --wallet-url without the profile's basePath")
	clientID := fs.String("client-id", fixtures.ClientID, "the client `ID` the wallet knows the kit's merchant by")
	merchantKey := fs.String("merchant-key", "", "the merchant private key `PEM` file the kit signs with; default the kit's test key")
	walletKey := fs.String("wallet-public-key", "", "the wallet's public key `PEM` file, to verify its answers and notifications; default the kit's test key")
	appID := fs.String("app-id", defaultAppID, "the orderStr app_id `ID` the wallet maps to the client id")
	notifyListen := fs.String("notify-listen", "127.0.0.1:0", "where the kit's merchant listens for notifications (`ADDR`, or fd:N)")
	advertise := fs.String("advertise-url", "", "the base `URL` the wallet reaches --notify-listen at (a tunnel or proxy); default the listen address")
	profileFlag := fs.String("profile", "", "the wallet's target profile: a JSON `FILE`, or kit:NAME (kit:wallet-mock, kit:wallet-bare, kit:wallet-sample)")
	stateURL := fs.String("pact-states-url", "", "the wallet's own provider-state `URL` for the pact; default: the kit sets states up through the OpenAPI and the test control")
	var vf verificationFlags
	vf.register(fs)
	notifyRegistered := fs.Bool("notify-url-registered", false, "the wallet has the kit's notify URL (printed at the start; fix it with --notify-listen or --advertise-url) registered for --client-id: run the scenarios whose orderStr names no notify_url")
	secondClientID := fs.String("second-client-id", fixtures.SecondClientID, "the client `ID` of a second test merchant the wallet knows, to check that it cannot reach the first one's payments")
	secondKey := fs.String("second-merchant-key", "", "the second merchant's private key `PEM` file; default the kit's second test key (fixtures/keys/second-merchant-private.pem)")
	dialectProbe := fs.Bool("dialect-probe", true, "probe the target's dialect first and stop (exit 2) when it speaks another than the profile says; false runs the scenarios anyway, which then fail on each difference")
	if code := parseFlags(fs, args, stderr); code >= 0 {
		return code
	}
	fail := func(err error) int {
		usageError(stderr, cmd, err)
		return exitUsage
	}
	brokerClient, err := vf.check()
	if err != nil {
		return fail(err)
	}
	opts, err := sf.options(stdout)
	if err != nil {
		return fail(err)
	}
	secondMerchantKey, _, err := loadPrivateKey("--second-merchant-key", *secondKey, fixtures.SecondMerchantPrivateKey)
	if err != nil {
		return fail(err)
	}
	prof, profName, err := loadProfile(*profileFlag, "wallet")
	if err != nil {
		return fail(err)
	}
	prof, d, err := withDialect(prof, *profileFlag, opts.dialect)
	if err != nil {
		return fail(err)
	}
	wp := prof.Wallet()
	base, err := checkURL("--wallet-url", *walletURL)
	if err != nil {
		return fail(err)
	}
	control := strings.TrimSuffix(base, strings.TrimRight(wp.BasePath, "/"))
	if *controlURL != "" {
		if control, err = checkURL("--control-url", *controlURL); err != nil {
			return fail(err)
		}
	}
	base = joinBase(base, wp.BasePath)
	if *clientID == "" {
		return fail(errors.New("--client-id is empty"))
	}
	mKey, mKeyName, err := loadPrivateKey("--merchant-key", *merchantKey, fixtures.MerchantPrivateKey)
	if err != nil {
		return fail(err)
	}
	wPub, _, err := loadPublicKey("--wallet-public-key", *walletKey, fixtures.WalletPublicKey)
	if err != nil {
		return fail(err)
	}
	if *stateURL != "" {
		if _, err := checkURL("--pact-states-url", *stateURL); err != nil {
			return fail(err)
		}
	}

	httpClient := &http.Client{Timeout: 30 * time.Second}
	defer httpClient.CloseIdleConnections()
	// The dialect probe first: a wallet answering in another dialect stops the run here,
	// naming the one it likely speaks, within preflight.DialectBudget.
	probeCtx, stopProbe := context.WithTimeout(ctx, preflight.DialectBudget)
	defer stopProbe()
	var seen dialect.Signals
	if *dialectProbe {
		if seen, err = preflight.WalletPaths(probeCtx, preflight.Wallet{HTTPClient: httpClient, URL: base, Root: strings.TrimSuffix(base, strings.TrimRight(wp.BasePath, "/")),
			Dialect: d, ClientID: *clientID, PartnerID: prof.PartnerIDValue(), Key: mKey, Style: prof.Style()}); err != nil {
			return unreachable(stderr, cmd, err)
		}
	}
	if err := probe(ctx, httpClient, "wallet OpenAPI", "--wallet-url", base+"/"+d.PathVersion+"/payments/inquiryPayment",
		"that the wallet sandbox runs and that --wallet-url (with its path prefix, or the profile's basePath) is its OpenAPI base"); err != nil {
		return unreachable(stderr, cmd, err)
	}
	if err := probe(ctx, httpClient, "wallet test control", "--control-url", control+"/conformance/tradePay",
		"that the wallet exposes the test control (docs/hooks.md, \"The wallet's test control\") and that --control-url is its root"); err != nil {
		return unreachable(stderr, cmd, err)
	}

	// The merchant's business time follows the wallet's: a scenario that moves the wallet's
	// clock moves the merchant's with it, so the deadlines it asks for stay in the future.
	business := clock.NewVirtual()
	follower := target.NewClockFollower(business, http.DefaultTransport)
	httpClient.Transport = follower
	rec := &recorder{}
	m, err := startReferenceMerchant(referenceMerchantSpec{
		listen: *notifyListen, advertise: *advertise, walletURL: base, clientID: *clientID, appID: *appID,
		key: mKey, walletKey: wPub, profile: wp, style: prof.Style(), clock: business, rec: rec,
		walletAlgorithms: prof.Algorithms(), dialect: d, partnerID: prof.PartnerIDValue(),
	})
	if err != nil {
		return fail(fmt.Errorf("starting the reference merchant: %w", err))
	}
	defer m.close()
	if prof.Capabilities.Clock {
		if err := follower.Sync(ctx, httpClient, control); err != nil {
			return unreachable(stderr, cmd, fmt.Errorf("%w: reading the wallet's clock (POST %s/conformance/clock): %v\n  check: the profile declares clock control; set capabilities.clock to false if the wallet has none", errUnreachable, control, err))
		}
	}
	if *dialectProbe {
		if err := preflight.WalletPayment(probeCtx, preflight.Payment{HTTPClient: httpClient, MerchantURL: m.http.local, ControlURL: control,
			Dialect: d, Flows: prof.SupportsFlow}, seen); err != nil {
			return unreachable(stderr, cmd, err)
		}
	}
	stopProbe()

	judged := prof.JudgedDialectOr(d)
	fmt.Fprintf(stdout, "tradepaykit verify-wallet %s, dialect %s%s\n", kitVersion(), judged.Label(), opts.pactNote())
	fmt.Fprintf(stdout, "  wallet OpenAPI      %s\n  wallet test control %s\n  profile             %s\n", base, control, profName)
	fmt.Fprintf(stdout, "  the kit's merchant  client id %s, app id %s, key %s\n", *clientID, *appID, mKeyName)
	fmt.Fprintf(stdout, "  notifications to    %s (paymentNotifyUrl / notify_url; listening on %s)\n", m.server.NotifyURL(), m.http.local)

	s := &suite{
		opts: opts, side: "@wallet", profile: withCapabilities(prof, profile.Capabilities{ReferenceMerchant: true}), related: rec, dialect: judged,
		targets: steps.Targets{
			Dialect: judged, PartnerID: prof.PartnerIDValue(),
			HTTPClient: httpClient, WalletURL: base, ControlURL: control, MerchantURL: m.http.local,
			ClientID: *clientID, AppID: *appID, MerchantKey: mKey, WalletPublicKey: wPub, Profile: wp, SignatureAlgorithms: prof.Algorithms(),
			Capabilities:   steps.Capabilities{Clock: prof.Capabilities.Clock, WalletMock: prof.Capabilities.WalletMock, ReferenceMerchant: true},
			SignatureStyle: prof.Style(), Wait: opts.wait,
			Health:    walletHealth(rec, m.server.NotifyURL()),
			NotifyURL: m.server.NotifyURL(), RegisteredNotifyURL: *notifyRegistered,
			SecondClientID: *secondClientID, SecondMerchantKey: secondMerchantKey,
		},
		run: &report.Run{
			Command: cmd, Args: append([]string{cmd}, args...), KitVersion: kitVersion(),
			Target: []report.Endpoint{
				{Name: "wallet OpenAPI", URL: base}, {Name: "wallet test control", URL: control},
				{Name: "kit's reference merchant (notify endpoint)", URL: m.server.NotifyURL()},
			},
			ProfileName: profName, ProfileJSON: prof.JSON(), Started: time.Now(),
		},
	}
	s.pacts = func(ctx context.Context) []report.Pact {
		ps := []report.Pact{verifyWalletPact(ctx, walletPactSpec{
			walletURL: base, controlURL: control, stateURL: *stateURL, clientID: *clientID,
			merchantKey: mKey, walletKey: wPub, profile: wp, verifier: opts.verifier,
		}, prof, opts.expectations)}
		s.run.Notes = append(s.run.Notes, vf.publishResults(ctx, brokerClient, ps, stderr)...)
		return ps
	}
	return s.execute(ctx, stdout, stderr)
}

func runVerifyMerchant(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	const cmd = "verify-merchant"
	fs := newFlagSet(cmd, verifyMerchantHelp, stderr)
	var sf suiteFlags
	sf.register(fs)
	merchantURL := fs.String("merchant-url", "", "the root `URL` of the merchant's test adapter (POST .../conformance/orders) (required)")
	merchantKey := fs.String("merchant-public-key", "", "the merchant's public key `PEM` file, to verify its requests and orderStrs; default the kit's test key")
	clientID := fs.String("client-id", fixtures.ClientID, "the client `ID` the merchant signs under")
	appID := fs.String("app-id", defaultAppID, "the orderStr app_id `ID` of the merchant")
	walletListen := fs.String("wallet-listen", "127.0.0.1:0", "where the kit's wallet listens (`ADDR`, or fd:N): the wallet URL the merchant's deployment calls")
	advertise := fs.String("advertise-url", "", "the base `URL` the merchant reaches --wallet-listen at (a tunnel or proxy); default the listen address")
	walletKey := fs.String("wallet-key", "", "the wallet private key `PEM` file the kit signs answers and notifications with; default the kit's test key")
	notifyURL := fs.String("merchant-notify-url", "", "the merchant's notify `URL`, registered with the wallet and used by the pact; default: learnt from an order")
	notifyTimeout := fs.Duration("notify-timeout", 10*time.Second, "how long the wallet waits for the merchant's answer to a notification")
	profileFlag := fs.String("profile", "", "the merchant's target profile: a JSON `FILE`, or kit:NAME (kit:reference-merchant, kit:merchant-sample, kit:merchant-bare)")
	stateURL := fs.String("pact-states-url", "", "the merchant's own provider-state `URL` for the pact; default: the kit sets states up through the test adapter")
	dialectProbe := fs.Bool("dialect-probe", true, "probe the target's dialect first and stop (exit 2) when it speaks another than the profile says; false runs the scenarios anyway, which then fail on each difference")
	var vf verificationFlags
	vf.register(fs)
	if code := parseFlags(fs, args, stderr); code >= 0 {
		return code
	}
	fail := func(err error) int {
		usageError(stderr, cmd, err)
		return exitUsage
	}
	brokerClient, err := vf.check()
	if err != nil {
		return fail(err)
	}
	opts, err := sf.options(stdout)
	if err != nil {
		return fail(err)
	}
	prof, profName, err := loadProfile(*profileFlag, "merchant")
	if err != nil {
		return fail(err)
	}
	prof, d, err := withDialect(prof, *profileFlag, opts.dialect)
	if err != nil {
		return fail(err)
	}
	wp := prof.Wallet()
	adapter, err := checkURL("--merchant-url", *merchantURL)
	if err != nil {
		return fail(err)
	}
	if *clientID == "" {
		return fail(errors.New("--client-id is empty"))
	}
	mPub, mPubName, err := loadPublicKey("--merchant-public-key", *merchantKey, fixtures.MerchantPublicKey)
	if err != nil {
		return fail(err)
	}
	wKey, wKeyName, err := loadPrivateKey("--wallet-key", *walletKey, fixtures.WalletPrivateKey)
	if err != nil {
		return fail(err)
	}
	for flagName, v := range map[string]string{"--merchant-notify-url": *notifyURL, "--pact-states-url": *stateURL} {
		if v != "" {
			if _, err := checkURL(flagName, v); err != nil {
				return fail(err)
			}
		}
	}

	httpClient := &http.Client{Timeout: 30 * time.Second}
	defer httpClient.CloseIdleConnections()

	// The kit asks its wallet about the merchant's payments (inquiryPayment) as the merchant,
	// with its own key, which the wallet accepts for the merchant's client id.
	kitKey := fixtures.PrivateKey(fixtures.MerchantPrivateKey)
	rec := &recorder{}
	payWatch, notifyWatch := preflight.NewPayWatch(), preflight.NewNotifyWatch()
	wm, err := startWalletMock(walletMockSpec{
		listen: *walletListen, advertise: *advertise, profile: wp, dialect: d, style: prof.Style(), key: wKey,
		merchants: []wallet.Merchant{{ClientID: *clientID, PublicKey: mPub, AppID: *appID, NotifyURL: *notifyURL,
			KitKey: &kitKey.PublicKey}},
		allowRemoteNotify: true, notifyTimeout: *notifyTimeout, rec: rec, merchantKey: mPub,
		wrap: payWatch.Wrap, wrapNotify: notifyWatch.Wrap,
	})
	if err != nil {
		return fail(fmt.Errorf("starting the wallet mock: %w", err))
	}
	defer wm.close()
	walletBase := joinBase(wm.http.local, wp.BasePath)
	// The wallet listens before the probe: a merchant may call its wallet while it answers.
	if err := probe(ctx, httpClient, "merchant test adapter", "--merchant-url", adapter+"/conformance/orders",
		"that the merchant's test deployment runs and that --merchant-url is the root of its test adapter (docs/hooks.md, \"The merchant's test adapter\")"); err != nil {
		return unreachable(stderr, cmd, err)
	}
	// The dialect probe: a merchant paying in another dialect stops the run here, naming the
	// one it likely speaks.
	probeCtx, stopProbe := context.WithTimeout(ctx, preflight.DialectBudget)
	if *dialectProbe {
		err = preflight.MerchantPay(probeCtx, preflight.Merchant{HTTPClient: httpClient, AdapterURL: adapter, Dialect: d, Flows: prof.SupportsFlow,
			Watch: payWatch, ControlURL: wm.http.local, Notifications: notifyWatch})
	}
	stopProbe()
	if err != nil {
		return unreachable(stderr, cmd, err)
	}

	judged := prof.JudgedDialectOr(d)
	fmt.Fprintf(stdout, "tradepaykit verify-merchant %s, dialect %s%s\n", kitVersion(), judged.Label(), opts.pactNote())
	fmt.Fprintf(stdout, "  merchant test adapter %s\n  profile               %s\n", adapter, profName)
	fmt.Fprintf(stdout, "  the kit's wallet      %s (listening on %s; the merchant's deployment calls %s)\n", wm.url, wm.http.local, joinBase(wm.url, wp.BasePath))
	fmt.Fprintf(stdout, "  merchant              client id %s, app id %s, public key %s\n  wallet key            %s\n", *clientID, *appID, mPubName, wKeyName)
	health := merchantHealth(rec, *notifyURL)
	learnt, blocked, note := checkMerchantNotify(ctx, httpClient, *notifyURL, adapter, wm.http.local, prof)
	switch {
	case blocked != "":
		health.NotificationsBlocked(blocked)
		fmt.Fprintf(stdout, "  notifications         CANNOT BE DELIVERED: %s\n", blocked)
	case learnt != "":
		fmt.Fprintf(stdout, "  notifications to      %s\n", learnt)
	}

	s := &suite{
		opts: opts, side: "@merchant", profile: withCapabilities(prof, profile.Capabilities{Clock: true, WalletMock: true}), related: rec,
		beforeClockScenario: wm.RenewIfAhead, dialect: judged,
		targets: steps.Targets{
			Dialect: judged, PartnerID: prof.PartnerIDValue(),
			HTTPClient: httpClient, WalletURL: walletBase, ControlURL: wm.http.local, MerchantURL: adapter,
			ClientID: *clientID, AppID: *appID, MerchantKey: kitKey, MerchantPublicKey: mPub,
			WalletPublicKey: &wKey.PublicKey, WalletKey: wKey,
			Profile:      wallet.Declarations(wm.config()), // the wallet is the kit's mock
			Capabilities: steps.Capabilities{Clock: true, WalletMock: true, ReferenceMerchant: prof.Capabilities.ReferenceMerchant},
			Wait:         opts.wait,
			Health:       health,
		},
		run: &report.Run{
			Command: cmd, Args: append([]string{cmd}, args...), KitVersion: kitVersion(),
			Target: []report.Endpoint{
				{Name: "merchant test adapter", URL: adapter},
				{Name: "kit's wallet mock (the merchant's wallet)", URL: joinBase(wm.url, wp.BasePath)},
			},
			ProfileName: profName, ProfileJSON: prof.JSON(), Started: time.Now(),
		},
	}
	if note != "" {
		s.run.Notes = append(s.run.Notes, note)
	}
	if blocked != "" {
		s.run.Notes = append(s.run.Notes, "notifications cannot be delivered (found before the scenarios): "+blocked)
	}
	s.pacts = func(ctx context.Context) []report.Pact {
		if err := wm.RenewIfAhead(); err != nil {
			s.run.Notes = append(s.run.Notes, "renewing the wallet mock before the pact: "+err.Error())
		}
		notify := learnt
		if notify == "" {
			var err error
			if notify, err = discoverNotifyURL(ctx, httpClient, adapter, wm.http.local, prof); err != nil {
				s.run.Notes = append(s.run.Notes, "the merchant's notify URL: "+err.Error())
			} else {
				s.run.Notes = append(s.run.Notes, "the merchant's notify URL, learnt from an order: "+notify)
			}
		}
		ps := []report.Pact{verifyMerchantPact(ctx, merchantPactSpec{
			notifyURL: notify, merchantURL: adapter, controlURL: wm.http.local, stateURL: *stateURL,
			clientID: *clientID, walletKey: wKey, verifier: opts.verifier,
		}, prof, opts.expectations)}
		s.run.Notes = append(s.run.Notes, vf.publishResults(ctx, brokerClient, ps, stderr)...)
		return ps
	}
	return s.execute(ctx, stdout, stderr)
}

func unreachable(stderr io.Writer, cmd string, err error) int {
	// The error may quote what the target answered.
	fmt.Fprintf(printable(stderr), "tradepaykit %s: %v\n", cmd, err)
	return exitUsage
}

// withCapabilities adds the capabilities the kit's own party brings to the target's.
func withCapabilities(p profile.Profile, kit profile.Capabilities) profile.Profile {
	p.Capabilities.Clock = p.Capabilities.Clock || kit.Clock
	p.Capabilities.WalletMock = p.Capabilities.WalletMock || kit.WalletMock
	p.Capabilities.ReferenceMerchant = p.Capabilities.ReferenceMerchant || kit.ReferenceMerchant
	return p
}

// discoverNotifyURL asks the merchant for an order and reads where it wants to be notified
// (preflight.NotifyURL).
func discoverNotifyURL(ctx context.Context, hc *http.Client, adapterURL, controlURL string, prof profile.Profile) (string, error) {
	return preflight.NotifyURL(ctx, hc, adapterURL, controlURL, prof, "; pass --merchant-notify-url")
}
