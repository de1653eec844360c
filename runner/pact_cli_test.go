package main

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/signing"
	"github.com/tradepaykit/tradepaykit/pacts"
)

// The official Pact CLI verifier (`pact verifier` of @pact-foundation/pact-cli, fetched by
// `make pact-cli`) checks the kit's parties through `tradepaykit pact-provider`, as a vendor's
// pact-jvm, pact-js or Rust verifier would. PACT_CLI names the binary; `make test` sets it and
// TRADEPAYKIT_REQUIRE_PACT_CLI, so there the tests never skip.

func pactCLI(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("PACT_CLI")
	missing := "PACT_CLI is not set"
	if bin != "" {
		if _, err := os.Stat(bin); err == nil {
			return bin
		}
		missing = "PACT_CLI " + bin + " does not exist"
	}
	if os.Getenv("TRADEPAYKIT_REQUIRE_PACT_CLI") != "" {
		t.Fatalf("%s: run `make pact-cli` (make test does)", missing)
	}
	t.Skipf("no Pact CLI (%s): set PACT_CLI to the `pact` binary; `make pact-cli` fetches it", missing)
	return ""
}

// cliRun is what one `pact verifier` run did: its exit status, its own output, and the verdict
// on each interaction from its JSON report.
type cliRun struct {
	code    int
	out     string
	results map[string]string // description -> "OK" or "Error"
}

func (r cliRun) failed() []string {
	var out []string
	for d, res := range r.results {
		if res != "OK" {
			out = append(out, d)
		}
	}
	return out
}

// pactProvider starts `tradepaykit pact-provider` with args, writing its pact to a file.
func pactProvider(t *testing.T, args ...string) (front *party, pactFile string) {
	t.Helper()
	pactFile = filepath.Join(t.TempDir(), "pact.json")
	front = startParty(t, append([]string{"pact-provider", "--write-pact", pactFile}, args...)...)
	return front, pactFile
}

// verifyWithCLI runs the Pact CLI verifier against the front, as pacts/README.md shows; extra
// arguments go to the verifier.
func verifyWithCLI(t *testing.T, bin, pactFile, providerName string, front *party, extra ...string) cliRun {
	t.Helper()
	u, err := url.Parse(front.url)
	require.NoError(t, err)
	report := filepath.Join(t.TempDir(), "verification.json")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	args := append([]string{"verifier", "--file", pactFile, "--provider-name", providerName,
		"--hostname", u.Hostname(), "--port", u.Port(),
		"--state-change-url", front.url + "/_tradepaykit/provider-state",
		"--no-colour", "--json", report}, extra...)
	cmd := exec.CommandContext(ctx, bin, args...)
	out, err := cmd.CombinedOutput()
	r := cliRun{out: string(out), results: map[string]string{}}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	default:
		require.NoError(t, err, "running the Pact CLI")
	}
	raw, err := os.ReadFile(report)
	require.NoError(t, err, "the CLI's JSON report; its output:\n%s", out)
	var doc struct {
		InteractionResults []struct {
			Description string `json:"description"`
			Result      string `json:"result"`
		} `json:"interactionResults"`
	}
	require.NoError(t, json.Unmarshal(raw, &doc))
	for _, i := range doc.InteractionResults {
		r.results[i.Description] = i.Result
	}
	t.Logf("pact verifier %s as %s: exit %d, %d interactions, %d failed", filepath.Base(pactFile), providerName, r.code, len(r.results), len(r.failed()))
	return r
}

func TestPactCLIVerifiesTheWalletMockThroughPactProvider(t *testing.T) {
	t.Parallel()
	bin := pactCLI(t)
	wallet := startParty(t, "wallet-mock")
	// A vendor's own participant names: the written pact carries them, the CLI selects by them.
	front, file := pactProvider(t, "--provider", "wallet", "--wallet-url", wallet.url,
		"--consumer-name", "acme-merchant", "--provider-name", "acme-wallet")

	// Without teardown calls: the front needs none (the unknown-key state holds for the next
	// request only, and the interaction after it, PARAM_ILLEGAL, fails if signed with it).
	r := verifyWithCLI(t, bin, file, "acme-wallet", front)

	require.Equal(t, 0, r.code, r.out)
	assert.Len(t, r.results, 20)
	assert.Empty(t, r.failed())
	assert.Contains(t, r.out, "Verifying a pact between acme-merchant and acme-wallet")
}

func TestPactCLIVerifiesTheReferenceMerchantThroughPactProvider(t *testing.T) {
	t.Parallel()
	bin := pactCLI(t)
	wallet := startParty(t, "wallet-mock")
	merchant := startParty(t, "reference-merchant", "--wallet-url", wallet.url)
	front, file := pactProvider(t, "--provider", "merchant", "--merchant-notify-url", merchant.url+"/v1/payments/notifyPayment",
		"--merchant-url", merchant.url, "--control-url", wallet.url)

	r := verifyWithCLI(t, bin, file, "merchant", front, "--state-change-teardown")

	require.Equal(t, 0, r.code, r.out)
	assert.Len(t, r.results, 6)
	assert.Empty(t, r.failed())
}

// numericAmounts stands before a wallet and answers inquiryPayment with the amount's value as
// a JSON number (10000 instead of "10000"), signed again with the wallet's key: a wallet whose
// only defect is the amount's type.
func numericAmounts(t *testing.T, walletURL string) string {
	t.Helper()
	return resigning(t, walletURL, fixtures.PrivateKey(fixtures.WalletPrivateKey), numericAmount)
}

// resignedWallet stands before a wallet and signs its answers again with key: a wallet that
// signs with a key of its own.
func resignedWallet(t *testing.T, walletURL string, key *rsa.PrivateKey) string {
	t.Helper()
	return resigning(t, walletURL, key, func(_ string, answer []byte) ([]byte, error) { return answer, nil })
}

// resigning serves a proxy before the wallet at walletURL: each answer, edited by edit (given
// the request path), is signed again with key.
func resigning(t *testing.T, walletURL string, key *rsa.PrivateKey, edit func(path string, answer []byte) ([]byte, error)) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Errors answer 502: the handler runs off the test's goroutine, where require cannot stop it.
		status, h, answer, err := resignedAnswer(r, walletURL, key, edit)
		if err != nil {
			http.Error(w, "re-signing double: "+err.Error(), http.StatusBadGateway)
			return
		}
		for k, v := range h {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(status)
		_, _ = w.Write(answer)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// numericAmount turns inquiryPayment's amount value into a JSON number.
func numericAmount(path string, answer []byte) ([]byte, error) {
	if !strings.HasSuffix(path, "/inquiryPayment") {
		return answer, nil
	}
	var m map[string]any
	if err := json.Unmarshal(answer, &m); err != nil {
		return nil, err
	}
	if a, ok := m["paymentAmount"].(map[string]any); ok {
		if v, ok := a["value"].(string); ok {
			a["value"] = json.Number(v)
		}
	}
	return json.Marshal(m)
}

// resignedAnswer passes r to the wallet and returns its answer; an answer of the OpenAPI is
// edited and signed again.
func resignedAnswer(r *http.Request, walletURL string, key *rsa.PrivateKey, edit func(string, []byte) ([]byte, error)) (int, http.Header, []byte, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return 0, nil, nil, err
	}
	req, err := http.NewRequestWithContext(r.Context(), r.Method, walletURL+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header = r.Header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, nil, err
	}
	h := resp.Header.Clone()
	if !strings.Contains(r.URL.Path, "/v1/payments/") && !strings.Contains(r.URL.Path, "/v2/payments/") {
		return resp.StatusCode, h, answer, nil // the test control: not signed
	}
	if answer, err = edit(r.URL.Path, answer); err != nil {
		return 0, nil, nil, err
	}
	if err := (signing.Style{}).SignResponseHeaders(h, r.Method, signing.PathOf(r), h.Get(signing.HeaderClientID), answer, key, time.Now()); err != nil {
		return 0, nil, nil, err
	}
	return resp.StatusCode, h, answer, nil
}

func TestPactCLIFailsAWalletAnsweringANumericAmount(t *testing.T) {
	t.Parallel()
	bin := pactCLI(t)
	wallet := startParty(t, "wallet-mock")
	front, file := pactProvider(t, "--provider", "wallet", "--wallet-url", numericAmounts(t, wallet.url), "--control-url", wallet.url)

	r := verifyWithCLI(t, bin, file, "wallet", front, "--state-change-teardown")

	assert.NotEqual(t, 0, r.code)
	assert.ElementsMatch(t, []string{
		"inquiryPayment: a payment reported as AUTH_SUCCESS",
		"inquiryPayment: a payment reported as CANCELLED",
		"inquiryPayment: a payment reported as FAIL",
		"inquiryPayment: a payment reported as PROCESSING",
		"inquiryPayment: a payment reported as SUCCESS",
		"inquiryPayment: by paymentRequestId, a payment reported as SUCCESS",
	}, r.failed(), r.out)
	assert.Regexp(t, `\$\.paymentAmount\.value.*10000`, r.out, "the CLI names the field and the value")
}

func TestPactCLIPrintsWhyAnUnsignedWalletFails(t *testing.T) {
	t.Parallel()
	bin := pactCLI(t)
	wallet := startParty(t, "wallet-mock", "--defect", "unsigned-responses")
	front, file := pactProvider(t, "--provider", "wallet", "--wallet-url", wallet.url)

	r := verifyWithCLI(t, bin, file, "wallet", front, "--state-change-teardown")

	assert.NotEqual(t, 0, r.code)
	assert.Len(t, r.failed(), 20, "no answer is signed: every interaction fails")
	// The states the kit sets up fail on the unsigned answers; the reason is in the CLI's
	// own output, not only "One or more of the setup state change handlers has failed".
	assert.Contains(t, r.out, "could not be set up: ")
	assert.NotContains(t, r.out, "setup state change handlers has failed")
	assert.Contains(t, r.out, "Signature")
}

func TestPactCLIFailsTheMerchantDefect(t *testing.T) {
	bin := pactCLI(t)
	wallet := startParty(t, "wallet-mock")
	merchant := startParty(t, "reference-merchant", "--wallet-url", wallet.url, "--defect", "duplicate-notify-error")
	front, file := pactProvider(t, "--provider", "merchant", "--merchant-notify-url", merchant.url+"/v1/payments/notifyPayment",
		"--merchant-url", merchant.url, "--control-url", wallet.url)

	r := verifyWithCLI(t, bin, file, "merchant", front)

	assert.NotEqual(t, 0, r.code)
	assert.Equal(t, []string{"notifyPayment: a duplicate SUCCESS is acknowledged again"}, r.failed(), r.out)
	assert.Contains(t, r.out, "expected 200 but was 500")
}

// TestPactCLIValidatesAndPublishesThePacts: the official broker client validates both
// committed (embedded) pact files strictly, then publishes them to a local recorder that
// plays the broker: the recorder checks the client's request carries the file unchanged.
func TestPactCLIValidatesAndPublishesThePacts(t *testing.T) {
	bin := pactCLI(t)
	var mu sync.Mutex // the recorder's handler runs on the server's goroutines
	var published []map[string]any
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/hal+json")
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/":
			_, _ = w.Write([]byte(`{"_links":{"pb:publish-contracts":{"href":"` + srv.URL + `/contracts/publish","title":"Publish contracts"}}}`))
		case r.Method == http.MethodPost && r.URL.Path == "/contracts/publish":
			var body map[string]any
			assert.NoError(t, json.NewDecoder(r.Body).Decode(&body))
			mu.Lock()
			published = append(published, body)
			mu.Unlock()
			_, _ = w.Write([]byte(`{"notices":[],"_embedded":{},"_links":{}}`))
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	for _, name := range []string{pacts.MerchantWalletFile, pacts.WalletMerchantFile} {
		raw, err := pacts.Files.ReadFile(name)
		require.NoError(t, err)
		file := filepath.Join(t.TempDir(), name)
		require.NoError(t, os.WriteFile(file, raw, 0o600))
		mu.Lock()
		published = nil
		mu.Unlock()

		out, err := exec.Command(bin, "broker", "publish", "--validate", "--strict", "--retries", "0",
			"--broker-base-url", srv.URL, "--consumer-app-version", "1.0.0", "--branch", "main", file).CombinedOutput()

		require.NoError(t, err, "pact broker publish --validate --strict %s:\n%s", name, out)
		assert.Regexp(t, `"results": \[\]`, string(out), "no validation finding for %s", name)
		mu.Lock()
		got := published
		mu.Unlock()
		require.Len(t, got, 1, string(out))
		contracts := got[0]["contracts"].([]any)
		require.Len(t, contracts, 1)
		c := contracts[0].(map[string]any)
		content, err := base64.StdEncoding.DecodeString(c["content"].(string))
		require.NoError(t, err)
		// The client stamps its own library versions into metadata; the rest is the file's.
		var sent, committed map[string]any
		require.NoError(t, json.Unmarshal(content, &sent))
		require.NoError(t, json.Unmarshal(raw, &committed))
		delete(sent, "metadata")
		delete(committed, "metadata")
		assert.Equal(t, committed, sent, "%s is published as it is", name)
		assert.Equal(t, "pact", c["specification"])
	}
}

func TestPactCLIPrintsWhyAnUnreachableMerchantFails(t *testing.T) {
	bin := pactCLI(t)
	// A provider-state endpoint that accepts every state, and a notify URL nothing listens on.
	states := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(states.Close)
	closed := httptest.NewServer(http.NotFoundHandler())
	gone := closed.URL
	closed.Close()
	front, file := pactProvider(t, "--provider", "merchant", "--merchant-notify-url", gone+"/notify", "--pact-states-url", states.URL)

	r := verifyWithCLI(t, bin, file, "merchant", front)

	assert.NotEqual(t, 0, r.code)
	assert.Len(t, r.failed(), 6)
	assert.Contains(t, r.out, "tradepaykit: the provider did not answer: ", "the reason, in the CLI's own output")
}
