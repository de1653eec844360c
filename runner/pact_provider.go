package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path"
	"sync"
	"syscall"
	"time"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/profile"
	"github.com/tradepaykit/tradepaykit/pacts"
)

const pactProviderHelp = `Serves the kit's signing front before a provider, for any standard Pact verifier (the
Pact CLI, pact-jvm, pact-js, ...) to verify the kit's contracts with. The verifier replays each
interaction to the front; the front sets up its provider state (through the provider's own
--pact-states-url, or through the hooks the kit's verify commands use), signs the request with a
real key (as the merchant for a wallet, as the wallet for a merchant), sends it to the provider,
checks the wallet's answer signature, and hands the answer back. When a state cannot be set up
or an answer signature does not verify, the verifier reports a mismatch quoting the reason.

Point the verifier at the printed provider URL (--hostname/--port) and state change URL, with
the state data in the body (the default of the Pact verifiers; teardown calls are answered but
not needed), and the provider name of the pact file (--provider-name). Needs no Pact library:
it works in every build of the runner, bin/tradepaykit-nopact too.

Each dialect preset has its own pair of pacts (pacts/README.md): --dialect PRESET (or the
profile's "dialect") picks the pair --write-pact writes, and the front sets states up in that
preset's shape. The pacts' paths carry no URL prefix: put the wallet's in --wallet-url.

Runs until interrupted; or, given a command after --, runs that command (the verifier) once the
front listens, stops when it ends and exits with its status:

  tradepaykit pact-provider --provider wallet ... --listen 127.0.0.1:8111 -- pact verifier ... --port 8111

A state the kit cannot set up is printed on stderr with its reason, besides the mismatch the
verifier reports. Each state call answers within 4s, under the Pact verifiers' default request
timeout of 5s.

usage: tradepaykit pact-provider [flags] [-- COMMAND [ARG...]]
`

// pactProviderSpec is what the pact-provider command serves.
type pactProviderSpec struct {
	side, listen string
	// command, when set, runs once the front listens; the front stops when it ends.
	command  []string
	wallet   walletPactSpec
	merchant merchantPactSpec
	// dialect picks the pair of pacts (pacts.PairOf) and the shape of the kit's states.
	dialect dialect.Dialect
}

func runPactProvider(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	const cmd = "pact-provider"
	fs := newFlagSet(cmd, pactProviderHelp, stderr)
	side := fs.String("provider", "", "the side under test: wallet (merchant-wallet.json) or merchant (wallet-merchant.json), of the --dialect's pair (required)")
	addr := fs.String("listen", "127.0.0.1:0", "where the front listens (`ADDR`, or fd:N); :0 picks a free port")
	clientID := fs.String("client-id", fixtures.ClientID, "the merchant client `ID` the replayed requests carry")
	stateURL := fs.String("pact-states-url", "", "the provider's own provider-state `URL`; default: the kit sets states up (see --control-url, --merchant-url)")
	writePact := fs.String("write-pact", "", "also write the pact for --provider to this `FILE` (with the names of --consumer-name and --provider-name)")
	consumerName := fs.String("consumer-name", "", "the consumer's participant `NAME` in the pact --write-pact writes; default the pair's: merchant or wallet, merchant-PRESET or wallet-PRESET")
	providerName := fs.String("provider-name", "", "the provider's participant `NAME` in the pact --write-pact writes; default the pair's: wallet or merchant, wallet-PRESET or merchant-PRESET")
	// The wallet side.
	walletURL := fs.String("wallet-url", "", "wallet: the OpenAPI base `URL`, with any path prefix")
	controlURL := fs.String("control-url", "", "wallet: its test control root `URL` (default --wallet-url); merchant: the test control of the wallet the merchant calls, for the paid-order state")
	merchantKey := fs.String("merchant-key", "", "wallet: the merchant private key `PEM` file the front signs with; default the kit's test key")
	walletPub := fs.String("wallet-public-key", "", "wallet: the wallet's public key `PEM` file, to check every answer; default the kit's test key")
	profileFlag := fs.String("profile", "", "wallet: the target profile (a JSON `FILE`, or kit:NAME) whose product codes the kit's states use")
	dialectFlag := registerDialect(fs)
	// The merchant side.
	notifyURL := fs.String("merchant-notify-url", "", "merchant: the notify `URL` every replayed notification goes to")
	merchantURL := fs.String("merchant-url", "", "merchant: the root `URL` of the merchant's test adapter, for the kit's states")
	walletKey := fs.String("wallet-key", "", "merchant: the wallet private key `PEM` file the front signs notifications with; default the kit's test key")
	args, command := splitCommand(args)
	if code := parseFlags(fs, args, stderr); code >= 0 {
		return code
	}
	fail := func(err error) int {
		usageError(stderr, cmd, err)
		return exitUsage
	}
	if command != nil && len(command) == 0 {
		return fail(errors.New("nothing after --: give the command to run, such as pact verifier ..."))
	}
	if *clientID == "" {
		return fail(errors.New("--client-id is empty"))
	}
	// Each preset has its pair of pacts; the wallet side takes the profile's dialect below.
	_, d, err := withDialect(profile.Profile{}, "", *dialectFlag)
	if err != nil {
		return fail(err)
	}
	spec := pactProviderSpec{side: *side, listen: *addr, command: command, dialect: d}
	if *stateURL != "" {
		if _, err := checkURL("--pact-states-url", *stateURL); err != nil {
			return fail(err)
		}
	}
	switch *side {
	case "wallet":
		prof, _, err := loadProfile(*profileFlag, "wallet")
		if err != nil {
			return fail(err)
		}
		if prof, spec.dialect, err = withDialect(prof, *profileFlag, *dialectFlag); err != nil {
			return fail(err)
		}
		base, err := checkURL("--wallet-url", *walletURL)
		if err != nil {
			return fail(err)
		}
		control := base
		if *controlURL != "" {
			if control, err = checkURL("--control-url", *controlURL); err != nil {
				return fail(err)
			}
		}
		mKey, _, err := loadPrivateKey("--merchant-key", *merchantKey, fixtures.MerchantPrivateKey)
		if err != nil {
			return fail(err)
		}
		wPub, _, err := loadPublicKey("--wallet-public-key", *walletPub, fixtures.WalletPublicKey)
		if err != nil {
			return fail(err)
		}
		spec.wallet = walletPactSpec{
			walletURL: base, controlURL: control, stateURL: *stateURL, clientID: *clientID,
			merchantKey: mKey, walletKey: wPub, profile: prof.Wallet(), partnerID: prof.PartnerIDValue(),
		}
	case "merchant":
		notify, err := checkURL("--merchant-notify-url", *notifyURL)
		if err != nil {
			return fail(err)
		}
		if *stateURL == "" {
			if _, err := checkURL("--merchant-url", *merchantURL); err != nil {
				return fail(fmt.Errorf("%w (or pass --pact-states-url)", err))
			}
		}
		if *controlURL != "" {
			if _, err := checkURL("--control-url", *controlURL); err != nil {
				return fail(err)
			}
		}
		wKey, _, err := loadPrivateKey("--wallet-key", *walletKey, fixtures.WalletPrivateKey)
		if err != nil {
			return fail(err)
		}
		spec.merchant = merchantPactSpec{
			notifyURL: notify, merchantURL: *merchantURL, controlURL: *controlURL, stateURL: *stateURL,
			clientID: *clientID, walletKey: wKey,
		}
	default:
		return fail(fmt.Errorf("--provider %q: want wallet or merchant", *side))
	}
	if *writePact != "" {
		b, err := renamedPact(*side, spec.dialect, *consumerName, *providerName)
		if err == nil {
			b, err = pacts.WithClientID(b, *clientID)
		}
		if err != nil {
			return fail(err)
		}
		if err := os.WriteFile(*writePact, b, 0o644); err != nil {
			return fail(err)
		}
	}
	return servePactProvider(ctx, spec, stdout, stderr)
}

// splitCommand splits args at the first "--": the flags before it, the command after it (nil
// when there is no "--").
func splitCommand(args []string) (flags, command []string) {
	for i, a := range args {
		if a == "--" {
			return args[:i], append([]string{}, args[i+1:]...)
		}
	}
	return args, nil
}

// renamedPact is the embedded pact of d's pair whose provider is side, with the names given.
func renamedPact(side string, d dialect.Dialect, consumer, provider string) ([]byte, error) {
	file, err := pacts.PairOf(d).File(side)
	if err != nil {
		return nil, err
	}
	return pacts.Renamed(file, pacts.Names{Consumer: consumer, Provider: provider})
}

// servePactProvider runs the signing front until ctx ends.
func servePactProvider(ctx context.Context, spec pactProviderSpec, stdout, stderr io.Writer) int {
	ln, err := listen("--listen", spec.listen)
	if err != nil {
		usageError(stderr, "pact-provider", err)
		return exitUsage
	}
	var front *pacts.Front
	pair := pacts.PairOf(spec.dialect)
	file, name := pair.MerchantWallet, pair.Wallet
	// The verifier prints only that a state change failed, or a mismatch quoting the reason;
	// the reason also goes to stderr, where whoever runs the recipe sees it.
	var logMu sync.Mutex
	stateLog := func(state, reason string) {
		logMu.Lock()
		defer logMu.Unlock()
		fmt.Fprintf(stderr, "tradepaykit pact-provider: state %q could not be set up: %s\n", state, reason)
	}
	// A provider's reason for a refusal: the verifiers print only the fields that differ.
	refused := func(path, result string) {
		logMu.Lock()
		defer logMu.Unlock()
		fmt.Fprintf(stderr, "tradepaykit pact-provider: the %s answered POST %s with %s\n", spec.side, path, result)
	}
	if spec.side == pacts.Wallet {
		s := spec.wallet
		front, err = pacts.StartWalletFront(ctx, pacts.WalletOptions{
			WalletURL: s.walletURL, ClientID: s.clientID, MerchantKey: s.merchantKey, StateChangeURL: s.stateURL,
			ControlURL: s.controlURL, WalletPublicKey: s.walletKey, Profile: s.profile, Listener: ln,
			StateFailed: stateLog, Refused: refused, Dialect: spec.dialect, PartnerID: s.partnerID,
		})
	} else {
		s := spec.merchant
		file, name = pair.WalletMerchant, pair.Merchant
		front, err = pacts.StartMerchantFront(ctx, pacts.MerchantOptions{
			NotifyURL: s.notifyURL, ClientID: s.clientID, WalletKey: s.walletKey, StateChangeURL: s.stateURL,
			MerchantURL: s.merchantURL, ControlURL: s.controlURL, Listener: ln, StateFailed: stateLog,
			Refused: refused, Dialect: spec.dialect,
		})
	}
	if err != nil {
		_ = ln.Close()
		usageError(stderr, "pact-provider", err)
		return exitUsage
	}
	defer front.Close()
	u, err := url.Parse(front.URL())
	if err != nil {
		fmt.Fprintf(stderr, "tradepaykit pact-provider: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "tradepaykit pact-provider %s: the signing front for the %s (%s, the %s preset's pact)\n", kitVersion(), spec.side, file, pair.Preset)
	fmt.Fprintf(stdout, "  provider URL      %s (--hostname %s --port %s)\n", front.URL(), u.Hostname(), u.Port())
	fmt.Fprintf(stdout, "  state change URL  %s (state in the body)\n", front.StateChangeURL())
	fmt.Fprintf(stdout, "  for example: pact verifier --file %s --provider-name %s --hostname %s --port %s --state-change-url %s --state-change-teardown\n",
		path.Base(file), name, u.Hostname(), u.Port(), front.StateChangeURL())
	fmt.Fprintf(stdout, "listening on %s\n", front.URL())
	if spec.command != nil {
		return runVerifierCommand(ctx, spec.command, stdout, stderr)
	}
	<-ctx.Done()
	fmt.Fprintln(stdout, "stopping")
	return exitPass
}

// runVerifierCommand runs the command given after -- while the front serves, with the
// runner's standard streams, and returns its exit status. An interrupt of the runner stops
// it with SIGTERM (then SIGKILL after 10s).
func runVerifierCommand(ctx context.Context, command []string, stdout, stderr io.Writer) int {
	c := exec.CommandContext(ctx, command[0], command[1:]...)
	c.Stdin, c.Stdout, c.Stderr = os.Stdin, stdout, stderr
	c.Cancel = func() error { return c.Process.Signal(syscall.SIGTERM) }
	c.WaitDelay = 10 * time.Second
	err := c.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		fmt.Fprintf(stdout, "tradepaykit pact-provider: %s passed; stopping\n", command[0])
		return exitPass
	case errors.As(err, &exit) && exit.ExitCode() > 0:
		fmt.Fprintf(stdout, "tradepaykit pact-provider: %s exited with status %d; stopping\n", command[0], exit.ExitCode())
		return exit.ExitCode()
	default:
		fmt.Fprintf(stderr, "tradepaykit pact-provider: running %s: %v\n", command[0], err)
		return exitUsage
	}
}
