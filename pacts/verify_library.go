//go:build pact

package pacts

import "github.com/tradepaykit/tradepaykit/internal/pactffi"

// LibraryLinked reports whether this build links libpact_ffi (the pact tag, with cgo), so
// that VerifyWallet and VerifyMerchant verify without a Pact CLI.
const LibraryLinked = true

// verifyWithLibrary runs libpact_ffi's verifier in this process.
func verifyWithLibrary(req verifierRequest) (*verifierRun, error) {
	run, err := pactffi.Verify(pactffi.Request{
		ProviderName:   req.ProviderName,
		ProviderURL:    req.ProviderURL,
		StateChangeURL: req.StateChangeURL,
		PactFiles:      []string{req.PactFile},
	})
	if err != nil {
		return nil, err
	}
	return &verifierRun{Passed: run.Passed, JSON: run.JSON, Output: run.Output}, nil
}
