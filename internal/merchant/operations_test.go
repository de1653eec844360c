package merchant_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// authorizedOrder creates a pre-auth of 1000 USD, paymentId P1, authorized by notification.
func authorizedOrder(h *harness) view {
	v := pendingOrder(h, "PREAUTH")
	require.Equal(h.t, "S", h.notify(newNotification("P1", v.PaymentRequestID, "AUTH_SUCCESS", "1000")).Result.ResultStatus)
	return v
}

// paidOrder creates a general payment of 1000 USD, paymentId P1, paid by notification.
func paidOrder(h *harness) view {
	v := pendingOrder(h, "GENERAL")
	require.Equal(h.t, "S", h.notify(newNotification("P1", v.PaymentRequestID, "SUCCESS", "1000")).Result.ResultStatus)
	return v
}

func TestCaptureOverTheAuthorizationIsRefusedWithoutAWalletCall(t *testing.T) {
	h := newHarness(t)
	v := authorizedOrder(h)

	status, got := h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/capture", `{"amount":{"currency":"USD","value":"1001"}}`)

	assert.Equal(t, http.StatusConflict, status)
	assert.Contains(t, got.Error, "exceeds the authorized remainder")
	assert.Empty(t, h.wallet.received("capture"))
	assert.Equal(t, "AUTHORIZED", h.get(v.OrderID).Status)
}

func TestCaptureOfAGeneralPaymentIsRefused(t *testing.T) {
	h := newHarness(t)
	v := paidOrder(h)

	status, got := h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/capture", ``)

	assert.Equal(t, http.StatusConflict, status)
	assert.Contains(t, got.Error, "general payment")
	assert.Empty(t, h.wallet.received("capture"))
}

func TestPartialThenFinalCapture(t *testing.T) {
	h := newHarness(t)
	v := authorizedOrder(h)
	h.wallet.answer("capture", result("SUCCESS", "S")+`}`)

	status, got := h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/capture", `{"amount":{"currency":"USD","value":"300"},"final":false}`)
	require.Equal(t, http.StatusOK, status, got.Error)
	assert.Equal(t, "CAPTURED", got.Status)
	assert.Equal(t, usd("300"), got.PaidAmount)

	status, got = h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/capture", ``)
	require.Equal(t, http.StatusOK, status, got.Error)
	assert.Equal(t, usd("1000"), got.PaidAmount, "the default is the remainder")

	calls := h.wallet.received("capture")
	require.Len(t, calls, 2)
	assert.Equal(t, map[string]any{"currency": "USD", "value": "300"}, calls[0].Body["captureAmount"])
	assert.Equal(t, false, calls[0].Body["isLastCapture"])
	assert.Equal(t, map[string]any{"currency": "USD", "value": "700"}, calls[1].Body["captureAmount"])
	assert.Equal(t, true, calls[1].Body["isLastCapture"])
	assert.NotEqual(t, calls[0].Body["captureRequestId"], calls[1].Body["captureRequestId"], "two captures, two ids")
	assert.Equal(t, "P1", calls[0].Body["paymentId"])

	status, _ = h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/capture", ``)
	assert.Equal(t, http.StatusConflict, status, "a final capture released the rest")
	assert.Len(t, h.wallet.received("capture"), 2)
}

func TestCaptureUnknownIsResolvedByRetryingTheSameID(t *testing.T) {
	h := newHarness(t)
	v := authorizedOrder(h)
	h.wallet.answer("capture", result("CAPTURE_IN_PROCESS", "U")+`}`, result("SUCCESS", "S")+`}`)
	h.wallet.answer("inquiryPayment", inquiry("P1", "AUTH_SUCCESS", "1000"))

	status, got := h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/capture", `{"amount":{"currency":"USD","value":"400"}}`)

	require.Equal(t, http.StatusOK, status, got.Error)
	assert.Equal(t, "CAPTURED", got.Status)
	assert.Equal(t, usd("400"), got.PaidAmount)
	calls := h.wallet.received("capture")
	require.Len(t, calls, 2)
	assert.Equal(t, calls[0].Body, calls[1].Body, "the retry is the same request, same captureRequestId")
	assert.Len(t, h.wallet.received("inquiryPayment"), 1, "the merchant looked before retrying")
	o, err := h.m.Order(v.OrderID)
	require.NoError(t, err)
	assert.Equal(t, []string{calls[0].Body["captureRequestId"].(string)}, o.CaptureRequestIDs)
	assert.Nil(t, o.PendingCapture)
}

func TestCaptureStillUnknownKeepsItsIDForTheNextTry(t *testing.T) {
	h := newHarness(t)
	v := authorizedOrder(h)
	h.wallet.answer("capture", result("UNKNOWN_EXCEPTION", "U")+`}`)
	h.wallet.answer("inquiryPayment", inquiry("P1", "AUTH_SUCCESS", "1000"))

	status, got := h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/capture", ``)
	assert.Equal(t, http.StatusBadGateway, status)
	assert.Contains(t, got.Error, "still unknown")
	assert.Equal(t, "AUTHORIZED", h.get(v.OrderID).Status)
	first := h.wallet.received("capture")
	assert.Len(t, first, 3, "bounded attempts")

	status, got = h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/capture", `{"amount":{"currency":"USD","value":"5"}}`)
	assert.Equal(t, http.StatusConflict, status, "another capture waits until the unknown one is resolved")
	assert.Contains(t, got.Error, "unresolved")

	h.wallet.answer("capture", result("SUCCESS", "S")+`}`)
	status, got = h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/capture", ``)
	require.Equal(t, http.StatusOK, status, got.Error)
	assert.Equal(t, usd("1000"), got.PaidAmount)
	all := h.wallet.received("capture")
	require.Len(t, all, 4)
	assert.Equal(t, first[0].Body["captureRequestId"], all[3].Body["captureRequestId"])
}

func TestCaptureRefusedByTheWallet(t *testing.T) {
	h := newHarness(t)
	v := authorizedOrder(h)
	h.wallet.answer("capture", result("AUTHORIZATION_EXPIRED", "F")+`}`)

	status, got := h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/capture", ``)

	assert.Equal(t, http.StatusConflict, status)
	assert.Equal(t, "AUTHORIZATION_EXPIRED", got.ResultCode)
	o, err := h.m.Order(v.OrderID)
	require.NoError(t, err)
	assert.Equal(t, "AUTHORIZED", string(o.Status))
	assert.Nil(t, o.PendingCapture, "a refused capture may be tried again with a new id")
}

func TestCancel(t *testing.T) {
	t.Run("pending", func(t *testing.T) {
		h := newHarness(t)
		v := pendingOrder(h, "GENERAL")
		h.wallet.answer("cancel", result("SUCCESS", "S")+`}`)

		status, got := h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/cancel", ``)

		require.Equal(t, http.StatusOK, status, got.Error)
		assert.Equal(t, "CANCELLED", got.Status)
		calls := h.wallet.received("cancel")
		require.Len(t, calls, 1)
		assert.Equal(t, map[string]any{"paymentId": "P1"}, calls[0].Body)
	})
	t.Run("authorization", func(t *testing.T) {
		h := newHarness(t)
		v := authorizedOrder(h)
		h.wallet.answer("cancel", result("SUCCESS", "S")+`}`)

		_, got := h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/cancel", ``)

		assert.Equal(t, "CANCELLED", got.Status)
	})
	t.Run("paid is refused without a wallet call", func(t *testing.T) {
		h := newHarness(t)
		v := paidOrder(h)

		status, _ := h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/cancel", ``)

		assert.Equal(t, http.StatusConflict, status)
		assert.Empty(t, h.wallet.received("cancel"))
	})
	t.Run("refused by the wallet", func(t *testing.T) {
		h := newHarness(t)
		v := pendingOrder(h, "GENERAL")
		h.wallet.answer("cancel", result("ORDER_IS_CLOSED", "F")+`}`)

		status, got := h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/cancel", ``)

		assert.Equal(t, http.StatusConflict, status)
		assert.Equal(t, "ORDER_IS_CLOSED", got.ResultCode)
		assert.Equal(t, "PENDING", h.get(v.OrderID).Status)
	})
}

func TestRefund(t *testing.T) {
	t.Run("default is everything", func(t *testing.T) {
		h := newHarness(t)
		v := paidOrder(h)
		h.wallet.answer("refund", result("SUCCESS", "S")+`}`)

		status, got := h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/refund", ``)

		require.Equal(t, http.StatusOK, status, got.Error)
		assert.Equal(t, "REFUNDED", got.Status)
		assert.Equal(t, usd("1000"), got.RefundedAmount)
		calls := h.wallet.received("refund")
		require.Len(t, calls, 1)
		assert.Equal(t, map[string]any{"currency": "USD", "value": "1000"}, calls[0].Body["refundAmount"])
		assert.Equal(t, "P1", calls[0].Body["paymentId"])
	})
	t.Run("partial keeps PAID, over the remainder is refused", func(t *testing.T) {
		h := newHarness(t)
		v := paidOrder(h)
		h.wallet.answer("refund", result("SUCCESS", "S")+`}`)

		_, got := h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/refund", `{"amount":{"currency":"USD","value":"600"}}`)
		assert.Equal(t, "PAID", got.Status)
		assert.Equal(t, usd("600"), got.RefundedAmount)

		status, got := h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/refund", `{"amount":{"currency":"USD","value":"401"}}`)
		assert.Equal(t, http.StatusConflict, status)
		assert.Contains(t, got.Error, "refundable remainder")
		assert.Len(t, h.wallet.received("refund"), 1)
	})
	t.Run("unknown resolved by inquiryRefund", func(t *testing.T) {
		h := newHarness(t)
		v := authorizedOrder(h)
		h.wallet.answer("capture", result("SUCCESS", "S")+`}`)
		_, got := h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/capture", `{"amount":{"currency":"USD","value":"800"}}`)
		require.Equal(t, usd("800"), got.PaidAmount)
		h.wallet.answer("refund", result("REFUND_IN_PROCESS", "U")+`}`)
		h.wallet.answer("inquiryRefund", result("SUCCESS", "S")+`,"refundStatus":"SUCCESS"}`)

		status, got := h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/refund", ``)

		require.Equal(t, http.StatusOK, status, got.Error)
		assert.Equal(t, "REFUNDED", got.Status, "everything captured was refunded")
		assert.Equal(t, usd("800"), got.RefundedAmount)
		refunds, inquiries := h.wallet.received("refund"), h.wallet.received("inquiryRefund")
		require.Len(t, refunds, 1)
		require.Len(t, inquiries, 1)
		assert.Equal(t, refunds[0].Body["refundRequestId"], inquiries[0].Body["refundRequestId"])
	})
	t.Run("pending order has nothing to refund", func(t *testing.T) {
		h := newHarness(t)
		v := pendingOrder(h, "GENERAL")
		status, _ := h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/refund", ``)
		assert.Equal(t, http.StatusConflict, status)
		assert.Empty(t, h.wallet.received("refund"))
	})
}
