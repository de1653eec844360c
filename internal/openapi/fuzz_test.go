package openapi_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// fuzzDecode checks what every request decoder promises: no panic, any refusal is an
// *openapi.Error with PARAM_ILLEGAL, and an accepted request survives a re-encoding unchanged
// and still valid (the wallet mock stores and replays what it accepted).
func fuzzDecode[T any, P interface {
	*T
	openapi.Validator
}](t *testing.T, body []byte) {
	var v T
	err := openapi.Decode(body, P(&v))
	if err != nil {
		apiErr, ok := err.(*openapi.Error)
		if !ok {
			t.Fatalf("Decode(%q): error %T %v is not an *openapi.Error", body, err, err)
		}
		if apiErr.Code != openapi.ParamIllegal {
			t.Fatalf("Decode(%q): code %s, want PARAM_ILLEGAL (%s)", body, apiErr.Code, apiErr.Message)
		}
		if apiErr.Message == "" {
			t.Fatalf("Decode(%q): PARAM_ILLEGAL without a message", body)
		}
		return
	}
	out, err := json.Marshal(&v)
	if err != nil {
		t.Fatalf("Marshal(%#v): %v", v, err)
	}
	var back T
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatalf("accepted %q, re-encoded as %s, which does not decode: %v", body, out, err)
	}
	if !reflect.DeepEqual(v, back) {
		t.Fatalf("accepted %q as %#v, re-encoded as %s, decoded back as %#v", body, v, out, back)
	}
	if err := P(&back).Validate(); err != nil {
		t.Fatalf("accepted %q, but its re-encoding %s is invalid: %v", body, out, err)
	}
}

func FuzzDecodePay(f *testing.F) {
	for _, s := range []string{
		`{"productCode":"51051000101000000011","paymentOrderTitle":"Coffee","paymentRequestId":"PR-1","paymentAmount":{"currency":"USD","value":"1000"}}`,
		`{"productCode":"P","paymentOrderTitle":"咖啡","paymentRequestId":"PR-1","paymentAmount":{"currency":"JPY","value":"1"},"paymentFactor":{"isCashierPayment":true},"paymentExpiryTime":"2026-11-21T23:56:06+08:00","order":{"orderDescription":"d"},"extendInfo":"{\"a\":1}"}`,
		`{"productCode":"P","paymentOrderTitle":"T","paymentRequestId":"PR-1","paymentAmount":{"currency":"USD","value":1000}}`,
		`{"productCode":"P","paymentOrderTitle":"T","paymentRequestId":"PR-1","paymentAmount":{"currency":"USD","value":"10.5"}}`,
		`{"productCode":"P","paymentOrderTitle":"T","paymentRequestId":"PR-1","paymentAmount":{"currency":"USD","value":"0"}}`,
		`{"productCode":"P","paymentOrderTitle":"T","paymentRequestId":"PR-1","paymentAmount":{"currency":"ABC","value":"1"},"x":[1,{"y":null}]}`,
		`{"paymentRequestId":"\ud800"}`,
		`{} {}`, `[]`, `null`, ``, "{\"a\":\"\xff\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(fuzzDecode[openapi.PayRequest])
}

func FuzzDecodeNotify(f *testing.F) {
	for _, s := range []string{
		`{"paymentId":"P-1","paymentRequestId":"PR-1","paymentAmount":{"currency":"USD","value":"1000"},"paymentStatus":"SUCCESS","paymentTime":"2026-11-21T23:56:06+08:00"}`,
		`{"paymentId":"P-1","paymentRequestId":"PR-1","paymentAmount":{"currency":"KWD","value":"0"},"paymentStatus":"FAIL","paymentFailReason":"declined"}`,
		`{"paymentId":"P-1","paymentRequestId":"PR-1","paymentAmount":{"currency":"USD","value":"1"},"paymentStatus":"AUTH_SUCCESS","extendInfo":"[]"}`,
		`{"paymentId":"P-1","paymentRequestId":"PR-1","paymentAmount":{"currency":"USD","value":"1"},"paymentStatus":"PROCESSING"}`,
		`{"paymentId":1}`, `{"paymentAmount":"1"}`, `{`, `{}x`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(fuzzDecode[openapi.NotifyPaymentRequest])
}
