package main

import (
	"fmt"
	"os/exec"

	"github.com/tradepaykit/tradepaykit/pacts"
)

// pactVerifier is what verifies the contracts: the official Pact CLI at cli (its `pact
// verifier`, driven as the pact-provider command shows), or, when cli is empty, libpact_ffi,
// linked into a build with the pact tag (`make build`). A build without cgo (`make dist`)
// has only the CLI: --pact-cli, or `pact` on PATH.
type pactVerifier struct {
	cli string
}

// noPactVerifier says why the pacts of a build without libpact_ffi and without a Pact CLI are
// not verified. It is a note, not a failure, except under --require-all.
const noPactVerifier = "NOT VERIFIED: this tradepaykit has no Pact library built in and found no Pact CLI: " +
	"put the official `pact` binary (npm package @pact-foundation/pact-cli) on PATH or pass --pact-cli PATH"

// none reports whether nothing can verify the pacts.
func (v pactVerifier) none() bool { return v.cli == "" && !pacts.LibraryLinked }

// String names the verifier, for the report's first lines.
func (v pactVerifier) String() string {
	switch {
	case v.cli != "":
		return "the Pact CLI " + v.cli
	case pacts.LibraryLinked:
		return "libpact_ffi (built in)"
	default:
		return "none"
	}
}

// findPactVerifier returns the verifier of a run: the CLI of --pact-cli (which must be an
// executable file, or a name on PATH), else the built-in library, else `pact` on PATH.
func findPactVerifier(flagValue string) (pactVerifier, error) {
	if flagValue != "" {
		path, err := exec.LookPath(flagValue)
		if err != nil {
			return pactVerifier{}, fmt.Errorf("--pact-cli %q: not an executable Pact CLI: %w", flagValue, err)
		}
		return pactVerifier{cli: path}, nil
	}
	if pacts.LibraryLinked {
		return pactVerifier{}, nil
	}
	if path, err := exec.LookPath("pact"); err == nil {
		return pactVerifier{cli: path}, nil
	}
	return pactVerifier{}, nil
}

// pactNote is what the first line of a run's report adds about the contracts: nothing when
// they are verified or not asked for, else that they will not be.
func (o suiteOptions) pactNote() string {
	if !o.pact || !o.verifier.none() {
		return ""
	}
	return " (contracts " + noPactVerifier + ")"
}
