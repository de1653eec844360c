package merchant_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/merchant"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// dialectHarness is a reference merchant speaking the preset, with no product codes of its
// own (the dialect's apply), against the fake wallet.
func dialectHarness(t *testing.T, name string, mutate ...func(*merchant.Config)) (*harness, dialect.Dialect) {
	d := dialect.MustLookup(name)
	h := newHarness(t, append([]func(*merchant.Config){func(c *merchant.Config) {
		c.Dialect = d
		c.Profile = fixtures.WalletProfile{}
	}}, mutate...)...)
	return h, d
}

// notificationIn is a notification written in d's shape by the dialect's encoder, as a
// wallet of the dialect sends it.
func notificationIn(t *testing.T, d dialect.Dialect, paymentID, requestID, status, value string) notification {
	t.Helper()
	n := openapi.Notification{NotifyPaymentRequest: openapi.NotifyPaymentRequest{
		PaymentID: paymentID, PaymentRequestID: requestID, PaymentStatus: status,
		PaymentAmount: openapi.Amount{Currency: "USD", Value: value},
		PaymentTime:   "2026-01-02T03:04:05Z", PaymentCreateTime: "2026-01-02T03:00:00Z",
	}}
	if d.CarriesPartnerID() {
		n.PartnerID = dialect.DefaultPartnerID
	}
	if status == openapi.PaymentFail {
		n.PaymentFailReason = "the payer declined"
	}
	body, err := openapi.EncodeNotifyPayment(d, n)
	require.NoError(t, err)
	out := newNotification(paymentID, requestID, status, value)
	out.body = string(body)
	return out
}

// otherShape is d with the other notification outcome shape.
func otherShape(d dialect.Dialect) dialect.Dialect {
	if d.NotifiesWithPaymentResult() {
		d.NotifyOutcome = dialect.OutcomePaymentStatus
	} else {
		d.NotifyOutcome = dialect.OutcomePaymentResult
	}
	return d
}

// authorizationStatus is how a wallet of d notifies a granted authorization: AUTH_SUCCESS,
// or SUCCESS where the outcome shape cannot say AUTH_SUCCESS.
func authorizationStatus(d dialect.Dialect) string {
	if d.NotifiesWithPaymentResult() {
		return openapi.PaymentSuccess
	}
	return openapi.PaymentAuthSuccess
}

// TestMerchantPaysInEveryDialect: the merchant's pay reaches the dialect's path in the
// dialect's shape, with its app id where the dialect requires one and the default partnerId
// where it carries one.
func TestMerchantPaysInEveryDialect(t *testing.T) {
	for _, name := range dialect.Presets() {
		t.Run(name, func(t *testing.T) {
			h, d := dialectHarness(t, name)
			pendingOrder(h, "GENERAL")

			calls := h.wallet.received("pay")
			require.Len(t, calls, 1)
			assert.Equal(t, d.PathFor(dialect.Pay), calls[0].Path)
			assert.NoError(t, calls[0].SigErr)
			body := calls[0].Body
			if d.TitleInOrderDescription() {
				assert.Equal(t, map[string]any{"orderDescription": "Charging session"}, body["order"])
				assert.NotContains(t, body, "paymentOrderTitle")
			} else {
				assert.Equal(t, "Charging session", body["paymentOrderTitle"])
			}
			if d.RequiresAppID() {
				assert.Equal(t, testAppID, body["appId"])
			} else {
				assert.NotContains(t, body, "appId")
			}
			if d.CarriesPartnerID() {
				assert.Equal(t, dialect.DefaultPartnerID, body["partnerId"])
			} else {
				assert.NotContains(t, body, "partnerId")
			}
			assert.Equal(t, d.ProductCodeFor(false), body["productCode"])
		})
	}
}

// TestMerchantSendsItsPartnerID: Config.PartnerID is the partnerId of pay and inquiryPayment
// where the dialect carries it.
func TestMerchantSendsItsPartnerID(t *testing.T) {
	h, _ := dialectHarness(t, "v1-alipay", func(c *merchant.Config) { c.PartnerID = "2188000000000001" })
	v := pendingOrder(h, "GENERAL")
	h.wallet.answer("inquiryPayment", inquiry("P1", "SUCCESS", "1000"))
	status, got := h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/tradePayResult", `{"resultCode":"9000"}`)
	require.Equal(t, http.StatusOK, status, got.Error)

	assert.Equal(t, "2188000000000001", h.wallet.received("pay")[0].Body["partnerId"])
	assert.Equal(t, "2188000000000001", h.wallet.received("inquiryPayment")[0].Body["partnerId"])
}

// TestMerchantWalletPrefix: the dialect's prefix is in front of every path; the profile's
// basePath, when set, replaces it; a WalletURL that already ends with it does not get it
// twice.
func TestMerchantWalletPrefix(t *testing.T) {
	for _, tc := range []struct {
		name, suffix, basePath, want string
	}{
		{"the preset's prefix", "", "", "/acl/api/v1/payments/pay"},
		{"already in the URL", "/acl/api", "", "/acl/api/v1/payments/pay"},
		{"the profile's basePath replaces it", "", "/api", "/api/v1/payments/pay"},
		{"the profile's basePath already in the URL", "/api/", "/api", "/api/v1/payments/pay"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, _ := dialectHarness(t, "v1-tng", func(c *merchant.Config) {
				c.WalletURL += tc.suffix
				c.Profile.BasePath = tc.basePath
			})
			pendingOrder(h, "GENERAL")
			calls := h.wallet.received("pay")
			require.Len(t, calls, 1)
			assert.Equal(t, tc.want, calls[0].Path)
			assert.NoError(t, calls[0].SigErr, "signed over the path as sent")
		})
	}
}

// TestNotificationInEveryDialect: a notification in the dialect's shape settles the order,
// SUCCESS as PAID and FAIL as FAILED.
func TestNotificationInEveryDialect(t *testing.T) {
	for _, name := range dialect.Presets() {
		t.Run(name, func(t *testing.T) {
			h, d := dialectHarness(t, name)
			paid := pendingOrder(h, "GENERAL")
			a := h.notify(notificationIn(t, d, "P1", paid.PaymentRequestID, openapi.PaymentSuccess, "1000"))
			assert.Equal(t, "S", a.Result.ResultStatus, a.Result.ResultMessage)
			assert.NoError(t, a.signatureErr)
			assert.Equal(t, "PAID", h.get(paid.OrderID).Status)

			h.wallet.answer("pay", acceptPay("P2"))
			failed := h.create("tradeNO", "GENERAL", "1000")
			a = h.notify(notificationIn(t, d, "P2", failed.PaymentRequestID, openapi.PaymentFail, "1000"))
			assert.Equal(t, "S", a.Result.ResultStatus, a.Result.ResultMessage)
			assert.Equal(t, "FAILED", h.get(failed.OrderID).Status)
		})
	}
}

// TestNotificationInTheOtherShapeIsRefused: a notification reporting its outcome in the
// other dialects' field is refused F PARAM_ILLEGAL with a message naming both shapes, and
// the order does not change.
func TestNotificationInTheOtherShapeIsRefused(t *testing.T) {
	for _, name := range dialect.Presets() {
		t.Run(name, func(t *testing.T) {
			h, d := dialectHarness(t, name)
			v := pendingOrder(h, "GENERAL")

			a := h.notify(notificationIn(t, otherShape(d), "P1", v.PaymentRequestID, openapi.PaymentSuccess, "1000"))

			assert.Equal(t, "F", a.Result.ResultStatus)
			assert.Equal(t, "PARAM_ILLEGAL", a.Result.ResultCode)
			assert.Contains(t, a.Result.ResultMessage, "paymentStatus")
			assert.Contains(t, a.Result.ResultMessage, "paymentResult")
			assert.Contains(t, a.Result.ResultMessage, "the "+name+" dialect")
			o, err := h.m.Order(v.OrderID)
			require.NoError(t, err)
			assert.Equal(t, merchant.StatusPending, o.Status)
			assert.Empty(t, o.Notifications)
		})
	}
}

// TestNotificationPartnerID: where the dialect requires partnerId, a notification without
// one is refused and changes nothing; where the dialect has none, one that comes anyway is
// ignored.
func TestNotificationPartnerID(t *testing.T) {
	h, d := dialectHarness(t, "v1-alipay")
	v := pendingOrder(h, "GENERAL")
	withoutPartner := d
	withoutPartner.PartnerID = dialect.Optional
	a := h.notify(notificationIn(t, withoutPartner, "P1", v.PaymentRequestID, openapi.PaymentSuccess, "1000"))
	assert.Equal(t, "F", a.Result.ResultStatus)
	assert.Equal(t, "PARAM_ILLEGAL", a.Result.ResultCode)
	assert.Contains(t, a.Result.ResultMessage, "partnerId")
	assert.Equal(t, "PENDING", h.get(v.OrderID).Status)

	h, d = dialectHarness(t, "v1-tng")
	v = pendingOrder(h, "GENERAL")
	withPartner := d
	withPartner.PartnerID = dialect.Required
	a = h.notify(notificationIn(t, withPartner, "P1", v.PaymentRequestID, openapi.PaymentSuccess, "1000"))
	assert.Equal(t, "S", a.Result.ResultStatus, a.Result.ResultMessage)
	assert.Equal(t, "PAID", h.get(v.OrderID).Status)
}

// TestInquiryInEveryDialect: the merchant confirms a tradePay result by inquiryPayment and
// reads the answer in either outcome shape.
func TestInquiryInEveryDialect(t *testing.T) {
	const ok = `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentId":"P1",` +
		`"paymentAmount":{"currency":"USD","value":"1000"}`
	for _, name := range dialect.Presets() {
		for shape, answer := range map[string]string{
			"paymentStatus": ok + `,"paymentStatus":"SUCCESS"}`,
			"paymentResult": ok + `,"paymentResult":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}`,
		} {
			t.Run(name+"/"+shape, func(t *testing.T) {
				h, d := dialectHarness(t, name)
				v := pendingOrder(h, "GENERAL")
				h.wallet.answer("inquiryPayment", answer)

				status, got := h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/tradePayResult", `{"resultCode":"9000"}`)

				require.Equal(t, http.StatusOK, status, got.Error)
				assert.Equal(t, "PAID", got.Status)
				calls := h.wallet.received("inquiryPayment")
				require.Len(t, calls, 1)
				assert.Equal(t, d.PathFor(dialect.InquiryPayment), calls[0].Path)
			})
		}
	}
}

// TestPreAuthorizationInEveryDialect: a pre-authorization is asked for as the dialect does
// (its pre-authorization code, or paymentFactor.isAuthorization without a code), authorized
// by the dialect's notification, captured, captured again where the dialect allows it (under
// a dialect of one capture the wallet refuses the second and the order's totals stay as they
// were), and refunded through the dialect's refund API.
func TestPreAuthorizationInEveryDialect(t *testing.T) {
	for _, name := range dialect.Presets() {
		t.Run(name, func(t *testing.T) {
			h, d := dialectHarness(t, name)
			v := pendingOrder(h, "PREAUTH")
			pay := h.wallet.received("pay")[0].Body
			if code := d.ProductCodeFor(true); code != "" {
				assert.Equal(t, code, pay["productCode"])
				assert.Equal(t, map[string]any{"isCashierPayment": true}, pay["paymentFactor"])
			} else {
				assert.NotContains(t, pay, "productCode")
				assert.Equal(t, map[string]any{"isCashierPayment": true, "isAuthorization": true}, pay["paymentFactor"])
			}

			a := h.notify(notificationIn(t, d, "P1", v.PaymentRequestID, authorizationStatus(d), "1000"))
			require.Equal(t, "S", a.Result.ResultStatus, a.Result.ResultMessage)
			require.Equal(t, "AUTHORIZED", h.get(v.OrderID).Status)

			h.wallet.answer("capture", result("SUCCESS", "S")+`}`)
			status, got := h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/capture", `{"amount":{"currency":"USD","value":"300"},"final":false}`)
			require.Equal(t, http.StatusOK, status, got.Error)
			assert.Equal(t, usd("300"), got.PaidAmount)

			if d.AllowsSecondCapture() {
				status, got = h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/capture", `{"amount":{"currency":"USD","value":"200"}}`)
				require.Equal(t, http.StatusOK, status, got.Error)
				assert.Equal(t, usd("500"), got.PaidAmount)
			} else {
				h.wallet.answer("capture", result("PROCESS_FAIL", "F")+`}`)
				status, got = h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/capture", `{"amount":{"currency":"USD","value":"200"}}`)
				assert.Equal(t, http.StatusConflict, status)
				assert.Equal(t, "PROCESS_FAIL", got.ResultCode)
				after := h.get(v.OrderID)
				assert.Equal(t, "CAPTURED", after.Status)
				assert.Equal(t, usd("300"), after.PaidAmount, "the refused capture captured nothing")
				assert.Equal(t, usd("1000"), after.AuthorizedAmount)
			}
			assert.Len(t, h.wallet.received("capture"), 2, "the second capture is the wallet's to refuse")
			for _, c := range h.wallet.received("capture") {
				assert.Equal(t, d.PathFor(dialect.Capture), c.Path)
			}

			refundAPI := d.APIName(dialect.Refund)
			h.wallet.answer(refundAPI, result("SUCCESS", "S")+`,"refundId":"F1"}`)
			status, got = h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/refund", `{"amount":{"currency":"USD","value":"100"}}`)
			require.Equal(t, http.StatusOK, status, got.Error)
			assert.Equal(t, usd("100"), got.RefundedAmount)
			refunds := h.wallet.received(refundAPI)
			require.Len(t, refunds, 1)
			assert.Equal(t, d.PathFor(dialect.Refund), refunds[0].Path)
			assert.Equal(t, "P1", refunds[0].Body["paymentId"])
		})
	}
}

// TestStrictNotifyDefectKnowsTheDialectsFields: the defect that refuses unknown fields knows
// paymentResult where the dialect uses it, so it still accepts the dialect's own
// notification and refuses only a field it does not know.
func TestStrictNotifyDefectKnowsTheDialectsFields(t *testing.T) {
	h, d := dialectHarness(t, "v2", func(c *merchant.Config) { c.Defects = []merchant.Defect{merchant.DefectNotifyStrictFields} })
	v := pendingOrder(h, "GENERAL")
	n := notificationIn(t, d, "P1", v.PaymentRequestID, openapi.PaymentSuccess, "1000")
	a := h.notify(n)
	assert.Equal(t, "S", a.Result.ResultStatus, a.Result.ResultMessage)

	h.wallet.answer("pay", acceptPay("P2"))
	v = h.create("tradeNO", "GENERAL", "1000")
	n = notificationIn(t, d, "P2", v.PaymentRequestID, openapi.PaymentSuccess, "1000")
	n.body = n.body[:len(n.body)-1] + `,"newField":1}`
	a = h.notify(n)
	assert.Equal(t, "F", a.Result.ResultStatus)
}
