package wallet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/signing"
	"github.com/tradepaykit/tradepaykit/internal/wallet/records"
	"github.com/tradepaykit/tradepaykit/internal/wallet/sqlitestore"
)

// dialectReceiver is a merchant notify endpoint of one dialect: it checks the wallet's
// signature and reads each notification with openapi.DecodeNotifyPayment(d).
type dialectReceiver struct {
	d       dialect.Dialect
	mu      sync.Mutex
	got     []openapi.Notification
	raw     [][]byte
	errs    []error
	arrived chan struct{}
	srv     *httptest.Server
}

func newDialectReceiver(tb testing.TB, d dialect.Dialect) *dialectReceiver {
	n := &dialectReceiver{d: d, arrived: make(chan struct{}, 100)}
	n.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		err := signing.Verify(fixtures.PublicKey(fixtures.WalletPublicKey), signing.RequestMessage(r, body), r.Header.Get(signing.HeaderSignature))
		var got openapi.Notification
		if err == nil {
			got, err = openapi.DecodeNotifyPayment(d, body)
		}
		n.mu.Lock()
		if err != nil {
			n.errs = append(n.errs, err)
		} else {
			n.got = append(n.got, got)
			n.raw = append(n.raw, body)
		}
		n.mu.Unlock()
		_ = json.NewEncoder(w).Encode(map[string]any{"result": openapi.SuccessResult()})
		n.arrived <- struct{}{}
	}))
	tb.Cleanup(n.srv.Close)
	return n
}

// wait returns once count notifications were read (or fails on the first refused one).
func (n *dialectReceiver) wait(tb testing.TB, count int) ([]openapi.Notification, [][]byte) {
	tb.Helper()
	deadline := time.After(5 * time.Second)
	for {
		n.mu.Lock()
		require.Empty(tb, n.errs, "notifications the %s merchant refused", n.d.Preset)
		if len(n.got) >= count {
			got, raw := append([]openapi.Notification{}, n.got...), append([][]byte{}, n.raw...)
			n.mu.Unlock()
			return got, raw
		}
		n.mu.Unlock()
		select {
		case <-n.arrived:
		case <-deadline:
			tb.Fatalf("waited 5s for %d notifications", count)
		}
	}
}

func openDialectServer(tb testing.TB, d dialect.Dialect, notifyURL string) *Server {
	tb.Helper()
	s, err := NewServer(Config{
		PrivateKey: fixtures.PrivateKey(fixtures.WalletPrivateKey),
		Merchants: []Merchant{{
			ClientID: fixtures.ClientID, PublicKey: fixtures.PublicKey(fixtures.MerchantPublicKey), AppID: testAppID, NotifyURL: notifyURL,
		}},
		NotifyTimeout: 2 * time.Second,
		Dialect:       d,
	})
	require.NoError(tb, err)
	require.NoError(tb, s.Start("127.0.0.1:0"))
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// post sends body to path, signed over signedPath, and returns the HTTP status, the answer's
// result and its raw body after checking the answer's signature.
func post(tb testing.TB, s *Server, path, signedPath string, body []byte) (int, openapi.Result, []byte) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL()+path, bytes.NewReader(body))
	require.NoError(tb, err)
	now := time.Now()
	sig, err := signing.Sign(fixtures.PrivateKey(fixtures.MerchantPrivateKey), signing.Message{
		Method: http.MethodPost, Path: signedPath, ClientID: fixtures.ClientID, Time: signing.Style{}.FormatTime(now), Body: body,
	})
	require.NoError(tb, err)
	require.NoError(tb, signing.Style{}.SignRequest(req, body, fixtures.ClientID, fixtures.PrivateKey(fixtures.MerchantPrivateKey), now))
	req.Header.Set(signing.HeaderSignature, sig)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(tb, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(tb, err)
	msg := signing.ResponseMessage(req.Method, req.URL.RequestURI(), resp.Header, raw)
	require.NoError(tb, signing.Verify(fixtures.PublicKey(fixtures.WalletPublicKey), msg, resp.Header.Get(signing.HeaderSignature)), "answer signature")
	var env struct {
		Result openapi.Result `json:"result"`
	}
	require.NoError(tb, json.Unmarshal(raw, &env), string(raw))
	return resp.StatusCode, env.Result, raw
}

// dcall calls api in d's shape: d's path, signed over it.
func dcall(tb testing.TB, s *Server, d dialect.Dialect, api dialect.API, body []byte, out any) openapi.Result {
	tb.Helper()
	status, res, raw := post(tb, s, d.PathFor(api), d.PathFor(api), body)
	require.Equal(tb, http.StatusOK, status, string(raw))
	if out != nil {
		require.NoError(tb, json.Unmarshal(raw, out))
	}
	return res
}

// encoded fails the test when an encoder refused: encoded(t)(openapi.EncodePay(d, r)).
func encoded(tb testing.TB) func([]byte, error) []byte {
	return func(b []byte, err error) []byte {
		tb.Helper()
		require.NoError(tb, err)
		return b
	}
}

func partnerIDFor(d dialect.Dialect) string {
	if d.CarriesPartnerID() {
		return dialect.DefaultPartnerID
	}
	return ""
}

func payIn(tb testing.TB, d dialect.Dialect, requestID string, preAuth bool, notifyURL string) []byte {
	tb.Helper()
	r := openapi.PayRequest{
		PartnerID: partnerIDFor(d), AppID: testAppID, ProductCode: d.ProductCodeFor(preAuth), PaymentOrderTitle: "Green tea",
		PaymentRequestID: requestID, PaymentAmount: openapi.Amount{Currency: "USD", Value: "1000"}, PaymentNotifyURL: notifyURL,
	}
	if preAuth {
		r.PaymentFactor = &openapi.PaymentFactor{IsAuthorization: true}
	}
	return encoded(tb)(openapi.EncodePay(d, r))
}

func paymentView(tb testing.TB, s *Server, id string) PaymentView {
	tb.Helper()
	resp, err := http.Get(s.URL() + "/conformance/payments/" + id)
	require.NoError(tb, err)
	defer resp.Body.Close()
	require.Equal(tb, http.StatusOK, resp.StatusCode)
	var v PaymentView
	require.NoError(tb, json.NewDecoder(resp.Body).Decode(&v))
	return v
}

// TestDialectFlows drives the mock of every preset over HTTP with a client and a notify
// receiver that speak the preset: pay, the payer's confirmation, the notification, the
// inquiry, a pre-authorization, its captures, a refund and its inquiry.
func TestDialectFlows(t *testing.T) {
	for _, name := range dialect.Presets() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := dialect.MustLookup(name)
			rcv := newDialectReceiver(t, d)
			s := openDialectServer(t, d, rcv.srv.URL)
			assert.Equal(t, d.PathFor(dialect.Pay), s.APIPaths()[0])
			assert.Equal(t, d.PathFor(dialect.Refund), s.APIPaths()[4])

			// pay by tradeNO, confirmed by the payer
			var paid openapi.PayResponse
			res := dcall(t, s, d, dialect.Pay, payIn(t, d, "G-"+name, false, ""), &paid)
			require.Equal(t, openapi.Accept, res.ResultCode, res.ResultMessage)
			require.Equal(t, "9000", tradePay(t, s, "tradeNO", paid.PaymentID, ActionConfirm))
			got, raw := rcv.wait(t, 1)
			assert.Equal(t, openapi.PaymentSuccess, got[0].PaymentStatus)
			assert.Equal(t, paid.PaymentID, got[0].PaymentID)
			assert.Equal(t, openapi.Amount{Currency: "USD", Value: "1000"}, got[0].PaymentAmount)
			assert.Equal(t, d.NotifiesWithPaymentResult(), bytes.Contains(raw[0], []byte(`"paymentResult"`)), string(raw[0]))
			assert.Equal(t, !d.NotifiesWithPaymentResult(), bytes.Contains(raw[0], []byte(`"paymentStatus"`)), string(raw[0]))
			assert.Equal(t, partnerIDFor(d), got[0].PartnerID, "partnerId as the dialect carries it")
			assert.NotEmpty(t, got[0].PaymentCreateTime)

			// inquiry
			q := encoded(t)(openapi.EncodeInquiryPayment(d, openapi.InquiryPaymentRequest{PartnerID: partnerIDFor(d), PaymentID: paid.PaymentID}))
			status, res, rawAnswer := post(t, s, d.PathFor(dialect.InquiryPayment), d.PathFor(dialect.InquiryPayment), q)
			require.Equal(t, http.StatusOK, status)
			require.Equal(t, openapi.Success, res.ResultCode, res.ResultMessage)
			inquiry, err := openapi.DecodeInquiryPaymentResponse(d, rawAnswer)
			require.NoError(t, err)
			assert.Equal(t, openapi.PaymentSuccess, inquiry.PaymentStatus)
			assert.Equal(t, d.NotifiesWithPaymentResult(), bytes.Contains(rawAnswer, []byte(`"paymentResult"`)),
				"the answer carries paymentResult where the dialect notifies with it: %s", rawAnswer)

			// pre-authorization: frozen, then captured
			var auth openapi.PayResponse
			res = dcall(t, s, d, dialect.Pay, payIn(t, d, "A-"+name, true, ""), &auth)
			require.Equal(t, openapi.Accept, res.ResultCode, res.ResultMessage)
			require.Equal(t, "9000", tradePay(t, s, "tradeNO", auth.PaymentID, ActionConfirm))
			v := paymentView(t, s, auth.PaymentID)
			require.Equal(t, PreAuth, v.Type)
			require.Equal(t, openapi.PaymentAuthSuccess, v.Status)
			assert.Equal(t, int64(1000), v.Frozen.Value)
			if d.NotifiesAuthSuccess() {
				got, _ := rcv.wait(t, 2)
				assert.Equal(t, openapi.PaymentAuthSuccess, got[1].PaymentStatus)
			} else {
				assert.False(t, v.NotificationPending, "no AUTH_SUCCESS notification under %s", name)
				assert.Empty(t, v.Notifications)
			}

			capture := func(id string, value string) openapi.Result {
				body := fmt.Sprintf(`{"captureRequestId":%q,"paymentId":%q,"captureAmount":{"currency":"USD","value":%q},"isLastCapture":false}`, id, auth.PaymentID, value)
				return dcall(t, s, d, dialect.Capture, []byte(body), nil)
			}
			res = capture("C1-"+name, "600")
			require.Equal(t, openapi.Success, res.ResultCode, res.ResultMessage)
			res = capture("C2-"+name, "100")
			v = paymentView(t, s, auth.PaymentID)
			if d.AllowsSecondCapture() {
				require.Equal(t, openapi.Success, res.ResultCode, res.ResultMessage)
				assert.Equal(t, int64(700), v.Captured.Value)
			} else {
				assert.Equal(t, openapi.AuthCancelled, res.ResultCode, res.ResultMessage)
				assert.Equal(t, openapi.StatusFail, res.ResultStatus)
				assert.Contains(t, res.ResultMessage, name)
				assert.Equal(t, int64(600), v.Captured.Value, "nothing captured by the refused capture")
				assert.Equal(t, int64(400), v.Released.Value, "one capture releases the rest")
			}

			// refund (refund or refundApply), then its inquiry
			var refunded openapi.RefundResponse
			rb := encoded(t)(openapi.EncodeRefund(d, openapi.RefundCall{RefundRequest: openapi.RefundRequest{
				RefundRequestID: "R1-" + name, PaymentID: paid.PaymentID, RefundAmount: openapi.Amount{Currency: "USD", Value: "300"},
			}}))
			res = dcall(t, s, d, dialect.Refund, rb, &refunded)
			require.Equal(t, openapi.Success, res.ResultCode, res.ResultMessage)
			require.NotEmpty(t, refunded.RefundID)
			if d.RefundAcceptsPaymentRequestID() {
				rb := encoded(t)(openapi.EncodeRefund(d, openapi.RefundCall{PaymentRequestID: "G-" + name, RefundRequest: openapi.RefundRequest{
					RefundRequestID: "R2-" + name, RefundAmount: openapi.Amount{Currency: "USD", Value: "100"},
				}}))
				var second openapi.RefundResponse
				res = dcall(t, s, d, dialect.Refund, rb, &second)
				require.Equal(t, openapi.Success, res.ResultCode, res.ResultMessage)
				assert.Equal(t, paid.PaymentID, second.PaymentID, "the refund by paymentRequestId found the payment")
			}
			var ir openapi.InquiryRefundResponse
			res = dcall(t, s, d, dialect.InquiryRefund, []byte(fmt.Sprintf(`{"refundId":%q}`, refunded.RefundID)), &ir)
			require.Equal(t, openapi.Success, res.ResultCode, res.ResultMessage)
			assert.Equal(t, openapi.RefundSuccess, ir.RefundStatus)
		})
	}
}

// TestDialectRefusesOtherShapes: a pay written in another preset's shape is refused
// PARAM_ILLEGAL with a message naming both dialects.
func TestDialectRefusesOtherShapes(t *testing.T) {
	cases := []struct {
		from, to string
		field    string
	}{
		{"v2", "kit", "paymentOrderTitle"},
		{"kit", "v2", "order.orderDescription"},
		{"kit", "v1-alipay", "partnerId"},
		{"v2", "v1-qi", "paymentOrderTitle"},
	}
	for _, c := range cases {
		t.Run(c.from+" to "+c.to, func(t *testing.T) {
			t.Parallel()
			from, to := dialect.MustLookup(c.from), dialect.MustLookup(c.to)
			s := openDialectServer(t, to, "")
			res := dcall(t, s, to, dialect.Pay, payIn(t, from, "P-1", false, ""), nil)
			assert.Equal(t, openapi.ParamIllegal, res.ResultCode)
			assert.Contains(t, res.ResultMessage, c.field)
			assert.Contains(t, res.ResultMessage, c.from)
			assert.Contains(t, res.ResultMessage, c.to)
		})
	}
}

// TestDialectIntegerAmount: Amount.value as a JSON integer is read where the dialect allows
// it, and refused naming the dialects that do elsewhere.
func TestDialectIntegerAmount(t *testing.T) {
	for _, name := range dialect.Presets() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := dialect.MustLookup(name)
			s := openDialectServer(t, d, "")
			body := bytes.Replace(payIn(t, d, "I-1", false, ""), []byte(`"value":"1000"`), []byte(`"value":1000`), 1)
			require.Contains(t, string(body), `"value":1000`)
			res := dcall(t, s, d, dialect.Pay, body, nil)
			if d.AcceptsIntegerAmount() {
				assert.Equal(t, openapi.Accept, res.ResultCode, res.ResultMessage)
			} else {
				assert.Equal(t, openapi.ParamIllegal, res.ResultCode)
				assert.Contains(t, res.ResultMessage, "JSON number")
			}
		})
	}
}

// TestDialectOtherPaths: a call to a path of another preset gets a signed answer naming what
// was called and where this wallet serves it, not a bare 404.
func TestDialectOtherPaths(t *testing.T) {
	for _, name := range dialect.Presets() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := dialect.MustLookup(name)
			s := openDialectServer(t, d, "")
			for _, other := range dialect.Presets() {
				o := dialect.MustLookup(other)
				for _, api := range []dialect.API{dialect.Pay, dialect.Refund} {
					path := o.PathFor(api)
					if path == d.PathFor(api) {
						continue
					}
					status, res, raw := post(t, s, path, path, payIn(t, d, "X-1", false, ""))
					assert.Equal(t, http.StatusNotFound, status, string(raw))
					assert.Equal(t, openapi.StatusFail, res.ResultStatus)
					assert.Contains(t, res.ResultMessage, path, "names what was called")
					want := d.PathFor(api)
					if o.PathVersion == d.PathVersion && strings.HasSuffix(d.PathFor(api), path) {
						want = d.BasePath + "/" + d.PathVersion + "/payments/" // the prefix was left out
					}
					assert.Contains(t, res.ResultMessage, want, "names this dialect's path (%s called by %s)", path, other)
				}
			}
		})
	}
}

// TestDialectSignedPathBehindPrefix: behind a prefix, a signature over the path without the
// prefix is accepted as well as one over the path as sent; a signature over another path is not.
func TestDialectSignedPathBehindPrefix(t *testing.T) {
	d := dialect.MustLookup("v1-tng")
	require.NotEmpty(t, d.BasePath)
	s := openDialectServer(t, d, "")
	path := d.PathFor(dialect.Pay)
	for i, signed := range []string{path, strings.TrimPrefix(path, d.BasePath)} {
		_, res, _ := post(t, s, path, signed, payIn(t, d, fmt.Sprintf("S-%d", i), false, ""))
		assert.Equal(t, openapi.Accept, res.ResultCode, "signed over %s: %s", signed, res.ResultMessage)
	}
	_, res, _ := post(t, s, path, "/v1/payments/inquiryPayment", payIn(t, d, "S-x", false, ""))
	assert.Equal(t, openapi.InvalidSignature, res.ResultCode)
}

// TestDialectPartnerIDRequired: under a dialect requiring partnerId, a pay without it is
// refused naming partnerId and the dialect.
func TestDialectPartnerIDRequired(t *testing.T) {
	d := dialect.MustLookup("v1-alipay")
	require.True(t, d.RequiresPartnerID())
	s := openDialectServer(t, d, "")
	body := bytes.Replace(payIn(t, d, "N-1", false, ""), []byte(`"partnerId":"`+dialect.DefaultPartnerID+`",`), nil, 1)
	require.NotContains(t, string(body), "partnerId")
	res := dcall(t, s, d, dialect.Pay, body, nil)
	assert.Equal(t, openapi.ParamIllegal, res.ResultCode)
	assert.Contains(t, res.ResultMessage, "partnerId")
	assert.Contains(t, res.ResultMessage, "v1-alipay")
}

// TestDialectPreAuthByFactor: where the dialect names no pre-authorization code (v2), a pay
// with paymentFactor.isAuthorization is a pre-authorization, with the general code or none.
func TestDialectPreAuthByFactor(t *testing.T) {
	d := dialect.MustLookup("v2")
	require.Empty(t, d.ProductCodeFor(true))
	s := openDialectServer(t, d, "")
	for i, code := range []string{"", d.ProductCodeFor(false)} {
		body := encoded(t)(openapi.EncodePay(d, openapi.PayRequest{
			AppID: testAppID, ProductCode: code, PaymentOrderTitle: "Deposit", PaymentRequestID: fmt.Sprintf("F-%d", i),
			PaymentAmount: openapi.Amount{Currency: "USD", Value: "1000"}, PaymentFactor: &openapi.PaymentFactor{IsAuthorization: true},
		}))
		var paid openapi.PayResponse
		res := dcall(t, s, d, dialect.Pay, body, &paid)
		require.Equal(t, openapi.Accept, res.ResultCode, res.ResultMessage)
		assert.Equal(t, PreAuth, paymentView(t, s, paid.PaymentID).Type, "productCode %q", code)
	}
}

// TestDeclarationsFollowTheDialect: what the mock says it does is what its dialect makes it do.
func TestDeclarationsFollowTheDialect(t *testing.T) {
	kit := Declarations(Config{Profile: fixtures.DefaultWalletProfile()})
	assert.Equal(t, fixtures.DefaultWalletProfile().WithKitDeclarations(), kit, "the kit preset declares what WithKitDeclarations says")
	qi := Declarations(Config{Profile: fixtures.DefaultWalletProfile(), Dialect: dialect.MustLookup("v1-qi")})
	assert.Equal(t, fixtures.CapturesOne, qi.Captures)
	assert.False(t, *qi.Notifications.AuthSuccess)
	tng := Declarations(Config{Profile: fixtures.DefaultWalletProfile(), Dialect: dialect.MustLookup("v1-tng")})
	assert.Equal(t, "/acl/api", tng.BasePath)
}

// TestDialectTheMockCannotSpeak: a dialect whose captures are notified is refused by name.
func TestDialectTheMockCannotSpeak(t *testing.T) {
	d, err := dialect.Build("v2", []byte(`{"notifications": {"afterCapture": true}}`))
	require.NoError(t, err)
	_, err = NewServer(Config{PrivateKey: fixtures.PrivateKey(fixtures.WalletPrivateKey), Dialect: d})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "notifications.afterCapture")
	assert.Contains(t, err.Error(), "v2 with overrides")
}

// TestDialectPartnerIDSurvivesRestart: the notification names the partnerId the pay request
// named, also when the payer confirms on a wallet restarted on the data file.
func TestDialectPartnerIDSurvivesRestart(t *testing.T) {
	d := dialect.MustLookup("v1-alipay")
	rcv := newDialectReceiver(t, d)
	path := filepath.Join(t.TempDir(), "wallet.db")
	open := func() *Server {
		s, err := NewServer(Config{
			PrivateKey: fixtures.PrivateKey(fixtures.WalletPrivateKey),
			Merchants: []Merchant{{
				ClientID: fixtures.ClientID, PublicKey: fixtures.PublicKey(fixtures.MerchantPublicKey), AppID: testAppID, NotifyURL: rcv.srv.URL,
			}},
			NotifyTimeout: 2 * time.Second,
			OpenStore:     func() (records.Store, error) { return sqlitestore.Open(path) },
			Dialect:       d,
		})
		require.NoError(t, err)
		require.NoError(t, s.Start("127.0.0.1:0"))
		return s
	}
	s1 := open()
	body := encoded(t)(openapi.EncodePay(d, openapi.PayRequest{
		PartnerID: "2088PARTNER0042", ProductCode: d.ProductCodeFor(false), PaymentOrderTitle: "Green tea",
		PaymentRequestID: "PR-1", PaymentAmount: openapi.Amount{Currency: "USD", Value: "1000"},
	}))
	var paid openapi.PayResponse
	res := dcall(t, s1, d, dialect.Pay, body, &paid)
	require.Equal(t, openapi.Accept, res.ResultCode, res.ResultMessage)
	require.NoError(t, s1.Close())

	s2 := open()
	t.Cleanup(func() { _ = s2.Close() })
	require.Equal(t, "9000", tradePay(t, s2, "tradeNO", paid.PaymentID, ActionConfirm))
	got, _ := rcv.wait(t, 1)
	assert.Equal(t, "2088PARTNER0042", got[0].PartnerID)
}
