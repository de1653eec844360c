//go:build pact

package pacts

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/merchant"
	"github.com/tradepaykit/tradepaykit/internal/target"
	"github.com/tradepaykit/tradepaykit/internal/wallet"
)

// Provider verification of wallet-merchant.json against the reference merchant, through
// VerifyMerchant: the same code path the runner uses for a merchant's server. The merchant
// talks to the kit's wallet mock, as a merchant under test does in verify-merchant; the
// states create orders through the merchant's test adapter, and the paid order through the
// wallet mock's control.

func startMerchant(t *testing.T) (*merchant.Server, *wallet.Server) {
	t.Helper()
	w := startWallet(t)
	m, err := merchant.NewServer(merchant.Config{
		WalletURL:       w.URL(),
		ClientID:        fixtures.ClientID,
		PrivateKey:      fixtures.PrivateKey(fixtures.MerchantPrivateKey),
		WalletPublicKey: fixtures.PublicKey(fixtures.WalletPublicKey),
	})
	require.NoError(t, err)
	require.NoError(t, m.Start("127.0.0.1:0"))
	t.Cleanup(func() { _ = m.Close() })
	return m, w
}

func verifyMerchant(t *testing.T, notifyURL string, m *merchant.Server, w *wallet.Server) *Report {
	t.Helper()
	r, err := VerifyMerchant(context.Background(), MerchantOptions{NotifyURL: notifyURL, MerchantURL: m.URL(), ControlURL: w.URL()})
	require.NoError(t, err)
	t.Log("\n" + r.String())
	return r
}

func TestReferenceMerchantHonoursThePact(t *testing.T) {
	m, w := startMerchant(t)

	r := verifyMerchant(t, m.NotifyURL(), m, w)

	assert.True(t, r.Passed(), "verifier output:\n%s", r.Output)
	assert.Len(t, r.Interactions, 6)
	assert.Equal(t, Wallet, r.Consumer)
	assert.Equal(t, Merchant, r.Provider)
}

// brokenMerchant serves the reference merchant's handler with its notification answers
// rewritten by change. The answer's signature goes stale; the wallet does not require it.
func brokenMerchant(t *testing.T, m *merchant.Server, change func(result map[string]any)) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		m.Handler().ServeHTTP(rec, r)
		var answer map[string]any
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &answer))
		change(answer["result"].(map[string]any))
		body, err := json.Marshal(answer)
		require.NoError(t, err)
		for k, v := range rec.Header() {
			rw.Header()[k] = v
		}
		rw.Header().Del("Content-Length")
		rw.WriteHeader(rec.Code)
		_, _ = rw.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + merchant.NotifyPath
}

func TestBrokenMerchantFailsThePact(t *testing.T) {
	for _, tc := range []struct {
		name     string
		change   func(result map[string]any)
		failing  []string
		mismatch *regexp.Regexp
	}{
		{
			name: "acknowledges every notification",
			change: func(r map[string]any) {
				r["resultCode"], r["resultStatus"] = "SUCCESS", "S"
			},
			failing: []string{
				"notifyPayment: a notification signed with a key the merchant does not know is refused INVALID_SIGNATURE",
				"notifyPayment: an amount that does not match the order is refused",
			},
			mismatch: regexp.MustCompile(`BodyMismatch at \$\.result\.resultStatus`),
		},
		{
			name:     "drops resultStatus",
			change:   func(r map[string]any) { delete(r, "resultStatus") },
			failing:  allInteractions(t, WalletMerchantFile),
			mismatch: regexp.MustCompile(`missing the following keys: resultStatus`),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, w := startMerchant(t)
			notifyURL := brokenMerchant(t, m, tc.change)

			r := verifyMerchant(t, notifyURL, m, w)

			require.False(t, r.Passed())
			var failed []string
			for _, i := range r.Failed() {
				failed = append(failed, i.Description)
				assert.True(t, says(i, tc.mismatch), "no mismatch of %q matches %s: %v", i.Description, tc.mismatch, i.Mismatches)
			}
			assert.ElementsMatch(t, tc.failing, failed)
		})
	}
}

// A merchant that sets up states itself: VerifyMerchant forwards each state change to its
// StateChangeURL and injects the values it answers. The double plays such an endpoint with
// the reference merchant's adapter behind it.
func TestVerifyMerchantThroughStateChangeURL(t *testing.T) {
	m, w := startMerchant(t)
	adapter, err := target.NewMerchant(target.Config{BaseURL: m.URL()})
	require.NoError(t, err)
	control, err := target.NewWalletControl(target.Config{BaseURL: w.URL()})
	require.NoError(t, err)
	states := &merchantStates{adapter: adapter, control: control}
	var mu sync.Mutex
	var calls []string
	endpoint := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		var sc stateChangeRequest
		if err := json.NewDecoder(r.Body).Decode(&sc); err != nil {
			http.Error(rw, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		calls = append(calls, sc.Action+" "+sc.State)
		mu.Unlock()
		values := map[string]any{}
		if sc.Action == "setup" {
			if values, err = states.setup(r.Context(), sc.State); err != nil {
				http.Error(rw, err.Error(), http.StatusInternalServerError)
				return
			}
		}
		writeJSON(rw, values)
	}))
	t.Cleanup(endpoint.Close)

	r, err := VerifyMerchant(context.Background(), MerchantOptions{NotifyURL: m.NotifyURL(), StateChangeURL: endpoint.URL})
	require.NoError(t, err)

	assert.True(t, r.Passed(), "report:\n%s\nverifier output:\n%s", r, r.Output)
	mu.Lock()
	defer mu.Unlock()
	assert.Contains(t, calls, "setup "+StateOrderPaidAndNotified)
	assert.Contains(t, calls, "teardown "+StateOrderAwaiting)
	for _, c := range calls {
		assert.NotContains(t, c, StateUnknownWalletKey, "the kit's own state is not the provider's business")
	}
}

func TestVerifyMerchantStateChangeURLFailure(t *testing.T) {
	m, _ := startMerchant(t)
	endpoint := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		http.Error(rw, "no such state here", http.StatusInternalServerError)
	}))
	t.Cleanup(endpoint.Close)

	r, err := VerifyMerchant(context.Background(), MerchantOptions{NotifyURL: m.NotifyURL(), StateChangeURL: endpoint.URL})
	require.NoError(t, err)

	require.False(t, r.Passed())
	assert.Len(t, r.Failed(), 6)
	for _, i := range r.Failed() {
		assert.True(t, says(i, regexp.MustCompile(`could not be set up: state change URL answered HTTP 500: no such state here`)), "%s: %v", i.Description, i.Mismatches)
	}
}
