package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
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
	require.Len(t, rec.reqs, 4)
	want := []struct{ path, consumer, provider, file string }{
		{"/pacts/provider/acme-wallet/consumer/shop-7/version/v1.2.3", "shop-7", "acme-wallet", pacts.MerchantWalletFile},
		{"/pacticipants/shop-7/branches/main/versions/v1.2.3", "", "", ""},
		{"/pacts/provider/shop-7/consumer/acme-wallet/version/v1.2.3", "acme-wallet", "shop-7", pacts.WalletMerchantFile},
		{"/pacticipants/acme-wallet/branches/main/versions/v1.2.3", "", "", ""},
	}
	for i, w := range want {
		r := rec.reqs[i]
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
}
