package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/merchant"
)

// TestVerifyMerchantPassesAMerchantInItsOwnWords: a correct merchant whose refusals use its
// own words passes verify-merchant without extensions, with warnings and no failure (issue 9,
// "No invented requirements"): its adapter answers the statuses the README pins with a body
// of its own that names no field, and it refuses a notification it cannot use with F
// PROCESS_FAIL "rejected", unsigned, where the kit's merchant says PARAM_ILLEGAL naming the
// field and signs.
func TestVerifyMerchantPassesAMerchantInItsOwnWords(t *testing.T) {
	t.Parallel()
	ln, walletURL := walletListener(t)
	var h http.Handler
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		switch {
		case strings.HasPrefix(r.URL.Path, "/conformance/") && rec.Code != http.StatusOK:
			body = []byte(`{"message":"request not accepted"}`)
		case r.URL.Path == merchant.NotifyPath && bytes.Contains(body, []byte(`"PARAM_ILLEGAL"`)):
			body = []byte(`{"result":{"resultCode":"PROCESS_FAIL","resultStatus":"F","resultMessage":"rejected"}}`)
			rec.Header().Del("Signature")
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	}))
	m, err := merchant.NewServer(merchant.Config{
		WalletURL: walletURL, ClientID: fixtures.ClientID, AppID: defaultAppID, PublicURL: "http://" + srv.Listener.Addr().String(),
		PrivateKey: fixtures.PrivateKey(fixtures.MerchantPrivateKey), WalletPublicKey: fixtures.PublicKey(fixtures.WalletPublicKey),
	})
	require.NoError(t, err)
	h = m.Handler()
	srv.Start()
	t.Cleanup(srv.Close)

	r := verify(t, []*os.File{ln}, "verify-merchant", "--merchant-url", srv.URL, "--wallet-listen", "fd:3",
		"--notify-timeout", "2s", "--profile", "kit:merchant-bare", "--pact", "false", "--require-all")
	require.Equal(t, exitPass, r.code, "every MUST is checked on a merchant without extensions\n%s", r.String())
	assert.Regexp(t, `(?m)^PASS: \d+ of \d+ MUST requirements checked$`, r.stdout, "nothing left unchecked")
	got := parseTotals(t, r.stdout)
	assert.Equal(t, got.scenarios, got.passed, "every scenario runs without extensions, and passes")
	assert.Contains(t, r.stdout, "WARNING (SHOULD)", "the wording the kit's merchant would use is a warning")
	assert.Contains(t, r.stdout, `should name "amount.value"`)
	assert.Contains(t, r.stdout, "should be PARAM_ILLEGAL naming")
}
