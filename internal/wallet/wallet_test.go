package wallet

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/orderstr"
	"github.com/tradepaykit/tradepaykit/internal/signing"
)

const testAppID = "2026TESTAPP0001"

// mustOpenServer starts a wallet mock on 127.0.0.1:0 that knows the fixtures merchant.
func mustOpenServer(tb testing.TB) *Server {
	tb.Helper()
	s, err := NewServer(Config{
		PrivateKey: fixtures.PrivateKey(fixtures.WalletPrivateKey),
		Merchants: []Merchant{{
			ClientID: fixtures.ClientID, PublicKey: fixtures.PublicKey(fixtures.MerchantPublicKey), AppID: testAppID,
		}},
		NotifyTimeout: 2 * time.Second,
	})
	require.NoError(tb, err)
	require.NoError(tb, s.Start("127.0.0.1:0"))
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// call sends a signed OpenAPI request as the fixtures merchant and checks the answer's
// signature with the wallet's public key.
func call(tb testing.TB, s *Server, api string, body string, out any) openapi.Result {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL()+"/v1/payments/"+api, strings.NewReader(body))
	require.NoError(tb, err)
	require.NoError(tb, signing.Style{}.SignRequest(req, []byte(body), fixtures.ClientID, fixtures.PrivateKey(fixtures.MerchantPrivateKey), time.Now()))
	return send(tb, req, out)
}

func send(tb testing.TB, req *http.Request, out any) openapi.Result {
	tb.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(tb, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(tb, err)
	require.Equal(tb, http.StatusOK, resp.StatusCode, string(raw))
	msg := signing.ResponseMessage(req.Method, req.URL.RequestURI(), resp.Header, raw)
	require.NoError(tb, signing.Verify(fixtures.PublicKey(fixtures.WalletPublicKey), msg, resp.Header.Get(signing.HeaderSignature)), "response signature")
	assert.Equal(tb, req.Header.Get(signing.HeaderClientID), resp.Header.Get(signing.HeaderClientID), "Client-Id echoed")
	var env struct {
		Result openapi.Result `json:"result"`
	}
	require.NoError(tb, json.Unmarshal(raw, &env))
	if out != nil {
		require.NoError(tb, json.Unmarshal(raw, out))
	}
	return env.Result
}

func tradePay(tb testing.TB, s *Server, token, value, action string) string {
	tb.Helper()
	body, _ := json.Marshal(map[string]string{token: value, "action": action})
	resp, err := http.Post(s.URL()+"/conformance/tradePay", "application/json", bytes.NewReader(body))
	require.NoError(tb, err)
	defer resp.Body.Close()
	require.Equal(tb, http.StatusOK, resp.StatusCode)
	var out struct {
		ResultCode string `json:"resultCode"`
	}
	require.NoError(tb, json.NewDecoder(resp.Body).Decode(&out))
	return out.ResultCode
}

// notifySink is a merchant notify endpoint that records notifications and answers with the
// scripted result statuses, then S.
type notifySink struct {
	mu      sync.Mutex
	got     []openapi.NotifyPaymentRequest
	answers []string
	arrived chan struct{}
	srv     *httptest.Server
}

func newNotifySink(tb testing.TB, answers ...string) *notifySink {
	n := &notifySink{answers: answers, arrived: make(chan struct{}, 100)}
	n.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := signing.Verify(fixtures.PublicKey(fixtures.WalletPublicKey), signing.RequestMessage(r, body), r.Header.Get(signing.HeaderSignature)); err != nil {
			http.Error(w, "bad signature: "+err.Error(), http.StatusUnauthorized)
			return
		}
		var req openapi.NotifyPaymentRequest
		_ = json.Unmarshal(body, &req)
		n.mu.Lock()
		n.got = append(n.got, req)
		status := "S"
		if len(n.answers) > 0 {
			status, n.answers = n.answers[0], n.answers[1:]
		}
		n.mu.Unlock()
		code := "SUCCESS"
		if status != "S" {
			code = "PROCESS_FAIL"
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"result": map[string]string{"resultCode": code, "resultStatus": status, "resultMessage": "x"}})
		n.arrived <- struct{}{}
	}))
	tb.Cleanup(n.srv.Close)
	return n
}

func (n *notifySink) wait(tb testing.TB, count int) []openapi.NotifyPaymentRequest {
	tb.Helper()
	deadline := time.After(5 * time.Second)
	for {
		n.mu.Lock()
		if len(n.got) >= count {
			got := append([]openapi.NotifyPaymentRequest{}, n.got...)
			n.mu.Unlock()
			return got
		}
		n.mu.Unlock()
		select {
		case <-n.arrived:
		case <-deadline:
			tb.Fatalf("waited 5s for %d notifications", count)
		}
	}
}

// waitAttempts waits until the wallet has recorded n delivery attempts for the payment: the
// point from which its next retry is scheduled.
func waitAttempts(tb testing.TB, s *Server, paymentID string, n int) {
	tb.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		s.mu.Lock()
		got := len(s.paymentLocked(paymentID).notifications)
		s.mu.Unlock()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("waited 5s for %d delivery attempts, saw %d", n, got)
		}
		runtime.Gosched()
	}
}

func payBody(reqID, value, notifyURL string, preauth bool) string {
	code := fixtures.DefaultWalletProfile().GeneralProductCode
	if preauth {
		code = fixtures.DefaultWalletProfile().PreAuthProductCode
	}
	return `{"paymentRequestId":"` + reqID + `","paymentAmount":{"currency":"USD","value":"` + value + `"},` +
		`"paymentOrderTitle":"Coffee","productCode":"` + code + `","paymentFactor":{"isCashierPayment":true},` +
		`"paymentNotifyUrl":"` + notifyURL + `"}`
}

func TestPayThenConfirmNotifiesAndInquiryReportsSuccess(t *testing.T) {
	s := mustOpenServer(t)
	sink := newNotifySink(t)
	var pay openapi.PayResponse
	res := call(t, s, "pay", payBody("req-1", "1000", sink.srv.URL, false), &pay)
	require.Equal(t, openapi.Accept, res.ResultCode, res.ResultMessage)
	assert.Equal(t, openapi.StatusAccepted, res.ResultStatus)
	require.NotEmpty(t, pay.PaymentID)
	assert.Equal(t, s.URL()+"/cashier/"+pay.PaymentID, pay.RedirectActionForm.URL())

	assert.Equal(t, "9000", tradePay(t, s, "paymentUrl", pay.RedirectActionForm.URL(), ActionConfirm))
	got := sink.wait(t, 1)
	assert.Equal(t, pay.PaymentID, got[0].PaymentID)
	assert.Equal(t, openapi.PaymentSuccess, got[0].PaymentStatus)
	assert.Equal(t, openapi.Amount{Currency: "USD", Value: "1000"}, got[0].PaymentAmount)

	var inq openapi.InquiryPaymentResponse
	call(t, s, "inquiryPayment", `{"paymentRequestId":"req-1"}`, &inq)
	assert.Equal(t, openapi.PaymentSuccess, inq.PaymentStatus)
	assert.NotEmpty(t, inq.PaymentTime)
	assert.Equal(t, "4000", tradePay(t, s, "tradeNO", pay.PaymentID, ActionConfirm), "a paid payment no longer waits for the payer")
}

func TestPayIsIdempotentOnPaymentRequestID(t *testing.T) {
	s := mustOpenServer(t)
	var first, again openapi.PayResponse
	call(t, s, "pay", payBody("req-idem", "500", "", false), &first)
	// Same JSON value with other key order and spacing: the same answer.
	var v map[string]any
	require.NoError(t, json.Unmarshal([]byte(payBody("req-idem", "500", "", false)), &v))
	reordered, _ := json.MarshalIndent(v, "", "  ")
	call(t, s, "pay", string(reordered), &again)
	assert.Equal(t, first.PaymentID, again.PaymentID)

	res := call(t, s, "pay", payBody("req-idem", "501", "", false), nil)
	assert.Equal(t, openapi.RepeatReqInconsistent, res.ResultCode)
	assert.Len(t, s.store.(*memoryStore).payments, 1)
}

func TestPayRefusesBadInputWithoutCreatingAnything(t *testing.T) {
	s := mustOpenServer(t)
	cases := []struct {
		name, body string
		want       openapi.Code
		field      string
	}{
		{"float value", strings.Replace(payBody("r", "1000", "", false), `"1000"`, `"10.5"`, 1), openapi.ParamIllegal, "paymentAmount.value"},
		{"number value", strings.Replace(payBody("r", "1000", "", false), `"1000"`, `1000`, 1), openapi.ParamIllegal, "paymentAmount.value"},
		{"negative", payBody("r", "-1", "", false), openapi.ParamIllegal, "paymentAmount.value"},
		{"zero", payBody("r", "0", "", false), openapi.ParamIllegal, "paymentAmount.value"},
		{"unknown currency", strings.Replace(payBody("r", "1", "", false), "USD", "ABC", 1), openapi.ParamIllegal, "paymentAmount.currency"},
		{"missing title", strings.Replace(payBody("r", "1", "", false), `"paymentOrderTitle":"Coffee",`, "", 1), openapi.ParamIllegal, "paymentOrderTitle"},
		{"unknown product", strings.Replace(payBody("r", "1", "", false), fixtures.DefaultWalletProfile().GeneralProductCode, "NOPE", 1), openapi.ParamIllegal, "productCode"},
		{"malformed", `{"paymentRequestId":`, openapi.ParamIllegal, "malformed JSON"},
		{"invalid utf-8", "{\"paymentRequestId\":\"\xff\"}", openapi.ParamIllegal, "UTF-8"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := call(t, s, "pay", tc.body, nil)
			assert.Equal(t, tc.want, res.ResultCode)
			assert.Equal(t, openapi.StatusFail, res.ResultStatus)
			assert.Contains(t, res.ResultMessage, tc.field)
		})
	}
	assert.Empty(t, s.store.(*memoryStore).payments)
	// A refused request does not consume its id.
	res := call(t, s, "pay", payBody("r", "1", "", false), nil)
	assert.Equal(t, openapi.Accept, res.ResultCode)
}

func TestSignatureAndClientChecks(t *testing.T) {
	s := mustOpenServer(t)
	body := payBody("sig-1", "100", "", false)
	newReq := func() *http.Request {
		req, _ := http.NewRequest(http.MethodPost, s.URL()+"/v1/payments/pay", strings.NewReader(body))
		return req
	}
	wrongKey := fixtures.PrivateKey(fixtures.WalletPrivateKey)

	req := newReq()
	require.NoError(t, signing.Style{}.SignRequest(req, []byte(body), fixtures.ClientID, wrongKey, time.Now()))
	assert.Equal(t, openapi.InvalidSignature, send(t, req, nil).ResultCode, "signed with the wrong key")

	req = newReq()
	require.NoError(t, signing.Style{}.SignRequest(req, []byte(body), fixtures.ClientID, fixtures.PrivateKey(fixtures.MerchantPrivateKey), time.Now().Add(-10*time.Minute)))
	assert.Equal(t, openapi.InvalidSignature, send(t, req, nil).ResultCode, "stale Request-Time")

	req = newReq()
	assert.Equal(t, openapi.InvalidClient, send(t, req, nil).ResultCode, "no Client-Id")

	req = newReq()
	require.NoError(t, signing.Style{}.SignRequest(req, []byte(body), "SOMEONE_ELSE", fixtures.PrivateKey(fixtures.MerchantPrivateKey), time.Now()))
	assert.Equal(t, openapi.InvalidClient, send(t, req, nil).ResultCode, "unknown Client-Id")

	req = newReq()
	require.NoError(t, signing.Style{RawBase64: true, NoSpaces: true, EpochMillis: true}.SignRequest(req, []byte(body), fixtures.ClientID, fixtures.PrivateKey(fixtures.MerchantPrivateKey), time.Now()))
	assert.Equal(t, openapi.Accept, send(t, req, nil).ResultCode, "tolerated variants")
	assert.Len(t, s.store.(*memoryStore).payments, 1)
}

func TestNotificationRetriesOnScheduleUntilS(t *testing.T) {
	s := mustOpenServer(t)
	sink := newNotifySink(t, "F", "U")
	var pay openapi.PayResponse
	call(t, s, "pay", payBody("retry-1", "100", sink.srv.URL, false), &pay)
	require.Equal(t, "9000", tradePay(t, s, "tradeNO", pay.PaymentID, ActionConfirm))
	waitAttempts(t, s, pay.PaymentID, 1)

	require.NoError(t, s.Clock().Advance(time.Minute))
	assert.Len(t, sink.wait(t, 1), 1, "no retry before 2m")
	require.NoError(t, s.Clock().Advance(time.Minute)) // 2m: second attempt
	waitAttempts(t, s, pay.PaymentID, 2)
	require.NoError(t, s.Clock().Advance(10*time.Minute)) // third attempt answers S
	waitAttempts(t, s, pay.PaymentID, 3)
	got := sink.wait(t, 3)
	require.NoError(t, s.Clock().Advance(48*time.Hour))
	assert.Len(t, got, 3)

	s.mu.Lock()
	attempts := append([]Attempt{}, s.paymentLocked(pay.PaymentID).notifications...)
	s.mu.Unlock()
	require.Len(t, attempts, 3, "no attempt after S")
	assert.Equal(t, []string{"F", "U", "S"}, []string{attempts[0].Outcome, attempts[1].Outcome, attempts[2].Outcome})
}

func TestUnpaidPaymentExpiresAndIsNotifiedFail(t *testing.T) {
	s := mustOpenServer(t)
	sink := newNotifySink(t)
	var pay openapi.PayResponse
	call(t, s, "pay", payBody("exp-1", "100", sink.srv.URL, false), &pay)
	assert.Equal(t, "6001", tradePay(t, s, "tradeNO", pay.PaymentID, ActionCancel))
	require.NoError(t, s.Clock().Advance(16*time.Minute))
	got := sink.wait(t, 1)
	assert.Equal(t, openapi.PaymentFail, got[0].PaymentStatus)
	assert.Equal(t, "4000", tradePay(t, s, "tradeNO", pay.PaymentID, ActionConfirm))
	var inq openapi.InquiryPaymentResponse
	call(t, s, "inquiryPayment", `{"paymentId":"`+pay.PaymentID+`"}`, &inq)
	assert.Equal(t, openapi.PaymentFail, inq.PaymentStatus)
}

func TestCancelRules(t *testing.T) {
	s := mustOpenServer(t)
	var pay openapi.PayResponse
	call(t, s, "pay", payBody("cancel-1", "100", "", false), &pay)
	assert.Equal(t, openapi.Success, call(t, s, "cancel", `{"paymentId":"`+pay.PaymentID+`"}`, nil).ResultCode)
	assert.Equal(t, openapi.OrderIsClosed, call(t, s, "cancel", `{"paymentId":"`+pay.PaymentID+`"}`, nil).ResultCode)
	assert.Equal(t, "4000", tradePay(t, s, "tradeNO", pay.PaymentID, ActionConfirm), "paying after cancel")
	assert.Equal(t, openapi.OrderNotExist, call(t, s, "cancel", `{"paymentId":"nope","paymentRequestId":"cancel-1"}`, nil).ResultCode, "paymentId wins")

	call(t, s, "pay", payBody("cancel-2", "100", "", false), &pay)
	tradePay(t, s, "tradeNO", pay.PaymentID, ActionConfirm)
	assert.Equal(t, openapi.ProcessFail, call(t, s, "cancel", `{"paymentRequestId":"cancel-2"}`, nil).ResultCode, "cancel of a paid payment")
}

func TestPreAuthorizationCaptureReleaseAndRefund(t *testing.T) {
	s := mustOpenServer(t)
	sink := newNotifySink(t)
	var pay openapi.PayResponse
	call(t, s, "pay", payBody("auth-1", "10000", sink.srv.URL, true), &pay)
	capture := func(reqID, amount string, last bool) openapi.Result {
		amt := ""
		if amount != "" {
			amt = `"captureAmount":{"currency":"USD","value":"` + amount + `"},`
		}
		lastJSON := "false"
		if last {
			lastJSON = "true"
		}
		return call(t, s, "capture", `{"captureRequestId":"`+reqID+`","paymentId":"`+pay.PaymentID+`",`+amt+`"isLastCapture":`+lastJSON+`}`, nil)
	}
	assert.Equal(t, openapi.ProcessFail, capture("c0", "100", true).ResultCode, "not authorized yet")
	require.Equal(t, "9000", tradePay(t, s, "tradeNO", pay.PaymentID, ActionConfirm))
	assert.Equal(t, openapi.PaymentAuthSuccess, sink.wait(t, 1)[0].PaymentStatus)

	assert.Equal(t, openapi.Success, capture("c1", "3000", false).ResultCode)
	assert.Equal(t, openapi.Success, capture("c1", "3000", false).ResultCode, "idempotent repeat")
	assert.Equal(t, openapi.RepeatReqInconsistent, capture("c1", "3001", false).ResultCode)
	assert.Equal(t, openapi.CaptureAmountExceed, capture("c2", "7001", true).ResultCode)
	assert.Equal(t, openapi.Success, capture("c3", "2000", true).ResultCode)
	assert.Equal(t, openapi.OrderIsClosed, capture("c4", "1", true).ResultCode)

	s.mu.Lock()
	p := s.paymentLocked(pay.PaymentID)
	assert.Equal(t, int64(5000), p.Captured.Value)
	assert.Equal(t, int64(5000), p.Released.Value)
	assert.Equal(t, p.Amount.Value, p.Captured.Value+p.Released.Value+p.frozen(), "frozen = captured + released")
	s.mu.Unlock()

	refund := func(reqID, value, cur string) openapi.Result {
		return call(t, s, "refund", `{"refundRequestId":"`+reqID+`","paymentId":"`+pay.PaymentID+`","refundAmount":{"currency":"`+cur+`","value":"`+value+`"}}`, nil)
	}
	assert.Equal(t, openapi.RefundAmountExceed, refund("r1", "5001", "USD").ResultCode)
	assert.Equal(t, openapi.ParamIllegal, refund("r1", "10", "EUR").ResultCode)
	assert.Equal(t, openapi.Success, refund("r1", "2000", "USD").ResultCode)
	assert.Equal(t, openapi.Success, refund("r2", "3000", "USD").ResultCode)
	assert.Equal(t, openapi.RefundAmountExceed, refund("r3", "1", "USD").ResultCode)
	var inq openapi.InquiryRefundResponse
	call(t, s, "inquiryRefund", `{"refundRequestId":"r2"}`, &inq)
	assert.Equal(t, openapi.RefundSuccess, inq.RefundStatus)
	assert.Equal(t, "3000", inq.RefundAmount.Value)
}

func TestAuthorizationExpires(t *testing.T) {
	s := mustOpenServer(t)
	var pay openapi.PayResponse
	call(t, s, "pay", payBody("auth-exp", "10000", "", true), &pay)
	require.Equal(t, "9000", tradePay(t, s, "tradeNO", pay.PaymentID, ActionConfirm))
	var inq openapi.InquiryPaymentResponse
	call(t, s, "inquiryPayment", `{"paymentId":"`+pay.PaymentID+`"}`, &inq)
	assert.Equal(t, openapi.PaymentAuthSuccess, inq.PaymentStatus)
	require.NotEmpty(t, inq.AuthExpiryTime)
	require.NoError(t, s.Clock().Advance(7*24*time.Hour+time.Second))
	res := call(t, s, "capture", `{"captureRequestId":"late","paymentId":"`+pay.PaymentID+`"}`, nil)
	assert.Equal(t, openapi.AuthorizationExpired, res.ResultCode)
}

func TestOrderStrCreatesThePaymentOnFirstSight(t *testing.T) {
	s := mustOpenServer(t)
	sink := newNotifySink(t)
	p, err := orderstr.NewPreAuth(orderstr.PreAuthOrder{
		AppID: testAppID, NotifyURL: sink.srv.URL, OutOrderNo: "o-1", OutRequestNo: "o-1-r",
		OrderTitle: "EV charging", Amount: money.MustNew("CNY", 2000), PayTimeout: 2 * 24 * time.Hour,
	}, time.Now())
	require.NoError(t, err)
	p, err = orderstr.Sign(p, fixtures.PrivateKey(fixtures.MerchantPrivateKey))
	require.NoError(t, err)
	token, err := orderstr.Encode(p)
	require.NoError(t, err)

	assert.Equal(t, "6001", tradePay(t, s, "orderStr", token, ActionCancel))
	assert.Equal(t, "9000", tradePay(t, s, "orderStr", token, ActionConfirm), "the payer comes back")
	got := sink.wait(t, 1)
	assert.Equal(t, "o-1-r", got[0].PaymentRequestID)
	assert.Equal(t, openapi.PaymentAuthSuccess, got[0].PaymentStatus)
	assert.Equal(t, openapi.Amount{Currency: "CNY", Value: "2000"}, got[0].PaymentAmount)

	tampered := strings.Replace(token, "EV", "XX", 1)
	assert.Equal(t, "4000", tradePay(t, s, "orderStr", tampered, ActionConfirm), "a tampered orderStr")
	seed, err := fixturesSeed()
	require.NoError(t, err)
	assert.Equal(t, "4000", tradePay(t, s, "orderStr", seed, ActionConfirm), "seed 000's sample: unknown app_id, no key")
}

func fixturesSeed() (string, error) {
	b, err := readFixture("../../fixtures/orderstr/seed000.txt")
	return strings.TrimSpace(string(b)), err
}

func TestTradePayControlRefusesMalformedRequests(t *testing.T) {
	s := mustOpenServer(t)
	for _, body := range []string{`{"action":"CONFIRM"}`, `{"tradeNO":"1","orderStr":"x","action":"CONFIRM"}`, `{"tradeNO":"1","action":"DANCE"}`, `nope`} {
		resp, err := http.Post(s.URL()+"/conformance/tradePay", "application/json", strings.NewReader(body))
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	}
	assert.Equal(t, "4000", tradePay(t, s, "tradeNO", "unknown", ActionConfirm))
}

// TestClockControlRefusesAnAdvanceThatWouldOverflow: three advances of 100 years used to
// wrap business time around to 1742; the third is now refused and nothing moves.
func TestClockControlRefusesAnAdvanceThatWouldOverflow(t *testing.T) {
	s := mustOpenServer(t)
	advance := func(d string) (int, string) {
		resp, err := http.Post(s.URL()+"/conformance/clock", "application/json", strings.NewReader(`{"advance":"`+d+`"}`))
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(body)
	}
	const century = "876000h"
	for range 2 {
		code, body := advance(century)
		require.Equal(t, http.StatusOK, code, body)
	}
	before := s.Clock().Now()
	code, body := advance(century)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, body, "cannot advance")
	assert.WithinDuration(t, before, s.Clock().Now(), time.Minute)
	assert.Greater(t, s.Clock().Now().Year(), time.Now().Year()+199)
}

// pendingOf reads notificationPending from the payment view, as the kit does.
func pendingOf(tb testing.TB, s *Server, paymentID string) bool {
	tb.Helper()
	req := httptest.NewRequest(http.MethodGet, "/conformance/payments/"+paymentID, nil)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	require.Equal(tb, http.StatusOK, rec.Code, rec.Body.String())
	var v struct {
		NotificationPending *bool `json:"notificationPending"`
	}
	require.NoError(tb, json.Unmarshal(rec.Body.Bytes(), &v))
	require.NotNil(tb, v.NotificationPending, "the view reports notificationPending: %s", rec.Body.String())
	return *v.NotificationPending
}

// The payment view's notificationPending is true while a notification may still be sent (a
// first delivery due, a retry armed) and false once every one the wallet owes has ended, or
// when it owes none: what lets a scenario stop waiting for what must not come.
func TestPaymentViewReportsWhetherANotificationIsPending(t *testing.T) {
	s := mustOpenServer(t)
	sink := newNotifySink(t, "F")
	var pay openapi.PayResponse
	call(t, s, "pay", payBody("pending-1", "100", sink.srv.URL, false), &pay)
	assert.False(t, pendingOf(t, s, pay.PaymentID), "a payment awaiting the payer owes no notification")
	require.Equal(t, "9000", tradePay(t, s, "tradeNO", pay.PaymentID, ActionConfirm))
	waitAttempts(t, s, pay.PaymentID, 1)
	assert.True(t, pendingOf(t, s, pay.PaymentID), "answered F: the retry at 2m is armed")
	require.NoError(t, s.Clock().Advance(2*time.Minute))
	waitAttempts(t, s, pay.PaymentID, 2)
	assert.False(t, pendingOf(t, s, pay.PaymentID), "answered S: nothing more to send")

	call(t, s, "pay", payBody("pending-2", "100", sink.srv.URL, false), &pay)
	assert.Equal(t, openapi.Success, call(t, s, "cancel", `{"paymentId":"`+pay.PaymentID+`"}`, nil).ResultCode)
	assert.False(t, pendingOf(t, s, pay.PaymentID), "a cancel is not notified")

	// Held back by the test control, a delivery is still pending.
	call(t, s, "pay", payBody("pending-3", "100", sink.srv.URL, false), &pay)
	code, _ := script(t, s, `{"paymentId":"`+pay.PaymentID+`","action":"HOLD"}`)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "9000", tradePay(t, s, "tradeNO", pay.PaymentID, ActionConfirm))
	waitHeld(t, s, 1)
	assert.True(t, pendingOf(t, s, pay.PaymentID), "held: the notification is still owed")
}
