package wallet

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

func script(tb testing.TB, s *Server, body string) (int, []Attempt) {
	tb.Helper()
	resp, err := http.Post(s.URL()+"/conformance/notifications", "application/json", strings.NewReader(body))
	require.NoError(tb, err)
	defer resp.Body.Close()
	var out struct {
		Attempts []Attempt `json:"attempts"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out.Attempts
}

func TestNotificationScriptHoldReleaseResendSend(t *testing.T) {
	s := mustOpenServer(t)
	sink := newNotifySink(t)
	code, _ := script(t, s, `{"paymentRequestId":"held-1","action":"HOLD"}`)
	require.Equal(t, http.StatusOK, code)
	var pay openapi.PayResponse
	call(t, s, "pay", payBody("held-1", "100", sink.srv.URL, false), &pay)
	require.Equal(t, "9000", tradePay(t, s, "tradeNO", pay.PaymentID, ActionConfirm))

	var inq openapi.InquiryPaymentResponse
	call(t, s, "inquiryPayment", `{"paymentId":"`+pay.PaymentID+`"}`, &inq)
	require.Equal(t, openapi.PaymentSuccess, inq.PaymentStatus, "paid, though the merchant heard nothing")
	// The held delivery is parked, not attempted.
	waitHeld(t, s, 1)
	sink.mu.Lock()
	assert.Empty(t, sink.got)
	sink.mu.Unlock()

	_, released := script(t, s, `{"paymentRequestId":"held-1","action":"RELEASE"}`)
	require.Len(t, released, 1)
	assert.Equal(t, "S", released[0].Outcome)

	_, resent := script(t, s, `{"paymentId":"`+pay.PaymentID+`","action":"RESEND","count":5}`)
	assert.Len(t, resent, 5)
	_, sent := script(t, s, `{"paymentId":"`+pay.PaymentID+`","action":"SEND","paymentStatus":"FAIL"}`)
	require.Len(t, sent, 1)
	got := sink.wait(t, 7)
	assert.Equal(t, openapi.PaymentFail, got[6].PaymentStatus)
	call(t, s, "inquiryPayment", `{"paymentId":"`+pay.PaymentID+`"}`, &inq)
	assert.Equal(t, openapi.PaymentSuccess, inq.PaymentStatus, "a scripted notification changes nothing in the wallet")

	code, _ = script(t, s, `{"paymentId":"x","paymentRequestId":"y","action":"HOLD"}`)
	assert.Equal(t, http.StatusBadRequest, code)
	code, _ = script(t, s, `{"paymentId":"nope","action":"RESEND"}`)
	assert.Equal(t, http.StatusNotFound, code)
}

func waitHeld(tb testing.TB, s *Server, n int) {
	tb.Helper()
	require.Eventually(tb, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return len(s.held) >= n
	}, 5e9, 1e6)
}

func TestScriptedUnknownAnswerAfterTheWorkIsDone(t *testing.T) {
	s := mustOpenServer(t)
	var pay openapi.PayResponse
	call(t, s, "pay", payBody("u-1", "1000", "", true), &pay)
	require.Equal(t, "9000", tradePay(t, s, "tradeNO", pay.PaymentID, ActionConfirm))

	resp, err := http.Post(s.URL()+"/conformance/answers", "application/json",
		strings.NewReader(`{"api":"capture","paymentId":"`+pay.PaymentID+`","resultCode":"CAPTURE_IN_PROCESS","apply":true}`))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)

	capture := `{"captureRequestId":"cap-u","paymentId":"` + pay.PaymentID + `","captureAmount":{"currency":"USD","value":"600"}}`
	res := call(t, s, "capture", capture, nil)
	assert.Equal(t, openapi.CaptureInProcess, res.ResultCode)
	assert.Equal(t, openapi.StatusUnknown, res.ResultStatus)
	res = call(t, s, "capture", capture, nil)
	assert.Equal(t, openapi.Success, res.ResultCode, "the retry with the same id gets the capture that was made")
	s.mu.Lock()
	assert.Equal(t, int64(600), s.paymentLocked(pay.PaymentID).Captured.Value, "captured once")
	s.mu.Unlock()

	resp, err = http.Post(s.URL()+"/conformance/answers", "application/json", strings.NewReader(`{"api":"capture","resultCode":"PROCESS_FAIL"}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "only U codes can be scripted")
}
