package openapi_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// wireMsg is a message body for the dialect codec tests; set and del return changed copies.
type wireMsg map[string]any

func (m wireMsg) set(k string, v any) wireMsg {
	c := wireMsg{}
	for key, val := range m {
		c[key] = val
	}
	c[k] = v
	return c
}

func (m wireMsg) del(k string) wireMsg {
	c := wireMsg{}
	for key, val := range m {
		if key != k {
			c[key] = val
		}
	}
	return c
}

func (m wireMsg) bytes(t testing.TB) []byte {
	t.Helper()
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return b
}

func preset(name string) dialect.Dialect { return dialect.MustLookup(name) }

// keysOf decodes a JSON object's top-level keys.
func keysOf(t *testing.T, b []byte) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

// requireRefused requires a PARAM_ILLEGAL *openapi.Error whose message holds want.
func requireRefused(t *testing.T, err error, want string) {
	t.Helper()
	require.Error(t, err)
	var apiErr *openapi.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, openapi.ParamIllegal, apiErr.Code)
	assert.Contains(t, apiErr.Message, want)
	assert.Equal(t, openapi.StatusFail, openapi.ResultOf(err).ResultStatus)
}

// payOf is a neutral pay request as a merchant of dialect d builds it.
func payOf(d dialect.Dialect) openapi.PayRequest {
	r := openapi.PayRequest{
		ProductCode:       d.ProductCodeFor(false),
		PaymentOrderTitle: "Coffee x2",
		PaymentRequestID:  "PR-1",
		PaymentAmount:     openapi.Amount{Currency: "USD", Value: "1000"},
		PaymentFactor:     &openapi.PaymentFactor{IsCashierPayment: true},
		PaymentNotifyURL:  "https://merchant.test" + d.PathFor(dialect.NotifyPayment),
		Order:             &openapi.Order{ReferenceOrderID: "O-1"},
	}
	if d.CarriesPartnerID() {
		r.PartnerID = "2188000000000001"
	}
	if d.RequiresAppID() {
		r.AppID = "3333010071465913"
	}
	return r
}

func TestDialectPayRoundTrip(t *testing.T) {
	for _, name := range dialect.Presets() {
		t.Run(name, func(t *testing.T) {
			d := preset(name)
			r := payOf(d)
			b, err := openapi.EncodePay(d, r)
			require.NoError(t, err)
			keys := keysOf(t, b)
			_, hasTitle := keys["paymentOrderTitle"]
			assert.Equal(t, !d.TitleInOrderDescription(), hasTitle, "paymentOrderTitle in %s", b)
			_, hasPartner := keys["partnerId"]
			assert.Equal(t, d.CarriesPartnerID(), hasPartner, "partnerId in %s", b)
			assert.Contains(t, string(b), `"value":"1000"`, "a sender writes a string")

			got, err := openapi.DecodePay(d, b)
			require.NoError(t, err)
			want := r
			if d.TitleInOrderDescription() {
				want.Order = &openapi.Order{ReferenceOrderID: "O-1", OrderDescription: "Coffee x2"}
				assert.Contains(t, string(b), `"order":{"orderDescription":"Coffee x2","referenceOrderId":"O-1"}`)
			}
			assert.Equal(t, want, got)
			assert.Equal(t, "O-1", r.Order.ReferenceOrderID, "the caller's order is not changed")
			assert.Empty(t, r.Order.OrderDescription, "the caller's order is not changed")
		})
	}
}

// kitPay and v2Pay are valid pays in the two title shapes.
var (
	kitPay = wireMsg{
		"productCode":       "51051000101000000011",
		"paymentOrderTitle": "Coffee x2",
		"paymentRequestId":  "PR-1",
		"paymentAmount":     wireMsg{"currency": "USD", "value": "1000"},
	}
	v2Pay = wireMsg{
		"appId":            "3333010071465913",
		"paymentRequestId": "PR-1",
		"paymentAmount":    wireMsg{"currency": "USD", "value": "1000"},
		"order":            wireMsg{"orderDescription": "Coffee x2"},
	}
)

func usdValue(v any) wireMsg { return wireMsg{"currency": "USD", "value": v} }

func TestDialectDecodePayAccepts(t *testing.T) {
	for _, tc := range []struct {
		name, preset string
		body         wireMsg
		check        func(t *testing.T, r openapi.PayRequest)
	}{
		{"kit", "kit", kitPay, func(t *testing.T, r openapi.PayRequest) { assert.Equal(t, "Coffee x2", r.PaymentOrderTitle) }},
		{"kit keeps an optional partnerId", "kit", kitPay.set("partnerId", "P"), func(t *testing.T, r openapi.PayRequest) { assert.Equal(t, "P", r.PartnerID) }},
		{"v1-tng ignores a partnerId", "v1-tng", kitPay.set("partnerId", "P"), func(t *testing.T, r openapi.PayRequest) { assert.Empty(t, r.PartnerID) }},
		{"v1-alipay without productCode", "v1-alipay", kitPay.set("partnerId", "P").del("productCode"), func(t *testing.T, r openapi.PayRequest) {
			assert.Empty(t, r.ProductCode, "the wallet takes its default")
		}},
		{"v2 title", "v2", v2Pay, func(t *testing.T, r openapi.PayRequest) { assert.Equal(t, "Coffee x2", r.PaymentOrderTitle) }},
		{"v2 prefers orderDescription", "v2", v2Pay.set("paymentOrderTitle", "Other"), func(t *testing.T, r openapi.PayRequest) {
			assert.Equal(t, "Coffee x2", r.PaymentOrderTitle)
		}},
		{"v2 integer value", "v2", v2Pay.set("paymentAmount", usdValue(1000)), func(t *testing.T, r openapi.PayRequest) {
			assert.Equal(t, openapi.Amount{Currency: "USD", Value: "1000"}, r.PaymentAmount)
		}},
		{"kit order description besides the title", "kit", kitPay.set("order", wireMsg{"orderDescription": "two coffees"}), func(t *testing.T, r openapi.PayRequest) {
			assert.Equal(t, "Coffee x2", r.PaymentOrderTitle)
			assert.Equal(t, "two coffees", r.Order.OrderDescription)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := openapi.DecodePay(preset(tc.preset), tc.body.bytes(t))
			require.NoError(t, err)
			tc.check(t, r)
		})
	}
}

func TestDialectDecodePayRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, preset string
		body         []byte
		msg          string
	}{
		{"v1 title under v2", "v2", kitPay.set("appId", "A").bytes(t),
			"order.orderDescription is missing: this pay carries its title in paymentOrderTitle (the shape of the kit, v1-alipay, v1-tng and v1-qi dialects); " +
				"the v2 dialect puts it in order.orderDescription"},
		{"v2 title under kit", "kit", v2Pay.set("productCode", "P").bytes(t),
			"paymentOrderTitle is missing: this pay carries its title only in order.orderDescription (the shape of the v2 dialect); the kit dialect puts it in paymentOrderTitle"},
		{"no title under kit", "kit", kitPay.del("paymentOrderTitle").bytes(t), "paymentOrderTitle is missing"},
		{"no title under v2", "v2", v2Pay.del("order").bytes(t), "order.orderDescription is missing: the v2 dialect carries the order title there"},
		{"empty order under v2", "v2", v2Pay.set("order", wireMsg{}).bytes(t), "order.orderDescription is missing"},
		{"long v2 title", "v2", v2Pay.set("order", wireMsg{"orderDescription": string(make([]rune, 257))}).bytes(t), "order.orderDescription is 257 characters"},
		{"no partnerId under v1-alipay", "v1-alipay", kitPay.bytes(t),
			"partnerId is missing: the v1-alipay dialect requires it in pay (none in the kit, v1-tng, v1-qi and v2 dialects)"},
		{"long partnerId", "v1-alipay", kitPay.set("partnerId", "123456789012345678901234567890123").bytes(t), "partnerId is 33 characters, longer than 32"},
		{"no appId under v2", "v2", v2Pay.del("appId").bytes(t), "appId is missing: the v2 dialect requires it in pay"},
		{"no productCode under v1-qi", "v1-qi", kitPay.del("productCode").bytes(t), "productCode is missing: the v1-qi dialect requires it in pay"},
		{"no productCode under kit", "kit", kitPay.del("productCode").bytes(t), "productCode is missing: the kit dialect requires it"},
		{"long productCode", "v2", v2Pay.set("productCode", "123456789012345678901234567890123").bytes(t), "productCode is 33 characters"},
		{"no request id", "v2", v2Pay.del("paymentRequestId").bytes(t), "paymentRequestId is missing"},
		{"integer value under kit", "kit", kitPay.set("paymentAmount", usdValue(1000)).bytes(t),
			`paymentAmount.value: want a string of minor units such as "1000", got the JSON number 1000; the kit dialect takes a string (a JSON integer is read under the v2 dialect only)`},
		{"fraction under v2", "v2", v2Pay.set("paymentAmount", usdValue(10.5)).bytes(t), "paymentAmount.value 10.5: an amount in minor units is an integer"},
		{"exponent under v2", "v2", []byte(`{"appId":"A","paymentRequestId":"PR-1","order":{"orderDescription":"T"},"paymentAmount":{"currency":"USD","value":1e3}}`),
			"paymentAmount.value 1e3: an amount in minor units is an integer"},
		{"negative under v2", "v2", v2Pay.set("paymentAmount", usdValue(-5)).bytes(t), "paymentAmount.value"},
		{"zero under v2", "v2", v2Pay.set("paymentAmount", usdValue(0)).bytes(t), "paymentAmount.value must be above zero"},
		{"leading zero under v2", "v2", []byte(`{"appId":"A","paymentRequestId":"PR-1","order":{"orderDescription":"T"},"paymentAmount":{"currency":"USD","value":0100}}`),
			"malformed JSON"},
		{"huge under v2", "v2", v2Pay.set("paymentAmount", usdValue(json.Number("99999999999999999999"))).bytes(t), "paymentAmount.value"},
		{"boolean value", "v2", v2Pay.set("paymentAmount", usdValue(true)).bytes(t), "paymentAmount.value: want a string of minor units, got JSON boolean"},
		{"object value", "kit", kitPay.set("paymentAmount", usdValue(wireMsg{})).bytes(t), "paymentAmount.value: want a string of minor units, got JSON object"},
		{"array value", "kit", kitPay.set("paymentAmount", usdValue([]any{})).bytes(t), "paymentAmount.value: want a string of minor units, got JSON array"},
		{"no value", "kit", kitPay.set("paymentAmount", wireMsg{"currency": "USD"}).bytes(t), "paymentAmount.value"},
		{"no amount", "v2", v2Pay.del("paymentAmount").bytes(t), "paymentAmount.currency is missing"},
		{"currency as number", "v2", v2Pay.set("paymentAmount", wireMsg{"currency": 840, "value": "1"}).bytes(t), "paymentAmount.currency: want string"},
		{"bad currency", "v2", v2Pay.set("paymentAmount", wireMsg{"currency": "XYZ", "value": "1"}).bytes(t), "paymentAmount.currency \"XYZ\" is not an ISO 4217 currency code"},
		{"request id as number", "kit", kitPay.set("paymentRequestId", 1).bytes(t), "paymentRequestId: want string"},
		{"order as array", "v2", v2Pay.set("order", []any{}).bytes(t), "order"},
		{"bad expiry", "kit", kitPay.set("paymentExpiryTime", "tomorrow").bytes(t), `paymentExpiryTime "tomorrow" is not an RFC 3339 time`},
		{"bad extendInfo", "v2", v2Pay.set("extendInfo", "not json").bytes(t), "extendInfo is not a JSON string"},
		{"not UTF-8", "kit", []byte("{\"paymentOrderTitle\":\"\xff\"}"), "body is not valid UTF-8"},
		{"two objects", "kit", append(kitPay.bytes(t), '{', '}'), "body has data after the JSON object"},
		{"not an object", "v2", []byte(`[]`), "body is not a JSON object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := openapi.DecodePay(preset(tc.preset), tc.body)
			requireRefused(t, err, tc.msg)
		})
	}
}

func TestDialectEncodeRefusals(t *testing.T) {
	noPartner := payOf(preset("v1-alipay"))
	noPartner.PartnerID = ""
	noApp := payOf(preset("v2"))
	noApp.AppID = ""
	noCode := payOf(preset("v1-qi"))
	noCode.ProductCode = ""
	noTitle := payOf(preset("kit"))
	noTitle.PaymentOrderTitle = ""
	for _, tc := range []struct {
		name, preset string
		encode       func(d dialect.Dialect) ([]byte, error)
		msg          string
	}{
		{"pay without partnerId", "v1-alipay", func(d dialect.Dialect) ([]byte, error) { return openapi.EncodePay(d, noPartner) },
			"pay: the v1-alipay dialect requires partnerId, and none is set"},
		{"pay without appId", "v2", func(d dialect.Dialect) ([]byte, error) { return openapi.EncodePay(d, noApp) },
			"pay: the v2 dialect requires appId, and none is set"},
		{"pay without productCode", "v1-qi", func(d dialect.Dialect) ([]byte, error) { return openapi.EncodePay(d, noCode) },
			"pay: the v1-qi dialect requires productCode, and none is set"},
		{"pay without title", "kit", func(d dialect.Dialect) ([]byte, error) { return openapi.EncodePay(d, noTitle) },
			"pay: no order title is set"},
		{"notification without partnerId", "v1-alipay", func(d dialect.Dialect) ([]byte, error) {
			n := notificationOf(d, openapi.PaymentSuccess)
			n.PartnerID = ""
			return openapi.EncodeNotifyPayment(d, n)
		}, "notifyPayment: the v1-alipay dialect requires partnerId"},
		{"notification without paymentCreateTime", "v2", func(d dialect.Dialect) ([]byte, error) {
			n := notificationOf(d, openapi.PaymentSuccess)
			n.PaymentCreateTime = ""
			return openapi.EncodeNotifyPayment(d, n)
		}, "notifyPayment: the v2 dialect requires paymentCreateTime, and none is set"},
		{"AUTH_SUCCESS in paymentResult", "v2", func(d dialect.Dialect) ([]byte, error) {
			return openapi.EncodeNotifyPayment(d, notificationOf(d, openapi.PaymentAuthSuccess))
		}, "notifyPayment: the v2 dialect reports outcomes in paymentResult, which cannot say AUTH_SUCCESS"},
		{"PROCESSING notified", "kit", func(d dialect.Dialect) ([]byte, error) {
			return openapi.EncodeNotifyPayment(d, notificationOf(d, openapi.PaymentProcessing))
		}, `notifyPayment: paymentStatus "PROCESSING" is not SUCCESS, FAIL or AUTH_SUCCESS`},
		{"refundApply without paymentId", "v1-alipay", func(d dialect.Dialect) ([]byte, error) {
			return openapi.EncodeRefund(d, openapi.RefundCall{RefundRequest: openapi.RefundRequest{RefundRequestID: "R-1"}, PaymentRequestID: "PR-1"})
		}, "refundApply: the v1-alipay dialect names the payment by paymentId, and none is set"},
		{"refund without ids", "v2", func(d dialect.Dialect) ([]byte, error) {
			return openapi.EncodeRefund(d, openapi.RefundCall{RefundRequest: openapi.RefundRequest{RefundRequestID: "R-1"}})
		}, "refund: neither paymentId nor paymentRequestId is set"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.encode(preset(tc.preset))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}

	d, err := dialect.Build("kit", []byte(`{"paymentTimePresence":"required"}`))
	require.NoError(t, err)
	n := notificationOf(d, openapi.PaymentSuccess)
	n.PaymentTime = ""
	_, err = openapi.EncodeNotifyPayment(d, n)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "requires paymentTime on SUCCESS")
}

// notificationOf is a neutral notification as a wallet of dialect d builds it.
func notificationOf(d dialect.Dialect, status string) openapi.Notification {
	n := openapi.Notification{NotifyPaymentRequest: openapi.NotifyPaymentRequest{
		PaymentID: "P-1", PaymentRequestID: "PR-1", PaymentAmount: openapi.Amount{Currency: "USD", Value: "1000"},
		PaymentStatus: status, PaymentCreateTime: "2026-11-21T23:50:00+08:00",
	}}
	if d.CarriesPartnerID() {
		n.PartnerID = "2188000000000001"
	}
	switch status {
	case openapi.PaymentSuccess, openapi.PaymentAuthSuccess:
		n.PaymentTime = "2026-11-21T23:56:06+08:00"
	case openapi.PaymentFail:
		n.PaymentFailReason = "the payer's balance is not enough"
		if d.NotifiesWithPaymentResult() {
			n.FailCode = openapi.UserBalanceNotEnough
		}
	}
	return n
}

func TestDialectNotifyRoundTrip(t *testing.T) {
	for _, name := range dialect.Presets() {
		d := preset(name)
		statuses := []string{openapi.PaymentSuccess, openapi.PaymentFail}
		if !d.NotifiesWithPaymentResult() {
			statuses = append(statuses, openapi.PaymentAuthSuccess)
		}
		for _, status := range statuses {
			t.Run(name+" "+status, func(t *testing.T) {
				n := notificationOf(d, status)
				b, err := openapi.EncodeNotifyPayment(d, n)
				require.NoError(t, err)
				keys := keysOf(t, b)
				_, hasStatus := keys["paymentStatus"]
				_, hasResult := keys["paymentResult"]
				assert.Equal(t, !d.NotifiesWithPaymentResult(), hasStatus, "paymentStatus in %s", b)
				assert.Equal(t, d.NotifiesWithPaymentResult(), hasResult, "paymentResult in %s", b)
				got, err := openapi.DecodeNotifyPayment(d, b)
				require.NoError(t, err)
				assert.Equal(t, n, got)
			})
		}
	}
}

func TestDialectNotifyPaymentResultShape(t *testing.T) {
	v2 := preset("v2")
	b, err := openapi.EncodeNotifyPayment(v2, notificationOf(v2, openapi.PaymentSuccess))
	require.NoError(t, err)
	assert.JSONEq(t, `{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}`, string(keysOf(t, b)["paymentResult"]))

	fail := notificationOf(v2, openapi.PaymentFail)
	fail.FailCode = ""
	b, err = openapi.EncodeNotifyPayment(v2, fail)
	require.NoError(t, err)
	assert.JSONEq(t, `{"resultCode":"PROCESS_FAIL","resultStatus":"F","resultMessage":"the payer's balance is not enough"}`, string(keysOf(t, b)["paymentResult"]))
	_, hasReason := keysOf(t, b)["paymentFailReason"]
	assert.False(t, hasReason, "the paymentResult shape carries the reason in resultMessage")
}

var (
	statusNotification = wireMsg{
		"paymentId": "P-1", "paymentRequestId": "PR-1", "paymentAmount": usdValue("1000"),
		"paymentStatus": "SUCCESS", "paymentTime": "2026-11-21T23:56:06+08:00",
	}
	resultNotification = wireMsg{
		"paymentId": "P-1", "paymentRequestId": "PR-1", "paymentAmount": usdValue("1000"),
		"paymentResult":     wireMsg{"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
		"paymentCreateTime": "2026-11-21T23:50:00+08:00", "paymentTime": "2026-11-21T23:56:06+08:00",
	}
	failResult = wireMsg{"resultCode": "USER_BALANCE_NOT_ENOUGH", "resultStatus": "F", "resultMessage": "balance"}
)

func TestDialectDecodeNotifyAccepts(t *testing.T) {
	for _, tc := range []struct {
		name, preset string
		body         wireMsg
		status       string
		reason       string
		code         openapi.Code
	}{
		{"kit SUCCESS", "kit", statusNotification, "SUCCESS", "", ""},
		{"kit FAIL", "kit", statusNotification.set("paymentStatus", "FAIL").set("paymentFailReason", "why"), "FAIL", "why", ""},
		{"kit with an agreeing paymentResult", "kit", statusNotification.set("paymentResult", resultNotification["paymentResult"]), "SUCCESS", "", ""},
		{"v2 SUCCESS", "v2", resultNotification, "SUCCESS", "", ""},
		{"v2 FAIL", "v2", resultNotification.set("paymentResult", failResult), "FAIL", "balance", "USER_BALANCE_NOT_ENOUGH"},
		{"v2 FAIL, reason beside", "v2", resultNotification.set("paymentResult", failResult.set("resultMessage", "")).set("paymentFailReason", "r"), "FAIL", "r", "USER_BALANCE_NOT_ENOUGH"},
		{"v2 success with any code", "v2", resultNotification.set("paymentResult", wireMsg{"resultCode": "OK", "resultStatus": "S"}), "SUCCESS", "", ""},
		{"v2 with an agreeing paymentStatus", "v2", resultNotification.set("paymentStatus", "SUCCESS"), "SUCCESS", "", ""},
		{"v1-tng without paymentCreateTime", "v1-tng", resultNotification.del("paymentCreateTime"), "SUCCESS", "", ""},
		{"v2 integer amount", "v2", resultNotification.set("paymentAmount", usdValue(1000)), "SUCCESS", "", ""},
		{"zero amount", "kit", statusNotification.set("paymentAmount", usdValue("0")), "SUCCESS", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, err := openapi.DecodeNotifyPayment(preset(tc.preset), tc.body.bytes(t))
			require.NoError(t, err)
			assert.Equal(t, tc.status, n.PaymentStatus)
			assert.Equal(t, tc.reason, n.PaymentFailReason)
			assert.Equal(t, tc.code, n.FailCode)
			assert.Equal(t, "USD", n.PaymentAmount.Currency)
		})
	}
}

func TestDialectDecodeNotifyRefuses(t *testing.T) {
	requiredTime, err := dialect.Build("v1-alipay", []byte(`{"paymentTimePresence":"required"}`))
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		d    dialect.Dialect
		body wireMsg
		msg  string
	}{
		{"paymentStatus under v2", preset("v2"), statusNotification.set("paymentCreateTime", "2026-11-21T23:50:00+08:00"),
			"this notification reports the outcome in paymentStatus (the shape of the kit, v1-alipay and v1-qi dialects); " +
				"the v2 dialect puts it in paymentResult {resultCode, resultStatus, resultMessage}"},
		{"paymentStatus under v1-tng", preset("v1-tng"), statusNotification, "the v1-tng dialect puts it in paymentResult"},
		{"paymentResult under kit", preset("kit"), resultNotification,
			"this notification reports the outcome in paymentResult (the shape of the v1-tng and v2 dialects); " +
				"the kit dialect puts it in paymentStatus (SUCCESS, FAIL or AUTH_SUCCESS)"},
		{"paymentResult under v1-alipay", preset("v1-alipay"), resultNotification.set("partnerId", "P"), "the v1-alipay dialect puts it in paymentStatus"},
		{"no outcome under v2", preset("v2"), resultNotification.del("paymentResult"), "paymentResult is missing: the v2 dialect reports the outcome in paymentResult"},
		{"no outcome under kit", preset("kit"), statusNotification.del("paymentStatus"), "paymentStatus is missing"},
		{"null paymentResult", preset("v2"), resultNotification.set("paymentResult", nil), "paymentResult is missing"},
		{"paymentResult U", preset("v2"), resultNotification.set("paymentResult", failResult.set("resultStatus", "U")),
			`paymentResult.resultStatus "U": a notification reports a final outcome, S or F`},
		{"paymentResult without code", preset("v2"), resultNotification.set("paymentResult", wireMsg{"resultStatus": "S"}), "paymentResult.resultCode is missing"},
		{"paymentResult without status", preset("v2"), resultNotification.set("paymentResult", wireMsg{"resultCode": "SUCCESS"}), "paymentResult.resultStatus is missing"},
		{"paymentResult as string", preset("v2"), resultNotification.set("paymentResult", "S"), "paymentResult"},
		{"v2 contradicting paymentStatus", preset("v2"), resultNotification.set("paymentResult", failResult).set("paymentStatus", "SUCCESS"),
			`paymentStatus "SUCCESS" contradicts paymentResult.resultStatus F`},
		{"kit contradicting paymentResult", preset("kit"), statusNotification.set("paymentResult", failResult),
			`paymentStatus SUCCESS contradicts paymentResult.resultStatus "F"`},
		{"kit with a broken paymentResult", preset("kit"), statusNotification.set("paymentResult", wireMsg{}), "paymentResult.resultCode is missing"},
		{"PROCESSING", preset("kit"), statusNotification.set("paymentStatus", "PROCESSING"), `paymentStatus "PROCESSING" is not SUCCESS, FAIL or AUTH_SUCCESS`},
		{"no partnerId under v1-alipay", preset("v1-alipay"), statusNotification,
			"partnerId is missing: the v1-alipay dialect requires it in notifyPayment"},
		{"no paymentCreateTime under v2", preset("v2"), resultNotification.del("paymentCreateTime"),
			"paymentCreateTime is missing: the v2 dialect requires it in notifyPayment"},
		{"no paymentTime where required", requiredTime, statusNotification.set("partnerId", "P").del("paymentTime"),
			"paymentTime is missing: the v1-alipay with overrides dialect requires it in a SUCCESS notification"},
		{"bad paymentTime", preset("kit"), statusNotification.set("paymentTime", "now"), `paymentTime "now" is not an RFC 3339 time`},
		{"bad paymentCreateTime", preset("v2"), resultNotification.set("paymentCreateTime", "then"), `paymentCreateTime "then" is not an RFC 3339 time`},
		{"bad extendInfo", preset("v2"), resultNotification.set("extendInfo", "{"), "extendInfo is not a JSON string"},
		{"no paymentId", preset("v2"), resultNotification.del("paymentId"), "paymentId is missing"},
		{"no paymentRequestId", preset("kit"), statusNotification.del("paymentRequestId"), "paymentRequestId is missing"},
		{"integer amount under kit", preset("kit"), statusNotification.set("paymentAmount", usdValue(1000)), "the kit dialect takes a string"},
		{"no amount", preset("v2"), resultNotification.del("paymentAmount"), "paymentAmount.currency is missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := openapi.DecodeNotifyPayment(tc.d, tc.body.bytes(t))
			requireRefused(t, err, tc.msg)
		})
	}
}

// TestDialectNotifyOutcomeOnly: a notification consistent in ids, outcome and amount settles
// an order whatever its optional fields; the full decoder still says what is wrong.
func TestDialectNotifyOutcomeOnly(t *testing.T) {
	v2 := preset("v2")
	body := resultNotification.del("paymentCreateTime").set("extendInfo", "{").set("paymentTime", "now").bytes(t)
	n, err := openapi.DecodeNotifyPaymentOutcome(v2, body)
	require.NoError(t, err)
	assert.Equal(t, openapi.PaymentSuccess, n.PaymentStatus)
	_, err = openapi.DecodeNotifyPayment(v2, body)
	requireRefused(t, err, "paymentCreateTime is missing")

	alipay := preset("v1-alipay")
	n, err = openapi.DecodeNotifyPaymentOutcome(alipay, statusNotification.bytes(t))
	require.NoError(t, err, "partnerId does not settle an order")
	assert.Empty(t, n.PartnerID)

	for _, tc := range []struct {
		d    dialect.Dialect
		body wireMsg
		msg  string
	}{
		{v2, statusNotification, "this notification reports the outcome in paymentStatus"},
		{v2, resultNotification.del("paymentId"), "paymentId is missing"},
		{v2, resultNotification.set("paymentAmount", usdValue("1.0")), "paymentAmount.value"},
		{alipay, resultNotification, "this notification reports the outcome in paymentResult"},
	} {
		_, err := openapi.DecodeNotifyPaymentOutcome(tc.d, tc.body.bytes(t))
		requireRefused(t, err, tc.msg)
	}
}

func TestDialectInquiryAnswer(t *testing.T) {
	ok := wireMsg{"result": wireMsg{"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"}, "paymentId": "P-1", "paymentAmount": usdValue("1000")}
	for _, tc := range []struct {
		name, preset string
		body         wireMsg
		status       string
		reason       string
	}{
		{"paymentStatus", "kit", ok.set("paymentStatus", "AUTH_SUCCESS"), "AUTH_SUCCESS", ""},
		{"paymentStatus under v2", "v2", ok.set("paymentStatus", "CANCELLED"), "CANCELLED", ""},
		{"paymentResult S under kit", "kit", ok.set("paymentResult", wireMsg{"resultCode": "SUCCESS", "resultStatus": "S"}), "SUCCESS", ""},
		{"paymentResult F", "v2", ok.set("paymentResult", failResult), "FAIL", "balance"},
		{"paymentResult F with a reason beside", "v2", ok.set("paymentResult", failResult).set("paymentFailReason", "r"), "FAIL", "r"},
		{"paymentResult U", "v1-tng", ok.set("paymentResult", wireMsg{"resultCode": "PROCESSING", "resultStatus": "U"}), "PROCESSING", ""},
		{"both agree", "v2", ok.set("paymentStatus", "FAIL").set("paymentResult", failResult), "FAIL", ""},
		{"both agree on an authorization", "v2", ok.set("paymentStatus", "AUTH_SUCCESS").set("paymentResult", wireMsg{"resultCode": "SUCCESS", "resultStatus": "S"}), "AUTH_SUCCESS", ""},
		{"both agree on processing", "kit", ok.set("paymentStatus", "PROCESSING").set("paymentResult", wireMsg{"resultCode": "X", "resultStatus": "U"}), "PROCESSING", ""},
		{"the query failed", "kit", wireMsg{"result": failResult.set("resultCode", "ORDER_NOT_EXIST")}, "", ""},
		{"integer amount under v2", "v2", ok.set("paymentStatus", "SUCCESS").set("paymentAmount", usdValue(1000)), "SUCCESS", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := openapi.DecodeInquiryPaymentResponse(preset(tc.preset), tc.body.bytes(t))
			require.NoError(t, err)
			assert.Equal(t, tc.status, r.PaymentStatus)
			assert.Equal(t, tc.reason, r.PaymentFailReason)
		})
	}
	for _, tc := range []struct {
		name, preset string
		body         wireMsg
		msg          string
	}{
		{"no status", "v2", ok, "the query succeeded but reports no payment status (neither paymentStatus nor paymentResult)"},
		{"contradiction", "v2", ok.set("paymentStatus", "SUCCESS").set("paymentResult", failResult), `paymentStatus "SUCCESS" contradicts paymentResult.resultStatus "F"`},
		{"cancelled but S", "kit", ok.set("paymentStatus", "CANCELLED").set("paymentResult", wireMsg{"resultCode": "SUCCESS", "resultStatus": "S"}), "contradicts"},
		{"paymentResult A", "v2", ok.set("paymentResult", wireMsg{"resultCode": "ACCEPT", "resultStatus": "A"}), `paymentResult.resultStatus "A" is not S, F or U`},
		{"paymentResult without code", "v2", ok.set("paymentResult", wireMsg{"resultStatus": "S"}), "paymentResult.resultCode is missing"},
		{"integer amount under kit", "kit", ok.set("paymentStatus", "SUCCESS").set("paymentAmount", usdValue(1000)), "the kit dialect takes a string"},
		{"no envelope", "kit", ok.del("result").set("paymentStatus", "SUCCESS"), "no result envelope"},
		{"not JSON", "kit", nil, "response body"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := tc.body.bytes(t)
			if tc.body == nil {
				body = []byte("<html>")
			}
			_, err := openapi.DecodeInquiryPaymentResponse(preset(tc.preset), body)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}

func TestDialectInquiryAnswerRoundTrip(t *testing.T) {
	for _, name := range dialect.Presets() {
		d := preset(name)
		for _, status := range []string{openapi.PaymentProcessing, openapi.PaymentSuccess, openapi.PaymentFail, openapi.PaymentAuthSuccess, openapi.PaymentCancelled} {
			r := openapi.InquiryPaymentResponse{
				Result: openapi.SuccessResult(), PaymentID: "P-1", PaymentRequestID: "PR-1",
				PaymentAmount: &openapi.Amount{Currency: "USD", Value: "1000"}, PaymentStatus: status,
			}
			if status == openapi.PaymentFail {
				r.PaymentFailReason = "declined"
			}
			b, err := openapi.EncodeInquiryPaymentResponse(d, r)
			require.NoError(t, err)
			_, hasResult := keysOf(t, b)["paymentResult"]
			final := status == openapi.PaymentSuccess || status == openapi.PaymentFail
			assert.Equal(t, d.NotifiesWithPaymentResult() && final, hasResult, "%s %s: %s", name, status, b)
			got, err := openapi.DecodeInquiryPaymentResponse(d, b)
			require.NoError(t, err, "%s %s: %s", name, status, b)
			assert.Equal(t, r, got, "%s %s", name, status)
			// Every dialect's reader takes every dialect's answer.
			for _, other := range dialect.Presets() {
				got, err := openapi.DecodeInquiryPaymentResponse(preset(other), b)
				require.NoError(t, err, "%s answer read under %s", name, other)
				assert.Equal(t, status, got.PaymentStatus)
			}
		}
	}
}

func TestDialectRefund(t *testing.T) {
	call := openapi.RefundCall{
		RefundRequest:    openapi.RefundRequest{RefundRequestID: "R-1", PaymentID: "P-1", RefundAmount: openapi.Amount{Currency: "USD", Value: "250"}, RefundReason: "broken cup"},
		PaymentRequestID: "PR-1",
	}
	for _, name := range dialect.Presets() {
		t.Run(name, func(t *testing.T) {
			d := preset(name)
			b, err := openapi.EncodeRefund(d, call)
			require.NoError(t, err)
			_, hasRequestID := keysOf(t, b)["paymentRequestId"]
			assert.Equal(t, d.RefundAcceptsPaymentRequestID(), hasRequestID, "%s", b)
			got, err := openapi.DecodeRefund(d, b)
			require.NoError(t, err)
			want := call
			if !d.RefundAcceptsPaymentRequestID() {
				want.PaymentRequestID = ""
			}
			assert.Equal(t, want, got)
		})
	}

	byRequestID := wireMsg{"refundRequestId": "R-1", "paymentRequestId": "PR-1", "refundAmount": usdValue("250")}
	got, err := openapi.DecodeRefund(preset("v2"), byRequestID.bytes(t))
	require.NoError(t, err)
	assert.Equal(t, "PR-1", got.PaymentRequestID)
	got, err = openapi.DecodeRefund(preset("v2"), byRequestID.set("refundAmount", usdValue(250)).bytes(t))
	require.NoError(t, err)
	assert.Equal(t, "250", got.RefundAmount.Value)

	for _, tc := range []struct {
		name, preset string
		body         wireMsg
		msg          string
	}{
		{"by paymentRequestId under v1-alipay", "v1-alipay", byRequestID,
			"paymentId is missing: this refundApply names the payment by paymentRequestId (taken only in the v2 dialect); the v1-alipay dialect requires paymentId"},
		{"by paymentRequestId under kit", "kit", byRequestID, "this refund names the payment by paymentRequestId"},
		{"no payment under kit", "kit", byRequestID.del("paymentRequestId"), "paymentId is missing"},
		{"no payment under v2", "v2", byRequestID.del("paymentRequestId"), "paymentId or paymentRequestId is required"},
		{"no refund request id", "v2", byRequestID.del("refundRequestId"), "refundRequestId is missing"},
		{"no amount", "v2", byRequestID.del("refundAmount"), "refundAmount.currency is missing"},
		{"zero", "v2", byRequestID.set("refundAmount", usdValue(0)), "refundAmount.value must be above zero"},
		{"integer under v1-qi", "v1-qi", byRequestID.set("paymentId", "P-1").set("refundAmount", usdValue(250)),
			"refundAmount.value: want a string of minor units"},
		{"long reason", "kit", byRequestID.set("paymentId", "P-1").set("refundReason", string(make([]rune, 257))), "refundReason is 257 characters"},
		{"bad extendInfo", "v2", byRequestID.set("extendInfo", "x"), "extendInfo is not a JSON string"},
		{"long paymentId", "kit", byRequestID.set("paymentId", string(make([]rune, 65))), "paymentId is 65 characters"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := openapi.DecodeRefund(preset(tc.preset), tc.body.bytes(t))
			requireRefused(t, err, tc.msg)
		})
	}
}

// TestDialectSignalsGuessTheSender: a notification written by any preset's sender points the
// probe back to that preset.
func TestDialectSignalsGuessTheSender(t *testing.T) {
	for _, name := range dialect.Presets() {
		d := preset(name)
		b, err := openapi.EncodeNotifyPayment(d, notificationOf(d, openapi.PaymentSuccess))
		require.NoError(t, err)
		g := dialect.GuessPreset(openapi.SignalsOfNotification(b))
		assert.True(t, g.Exact, name)
		assert.Contains(t, g.Presets, name)
	}
	assert.Equal(t, dialect.Signals{}, openapi.SignalsOfNotification([]byte("<html>")))
	assert.Equal(t, dialect.Signals{}, openapi.SignalsOfNotification([]byte(`{"paymentId":"P-1"}`)))
	assert.Equal(t, dialect.Signals{NotifyOutcome: dialect.OutcomePaymentStatus, PartnerID: dialect.Absent},
		openapi.SignalsOfNotification(statusNotification.set("paymentResult", nil).bytes(t)))
}

// TestDialectSignalsOfRefusal: a target refusing what the profile's dialect wrote names the
// dialect it speaks; the kit's own refusals are read as well as a foreign wallet's.
func TestDialectSignalsOfRefusal(t *testing.T) {
	for _, tc := range []struct {
		name, target, sender string // the target's preset refuses a pay in the sender's shape
		want                 []string
	}{
		{"partnerId refused as missing", "v1-alipay", "kit", []string{"v1-alipay"}},
		{"v1 title refused by v2", "v2", "kit", []string{"v2"}},
		{"appId refused by v2", "v2", "v1-qi", []string{"v2"}},
		{"v2 title refused by v1-qi", "v1-qi", "v2", []string{"kit", "v1-alipay", "v1-tng", "v1-qi"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sender := preset(tc.sender)
			r := payOf(sender)
			if tc.name == "appId refused by v2" {
				r.Order = &openapi.Order{OrderDescription: r.PaymentOrderTitle}
			}
			b, err := openapi.EncodePay(sender, r)
			require.NoError(t, err)
			_, err = openapi.DecodePay(preset(tc.target), b)
			require.Error(t, err)
			g := dialect.GuessPreset(openapi.SignalsOfRefusal(openapi.ResultOf(err)))
			assert.Equal(t, tc.want, g.Presets, "%v", err)
		})
	}
	for _, msg := range []string{"missing PartnerID", "Parameter partnerId is required"} {
		s := openapi.SignalsOfRefusal(openapi.NewResult(openapi.ParamIllegal, msg))
		assert.Equal(t, dialect.Required, s.PartnerID, msg)
	}
	assert.Equal(t, dialect.Signals{}, openapi.SignalsOfRefusal(openapi.NewResult(openapi.ProcessFail, "partnerId")),
		"only a PARAM_ILLEGAL says a field was missing")
	assert.Equal(t, dialect.Signals{}, openapi.SignalsOfRefusal(openapi.SuccessResult()))
}

func TestDialectInquiryPayment(t *testing.T) {
	for _, name := range dialect.Presets() {
		t.Run(name, func(t *testing.T) {
			d := preset(name)
			r := openapi.InquiryPaymentRequest{PaymentID: "P-1", PaymentRequestID: "PR-1", ExtendInfo: `{"k":"v"}`}
			if d.CarriesPartnerID() {
				r.PartnerID = "2188000000000001"
			}
			b, err := openapi.EncodeInquiryPayment(d, r)
			require.NoError(t, err)
			_, hasPartner := keysOf(t, b)["partnerId"]
			assert.Equal(t, d.CarriesPartnerID(), hasPartner, "%s", b)
			got, err := openapi.DecodeInquiryPayment(d, b)
			require.NoError(t, err)
			assert.Equal(t, r, got)
		})
	}
	_, err := openapi.EncodeInquiryPayment(preset("v1-alipay"), openapi.InquiryPaymentRequest{PaymentID: "P-1"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "inquiryPayment: the v1-alipay dialect requires partnerId, and none is set")
	_, err = openapi.EncodeInquiryPayment(preset("kit"), openapi.InquiryPaymentRequest{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "inquiryPayment: neither paymentId nor paymentRequestId is set")

	got, err := openapi.DecodeInquiryPayment(preset("v2"), []byte(`{"partnerId":"P","paymentRequestId":"PR-1"}`))
	require.NoError(t, err)
	assert.Empty(t, got.PartnerID, "v2 has no partnerId: a reader ignores it")

	for _, tc := range []struct {
		preset, body, msg string
	}{
		{"v1-alipay", `{"paymentId":"P-1"}`, "partnerId is missing: the v1-alipay dialect requires it in inquiryPayment"},
		{"v1-alipay", `{"partnerId":"P"}`, "paymentId or paymentRequestId is required"},
		{"kit", `{"paymentId":"P-1","extendInfo":"x"}`, "extendInfo is not a JSON string"},
		{"kit", `{"paymentId":1}`, "paymentId: want string"},
		{"v2", `{"paymentId":"P-1"} x`, "body has data after the JSON object"},
	} {
		_, err := openapi.DecodeInquiryPayment(preset(tc.preset), []byte(tc.body))
		requireRefused(t, err, tc.msg)
	}
}
