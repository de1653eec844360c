//go:build !pact

package main

import (
	"context"

	"github.com/tradepaykit/tradepaykit/internal/profile"
	"github.com/tradepaykit/tradepaykit/internal/report"
)

// pactBuilt: this binary was built without the Pact verifier (no cgo, no libpact_ffi).
const pactBuilt = false

const noPact = "not verified: this tradepaykit was built without the pact tag (build it with `make build`, which links libpact_ffi)"

func verifyWalletPact(context.Context, walletPactSpec, profile.Profile, []report.Expectation) report.Pact {
	return report.Pact{Name: "merchant-wallet.json", Consumer: "merchant", Provider: "wallet", Error: noPact, Unavailable: true}
}

func verifyMerchantPact(context.Context, merchantPactSpec, profile.Profile, []report.Expectation) report.Pact {
	return report.Pact{Name: "wallet-merchant.json", Consumer: "wallet", Provider: "merchant", Error: noPact, Unavailable: true}
}
