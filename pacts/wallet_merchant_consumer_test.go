//go:build pact

package pacts

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/pact-foundation/pact-go/v2/consumer"
	"github.com/pact-foundation/pact-go/v2/matchers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/wallet"
)

// The consumer side of wallet-merchant.json: the wallet's real notifier (wallet.Notifier, the
// code the wallet mock delivers every notification with) posts to Pact's mock merchant.
// The pact records the reference merchant's notify path in the dialect
// (dialect.PathFor(NotifyPayment)); VerifyMerchant sends to whatever notify URL a merchant uses.

// notifyBody is what the wallet sends for a payment of 100.00 USD (or value) in a status, in
// d's shape (openapi.EncodeNotifyPayment, as the wallet mock writes it); the times are the
// pact's examples.
func notifyBody(d dialect.Dialect, status, value string) []byte {
	n := openapi.Notification{NotifyPaymentRequest: openapi.NotifyPaymentRequest{
		PaymentID:         examplePaymentID,
		PaymentRequestID:  exampleGeneralRequestID,
		PaymentAmount:     openapi.Amount{Currency: "USD", Value: value},
		PaymentStatus:     status,
		PaymentCreateTime: exampleTime,
	}}
	if d.CarriesPartnerID() {
		n.PartnerID = dialect.DefaultPartnerID
	}
	switch status {
	case openapi.PaymentFail:
		n.PaymentFailReason = "payer declined: balance not enough"
		n.FailCode = openapi.UserBalanceNotEnough
	default:
		n.PaymentTime = exampleTime
	}
	b, err := openapi.EncodeNotifyPayment(d, n)
	if err != nil {
		panic(err) // the statuses each test sends are the dialect's
	}
	return b
}

// notifyMatcher is the pact's view of notifyBody: ids from the state, times by regex, the
// outcome exactly in the dialect's field (paymentStatus, or paymentResult's status S or F).
func notifyMatcher(d dialect.Dialect, status, value string) matchers.StructMatcher {
	m := matchers.StructMatcher{
		"paymentId":         injected("paymentId", examplePaymentID),
		"paymentRequestId":  injected("paymentRequestId", exampleGeneralRequestID),
		"paymentAmount":     exactAmount("USD", value),
		"paymentCreateTime": rfc3339(),
	}
	if d.CarriesPartnerID() {
		m["partnerId"] = id(dialect.DefaultPartnerID)
	}
	if status != openapi.PaymentFail {
		m["paymentTime"] = rfc3339()
	}
	if !d.NotifiesWithPaymentResult() {
		m["paymentStatus"] = status
		if status == openapi.PaymentFail {
			m["paymentFailReason"] = matchers.Like("payer declined: balance not enough")
		}
		return m
	}
	switch status {
	case openapi.PaymentSuccess:
		m["paymentResult"] = result(openapi.Success, openapi.StatusSuccess, "success")
	case openapi.PaymentFail:
		// Status F exactly; the code is the wallet's (the pages publish none for a notification).
		m["paymentResult"] = matchers.StructMatcher{
			"resultCode":    matchers.Regex(string(openapi.UserBalanceNotEnough), resultCodeRegex),
			"resultStatus":  string(openapi.StatusFail),
			"resultMessage": matchers.Like("payer declined: balance not enough"),
		}
	}
	return m
}

func acknowledged() matchers.StructMatcher {
	return matchers.StructMatcher{"result": result(openapi.Success, openapi.StatusSuccess, "success")}
}

// outcomeField names where d puts the outcome, for the interactions' descriptions.
func outcomeField(d dialect.Dialect, status string) string {
	if !d.NotifiesWithPaymentResult() {
		if status == openapi.PaymentFail {
			return "FAIL with a paymentFailReason"
		}
		return status
	}
	return map[string]string{openapi.PaymentSuccess: "paymentResult S", openapi.PaymentFail: "paymentResult F with a resultMessage"}[status]
}

func TestWalletMerchantNotifyPayment(t *testing.T) {
	forEachPreset(t, testWalletMerchantNotifyPayment)
}

func testWalletMerchantNotifyPayment(t *testing.T, d dialect.Dialect, pair Pair) {
	pact := newPact(t, pair, pair.Wallet, pair.Merchant)
	walletKey := fixtures.PrivateKey(fixtures.WalletPrivateKey)
	unknown, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)

	type notifyCase struct {
		name        string
		states      []string
		description string
		status      string
		value       string
		key         *rsa.PrivateKey
		answer      matchers.StructMatcher
		outcome     openapi.Status
		code        openapi.Code // "" when the protocol does not pin it
	}
	cases := []notifyCase{
		{
			name: "success", states: []string{StateOrderAwaiting},
			description: "notifyPayment: " + outcomeField(d, openapi.PaymentSuccess) + " for an order awaiting payment is acknowledged",
			status:      openapi.PaymentSuccess, value: "10000", key: walletKey,
			answer: acknowledged(), outcome: openapi.StatusSuccess, code: openapi.Success,
		},
		{
			name: "fail", states: []string{StateOrderAwaiting},
			description: "notifyPayment: " + outcomeField(d, openapi.PaymentFail) + " for an order awaiting payment is acknowledged",
			status:      openapi.PaymentFail, value: "10000", key: walletKey,
			answer: acknowledged(), outcome: openapi.StatusSuccess, code: openapi.Success,
		},
	}
	if d.NotifiesAuthSuccess() {
		// Only where the dialect notifies a granted authorization (the kit preset).
		cases = append(cases, notifyCase{
			name: "auth success", states: []string{StatePreAuthOrderAwaiting},
			description: "notifyPayment: AUTH_SUCCESS for a pre-authorization order is acknowledged",
			status:      openapi.PaymentAuthSuccess, value: "10000", key: walletKey,
			answer: acknowledged(), outcome: openapi.StatusSuccess, code: openapi.Success,
		})
	}
	cases = append(cases,
		notifyCase{
			name: "duplicate", states: []string{StateOrderPaidAndNotified},
			description: "notifyPayment: a duplicate " + outcomeField(d, openapi.PaymentSuccess) + " is acknowledged again",
			status:      openapi.PaymentSuccess, value: "10000", key: walletKey,
			answer: acknowledged(), outcome: openapi.StatusSuccess, code: openapi.Success,
		},
		notifyCase{
			name: "bad signature", states: []string{StateOrderAwaiting, StateUnknownWalletKey},
			description: "notifyPayment: a notification signed with a key the merchant does not know is refused INVALID_SIGNATURE",
			status:      openapi.PaymentSuccess, value: "10000", key: unknown,
			answer:  matchers.StructMatcher{"result": result(openapi.InvalidSignature, openapi.StatusFail, "the signature does not verify")},
			outcome: openapi.StatusFail, code: openapi.InvalidSignature,
		},
		notifyCase{
			name: "amount mismatch", states: []string{StateOrderAwaiting},
			description: "notifyPayment: an amount that does not match the order is refused",
			status:      openapi.PaymentSuccess, value: "9900", key: walletKey,
			answer: matchers.StructMatcher{"result": refusal()}, outcome: openapi.StatusFail,
		},
	)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := given(d, pact.AddInteraction(), tc.states...).
				UponReceiving(tc.description).
				WithRequest(http.MethodPost, d.PathFor(dialect.NotifyPayment), func(b *consumer.V4RequestBuilder) {
					signedRequest(b)
					b.JSONBody(notifyMatcher(d, tc.status, tc.value))
				}).
				WillRespondWith(http.StatusOK, func(b *consumer.V4ResponseBuilder) {
					jsonResponse(b)
					b.JSONBody(tc.answer)
				}).
				ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
					n := wallet.Notifier{PrivateKey: tc.key, Timeout: 10 * time.Second}
					url := fmt.Sprintf("http://%s:%d%s", cfg.Host, cfg.Port, d.PathFor(dialect.NotifyPayment))
					a := n.Deliver(context.Background(), url, fixtures.ClientID, notifyBody(d, tc.status, tc.value))
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
