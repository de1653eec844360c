package merchant_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/merchant"
)

// FuzzNotifyFaults sends arbitrary scripts to POST /conformance/notifyFaults. Whatever the
// body: 200 with at least one answer queued, or 400 with an error; never a panic or another
// status.
func FuzzNotifyFaults(f *testing.F) {
	for _, s := range []string{
		`{"paymentRequestId":"R1","answers":["HTTP_500","TIMEOUT","GARBAGE","F","U"]}`,
		`{"answers":["F"]}`, `{"answers":[]}`, `{"answers":["S"]}`, `{"answers":"F"}`,
		`{"paymentRequestId":7,"answers":["U"]}`, `{"answers":[null]}`, `{}`, `null`, `[`, "\xff",
	} {
		f.Add([]byte(s))
	}
	cfg := merchant.Config{
		WalletURL: "http://127.0.0.1:1", ClientID: fixtures.ClientID,
		PrivateKey:      fixtures.PrivateKey(fixtures.MerchantPrivateKey),
		WalletPublicKey: fixtures.PublicKey(fixtures.WalletPublicKey),
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		// A fresh merchant each time: accepted scripts pile up otherwise.
		m, err := merchant.NewServer(cfg)
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/conformance/notifyFaults", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		m.Handler().ServeHTTP(rec, req)
		var answer struct {
			Queued int    `json:"queued"`
			Error  string `json:"error"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil {
			t.Fatalf("%q: HTTP %d answer is not JSON: %q", body, rec.Code, rec.Body.Bytes())
		}
		switch {
		case rec.Code == http.StatusOK && answer.Queued < 1:
			t.Fatalf("%q: accepted but queued %d answers", body, answer.Queued)
		case rec.Code == http.StatusBadRequest && answer.Error == "":
			t.Fatalf("%q: refused without saying why", body)
		case rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest:
			t.Fatalf("%q: HTTP %d %s", body, rec.Code, rec.Body.Bytes())
		}
	})
}
