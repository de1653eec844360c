package wallet

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// rawReceiver is a merchant notify endpoint that keeps every notification's body as it came
// and answers S: what a judge of the dialect then makes of the body is the test's business.
type rawReceiver struct {
	bodies chan []byte
	srv    *httptest.Server
}

func newRawReceiver(tb testing.TB) *rawReceiver {
	n := &rawReceiver{bodies: make(chan []byte, 10)}
	n.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		_ = json.NewEncoder(w).Encode(map[string]any{"result": openapi.SuccessResult()})
		n.bodies <- body
	}))
	tb.Cleanup(n.srv.Close)
	return n
}

func (n *rawReceiver) next(tb testing.TB) []byte {
	tb.Helper()
	select {
	case b := <-n.bodies:
		return b
	case <-time.After(5 * time.Second):
		tb.Fatal("waited 5s for a notification")
		return nil
	}
}

// openDialectDefective starts a wallet mock of dialect d, notifying notifyURL, with defects on.
func openDialectDefective(tb testing.TB, d dialect.Dialect, notifyURL string, defects ...Defect) *Server {
	tb.Helper()
	s, err := NewServer(Config{
		PrivateKey: fixtures.PrivateKey(fixtures.WalletPrivateKey),
		Merchants: []Merchant{{
			ClientID: fixtures.ClientID, PublicKey: fixtures.PublicKey(fixtures.MerchantPublicKey), AppID: testAppID, NotifyURL: notifyURL,
		}},
		NotifyTimeout: 2 * time.Second,
		Dialect:       d,
		Defects:       defects,
	})
	require.NoError(tb, err)
	require.NoError(tb, s.Start("127.0.0.1:0"))
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// without is body with a top-level field left out.
func without(tb testing.TB, body []byte, field string) []byte {
	tb.Helper()
	var m map[string]any
	require.NoError(tb, json.Unmarshal(body, &m))
	require.Contains(tb, m, field)
	delete(m, field)
	out, err := json.Marshal(m)
	require.NoError(tb, err)
	return out
}

// outcome is what a check saw: a result code, or what a judge of the dialect made of a
// notification.
type outcome = string

// paidNotification pays a payment through s and returns its notification's body.
func paidNotification(t *testing.T, s *Server, d dialect.Dialect, rcv *rawReceiver) []byte {
	t.Helper()
	var paid openapi.PayResponse
	res := dcall(t, s, d, dialect.Pay, payIn(t, d, "N-1", false, ""), &paid)
	require.Equal(t, openapi.Accept, res.ResultCode, res.ResultMessage)
	require.Equal(t, "9000", tradePay(t, s, "tradeNO", paid.PaymentID, ActionConfirm))
	return rcv.next(t)
}

// judged is what a merchant of d makes of a notification: "accepted", or its refusal.
func judged(d dialect.Dialect, body []byte) outcome {
	if _, err := openapi.DecodeNotifyPayment(d, body); err != nil {
		return err.Error()
	}
	return "accepted"
}

// TestDialectDefectsShowUnderTheirPreset: each dialect defect, under the preset its catalog
// entry names, changes what goes over the wire; the correct wallet of that preset does not.
func TestDialectDefectsShowUnderTheirPreset(t *testing.T) {
	presets := map[Defect]string{}
	for _, d := range Defects() {
		presets[d.Name] = d.Preset
	}
	for _, tc := range []struct {
		defect             Defect
		check              func(t *testing.T, s *Server, d dialect.Dialect, rcv *rawReceiver) outcome
		correct, defective string // what the check returns, or (prefix "~") a part of it
	}{
		{DefectPayTitleV1Field, func(t *testing.T, s *Server, d dialect.Dialect, _ *rawReceiver) outcome {
			res := dcall(t, s, d, dialect.Pay, payIn(t, d, "T-1", false, ""), nil)
			return string(res.ResultCode) + ": " + res.ResultMessage
		}, "~ACCEPT", "~PARAM_ILLEGAL: paymentOrderTitle is missing"},
		{DefectAppIDNotRequired, func(t *testing.T, s *Server, d dialect.Dialect, _ *rawReceiver) outcome {
			res := dcall(t, s, d, dialect.Pay, without(t, payIn(t, d, "A-1", false, ""), "appId"), nil)
			return string(res.ResultCode) + ": " + res.ResultMessage
		}, "~PARAM_ILLEGAL: appId is missing", "~ACCEPT"},
		{DefectPartnerIDNotRequired, func(t *testing.T, s *Server, d dialect.Dialect, _ *rawReceiver) outcome {
			res := dcall(t, s, d, dialect.Pay, without(t, payIn(t, d, "P-1", false, ""), "partnerId"), nil)
			return string(res.ResultCode) + ": " + res.ResultMessage
		}, "~PARAM_ILLEGAL: partnerId is missing", "~ACCEPT"},
		{DefectPartnerIDRequired, func(t *testing.T, s *Server, d dialect.Dialect, _ *rawReceiver) outcome {
			res := dcall(t, s, d, dialect.Pay, payIn(t, d, "Q-1", false, ""), nil)
			return string(res.ResultCode) + ": " + res.ResultMessage
		}, "~ACCEPT", "~PARAM_ILLEGAL: partnerId is missing"},
		{DefectRefundApplyNotServed, func(t *testing.T, s *Server, d dialect.Dialect, _ *rawReceiver) outcome {
			var paid openapi.PayResponse
			res := dcall(t, s, d, dialect.Pay, payIn(t, d, "R-1", false, ""), &paid)
			require.Equal(t, openapi.Accept, res.ResultCode, res.ResultMessage)
			require.Equal(t, "9000", tradePay(t, s, "tradeNO", paid.PaymentID, ActionConfirm))
			refund := func(path, id string) string {
				body := fmt.Sprintf(`{"refundRequestId":%q,"paymentId":%q,"refundAmount":{"currency":"USD","value":"100"}}`, id, paid.PaymentID)
				status, res, _ := post(t, s, path, path, []byte(body))
				return fmt.Sprintf("%d %s", status, res.ResultCode)
			}
			return "refundApply: " + refund(d.PathFor(dialect.Refund), "R-a") + "; refund: " + refund("/v1/payments/refund", "R-b")
		}, "refundApply: 200 SUCCESS; refund: 404 NO_INTERFACE_DEF", "refundApply: 404 NO_INTERFACE_DEF; refund: 200 SUCCESS"},
		{DefectNotifyOutcomeInStatus, func(t *testing.T, s *Server, d dialect.Dialect, rcv *rawReceiver) outcome {
			return judged(d, paidNotification(t, s, d, rcv))
		}, "accepted", "~this notification reports the outcome in paymentStatus"},
		{DefectNotifyNoCreateTime, func(t *testing.T, s *Server, d dialect.Dialect, rcv *rawReceiver) outcome {
			return judged(d, paidNotification(t, s, d, rcv))
		}, "accepted", "~paymentCreateTime is missing"},
		{DefectNotifyNoPartnerID, func(t *testing.T, s *Server, d dialect.Dialect, rcv *rawReceiver) outcome {
			return judged(d, paidNotification(t, s, d, rcv))
		}, "accepted", "~partnerId is missing"},
		{DefectSecondCaptureTaken, func(t *testing.T, s *Server, d dialect.Dialect, _ *rawReceiver) outcome {
			var auth openapi.PayResponse
			res := dcall(t, s, d, dialect.Pay, payIn(t, d, "C-1", true, ""), &auth)
			require.Equal(t, openapi.Accept, res.ResultCode, res.ResultMessage)
			require.Equal(t, "9000", tradePay(t, s, "tradeNO", auth.PaymentID, ActionConfirm))
			capture := func(id, value string) openapi.Result {
				body := fmt.Sprintf(`{"captureRequestId":%q,"paymentId":%q,"captureAmount":{"currency":"USD","value":%q},"isLastCapture":false}`, id, auth.PaymentID, value)
				return dcall(t, s, d, dialect.Capture, []byte(body), nil)
			}
			require.Equal(t, openapi.Success, capture("C-a", "600").ResultCode)
			second := capture("C-b", "100")
			return fmt.Sprintf("%s, %d captured", second.ResultCode, paymentView(t, s, auth.PaymentID).Captured.Value)
		}, "AUTH_CANCELLED, 600 captured", "SUCCESS, 700 captured"},
	} {
		t.Run(string(tc.defect), func(t *testing.T) {
			t.Parallel()
			preset, ok := presets[tc.defect]
			require.True(t, ok, "%s is in the catalog", tc.defect)
			require.NotEmpty(t, preset, "%s names the preset it shows under", tc.defect)
			d := dialect.MustLookup(preset)
			check := func(want string, defects ...Defect) {
				t.Helper()
				rcv := newRawReceiver(t)
				got := tc.check(t, openDialectDefective(t, d, rcv.srv.URL, defects...), d, rcv)
				if part, ok := strings.CutPrefix(want, "~"); ok {
					assert.Contains(t, got, part, "wallet with %v under %s", defects, preset)
				} else {
					assert.Equal(t, want, got, "wallet with %v under %s", defects, preset)
				}
			}
			check(tc.correct)
			check(tc.defective, tc.defect)
		})
	}
}

// TestDialectDefectsCatalog: every dialect defect names a preset the kit knows, and each
// side has at least 6 (issue 18).
func TestDialectDefectsCatalog(t *testing.T) {
	n := 0
	for _, d := range Defects() {
		if d.Preset == "" {
			continue
		}
		n++
		_, err := dialect.Lookup(d.Preset)
		assert.NoError(t, err, "preset of %s", d.Name)
		assert.NotEqual(t, dialect.Default, d.Preset, "%s: a defect of the kit preset shows under every preset", d.Name)
	}
	assert.GreaterOrEqual(t, n, 6, "dialect defects in the wallet's catalog")
}
