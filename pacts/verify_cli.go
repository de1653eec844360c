package pacts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ErrNoVerifier: the build has no libpact_ffi (no pact tag, no cgo) and no Pact CLI was
// named (WalletOptions.PactCLI, MerchantOptions.PactCLI).
var ErrNoVerifier = errors.New("no Pact verifier: this build does not link libpact_ffi and no Pact CLI was given")

// verifyWithCLI runs the official Pact CLI's verifier (`pact verifier`, from
// @pact-foundation/pact-cli) against the front, with the options the library gets: state
// changes with their data in the body and teardown calls, 30 s per request. Its JSON report
// is the document the library returns; a run that writes none has no verdict.
func verifyWithCLI(ctx context.Context, bin string, req verifierRequest) (*verifierRun, error) {
	u, err := url.Parse(req.ProviderURL)
	if err != nil || u.Hostname() == "" || u.Port() == "" {
		return nil, fmt.Errorf("pacts: provider URL %q has no host and port", req.ProviderURL)
	}
	dir, err := os.MkdirTemp("", "tradepaykit-pact-cli-")
	if err != nil {
		return nil, fmt.Errorf("pacts: %w", err)
	}
	defer os.RemoveAll(dir)
	jsonReport := filepath.Join(dir, "verification.json")
	args := []string{"verifier", "--file", req.PactFile, "--provider-name", req.ProviderName,
		"--hostname", u.Hostname(), "--port", u.Port(), "--request-timeout", "30000",
		"--no-colour", "--json", jsonReport}
	if req.StateChangeURL != "" {
		args = append(args, "--state-change-url", req.StateChangeURL, "--state-change-teardown")
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = os.Environ()
	// Like the library, the CLI would send usage metrics unless told not to.
	if os.Getenv("PACT_DO_NOT_TRACK") == "" {
		cmd.Env = append(cmd.Env, "PACT_DO_NOT_TRACK=true")
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return nil, fmt.Errorf("pacts: running the Pact CLI %s: %w", bin, err)
	}
	raw, rerr := os.ReadFile(jsonReport)
	if rerr != nil || len(bytes.TrimSpace(raw)) == 0 {
		return nil, fmt.Errorf("pacts: the Pact CLI %s (%s) wrote no result: %s", bin, runStatus(err), strings.TrimSpace(out.String()))
	}
	doc, jerr := libraryShape(raw)
	if jerr != nil {
		return nil, fmt.Errorf("pacts: the Pact CLI's result is not JSON: %w\n%s", jerr, out.String())
	}
	return &verifierRun{Passed: err == nil, JSON: doc, Output: out.String()}, nil
}

// libraryShape rewrites the CLI's JSON report into the library's: the CLI gives a failed
// interaction's mismatches not with its result but in "errors", under a sentence that ends
// with " - " and the interaction's description.
func libraryShape(raw []byte) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	errs, _ := doc["errors"].([]any)
	results, _ := doc["interactionResults"].([]any)
	for _, r := range results {
		ir, ok := r.(map[string]any)
		if !ok || ir["mismatch"] != nil || ir["result"] == "OK" {
			continue
		}
		desc, _ := ir["description"].(string)
		for _, e := range errs {
			em, _ := e.(map[string]any)
			if name, _ := em["interaction"].(string); strings.HasSuffix(name, " - "+desc) {
				ir["mismatch"] = em["mismatch"]
				break
			}
		}
	}
	return json.Marshal(doc)
}

// runStatus says how a command ended.
func runStatus(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}
