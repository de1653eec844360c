package steps

import (
	"context"
	"encoding/json"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/signing"
	"github.com/tradepaykit/tradepaykit/internal/target"
)

// Requests a wallet must refuse for who sent them or how they were signed, not what they say
// (PROTOCOL.md, "Signing" and "Transport and signing"), the signing variants it must accept,
// and the wallet's own signature on every answer. The kit plays the merchant and signs by hand
// where a correct merchant's client would not let it.
func registerSignatureSteps(sc stepScope) {
	sc.Step(sc.pattern(`^the kit asks the wallet for a payment signed with another key$`), func(ctx context.Context) error {
		w, t := world(ctx), checks(ctx)
		// The wallet's own test key is a well-formed key that is certainly not the
		// merchant's: the signature parses and fails to verify.
		c, err := w.newWalletClient(w.targets.ClientID, fixtures.PrivateKey(fixtures.WalletPrivateKey))
		require.NoError(t, err)
		sendPayWith(ctx, c, payBody(w, openapi.Amount{Currency: "USD", Value: "1000"}))
		return nil
	})
	sc.Step(sc.pattern(`^the kit asks the wallet for a payment under an unknown client id$`), func(ctx context.Context) error {
		w, t := world(ctx), checks(ctx)
		c, err := w.newWalletClient(newID("UNKNOWN"), w.targets.MerchantKey)
		require.NoError(t, err)
		sendPayWith(ctx, c, payBody(w, openapi.Amount{Currency: "USD", Value: "1000"}))
		return nil
	})

	sc.Step(sc.pattern(`^the kit sends a pay request "([^"]*)"$`), func(ctx context.Context, forgery string) error {
		w := world(ctx)
		body := payBody(w, openapi.Amount{Currency: "USD", Value: "1000"})
		other := payBody(w, openapi.Amount{Currency: "USD", Value: "1"})
		other["paymentRequestId"] = body["paymentRequestId"]
		w.paymentRequestID = body["paymentRequestId"].(string)
		m := w.kitRequest(ctx, "pay", mustJSON(ctx, body))
		forge(ctx, forgery, &m, forgeContext{otherKey: fixtures.PrivateKey(fixtures.WalletPrivateKey), otherBody: mustJSON(ctx, other)})
		w.keepPayAnswer(ctx, body, w.sendSigned(ctx, m, w.targets.WalletPublicKey))
		return nil
	})
	sc.Step(sc.pattern(`^the kit asks the wallet for a payment of "([^"]*)" signed with "([^"]*)"$`), func(ctx context.Context, amount, variant string) error {
		w, t := world(ctx), checks(ctx)
		a, err := parseAmount(amount)
		require.NoError(t, err)
		body := payBody(w, openapi.WireAmount(a))
		m := w.kitRequest(ctx, "pay", mustJSON(ctx, body))
		applyVariant(ctx, variant, &m)
		w.keepPayAnswer(ctx, body, w.sendSigned(ctx, m, w.targets.WalletPublicKey))
		return nil
	})
	sc.Step(sc.pattern(`^the kit sends a cancel of the payment "([^"]*)"$`), func(ctx context.Context, forgery string) error {
		w, t := world(ctx), checks(ctx)
		require.NotEmpty(t, w.paymentID, "the kit knows no payment to cancel in this scenario")
		m := w.kitRequest(ctx, "cancel", mustJSON(ctx, map[string]any{"paymentId": w.paymentID}))
		other := mustJSON(ctx, map[string]any{"paymentId": newID("another-payment-")})
		forge(ctx, forgery, &m, forgeContext{otherKey: fixtures.PrivateKey(fixtures.WalletPrivateKey), otherBody: other})
		w.lastResult = w.sendSigned(ctx, m, w.targets.WalletPublicKey).Result
		return nil
	})

	sc.Step(sc.pattern(`^the wallet's answer is signed with its key$`), func(ctx context.Context) error {
		t := checks(ctx)
		a := probeOf(ctx).answer
		require.NotNil(t, a, "the kit has signed nothing by hand in this scenario")
		assert.NoError(t, a.SignatureErr, "the wallet's signature over its answer, checked with the wallet's public key")
		assert.Equal(t, a.SentClientID, a.Header.Get(signing.HeaderClientID), "the answer's Client-Id echoes the request's")
		_, err := signing.ParseTime(a.Header.Get(signing.HeaderResponseTime))
		assert.NoError(t, err, "the answer's Response-Time")
		assert.Less(t, a.StatusCode, 500, "HTTP status of the wallet's answer")
		return nil
	})

	// SHOULD rules (PROTOCOL.md, "Request-Time freshness"): a wallet that differs gets a
	// warning, not a failure.
	sc.Step(sc.pattern(`^the wallet should refuse with "([^"]*)"$`), func(ctx context.Context, code string) error {
		w := world(ctx)
		r := w.lastResult
		require.NotEmpty(checks(ctx), r.ResultCode, "the kit has sent nothing to the wallet")
		if r.ResultCode != openapi.Code(code) || r.ResultStatus != openapi.StatusFail {
			w.should(ctx, "the wallet should refuse with %s (F), it answered %s (%s): %s", code, r.ResultCode, r.ResultStatus, r.ResultMessage)
		}
		return nil
	})
	sc.Step(sc.pattern(`^the wallet should accept the payment request$`), func(ctx context.Context) error {
		w := world(ctx)
		r := w.lastResult
		require.NotEmpty(checks(ctx), r.ResultCode, "the kit has sent nothing to the wallet")
		if r.ResultCode != openapi.Accept {
			w.should(ctx, "the wallet should accept the pay request, it answered %s (%s): %s", r.ResultCode, r.ResultStatus, r.ResultMessage)
		}
		return nil
	})
	sc.Step(sc.pattern(`^the wallet should have no payment for that request$`), func(ctx context.Context) error {
		w := world(ctx)
		require.NotEmpty(checks(ctx), w.paymentRequestID, "no payment request id in this scenario")
		resp := inquire(ctx, &openapi.InquiryPaymentRequest{PaymentRequestID: w.paymentRequestID})
		if resp.Result.ResultCode != openapi.OrderNotExist {
			w.should(ctx, "the wallet should have created nothing for paymentRequestId %s; inquiryPayment answers %s, payment %q %s",
				w.paymentRequestID, resp.Result.ResultCode, resp.PaymentID, resp.PaymentStatus)
		}
		return nil
	})
}

// kitRequest is a correctly signed request of the kit's merchant to one of the wallet's APIs,
// at the API's address in the target's dialect.
func (w *World) kitRequest(ctx context.Context, api string, body []byte) signedMessage {
	t := checks(ctx)
	require.NotNil(t, w.targets.MerchantKey, "no merchant private key: the kit cannot play a merchant against this wallet")
	c, err := w.walletClient()
	require.NoError(t, err)
	return signedMessage{
		URL:      c.URL(w.apiName(api)),
		Body:     body,
		ClientID: w.targets.ClientID,
		Key:      w.targets.MerchantKey,
		Time:     time.Now(),
	}
}

// keepPayAnswer keeps a hand-signed pay's answer as sendPay keeps a client's, so that the
// pay and inquiry steps read it.
func (w *World) keepPayAnswer(ctx context.Context, body map[string]any, a *signedAnswer) {
	var resp openapi.PayResponse
	if a.DecodeErr == nil {
		_ = json.Unmarshal(a.Body, &resp)
	}
	w.payRequest, w.payBody = body, mustJSON(ctx, body)
	w.lastPay, w.lastResult = &resp, a.Result
	if (resp.Result.ResultStatus == openapi.StatusAccepted || resp.Result.ResultStatus == openapi.StatusSuccess) && w.firstPay == nil {
		w.firstPay = &resp
		w.paymentID = resp.PaymentID
		w.token = target.Token{TradeNO: resp.PaymentID}
	}
}

func mustJSON(ctx context.Context, v any) []byte {
	raw, err := json.Marshal(v)
	require.NoError(checks(ctx), err)
	return raw
}
