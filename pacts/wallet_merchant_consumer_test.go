//go:build pact

package pacts

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/pact-foundation/pact-go/v2/consumer"
	"github.com/pact-foundation/pact-go/v2/matchers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/merchant"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/wallet"
)

// The consumer side of wallet-merchant.json: the wallet's real notifier (wallet.Notifier, the
// code the wallet mock delivers every notification with) posts to Pact's mock merchant.
// The pact records the reference merchant's notify path; VerifyMerchant sends to whatever
// notify URL a merchant uses.

func newWalletMerchantPact(t *testing.T) *consumer.V4HTTPMockProvider {
	t.Helper()
	p, err := consumer.NewV4Pact(consumer.MockHTTPProviderConfig{
		Consumer: Wallet,
		Provider: Merchant,
		Host:     "127.0.0.1",
		PactDir:  pactDir,
		LogDir:   pactDir,
	})
	require.NoError(t, err)
	return p
}

// notifyBody is what the wallet sends for a payment of 100.00 USD (or value) in a status;
// the times are the pact's examples.
func notifyBody(status, value string) []byte {
	n := openapi.NotifyPaymentRequest{
		PaymentID:         examplePaymentID,
		PaymentRequestID:  exampleGeneralRequestID,
		PaymentAmount:     openapi.Amount{Currency: "USD", Value: value},
		PaymentStatus:     status,
		PaymentCreateTime: exampleTime,
	}
	switch status {
	case openapi.PaymentFail:
		n.PaymentFailReason = "payer declined: balance not enough"
	default:
		n.PaymentTime = exampleTime
	}
	b, err := json.Marshal(n)
	if err != nil {
		panic(err) // a plain struct always marshals
	}
	return b
}

// notifyMatcher is the pact's view of notifyBody: ids from the state, times by regex.
func notifyMatcher(status, value string) matchers.StructMatcher {
	m := matchers.StructMatcher{
		"paymentId":         injected("paymentId", examplePaymentID),
		"paymentRequestId":  injected("paymentRequestId", exampleGeneralRequestID),
		"paymentAmount":     exactAmount("USD", value),
		"paymentStatus":     status,
		"paymentCreateTime": rfc3339(),
	}
	if status == openapi.PaymentFail {
		m["paymentFailReason"] = matchers.Like("payer declined: balance not enough")
	} else {
		m["paymentTime"] = rfc3339()
	}
	return m
}

func acknowledged() matchers.StructMatcher {
	return matchers.StructMatcher{"result": result(openapi.Success, openapi.StatusSuccess, "success")}
}

func TestWalletMerchantNotifyPayment(t *testing.T) {
	pact := newWalletMerchantPact(t)
	walletKey := fixtures.PrivateKey(fixtures.WalletPrivateKey)
	unknown, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)

	for _, tc := range []struct {
		name        string
		states      []string
		description string
		status      string
		value       string
		key         *rsa.PrivateKey
		answer      matchers.StructMatcher
		outcome     openapi.Status
		code        openapi.Code // "" when the protocol does not pin it
	}{
		{
			name: "success", states: []string{StateOrderAwaiting},
			description: "notifyPayment: SUCCESS for an order awaiting payment is acknowledged",
			status:      openapi.PaymentSuccess, value: "10000", key: walletKey,
			answer: acknowledged(), outcome: openapi.StatusSuccess, code: openapi.Success,
		},
		{
			name: "fail", states: []string{StateOrderAwaiting},
			description: "notifyPayment: FAIL with a paymentFailReason for an order awaiting payment is acknowledged",
			status:      openapi.PaymentFail, value: "10000", key: walletKey,
			answer: acknowledged(), outcome: openapi.StatusSuccess, code: openapi.Success,
		},
		{
			name: "auth success", states: []string{StatePreAuthOrderAwaiting},
			description: "notifyPayment: AUTH_SUCCESS for a pre-authorization order is acknowledged",
			status:      openapi.PaymentAuthSuccess, value: "10000", key: walletKey,
			answer: acknowledged(), outcome: openapi.StatusSuccess, code: openapi.Success,
		},
		{
			name: "duplicate", states: []string{StateOrderPaidAndNotified},
			description: "notifyPayment: a duplicate SUCCESS is acknowledged again",
			status:      openapi.PaymentSuccess, value: "10000", key: walletKey,
			answer: acknowledged(), outcome: openapi.StatusSuccess, code: openapi.Success,
		},
		{
			name: "bad signature", states: []string{StateOrderAwaiting, StateUnknownWalletKey},
			description: "notifyPayment: a notification signed with a key the merchant does not know is refused INVALID_SIGNATURE",
			status:      openapi.PaymentSuccess, value: "10000", key: unknown,
			answer:  matchers.StructMatcher{"result": result(openapi.InvalidSignature, openapi.StatusFail, "the signature does not verify")},
			outcome: openapi.StatusFail, code: openapi.InvalidSignature,
		},
		{
			name: "amount mismatch", states: []string{StateOrderAwaiting},
			description: "notifyPayment: an amount that does not match the order is refused",
			status:      openapi.PaymentSuccess, value: "9900", key: walletKey,
			answer: matchers.StructMatcher{"result": refusal()}, outcome: openapi.StatusFail,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := given(pact.AddInteraction(), tc.states...).
				UponReceiving(tc.description).
				WithRequest(http.MethodPost, merchant.NotifyPath, func(b *consumer.V4RequestBuilder) {
					signedRequest(b)
					b.JSONBody(notifyMatcher(tc.status, tc.value))
				}).
				WillRespondWith(http.StatusOK, func(b *consumer.V4ResponseBuilder) {
					jsonResponse(b)
					b.JSONBody(tc.answer)
				}).
				ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
					n := wallet.Notifier{PrivateKey: tc.key, Timeout: 10 * time.Second}
					url := fmt.Sprintf("http://%s:%d%s", cfg.Host, cfg.Port, merchant.NotifyPath)
					a := n.Deliver(context.Background(), url, fixtures.ClientID, notifyBody(tc.status, tc.value))
					assert.Equal(t, string(tc.outcome), a.Outcome, "delivery detail: %s", a.Detail)
					if tc.code != "" {
						assert.Equal(t, string(tc.code), a.ResultCode)
					}
					return nil
				})
			require.NoError(t, err)
		})
	}
}
