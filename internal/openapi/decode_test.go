package openapi_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// obj is a request body under construction; with and without return changed copies so each
// case starts from a valid body.
type obj map[string]any

func (o obj) with(k string, v any) obj {
	c := obj{}
	for key, val := range o {
		c[key] = val
	}
	c[k] = v
	return c
}

func (o obj) without(k string) obj {
	c := obj{}
	for key, val := range o {
		if key != k {
			c[key] = val
		}
	}
	return c
}

func (o obj) body(t testing.TB) []byte {
	t.Helper()
	b, err := json.Marshal(o)
	require.NoError(t, err)
	return b
}

func usd(v string) obj { return obj{"currency": "USD", "value": v} }

var (
	validPay = obj{
		"productCode":       "51051000101000000011",
		"paymentOrderTitle": "Coffee x2",
		"paymentRequestId":  "PR-1",
		"paymentAmount":     usd("1000"),
	}
	validNotify = obj{
		"paymentId":        "P-1",
		"paymentRequestId": "PR-1",
		"paymentAmount":    usd("1000"),
		"paymentStatus":    "SUCCESS",
	}
	validInquiryPayment = obj{"paymentId": "P-1"}
	validCancel         = obj{"paymentRequestId": "PR-1"}
	validCapture        = obj{"captureRequestId": "C-1", "paymentId": "P-1"}
	validRefund         = obj{"refundRequestId": "R-1", "paymentId": "P-1", "refundAmount": usd("250")}
	validInquiryRefund  = obj{"refundId": "RF-1"}
)

// requestType names a request body type and makes a fresh value to decode into.
type requestType struct {
	name  string
	new   func() openapi.Validator
	valid obj
}

var requestTypes = []requestType{
	{"pay", func() openapi.Validator { return &openapi.PayRequest{} }, validPay},
	{"notifyPayment", func() openapi.Validator { return &openapi.NotifyPaymentRequest{} }, validNotify},
	{"inquiryPayment", func() openapi.Validator { return &openapi.InquiryPaymentRequest{} }, validInquiryPayment},
	{"cancel", func() openapi.Validator { return &openapi.CancelRequest{} }, validCancel},
	{"capture", func() openapi.Validator { return &openapi.CaptureRequest{} }, validCapture},
	{"refund", func() openapi.Validator { return &openapi.RefundRequest{} }, validRefund},
	{"inquiryRefund", func() openapi.Validator { return &openapi.InquiryRefundRequest{} }, validInquiryRefund},
}

func typeNamed(t testing.TB, name string) requestType {
	t.Helper()
	for _, rt := range requestTypes {
		if rt.name == name {
			return rt
		}
	}
	t.Fatalf("no request type %q", name)
	return requestType{}
}

// requireParamIllegal decodes body and requires a PARAM_ILLEGAL *openapi.Error whose message
// holds want.
func requireParamIllegal(t *testing.T, rt requestType, body []byte, want string) {
	t.Helper()
	err := openapi.Decode(body, rt.new())
	require.Error(t, err, "%s accepted %s", rt.name, body)
	var apiErr *openapi.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, openapi.ParamIllegal, apiErr.Code)
	assert.Contains(t, apiErr.Message, want)
	assert.Equal(t, openapi.StatusFail, openapi.ResultOf(err).ResultStatus)
}

func TestDecodeValidBodies(t *testing.T) {
	for _, rt := range requestTypes {
		t.Run(rt.name, func(t *testing.T) {
			assert.NoError(t, openapi.Decode(rt.valid.body(t), rt.new()))
		})
	}
}

func TestDecodePayFields(t *testing.T) {
	body := `{
		"partnerId": "2188000000000001",
		"appId": "3333010071465913",
		"productCode": "51051000101000000011",
		"paymentOrderTitle": "咖啡 x2",
		"paymentRequestId": "PR-1",
		"paymentAmount": {"currency": "USD", "value": "1000"},
		"paymentFactor": {"isCashierPayment": true},
		"paymentExpiryTime": "2026-11-21T23:56:06+08:00",
		"paymentRedirectUrl": "https://merchant.test/return",
		"paymentNotifyUrl": "https://merchant.test/v1/payments/notifyPayment",
		"order": {"orderDescription": "two coffees", "referenceOrderId": "O-1"},
		"extendInfo": "{\"channel\":\"miniprogram\"}"
	}`
	var got openapi.PayRequest
	require.NoError(t, openapi.Decode([]byte(body), &got))
	assert.Equal(t, openapi.PayRequest{
		PartnerID:          "2188000000000001",
		AppID:              "3333010071465913",
		ProductCode:        "51051000101000000011",
		PaymentOrderTitle:  "咖啡 x2",
		PaymentRequestID:   "PR-1",
		PaymentAmount:      openapi.Amount{Currency: "USD", Value: "1000"},
		PaymentFactor:      &openapi.PaymentFactor{IsCashierPayment: true},
		PaymentExpiryTime:  "2026-11-21T23:56:06+08:00",
		PaymentRedirectURL: "https://merchant.test/return",
		PaymentNotifyURL:   "https://merchant.test/v1/payments/notifyPayment",
		Order:              &openapi.Order{OrderDescription: "two coffees", ReferenceOrderID: "O-1"},
		ExtendInfo:         `{"channel":"miniprogram"}`,
	}, got)
}

func TestDecodeRequiredFields(t *testing.T) {
	for _, tc := range []struct {
		typ, field, msg string
	}{
		{"pay", "paymentRequestId", "paymentRequestId is missing"},
		{"pay", "paymentOrderTitle", "paymentOrderTitle is missing"},
		{"pay", "productCode", "productCode is missing"},
		{"pay", "paymentAmount", "paymentAmount.currency is missing"},
		{"notifyPayment", "paymentId", "paymentId is missing"},
		{"notifyPayment", "paymentRequestId", "paymentRequestId is missing"},
		{"notifyPayment", "paymentStatus", "paymentStatus is missing"},
		{"notifyPayment", "paymentAmount", "paymentAmount.currency is missing"},
		{"inquiryPayment", "paymentId", "paymentId or paymentRequestId is required"},
		{"cancel", "paymentRequestId", "paymentId or paymentRequestId is required"},
		{"capture", "captureRequestId", "captureRequestId is missing"},
		{"capture", "paymentId", "paymentId is missing"},
		{"refund", "refundRequestId", "refundRequestId is missing"},
		{"refund", "paymentId", "paymentId is missing"},
		{"refund", "refundAmount", "refundAmount.currency is missing"},
		{"inquiryRefund", "refundId", "refundId or refundRequestId is required"},
	} {
		rt := typeNamed(t, tc.typ)
		t.Run(tc.typ+" without "+tc.field, func(t *testing.T) {
			requireParamIllegal(t, rt, rt.valid.without(tc.field).body(t), tc.msg)
		})
		// An empty string or a null is as good as absent.
		empty := any("")
		if strings.HasSuffix(tc.field, "Amount") {
			empty = obj{}
		}
		t.Run(tc.typ+" with empty "+tc.field, func(t *testing.T) {
			requireParamIllegal(t, rt, rt.valid.with(tc.field, empty).body(t), tc.msg)
		})
		t.Run(tc.typ+" with null "+tc.field, func(t *testing.T) {
			requireParamIllegal(t, rt, rt.valid.with(tc.field, nil).body(t), tc.msg)
		})
	}
}

func TestDecodeOneIDIsEnough(t *testing.T) {
	for _, tc := range []struct {
		typ  string
		body obj
	}{
		{"inquiryPayment", obj{"paymentId": "P-1"}},
		{"inquiryPayment", obj{"paymentRequestId": "PR-1"}},
		{"inquiryPayment", obj{"paymentId": "P-1", "paymentRequestId": "PR-1"}},
		{"cancel", obj{"paymentId": "P-1"}},
		{"cancel", obj{"paymentRequestId": "PR-1"}},
		{"inquiryRefund", obj{"refundId": "RF-1"}},
		{"inquiryRefund", obj{"refundRequestId": "R-1"}},
	} {
		rt := typeNamed(t, tc.typ)
		assert.NoError(t, openapi.Decode(tc.body.body(t), rt.new()), "%s %v", tc.typ, tc.body)
	}
}

func TestDecodeWrongTypes(t *testing.T) {
	for _, tc := range []struct {
		typ, name string
		body      obj
		msg       string
	}{
		{"pay", "value as number", validPay.with("paymentAmount", obj{"currency": "USD", "value": 1000}), "paymentAmount.value: want string, got JSON number"},
		{"pay", "value as float number", validPay.with("paymentAmount", obj{"currency": "USD", "value": 10.5}), "paymentAmount.value"},
		{"pay", "currency as number", validPay.with("paymentAmount", obj{"currency": 840, "value": "1000"}), "paymentAmount.currency"},
		{"pay", "amount as string", validPay.with("paymentAmount", "1000 USD"), "paymentAmount"},
		{"pay", "amount as array", validPay.with("paymentAmount", []any{"USD", "1000"}), "paymentAmount"},
		{"pay", "request id as number", validPay.with("paymentRequestId", 123), "paymentRequestId: want string"},
		{"pay", "title as bool", validPay.with("paymentOrderTitle", true), "paymentOrderTitle"},
		{"pay", "cashier flag as string", validPay.with("paymentFactor", obj{"isCashierPayment": "true"}), "paymentFactor.isCashierPayment"},
		{"pay", "order as array", validPay.with("order", []any{}), "order"},
		{"pay", "extendInfo as object", validPay.with("extendInfo", obj{"a": 1}), "extendInfo"},
		{"notifyPayment", "value as number", validNotify.with("paymentAmount", obj{"currency": "USD", "value": 1000}), "paymentAmount.value"},
		{"notifyPayment", "status as number", validNotify.with("paymentStatus", 1), "paymentStatus"},
		{"capture", "last capture as string", validCapture.with("isLastCapture", "yes"), "isLastCapture"},
		{"capture", "value as number", validCapture.with("captureAmount", obj{"currency": "USD", "value": 5}), "captureAmount.value"},
		{"refund", "value as number", validRefund.with("refundAmount", obj{"currency": "USD", "value": 5}), "refundAmount.value"},
		{"inquiryPayment", "id as number", obj{"paymentId": 1}, "paymentId"},
		{"inquiryRefund", "id as object", obj{"refundId": obj{}}, "refundId"},
	} {
		rt := typeNamed(t, tc.typ)
		t.Run(tc.typ+" "+tc.name, func(t *testing.T) {
			requireParamIllegal(t, rt, tc.body.body(t), tc.msg)
		})
	}
}

func TestDecodeAmounts(t *testing.T) {
	type amountField struct{ typ, field string }
	positive := []amountField{{"pay", "paymentAmount"}, {"capture", "captureAmount"}, {"refund", "refundAmount"}}
	all := append([]amountField{{"notifyPayment", "paymentAmount"}}, positive...)

	for _, f := range all {
		rt := typeNamed(t, f.typ)
		for _, tc := range []struct {
			name   string
			amount obj
			msg    string
		}{
			{"decimal value", usd("10.5"), f.field + ".value"},
			{"negative value", usd("-1"), f.field + ".value"},
			{"leading zero", usd("0100"), f.field + ".value"},
			{"exponent", usd("1e3"), f.field + ".value"},
			{"spaces", usd(" 100"), f.field + ".value"},
			{"19 digits", usd("1000000000000000000"), f.field + ".value"},
			{"empty value", usd(""), f.field + ".value"},
			{"no value", obj{"currency": "USD"}, f.field + ".value"},
			{"unknown currency", obj{"currency": "ABC", "value": "100"}, f.field + ".currency \"ABC\" is not an ISO 4217"},
			{"lower-case currency", obj{"currency": "usd", "value": "100"}, f.field + ".currency"},
			{"no currency", obj{"value": "100"}, f.field + ".currency is missing"},
		} {
			t.Run(f.typ+" "+tc.name, func(t *testing.T) {
				requireParamIllegal(t, rt, rt.valid.with(f.field, tc.amount).body(t), tc.msg)
			})
		}
	}

	for _, f := range positive {
		rt := typeNamed(t, f.typ)
		t.Run(f.typ+" zero", func(t *testing.T) {
			requireParamIllegal(t, rt, rt.valid.with(f.field, usd("0")).body(t), f.field+".value must be above zero")
		})
		t.Run(f.typ+" one minor unit", func(t *testing.T) {
			assert.NoError(t, openapi.Decode(rt.valid.with(f.field, usd("1")).body(t), rt.new()))
		})
		t.Run(f.typ+" 18 digits", func(t *testing.T) {
			assert.NoError(t, openapi.Decode(rt.valid.with(f.field, usd("999999999999999999")).body(t), rt.new()))
		})
	}

	// A notification may report a zero amount: only pay, capture and refund must be positive.
	assert.NoError(t, openapi.Decode(validNotify.with("paymentAmount", usd("0")).body(t), &openapi.NotifyPaymentRequest{}))
	// captureAmount is optional: omitted means the full amount.
	var c openapi.CaptureRequest
	require.NoError(t, openapi.Decode(validCapture.body(t), &c))
	assert.Nil(t, c.CaptureAmount)
	assert.Nil(t, c.IsLastCapture)
}

func TestDecodeBody(t *testing.T) {
	pay := typeNamed(t, "pay")
	valid := validPay.body(t)
	for _, tc := range []struct {
		name string
		body []byte
		msg  string
	}{
		{"invalid UTF-8 in a string", []byte(`{"paymentOrderTitle":"caf` + "\xe9" + `"}`), "not valid UTF-8"},
		{"invalid UTF-8 outside strings", append([]byte{0xff}, valid...), "not valid UTF-8"},
		{"trailing object", append(append([]byte{}, valid...), `{}`...), "data after the JSON object"},
		{"trailing garbage", append(append([]byte{}, valid...), `x`...), "data after the JSON object"},
		{"trailing bracket", append(append([]byte{}, valid...), `]`...), "data after the JSON object"},
		{"two objects", append(append(append([]byte{}, valid...), '\n'), valid...), "data after the JSON object"},
		{"empty", []byte(``), "not a JSON object"},
		{"blank", []byte(" \n\t "), "not a JSON object"},
		{"null", []byte(`null`), "not a JSON object"},
		{"array", []byte(`[` + string(valid) + `]`), "not a JSON object"},
		{"string", []byte(`"pay"`), "not a JSON object"},
		{"number", []byte(`1000`), "not a JSON object"},
		{"byte order mark", append([]byte("\xef\xbb\xbf"), valid...), "not a JSON object"},
		{"unterminated", valid[:len(valid)-1], "malformed JSON"},
		{"single quotes", []byte(`{'paymentRequestId':'PR-1'}`), "malformed JSON"},
		{"trailing comma", []byte(`{"paymentRequestId":"PR-1",}`), "malformed JSON"},
		{"too large", append(append([]byte{}, valid...), []byte(strings.Repeat(" ", openapi.MaxBodyBytes))...), "larger than 65536 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requireParamIllegal(t, pay, tc.body, tc.msg)
		})
	}

	t.Run("surrounding whitespace", func(t *testing.T) {
		assert.NoError(t, openapi.Decode([]byte("\r\n "+string(valid)+" \n"), &openapi.PayRequest{}))
	})
	t.Run("exactly the size limit", func(t *testing.T) {
		body := append(append([]byte{}, valid...), []byte(strings.Repeat(" ", openapi.MaxBodyBytes-len(valid)))...)
		require.Len(t, body, openapi.MaxBodyBytes)
		assert.NoError(t, openapi.Decode(body, &openapi.PayRequest{}))
	})
}

func TestDecodeLengths(t *testing.T) {
	for _, tc := range []struct {
		typ, field string
		max        int
	}{
		{"pay", "paymentRequestId", 64},
		{"pay", "paymentOrderTitle", 256},
		{"pay", "productCode", 32},
		{"pay", "partnerId", 32},
		{"pay", "appId", 32},
		{"pay", "paymentRedirectUrl", 1024},
		{"pay", "paymentNotifyUrl", 1024},
		{"notifyPayment", "paymentId", 64},
		{"notifyPayment", "paymentRequestId", 64},
		{"notifyPayment", "paymentFailReason", 256},
		{"inquiryPayment", "paymentId", 64},
		{"inquiryPayment", "paymentRequestId", 64},
		{"cancel", "paymentId", 64},
		{"cancel", "paymentRequestId", 64},
		{"capture", "captureRequestId", 64},
		{"capture", "paymentId", 64},
		{"refund", "refundRequestId", 64},
		{"refund", "paymentId", 64},
		{"refund", "refundReason", 256},
		{"inquiryRefund", "refundId", 64},
		{"inquiryRefund", "refundRequestId", 64},
	} {
		rt := typeNamed(t, tc.typ)
		t.Run(tc.typ+" "+tc.field, func(t *testing.T) {
			// Lengths count characters, not bytes: the limit holds for CJK text too.
			for _, ch := range []string{"a", "付"} {
				atMax := rt.valid.with(tc.field, strings.Repeat(ch, tc.max))
				assert.NoError(t, openapi.Decode(atMax.body(t), rt.new()), "%d × %q", tc.max, ch)

				over := rt.valid.with(tc.field, strings.Repeat(ch, tc.max+1))
				requireParamIllegal(t, rt, over.body(t), tc.field)
			}
		})
	}

	pay := typeNamed(t, "pay")
	requireParamIllegal(t, pay, validPay.with("paymentRequestId", strings.Repeat("x", 65)).body(t),
		"paymentRequestId is 65 characters, longer than 64")
	requireParamIllegal(t, pay, validPay.with("paymentOrderTitle", strings.Repeat("x", 257)).body(t),
		"paymentOrderTitle is 257 characters, longer than 256")
}

func TestDecodeExtendInfo(t *testing.T) {
	for _, typ := range []string{"pay", "notifyPayment", "capture", "refund"} {
		rt := typeNamed(t, typ)
		t.Run(typ, func(t *testing.T) {
			assert.NoError(t, openapi.Decode(rt.valid.with("extendInfo", `{"k":"v"}`).body(t), rt.new()))
			requireParamIllegal(t, rt, rt.valid.with("extendInfo", "not json").body(t), "extendInfo is not a JSON string")
			requireParamIllegal(t, rt, rt.valid.with("extendInfo", `{"k":`).body(t), "extendInfo")

			long := `{"k":"` + strings.Repeat("x", 4096) + `"}`
			requireParamIllegal(t, rt, rt.valid.with("extendInfo", long).body(t), "extendInfo is 4104 characters, longer than 4096")
		})
	}
}

func TestDecodeTimes(t *testing.T) {
	pay := typeNamed(t, "pay")
	notify := typeNamed(t, "notifyPayment")
	for _, good := range []string{
		"2026-11-21T23:56:06+08:00", "2026-11-21T15:56:06Z", "2026-11-21T15:56:06.5Z",
	} {
		assert.NoError(t, openapi.Decode(validPay.with("paymentExpiryTime", good).body(t), pay.new()), good)
		assert.NoError(t, openapi.Decode(validNotify.with("paymentTime", good).body(t), notify.new()), good)
		assert.NoError(t, openapi.Decode(validNotify.with("paymentCreateTime", good).body(t), notify.new()), good)
	}
	for _, bad := range []string{
		"2026-11-21 23:56:06", "2026-11-21T23:56:06", "2026-11-21", "tomorrow", "1795276566000",
		"2026-13-01T00:00:00Z", "Sat, 21 Nov 2026 15:56:06 GMT",
	} {
		t.Run(bad, func(t *testing.T) {
			requireParamIllegal(t, pay, validPay.with("paymentExpiryTime", bad).body(t), "paymentExpiryTime")
			requireParamIllegal(t, notify, validNotify.with("paymentTime", bad).body(t), "paymentTime")
			requireParamIllegal(t, notify, validNotify.with("paymentCreateTime", bad).body(t), "paymentCreateTime")
		})
	}
}

func TestDecodePaymentStatus(t *testing.T) {
	notify := typeNamed(t, "notifyPayment")
	for _, good := range []string{openapi.PaymentSuccess, openapi.PaymentFail, openapi.PaymentAuthSuccess} {
		assert.NoError(t, openapi.Decode(validNotify.with("paymentStatus", good).body(t), notify.new()), good)
	}
	// A notification reports a final outcome: PROCESSING and CANCELLED are never notified.
	for _, bad := range []string{openapi.PaymentProcessing, openapi.PaymentCancelled, "success", "PAID"} {
		requireParamIllegal(t, notify, validNotify.with("paymentStatus", bad).body(t), "paymentStatus \""+bad+"\"")
	}
}

func TestDecodeIgnoresUnknownFields(t *testing.T) {
	for _, rt := range requestTypes {
		t.Run(rt.name, func(t *testing.T) {
			body := rt.valid.
				with("unknownField", "x").
				with("nested", obj{"deep": []any{1, "two", nil, obj{"three": true}}}).
				with("paymentMethod", obj{"paymentMethodType": "CONNECT_WALLET"}).
				body(t)
			assert.NoError(t, openapi.Decode(body, rt.new()))
		})
	}
}

func TestDecodeResponse(t *testing.T) {
	t.Run("lenient", func(t *testing.T) {
		body := `{"result":{"resultCode":"ACCEPT","resultStatus":"A","resultMessage":"accepted","extra":1},
			"paymentId":"P-1","paymentRequestId":"PR-1","somethingNew":{"a":[1]},
			"redirectActionForm":{"method":"GET","redirectionUrl":"https://wallet.test/cashier/P-1"}}`
		var got openapi.PayResponse
		require.NoError(t, openapi.DecodeResponse([]byte(body), &got))
		assert.Equal(t, openapi.NewResult(openapi.Accept, "accepted"), got.Result)
		assert.Equal(t, "P-1", got.PaymentID)
		assert.Equal(t, "https://wallet.test/cashier/P-1", got.RedirectActionForm.URL())
	})
	t.Run("result code the kit does not know", func(t *testing.T) {
		var got openapi.InquiryPaymentResponse
		require.NoError(t, openapi.DecodeResponse([]byte(`{"result":{"resultCode":"RISK_REJECT","resultStatus":"F"}}`), &got))
		assert.Equal(t, openapi.Code("RISK_REJECT"), got.Result.ResultCode)
	})
	t.Run("result message may be absent", func(t *testing.T) {
		var got openapi.NotifyPaymentResponse
		require.NoError(t, openapi.DecodeResponse([]byte(`{"result":{"resultCode":"SUCCESS","resultStatus":"S"}}`), &got))
		assert.Equal(t, openapi.StatusSuccess, got.Result.ResultStatus)
	})

	for _, tc := range []struct {
		name, body, msg string
	}{
		{"no result", `{"paymentId":"P-1"}`, "no result envelope"},
		{"null result", `{"result":null}`, "no result envelope"},
		{"empty result", `{"result":{}}`, "no resultCode or resultStatus"},
		{"no status", `{"result":{"resultCode":"SUCCESS"}}`, "no resultCode or resultStatus"},
		{"no code", `{"result":{"resultStatus":"S"}}`, "no resultCode or resultStatus"},
		{"empty body", ``, "response body"},
		{"HTML error page", `<html>502 Bad Gateway</html>`, "response body"},
		{"not an object", `[]`, "response body"},
		{"result as string", `{"result":"SUCCESS"}`, "response body"},
		{"wrong field type", `{"result":{"resultCode":"SUCCESS","resultStatus":"S"},"paymentId":1}`, "response body"},
		{"trailing data", `{"result":{"resultCode":"SUCCESS","resultStatus":"S"}}x`, "response body"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got openapi.PayResponse
			err := openapi.DecodeResponse([]byte(tc.body), &got)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}
