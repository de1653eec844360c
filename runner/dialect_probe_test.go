package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/signing"
	"github.com/tradepaykit/tradepaykit/internal/wallet"
)

// A target speaking another dialect than its profile names is diagnosed before any scenario
// runs (internal/preflight): the run stops within 10 s with exit 2, and its first line names
// the preset the target likely speaks.

// mismatchWithin is how soon a mismatched run must stop, process start included.
const mismatchWithin = 10 * time.Second

func requireDialectStop(t *testing.T, r result, party, likely string) {
	t.Helper()
	require.Equal(t, exitUsage, r.code, r.String())
	assert.Less(t, r.elapsed, mismatchWithin, r.String())
	assert.Equal(t, "", r.stdout, "nothing runs: the first line is the diagnosis")
	assert.Contains(t, firstLine(r.stderr), "target speaks another dialect: the "+party+" likely speaks "+likely+", not kit as its profile says", r.String())
}

// TestVerifyWalletStopsOnAV2Wallet: a wallet whose /v1 is unknown while /v2 answers.
func TestVerifyWalletStopsOnAV2Wallet(t *testing.T) {
	t.Parallel()
	v2 := dialect.MustLookup("v2")
	merchantKey := fixtures.PublicKey(fixtures.MerchantPublicKey)
	walletKey := fixtures.PrivateKey(fixtures.WalletPrivateKey)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		status, res := http.StatusOK, openapi.NewResult(openapi.OrderNotExist, "no such payment")
		switch api, err := v2.APIOf(r.URL.Path); {
		case err != nil || api != dialect.InquiryPayment:
			status, res = http.StatusNotFound, openapi.NewResult("NO_INTERFACE_DEF", "this wallet serves no POST "+r.URL.Path)
		case signing.Verify(merchantKey, signing.RequestMessage(r, body), r.Header.Get(signing.HeaderSignature)) != nil:
			res = openapi.NewResult(openapi.InvalidSignature, "the signature does not verify")
		}
		answer, _ := json.Marshal(map[string]any{"result": res})
		_ = signing.Style{}.SignResponseHeaders(w.Header(), r.Method, signing.PathOf(r), r.Header.Get(signing.HeaderClientID), answer, walletKey, time.Now())
		w.WriteHeader(status)
		_, _ = w.Write(answer)
	}))
	t.Cleanup(srv.Close)
	r := verifyWithin(t, time.Minute, nil, "verify-wallet", "--wallet-url", srv.URL, "--profile", "kit:wallet-bare")
	requireDialectStop(t, r, "wallet", "v2")
	assert.Contains(t, firstLine(r.stderr), "(paths under /v2)")
	assert.Contains(t, r.stderr, "seen: POST "+srv.URL+"/v2/payments/inquiryPayment: HTTP 200, ORDER_NOT_EXIST")
}

// TestVerifyWalletStopsOnPaymentResultNotifications: the kit's wallet mock, whose
// notifications reach the kit's merchant rewritten into TNG's paymentResult shape (and signed
// again with the wallet's key), under a profile of the kit's paymentStatus dialect.
func TestVerifyWalletStopsOnPaymentResultNotifications(t *testing.T) {
	t.Parallel()
	ln, notifyBase := walletListener(t)
	walletKey := fixtures.PrivateKey(fixtures.WalletPrivateKey)
	tng := dialect.MustLookup("v1-tng")
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if n, err := openapi.DecodeNotifyPayment(dialect.MustLookup("kit"), body); err == nil {
			if b, err := openapi.EncodeNotifyPayment(tng, n); err == nil {
				body = b
			}
		}
		out, err := http.NewRequestWithContext(r.Context(), r.Method, notifyBase+r.URL.RequestURI(), bytes.NewReader(body))
		require.NoError(t, err)
		require.NoError(t, signing.Style{}.SignRequest(out, body, r.Header.Get(signing.HeaderClientID), walletKey, time.Now()))
		resp, err := http.DefaultClient.Do(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer func() { _ = resp.Body.Close() }()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	}))
	t.Cleanup(proxy.Close)
	prof, _, err := loadProfile("kit:wallet-bare", "wallet")
	require.NoError(t, err)
	wm, err := startWalletMock(walletMockSpec{
		listen: "127.0.0.1:0", profile: prof.Wallet(), style: prof.Style(), notifyTimeout: 2 * time.Second,
		merchants: []wallet.Merchant{{ClientID: fixtures.ClientID, PublicKey: fixtures.PublicKey(fixtures.MerchantPublicKey), AppID: defaultAppID}},
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = wm.close() })

	r := verifyWithin(t, time.Minute, []*os.File{ln}, "verify-wallet", "--wallet-url", wm.url, "--profile", "kit:wallet-bare",
		"--notify-listen", "fd:3", "--advertise-url", proxy.URL)
	requireDialectStop(t, r, "wallet", "v1-tng")
	assert.Contains(t, firstLine(r.stderr), "(paymentResult notifications)")
	assert.Contains(t, r.stderr, `seen: the notification of a tradeNO payment, as the kit's merchant received it: {`)
	assert.Contains(t, r.stderr, `"paymentResult":{"resultCode":"SUCCESS","resultStatus":"S"`)
}

// TestVerifyMerchantStopsOnAV2Merchant: a merchant whose pay comes to /v2/payments/pay with
// its title in order.orderDescription.
func TestVerifyMerchantStopsOnAV2Merchant(t *testing.T) {
	t.Parallel()
	ln, walletURL := walletListener(t)
	v2 := dialect.MustLookup("v2")
	key := fixtures.PrivateKey(fixtures.MerchantPrivateKey)
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/conformance/orders" {
			w.WriteHeader(http.StatusBadRequest) // the reachability probe's empty body
			return
		}
		body, err := openapi.EncodePay(v2, openapi.PayRequest{
			AppID: "3333010071465913", ProductCode: v2.ProductCodeFor(false), PaymentOrderTitle: "dialect probe", PaymentRequestID: "PR-" + strings.Repeat("1", 8),
			PaymentAmount: openapi.Amount{Currency: "USD", Value: "100"}, PaymentNotifyURL: "http://" + r.Host + v2.PathFor(dialect.NotifyPayment),
		})
		require.NoError(t, err)
		out, err := http.NewRequestWithContext(r.Context(), http.MethodPost, walletURL+v2.PathFor(dialect.Pay), bytes.NewReader(body))
		require.NoError(t, err)
		require.NoError(t, signing.Style{}.SignRequest(out, body, fixtures.ClientID, key, time.Now()))
		resp, err := http.DefaultClient.Do(out)
		if err == nil {
			_ = resp.Body.Close()
		}
		http.Error(w, "the wallet refused the pay", http.StatusBadGateway)
	}))
	t.Cleanup(shop.Close)
	r := verifyWithin(t, time.Minute, []*os.File{ln}, "verify-merchant", "--merchant-url", shop.URL, "--wallet-listen", "fd:3", "--profile", "kit:merchant-bare")
	requireDialectStop(t, r, "merchant", "v2")
	assert.Contains(t, firstLine(r.stderr), "(paths under /v2; the order title in order.orderDescription)")
	assert.Contains(t, r.stderr, "seen: the merchant's pay for a tradeNO order came to POST /v2/payments/pay with {")
}

// TestVerifyStopsOnTheKitsPartiesInAnotherDialect: the kit's own parties speaking one preset,
// verified under another, stop the run within 10 s with exit 2 and the party's preset named;
// the wallet side by its paths, the merchant side by its pay and its answer to a notification.
func TestVerifyStopsOnTheKitsPartiesInAnotherDialect(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ party, profile, wallet, merchant string }{
		{"v2", "kit", "v2", "v2"},
		{"kit", "v2", "kit", "kit or v1-tng or v1-qi"},
		{"v1-alipay", "kit", "v1-alipay", "v1-alipay"},
		{"v1-tng", "kit", "v1-tng", "v1-tng"},
	} {
		t.Run("wallet "+tc.party+" under "+tc.profile, func(t *testing.T) {
			t.Parallel()
			wallet := startParty(t, "wallet-mock", "--listen", "127.0.0.1:0", "--dialect", tc.party)
			r := verifyWithin(t, time.Minute, nil, "verify-wallet", "--wallet-url", wallet.url, "--dialect", tc.profile)
			requireDialectStopUnder(t, r, "wallet", tc.wallet, tc.profile)
		})
		t.Run("merchant "+tc.party+" under "+tc.profile, func(t *testing.T) {
			t.Parallel()
			ln, walletURL := walletListener(t)
			m := startParty(t, "reference-merchant", "--listen", "127.0.0.1:0", "--wallet-url", walletURL, "--dialect", tc.party)
			r := verifyWithin(t, time.Minute, []*os.File{ln}, "verify-merchant", "--merchant-url", m.url, "--wallet-listen", "fd:3", "--dialect", tc.profile)
			requireDialectStopUnder(t, r, "merchant", tc.merchant, tc.profile)
		})
	}
}

func requireDialectStopUnder(t *testing.T, r result, party, likely, profile string) {
	t.Helper()
	if !assert.Equal(t, exitUsage, r.code, r.String()) {
		return
	}
	assert.Less(t, r.elapsed, mismatchWithin, r.String())
	assert.Contains(t, firstLine(r.stderr), "target speaks another dialect: the "+party+" likely speaks "+likely+", not "+profile+" as its profile says", r.String())
}
