package wallet

import (
	"encoding/json"
	"testing"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

var fuzzAPIs = []string{"pay", "inquiryPayment", "cancel", "capture", "refund", "inquiryRefund"}

// FuzzWalletAPI sends correctly signed but arbitrary bodies to every OpenAPI endpoint of the
// wallet mock. Whatever the body: HTTP 200, a signed answer, a result with a known code, and a
// refusal (F) changes nothing.
func FuzzWalletAPI(f *testing.F) {
	general := fixtures.DefaultWalletProfile().GeneralProductCode
	seeds := []string{
		payBody("f-1", "100", "", false),
		payBody("f-1", "10.5", "", false),
		payBody("f-1", "-1", "", true),
		`{"paymentRequestId":"f-2","paymentAmount":{"currency":"XXX","value":"1"},"paymentOrderTitle":"t","productCode":"` + general + `"}`,
		`{"paymentId":"x"}`, `{"paymentRequestId":"f-1"}`, `{}`, `[]`, `null`, `{"a":`, "\xff\xfe",
		`{"captureRequestId":"c","paymentId":"p","captureAmount":{"currency":"USD","value":"1"}}`,
		`{"refundRequestId":"r","paymentId":"p","refundAmount":{"currency":"USD","value":"01"}}`,
		`{"refundId":"r"}`,
	}
	for i, s := range seeds {
		f.Add(uint8(i), []byte(s))
	}
	s, err := NewServer(Config{
		PrivateKey: fixtures.PrivateKey(fixtures.WalletPrivateKey),
		Merchants:  []Merchant{{ClientID: fixtures.ClientID, PublicKey: fixtures.PublicKey(fixtures.MerchantPublicKey), AppID: testAppID}},
	})
	if err != nil {
		f.Fatal(err)
	}
	s.url = "http://127.0.0.1:1" // cashier URLs only; nothing is sent
	handlers := s.apiHandlers()
	// The fuzzer calls the handlers behind the signature check: signing every input would
	// cost it most of its speed, and TestSignatureAndClientChecks covers that layer.
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		api := fuzzAPIs[int(which)%len(fuzzAPIs)]
		before := s.recordCount()
		resp, err := handlers[api](fixtures.ClientID, body)
		var result openapi.Result
		if err != nil {
			result = openapi.ResultOf(err)
		} else {
			raw, merr := json.Marshal(resp)
			if merr != nil {
				t.Fatalf("%s %q: answer does not marshal: %v", api, body, merr)
			}
			var env struct {
				Result openapi.Result `json:"result"`
			}
			if uerr := json.Unmarshal(raw, &env); uerr != nil {
				t.Fatalf("%s %q: answer %s has no result: %v", api, body, raw, uerr)
			}
			result = env.Result
		}
		status, known := openapi.StatusOf(result.ResultCode)
		if !known || status != result.ResultStatus || result.ResultMessage == "" {
			t.Fatalf("%s %q: result %+v is not a known code with its status and a message", api, body, result)
		}
		if result.ResultCode == openapi.UnknownException {
			t.Fatalf("%s %q: UNKNOWN_EXCEPTION is an internal error: %s", api, body, result.ResultMessage)
		}
		after := s.recordCount()
		if result.ResultStatus == openapi.StatusFail && after != before {
			t.Fatalf("%s %q: refused with %s but created something", api, body, result.ResultCode)
		}
	})
}
