package wallet

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// noRedirect is a client that shows the cashier's 303 instead of following it.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func getPage(t *testing.T, pageURL string) (int, string) {
	t.Helper()
	resp, err := http.Get(pageURL)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if resp.StatusCode == http.StatusOK {
		assert.True(t, strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html"))
	}
	return resp.StatusCode, string(b)
}

func postChoice(t *testing.T, pageURL, action string, header map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, pageURL, strings.NewReader(url.Values{"action": {action}}.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := noRedirect.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp
}

func openCashier(t *testing.T, s *Server, reqID, value string, preauth bool, notifyURL string) string {
	t.Helper()
	var pay openapi.PayResponse
	require.Equal(t, openapi.Accept, call(t, s, "pay", payBody(reqID, value, notifyURL, preauth), &pay).ResultCode)
	return pay.RedirectActionForm.URL()
}

func TestCashierPageShowsPayeeTitleAmountAndTheThreeChoices(t *testing.T) {
	s := openServer(t, func(c *Config) { c.Merchants[0].Name = "Sunny Coffee <Shibuya>" })
	page := openCashier(t, s, "cashier-1", "1234", false, "")
	status, html := getPage(t, page)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, html, "Sunny Coffee &lt;Shibuya&gt;", "payee, escaped")
	assert.Contains(t, html, "Coffee", "title")
	assert.Contains(t, html, "12.34")
	assert.Contains(t, html, "USD")
	for _, want := range []string{`value="CONFIRM"`, `value="CANCEL"`, `value="DECLINE"`, `<form method="post"`} {
		assert.Contains(t, html, want)
	}
	assert.NotContains(t, html, "<script", "works without JavaScript")
}

func TestCashierPayConfirmsAndNotifies(t *testing.T) {
	s := mustOpenServer(t)
	sink := newNotifySink(t)
	page := openCashier(t, s, "cashier-2", "1000", false, sink.srv.URL)
	id := paymentIDFromURL(page)

	resp := postChoice(t, page, ActionConfirm, nil)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/cashier/"+id+"?result=9000", resp.Header.Get("Location"))
	got := sink.wait(t, 1)
	assert.Equal(t, openapi.PaymentSuccess, got[0].PaymentStatus)
	var inq openapi.InquiryPaymentResponse
	call(t, s, "inquiryPayment", `{"paymentId":"`+id+`"}`, &inq)
	assert.Equal(t, openapi.PaymentSuccess, inq.PaymentStatus)

	_, html := getPage(t, page+"?result=9000")
	assert.Contains(t, html, "Paid")
	assert.Contains(t, html, "my.tradePay returned 9000")
	assert.NotContains(t, html, `value="CONFIRM"`, "no second payment from the page")
	// A second post is what tradePay answers for a paid payment.
	resp = postChoice(t, page, ActionConfirm, nil)
	assert.Equal(t, "/cashier/"+id+"?result=4000", resp.Header.Get("Location"))
	assert.Len(t, sink.wait(t, 1), 1, "paid once, notified once")
}

func TestCashierCancelLeavesThePaymentOpenAndDeclineFailsIt(t *testing.T) {
	s := mustOpenServer(t)
	sink := newNotifySink(t)
	page := openCashier(t, s, "cashier-3", "500", false, sink.srv.URL)
	id := paymentIDFromURL(page)

	resp := postChoice(t, page, ActionCancel, nil)
	assert.Equal(t, "/cashier/"+id+"?result=6001", resp.Header.Get("Location"))
	_, html := getPage(t, page+"?result=6001")
	assert.Contains(t, html, "You left without paying")
	assert.Contains(t, html, `value="CONFIRM"`, "the payer may come back")
	s.mu.Lock()
	assert.Equal(t, openapi.PaymentProcessing, s.paymentLocked(id).Status)
	s.mu.Unlock()

	resp = postChoice(t, page, ActionDecline, nil)
	assert.Equal(t, "/cashier/"+id+"?result=4000", resp.Header.Get("Location"))
	got := sink.wait(t, 1)
	assert.Equal(t, openapi.PaymentFail, got[0].PaymentStatus)
	_, html = getPage(t, page)
	assert.Contains(t, html, "Payment failed")
}

func TestCashierPreAuthorizationIsAFreeze(t *testing.T) {
	s := mustOpenServer(t)
	page := openCashier(t, s, "cashier-4", "20000", true, "")
	_, html := getPage(t, page)
	assert.Contains(t, html, "Authorize 200.00 USD")
	postChoice(t, page, ActionConfirm, nil)
	_, html = getPage(t, page)
	assert.Contains(t, html, "Authorized")
	assert.Contains(t, html, "frozen")
}

func TestCashierRefusesBadPosts(t *testing.T) {
	s := mustOpenServer(t)
	page := openCashier(t, s, "cashier-5", "100", false, "")
	id := paymentIDFromURL(page)
	open := func() {
		t.Helper()
		s.mu.Lock()
		defer s.mu.Unlock()
		assert.Equal(t, openapi.PaymentProcessing, s.paymentLocked(id).Status, "nothing changed")
	}

	resp := postChoice(t, page, ActionConfirm, map[string]string{"Origin": "http://127.0.0.1:1"})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "a page of another origin")
	resp = postChoice(t, page, ActionConfirm, map[string]string{"Sec-Fetch-Site": "cross-site"})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	open()

	resp = postChoice(t, page, ActionUnknown, nil)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "the page offers three choices")
	open()

	big := strings.NewReader("action=CONFIRM&pad=" + strings.Repeat("x", 10<<20))
	resp, err := noRedirect.Post(page, "application/x-www-form-urlencoded", big)
	if err == nil { // the server may close before the client has sent it all
		resp.Body.Close()
		assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	}
	open()

	status, html := getPage(t, s.URL()+"/cashier/nope")
	assert.Equal(t, http.StatusNotFound, status)
	assert.Contains(t, html, "No such payment")
	resp = postChoice(t, s.URL()+"/cashier/nope", ActionConfirm, nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestTestHooksRefuseBrowserAttacks(t *testing.T) {
	s := mustOpenServer(t)
	ahead := func() time.Duration { return time.Until(s.Clock().Now()) }
	post := func(ct string, header map[string]string) int {
		req, err := http.NewRequest(http.MethodPost, s.URL()+"/conformance/clock", strings.NewReader(`{"advance":"48h"}`))
		require.NoError(t, err)
		req.Header.Set("Content-Type", ct)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, http.StatusUnsupportedMediaType, post("text/plain", nil))
	assert.Equal(t, http.StatusForbidden, post("application/json", map[string]string{"Origin": "http://localhost:3000"}))
	assert.Equal(t, http.StatusForbidden, post("application/json", map[string]string{"Sec-Fetch-Site": "same-site"}))
	assert.Less(t, ahead(), time.Hour, "business time did not move")
	assert.Equal(t, http.StatusOK, post("application/json", nil))
	assert.Greater(t, ahead(), 47*time.Hour)
}
