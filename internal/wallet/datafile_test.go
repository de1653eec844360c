package wallet

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/wallet/records"
	"github.com/tradepaykit/tradepaykit/internal/wallet/sqlitestore"
)

// openDataServer starts a wallet mock on a data file; merchants nil means the ones the file
// remembers.
func openDataServer(tb testing.TB, path string, merchants []Merchant) *Server {
	tb.Helper()
	s, err := NewServer(Config{
		PrivateKey:    fixtures.PrivateKey(fixtures.WalletPrivateKey),
		Merchants:     merchants,
		NotifyTimeout: 2 * time.Second,
		OpenStore:     func() (records.Store, error) { return sqlitestore.Open(path) },
	})
	require.NoError(tb, err)
	require.NoError(tb, s.Start("127.0.0.1:0"))
	return s
}

// rawCall sends a signed OpenAPI request and returns the answer's body, its signature checked.
func rawCall(tb testing.TB, s *Server, api, body string) string {
	tb.Helper()
	var raw json.RawMessage
	call(tb, s, api, body, &raw)
	return string(raw)
}

func advanceOverHTTP(tb testing.TB, s *Server, d string) {
	tb.Helper()
	resp, err := http.Post(s.URL()+"/conformance/clock", "application/json", strings.NewReader(`{"advance":"`+d+`"}`))
	require.NoError(tb, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	require.Equal(tb, http.StatusOK, resp.StatusCode, string(b))
}

func viewJSON(tb testing.TB, s *Server, id string) string {
	tb.Helper()
	resp, err := http.Get(s.URL() + "/conformance/payments/" + id)
	require.NoError(tb, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(tb, err)
	require.Equal(tb, http.StatusOK, resp.StatusCode, string(b))
	return string(b)
}

// TestDataFileKeepsStateAcrossRestart stops a wallet on a data file and starts another on it:
// inquiries, payment views and idempotent replays answer the same, the registered merchant is
// known without being registered again, business time stays where it was moved, a pending
// notification retry comes at its scheduled time, and a payment's deadline still closes it.
func TestDataFileKeepsStateAcrossRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wallet.db")
	sink := newNotifySink(t, "F") // the first notification is refused, the rest acknowledged
	merchant := Merchant{ClientID: fixtures.ClientID, PublicKey: fixtures.PublicKey(fixtures.MerchantPublicKey), AppID: testAppID, NotifyURL: sink.srv.URL}
	s1 := openDataServer(t, path, []Merchant{merchant})

	// A: paid, its notification refused once, so a retry is pending (due 2m later).
	payA := rawCall(t, s1, "pay", payBody("keep-A", "1000", sink.srv.URL, false))
	var a openapi.PayResponse
	require.NoError(t, json.Unmarshal([]byte(payA), &a))
	require.Equal(t, "9000", tradePay(t, s1, "tradeNO", a.PaymentID, ActionConfirm))
	waitAttempts(t, s1, a.PaymentID, 1)
	// B: waiting for the payer; no paymentNotifyUrl, so the registered notify URL serves.
	var b openapi.PayResponse
	call(t, s1, "pay", payBody("keep-B", "200", "", false), &b)
	// C: an authorization, partly captured, partly refunded.
	var c openapi.PayResponse
	call(t, s1, "pay", payBody("keep-C", "1000", sink.srv.URL, true), &c)
	require.Equal(t, "9000", tradePay(t, s1, "tradeNO", c.PaymentID, ActionConfirm))
	waitAttempts(t, s1, c.PaymentID, 1)
	captureBody := `{"captureRequestId":"keep-cap","paymentId":"` + c.PaymentID + `","captureAmount":{"currency":"USD","value":"600"},"isLastCapture":false}`
	capture := rawCall(t, s1, "capture", captureBody)
	require.Contains(t, capture, `"resultStatus":"S"`)
	refundBody := `{"refundRequestId":"keep-ref","paymentId":"` + c.PaymentID + `","refundAmount":{"currency":"USD","value":"100"}}`
	refund := rawCall(t, s1, "refund", refundBody)
	require.Contains(t, refund, `"resultStatus":"S"`)
	advanceOverHTTP(t, s1, "1m") // business time moves; A's retry is still a minute away

	inquiries := func(s *Server) []string {
		var out []string
		for _, id := range []string{a.PaymentID, b.PaymentID, c.PaymentID} {
			out = append(out, rawCall(t, s, "inquiryPayment", `{"paymentId":"`+id+`"}`), viewJSON(t, s, id))
		}
		return append(out, rawCall(t, s, "inquiryRefund", `{"refundRequestId":"keep-ref"}`))
	}
	before := inquiries(s1)
	businessBefore := s1.clock.Now()
	require.NoError(t, s1.Close())

	s2 := openDataServer(t, path, nil) // the merchant comes from the file
	t.Cleanup(func() { _ = s2.Close() })
	assert.Equal(t, before, inquiries(s2), "inquiries and payment views answer the same after the restart")
	assert.Equal(t, payA, rawCall(t, s2, "pay", payBody("keep-A", "1000", sink.srv.URL, false)), "a repeated pay gets the same answer")
	assert.Equal(t, capture, rawCall(t, s2, "capture", captureBody), "a repeated capture gets the same answer")
	assert.Equal(t, refund, rawCall(t, s2, "refund", refundBody), "a repeated refund gets the same answer")
	res := call(t, s2, "pay", payBody("keep-A", "1001", sink.srv.URL, false), nil)
	assert.Equal(t, openapi.RepeatReqInconsistent, res.ResultCode, "the request id is still taken")
	assert.WithinDuration(t, businessBefore, s2.clock.Now(), 30*time.Second, "business time stays where it was moved")
	var inq openapi.InquiryPaymentResponse
	call(t, s2, "inquiryPayment", `{"paymentId":"`+c.PaymentID+`"}`, &inq)
	assert.Equal(t, openapi.PaymentSuccess, inq.PaymentStatus)

	// A's retry was due 2m after its first attempt: 1m had passed before the restart.
	s2.Clock().Advance(30 * time.Second)
	s2.mu.Lock()
	assert.Len(t, s2.paymentLocked(a.PaymentID).notifications, 1, "no retry before its time")
	s2.mu.Unlock()
	s2.Clock().Advance(30 * time.Second)
	waitAttempts(t, s2, a.PaymentID, 2)
	got := sink.wait(t, 3)
	assert.Equal(t, a.PaymentID, got[2].PaymentID)
	s2.mu.Lock()
	assert.Equal(t, "S", s2.paymentLocked(a.PaymentID).notifications[1].Outcome)
	s2.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, s2.WaitFirstDeliveries(ctx))

	// B's deadline (15 minutes after pay) still closes it and notifies FAIL.
	s2.Clock().Advance(15 * time.Minute)
	call(t, s2, "inquiryPayment", `{"paymentId":"`+b.PaymentID+`"}`, &inq)
	assert.Equal(t, openapi.PaymentFail, inq.PaymentStatus)
	got = sink.wait(t, 4)
	assert.Equal(t, b.PaymentID, got[3].PaymentID)
	assert.Equal(t, openapi.PaymentFail, got[3].PaymentStatus)
}
