package merchant_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/merchant"
	"github.com/tradepaykit/tradepaykit/internal/signing"
)

// FuzzAdapterAndNotify sends arbitrary bodies to every adapter endpoint and to the notify
// endpoint of a reference merchant whose wallet is unreachable. Whatever the body, the
// merchant answers with one of the documented statuses (200, 400, 404, 409, 502; the notify
// endpoint always 200 with a result), never a 500 or a panic.
func FuzzAdapterAndNotify(f *testing.F) {
	for i, s := range []string{
		`{"flow":"orderStr","type":"GENERAL","amount":{"currency":"USD","value":"100"},"title":"t"}`,
		`{"flow":"tradeNO","type":"PREAUTH","amount":{"currency":"JPY","value":"1"}}`,
		`{"flow":"x","amount":{"currency":"USD","value":1.5}}`,
		`{"resultCode":"9000"}`, `{"amount":{"currency":"USD","value":"50"},"final":false}`,
		`{"paymentId":"p","paymentRequestId":"r","paymentAmount":{"currency":"USD","value":"100"},"paymentStatus":"SUCCESS"}`,
		`{}`, `null`, `[`, "\xff",
	} {
		f.Add(uint8(i), []byte(s))
	}
	m, err := merchant.NewServer(merchant.Config{
		WalletURL: "http://127.0.0.1:1", ClientID: fixtures.ClientID,
		PrivateKey:      fixtures.PrivateKey(fixtures.MerchantPrivateKey),
		WalletPublicKey: fixtures.PublicKey(fixtures.WalletPublicKey),
		AppID:           testAppID, Profile: fixtures.DefaultWalletProfile(),
		HTTPClient: &http.Client{Timeout: time.Second},
	})
	if err != nil {
		f.Fatal(err)
	}
	// Started only so that its URL, and so the orderStr notify_url, is known; the fuzzer
	// calls the handler in process.
	if err := m.Start("127.0.0.1:0"); err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = m.Close() })
	h := m.Handler()
	rec := httptest.NewRecorder()
	setup := httptest.NewRequest(http.MethodPost, "/conformance/orders",
		bytes.NewReader([]byte(`{"flow":"orderStr","type":"PREAUTH","amount":{"currency":"USD","value":"100"},"title":"t"}`)))
	setup.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(rec, setup)
	var created struct {
		OrderID string `json:"orderId"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &created); err != nil || created.OrderID == "" {
		f.Fatalf("setup order: HTTP %d %s", rec.Code, rec.Body.Bytes())
	}
	paths := []string{
		"/conformance/orders",
		"/conformance/orders/" + created.OrderID + "/tradePayResult",
		"/conformance/orders/" + created.OrderID + "/capture",
		"/conformance/orders/" + created.OrderID + "/cancel",
		"/conformance/orders/" + created.OrderID + "/refund",
		"/conformance/orders/nope/capture",
		merchant.NotifyPath,
	}
	walletKey := fixtures.PrivateKey(fixtures.WalletPrivateKey)
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		path := paths[int(which)%len(paths)]
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if path == merchant.NotifyPath {
			if err := (signing.Style{}).SignRequest(req, body, fixtures.ClientID, walletKey, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusBadGateway:
		default:
			t.Fatalf("POST %s %q: HTTP %d %s", path, body, rec.Code, rec.Body.Bytes())
		}
		if path == merchant.NotifyPath {
			var answer struct {
				Result struct {
					ResultStatus string `json:"resultStatus"`
				} `json:"result"`
			}
			if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &answer) != nil || answer.Result.ResultStatus == "" {
				t.Fatalf("notify %q: HTTP %d %s is not a result", body, rec.Code, rec.Body.Bytes())
			}
		}
	})
}
