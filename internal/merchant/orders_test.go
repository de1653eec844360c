package merchant_test

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/merchant"
	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/orderstr"
)

func TestCreateTradeNOOrderCallsPay(t *testing.T) {
	h := newHarness(t)
	h.wallet.answer("pay", acceptPay("P1"))
	before := time.Now()

	v := h.create("tradeNO", "GENERAL", "1000")

	assert.Equal(t, "P1", v.TradeNO)
	assert.Equal(t, "P1", v.PaymentID)
	assert.Equal(t, "PENDING", v.Status)
	assert.Equal(t, usd("1000"), v.Amount)
	assert.Equal(t, usd("0"), v.PaidAmount)
	assert.Empty(t, v.OrderStr)
	assert.Empty(t, v.PaymentURL)

	calls := h.wallet.received("pay")
	require.Len(t, calls, 1)
	pay := calls[0]
	assert.NoError(t, pay.SigErr, "pay is signed with the merchant key")
	assert.Equal(t, fixtures.DefaultWalletProfile().GeneralProductCode, pay.Body["productCode"])
	assert.Equal(t, v.PaymentRequestID, pay.Body["paymentRequestId"])
	assert.Equal(t, "Charging session", pay.Body["paymentOrderTitle"])
	assert.Equal(t, map[string]any{"currency": "USD", "value": "1000"}, pay.Body["paymentAmount"])
	assert.Equal(t, map[string]any{"isCashierPayment": true}, pay.Body["paymentFactor"])
	assert.Equal(t, h.m.NotifyURL(), pay.Body["paymentNotifyUrl"])
	expiry, err := time.Parse(time.RFC3339, pay.Body["paymentExpiryTime"].(string))
	require.NoError(t, err)
	assert.WithinRange(t, expiry, before.Add(15*time.Minute).Truncate(time.Second), time.Now().Add(15*time.Minute))

	withoutToken := v
	withoutToken.TradeNO = ""
	assert.Equal(t, withoutToken, h.get(v.OrderID), "GET shows the same order without the token")
}

func TestCreatePaymentURLPreAuthOrder(t *testing.T) {
	h := newHarness(t)
	h.wallet.answer("pay", acceptPay("P2"))

	v := h.create("paymentUrl", "PREAUTH", "5000")

	assert.Equal(t, "http://wallet.test/cashier/P2", v.PaymentURL)
	assert.Empty(t, v.TradeNO)
	assert.Equal(t, "P2", v.PaymentID)
	calls := h.wallet.received("pay")
	require.Len(t, calls, 1)
	assert.Equal(t, fixtures.DefaultWalletProfile().PreAuthProductCode, calls[0].Body["productCode"])
}

func TestCreateOrderStrOrders(t *testing.T) {
	h := newHarness(t)
	merchantKey := fixtures.PublicKey(fixtures.MerchantPublicKey)

	t.Run("general", func(t *testing.T) {
		v := h.create("orderStr", "GENERAL", "2")
		require.NotEmpty(t, v.OrderStr)
		assert.Empty(t, v.PaymentID, "the wallet has not seen the order yet")
		o, err := orderstr.Decode(v.OrderStr)
		require.NoError(t, err)
		assert.NoError(t, orderstr.Verify(o.Params, merchantKey))
		assert.Equal(t, orderstr.General, o.Kind)
		assert.Equal(t, orderstr.MethodAppPay, o.Method)
		assert.Equal(t, orderstr.ProductGeneral, o.ProductCode)
		assert.Equal(t, testAppID, o.AppID)
		assert.Equal(t, h.m.NotifyURL(), o.NotifyURL)
		assert.Equal(t, v.PaymentRequestID, o.OutTradeNo)
		assert.Equal(t, "Charging session", o.Subject)
		assert.Equal(t, money.MustNew("USD", 2), o.Amount)
		assert.Equal(t, 15*time.Minute, o.PayTimeout)
	})
	t.Run("pre-auth", func(t *testing.T) {
		v := h.create("orderStr", "PREAUTH", "30000")
		o, err := orderstr.Decode(v.OrderStr)
		require.NoError(t, err)
		assert.NoError(t, orderstr.Verify(o.Params, merchantKey))
		assert.Equal(t, orderstr.PreAuth, o.Kind)
		assert.Equal(t, orderstr.MethodAppFreeze, o.Method)
		assert.Equal(t, orderstr.ProductPreAuth, o.ProductCode)
		assert.Equal(t, v.OrderID, o.OutOrderNo)
		assert.Equal(t, v.PaymentRequestID, o.OutRequestNo)
		assert.Equal(t, "Charging session", o.OrderTitle)
		assert.Equal(t, money.MustNew("USD", 30000), o.Amount)
		assert.Equal(t, 15*time.Minute, o.PayTimeout)
	})
	assert.Empty(t, h.wallet.received(""), "an orderStr is built without the wallet")
}

func TestOrderStrNeedsAnAppID(t *testing.T) {
	h := newHarness(t, func(c *merchant.Config) { c.AppID = "" })
	status, v := h.call(http.MethodPost, "/conformance/orders", `{"flow":"orderStr","amount":{"currency":"USD","value":"1"}}`)
	assert.Equal(t, http.StatusConflict, status)
	assert.Contains(t, v.Error, "app id")
}

func TestIDsComeFromTheInjectedSource(t *testing.T) {
	h := newHarness(t, func(c *merchant.Config) { c.Rand = bytes.NewReader(bytes.Repeat([]byte{0xab}, 24)) })
	v := h.create("orderStr", "GENERAL", "1")
	assert.Equal(t, "Oabababababababababababab", v.OrderID)
	assert.Equal(t, "Rabababababababababababab", v.PaymentRequestID)

	status, v := h.call(http.MethodPost, "/conformance/orders", `{"flow":"orderStr","amount":{"currency":"USD","value":"1"}}`)
	assert.Equal(t, http.StatusServiceUnavailable, status, "an exhausted id source refuses, it does not reuse ids")
	assert.Contains(t, v.Error, "id source")
}

func TestCreateOrderWalletTrouble(t *testing.T) {
	t.Run("refused", func(t *testing.T) {
		h := newHarness(t)
		h.wallet.answer("pay", result("CURRENCY_NOT_SUPPORT", "F")+`}`)
		status, v := h.call(http.MethodPost, "/conformance/orders", `{"flow":"tradeNO","amount":{"currency":"USD","value":"1"}}`)
		assert.Equal(t, http.StatusConflict, status)
		assert.Equal(t, "CURRENCY_NOT_SUPPORT", v.ResultCode)
		require.NotEmpty(t, v.OrderID)
		assert.Equal(t, "FAILED", h.get(v.OrderID).Status)
	})
	t.Run("unknown", func(t *testing.T) {
		h := newHarness(t)
		h.wallet.answer("pay", result("UNKNOWN_EXCEPTION", "U")+`}`)
		status, v := h.call(http.MethodPost, "/conformance/orders", `{"flow":"tradeNO","amount":{"currency":"USD","value":"1"}}`)
		assert.Equal(t, http.StatusBadGateway, status)
		assert.Equal(t, "UNKNOWN_EXCEPTION", v.ResultCode)
		assert.Equal(t, "PENDING", h.get(v.OrderID).Status, "pay may have worked: the order waits for a notification")
		calls := h.wallet.received("pay")
		require.Len(t, calls, 3, "U: pay is sent again")
		for _, c := range calls {
			assert.Equal(t, v.PaymentRequestID, c.Body["paymentRequestId"], "a retried pay keeps its paymentRequestId")
		}
	})
	t.Run("bad signature", func(t *testing.T) {
		h := newHarness(t)
		h.wallet.answer("pay", acceptPay("P1"))
		h.wallet.signWith(fixtures.PrivateKey(fixtures.MerchantPrivateKey))
		status, v := h.call(http.MethodPost, "/conformance/orders", `{"flow":"paymentUrl","amount":{"currency":"USD","value":"1"}}`)
		assert.Equal(t, http.StatusBadGateway, status)
		assert.Contains(t, v.Error, "response signature")
		assert.Empty(t, v.PaymentURL)
		calls := h.wallet.received("pay")
		require.Len(t, calls, 3, "an answer that does not verify leaves the outcome unknown: pay is sent again")
		for _, c := range calls {
			assert.Equal(t, c.Body["paymentRequestId"], v.PaymentRequestID, "every pay names the order's id towards the wallet")
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		h := newHarness(t)
		h.wallet.srv.Close()
		status, v := h.call(http.MethodPost, "/conformance/orders", `{"flow":"tradeNO","amount":{"currency":"USD","value":"1"}}`)
		assert.Equal(t, http.StatusBadGateway, status)
		assert.Contains(t, v.Error, h.wallet.srv.URL)
	})
	t.Run("accepted without a cashier URL", func(t *testing.T) {
		h := newHarness(t)
		h.wallet.answer("pay", result("ACCEPT", "A")+`,"paymentId":"P1"}`)
		status, v := h.call(http.MethodPost, "/conformance/orders", `{"flow":"paymentUrl","amount":{"currency":"USD","value":"1"}}`)
		assert.Equal(t, http.StatusBadGateway, status)
		assert.Contains(t, v.Error, "redirectUrl")
	})
}

func TestCreateOrderBadInput(t *testing.T) {
	h := newHarness(t)
	for body, want := range map[string]string{
		``:                   "not a JSON object",
		`{"flow":"x"}`:       `flow "x"`,
		`{"amount":{}}`:      "flow is missing",
		`{"flow":"tradeNO"}`: "amount is missing",
		`{"flow":"tradeNO","type":"RENT","amount":{"currency":"USD","value":"1"}}`: `type "RENT"`,
		`{"flow":"tradeNO","amount":{"currency":"USD","value":"0"}}`:               "amount.value must be above zero",
		`{"flow":"tradeNO","amount":{"currency":"USD","value":1}}`:                 "amount.value",
		`{"flow":"tradeNO","amount":{"currency":"usd","value":"1"}}`:               "amount.currency",
		`{"flow":"tradeNO","amount":{"currency":"USD","value":"1.5"}}`:             "amount.value",
	} {
		status, v := h.call(http.MethodPost, "/conformance/orders", body)
		assert.Equal(t, http.StatusBadRequest, status, body)
		assert.Contains(t, v.Error, want, body)
	}
	assert.Empty(t, h.wallet.received(""))
	status, v := h.call(http.MethodGet, "/conformance/orders/nope", "")
	assert.Equal(t, http.StatusNotFound, status)
	assert.Contains(t, v.Error, "nope")
}

func TestTradePayResult(t *testing.T) {
	t.Run("9000 with the wallet still processing stays pending", func(t *testing.T) {
		h := newHarness(t)
		h.wallet.answer("pay", acceptPay("P1"))
		h.wallet.answer("inquiryPayment", inquiry("P1", "PROCESSING", "1000"))
		v := h.create("tradeNO", "GENERAL", "1000")

		status, got := h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/tradePayResult", `{"resultCode":"9000"}`)

		require.Equal(t, http.StatusOK, status, got.Error)
		assert.Equal(t, "PENDING", got.Status)
		calls := h.wallet.received("inquiryPayment")
		require.Len(t, calls, 1)
		assert.Equal(t, map[string]any{"paymentId": "P1"}, calls[0].Body)
	})
	t.Run("9000 confirmed by the wallet is paid", func(t *testing.T) {
		h := newHarness(t)
		h.wallet.answer("pay", acceptPay("P1"))
		h.wallet.answer("inquiryPayment", inquiry("P1", "SUCCESS", "1000"))
		v := h.create("tradeNO", "GENERAL", "1000")

		status, got := h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/tradePayResult", `{"resultCode":"9000"}`)

		require.Equal(t, http.StatusOK, status, got.Error)
		assert.Equal(t, "PAID", got.Status)
		assert.Equal(t, usd("1000"), got.PaidAmount)
	})
	t.Run("4000 with the wallet saying FAIL fails", func(t *testing.T) {
		h := newHarness(t)
		h.wallet.answer("inquiryPayment", inquiry("P9", "FAIL", "1000"))
		v := h.create("orderStr", "GENERAL", "1000")

		_, got := h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/tradePayResult", `{"resultCode":"4000"}`)

		assert.Equal(t, "FAILED", got.Status)
		assert.Equal(t, "P9", got.PaymentID, "the paymentId of an orderStr payment is learnt from the inquiry")
		calls := h.wallet.received("inquiryPayment")
		require.Len(t, calls, 1)
		assert.Equal(t, map[string]any{"paymentRequestId": v.PaymentRequestID}, calls[0].Body)
	})
	t.Run("8000 authorizes a pre-auth", func(t *testing.T) {
		h := newHarness(t)
		h.wallet.answer("pay", acceptPay("P1"))
		h.wallet.answer("inquiryPayment", inquiry("P1", "AUTH_SUCCESS", "5000"))
		v := h.create("tradeNO", "PREAUTH", "5000")

		_, got := h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/tradePayResult", `{"resultCode":"8000"}`)

		assert.Equal(t, "AUTHORIZED", got.Status)
		assert.Equal(t, usd("5000"), got.AuthorizedAmount)
		assert.Equal(t, usd("0"), got.PaidAmount)
	})
	t.Run("6001 asks the wallet nothing", func(t *testing.T) {
		h := newHarness(t)
		h.wallet.answer("pay", acceptPay("P1"))
		v := h.create("tradeNO", "GENERAL", "1000")

		status, got := h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/tradePayResult", `{"resultCode":"6001"}`)

		require.Equal(t, http.StatusOK, status)
		assert.Equal(t, "PENDING", got.Status)
		assert.Empty(t, h.wallet.received("inquiryPayment"))
	})
	t.Run("an inquiry answer for another amount is not trusted", func(t *testing.T) {
		h := newHarness(t)
		h.wallet.answer("pay", acceptPay("P1"))
		h.wallet.answer("inquiryPayment", inquiry("P1", "SUCCESS", "1"))
		v := h.create("tradeNO", "GENERAL", "1000")

		status, got := h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/tradePayResult", `{"resultCode":"9000"}`)

		assert.Equal(t, http.StatusBadGateway, status)
		assert.Contains(t, got.Error, "paymentAmount")
		assert.Equal(t, "PENDING", h.get(v.OrderID).Status)
	})
	t.Run("a notification already settled the order", func(t *testing.T) {
		h := newHarness(t)
		h.wallet.answer("pay", acceptPay("P1"))
		v := h.create("tradeNO", "GENERAL", "1000")
		require.Equal(t, "S", h.notify(newNotification("P1", v.PaymentRequestID, "SUCCESS", "1000")).Result.ResultStatus)

		_, got := h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/tradePayResult", `{"resultCode":"9000"}`)

		assert.Equal(t, "PAID", got.Status)
		assert.Empty(t, h.wallet.received("inquiryPayment"))
	})
	t.Run("missing resultCode", func(t *testing.T) {
		h := newHarness(t)
		v := h.create("orderStr", "GENERAL", "1000")
		status, got := h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/tradePayResult", `{}`)
		assert.Equal(t, http.StatusBadRequest, status)
		assert.Contains(t, got.Error, "resultCode")
	})
}
