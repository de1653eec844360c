//go:build pact

// Package pactsmoke proves that pact-go v2.7.0 links and runs against the
// libpact_ffi 0.5.8 that scripts/fetch-pact-ffi.sh installs (TOOLING.md,
// "Pact FFI"): a consumer test writes a pact, and the provider verifier
// passes a conforming server and fails a broken one. Throwaway: it goes once
// the real pact tests exist.
package pactsmoke

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/pact-foundation/pact-go/v2/consumer"
	"github.com/pact-foundation/pact-go/v2/matchers"
	"github.com/pact-foundation/pact-go/v2/models"
	"github.com/pact-foundation/pact-go/v2/provider"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	consumerName = "SmokeMerchant"
	providerName = "SmokeWallet"
	orderState   = "order T42 exists"
)

func TestPactRoundTrip(t *testing.T) {
	pactFile := writeConsumerPact(t)

	t.Run("conforming provider passes", func(t *testing.T) {
		var stateSetUp atomic.Bool
		srv := httptest.NewServer(orderHandler(`{"orderId":"T42","amount":1234,"currency":"USD"}`))
		t.Cleanup(srv.Close)

		err := provider.NewVerifier().VerifyProvider(t, provider.VerifyRequest{
			Provider:             providerName,
			ProviderBaseURL:      srv.URL,
			PactFiles:            []string{pactFile},
			StateHandlers:        orderStateHandlers(&stateSetUp),
			DisableColoredOutput: true,
		})

		assert.NoError(t, err)
		assert.True(t, stateSetUp.Load(), "state handler for %q was not called", orderState)
	})

	t.Run("broken provider fails verification", func(t *testing.T) {
		var stateSetUp atomic.Bool
		// amount as a decimal string: the pact wants an integer.
		srv := httptest.NewServer(orderHandler(`{"orderId":"T42","amount":"12.34","currency":"USD"}`))
		t.Cleanup(srv.Close)

		// VerifyProvider reports through a subtest that calls t.Error on any
		// error; SoftFail turns a verification mismatch (and only that) into
		// a skipped subtest, so this test can pass when verification fails.
		err := provider.NewVerifier().VerifyProvider(t, provider.VerifyRequest{
			Provider:             providerName,
			ProviderBaseURL:      srv.URL,
			PactFiles:            []string{pactFile},
			StateHandlers:        orderStateHandlers(&stateSetUp),
			DisableColoredOutput: true,
			SoftFail:             true,
		})

		assert.ErrorIs(t, err, provider.ErrVerificationFailed)
		assert.True(t, stateSetUp.Load(), "state handler for %q was not called", orderState)
	})
}

// writeConsumerPact runs the consumer side against pact's mock server and
// returns the path of the pact file it wrote into a fresh temp dir.
func writeConsumerPact(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()

	mock, err := consumer.NewV3Pact(consumer.MockHTTPProviderConfig{
		Consumer: consumerName,
		Provider: providerName,
		Host:     "127.0.0.1",
		PactDir:  dir,
		LogDir:   dir,
	})
	require.NoError(t, err)

	err = mock.
		AddInteraction().
		Given(orderState).
		UponReceiving("a query for order T42").
		WithRequest(http.MethodGet, "/orders/T42", func(b *consumer.V3RequestBuilder) {
			b.Header("Accept", matchers.S("application/json"))
		}).
		WillRespondWith(http.StatusOK, func(b *consumer.V3ResponseBuilder) {
			b.Header("Content-Type", matchers.S("application/json"))
			b.JSONBody(matchers.Map{
				"orderId":  matchers.S("T42"),
				"amount":   matchers.Integer(1234),
				"currency": matchers.S("USD"),
			})
		}).
		ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
			return fetchOrder(fmt.Sprintf("http://%s:%d", cfg.Host, cfg.Port))
		})
	require.NoError(t, err)

	pactFile := filepath.Join(dir, consumerName+"-"+providerName+".json")
	require.FileExists(t, pactFile)
	return pactFile
}

// fetchOrder is the consumer's side of the contract.
func fetchOrder(baseURL string) error {
	req, err := http.NewRequest(http.MethodGet, baseURL+"/orders/T42", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("query order: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("read order: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("query order: status %d: %s", resp.StatusCode, body)
	}
	var order struct {
		OrderID  string `json:"orderId"`
		Amount   int64  `json:"amount"`
		Currency string `json:"currency"`
	}
	if err := json.Unmarshal(body, &order); err != nil {
		return fmt.Errorf("decode order: %w", err)
	}
	if order.OrderID != "T42" {
		return fmt.Errorf("orderId %q, want T42", order.OrderID)
	}
	return nil
}

func orderHandler(body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/orders/T42" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	})
}

func orderStateHandlers(called *atomic.Bool) models.StateHandlers {
	return models.StateHandlers{
		orderState: func(setup bool, _ models.ProviderState) (models.ProviderStateResponse, error) {
			if setup {
				called.Store(true)
			}
			return nil, nil
		},
	}
}
