//go:build pact

package pacts

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/signing"
	"github.com/tradepaykit/tradepaykit/internal/wallet"
)

// Provider verification of merchant-wallet.json against the kit's wallet mock, through
// VerifyWallet: the same code path the runner uses for a vendor's wallet.

func startWallet(t *testing.T) *wallet.Server {
	t.Helper()
	w, err := wallet.NewServer(wallet.Config{
		PrivateKey: fixtures.PrivateKey(fixtures.WalletPrivateKey),
		Merchants: []wallet.Merchant{{
			ClientID:  fixtures.ClientID,
			PublicKey: fixtures.PublicKey(fixtures.MerchantPublicKey),
		}},
	})
	require.NoError(t, err)
	require.NoError(t, w.Start("127.0.0.1:0"))
	t.Cleanup(func() { _ = w.Close() })
	return w
}

func verifyWallet(t *testing.T, walletURL, controlURL string) *Report {
	t.Helper()
	r, err := VerifyWallet(context.Background(), WalletOptions{WalletURL: walletURL, ControlURL: controlURL})
	require.NoError(t, err)
	t.Log("\n" + r.String())
	return r
}

func TestWalletMockHonoursThePact(t *testing.T) {
	w := startWallet(t)

	r := verifyWallet(t, w.URL(), w.URL())

	assert.True(t, r.Passed(), "verifier output:\n%s", r.Output)
	assert.Len(t, r.Interactions, 20)
	assert.Equal(t, Merchant, r.Consumer)
	assert.Equal(t, Wallet, r.Provider)
}

// brokenWallet wraps the wallet mock's handler, rewrites the answers of one API with change
// (none when change is nil) and signs every answer again with key: the defects are exactly
// the change and the key.
func brokenWallet(t *testing.T, w *wallet.Server, api string, change func(status int, body map[string]any) int, key *rsa.PrivateKey) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		w.Handler().ServeHTTP(rec, r)
		status, body := rec.Code, rec.Body.Bytes()
		if change != nil && strings.HasSuffix(r.URL.Path, "/"+api) {
			var m map[string]any
			require.NoError(t, json.Unmarshal(body, &m))
			status = change(status, m)
			var err error
			body, err = json.Marshal(m)
			require.NoError(t, err)
		}
		h := rec.Header()
		require.NoError(t, signing.Style{}.SignResponseHeaders(h, r.Method, signing.PathOf(r), h.Get(signing.HeaderClientID), body, key, time.Now()))
		for k, v := range h {
			rw.Header()[k] = v
		}
		rw.Header().Del("Content-Length")
		rw.WriteHeader(status)
		_, _ = rw.Write(bytes.Clone(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestBrokenWalletFailsThePact(t *testing.T) {
	walletKey := fixtures.PrivateKey(fixtures.WalletPrivateKey)
	for _, tc := range []struct {
		name    string
		api     string
		change  func(status int, body map[string]any) int
		signKey *rsa.PrivateKey
		// The interactions that must fail, each with a mismatch that matches this.
		failing  []string
		mismatch *regexp.Regexp
	}{
		{
			name: "inquiryPayment drops paymentStatus",
			api:  "inquiryPayment",
			change: func(status int, body map[string]any) int {
				delete(body, "paymentStatus")
				return status
			},
			failing: []string{
				"inquiryPayment: a payment reported as AUTH_SUCCESS",
				"inquiryPayment: a payment reported as CANCELLED",
				"inquiryPayment: a payment reported as FAIL",
				"inquiryPayment: a payment reported as PROCESSING",
				"inquiryPayment: a payment reported as SUCCESS",
				"inquiryPayment: by paymentRequestId, a payment reported as SUCCESS",
			},
			signKey:  walletKey,
			mismatch: regexp.MustCompile(`missing the following keys: paymentStatus`),
		},
		{
			// A JSON number where the protocol wants integer minor units as a string: the
			// regex alone would match 10000; the type rule does not.
			name: "inquiryPayment answers a numeric amount",
			api:  "inquiryPayment",
			change: func(status int, body map[string]any) int {
				body["paymentAmount"].(map[string]any)["value"] = 10000
				return status
			},
			failing: []string{
				"inquiryPayment: a payment reported as AUTH_SUCCESS",
				"inquiryPayment: a payment reported as CANCELLED",
				"inquiryPayment: a payment reported as FAIL",
				"inquiryPayment: a payment reported as PROCESSING",
				"inquiryPayment: a payment reported as SUCCESS",
				"inquiryPayment: by paymentRequestId, a payment reported as SUCCESS",
			},
			signKey:  walletKey,
			mismatch: regexp.MustCompile(`BodyMismatch at \$\.paymentAmount\.value: .*10000`),
		},
		{
			// The state fixes 100.00 USD: the same digits in another currency are another amount.
			name: "refund answers another currency",
			api:  "refund",
			change: func(status int, body map[string]any) int {
				body["refundAmount"].(map[string]any)["currency"] = "EUR"
				return status
			},
			failing:  []string{"refund: part of a paid payment is refunded"},
			signKey:  walletKey,
			mismatch: regexp.MustCompile(`BodyMismatch at \$\.refundAmount\.currency: .*EUR`),
		},
		{
			name: "capture refusals answer HTTP 400",
			api:  "capture",
			change: func(status int, body map[string]any) int {
				if body["result"].(map[string]any)["resultStatus"] == "F" {
					return http.StatusBadRequest
				}
				return status
			},
			failing:  []string{"capture: more than the authorization is CAPTURE_AMOUNT_EXCEED"},
			signKey:  walletKey,
			mismatch: regexp.MustCompile(`StatusMismatch: expected 200 but was 400`),
		},
		{
			name:    "answers signed with another key",
			signKey: fixtures.PrivateKey(fixtures.MerchantPrivateKey),
			failing: allInteractions(t, MerchantWalletFile),
			// Either the answer itself (HeaderMismatch at Signature), or the answers the kit
			// needs to set the state up, which its client refuses.
			mismatch: regexp.MustCompile(`HeaderMismatch at Signature|could not be set up: .*response signature`),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := startWallet(t)
			url := brokenWallet(t, w, tc.api, tc.change, tc.signKey)

			r := verifyWallet(t, url, w.URL())

			require.False(t, r.Passed())
			var failed []string
			for _, i := range r.Failed() {
				failed = append(failed, i.Description)
				assert.True(t, says(i, tc.mismatch), "no mismatch of %q says %q: %v", i.Description, tc.mismatch, i.Mismatches)
			}
			assert.ElementsMatch(t, tc.failing, failed)
		})
	}
}

// says reports whether a mismatch of the interaction, as the report prints it, matches re.
func says(i InteractionResult, re *regexp.Regexp) bool {
	for _, m := range i.Mismatches {
		if re.MatchString(m.String()) {
			return true
		}
	}
	return false
}

// allInteractions lists the descriptions of a committed pact.
func allInteractions(t *testing.T, file string) []string {
	t.Helper()
	raw, err := Files.ReadFile(file)
	require.NoError(t, err)
	var p pactDoc
	require.NoError(t, json.Unmarshal(raw, &p))
	var out []string
	for _, i := range p.Interactions {
		out = append(out, i.Description)
	}
	return out
}
