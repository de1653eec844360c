//go:build pact

package pacts

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Options the verifiers refuse before running anything.
func TestVerifyRefusesBadOptions(t *testing.T) {
	ctx := context.Background()
	otherPact := filepath.Join(t.TempDir(), "other.json")
	require.NoError(t, os.WriteFile(otherPact, []byte(`{"consumer":{"name":"x"},"provider":{"name":"someone"},"interactions":[]}`), 0o600))

	for name, run := range map[string]func() error{
		"wallet URL not absolute": func() error {
			_, err := VerifyWallet(ctx, WalletOptions{WalletURL: "/v1", ControlURL: "http://127.0.0.1:1"})
			return err
		},
		"wallet without a way to set up states": func() error {
			_, err := VerifyWallet(ctx, WalletOptions{WalletURL: "http://127.0.0.1:1"})
			return err
		},
		"wallet state change URL not absolute": func() error {
			_, err := VerifyWallet(ctx, WalletOptions{WalletURL: "http://127.0.0.1:1", StateChangeURL: "states"})
			return err
		},
		"wallet pact of another provider": func() error {
			_, err := VerifyWallet(ctx, WalletOptions{WalletURL: "http://127.0.0.1:1", ControlURL: "http://127.0.0.1:1", PactFile: otherPact})
			return err
		},
		"wallet pact file missing": func() error {
			_, err := VerifyWallet(ctx, WalletOptions{WalletURL: "http://127.0.0.1:1", ControlURL: "http://127.0.0.1:1", PactFile: otherPact + ".none"})
			return err
		},
		"merchant notify URL missing": func() error {
			_, err := VerifyMerchant(ctx, MerchantOptions{MerchantURL: "http://127.0.0.1:1"})
			return err
		},
		"merchant without a way to set up states": func() error {
			_, err := VerifyMerchant(ctx, MerchantOptions{NotifyURL: "http://127.0.0.1:1/notify"})
			return err
		},
	} {
		assert.Error(t, run(), name)
	}
}

// A provider that does not answer fails every interaction; it is a verdict, not an error.
func TestVerifyUnreachableProvider(t *testing.T) {
	states := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
		writeJSON(rw, map[string]any{})
	}))
	t.Cleanup(states.Close)

	r, err := VerifyMerchant(context.Background(), MerchantOptions{
		NotifyURL: "http://127.0.0.1:1/v1/payments/notifyPayment", StateChangeURL: states.URL,
	})
	require.NoError(t, err)

	assert.False(t, r.Passed())
	assert.Len(t, r.Failed(), 6)
	for _, i := range r.Failed() {
		assert.True(t, says(i, regexp.MustCompile(`StatusMismatch: expected 200 but was 502`)), "%s: %v", i.Description, i.Mismatches)
		assert.True(t, says(i, regexp.MustCompile(`resultStatus: .*the provider did not answer: .*127\.0\.0\.1:1`)), "%s: the reason, %v", i.Description, i.Mismatches)
	}
}
