package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/profile"
	"github.com/tradepaykit/tradepaykit/internal/report"
	"github.com/tradepaykit/tradepaykit/internal/selftest"
	"github.com/tradepaykit/tradepaykit/internal/signing"
	"github.com/tradepaykit/tradepaykit/internal/wallet"
	"github.com/tradepaykit/tradepaykit/steps"
)

const selfTestHelp = `Runs every scenario and both contracts against the kit's own wallet mock and reference
merchant, started in this process on loopback ports. This is verify-wallet and
verify-merchant pointed at the kit's own parties: if it fails, the kit is broken.

With --dialect the parties speak another preset (docs/dialects.md) and the scenarios judge by
it: tradepaykit --dialect v2. The contracts pin the kit preset and are verified under it only.
`

func runSelfTest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("run", selfTestHelp, stderr)
	var sf suiteFlags
	sf.register(fs)
	if code := parseFlags(fs, args, stderr); code >= 0 {
		return code
	}
	opts, err := sf.options(stdout)
	if err != nil {
		usageError(stderr, "run", err)
		return exitUsage
	}
	return selfTest(ctx, opts, args, stdout, stderr)
}

// selfTest starts the embedded parties and runs the suite and the pacts against them.
func selfTest(ctx context.Context, opts suiteOptions, args []string, stdout, stderr io.Writer) int {
	prof := profile.Profile{Name: "the kit's own parties", Capabilities: profile.Capabilities{Clock: true, WalletMock: true, ReferenceMerchant: true}}
	prof, d, err := withDialect(prof, "", opts.dialect)
	if err != nil {
		usageError(stderr, "run", err)
		return exitUsage
	}
	parties, err := selftest.Start(selftest.Options{Dialect: d})
	if err != nil {
		fmt.Fprintf(stderr, "tradepaykit: cannot start the embedded parties: %v\n", err)
		return exitUsage
	}
	defer parties.Close()
	fmt.Fprintf(stdout, "tradepaykit self-test, dialect %s: wallet mock %s, reference merchant %s%s\n", d.Label(), parties.WalletURL(), parties.MerchantURL(), opts.pactNote())

	// Idle keep-alive connections to the parties are dropped before the parties close, so
	// their graceful shutdown has nothing to wait for.
	httpClient := selftest.NewHTTPClient()
	defer httpClient.CloseIdleConnections()
	targets := steps.Targets{
		HTTPClient:      httpClient,
		WalletURL:       parties.WalletURL(),
		ControlURL:      parties.ControlURL(),
		MerchantURL:     parties.MerchantURL(),
		ClientID:        fixtures.ClientID,
		AppID:           parties.AppID,
		MerchantKey:     fixtures.PrivateKey(fixtures.MerchantPrivateKey),
		WalletPublicKey: fixtures.PublicKey(fixtures.WalletPublicKey),
		WalletKey:       fixtures.PrivateKey(fixtures.WalletPrivateKey),
		// What the kit's mock does where published wallets differ, as its dialect says.
		Profile:      wallet.Declarations(wallet.Config{Profile: parties.Profile, Dialect: d}),
		Dialect:      d,
		PartnerID:    prof.PartnerIDValue(),
		Capabilities: steps.Capabilities{Clock: true, WalletMock: true, ReferenceMerchant: true},
		Wait:         opts.wait,
		Signatures:   parties.Signatures,
		// The embedded wallet has the merchant's notify URL registered and knows the
		// second test merchant.
		NotifyURL:           parties.Merchant.NotifyURL(),
		RegisteredNotifyURL: true,
		SecondMerchantKey:   fixtures.PrivateKey(fixtures.SecondMerchantPrivateKey),
	}
	s := &suite{
		opts: opts, targets: targets, profile: prof, dialect: d, clockParties: ownParties(targets, parties.Signatures),
		run: &report.Run{
			Command: "self-test", Args: append([]string{"run"}, args...), KitVersion: kitVersion(),
			Target: []report.Endpoint{
				{Name: "wallet mock (embedded)", URL: parties.WalletURL()},
				{Name: "reference merchant (embedded)", URL: parties.MerchantURL()},
			},
			ProfileName: "the kit's own parties: every flow and capability", ProfileJSON: prof.JSON(), Started: time.Now(),
		},
		pacts: func(ctx context.Context) []report.Pact {
			return []report.Pact{
				verifyWalletPact(ctx, walletPactSpec{
					walletURL: parties.WalletURL(), controlURL: parties.ControlURL(), clientID: fixtures.ClientID,
					merchantKey: fixtures.PrivateKey(fixtures.MerchantPrivateKey), walletKey: fixtures.PublicKey(fixtures.WalletPublicKey),
					profile: parties.Profile, verifier: opts.verifier,
				}, prof, opts.expectations),
				verifyMerchantPact(ctx, merchantPactSpec{
					notifyURL: parties.Merchant.NotifyURL(), merchantURL: parties.MerchantURL(), controlURL: parties.ControlURL(),
					clientID: fixtures.ClientID, walletKey: fixtures.PrivateKey(fixtures.WalletPrivateKey), verifier: opts.verifier,
				}, prof, opts.expectations),
			}
		},
	}
	code := s.execute(ctx, stdout, stderr)
	printSignatures(stdout, parties.Signatures.Counts())
	printOtherDialects(stdout, d)
	return code
}

// printSignatures says how many RSA signatures the run cost: made by the kit and its parties
// (answers, notifications, the kit's requests; not the orderStrs, nor the pact verification),
// taken from the memo instead, and verified.
func printSignatures(w io.Writer, c signing.MemoCounts) {
	fmt.Fprintf(w, "signatures: %d made, %d reused (the same message signed again), %d verified\n", c.Signed, c.Reused, c.Verified)
}

// printOtherDialects says how to run the self-test in another dialect than d.
func printOtherDialects(w io.Writer, d dialect.Dialect) {
	var others []string
	for _, p := range dialect.Presets() {
		if p != d.Preset {
			others = append(others, p)
		}
	}
	example := "v2"
	if d.Preset == example {
		example = dialect.Default
	}
	fmt.Fprintf(w, "dialect %s; to run another: tradepaykit --dialect %s (%s; docs/dialects.md)\n", d.Label(), example, strings.Join(others, ", "))
}

// ownParties starts a wallet mock and a reference merchant for one @clock scenario, like the
// self-test's own and signing through the same memo: targets with their URLs.
func ownParties(shared steps.Targets, memo *signing.Memo) startParties {
	return func() (steps.Targets, func() error, error) {
		p, err := selftest.Start(selftest.Options{Signatures: memo, Dialect: shared.Dialect, PartnerID: shared.PartnerID})
		if err != nil {
			return shared, nil, err
		}
		t := shared
		t.WalletURL, t.ControlURL, t.MerchantURL, t.AppID = p.WalletURL(), p.ControlURL(), p.MerchantURL(), p.AppID
		t.NotifyURL = p.Merchant.NotifyURL()
		return t, p.Close, nil
	}
}
