package merchant_test

import (
	"bytes"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/merchant"
	"github.com/tradepaykit/tradepaykit/internal/signing"
)

const testAppID = "2021000000000001"

// walletCall is one request the fake wallet received.
type walletCall struct {
	API    string // the path's last segment
	Path   string
	Body   map[string]any
	SigErr error // the request signature check with the merchant's public key
}

// fakeWallet answers each API from a queue of bodies (the last one repeats), signed with
// the wallet key unless signKey is swapped. It records every request.
type fakeWallet struct {
	srv *httptest.Server

	mu      sync.Mutex
	answers map[string][]string
	calls   []walletCall
	signKey *rsa.PrivateKey
}

func newFakeWallet(t *testing.T) *fakeWallet {
	f := &fakeWallet{answers: map[string][]string{}, signKey: fixtures.PrivateKey(fixtures.WalletPrivateKey)}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeWallet) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	api := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	call := walletCall{API: api, Path: r.URL.Path, SigErr: signing.Verify(fixtures.PublicKey(fixtures.MerchantPublicKey), signing.RequestMessage(r, body), r.Header.Get(signing.HeaderSignature))}
	_ = json.Unmarshal(body, &call.Body)

	f.mu.Lock()
	f.calls = append(f.calls, call)
	queue := f.answers[api]
	answer := `{"result":{"resultCode":"UNKNOWN_EXCEPTION","resultStatus":"U","resultMessage":"no answer scripted"}}`
	if len(queue) > 0 {
		answer = queue[0]
		if len(queue) > 1 {
			f.answers[api] = queue[1:]
		}
	}
	key := f.signKey
	f.mu.Unlock()

	if err := (signing.Style{}).SignResponseHeaders(w.Header(), r.Method, signing.PathOf(r), r.Header.Get(signing.HeaderClientID), []byte(answer), key, time.Now()); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(answer))
}

// answer scripts the bodies the API answers, in turn.
func (f *fakeWallet) answer(api string, bodies ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answers[api] = bodies
}

func (f *fakeWallet) signWith(key *rsa.PrivateKey) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.signKey = key
}

// received returns the calls so far, optionally only those to one API.
func (f *fakeWallet) received(api string) []walletCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []walletCall
	for _, c := range f.calls {
		if api == "" || c.API == api {
			out = append(out, c)
		}
	}
	return out
}

func result(code, status string) string {
	return `{"result":{"resultCode":"` + code + `","resultStatus":"` + status + `","resultMessage":"scripted"}`
}

func acceptPay(paymentID string) string {
	return result("ACCEPT", "A") + `,"paymentId":"` + paymentID + `","redirectActionForm":{"method":"GET","redirectUrl":"http://wallet.test/cashier/` + paymentID + `"}}`
}

func inquiry(paymentID, status, value string) string {
	return result("SUCCESS", "S") + `,"paymentId":"` + paymentID + `","paymentStatus":"` + status + `","paymentAmount":{"currency":"USD","value":"` + value + `"}}`
}

type harness struct {
	t      *testing.T
	wallet *fakeWallet
	m      *merchant.Server
	http   *http.Client
}

func newHarness(t *testing.T, mutate ...func(*merchant.Config)) *harness {
	t.Helper()
	f := newFakeWallet(t)
	cfg := merchant.Config{
		WalletURL:       f.srv.URL,
		ClientID:        fixtures.ClientID,
		PrivateKey:      fixtures.PrivateKey(fixtures.MerchantPrivateKey),
		WalletPublicKey: fixtures.PublicKey(fixtures.WalletPublicKey),
		AppID:           testAppID,
		Profile:         fixtures.DefaultWalletProfile(),
	}
	for _, m := range mutate {
		m(&cfg)
	}
	m, err := merchant.NewServer(cfg)
	require.NoError(t, err)
	require.NoError(t, m.Start("127.0.0.1:0"))
	t.Cleanup(func() { _ = m.Close() })
	return &harness{t: t, wallet: f, m: m, http: &http.Client{Timeout: 10 * time.Second}}
}

// view is the adapter's order view as a client reads it.
type view struct {
	OrderID          string `json:"orderId"`
	Status           string `json:"status"`
	PaymentID        string `json:"paymentId"`
	PaymentRequestID string `json:"paymentRequestId"`
	Amount           amount `json:"amount"`
	AuthorizedAmount amount `json:"authorizedAmount"`
	PaidAmount       amount `json:"paidAmount"`
	RefundedAmount   amount `json:"refundedAmount"`
	TradeNO          string `json:"tradeNO"`
	OrderStr         string `json:"orderStr"`
	PaymentURL       string `json:"paymentUrl"`
	// Error answers.
	Error      string `json:"error"`
	ResultCode string `json:"resultCode"`
}

type amount struct {
	Currency string `json:"currency"`
	Value    string `json:"value"`
}

func usd(v string) amount { return amount{Currency: "USD", Value: v} }

// call sends an adapter request and decodes the answer.
func (h *harness) call(method, path, body string) (int, view) {
	h.t.Helper()
	req, err := http.NewRequest(method, h.m.URL()+path, strings.NewReader(body))
	require.NoError(h.t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := h.http.Do(req)
	require.NoError(h.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(h.t, err)
	var v view
	require.NoError(h.t, json.Unmarshal(raw, &v), "answer %s", raw)
	return resp.StatusCode, v
}

// create makes an order and requires a 200.
func (h *harness) create(flow, typ, value string) view {
	h.t.Helper()
	status, v := h.call(http.MethodPost, "/conformance/orders",
		`{"flow":"`+flow+`","type":"`+typ+`","amount":{"currency":"USD","value":"`+value+`"},"title":"Charging session"}`)
	require.Equal(h.t, http.StatusOK, status, "create: %s", v.Error)
	return v
}

func (h *harness) get(orderID string) view {
	h.t.Helper()
	status, v := h.call(http.MethodGet, "/conformance/orders/"+orderID, "")
	require.Equal(h.t, http.StatusOK, status)
	return v
}

// notification is what the wallet would post; a test changes fields to break it.
type notification struct {
	body     string
	key      *rsa.PrivateKey
	clientID string
	time     time.Time
}

func newNotification(paymentID, requestID, status, value string) notification {
	return notification{
		body: `{"paymentId":"` + paymentID + `","paymentRequestId":"` + requestID + `","paymentStatus":"` + status +
			`","paymentAmount":{"currency":"USD","value":"` + value + `"},"paymentTime":"2026-01-02T03:04:05Z"}`,
		key:      fixtures.PrivateKey(fixtures.WalletPrivateKey),
		clientID: fixtures.ClientID,
		time:     time.Now(),
	}
}

type notifyAnswer struct {
	Result struct {
		ResultCode    string `json:"resultCode"`
		ResultStatus  string `json:"resultStatus"`
		ResultMessage string `json:"resultMessage"`
	} `json:"result"`
	signatureErr error
}

// notify posts n to the merchant's notify URL, signed as the wallet signs, and checks the
// merchant's answer against the merchant's public key.
func (h *harness) notify(n notification) notifyAnswer {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.m.NotifyURL(), bytes.NewReader([]byte(n.body)))
	require.NoError(h.t, err)
	require.NoError(h.t, (signing.Style{}).SignRequest(req, []byte(n.body), n.clientID, n.key, n.time))
	resp, err := h.http.Do(req)
	require.NoError(h.t, err)
	defer resp.Body.Close()
	require.Equal(h.t, http.StatusOK, resp.StatusCode, "a notification is always answered HTTP 200")
	raw, err := io.ReadAll(resp.Body)
	require.NoError(h.t, err)
	var a notifyAnswer
	require.NoError(h.t, json.Unmarshal(raw, &a), "answer %s", raw)
	a.signatureErr = signing.Verify(fixtures.PublicKey(fixtures.MerchantPublicKey),
		signing.ResponseMessage(http.MethodPost, "/v1/payments/notifyPayment", resp.Header, raw), resp.Header.Get(signing.HeaderSignature))
	return a
}
