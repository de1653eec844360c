package walletclient_test

import (
	"context"
	"encoding/json"
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
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/signing"
	"github.com/tradepaykit/tradepaykit/internal/walletclient"
)

// dialectWallet plays a wallet of one dialect: it names the operation of each request path
// by the dialect (a path of another shape is a test failure), verifies the merchant's
// signature over the path as sent, decodes pay, inquiryPayment and refund with the dialect's
// codecs, and answers the scripted body for the operation, signed over signPath(path).
type dialectWallet struct {
	t        *testing.T
	d        dialect.Dialect
	srv      *httptest.Server
	answers  map[dialect.API]string
	signPath func(string) string

	mu       sync.Mutex
	requests []dialectRequest
}

type dialectRequest struct {
	API  dialect.API
	Path string
	Body map[string]any
	// Decoded is the request read by the dialect's codec: an openapi.PayRequest,
	// InquiryPaymentRequest or RefundCall.
	Decoded any
}

func newDialectWallet(t *testing.T, d dialect.Dialect) *dialectWallet {
	f := &dialectWallet{t: t, d: d, answers: map[dialect.API]string{}, signPath: func(p string) string { return p }}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *dialectWallet) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	path := signing.PathOf(r)
	api, err := f.d.APIOf(path)
	if !assert.NoError(f.t, err, "the client posted to a path of another dialect") {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	assert.NoError(f.t, signing.Verify(fixtures.PublicKey(fixtures.MerchantPublicKey), signing.RequestMessage(r, body), r.Header.Get(signing.HeaderSignature)),
		"the client signs the path as sent (%s)", path)
	req := dialectRequest{API: api, Path: path}
	require.NoError(f.t, json.Unmarshal(body, &req.Body))
	switch api {
	case dialect.Pay:
		req.Decoded, err = openapi.DecodePay(f.d, body)
	case dialect.InquiryPayment:
		req.Decoded, err = openapi.DecodeInquiryPayment(f.d, body)
	case dialect.Refund:
		req.Decoded, err = openapi.DecodeRefund(f.d, body)
	}
	assert.NoError(f.t, err, "the %s wallet reads the client's %s: %s", f.d.Preset, api, body)
	f.mu.Lock()
	f.requests = append(f.requests, req)
	answer := f.answers[api]
	f.mu.Unlock()
	if answer == "" {
		answer = `{"result":{"resultCode":"UNKNOWN_EXCEPTION","resultStatus":"U","resultMessage":"no answer scripted"}}`
	}
	if err := (signing.Style{}).SignResponseHeaders(w.Header(), r.Method, f.signPath(path), r.Header.Get(signing.HeaderClientID), []byte(answer), fixtures.PrivateKey(fixtures.WalletPrivateKey), time.Now()); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, answer)
}

func (f *dialectWallet) received() []dialectRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]dialectRequest(nil), f.requests...)
}

func (f *dialectWallet) client(t *testing.T, mutate ...func(*walletclient.Config)) *walletclient.Client {
	cfg := walletclient.Config{
		BaseURL:         f.srv.URL,
		ClientID:        fixtures.ClientID,
		PrivateKey:      fixtures.PrivateKey(fixtures.MerchantPrivateKey),
		WalletPublicKey: fixtures.PublicKey(fixtures.WalletPublicKey),
		HTTPClient:      f.srv.Client(),
		Dialect:         f.d,
		AppID:           "2026TESTAPP0001",
	}
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := walletclient.New(cfg)
	require.NoError(t, err)
	return c
}

// neutralPay is a pay as the reference merchant writes it, whatever the dialect.
func neutralPay() *openapi.PayRequest {
	return &openapi.PayRequest{
		PaymentOrderTitle: "coffee",
		PaymentRequestID:  "R1",
		PaymentAmount:     openapi.WireAmount(money.MustNew("USD", 1000)),
		PaymentFactor:     &openapi.PaymentFactor{IsCashierPayment: true},
		PaymentNotifyURL:  "http://merchant.test/v1/payments/notifyPayment",
	}
}

// TestPayInEveryDialect: pay goes to the dialect's path, in its shape: partnerId where
// carried, appId where required, the title in its field and not in the other, the
// dialect's product code.
func TestPayInEveryDialect(t *testing.T) {
	for _, name := range dialect.Presets() {
		t.Run(name, func(t *testing.T) {
			d := dialect.MustLookup(name)
			f := newDialectWallet(t, d)
			f.answers[dialect.Pay] = acceptAnswer
			var xs []walletclient.Exchange
			c := f.client(t, func(cfg *walletclient.Config) {
				cfg.OnExchange = func(x walletclient.Exchange) { xs = append(xs, x) }
			})

			resp, err := c.Pay(context.Background(), neutralPay())
			require.NoError(t, err)
			assert.Equal(t, "P1", resp.PaymentID)

			got := f.received()
			require.Len(t, got, 1)
			assert.Equal(t, d.PathFor(dialect.Pay), got[0].Path)
			body := got[0].Body
			if d.CarriesPartnerID() {
				assert.Equal(t, dialect.DefaultPartnerID, body["partnerId"])
			} else {
				assert.NotContains(t, body, "partnerId")
			}
			if d.RequiresAppID() {
				assert.Equal(t, "2026TESTAPP0001", body["appId"])
			} else {
				assert.NotContains(t, body, "appId", "appId is sent only where the dialect requires it")
			}
			if d.TitleInOrderDescription() {
				assert.NotContains(t, body, "paymentOrderTitle")
				assert.Equal(t, map[string]any{"orderDescription": "coffee"}, body["order"])
			} else {
				assert.Equal(t, "coffee", body["paymentOrderTitle"])
				assert.NotContains(t, body, "order")
			}
			assert.Equal(t, d.ProductCodeFor(false), body["productCode"])
			assert.Equal(t, map[string]any{"currency": "USD", "value": "1000"}, body["paymentAmount"], "a sender writes a string")
			assert.Equal(t, "coffee", got[0].Decoded.(openapi.PayRequest).PaymentOrderTitle)

			require.Len(t, xs, 1)
			assert.Equal(t, walletclient.APIPay, xs[0].API)
			assert.Equal(t, f.srv.URL+d.PathFor(dialect.Pay), xs[0].URL)
		})
	}
}

// TestPayPartnerIDAndAppIDFromConfig: the configured values are the ones sent; a request's
// own values win.
func TestPayPartnerIDAndAppIDFromConfig(t *testing.T) {
	alipay := newDialectWallet(t, dialect.MustLookup("v1-alipay"))
	alipay.answers[dialect.Pay] = acceptAnswer
	_, err := alipay.client(t, func(c *walletclient.Config) { c.PartnerID = "2188000000000001" }).Pay(context.Background(), neutralPay())
	require.NoError(t, err)
	req := neutralPay()
	req.PartnerID = "2188000000000002"
	_, err = alipay.client(t, func(c *walletclient.Config) { c.PartnerID = "2188000000000001" }).Pay(context.Background(), req)
	require.NoError(t, err)
	got := alipay.received()
	require.Len(t, got, 2)
	assert.Equal(t, "2188000000000001", got[0].Body["partnerId"])
	assert.Equal(t, "2188000000000002", got[1].Body["partnerId"])

	v2 := newDialectWallet(t, dialect.MustLookup("v2"))
	v2.answers[dialect.Pay] = acceptAnswer
	_, err = v2.client(t, func(c *walletclient.Config) { c.AppID = "3333000000000001" }).Pay(context.Background(), neutralPay())
	require.NoError(t, err)
	require.Len(t, v2.received(), 1)
	assert.Equal(t, "3333000000000001", v2.received()[0].Body["appId"])
}

// TestPayWithoutAppIDUnderV2IsRefusedBeforeSending: the dialect requires appId, none is
// configured: an error naming it, and nothing reaches the wallet.
func TestPayWithoutAppIDUnderV2IsRefusedBeforeSending(t *testing.T) {
	f := newDialectWallet(t, dialect.MustLookup("v2"))
	_, err := f.client(t, func(c *walletclient.Config) { c.AppID = "" }).Pay(context.Background(), neutralPay())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "appId")
	assert.Empty(t, f.received())
}

// TestPayPreAuthorizationProductCode: the dialect's pre-authorization code, or none where
// the dialect has none (v2), with paymentFactor.isAuthorization kept.
func TestPayPreAuthorizationProductCode(t *testing.T) {
	for _, name := range dialect.Presets() {
		t.Run(name, func(t *testing.T) {
			d := dialect.MustLookup(name)
			f := newDialectWallet(t, d)
			f.answers[dialect.Pay] = acceptAnswer
			req := neutralPay()
			req.PaymentFactor.IsAuthorization = true
			_, err := f.client(t).Pay(context.Background(), req)
			require.NoError(t, err)
			require.Len(t, f.received(), 1)
			body := f.received()[0].Body
			if code := d.ProductCodeFor(true); code != "" {
				assert.Equal(t, code, body["productCode"])
			} else {
				assert.NotContains(t, body, "productCode")
			}
			assert.Equal(t, map[string]any{"isCashierPayment": true, "isAuthorization": true}, body["paymentFactor"])
		})
	}
}

// TestRefundInEveryDialect: the refund goes to refund or refundApply as the dialect names
// it; Exchange.API stays the operation's name.
func TestRefundInEveryDialect(t *testing.T) {
	for _, name := range dialect.Presets() {
		t.Run(name, func(t *testing.T) {
			d := dialect.MustLookup(name)
			f := newDialectWallet(t, d)
			f.answers[dialect.Refund] = `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"refundId":"F1",` +
				`"refundRequestId":"RF1","paymentId":"P1","refundAmount":{"currency":"USD","value":"300"}}`
			var xs []walletclient.Exchange
			c := f.client(t, func(cfg *walletclient.Config) {
				cfg.OnExchange = func(x walletclient.Exchange) { xs = append(xs, x) }
			})

			resp, err := c.Refund(context.Background(), &openapi.RefundRequest{
				RefundRequestID: "RF1", PaymentID: "P1", RefundAmount: openapi.WireAmount(money.MustNew("USD", 300)),
			})
			require.NoError(t, err)
			assert.Equal(t, "F1", resp.RefundID)

			got := f.received()
			require.Len(t, got, 1)
			assert.Equal(t, d.PathFor(dialect.Refund), got[0].Path)
			assert.True(t, strings.HasSuffix(got[0].Path, "/"+string(d.RefundAPI)), got[0].Path)
			assert.Equal(t, "P1", got[0].Decoded.(openapi.RefundCall).PaymentID)
			require.Len(t, xs, 1)
			assert.Equal(t, walletclient.APIRefund, xs[0].API)
			assert.Equal(t, f.srv.URL+d.PathFor(dialect.Refund), xs[0].URL)
		})
	}
}

// TestInquiryPaymentReadsBothOutcomeShapes: in every dialect, an answer reporting the
// payment in paymentStatus or only in paymentResult is read; partnerId is sent where the
// dialect carries it.
func TestInquiryPaymentReadsBothOutcomeShapes(t *testing.T) {
	const ok = `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentId":"P1","paymentRequestId":"R1",` +
		`"paymentAmount":{"currency":"USD","value":"1000"}`
	for _, name := range dialect.Presets() {
		for shape, tc := range map[string]struct{ answer, status, reason string }{
			"paymentStatus SUCCESS": {ok + `,"paymentStatus":"SUCCESS"}`, openapi.PaymentSuccess, ""},
			"paymentResult S":       {ok + `,"paymentResult":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}`, openapi.PaymentSuccess, ""},
			"paymentResult F":       {ok + `,"paymentResult":{"resultCode":"USER_BALANCE_NOT_ENOUGH","resultStatus":"F","resultMessage":"declined"}}`, openapi.PaymentFail, "declined"},
			"paymentResult U":       {ok + `,"paymentResult":{"resultCode":"PAYMENT_IN_PROCESS","resultStatus":"U","resultMessage":"waiting"}}`, openapi.PaymentProcessing, ""},
		} {
			t.Run(name+"/"+shape, func(t *testing.T) {
				d := dialect.MustLookup(name)
				f := newDialectWallet(t, d)
				f.answers[dialect.InquiryPayment] = tc.answer

				resp, err := f.client(t).InquiryPayment(context.Background(), &openapi.InquiryPaymentRequest{PaymentID: "P1"})
				require.NoError(t, err)
				assert.Equal(t, tc.status, resp.PaymentStatus)
				assert.Equal(t, tc.reason, resp.PaymentFailReason)
				assert.Equal(t, &openapi.Amount{Currency: "USD", Value: "1000"}, resp.PaymentAmount)

				got := f.received()
				require.Len(t, got, 1)
				assert.Equal(t, d.PathFor(dialect.InquiryPayment), got[0].Path)
				if d.CarriesPartnerID() {
					assert.Equal(t, dialect.DefaultPartnerID, got[0].Body["partnerId"])
				} else {
					assert.NotContains(t, got[0].Body, "partnerId")
				}
			})
		}
	}
}

// TestInquiryPaymentContradictionIsAnError: an answer whose two outcome fields disagree
// cannot be trusted either way.
func TestInquiryPaymentContradictionIsAnError(t *testing.T) {
	f := newDialectWallet(t, dialect.MustLookup("v2"))
	f.answers[dialect.InquiryPayment] = `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentId":"P1",` +
		`"paymentStatus":"SUCCESS","paymentResult":{"resultCode":"PROCESS_FAIL","resultStatus":"F","resultMessage":"no"}}`
	_, err := f.client(t).InquiryPayment(context.Background(), &openapi.InquiryPaymentRequest{PaymentID: "P1"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "contradicts")
}

// TestIntegerAmountInAnswers: a JSON-integer Amount.value is read where the dialect's
// reader accepts one (v2), and refused elsewhere.
func TestIntegerAmountInAnswers(t *testing.T) {
	for _, name := range dialect.Presets() {
		t.Run(name, func(t *testing.T) {
			d := dialect.MustLookup(name)
			f := newDialectWallet(t, d)
			f.answers[dialect.Refund] = `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"refundId":"F1",` +
				`"refundAmount":{"currency":"USD","value":300}}`
			f.answers[dialect.InquiryPayment] = `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentId":"P1",` +
				`"paymentStatus":"SUCCESS","paymentAmount":{"currency":"USD","value":1000}}`
			c := f.client(t)

			refund, refundErr := c.Refund(context.Background(), &openapi.RefundRequest{
				RefundRequestID: "RF1", PaymentID: "P1", RefundAmount: openapi.WireAmount(money.MustNew("USD", 300)),
			})
			inquiry, inquiryErr := c.InquiryPayment(context.Background(), &openapi.InquiryPaymentRequest{PaymentID: "P1"})
			if d.AcceptsIntegerAmount() {
				require.NoError(t, refundErr)
				require.NoError(t, inquiryErr)
				assert.Equal(t, &openapi.Amount{Currency: "USD", Value: "300"}, refund.RefundAmount)
				assert.Equal(t, &openapi.Amount{Currency: "USD", Value: "1000"}, inquiry.PaymentAmount)
				return
			}
			assert.Error(t, refundErr)
			assert.Error(t, inquiryErr)
		})
	}

	// An integer is minor units: a fraction is not one, even where integers are read.
	f := newDialectWallet(t, dialect.MustLookup("v2"))
	f.answers[dialect.Refund] = `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"refundId":"F1",` +
		`"refundAmount":{"currency":"USD","value":3.5}}`
	_, err := f.client(t).Refund(context.Background(), &openapi.RefundRequest{
		RefundRequestID: "RF1", PaymentID: "P1", RefundAmount: openapi.WireAmount(money.MustNew("USD", 300)),
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "refundAmount.value 3.5")
}

// TestBaseURLWithOrWithoutThePrefix: a BaseURL that is the wallet's root gets the dialect's
// prefix; one that already ends with it (callers appending the profile's basePath) does not
// get it twice.
func TestBaseURLWithOrWithoutThePrefix(t *testing.T) {
	d := dialect.MustLookup("v1-tng")
	f := newDialectWallet(t, d)
	f.answers[dialect.Pay] = acceptAnswer
	for _, base := range []string{f.srv.URL, f.srv.URL + "/", f.srv.URL + "/acl/api", f.srv.URL + "/acl/api/"} {
		c := f.client(t, func(c *walletclient.Config) { c.BaseURL = base })
		assert.Equal(t, f.srv.URL+"/acl/api/v1/payments/pay", c.URL(walletclient.APIPay), base)
		_, err := c.Pay(context.Background(), neutralPay())
		require.NoError(t, err, base)
	}
	for _, r := range f.received() {
		assert.Equal(t, "/acl/api/v1/payments/pay", r.Path)
	}

	// A prefix of the caller's that is not the dialect's stays in front (the kit preset has
	// none: the profile's basePath travels in BaseURL, as today).
	kit := walletclient.Config{BaseURL: "http://127.0.0.1:1/gw", ClientID: "c", PrivateKey: fixtures.PrivateKey(fixtures.MerchantPrivateKey),
		WalletPublicKey: fixtures.PublicKey(fixtures.WalletPublicKey)}
	c, err := walletclient.New(kit)
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:1/gw/v1/payments/refund", c.URL(walletclient.APIRefund))
	kit.Dialect = dialect.MustLookup("v2")
	c, err = walletclient.New(kit)
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:1/gw/v2/payments/capture", c.URL(walletclient.APICapture))
}

// TestAnswerSignedWithoutThePrefix: behind the dialect's prefix, an answer signed over the
// path without it is accepted too; a path the dialect does not know as its prefix is not
// stripped.
func TestAnswerSignedWithoutThePrefix(t *testing.T) {
	f := newDialectWallet(t, dialect.MustLookup("v1-tng"))
	f.answers[dialect.Pay] = acceptAnswer
	f.signPath = func(p string) string { return strings.TrimPrefix(p, "/acl/api") }
	var xs []walletclient.Exchange
	_, err := f.client(t, func(c *walletclient.Config) {
		c.OnExchange = func(x walletclient.Exchange) { xs = append(xs, x) }
	}).Pay(context.Background(), neutralPay())
	require.NoError(t, err)
	require.Len(t, xs, 1)
	assert.True(t, xs[0].SignatureVerified)

	f.signPath = func(string) string { return "/v1/payments/elsewhere" }
	_, err = f.client(t).Pay(context.Background(), neutralPay())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "response signature")
}

// TestRefundWithoutPaymentIDIsRefusedBeforeSending: the dialects' refunds name the payment
// by paymentId (v2 also by paymentRequestId, which RefundRequest does not carry): without
// one the encoder refuses, and nothing reaches the wallet.
func TestRefundWithoutPaymentIDIsRefusedBeforeSending(t *testing.T) {
	for _, name := range dialect.Presets() {
		t.Run(name, func(t *testing.T) {
			f := newDialectWallet(t, dialect.MustLookup(name))
			_, err := f.client(t).Refund(context.Background(), &openapi.RefundRequest{
				RefundRequestID: "RF1", RefundAmount: openapi.WireAmount(money.MustNew("USD", 300)),
			})
			require.Error(t, err)
			assert.Contains(t, err.Error(), "paymentId")
			assert.Empty(t, f.received())
		})
	}
}
