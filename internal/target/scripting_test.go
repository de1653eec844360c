package target_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/target"
)

func TestScriptNotifications(t *testing.T) {
	srv, got := fake(t, http.StatusOK, `{"attempts":[{"attempt":2,"paymentStatus":"SUCCESS","outcome":"S","resultCode":"SUCCESS"}]}`)
	c, err := target.NewWalletControl(target.Config{BaseURL: srv.URL})
	require.NoError(t, err)

	ds, err := c.ScriptNotifications(context.Background(), target.NotificationScript{PaymentID: "P1", Action: target.Resend, Count: 20})

	require.NoError(t, err)
	assert.Equal(t, []target.Notification{{Attempt: 2, PaymentStatus: "SUCCESS", Outcome: "S", ResultCode: "SUCCESS"}}, ds)
	r := <-got
	assert.Equal(t, "/conformance/notifications", r.Path)
	assert.Equal(t, map[string]any{"paymentId": "P1", "action": "RESEND", "count": float64(20)}, r.Body)

	_, err = c.ScriptNotifications(context.Background(), target.NotificationScript{Action: target.Hold})
	assert.ErrorContains(t, err, "exactly one of paymentId, paymentRequestId")
}

func TestScriptNotificationsUnknownPayment(t *testing.T) {
	srv, _ := fake(t, http.StatusNotFound, `{"error":"no payment P9"}`)
	c, err := target.NewWalletControl(target.Config{BaseURL: srv.URL})
	require.NoError(t, err)
	_, err = c.ScriptNotifications(context.Background(), target.NotificationScript{PaymentRequestID: "R9", Action: target.Send, PaymentStatus: "FAIL"})
	assert.ErrorIs(t, err, target.ErrNotFound)
}

func TestScriptNotifyAnswers(t *testing.T) {
	srv, got := fake(t, http.StatusOK, `{"paymentRequestId":"R1","queued":2}`)
	m, err := target.NewMerchant(target.Config{BaseURL: srv.URL})
	require.NoError(t, err)

	require.NoError(t, m.ScriptNotifyAnswers(context.Background(), "R1", []string{target.AnswerHTTP500, target.AnswerTimeout}))
	r := <-got
	assert.Equal(t, "/conformance/notifyFaults", r.Path)
	assert.Equal(t, map[string]any{"paymentRequestId": "R1", "answers": []any{"HTTP_500", "TIMEOUT"}}, r.Body)

	assert.Error(t, m.ScriptNotifyAnswers(context.Background(), "R1", nil), "nothing to script")
	assert.ErrorContains(t, m.ScriptNotifyAnswers(context.Background(), "R1", []string{"F", "U", "F"}), "queued 2 answers, not 3")
}

func TestPostSendsTheBytesAsTheyAre(t *testing.T) {
	var seen []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen, _ = io.ReadAll(r.Body)
		http.Error(w, `{"error":"body is not valid UTF-8"}`, http.StatusBadRequest)
	}))
	t.Cleanup(srv.Close)
	m, err := target.NewMerchant(target.Config{BaseURL: srv.URL})
	require.NoError(t, err)

	_, err = m.Post(context.Background(), "/conformance/orders", []byte("{\"title\":\"\xff\"}"))

	assert.Equal(t, []byte("{\"title\":\"\xff\"}"), seen)
	var se *target.StatusError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, http.StatusBadRequest, se.StatusCode)
	assert.Equal(t, "body is not valid UTF-8", se.Message)
}
