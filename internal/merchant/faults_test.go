package merchant_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/signing"
)

// postNotification sends n like harness.notify but returns whatever came back: the status,
// the body, or the transport error.
func (h *harness) postNotification(client *http.Client, n notification) (int, []byte, error) {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.m.NotifyURL(), bytes.NewReader([]byte(n.body)))
	require.NoError(h.t, err)
	require.NoError(h.t, (signing.Style{}).SignRequest(req, []byte(n.body), n.clientID, n.key, n.time))
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, raw, err
}

func (h *harness) scriptFaults(body string) (int, view) {
	h.t.Helper()
	return h.call(http.MethodPost, "/conformance/notifyFaults", body)
}

func TestNotifyFaultsAnswerInOrderThenNormally(t *testing.T) {
	h := newHarness(t)
	v := pendingOrder(h, "GENERAL")
	status, answer := h.scriptFaults(`{"paymentRequestId":"` + v.PaymentRequestID + `","answers":["HTTP_500","GARBAGE","F","U","TIMEOUT"]}`)
	require.Equal(t, http.StatusOK, status, answer.Error)
	n := newNotification("P1", v.PaymentRequestID, "SUCCESS", "1000")

	code, body, err := h.postNotification(h.http, n)
	require.NoError(t, err)
	assert.Equal(t, http.StatusInternalServerError, code, "HTTP_500")

	code, body, err = h.postNotification(h.http, n)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, code, "GARBAGE")
	assert.False(t, json.Valid(body), "GARBAGE is not JSON: %s", body)

	for _, want := range []struct{ code, status string }{{"PROCESS_FAIL", "F"}, {"UNKNOWN_EXCEPTION", "U"}} {
		a := h.notify(n)
		assert.Equal(t, want.status, a.Result.ResultStatus)
		assert.Equal(t, want.code, a.Result.ResultCode)
		assert.NoError(t, a.signatureErr, "a scripted result is signed like any answer")
	}

	// TIMEOUT holds the answer until the caller gives up.
	impatient := &http.Client{Timeout: 200 * time.Millisecond}
	start := time.Now()
	_, _, err = h.postNotification(impatient, n)
	var ne net.Error
	require.True(t, errors.As(err, &ne) && ne.Timeout(), "TIMEOUT: want a client timeout, got %v", err)
	assert.Less(t, time.Since(start), 5*time.Second)

	assert.Equal(t, "PENDING", h.get(v.OrderID).Status, "a scripted answer applies nothing")

	a := h.notify(n)
	assert.Equal(t, "S", a.Result.ResultStatus, "the script is used up: the merchant answers normally")
	assert.Equal(t, "PAID", h.get(v.OrderID).Status)
}

func TestNotifyFaultsAreScopedToTheirPayment(t *testing.T) {
	h := newHarness(t)
	h.wallet.answer("pay", acceptPay("P1"), acceptPay("P2"))
	first := h.create("tradeNO", "GENERAL", "1000")
	second := h.create("tradeNO", "GENERAL", "1000")
	status, _ := h.scriptFaults(`{"paymentRequestId":"` + first.PaymentRequestID + `","answers":["F"]}`)
	require.Equal(t, http.StatusOK, status)

	assert.Equal(t, "S", h.notify(newNotification("P2", second.PaymentRequestID, "SUCCESS", "1000")).Result.ResultStatus)
	assert.Equal(t, "F", h.notify(newNotification("P1", first.PaymentRequestID, "SUCCESS", "1000")).Result.ResultStatus)

	// Without a paymentRequestId the script applies to the next notification of any payment.
	status, answer := h.scriptFaults(`{"answers":["U"]}`)
	require.Equal(t, http.StatusOK, status, answer.Error)
	assert.Equal(t, "U", h.notify(newNotification("P2", second.PaymentRequestID, "SUCCESS", "1000")).Result.ResultStatus)
	assert.Equal(t, "S", h.notify(newNotification("P1", first.PaymentRequestID, "SUCCESS", "1000")).Result.ResultStatus)
}

func TestNotifyFaultsRefusesMalformedScripts(t *testing.T) {
	h := newHarness(t)
	for body, field := range map[string]string{
		`{"answers":["HTTP_503"]}`:                "answers[0]",
		`{"answers":[]}`:                          "answers",
		`{"paymentRequestId":"r"}`:                "answers",
		`{"answers":"F"}`:                         "answers",
		`{"answers":["F"],"paymentRequestId":42}`: "paymentRequestId",
		`{"answers":["F"]`:                        "JSON",
		`[]`:                                      "body",
	} {
		status, v := h.scriptFaults(body)
		assert.Equal(t, http.StatusBadRequest, status, body)
		assert.Contains(t, v.Error, field, body)
	}
	// Nothing was queued: notifications are answered normally.
	v := pendingOrder(h, "GENERAL")
	assert.Equal(t, "S", h.notify(newNotification("P1", v.PaymentRequestID, "SUCCESS", "1000")).Result.ResultStatus)
}
