package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"strings"
	"time"

	"github.com/tradepaykit/tradepaykit/internal/broker"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/report"
	"github.com/tradepaykit/tradepaykit/pacts"
)

// The Pact Broker workflow: pact-publish publishes the kit's contracts, verify-wallet and
// verify-merchant publish their verification results. Credentials come from the environment
// the Pact tools share (PACT_BROKER_TOKEN, or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD),
// never from flags.

// brokerFlags are the flags every broker-aware command takes.
type brokerFlags struct {
	url                    *string
	merchantName, walletNm *string
}

func (b *brokerFlags) register(fs *flag.FlagSet) {
	b.url = fs.String("broker-url", os.Getenv("PACT_BROKER_BASE_URL"), "the Pact Broker's base `URL` (default $PACT_BROKER_BASE_URL); credentials from $PACT_BROKER_TOKEN, or $PACT_BROKER_USERNAME and $PACT_BROKER_PASSWORD")
	b.merchantName = fs.String("merchant-name", pacts.Merchant, "the merchant's participant `NAME` in the broker (many merchants share one broker)")
	b.walletNm = fs.String("wallet-name", pacts.Wallet, "the wallet's participant `NAME` in the broker (many wallet vendors share one broker)")
}

// client returns the broker client, or nil when no --broker-url was given.
func (b *brokerFlags) client() (*broker.Client, error) {
	if *b.url == "" {
		return nil, nil
	}
	if *b.merchantName == "" || *b.walletNm == "" {
		return nil, errors.New("--merchant-name and --wallet-name must not be empty")
	}
	c, err := broker.New(*b.url)
	if err != nil {
		return nil, fmt.Errorf("--broker-url: %w", err)
	}
	c.Token = os.Getenv("PACT_BROKER_TOKEN")
	c.Username, c.Password = os.Getenv("PACT_BROKER_USERNAME"), os.Getenv("PACT_BROKER_PASSWORD")
	c.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	return c, nil
}

// names returns the broker's consumer and provider names of a pact file (a path inside
// pacts.Files: merchant-wallet.json, or PRESET/merchant-wallet.json for another preset's
// pair). Under another preset the default names are the pair's, which carry the preset
// (merchant-v2, wallet-v2), so that one broker keeps the pairs apart; names given are kept.
func (b *brokerFlags) names(file string) (consumer, provider string) {
	merchant, wallet := *b.merchantName, *b.walletNm
	if preset := path.Dir(file); preset != "." {
		if pair, err := pacts.PairFor(preset); err == nil {
			if merchant == pacts.Merchant {
				merchant = pair.Merchant
			}
			if wallet == pacts.Wallet {
				wallet = pair.Wallet
			}
		}
	}
	if path.Base(file) == pacts.WalletMerchantFile {
		return wallet, merchant
	}
	return merchant, wallet
}

// verificationFlags add what a verification result carries.
type verificationFlags struct {
	brokerFlags
	version, branch, buildURL *string
}

func (v *verificationFlags) register(fs *flag.FlagSet) {
	v.brokerFlags.register(fs)
	v.version = fs.String("provider-version", "", "with --broker-url: the `VERSION` of the system under test (a commit) the verification results are published for")
	v.branch = fs.String("provider-branch", "", "with --broker-url: the repository `BRANCH` of --provider-version")
	v.buildURL = fs.String("build-url", "", "with --broker-url: the CI build's `URL`, recorded with the results")
}

// check returns the client (nil without --broker-url) or what is missing.
func (v *verificationFlags) check() (*broker.Client, error) {
	c, err := v.client()
	if err != nil || c == nil {
		return nil, err
	}
	if *v.version == "" {
		return nil, errors.New("--broker-url needs --provider-version, the version the results are published for")
	}
	return c, nil
}

// publishResults publishes the verification of each verified pact and returns a note per
// pact for the run's report; failures to publish are printed and noted, they do not change
// the verdict on the target.
func (v *verificationFlags) publishResults(ctx context.Context, c *broker.Client, ps []report.Pact, stderr io.Writer) []string {
	if c == nil {
		return nil
	}
	var notes []string
	for _, p := range ps {
		if p.Error != "" {
			notes = append(notes, fmt.Sprintf("no verification result published for %s: %s", p.Name, p.Error))
			continue
		}
		res := broker.Verification{ProviderVersion: *v.version, Branch: *v.branch, BuildURL: *v.buildURL, Verifier: "tradepaykit", VerifierVersion: kitVersion()}
		for _, i := range p.Interactions {
			if i.Status == report.Skipped {
				continue
			}
			res.Results = append(res.Results, broker.InteractionResult{Description: i.Description, Success: i.Status == report.Passed, Mismatches: i.Mismatches})
		}
		consumer, provider := v.names(p.Name)
		if err := c.PublishVerification(ctx, consumer, provider, res); err != nil {
			fmt.Fprintf(stderr, "tradepaykit: publishing the verification of %s: %v\n", p.Name, err)
			notes = append(notes, fmt.Sprintf("publishing the verification of %s failed: %v", p.Name, err))
			continue
		}
		notes = append(notes, fmt.Sprintf("verification of %s (%s -> %s) published for provider version %s", p.Name, consumer, provider, *v.version))
	}
	return notes
}

const pactPublishHelp = `Publishes the kit's two contracts to a Pact Broker under the participant names given
(merchant-wallet.json: --merchant-name -> --wallet-name; wallet-merchant.json: --wallet-name ->
--merchant-name), the consumer version and its branch. --dialect PRESET publishes that preset's
pair instead (pacts/README.md), --dialect all every preset's; under a preset other than kit the
default names carry the preset (merchant-v2 -> wallet-v2). verify-wallet and verify-merchant with
--broker-url then publish their verification results, and the broker's can-i-deploy answers.
`

func runPactPublish(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	const cmd = "pact-publish"
	fs := newFlagSet(cmd, pactPublishHelp, stderr)
	var bf brokerFlags
	bf.register(fs)
	version := fs.String("consumer-version", "", "the consumer `VERSION` the contracts are published under (required; the kit's version, or your commit)")
	branch := fs.String("branch", "", "the repository `BRANCH` of --consumer-version")
	only := fs.String("only", "", "publish only this pact `FILE` (merchant-wallet.json or wallet-merchant.json) of each pair")
	presetFlag := fs.String("dialect", dialect.Default, "the `PRESET` whose pair of contracts is published: "+strings.Join(dialect.Presets(), ", ")+", or all")
	if code := parseFlags(fs, args, stderr); code >= 0 {
		return code
	}
	c, err := bf.client()
	if err == nil && c == nil {
		err = errors.New("--broker-url (or $PACT_BROKER_BASE_URL) is required")
	}
	if err == nil && *version == "" {
		err = errors.New("--consumer-version is required")
	}
	if err == nil && *only != "" && *only != pacts.MerchantWalletFile && *only != pacts.WalletMerchantFile {
		err = fmt.Errorf("--only %q: want %s or %s", *only, pacts.MerchantWalletFile, pacts.WalletMerchantFile)
	}
	var pairs []pacts.Pair
	if err == nil {
		if *presetFlag == "all" {
			pairs = pacts.Pairs()
		} else if pair, perr := pacts.PairFor(*presetFlag); perr != nil {
			err = fmt.Errorf("--dialect: %w", perr)
		} else {
			pairs = []pacts.Pair{pair}
		}
	}
	if err != nil {
		usageError(stderr, cmd, err)
		return exitUsage
	}
	var files []string
	for _, pair := range pairs {
		files = append(files, pair.MerchantWallet, pair.WalletMerchant)
	}
	for _, file := range files {
		if *only != "" && *only != path.Base(file) {
			continue
		}
		consumer, provider := bf.names(file)
		b, err := pacts.Renamed(file, pacts.Names{Consumer: consumer, Provider: provider})
		if err == nil {
			err = c.PublishPact(ctx, consumer, provider, *version, *branch, b)
		}
		if err != nil {
			fmt.Fprintf(stderr, "tradepaykit %s: %s: %v\n", cmd, file, err)
			return exitUsage
		}
		fmt.Fprintf(stdout, "published %s as the pact %s -> %s, version %s\n", file, consumer, provider, *version)
	}
	return exitPass
}
