package openapi_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// fuzzDialectCodec checks what every dialect decoder promises, under every preset: no panic;
// a refusal of a request is an *openapi.Error with PARAM_ILLEGAL and a message (a response
// reader's refusal only needs a message); and what it accepts, written again by the same
// dialect's encoder, reads back unchanged (a party relays what it accepted).
func fuzzDialectCodec[T any](t *testing.T, which uint8, body []byte, request bool,
	decode func(dialect.Dialect, []byte) (T, error), encode func(dialect.Dialect, T) ([]byte, error)) {
	names := dialect.Presets()
	d := dialect.MustLookup(names[int(which)%len(names)])
	v, err := decode(d, body)
	if err != nil {
		if err.Error() == "" {
			t.Fatalf("%s: %q refused without a message", d.Preset, body)
		}
		if !request {
			return
		}
		var apiErr *openapi.Error
		if !errors.As(err, &apiErr) || apiErr.Code != openapi.ParamIllegal || apiErr.Message == "" {
			t.Fatalf("%s: %q refused with %T %v, want PARAM_ILLEGAL with a message", d.Preset, body, err, err)
		}
		return
	}
	out, err := encode(d, v)
	if err != nil {
		t.Fatalf("%s: accepted %q as %#v, which the encoder refuses: %v", d.Preset, body, v, err)
	}
	back, err := decode(d, out)
	if err != nil {
		t.Fatalf("%s: accepted %q, re-encoded as %s, which is refused: %v", d.Preset, body, out, err)
	}
	if !reflect.DeepEqual(v, back) {
		t.Fatalf("%s: accepted %q as %#v, re-encoded as %s, read back as %#v", d.Preset, body, v, out, back)
	}
}

// addForEveryPreset seeds each body once per preset.
func addForEveryPreset(f *testing.F, bodies ...string) {
	for _, b := range bodies {
		for i := range dialect.Presets() {
			f.Add(uint8(i), []byte(b))
		}
	}
}

func FuzzDialectDecodePay(f *testing.F) {
	addForEveryPreset(f,
		`{"productCode":"51051000101000000011","paymentOrderTitle":"Coffee","paymentRequestId":"PR-1","paymentAmount":{"currency":"USD","value":"1000"}}`,
		`{"partnerId":"P","productCode":"C","paymentOrderTitle":"T","paymentRequestId":"PR-1","paymentAmount":{"currency":"JPY","value":"1"},"order":{"orderDescription":"d","referenceOrderId":"O"}}`,
		`{"appId":"A","paymentRequestId":"PR-1","paymentAmount":{"currency":"USD","value":1000},"order":{"orderDescription":"咖啡"},"paymentFactor":{"isCashierPayment":true},"extendInfo":"{}"}`,
		`{"appId":"A","paymentRequestId":"PR-1","paymentAmount":{"currency":"USD","value":10.5},"order":{"orderDescription":"T"}}`,
		`{"appId":"A","paymentRequestId":"PR-1","paymentAmount":{"currency":"USD","value":-1},"order":{"orderDescription":"T"}}`,
		`{"appId":"A","paymentRequestId":"PR-1","paymentAmount":{"currency":"USD","value":null},"order":{}}`,
		`{"partnerId":"P","appId":"A","productCode":"C","paymentOrderTitle":"T","paymentRequestId":"PR-1","paymentAmount":{"currency":"KWD","value":"5"},"order":null,"paymentExpiryTime":"2026-11-21T23:56:06+08:00"}`,
		`{"PAYMENTORDERTITLE":"T","paymentRequestId":"\ud800","paymentAmount":{"currency":"USD","value":"1"},"productCode":"C","partnerId":"P"}`,
		`{}`, `[]`, `{"paymentAmount":{"value":true}}`, "{\"a\":\"\xff\"}",
	)
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		fuzzDialectCodec(t, which, body, true, openapi.DecodePay, openapi.EncodePay)
	})
}

func FuzzDialectDecodeNotify(f *testing.F) {
	addForEveryPreset(f,
		`{"paymentId":"P-1","paymentRequestId":"PR-1","paymentAmount":{"currency":"USD","value":"1000"},"paymentStatus":"SUCCESS","paymentTime":"2026-11-21T23:56:06+08:00"}`,
		`{"partnerId":"P","paymentId":"P-1","paymentRequestId":"PR-1","paymentAmount":{"currency":"USD","value":"0"},"paymentStatus":"FAIL","paymentFailReason":"r"}`,
		`{"partnerId":"P","paymentId":"P-1","paymentRequestId":"PR-1","paymentAmount":{"currency":"USD","value":"1"},"paymentStatus":"AUTH_SUCCESS","extendInfo":"[]"}`,
		`{"paymentId":"P-1","paymentRequestId":"PR-1","paymentAmount":{"currency":"USD","value":1000},"paymentCreateTime":"2026-11-21T23:50:00+08:00","paymentResult":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}`,
		`{"paymentId":"P-1","paymentRequestId":"PR-1","paymentAmount":{"currency":"USD","value":"1"},"paymentCreateTime":"2026-11-21T23:50:00+08:00","paymentResult":{"resultCode":"X","resultStatus":"F"},"paymentFailReason":"r"}`,
		`{"paymentId":"P-1","paymentRequestId":"PR-1","paymentAmount":{"currency":"USD","value":"1"},"paymentStatus":"FAIL","paymentResult":{"resultCode":"X","resultStatus":"F","resultMessage":"m"}}`,
		`{"paymentId":"P-1","paymentRequestId":"PR-1","paymentAmount":{"currency":"USD","value":"1"},"paymentStatus":"SUCCESS","paymentResult":{"resultCode":"X","resultStatus":"F"}}`,
		`{"paymentId":"P-1","paymentRequestId":"PR-1","paymentAmount":{"currency":"USD","value":"1"},"paymentResult":{"resultCode":"X","resultStatus":"U"}}`,
		`{"paymentResult":"S"}`, `{"paymentId":1}`, `{`,
	)
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		fuzzDialectCodec(t, which, body, true, openapi.DecodeNotifyPayment, openapi.EncodeNotifyPayment)
	})
}

func FuzzDialectDecodeInquiryAnswer(f *testing.F) {
	addForEveryPreset(f,
		`{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentId":"P-1","paymentAmount":{"currency":"USD","value":"1000"},"paymentStatus":"SUCCESS"}`,
		`{"result":{"resultCode":"SUCCESS","resultStatus":"S"},"paymentId":"P-1","paymentAmount":{"currency":"USD","value":1000},"paymentResult":{"resultCode":"X","resultStatus":"F","resultMessage":"m"}}`,
		`{"result":{"resultCode":"SUCCESS","resultStatus":"S"},"paymentResult":{"resultCode":"X","resultStatus":"U"},"authExpiryTime":"x"}`,
		`{"result":{"resultCode":"SUCCESS","resultStatus":"S"},"paymentStatus":"FAIL","paymentResult":{"resultCode":"X","resultStatus":"S"}}`,
		`{"result":{"resultCode":"ORDER_NOT_EXIST","resultStatus":"F"},"paymentStatus":"SUCCESS"}`,
		`{"result":{"resultCode":"SUCCESS","resultStatus":"S"}}`, `{"result":null}`, `<html>`, `null`,
	)
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		fuzzDialectCodec(t, which, body, false, openapi.DecodeInquiryPaymentResponse, openapi.EncodeInquiryPaymentResponse)
	})
}

func FuzzDialectDecodeRefund(f *testing.F) {
	addForEveryPreset(f,
		`{"refundRequestId":"R-1","paymentId":"P-1","refundAmount":{"currency":"USD","value":"250"},"refundReason":"broken"}`,
		`{"refundRequestId":"R-1","paymentRequestId":"PR-1","refundAmount":{"currency":"USD","value":250}}`,
		`{"refundRequestId":"R-1","paymentId":"P-1","paymentRequestId":"PR-1","refundAmount":{"currency":"JPY","value":"1"},"extendInfo":"{\"a\":1}"}`,
		`{"refundRequestId":"R-1","refundAmount":{"currency":"USD","value":"1"}}`,
		`{"refundRequestId":"R-1","paymentId":"P-1","refundAmount":{"currency":"USD","value":1.5}}`,
		`{"refundRequestId":1}`, `{} {}`,
	)
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		fuzzDialectCodec(t, which, body, true, openapi.DecodeRefund, openapi.EncodeRefund)
	})
}

func FuzzDialectDecodeInquiryPayment(f *testing.F) {
	addForEveryPreset(f,
		`{"paymentId":"P-1"}`, `{"partnerId":"P","paymentRequestId":"PR-1","extendInfo":"{}"}`,
		`{"partnerId":"P","paymentId":"P-1","paymentRequestId":"PR-1"}`, `{"partnerId":"123456789012345678901234567890123","paymentId":"P"}`,
		`{}`, `{"paymentId":null}`, `[1]`,
	)
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		fuzzDialectCodec(t, which, body, true, openapi.DecodeInquiryPayment, openapi.EncodeInquiryPayment)
	})
}
