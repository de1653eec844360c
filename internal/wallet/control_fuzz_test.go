package wallet

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// FuzzControl sends arbitrary bodies to the unsigned test control: tradePay, the notification
// scripting and the clock. Whatever the body: one of the documented statuses with a JSON
// answer (200; 400 malformed; 404 unknown payment), never a panic or a server error.
func FuzzControl(f *testing.F) {
	general := fixtures.DefaultWalletProfile().GeneralProductCode
	s, err := NewServer(Config{
		PrivateKey: fixtures.PrivateKey(fixtures.WalletPrivateKey),
		Merchants:  []Merchant{{ClientID: fixtures.ClientID, PublicKey: fixtures.PublicKey(fixtures.MerchantPublicKey), AppID: testAppID}},
	})
	if err != nil {
		f.Fatal(err)
	}
	s.url = "http://127.0.0.1:1" // cashier URLs only; notifications go to no URL
	h := s.Handler()
	// One payment, so that scripts naming it get past the lookup.
	resp, err := s.pay(fixtures.ClientID, []byte(`{"paymentRequestId":"fz-1","paymentAmount":{"currency":"USD","value":"100"},"paymentOrderTitle":"t","productCode":"`+general+`"}`))
	if err != nil {
		f.Fatal(err)
	}
	id := resp.(*openapi.PayResponse).PaymentID
	for i, seed := range []string{
		`{"tradeNO":"` + id + `","action":"CANCEL"}`,
		`{"tradeNO":"` + id + `","orderStr":"app_id=1","action":"CONFIRM"}`,
		`{"paymentUrl":"http://127.0.0.1:1/cashier/` + id + `","action":"NETWORK_ERROR","payer":"u"}`,
		`{"orderStr":"app_id=2026TESTAPP0001&biz_content=%7B%7D&sign=x","action":"CONFIRM"}`,
		`{"tradeNO":"x","action":"NOPE"}`,
		`{"paymentId":"` + id + `","action":"HOLD"}`,
		`{"paymentRequestId":"fz-1","action":"RELEASE"}`,
		`{"paymentId":"` + id + `","action":"RESEND","count":3}`,
		`{"paymentId":"` + id + `","action":"SEND","paymentStatus":"FAIL"}`,
		`{"paymentId":"nope","action":"SEND","paymentStatus":"SUCCESS"}`,
		`{"advance":"0s"}`, `{"advance":"-1h"}`, `{"advance":"2562047h"}`, `{"advance":5}`,
		`{}`, `null`, `[`, "\xff",
	} {
		f.Add(uint8(i), []byte(seed))
	}
	paths := []string{"/conformance/tradePay", "/conformance/notifications", "/conformance/clock"}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		path := paths[int(which)%len(paths)]
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusNotFound:
		default:
			t.Fatalf("POST %s %q: HTTP %d %s", path, body, rec.Code, rec.Body.Bytes())
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("POST %s %q: HTTP %d answer is not JSON: %q", path, body, rec.Code, rec.Body.Bytes())
		}
	})
}
