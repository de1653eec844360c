package walletclient_test

import (
	"context"
	"crypto/rsa"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/signing"
	"github.com/tradepaykit/tradepaykit/internal/walletclient"
)

// fakeWallet plays a wallet: it verifies each request with the merchant's public key and
// answers with the body answer returns, signed with sign (the wallet key unless a test swaps
// it), after tamper changes the signed bytes when set.
type fakeWallet struct {
	t      *testing.T
	srv    *httptest.Server
	answer string
	sign   *rsa.PrivateKey
	tamper func(body []byte, h http.Header) []byte

	mu       sync.Mutex
	paths    []string
	verified []error
	bodies   []string
}

func newFakeWallet(t *testing.T, answer string) *fakeWallet {
	f := &fakeWallet{t: t, answer: answer, sign: fixtures.PrivateKey(fixtures.WalletPrivateKey)}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		verr := signing.Verify(fixtures.PublicKey(fixtures.MerchantPublicKey), signing.RequestMessage(r, body), r.Header.Get(signing.HeaderSignature))
		f.mu.Lock()
		f.paths = append(f.paths, signing.PathOf(r))
		f.verified = append(f.verified, verr)
		f.bodies = append(f.bodies, string(body))
		f.mu.Unlock()
		out := []byte(f.answer)
		if f.sign != nil {
			err := signing.Style{}.SignResponseHeaders(w.Header(), r.Method, signing.PathOf(r), r.Header.Get(signing.HeaderClientID), out, f.sign, time.Now())
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
		}
		if f.tamper != nil {
			out = f.tamper(out, w.Header())
		}
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(out)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// seen returns what the wallet received: request paths, request signature checks, bodies.
func (f *fakeWallet) seen() (paths []string, verified []error, bodies []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.paths...), append([]error(nil), f.verified...), append([]string(nil), f.bodies...)
}

func (f *fakeWallet) client(t *testing.T, baseURL string, exchanges *[]walletclient.Exchange) *walletclient.Client {
	c, err := walletclient.New(walletclient.Config{
		BaseURL:         baseURL,
		ClientID:        fixtures.ClientID,
		PrivateKey:      fixtures.PrivateKey(fixtures.MerchantPrivateKey),
		WalletPublicKey: fixtures.PublicKey(fixtures.WalletPublicKey),
		HTTPClient:      f.srv.Client(),
		OnExchange: func(x walletclient.Exchange) {
			if exchanges != nil {
				*exchanges = append(*exchanges, x)
			}
		},
	})
	require.NoError(t, err)
	return c
}

const acceptAnswer = `{"result":{"resultCode":"ACCEPT","resultStatus":"A","resultMessage":"accepted"},` +
	`"paymentId":"P1","paymentRequestId":"R1","redirectActionForm":{"method":"GET","redirectUrl":"http://w/cashier/P1"}}`

func payRequest() *openapi.PayRequest {
	return &openapi.PayRequest{
		ProductCode:       "51051000101000000011",
		PaymentOrderTitle: "coffee",
		PaymentRequestID:  "R1",
		PaymentAmount:     openapi.WireAmount(money.MustNew("USD", 1000)),
		PaymentFactor:     &openapi.PaymentFactor{IsCashierPayment: true},
	}
}

func TestPayHappyPath(t *testing.T) {
	f := newFakeWallet(t, acceptAnswer)
	var xs []walletclient.Exchange
	c := f.client(t, f.srv.URL, &xs)

	resp, err := c.Pay(context.Background(), payRequest())
	require.NoError(t, err)
	assert.Equal(t, openapi.Accept, resp.Result.ResultCode)
	assert.Equal(t, "P1", resp.PaymentID)
	assert.Equal(t, "http://w/cashier/P1", resp.RedirectActionForm.URL())

	paths, verified, bodies := f.seen()
	require.Len(t, verified, 1)
	assert.NoError(t, verified[0], "the wallet verifies the request with the merchant key")
	assert.Equal(t, "/v1/payments/pay", paths[0])
	assert.Contains(t, bodies[0], `"paymentRequestId":"R1"`)

	require.Len(t, xs, 1)
	x := xs[0]
	assert.Equal(t, walletclient.APIPay, x.API)
	assert.Equal(t, f.srv.URL+"/v1/payments/pay", x.URL)
	assert.Equal(t, bodies[0], string(x.RequestBody), "the exchange holds the exact bytes sent")
	assert.Equal(t, acceptAnswer, string(x.ResponseBody))
	assert.Equal(t, http.StatusOK, x.StatusCode)
	assert.Equal(t, fixtures.ClientID, x.RequestHeader.Get(signing.HeaderClientID))
	assert.True(t, x.SignatureVerified)
	assert.NoError(t, x.SignatureErr)
	assert.NoError(t, x.Err)
}

func TestFailedResultIsReturnedNotAnError(t *testing.T) {
	f := newFakeWallet(t, `{"result":{"resultCode":"ORDER_NOT_EXIST","resultStatus":"F","resultMessage":"no such payment"}}`)
	c := f.client(t, f.srv.URL, nil)

	resp, err := c.InquiryPayment(context.Background(), &openapi.InquiryPaymentRequest{PaymentID: "P404"})
	require.NoError(t, err)
	assert.Equal(t, openapi.OrderNotExist, resp.Result.ResultCode)
	assert.Equal(t, openapi.StatusFail, resp.Result.ResultStatus)
}

func TestTamperedResponseBodyIsRefused(t *testing.T) {
	f := newFakeWallet(t, acceptAnswer)
	f.tamper = func(body []byte, _ http.Header) []byte {
		return []byte(strings.Replace(string(body), `"P1"`, `"P2"`, 1))
	}
	var xs []walletclient.Exchange
	c := f.client(t, f.srv.URL, &xs)

	_, err := c.Pay(context.Background(), payRequest())
	require.Error(t, err)
	assert.ErrorIs(t, err, signing.ErrMismatch)
	assert.Contains(t, err.Error(), "walletclient: response signature: ")
	require.Len(t, xs, 1)
	assert.False(t, xs[0].SignatureVerified)
	assert.ErrorIs(t, xs[0].SignatureErr, signing.ErrMismatch)
	assert.Equal(t, err, xs[0].Err)
}

func TestMissingSignatureIsRefused(t *testing.T) {
	f := newFakeWallet(t, acceptAnswer)
	f.tamper = func(body []byte, h http.Header) []byte {
		h.Del(signing.HeaderSignature)
		return body
	}
	c := f.client(t, f.srv.URL, nil)

	_, err := c.Pay(context.Background(), payRequest())
	require.Error(t, err)
	assert.ErrorIs(t, err, signing.ErrMissing)
	assert.Contains(t, err.Error(), "walletclient: response signature: ")
}

func TestResponseSignedWithAnotherKeyIsRefused(t *testing.T) {
	f := newFakeWallet(t, acceptAnswer)
	f.sign = fixtures.PrivateKey(fixtures.MerchantPrivateKey) // not the wallet's key
	c := f.client(t, f.srv.URL, nil)

	_, err := c.Pay(context.Background(), payRequest())
	require.Error(t, err)
	assert.ErrorIs(t, err, signing.ErrMismatch)
}

func TestResponseClientIDMustEchoOurs(t *testing.T) {
	f := newFakeWallet(t, acceptAnswer)
	// Signed correctly, but for another client id.
	f.tamper = func(body []byte, h http.Header) []byte {
		err := signing.Style{}.SignResponseHeaders(h, http.MethodPost, "/v1/payments/pay", "OTHERCLIENT", body, fixtures.PrivateKey(fixtures.WalletPrivateKey), time.Now())
		require.NoError(t, err)
		return body
	}
	c := f.client(t, f.srv.URL, nil)

	_, err := c.Pay(context.Background(), payRequest())
	require.Error(t, err)
	assert.Contains(t, err.Error(), `Client-Id "OTHERCLIENT"`)
}

func TestPrefixPathIsSigned(t *testing.T) {
	f := newFakeWallet(t, `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentStatus":"PROCESSING"}`)
	var xs []walletclient.Exchange
	c := f.client(t, f.srv.URL+"/api/", &xs)

	resp, err := c.InquiryPayment(context.Background(), &openapi.InquiryPaymentRequest{PaymentID: "P1"})
	require.NoError(t, err, "the response is signed over the prefixed path and verifies")
	assert.Equal(t, openapi.PaymentProcessing, resp.PaymentStatus)
	paths, verified, _ := f.seen()
	require.Len(t, paths, 1)
	assert.Equal(t, "/api/v1/payments/inquiryPayment", paths[0])
	assert.NoError(t, verified[0], "the request signature covers the prefixed path")
	assert.Equal(t, f.srv.URL+"/api/v1/payments/inquiryPayment", xs[0].URL)
}

func TestRedirectionURLIsAccepted(t *testing.T) {
	answer := `{"result":{"resultCode":"ACCEPT","resultStatus":"A","resultMessage":"accepted"},` +
		`"paymentId":"P1","redirectActionForm":{"method":"GET","redirectionUrl":"http://w/cashier/P1"},"somethingNew":1}`
	f := newFakeWallet(t, answer)
	c := f.client(t, f.srv.URL, nil)

	resp, err := c.Pay(context.Background(), payRequest())
	require.NoError(t, err)
	assert.Equal(t, "http://w/cashier/P1", resp.RedirectActionForm.URL())
}

func TestMalformedBodyIsAnError(t *testing.T) {
	f := newFakeWallet(t, `{"paymentId":"P1"}`)
	c := f.client(t, f.srv.URL, nil)

	_, err := c.Pay(context.Background(), payRequest())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no result envelope")
}

func TestHTTPErrorWithoutResultIsAnError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "upstream down", http.StatusBadGateway)
	}))
	t.Cleanup(srv.Close)
	c, err := walletclient.New(walletclient.Config{
		BaseURL: srv.URL, ClientID: fixtures.ClientID,
		PrivateKey:      fixtures.PrivateKey(fixtures.MerchantPrivateKey),
		WalletPublicKey: fixtures.PublicKey(fixtures.WalletPublicKey),
	})
	require.NoError(t, err)

	_, err = c.Cancel(context.Background(), &openapi.CancelRequest{PaymentID: "P1"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "HTTP 502 without a result")
}

func TestTransportErrorNamesTheURL(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close() // nothing listens there any more
	c, err := walletclient.New(walletclient.Config{
		BaseURL: base, ClientID: fixtures.ClientID,
		PrivateKey:      fixtures.PrivateKey(fixtures.MerchantPrivateKey),
		WalletPublicKey: fixtures.PublicKey(fixtures.WalletPublicKey),
	})
	require.NoError(t, err)

	_, err = c.Refund(context.Background(), &openapi.RefundRequest{RefundRequestID: "F1", PaymentID: "P1"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), base+"/v1/payments/refund")
	var netErr interface{ Timeout() bool }
	assert.True(t, errors.As(err, &netErr), "the transport error is wrapped")
}

func TestNewRefusesBadConfig(t *testing.T) {
	good := walletclient.Config{
		BaseURL: "http://127.0.0.1:1/api", ClientID: fixtures.ClientID,
		PrivateKey:      fixtures.PrivateKey(fixtures.MerchantPrivateKey),
		WalletPublicKey: fixtures.PublicKey(fixtures.WalletPublicKey),
	}
	_, err := walletclient.New(good)
	require.NoError(t, err)
	for name, mutate := range map[string]func(*walletclient.Config){
		"relative URL":  func(c *walletclient.Config) { c.BaseURL = "/api" },
		"query":         func(c *walletclient.Config) { c.BaseURL = "http://127.0.0.1:1/?x=1" },
		"no client id":  func(c *walletclient.Config) { c.ClientID = "" },
		"no key":        func(c *walletclient.Config) { c.PrivateKey = nil },
		"no wallet key": func(c *walletclient.Config) { c.WalletPublicKey = nil },
	} {
		cfg := good
		mutate(&cfg)
		_, err := walletclient.New(cfg)
		assert.Error(t, err, name)
	}
}

// TestDeclaredECC224IsNotCheckedButAccepted: an answer signed in ECC224 is accepted, and
// recorded as not checked, when the wallet declares ECC224; otherwise it is refused as any
// other algorithm (docs/protocol.md, "Where published wallets differ").
func TestDeclaredECC224IsNotCheckedButAccepted(t *testing.T) {
	f := newFakeWallet(t, acceptAnswer)
	f.tamper = func(body []byte, h http.Header) []byte {
		h.Set(signing.HeaderSignature, "algorithm=ECC224, keyVersion=1, signature=MEUCIQ")
		return body
	}
	_, err := f.client(t, f.srv.URL, nil).Pay(context.Background(), payRequest())
	assert.ErrorIs(t, err, signing.ErrAlgorithm, "ECC224 not declared")

	var xs []walletclient.Exchange
	c, err := walletclient.New(walletclient.Config{
		BaseURL: f.srv.URL, ClientID: fixtures.ClientID, HTTPClient: f.srv.Client(),
		PrivateKey: fixtures.PrivateKey(fixtures.MerchantPrivateKey), WalletPublicKey: fixtures.PublicKey(fixtures.WalletPublicKey),
		Algorithms: []string{"RSA256", "ECC224"},
		OnExchange: func(x walletclient.Exchange) { xs = append(xs, x) },
	})
	require.NoError(t, err)
	resp, err := c.Pay(context.Background(), payRequest())
	require.NoError(t, err, "declared ECC224 is accepted")
	assert.Equal(t, "P1", resp.PaymentID)
	require.Len(t, xs, 1)
	assert.False(t, xs[0].SignatureVerified, "not verified")
	assert.ErrorIs(t, xs[0].SignatureErr, signing.ErrNotChecked, "reported as not checked")
}
