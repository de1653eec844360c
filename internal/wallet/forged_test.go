package wallet

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/walletclient"
)

func scriptAnswer(tb testing.TB, s *Server, body string) (int, answerFault) {
	tb.Helper()
	resp, err := http.Post(s.URL()+"/conformance/answers", "application/json", strings.NewReader(body))
	require.NoError(tb, err)
	defer resp.Body.Close()
	var f answerFault
	_ = json.NewDecoder(resp.Body).Decode(&f)
	return resp.StatusCode, f
}

// TestForgedAnswers: each forgery reaches the merchant's client as the mistake it stands for,
// once, and the next answer is genuine again.
func TestForgedAnswers(t *testing.T) {
	s := mustOpenServer(t)
	c, err := walletclient.New(walletclient.Config{
		BaseURL: s.URL(), ClientID: fixtures.ClientID,
		PrivateKey:      fixtures.PrivateKey(fixtures.MerchantPrivateKey),
		WalletPublicKey: fixtures.PublicKey(fixtures.WalletPublicKey),
	})
	require.NoError(t, err)
	ctx := context.Background()
	var pay openapi.PayResponse
	call(t, s, "pay", payBody("forged-1", "1000", "", false), &pay)
	inquiry := &openapi.InquiryPaymentRequest{PaymentID: pay.PaymentID}

	for forge, wantErr := range map[string]string{"SIGNATURE": "response signature", "CLIENT_ID": "does not echo", "NO_ANSWER": "EOF"} {
		code, _ := scriptAnswer(t, s, `{"api":"inquiryPayment","paymentId":"`+pay.PaymentID+`","forge":"`+forge+`"}`)
		require.Equal(t, http.StatusOK, code, forge)
		_, err := c.InquiryPayment(ctx, inquiry)
		require.Error(t, err, forge)
		assert.Contains(t, err.Error(), wantErr, forge)
	}
	for forge, check := range map[string]func(*openapi.InquiryPaymentResponse){
		"AMOUNT":     func(r *openapi.InquiryPaymentResponse) { assert.Equal(t, "1001", r.PaymentAmount.Value) },
		"CURRENCY":   func(r *openapi.InquiryPaymentResponse) { assert.Equal(t, "EUR", r.PaymentAmount.Currency) },
		"PAYMENT_ID": func(r *openapi.InquiryPaymentResponse) { assert.NotEqual(t, pay.PaymentID, r.PaymentID) },
	} {
		scriptAnswer(t, s, `{"api":"inquiryPayment","paymentId":"`+pay.PaymentID+`","forge":"`+forge+`"}`)
		r, err := c.InquiryPayment(ctx, inquiry)
		require.NoError(t, err, "%s: a well-signed answer", forge)
		assert.Equal(t, openapi.PaymentSuccess, r.PaymentStatus, "%s: the forged answer claims the payment paid", forge)
		check(r)
	}
	r, err := c.InquiryPayment(ctx, inquiry)
	require.NoError(t, err)
	assert.Equal(t, openapi.PaymentProcessing, r.PaymentStatus, "the forgeries were used up; the truth again")

	code, _ := scriptAnswer(t, s, `{"api":"pay","forge":"AMOUNT"}`)
	assert.Equal(t, http.StatusBadRequest, code, "AMOUNT forges inquiryPayment answers only")
	code, _ = scriptAnswer(t, s, `{"api":"pay","forge":"SIGNATURE","resultCode":"UNKNOWN_EXCEPTION"}`)
	assert.Equal(t, http.StatusBadRequest, code, "a forgery or a U code, not both")
	code, _ = scriptAnswer(t, s, `{"api":"pay","forge":"MAYBE"}`)
	assert.Equal(t, http.StatusBadRequest, code)
}

// TestPayScriptMatchesItsAmountAndLogsWhatItAnswered: a pay script keyed by amount answers
// only that pay, and GET /conformance/answers/{id} names the request it answered.
func TestPayScriptMatchesItsAmountAndLogsWhatItAnswered(t *testing.T) {
	s := mustOpenServer(t)
	code, f := scriptAnswer(t, s, `{"api":"pay","paymentAmount":{"currency":"USD","value":"4321"},"resultCode":"UNKNOWN_EXCEPTION","apply":true}`)
	require.Equal(t, http.StatusOK, code)
	require.NotEmpty(t, f.ID)

	var other openapi.PayResponse
	res := call(t, s, "pay", payBody("other-amount", "1000", "", false), &other)
	assert.Equal(t, openapi.Accept, res.ResultCode, "another amount is not scripted")
	res = call(t, s, "pay", payBody("scripted-amount", "4321", "", false), nil)
	assert.Equal(t, openapi.UnknownException, res.ResultCode)
	var again openapi.PayResponse
	res = call(t, s, "pay", payBody("scripted-amount", "4321", "", false), &again)
	assert.Equal(t, openapi.Accept, res.ResultCode, "apply: the payment was made; the retry finds it")

	resp, err := http.Get(s.URL() + "/conformance/answers/" + f.ID)
	require.NoError(t, err)
	defer resp.Body.Close()
	var got answerFault
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
	require.Len(t, got.Answered, 1)
	assert.Equal(t, "scripted-amount", got.Answered[0].PaymentRequestID)

	resp2, err := http.Get(s.URL() + "/conformance/answers/nope")
	require.NoError(t, err)
	resp2.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp2.StatusCode)
}
