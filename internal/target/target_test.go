package target_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/target"
)

// recorder collects exchanges; the clients call it from the caller's goroutine, but the lock
// keeps the race detector honest if that ever changes.
type recorder struct {
	mu sync.Mutex
	xs []target.Exchange
}

func (r *recorder) add(x target.Exchange) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.xs = append(r.xs, x)
}

func (r *recorder) all() []target.Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]target.Exchange(nil), r.xs...)
}

// request is what a fake hook saw.
type request struct {
	Method, Path string
	Body         map[string]any
}

// fake answers every request with status and body, and reports what it received.
func fake(t *testing.T, status int, body string) (*httptest.Server, chan request) {
	t.Helper()
	got := make(chan request, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var m map[string]any
		if len(raw) > 0 {
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Errorf("request body is not JSON: %s", raw)
			}
		}
		got <- request{Method: r.Method, Path: r.URL.Path, Body: m}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

func newMerchant(t *testing.T, url string, rec *recorder) *target.Merchant {
	t.Helper()
	m, err := target.NewMerchant(target.Config{BaseURL: url, OnExchange: rec.add})
	require.NoError(t, err)
	return m
}

func newControl(t *testing.T, url string, rec *recorder) *target.WalletControl {
	t.Helper()
	c, err := target.NewWalletControl(target.Config{BaseURL: url, OnExchange: rec.add})
	require.NoError(t, err)
	return c
}

func TestCreateOrder(t *testing.T) {
	srv, got := fake(t, http.StatusOK, `{"orderId":"o-1","status":"PENDING","paymentId":"p-1",
		"paymentRequestId":"r-1","amount":{"currency":"USD","value":"1000"},"authorizedAmount":null,
		"paidAmount":{"currency":"USD","value":"0"},"tradeNO":"p-1"}`)
	rec := &recorder{}
	m := newMerchant(t, srv.URL+"/prefix/", rec)

	o, err := m.CreateOrder(context.Background(), target.NewOrder{
		Flow: target.FlowTradeNO, Type: target.General, Amount: money.MustNew("USD", 1000), Title: "Coffee",
	})
	require.NoError(t, err)

	req := <-got
	assert.Equal(t, http.MethodPost, req.Method)
	assert.Equal(t, "/prefix/conformance/orders", req.Path)
	assert.Equal(t, map[string]any{
		"flow": "tradeNO", "type": "GENERAL", "title": "Coffee",
		"amount": map[string]any{"currency": "USD", "value": "1000"},
	}, req.Body)

	assert.Equal(t, "o-1", o.OrderID)
	assert.Equal(t, target.OrderPending, o.Status)
	assert.Equal(t, money.MustNew("USD", 1000), o.Amount)
	assert.Equal(t, money.Amount{}, o.AuthorizedAmount, "null amount")
	assert.Equal(t, money.MustNew("USD", 0), o.PaidAmount)
	assert.Equal(t, money.Amount{}, o.RefundedAmount, "absent amount")
	assert.Equal(t, target.Token{TradeNO: "p-1"}, o.Token())

	xs := rec.all()
	require.Len(t, xs, 1)
	assert.Equal(t, http.StatusOK, xs[0].StatusCode)
	assert.Contains(t, string(xs[0].RequestBody), `"flow":"tradeNO"`)
	assert.Contains(t, xs[0].String(), "POST "+srv.URL+"/prefix/conformance/orders")
	assert.NoError(t, xs[0].Err)
}

func TestCreateOrderWithoutToken(t *testing.T) {
	srv, _ := fake(t, http.StatusOK, `{"orderId":"o-1","status":"PENDING","paymentId":"p-1"}`)
	m := newMerchant(t, srv.URL, &recorder{})
	_, err := m.CreateOrder(context.Background(), target.NewOrder{Flow: target.FlowPaymentURL, Type: target.General, Amount: money.MustNew("USD", 1)})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "carries no paymentUrl")
}

func TestStatusErrors(t *testing.T) {
	cases := []struct {
		status int
		body   string
		want   error
		msg    string
		code   string
	}{
		{http.StatusConflict, `{"error":"order is paid","resultCode":"PROCESS_FAIL"}`, target.ErrRefused, "order is paid", "PROCESS_FAIL"},
		{http.StatusBadRequest, `{"error":"amount.value: not a string"}`, target.ErrBadRequest, "amount.value: not a string", ""},
		{http.StatusBadGateway, `{"error":"wallet signature did not verify"}`, target.ErrWalletFailed, "wallet signature did not verify", ""},
		{http.StatusNotFound, `{"error":"no order o-1"}`, target.ErrNotFound, "no order o-1", ""},
		{http.StatusInternalServerError, `boom`, target.ErrUnexpectedStatus, "", ""},
	}
	for _, tc := range cases {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			srv, _ := fake(t, tc.status, tc.body)
			rec := &recorder{}
			m := newMerchant(t, srv.URL, rec)
			_, err := m.Cancel(context.Background(), "o-1")
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.want)
			var se *target.StatusError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tc.status, se.StatusCode)
			assert.Equal(t, tc.body, string(se.Body))
			assert.Equal(t, tc.msg, se.Message)
			assert.Equal(t, tc.code, se.ResultCode)
			require.Len(t, rec.all(), 1)
			assert.Equal(t, tc.status, rec.all()[0].StatusCode)
			assert.ErrorIs(t, rec.all()[0].Err, tc.want, "the record keeps the error")
		})
	}
}

func TestOrderCalls(t *testing.T) {
	view := `{"orderId":"o 1","status":"PAID","paidAmount":{"currency":"JPY","value":"500"}}`
	amt := money.MustNew("JPY", 200)
	final := false
	cases := []struct {
		name     string
		call     func(*target.Merchant) (*target.Order, error)
		method   string
		path     string
		wantBody map[string]any
	}{
		{"get", func(m *target.Merchant) (*target.Order, error) { return m.Order(context.Background(), "o 1") },
			http.MethodGet, "/conformance/orders/o 1", nil},
		{"tradePayResult", func(m *target.Merchant) (*target.Order, error) {
			return m.TradePayResult(context.Background(), "o 1", "9000")
		}, http.MethodPost, "/conformance/orders/o 1/tradePayResult", map[string]any{"resultCode": "9000"}},
		{"capture default", func(m *target.Merchant) (*target.Order, error) {
			return m.Capture(context.Background(), "o 1", nil, nil)
		}, http.MethodPost, "/conformance/orders/o 1/capture", map[string]any{}},
		{"capture part", func(m *target.Merchant) (*target.Order, error) {
			return m.Capture(context.Background(), "o 1", &amt, &final)
		}, http.MethodPost, "/conformance/orders/o 1/capture", map[string]any{
			"amount": map[string]any{"currency": "JPY", "value": "200"}, "final": false}},
		{"cancel", func(m *target.Merchant) (*target.Order, error) { return m.Cancel(context.Background(), "o 1") },
			http.MethodPost, "/conformance/orders/o 1/cancel", map[string]any{}},
		{"refund all", func(m *target.Merchant) (*target.Order, error) {
			return m.Refund(context.Background(), "o 1", nil)
		}, http.MethodPost, "/conformance/orders/o 1/refund", map[string]any{}},
		{"refund part", func(m *target.Merchant) (*target.Order, error) {
			return m.Refund(context.Background(), "o 1", &amt)
		}, http.MethodPost, "/conformance/orders/o 1/refund", map[string]any{
			"amount": map[string]any{"currency": "JPY", "value": "200"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, got := fake(t, http.StatusOK, view)
			o, err := tc.call(newMerchant(t, srv.URL, &recorder{}))
			require.NoError(t, err)
			req := <-got
			assert.Equal(t, tc.method, req.Method)
			assert.Equal(t, tc.path, req.Path)
			assert.Equal(t, tc.wantBody, req.Body)
			assert.Equal(t, target.OrderPaid, o.Status)
			assert.Equal(t, money.MustNew("JPY", 500), o.PaidAmount)
		})
	}
}

func TestOrderViewOfAnotherOrder(t *testing.T) {
	srv, _ := fake(t, http.StatusOK, `{"orderId":"o-2","status":"PAID"}`)
	_, err := newMerchant(t, srv.URL, &recorder{}).Order(context.Background(), "o-1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `got a view of "o-2"`)
}

func TestOrderViewWithFloatAmount(t *testing.T) {
	srv, _ := fake(t, http.StatusOK, `{"orderId":"o-1","status":"PAID","paidAmount":{"currency":"USD","value":10.5}}`)
	_, err := newMerchant(t, srv.URL, &recorder{}).Order(context.Background(), "o-1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not the expected JSON")
}

func TestTradePay(t *testing.T) {
	srv, got := fake(t, http.StatusOK, `{"resultCode":"6001"}`)
	rec := &recorder{}
	c := newControl(t, srv.URL, rec)
	code, err := c.TradePay(context.Background(), target.Token{OrderStr: "app_id=1&sign=x"}, target.Cancel, "")
	require.NoError(t, err)
	assert.Equal(t, "6001", code)
	req := <-got
	assert.Equal(t, "/conformance/tradePay", req.Path)
	assert.Equal(t, map[string]any{"orderStr": "app_id=1&sign=x", "action": "CANCEL"}, req.Body)
	require.Len(t, rec.all(), 1)

	srv2, got2 := fake(t, http.StatusOK, `{"resultCode":"9000"}`)
	_, err = newControl(t, srv2.URL, rec).TradePay(context.Background(), target.Token{TradeNO: "p-1"}, target.Confirm, "user-7")
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"tradeNO": "p-1", "action": "CONFIRM", "payer": "user-7"}, (<-got2).Body)
}

func TestTradePayMalformed(t *testing.T) {
	srv, _ := fake(t, http.StatusBadRequest, `{"error":"exactly one of tradeNO, orderStr, paymentUrl"}`)
	_, err := newControl(t, srv.URL, &recorder{}).TradePay(context.Background(), target.Token{}, target.Confirm, "")
	assert.ErrorIs(t, err, target.ErrBadRequest)

	srv2, _ := fake(t, http.StatusOK, `{}`)
	_, err = newControl(t, srv2.URL, &recorder{}).TradePay(context.Background(), target.Token{TradeNO: "x"}, target.Confirm, "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no resultCode")
}

func TestAdvanceClock(t *testing.T) {
	srv, got := fake(t, http.StatusOK, `{"now":"2026-03-01T10:00:00Z"}`)
	now, err := newControl(t, srv.URL, &recorder{}).AdvanceClock(context.Background(), 48*time.Hour)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), now.UTC())
	req := <-got
	assert.Equal(t, "/conformance/clock", req.Path)
	advance, err := time.ParseDuration(req.Body["advance"].(string))
	require.NoError(t, err, "advance is Go duration syntax")
	assert.Equal(t, 48*time.Hour, advance)

	_, err = newControl(t, srv.URL, &recorder{}).AdvanceClock(context.Background(), -time.Second)
	assert.Error(t, err)
}

func TestPaymentView(t *testing.T) {
	srv, got := fake(t, http.StatusOK, `{"paymentId":"p-1","paymentRequestId":"r-1","clientId":"c","type":"PREAUTH",
		"status":"SUCCESS","amount":{"currency":"KWD","value":"1500"},"notifyUrl":"http://m/notify",
		"capturedAmount":{"currency":"KWD","value":"1000"},"releasedAmount":{"currency":"KWD","value":"500"},
		"frozenAmount":{"currency":"KWD","value":"0"},"refundedAmount":{"currency":"KWD","value":"250"},
		"authExpiryTime":"2026-03-08T10:00:00Z",
		"notifications":[{"attempt":1,"at":"2026-03-01T10:00:00Z","paymentStatus":"SUCCESS","outcome":"S","resultCode":"SUCCESS"}]}`)
	p, err := newControl(t, srv.URL, &recorder{}).Payment(context.Background(), "p-1")
	require.NoError(t, err)
	assert.Equal(t, "/conformance/payments/p-1", (<-got).Path)
	assert.Equal(t, "SUCCESS", p.Status)
	assert.Equal(t, money.MustNew("KWD", 1500), p.Amount)
	assert.Equal(t, "PREAUTH", p.Type)
	assert.Equal(t, money.MustNew("KWD", 1000), p.Captured)
	assert.Equal(t, money.MustNew("KWD", 500), p.Released)
	assert.Equal(t, money.MustNew("KWD", 0), p.Frozen)
	assert.Equal(t, money.MustNew("KWD", 250), p.Refunded)
	assert.Equal(t, "2026-03-08T10:00:00Z", p.AuthExpiryTime)
	require.Len(t, p.Notifications, 1)
	assert.Equal(t, target.Notification{Attempt: 1, At: "2026-03-01T10:00:00Z", PaymentStatus: "SUCCESS", Outcome: "S", ResultCode: "SUCCESS"}, p.Notifications[0])

	// Money never goes negative: a view that says so does not decode.
	srvNeg, _ := fake(t, http.StatusOK, `{"paymentId":"p-1","amount":{"currency":"USD","value":"100"},
		"frozenAmount":{"currency":"USD","value":"-20"}}`)
	_, err = newControl(t, srvNeg.URL, &recorder{}).Payment(context.Background(), "p-1")
	assert.ErrorContains(t, err, `"-20"`)

	srv404, _ := fake(t, http.StatusNotFound, `{"error":"no payment p-2"}`)
	_, err = newControl(t, srv404.URL, &recorder{}).Payment(context.Background(), "p-2")
	assert.ErrorIs(t, err, target.ErrNotFound)
}

func TestOpenPage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "/cashier/p-1", r.URL.Path)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, "<h1>Pay 10.00 USD</h1>")
	}))
	t.Cleanup(srv.Close)
	rec := &recorder{}
	c := newControl(t, "http://127.0.0.1:1", rec) // the page may live on another host
	page, err := c.OpenPage(context.Background(), srv.URL+"/cashier/p-1")
	require.NoError(t, err)
	assert.Equal(t, "text/html; charset=utf-8", page.ContentType)
	assert.Equal(t, "<h1>Pay 10.00 USD</h1>", string(page.Body))
	require.Len(t, rec.all(), 1)

	_, err = c.OpenPage(context.Background(), "/cashier/p-1")
	assert.Error(t, err, "a relative URL is refused")
}

func TestUnreachableIsRecorded(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	rec := &recorder{}
	_, err := newMerchant(t, url, rec).Order(context.Background(), "o-1")
	require.Error(t, err)
	var se *target.StatusError
	assert.False(t, errors.As(err, &se), "a transport error is not a status error")
	xs := rec.all()
	require.Len(t, xs, 1)
	assert.Equal(t, 0, xs[0].StatusCode)
	assert.Error(t, xs[0].Err)
}

func TestBadBaseURL(t *testing.T) {
	for _, u := range []string{"", "127.0.0.1:80", "ftp://x", "http://x/?q=1"} {
		_, err := target.NewMerchant(target.Config{BaseURL: u})
		assert.Error(t, err, u)
		_, err = target.NewWalletControl(target.Config{BaseURL: u})
		assert.Error(t, err, u)
	}
}
