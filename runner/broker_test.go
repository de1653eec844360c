package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/pacts"
)

// brokerRecorder stands in for a Pact Broker: it records each request and answers 201.
type brokerRecorder struct {
	mu   sync.Mutex
	reqs []brokerRequest
}

// requests returns what the recorder took so far; the handler runs on the server's goroutines.
func (b *brokerRecorder) requests() []brokerRequest {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]brokerRequest(nil), b.reqs...)
}

type brokerRequest struct {
	method, path, auth string
	body               []byte
}

func (b *brokerRecorder) start(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		b.mu.Lock()
		b.reqs = append(b.reqs, brokerRequest{r.Method, r.URL.EscapedPath(), r.Header.Get("Authorization"), body})
		b.mu.Unlock()
		w.WriteHeader(http.StatusCreated)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestPactPublishPutsBothContractsUnderTheVendorsNames(t *testing.T) {
	rec := &brokerRecorder{}
	url := rec.start(t)
	t.Setenv("PACT_BROKER_TOKEN", "s3cret")
	var stdout, stderr bytes.Buffer

	code := Run(context.Background(), []string{"pact-publish", "--broker-url", url, "--consumer-version", "v1.2.3",
		"--branch", "main", "--wallet-name", "acme-wallet", "--merchant-name", "shop-7"}, &stdout, &stderr)

	require.Equal(t, exitPass, code, stderr.String())
	reqs := rec.requests()
	require.Len(t, reqs, 4)
	want := []struct{ path, consumer, provider, file string }{
		{"/pacts/provider/acme-wallet/consumer/shop-7/version/v1.2.3", "shop-7", "acme-wallet", pacts.MerchantWalletFile},
		{"/pacticipants/shop-7/branches/main/versions/v1.2.3", "", "", ""},
		{"/pacts/provider/shop-7/consumer/acme-wallet/version/v1.2.3", "acme-wallet", "shop-7", pacts.WalletMerchantFile},
		{"/pacticipants/acme-wallet/branches/main/versions/v1.2.3", "", "", ""},
	}
	for i, w := range want {
		r := reqs[i]
		assert.Equal(t, http.MethodPut, r.method)
		assert.Equal(t, w.path, r.path)
		assert.Equal(t, "Bearer s3cret", r.auth)
		if w.file == "" {
			assert.JSONEq(t, `{}`, string(r.body))
			continue
		}
		var doc struct {
			Consumer     struct{ Name string } `json:"consumer"`
			Provider     struct{ Name string } `json:"provider"`
			Interactions []json.RawMessage     `json:"interactions"`
		}
		require.NoError(t, json.Unmarshal(r.body, &doc))
		assert.Equal(t, w.consumer, doc.Consumer.Name)
		assert.Equal(t, w.provider, doc.Provider.Name)
		embedded, err := pacts.Files.ReadFile(w.file)
		require.NoError(t, err)
		var orig struct {
			Interactions []json.RawMessage `json:"interactions"`
		}
		require.NoError(t, json.Unmarshal(embedded, &orig))
		assert.Equal(t, len(orig.Interactions), len(doc.Interactions), "the interactions are the contract's")
	}
}

func TestPactPublishNeedsABrokerAndAVersion(t *testing.T) {
	t.Setenv("PACT_BROKER_BASE_URL", "")
	var stdout, stderr bytes.Buffer
	assert.Equal(t, exitUsage, Run(context.Background(), []string{"pact-publish", "--consumer-version", "1"}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "--broker-url")
	stderr.Reset()
	assert.Equal(t, exitUsage, Run(context.Background(), []string{"pact-publish", "--broker-url", "http://127.0.0.1:1"}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "--consumer-version is required")
	stderr.Reset()
	assert.Equal(t, exitUsage, Run(context.Background(), []string{"pact-publish", "--broker-url", "http://127.0.0.1:1", "--consumer-version", "1", "--only", "wallet.json"}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), `--only "wallet.json": want merchant-wallet.json or wallet-merchant.json`)
}

func TestPactPublishOnlyOneContract(t *testing.T) {
	rec := &brokerRecorder{}
	url := rec.start(t)
	var stdout, stderr bytes.Buffer

	code := Run(context.Background(), []string{"pact-publish", "--broker-url", url, "--consumer-version", "7", "--only", pacts.MerchantWalletFile}, &stdout, &stderr)

	require.Equal(t, exitPass, code, stderr.String())
	reqs := rec.requests()
	require.Len(t, reqs, 1, "no branch: only the pact")
	assert.Equal(t, "/pacts/provider/wallet/consumer/merchant/version/7", reqs[0].path, "today's names by default")
}

// fakeBroker serves the embedded wallet-merchant pact as the broker's latest pact between the
// wallet and the merchant named merchant, with the documented verification-results link, and
// records every request.
func fakeBroker(t *testing.T, merchant string) (*brokerRecorder, string) {
	t.Helper()
	rec := &brokerRecorder{}
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, brokerRequest{r.Method, r.URL.EscapedPath(), r.Header.Get("Authorization"), body})
		rec.mu.Unlock()
		if r.Method == http.MethodGet && r.URL.EscapedPath() == "/pacts/provider/"+merchant+"/consumer/wallet/latest" {
			raw, err := pacts.Renamed(pacts.WalletMerchantFile, pacts.Names{Provider: merchant})
			require.NoError(t, err)
			var doc map[string]any
			require.NoError(t, json.Unmarshal(raw, &doc))
			doc["_links"] = map[string]any{"pb:publish-verification-results": map[string]any{
				"href": srv.URL + "/pacts/provider/" + merchant + "/consumer/wallet/pact-version/abc123/verification-results"}}
			w.Header().Set("Content-Type", "application/hal+json")
			_ = json.NewEncoder(w).Encode(doc)
			return
		}
		if r.Method == http.MethodGet {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}))
	t.Cleanup(srv.Close)
	return rec, srv.URL
}

// verify-merchant with --broker-url publishes the pact's verification result: the provider
// version on its branch, then the documented result body to the pact's link. The merchant
// answers HTTP 500 to a duplicate notification, so the result is a failure naming it.
func TestVerifyMerchantPublishesItsVerificationResult(t *testing.T) {
	if buildTags != "pact" {
		t.Skip("this build does not verify pacts")
	}
	rec, brokerURL := fakeBroker(t, "shop-7")
	ln, walletURL := walletListener(t)
	merchant := startParty(t, "reference-merchant", "--listen", "127.0.0.1:0", "--wallet-url", walletURL,
		"--follow-wallet-clock", walletURL, "--defect", "duplicate-notify-error")
	t.Setenv("PACT_BROKER_TOKEN", "s3cret")

	r := verify(t, []*os.File{ln}, "verify-merchant", "--merchant-url", merchant.url, "--wallet-listen", "fd:3",
		"--notify-timeout", "2s", "--profile", "kit:reference-merchant", "--tags", "@REQ-IDEM-004", "--pact", "true",
		"--broker-url", brokerURL, "--merchant-name", "shop-7", "--provider-version", "abc1234", "--provider-branch", "main",
		"--build-url", "https://ci.example.com/runs/7")

	require.Equal(t, exitFail, r.code, r.String())
	assert.Contains(t, r.stdout, "verification of wallet-merchant.json (wallet -> shop-7) published for provider version abc1234")
	reqs := rec.requests()
	require.Len(t, reqs, 3, "branch, pact, result")
	assert.Equal(t, brokerRequest{http.MethodPut, "/pacticipants/shop-7/branches/main/versions/abc1234", "Bearer s3cret", []byte("{}")}, reqs[0])
	assert.Equal(t, http.MethodGet, reqs[1].method)
	post := reqs[2]
	assert.Equal(t, http.MethodPost, post.method)
	assert.Equal(t, "/pacts/provider/shop-7/consumer/wallet/pact-version/abc123/verification-results", post.path)
	var body struct {
		Success                    bool   `json:"success"`
		ProviderApplicationVersion string `json:"providerApplicationVersion"`
		BuildURL                   string `json:"buildUrl"`
		VerifiedBy                 struct {
			Implementation string `json:"implementation"`
		} `json:"verifiedBy"`
		TestResults []struct {
			InteractionDescription string `json:"interactionDescription"`
			Success                bool   `json:"success"`
			Mismatches             []struct {
				Description string `json:"description"`
			} `json:"mismatches"`
		} `json:"testResults"`
	}
	require.NoError(t, json.Unmarshal(post.body, &body))
	assert.False(t, body.Success)
	assert.Equal(t, "abc1234", body.ProviderApplicationVersion)
	assert.Equal(t, "https://ci.example.com/runs/7", body.BuildURL)
	assert.Equal(t, "tradepaykit", body.VerifiedBy.Implementation)
	require.Len(t, body.TestResults, 6)
	for _, tr := range body.TestResults {
		failed := tr.InteractionDescription == "notifyPayment: a duplicate SUCCESS is acknowledged again"
		assert.Equal(t, !failed, tr.Success, tr.InteractionDescription)
		if failed {
			var all []string
			for _, m := range tr.Mismatches {
				all = append(all, m.Description)
			}
			assert.Contains(t, strings.Join(all, "\n"), "expected 200 but was 500")
		}
	}
}

// Each preset's pair is published under names that carry the preset, unless names are given.
func TestPactPublishEachPresetsPairUnderNamesCarryingThePreset(t *testing.T) {
	rec := &brokerRecorder{}
	url := rec.start(t)
	var stdout, stderr bytes.Buffer

	code := Run(context.Background(), []string{"pact-publish", "--broker-url", url, "--consumer-version", "9", "--dialect", "all"}, &stdout, &stderr)

	require.Equal(t, exitPass, code, stderr.String())
	var paths []string
	for _, r := range rec.requests() {
		paths = append(paths, r.path)
	}
	want := []string{
		"/pacts/provider/wallet/consumer/merchant/version/9",
		"/pacts/provider/merchant/consumer/wallet/version/9",
	}
	for _, preset := range []string{"v1-alipay", "v1-tng", "v1-qi", "v2"} {
		want = append(want,
			"/pacts/provider/wallet-"+preset+"/consumer/merchant-"+preset+"/version/9",
			"/pacts/provider/merchant-"+preset+"/consumer/wallet-"+preset+"/version/9")
	}
	assert.Equal(t, want, paths)
	assert.Contains(t, stdout.String(), "published v2/merchant-wallet.json as the pact merchant-v2 -> wallet-v2, version 9")

	// A vendor's own name is kept; the other default name still carries the preset.
	rec2 := &brokerRecorder{}
	url = rec2.start(t)
	code = Run(context.Background(), []string{"pact-publish", "--broker-url", url, "--consumer-version", "9", "--dialect", "v2",
		"--wallet-name", "acme-wallet", "--only", pacts.MerchantWalletFile}, &stdout, &stderr)
	require.Equal(t, exitPass, code, stderr.String())
	reqs := rec2.requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/pacts/provider/acme-wallet/consumer/merchant-v2/version/9", reqs[0].path)
	assert.Contains(t, string(reqs[0].body), `"/v2/payments/pay"`, "the v2 pair's pact")

	assert.Equal(t, exitUsage, Run(context.Background(), []string{"pact-publish", "--broker-url", url, "--consumer-version", "9", "--dialect", "v3"}, &stdout, &stderr))
}
