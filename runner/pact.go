package main

import (
	"crypto/rsa"
	"os"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/report"
)

// The contracts of pacts/ verified against the target. The verifier is libpact_ffi, linked
// through cgo, so it is only in a binary built with the pact tag (`make build` does); a
// binary built without it reports the pacts as not verified, which does not fail the run.

// walletPactSpec says how to verify merchant-wallet.json against a wallet.
type walletPactSpec struct {
	walletURL, controlURL, stateURL string
	clientID                        string
	merchantKey                     *rsa.PrivateKey
	walletKey                       *rsa.PublicKey
	profile                         fixtures.WalletProfile
}

// merchantPactSpec says how to verify wallet-merchant.json against a merchant.
type merchantPactSpec struct {
	notifyURL, merchantURL, controlURL, stateURL string
	clientID                                     string
	walletKey                                    *rsa.PrivateKey
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
