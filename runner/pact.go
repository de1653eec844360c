package main

import (
	"cmp"
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/profile"
	"github.com/tradepaykit/tradepaykit/internal/report"
	"github.com/tradepaykit/tradepaykit/pacts"
)

// The contracts of pacts/ verified against the target (pactverifier.go says by what).

// walletPactSpec says how to verify merchant-wallet.json against a wallet.
type walletPactSpec struct {
	walletURL, controlURL, stateURL string
	clientID                        string
	merchantKey                     *rsa.PrivateKey
	walletKey                       *rsa.PublicKey
	profile                         fixtures.WalletProfile
	verifier                        pactVerifier
	// dialect picks the preset's pair (pacts.PairOf); the zero value means the profile's.
	dialect dialect.Dialect
	// partnerID is sent in the kit's set-up calls where the dialect carries partnerId; empty
	// means the profile's (profile.PartnerIDValue).
	partnerID string
}

// merchantPactSpec says how to verify wallet-merchant.json against a merchant.
type merchantPactSpec struct {
	notifyURL, merchantURL, controlURL, stateURL string
	clientID                                     string
	walletKey                                    *rsa.PrivateKey
	verifier                                     pactVerifier
	// dialect: see walletPactSpec.
	dialect dialect.Dialect
}

// pactDialect is the dialect whose pair is verified: d, or when it is the zero value the
// profile's (the kit preset when the profile names none).
func pactDialect(d dialect.Dialect, prof profile.Profile) (dialect.Dialect, error) {
	if d.Preset != "" {
		return d, nil
	}
	pd, err := prof.Dialect()
	if err != nil {
		return dialect.Dialect{}, fmt.Errorf("no verdict: the profile's dialect: %w", err)
	}
	return pd, nil
}

// pactEnv keeps libpact_ffi quiet and offline unless the user says otherwise.
func pactEnv() {
	if os.Getenv("PACT_DO_NOT_TRACK") == "" {
		_ = os.Setenv("PACT_DO_NOT_TRACK", "true")
	}
	if os.Getenv("PACT_LOG_LEVEL") == "" {
		_ = os.Setenv("PACT_LOG_LEVEL", "ERROR")
	}
}

// judge applies the expected failures to a verified pact.
func judge(p *report.Pact, exp []report.Expectation) {
	for i := range p.Interactions {
		in := &p.Interactions[i]
		if in.Status == report.Skipped {
			continue
		}
		st, e := report.Classify(exp, in.Description, nil, in.Status)
		if st != in.Status {
			in.Status, in.Reason, in.Ticket = st, e.Reason, e.Ticket
		}
	}
}

func verifyWalletPact(ctx context.Context, s walletPactSpec, prof profile.Profile, exp []report.Expectation) report.Pact {
	pactEnv()
	d, err := pactDialect(s.dialect, prof)
	pair := pacts.PairOf(d)
	out := report.Pact{Name: pair.MerchantWallet, Consumer: pair.Merchant, Provider: pair.Wallet}
	if err != nil {
		out.Error = err.Error()
		return out
	}
	if s.verifier.none() {
		out.Error, out.Unavailable = noPactVerifier, true
		return out
	}
	file, skipped, cleanup, err := applicable(pair.MerchantWallet, prof)
	if err != nil {
		out.Error = err.Error()
		return out
	}
	defer cleanup()
	if file == "" {
		out.Interactions = skipped
		return out
	}
	r, err := pacts.VerifyWallet(ctx, pacts.WalletOptions{
		WalletURL: s.walletURL, ClientID: s.clientID, MerchantKey: s.merchantKey, StateChangeURL: s.stateURL,
		ControlURL: s.controlURL, WalletPublicKey: s.walletKey, Profile: s.profile, PactFile: file, PactCLI: s.verifier.cli,
		Dialect: d, PartnerID: cmp.Or(s.partnerID, prof.PartnerIDValue()),
	})
	return fromPact(out, r, err, skipped, exp)
}

func verifyMerchantPact(ctx context.Context, s merchantPactSpec, prof profile.Profile, exp []report.Expectation) report.Pact {
	pactEnv()
	d, err := pactDialect(s.dialect, prof)
	pair := pacts.PairOf(d)
	out := report.Pact{Name: pair.WalletMerchant, Consumer: pair.Wallet, Provider: pair.Merchant}
	if err != nil {
		out.Error = err.Error()
		return out
	}
	if s.verifier.none() {
		out.Error, out.Unavailable = noPactVerifier, true
		return out
	}
	if s.notifyURL == "" {
		out.Error = "no verdict: the merchant's notify URL is unknown (pass --merchant-notify-url)"
		return out
	}
	file, skipped, cleanup, err := applicable(pair.WalletMerchant, prof)
	if err != nil {
		out.Error = err.Error()
		return out
	}
	defer cleanup()
	if file == "" {
		out.Interactions = skipped
		return out
	}
	r, err := pacts.VerifyMerchant(ctx, pacts.MerchantOptions{
		NotifyURL: s.notifyURL, ClientID: s.clientID, WalletKey: s.walletKey, StateChangeURL: s.stateURL,
		MerchantURL: s.merchantURL, ControlURL: s.controlURL, PactFile: file, PactCLI: s.verifier.cli,
		Dialect: d,
	})
	return fromPact(out, r, err, skipped, exp)
}

// applicable writes the embedded pact without the interactions the target cannot support
// (the profile has no pre-authorization or no refunds) to a temporary file; it returns the
// file and the interactions left out, as skipped.
func applicable(name string, prof profile.Profile) (string, []report.Interaction, func(), error) {
	raw, err := pacts.Files.ReadFile(name)
	if err != nil {
		return "", nil, nil, fmt.Errorf("no verdict: embedded %s: %w", name, err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return "", nil, nil, fmt.Errorf("no verdict: embedded %s: %w", name, err)
	}
	list, _ := doc["interactions"].([]any)
	var keep []any
	var skipped []report.Interaction
	for _, item := range list {
		in, _ := item.(map[string]any)
		desc, _ := in["description"].(string)
		var states []string
		ps, _ := in["providerStates"].([]any)
		for _, s := range ps {
			if m, ok := s.(map[string]any); ok {
				n, _ := m["name"].(string)
				states = append(states, n)
			}
		}
		if reason := prof.SkipInteraction(desc, states); reason != "" {
			skipped = append(skipped, report.Interaction{Description: desc, States: states, Status: report.Skipped, Reason: reason})
			continue
		}
		keep = append(keep, item)
	}
	if len(keep) == 0 {
		return "", skipped, func() {}, nil
	}
	doc["interactions"] = keep
	b, err := json.Marshal(doc)
	if err != nil {
		return "", nil, nil, fmt.Errorf("no verdict: %w", err)
	}
	dir, err := os.MkdirTemp("", "tradepaykit-pact-")
	if err != nil {
		return "", nil, nil, fmt.Errorf("no verdict: %w", err)
	}
	path := filepath.Join(dir, filepath.Base(name))
	if err := os.WriteFile(path, b, 0o600); err != nil {
		_ = os.RemoveAll(dir)
		return "", nil, nil, fmt.Errorf("no verdict: %w", err)
	}
	return path, skipped, func() { _ = os.RemoveAll(dir) }, nil
}

func fromPact(out report.Pact, r *pacts.Report, err error, skipped []report.Interaction, exp []report.Expectation) report.Pact {
	if err != nil {
		out.Error = "no verdict: " + err.Error()
		return out
	}
	out.Output = r.Output
	for _, i := range r.Interactions {
		in := report.Interaction{Description: i.Description, States: i.States, Status: report.Passed}
		if !i.Passed {
			in.Status = report.Failed
		}
		for _, m := range i.Mismatches {
			in.Mismatches = append(in.Mismatches, m.String())
		}
		out.Interactions = append(out.Interactions, in)
	}
	out.Interactions = append(out.Interactions, skipped...)
	judge(&out, exp)
	return out
}
