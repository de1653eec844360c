package merchant_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
)

// pendingOrder creates a tradeNO order whose wallet paymentId is P1.
func pendingOrder(h *harness, typ string) view {
	h.wallet.answer("pay", acceptPay("P1"))
	return h.create("tradeNO", typ, "1000")
}

func TestNotificationVerifiedIsApplied(t *testing.T) {
	h := newHarness(t)
	v := pendingOrder(h, "GENERAL")

	a := h.notify(newNotification("P1", v.PaymentRequestID, "SUCCESS", "1000"))

	assert.Equal(t, "SUCCESS", a.Result.ResultCode)
	assert.Equal(t, "S", a.Result.ResultStatus)
	assert.NoError(t, a.signatureErr, "the merchant signs its answer")
	got := h.get(v.OrderID)
	assert.Equal(t, "PAID", got.Status)
	assert.Equal(t, usd("1000"), got.PaidAmount)
}

func TestNotificationDuplicateChangesNothing(t *testing.T) {
	h := newHarness(t)
	v := pendingOrder(h, "GENERAL")
	n := newNotification("P1", v.PaymentRequestID, "SUCCESS", "1000")
	require.Equal(t, "S", h.notify(n).Result.ResultStatus)

	a := h.notify(n)

	assert.Equal(t, "S", a.Result.ResultStatus)
	o, err := h.m.Order(v.OrderID)
	require.NoError(t, err)
	assert.Equal(t, "PAID", string(o.Status))
	require.Len(t, o.Notifications, 2)
	assert.True(t, o.Notifications[0].Changed)
	assert.False(t, o.Notifications[1].Changed)
}

func TestNotificationOrderStrLearnsPaymentID(t *testing.T) {
	h := newHarness(t)
	v := h.create("orderStr", "PREAUTH", "1000")

	a := h.notify(newNotification("P77", v.PaymentRequestID, "AUTH_SUCCESS", "1000"))

	assert.Equal(t, "S", a.Result.ResultStatus)
	got := h.get(v.OrderID)
	assert.Equal(t, "AUTHORIZED", got.Status)
	assert.Equal(t, "P77", got.PaymentID)
	assert.Equal(t, usd("1000"), got.AuthorizedAmount)
}

func TestNotificationFailAfterSuccessDoesNotUndoThePayment(t *testing.T) {
	h := newHarness(t)
	v := pendingOrder(h, "GENERAL")
	require.Equal(t, "S", h.notify(newNotification("P1", v.PaymentRequestID, "SUCCESS", "1000")).Result.ResultStatus)

	a := h.notify(newNotification("P1", v.PaymentRequestID, "FAIL", "1000"))

	assert.Equal(t, "S", a.Result.ResultStatus, "acknowledged, so the wallet stops retrying")
	assert.Equal(t, "PAID", h.get(v.OrderID).Status)
}

func TestNotificationFailOfPendingOrder(t *testing.T) {
	h := newHarness(t)
	v := pendingOrder(h, "GENERAL")

	a := h.notify(newNotification("P1", v.PaymentRequestID, "FAIL", "1000"))

	assert.Equal(t, "S", a.Result.ResultStatus)
	assert.Equal(t, "FAILED", h.get(v.OrderID).Status)
}

func TestNotificationRefusals(t *testing.T) {
	for name, tc := range map[string]struct {
		mutate      func(n *notification, requestID string)
		code        string
		messagePart string
	}{
		"bad signature": {
			mutate: func(n *notification, _ string) { n.key = fixtures.PrivateKey(fixtures.MerchantPrivateKey) },
			code:   "INVALID_SIGNATURE", messagePart: "does not match",
		},
		"other client": {
			mutate: func(n *notification, _ string) { n.clientID = "SOMEONEELSE" },
			code:   "INVALID_CLIENT", messagePart: "SOMEONEELSE",
		},
		"stale Request-Time": {
			mutate: func(n *notification, _ string) { n.time = time.Now().Add(-time.Hour) },
			code:   "INVALID_SIGNATURE", messagePart: "Request-Time",
		},
		"amount mismatch": {
			mutate: func(n *notification, requestID string) {
				*n = newNotification("P1", requestID, "SUCCESS", "999")
			},
			code: "PARAM_ILLEGAL", messagePart: "paymentAmount does not match the order",
		},
		"currency mismatch": {
			mutate: func(n *notification, _ string) { n.body = strings.Replace(n.body, `"USD"`, `"EUR"`, 1) },
			code:   "PARAM_ILLEGAL", messagePart: "paymentAmount does not match the order",
		},
		"other paymentId": {
			mutate: func(n *notification, requestID string) {
				*n = newNotification("P2", requestID, "SUCCESS", "1000")
			},
			code: "PARAM_ILLEGAL", messagePart: `paymentId "P2"`,
		},
		"unknown order": {
			mutate: func(n *notification, _ string) { *n = newNotification("P1", "NOSUCHREQUEST", "SUCCESS", "1000") },
			code:   "ORDER_NOT_EXIST", messagePart: "NOSUCHREQUEST",
		},
		"malformed field": {
			mutate: func(n *notification, _ string) { n.body = strings.Replace(n.body, `"value":"1000"`, `"value":1000`, 1) },
			code:   "PARAM_ILLEGAL", messagePart: "value",
		},
		"auth success for a general payment": {
			mutate: func(n *notification, requestID string) {
				*n = newNotification("P1", requestID, "AUTH_SUCCESS", "1000")
			},
			code: "PARAM_ILLEGAL", messagePart: "AUTH_SUCCESS",
		},
	} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			v := pendingOrder(h, "GENERAL")
			n := newNotification("P1", v.PaymentRequestID, "SUCCESS", "1000")
			tc.mutate(&n, v.PaymentRequestID)

			a := h.notify(n)

			assert.Equal(t, tc.code, a.Result.ResultCode)
			assert.Equal(t, "F", a.Result.ResultStatus)
			assert.Contains(t, a.Result.ResultMessage, tc.messagePart)
			assert.NoError(t, a.signatureErr, "refusals are signed too")
			assert.Equal(t, "PENDING", h.get(v.OrderID).Status, "nothing changes")
		})
	}
}
