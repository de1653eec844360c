package broker

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recorded is one request the local recorder took.
type recorded struct {
	Method, Path, Auth, ContentType string
	Body                            []byte
}

// recorder stands in for a Pact Broker: it records every request and answers the pact
// resource with the documented pb:publish-verification-results link.
type recorder struct {
	mu   sync.Mutex
	reqs []recorded
}

// requests returns what the recorder took so far; the handler runs on the server's goroutines.
func (r *recorder) requests() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.reqs...)
}

func (r *recorder) start(t *testing.T) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, err := io.ReadAll(req.Body)
		require.NoError(t, err)
		r.mu.Lock()
		r.reqs = append(r.reqs, recorded{req.Method, req.URL.EscapedPath(), req.Header.Get("Authorization"), req.Header.Get("Content-Type"), body})
		r.mu.Unlock()
		w.Header().Set("Content-Type", "application/hal+json")
		if req.Method == http.MethodGet {
			link := srv.URL + "/pacts/provider/acme%20wallet/consumer/merchant/pact-version/0123abcd/verification-results"
			_, _ = w.Write([]byte(`{"interactions":[{"description":"pay: one"},{"description":"pay: two"}],` +
				`"_links":{"pb:publish-verification-results":{"title":"Publish verification results","href":"` + link + `"}}}`))
			return
		}
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestPublishPactPutsThePactAndTheBranchVersion(t *testing.T) {
	rec := &recorder{}
	srv := rec.start(t)
	c, err := New(srv.URL + "/")
	require.NoError(t, err)
	c.Token = "t0ken"
	pact := []byte(`{"consumer":{"name":"merchant"},"provider":{"name":"acme wallet"},"interactions":[]}`)

	require.NoError(t, c.PublishPact(context.Background(), "merchant", "acme wallet", "1.2.3", "main", pact))

	reqs := rec.requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, recorded{http.MethodPut, "/pacts/provider/acme%20wallet/consumer/merchant/version/1.2.3", "Bearer t0ken", "application/json", pact}, reqs[0])
	assert.Equal(t, recorded{http.MethodPut, "/pacticipants/merchant/branches/main/versions/1.2.3", "Bearer t0ken", "application/json", []byte("{}")}, reqs[1])
}

func TestPublishVerificationPostsToThePactsLink(t *testing.T) {
	rec := &recorder{}
	srv := rec.start(t)
	c, err := New(srv.URL)
	require.NoError(t, err)
	c.Username, c.Password = "u", "p"

	err = c.PublishVerification(context.Background(), "merchant", "acme wallet", Verification{
		ProviderVersion: "4.5.6", Branch: "release/7", BuildURL: "https://ci.example.com/build/9",
		Verifier: "tradepaykit", VerifierVersion: "v1",
		Results: []InteractionResult{
			{Description: "pay: one", Success: true},
			{Description: "pay: two", Success: false, Mismatches: []string{"BodyMismatch at $.paymentAmount.value"}},
		},
	})

	require.NoError(t, err)
	reqs := rec.requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, http.MethodPut, reqs[0].Method)
	assert.Equal(t, "/pacticipants/acme%20wallet/branches/release%2F7/versions/4.5.6", reqs[0].Path)
	assert.Equal(t, http.MethodGet, reqs[1].Method)
	assert.Equal(t, "/pacts/provider/acme%20wallet/consumer/merchant/latest", reqs[1].Path)
	post := reqs[2]
	assert.Equal(t, http.MethodPost, post.Method)
	assert.Equal(t, "/pacts/provider/acme%20wallet/consumer/merchant/pact-version/0123abcd/verification-results", post.Path)
	assert.Equal(t, "application/json", post.ContentType)
	assert.Contains(t, post.Auth, "Basic ")
	var body map[string]any
	require.NoError(t, json.Unmarshal(post.Body, &body))
	assert.Equal(t, false, body["success"], "one interaction failed")
	assert.Equal(t, "4.5.6", body["providerApplicationVersion"])
	assert.Equal(t, "https://ci.example.com/build/9", body["buildUrl"])
	assert.Equal(t, map[string]any{"implementation": "tradepaykit", "version": "v1"}, body["verifiedBy"])
	assert.Equal(t, []any{
		map[string]any{"interactionDescription": "pay: one", "success": true},
		map[string]any{"interactionDescription": "pay: two", "success": false,
			"mismatches": []any{map[string]any{"description": "BodyMismatch at $.paymentAmount.value"}}},
	}, body["testResults"])
}

func TestPublishVerificationRefusesAnotherContract(t *testing.T) {
	rec := &recorder{}
	srv := rec.start(t)
	c, err := New(srv.URL)
	require.NoError(t, err)

	err = c.PublishVerification(context.Background(), "merchant", "acme wallet", Verification{
		ProviderVersion: "4.5.6", Results: []InteractionResult{{Description: "refund: not in the broker's pact", Success: true}},
	})

	require.Error(t, err)
	assert.Contains(t, err.Error(), `has no interaction "refund: not in the broker's pact"`)
	for _, r := range rec.requests() {
		assert.NotEqual(t, http.MethodPost, r.Method, "no result is published for a contract the broker does not hold")
	}
}

func TestBrokerErrorsNameTheAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, `{"error":"no such pacticipant"}`, http.StatusNotFound)
	}))
	t.Cleanup(srv.Close)
	c, err := New(srv.URL)
	require.NoError(t, err)

	err = c.PublishPact(context.Background(), "merchant", "wallet", "1", "", []byte(`{}`))

	require.Error(t, err)
	assert.Contains(t, err.Error(), "HTTP 404")
	assert.Contains(t, err.Error(), "no such pacticipant")
	_, err = New("broker.example.com")
	assert.Error(t, err)
}
