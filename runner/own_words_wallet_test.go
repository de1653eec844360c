package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/signing"
	"github.com/tradepaykit/tradepaykit/internal/wallet"
)

// TestVerifyWalletPassesAWalletInItsOwnWords: a correct wallet whose refusals use its own
// words passes verify-wallet without extensions and with every MUST checked, with warnings
// and no failure (issue 9, "No invented requirements"). The wallet is the kit's mock behind a
// front that rewrites every resultMessage of the OpenAPI to a phrase that names no field, and
// signs the rewritten answer again with the wallet's key, as another team's wallet would
// answer: the result code is the contract, the message is for people.
func TestVerifyWalletPassesAWalletInItsOwnWords(t *testing.T) {
	t.Parallel()
	ln, notifyURL := notifyListener(t)
	prof, _, err := loadProfile("kit:wallet-bare", "wallet")
	require.NoError(t, err)
	wm, err := startWalletMock(walletMockSpec{
		listen: "127.0.0.1:0", profile: prof.Wallet(), style: prof.Style(), notifyTimeout: 2 * time.Second,
		merchants: []wallet.Merchant{
			{ClientID: fixtures.ClientID, PublicKey: fixtures.PublicKey(fixtures.MerchantPublicKey), AppID: defaultAppID, NotifyURL: notifyURL},
			{ClientID: fixtures.SecondClientID, PublicKey: fixtures.PublicKey(fixtures.SecondMerchantPublicKey)},
		},
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = wm.close() })

	walletKey := fixtures.PrivateKey(fixtures.WalletPrivateKey)
	upstream, err := url.Parse(wm.url)
	require.NoError(t, err)
	client := &http.Client{Timeout: 30 * time.Second}
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		out, err := http.NewRequestWithContext(r.Context(), r.Method, upstream.Scheme+"://"+upstream.Host+r.URL.RequestURI(), bytes.NewReader(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		out.Header = r.Header.Clone()
		resp, err := client.Do(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		answer, err := io.ReadAll(resp.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		if strings.Contains(r.URL.Path, "/v1/payments/") && resp.Header.Get(signing.HeaderSignature) != "" {
			if reworded, ok := inOwnWords(answer); ok {
				answer = reworded
				require.NoError(t, signing.Style{}.SignResponseHeaders(resp.Header, r.Method, r.URL.RequestURI(), resp.Header.Get(signing.HeaderClientID), answer, walletKey, time.Now()))
			}
		}
		for k, v := range resp.Header {
			if k != "Content-Length" {
				w.Header()[k] = v
			}
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(answer)
	}))
	t.Cleanup(front.Close)

	r := verify(t, []*os.File{ln}, "verify-wallet", "--wallet-url", front.URL, "--profile", "kit:wallet-bare",
		"--notify-listen", "fd:3", "--notify-url-registered", "--pact", "false", "--require-all")
	// Every MUST checked but an orderStr's pay_timeout, which only clock control shows
	// (issue 16): --require-all fails on that alone, and nothing failed.
	require.Equal(t, exitFail, r.code, "a correct wallet in its own words fails --require-all on the orderStr pay_timeout alone\n%s", r.String())
	assert.Regexp(t, `(?m)^FAIL: \d+ of \d+ MUST requirements checked; not checked: REQ-GEN-014 on orderStr, REQ-PRE-012 on orderStr pre-auth \(an orderStr's pay_timeout .*\) \(--require-all`, r.stdout)
	got := parseTotals(t, r.stdout)
	assert.Equal(t, got.scenarios, got.passed+got.skipped, "nothing failed")
	assert.Contains(t, r.stdout, "WARNING (SHOULD)", "the wording the kit's wallet would use is a warning")
}

// inOwnWords replaces an answer's result.resultMessage, when it has one that is not the
// success message, with a phrase of another wallet's: Spanish, naming no field.
func inOwnWords(answer []byte) ([]byte, bool) {
	var doc map[string]any
	if json.Unmarshal(answer, &doc) != nil {
		return nil, false
	}
	result, ok := doc["result"].(map[string]any)
	if !ok || result["resultStatus"] == "S" {
		return nil, false
	}
	result["resultMessage"] = "Solicitud rechazada por el monedero."
	b, err := json.Marshal(doc)
	return b, err == nil
}
