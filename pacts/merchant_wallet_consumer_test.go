//go:build pact

package pacts

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/pact-foundation/pact-go/v2/consumer"
	"github.com/pact-foundation/pact-go/v2/matchers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/signing"
	"github.com/tradepaykit/tradepaykit/internal/walletclient"
)

// The consumer side of merchant-wallet.json: the merchant's real wallet client
// (internal/walletclient) calls Pact's mock wallet, which answers as the contract says.

func newMerchantWalletPact(t *testing.T) *consumer.V3HTTPMockProvider {
	t.Helper()
	p, err := consumer.NewV3Pact(consumer.MockHTTPProviderConfig{
		Consumer: Merchant,
		Provider: Wallet,
		Host:     "127.0.0.1",
		PactDir:  pactDir,
		LogDir:   pactDir,
	})
	require.NoError(t, err)
	return p
}

// merchantClient is the reference merchant's wallet client pointed at Pact's mock wallet.
// The mock answers with the contract's example headers and cannot sign, so the RSA check is
// replaced by one that still requires what the contract pins: a well-formed Signature and a
// Response-Time. The real signatures are checked where they exist: provider verification
// signs every replayed request and checks every answer with the real keys.
func merchantClient(t *testing.T, cfg consumer.MockServerConfig, key *rsa.PrivateKey) *walletclient.Client {
	t.Helper()
	c, err := walletclient.New(walletclient.Config{
		BaseURL:        fmt.Sprintf("http://%s:%d", cfg.Host, cfg.Port),
		ClientID:       fixtures.ClientID,
		PrivateKey:     key,
		VerifyResponse: wellFormedSignature,
	})
	require.NoError(t, err)
	return c
}

func wellFormedSignature(m signing.Message, header string) error {
	if _, err := signing.ParseHeader(header); err != nil {
		return err
	}
	if m.Time == "" {
		return errors.New("the answer has no Response-Time")
	}
	_, err := signing.ParseTime(m.Time)
	return err
}

var merchantKey = fixtures.PrivateKey(fixtures.MerchantPrivateKey)

// payBody is the pact's view of ExamplePay: ids and product code injected by the state.
func payBody(requestID, productCode string, value matchers.Matcher) matchers.StructMatcher {
	return matchers.StructMatcher{
		"productCode":       injected("productCode", productCode),
		"paymentOrderTitle": matchers.Like(ExampleTitle),
		"paymentRequestId":  injected("paymentRequestId", requestID),
		"paymentAmount":     matchers.StructMatcher{"currency": matchers.Regex("USD", currencyRegex), "value": value},
		"paymentFactor":     matchers.StructMatcher{"isCashierPayment": true},
		"paymentNotifyUrl":  matchers.Regex(ExampleNotifyURL, urlRegex),
	}
}

func accepted() matchers.StructMatcher {
	return matchers.StructMatcher{
		"result":           result(openapi.Accept, openapi.StatusAccepted),
		"paymentId":        id(examplePaymentID),
		"paymentRequestId": id(exampleGeneralRequestID),
		"redirectActionForm": matchers.StructMatcher{
			"method":      "GET",
			"redirectUrl": matchers.Regex(exampleCashier, urlRegex),
		},
	}
}

func envelope(code openapi.Code) matchers.StructMatcher {
	return matchers.StructMatcher{"result": result(code, openapi.StatusFail)}
}

func TestMerchantWalletPay(t *testing.T) {
	pact := newMerchantWalletPact(t)
	ctx := context.Background()
	valueRegexed := matchers.Regex("10000", valueRegex)

	t.Run("general payment accepted", func(t *testing.T) {
		err := pact.AddInteraction().
			Given(StateAcceptsGeneral).
			UponReceiving("pay: a general payment is accepted").
			WithRequest(http.MethodPost, "/v1/payments/pay", func(b *consumer.V3RequestBuilder) {
				signedRequest(b)
				b.JSONBody(payBody(exampleGeneralRequestID, generalProductCode, valueRegexed))
			}).
			WillRespondWith(http.StatusOK, func(b *consumer.V3ResponseBuilder) {
				signedResponse(b)
				b.JSONBody(accepted())
			}).
			ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
				resp, err := merchantClient(t, cfg, merchantKey).Pay(ctx, ExamplePay(exampleGeneralRequestID, generalProductCode))
				if err != nil {
					return err
				}
				assert.Equal(t, openapi.StatusAccepted, resp.Result.ResultStatus)
				assert.Equal(t, examplePaymentID, resp.PaymentID)
				assert.Equal(t, exampleCashier, resp.RedirectActionForm.URL())
				return nil
			})
		require.NoError(t, err)
	})

	t.Run("pre-authorization accepted", func(t *testing.T) {
		err := pact.AddInteraction().
			Given(StateAcceptsPreAuth).
			UponReceiving("pay: a pre-authorization is accepted").
			WithRequest(http.MethodPost, "/v1/payments/pay", func(b *consumer.V3RequestBuilder) {
				signedRequest(b)
				b.JSONBody(payBody(examplePreAuthRequestID, preAuthProductCode, valueRegexed))
			}).
			WillRespondWith(http.StatusOK, func(b *consumer.V3ResponseBuilder) {
				signedResponse(b)
				b.JSONBody(accepted())
			}).
			ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
				resp, err := merchantClient(t, cfg, merchantKey).Pay(ctx, ExamplePay(examplePreAuthRequestID, preAuthProductCode))
				if err != nil {
					return err
				}
				assert.Equal(t, openapi.Accept, resp.Result.ResultCode)
				return nil
			})
		require.NoError(t, err)
	})

	t.Run("idempotent repeat", func(t *testing.T) {
		err := pact.AddInteraction().
			Given(StatePaymentCreated).
			UponReceiving("pay: a repeated request with the same content is accepted again").
			WithRequest(http.MethodPost, "/v1/payments/pay", func(b *consumer.V3RequestBuilder) {
				signedRequest(b)
				b.JSONBody(payBody(ExampleRepeatRequestID, generalProductCode, valueRegexed))
			}).
			WillRespondWith(http.StatusOK, func(b *consumer.V3ResponseBuilder) {
				signedResponse(b)
				b.JSONBody(accepted())
			}).
			ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
				resp, err := merchantClient(t, cfg, merchantKey).Pay(ctx, ExamplePay(ExampleRepeatRequestID, generalProductCode))
				if err != nil {
					return err
				}
				assert.Equal(t, examplePaymentID, resp.PaymentID)
				return nil
			})
		require.NoError(t, err)
	})

	t.Run("repeat with other content", func(t *testing.T) {
		req := ExamplePay(ExampleRepeatRequestID, generalProductCode)
		req.PaymentAmount.Value = "20000"
		err := pact.AddInteraction().
			Given(StatePaymentCreated).
			UponReceiving("pay: the same paymentRequestId with another amount is REPEAT_REQ_INCONSISTENT").
			WithRequest(http.MethodPost, "/v1/payments/pay", func(b *consumer.V3RequestBuilder) {
				signedRequest(b)
				b.JSONBody(payBody(ExampleRepeatRequestID, generalProductCode, matchers.Regex("20000", valueRegex)))
			}).
			WillRespondWith(http.StatusOK, func(b *consumer.V3ResponseBuilder) {
				signedResponse(b)
				b.JSONBody(envelope(openapi.RepeatReqInconsistent))
			}).
			ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
				resp, err := merchantClient(t, cfg, merchantKey).Pay(ctx, req)
				if err != nil {
					return err
				}
				assert.Equal(t, openapi.RepeatReqInconsistent, resp.Result.ResultCode)
				return nil
			})
		require.NoError(t, err)
	})

	t.Run("bad signature", func(t *testing.T) {
		unknown, err := rsa.GenerateKey(rand.Reader, 2048)
		require.NoError(t, err)
		err = pact.AddInteraction().
			Given(StateAcceptsGeneral).
			Given(StateUnknownMerchantKey).
			UponReceiving("pay: a request signed with a key the wallet does not know is INVALID_SIGNATURE").
			WithRequest(http.MethodPost, "/v1/payments/pay", func(b *consumer.V3RequestBuilder) {
				signedRequest(b)
				b.JSONBody(payBody(exampleGeneralRequestID, generalProductCode, valueRegexed))
			}).
			WillRespondWith(http.StatusOK, func(b *consumer.V3ResponseBuilder) {
				signedResponse(b)
				b.JSONBody(envelope(openapi.InvalidSignature))
			}).
			ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
				resp, err := merchantClient(t, cfg, unknown).Pay(ctx, ExamplePay(exampleGeneralRequestID, generalProductCode))
				if err != nil {
					return err
				}
				assert.Equal(t, openapi.InvalidSignature, resp.Result.ResultCode)
				return nil
			})
		require.NoError(t, err)
	})

	t.Run("decimal amount", func(t *testing.T) {
		req := ExamplePay(exampleGeneralRequestID, generalProductCode)
		req.PaymentAmount.Value = "100.00"
		err := pact.AddInteraction().
			Given(StateAcceptsGeneral).
			UponReceiving("pay: an amount in major units (100.00) is PARAM_ILLEGAL").
			WithRequest(http.MethodPost, "/v1/payments/pay", func(b *consumer.V3RequestBuilder) {
				signedRequest(b)
				// Exactly this value: the interaction is about it.
				b.JSONBody(payBody(exampleGeneralRequestID, generalProductCode, matchers.String("100.00")))
			}).
			WillRespondWith(http.StatusOK, func(b *consumer.V3ResponseBuilder) {
				signedResponse(b)
				b.JSONBody(envelope(openapi.ParamIllegal))
			}).
			ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
				resp, err := merchantClient(t, cfg, merchantKey).Pay(ctx, req)
				if err != nil {
					return err
				}
				assert.Equal(t, openapi.ParamIllegal, resp.Result.ResultCode)
				return nil
			})
		require.NoError(t, err)
	})
}

func TestMerchantWalletInquiryPayment(t *testing.T) {
	pact := newMerchantWalletPact(t)
	ctx := context.Background()
	paid := matchers.StructMatcher{"paymentTime": rfc3339()}
	for _, tc := range []struct {
		state  string
		status string
		extra  matchers.StructMatcher // fields the status adds
	}{
		{StatePaymentAwaiting, openapi.PaymentProcessing, nil},
		{StatePaymentPaid, openapi.PaymentSuccess, paid},
		{StatePaymentFailed, openapi.PaymentFail, matchers.StructMatcher{"paymentFailReason": matchers.Like("payer declined: balance not enough")}},
		{StatePaymentCancelled, openapi.PaymentCancelled, nil},
		{StateAuthorized, openapi.PaymentAuthSuccess, matchers.StructMatcher{"paymentTime": rfc3339(), "authExpiryTime": rfc3339()}},
	} {
		t.Run(tc.status, func(t *testing.T) {
			body := matchers.StructMatcher{
				"result":           result(openapi.Success, openapi.StatusSuccess),
				"paymentId":        id(examplePaymentID),
				"paymentRequestId": id(exampleGeneralRequestID),
				"paymentAmount":    amount("USD", "10000"),
				"paymentStatus":    tc.status,
			}
			for k, v := range tc.extra {
				body[k] = v
			}
			err := pact.AddInteraction().
				Given(tc.state).
				UponReceiving("inquiryPayment: a payment reported as "+tc.status).
				WithRequest(http.MethodPost, "/v1/payments/inquiryPayment", func(b *consumer.V3RequestBuilder) {
					signedRequest(b)
					b.JSONBody(matchers.StructMatcher{"paymentId": injected("paymentId", examplePaymentID)})
				}).
				WillRespondWith(http.StatusOK, func(b *consumer.V3ResponseBuilder) {
					signedResponse(b)
					b.JSONBody(body)
				}).
				ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
					resp, err := merchantClient(t, cfg, merchantKey).InquiryPayment(ctx, &openapi.InquiryPaymentRequest{PaymentID: examplePaymentID})
					if err != nil {
						return err
					}
					assert.Equal(t, tc.status, resp.PaymentStatus)
					require.NotNil(t, resp.PaymentAmount)
					assert.Equal(t, openapi.Amount{Currency: "USD", Value: "10000"}, *resp.PaymentAmount)
					return nil
				})
			require.NoError(t, err)
		})
	}
}

func TestMerchantWalletCancel(t *testing.T) {
	pact := newMerchantWalletPact(t)
	err := pact.AddInteraction().
		Given(StatePaymentAwaiting).
		UponReceiving("cancel: a payment awaiting the payer is cancelled").
		WithRequest(http.MethodPost, "/v1/payments/cancel", func(b *consumer.V3RequestBuilder) {
			signedRequest(b)
			b.JSONBody(matchers.StructMatcher{"paymentId": injected("paymentId", examplePaymentID)})
		}).
		WillRespondWith(http.StatusOK, func(b *consumer.V3ResponseBuilder) {
			signedResponse(b)
			b.JSONBody(matchers.StructMatcher{
				"result":     result(openapi.Success, openapi.StatusSuccess),
				"paymentId":  id(examplePaymentID),
				"cancelTime": rfc3339(),
			})
		}).
		ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
			resp, err := merchantClient(t, cfg, merchantKey).Cancel(context.Background(), &openapi.CancelRequest{PaymentID: examplePaymentID})
			if err != nil {
				return err
			}
			assert.Equal(t, openapi.StatusSuccess, resp.Result.ResultStatus)
			assert.Equal(t, exampleTime, resp.CancelTime)
			return nil
		})
	require.NoError(t, err)
}

func TestMerchantWalletCapture(t *testing.T) {
	pact := newMerchantWalletPact(t)
	no := false
	captured := func(value string) matchers.StructMatcher {
		return matchers.StructMatcher{
			"result":           result(openapi.Success, openapi.StatusSuccess),
			"captureRequestId": id(exampleCaptureRequestID),
			"captureId":        id(exampleCaptureID),
			"paymentId":        id(examplePaymentID),
			"captureAmount":    amount("USD", value),
			"captureTime":      rfc3339(),
		}
	}
	for _, tc := range []struct {
		name        string
		description string
		request     *openapi.CaptureRequest
		body        matchers.StructMatcher
		answer      matchers.StructMatcher
		want        openapi.Code
	}{
		{
			name:        "full",
			description: "capture: without an amount, the whole authorization is captured",
			request:     &openapi.CaptureRequest{CaptureRequestID: exampleCaptureRequestID, PaymentID: examplePaymentID},
			body:        matchers.StructMatcher{},
			answer:      captured("10000"),
			want:        openapi.Success,
		},
		{
			name:        "partial",
			description: "capture: part of the authorization, not the last capture",
			request: &openapi.CaptureRequest{CaptureRequestID: exampleCaptureRequestID, PaymentID: examplePaymentID,
				CaptureAmount: &openapi.Amount{Currency: "USD", Value: "4000"}, IsLastCapture: &no},
			body:   matchers.StructMatcher{"captureAmount": amount("USD", "4000"), "isLastCapture": false},
			answer: captured("4000"),
			want:   openapi.Success,
		},
		{
			name:        "over",
			description: "capture: more than the authorization is CAPTURE_AMOUNT_EXCEED",
			request: &openapi.CaptureRequest{CaptureRequestID: exampleCaptureRequestID, PaymentID: examplePaymentID,
				CaptureAmount: &openapi.Amount{Currency: "USD", Value: "15000"}},
			body:   matchers.StructMatcher{"captureAmount": amount("USD", "15000")},
			answer: envelope(openapi.CaptureAmountExceed),
			want:   openapi.CaptureAmountExceed,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.body["captureRequestId"] = injected("captureRequestId", exampleCaptureRequestID)
			tc.body["paymentId"] = injected("paymentId", examplePaymentID)
			err := pact.AddInteraction().
				Given(StateAuthorized).
				UponReceiving(tc.description).
				WithRequest(http.MethodPost, "/v1/payments/capture", func(b *consumer.V3RequestBuilder) {
					signedRequest(b)
					b.JSONBody(tc.body)
				}).
				WillRespondWith(http.StatusOK, func(b *consumer.V3ResponseBuilder) {
					signedResponse(b)
					b.JSONBody(tc.answer)
				}).
				ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
					resp, err := merchantClient(t, cfg, merchantKey).Capture(context.Background(), tc.request)
					if err != nil {
						return err
					}
					assert.Equal(t, tc.want, resp.Result.ResultCode)
					return nil
				})
			require.NoError(t, err)
		})
	}
}

func TestMerchantWalletRefund(t *testing.T) {
	pact := newMerchantWalletPact(t)
	ctx := context.Background()

	t.Run("refund", func(t *testing.T) {
		err := pact.AddInteraction().
			Given(StatePaymentPaid).
			UponReceiving("refund: part of a paid payment is refunded").
			WithRequest(http.MethodPost, "/v1/payments/refund", func(b *consumer.V3RequestBuilder) {
				signedRequest(b)
				b.JSONBody(matchers.StructMatcher{
					"refundRequestId": injected("refundRequestId", exampleRefundRequestID),
					"paymentId":       injected("paymentId", examplePaymentID),
					"refundAmount":    amount("USD", "3000"),
					"refundReason":    matchers.Like("charger fault"),
				})
			}).
			WillRespondWith(http.StatusOK, func(b *consumer.V3ResponseBuilder) {
				signedResponse(b)
				b.JSONBody(matchers.StructMatcher{
					"result":          result(openapi.Success, openapi.StatusSuccess),
					"refundRequestId": id(exampleRefundRequestID),
					"refundId":        id(exampleRefundID),
					"paymentId":       id(examplePaymentID),
					"refundAmount":    amount("USD", "3000"),
					"refundTime":      rfc3339(),
				})
			}).
			ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
				resp, err := merchantClient(t, cfg, merchantKey).Refund(ctx, &openapi.RefundRequest{
					RefundRequestID: exampleRefundRequestID, PaymentID: examplePaymentID,
					RefundAmount: openapi.Amount{Currency: "USD", Value: "3000"}, RefundReason: "charger fault",
				})
				if err != nil {
					return err
				}
				assert.Equal(t, exampleRefundID, resp.RefundID)
				return nil
			})
		require.NoError(t, err)
	})

	t.Run("inquiryRefund", func(t *testing.T) {
		err := pact.AddInteraction().
			Given(StateRefunded).
			UponReceiving("inquiryRefund: a refund reported as SUCCESS").
			WithRequest(http.MethodPost, "/v1/payments/inquiryRefund", func(b *consumer.V3RequestBuilder) {
				signedRequest(b)
				b.JSONBody(matchers.StructMatcher{"refundId": injected("refundId", exampleRefundID)})
			}).
			WillRespondWith(http.StatusOK, func(b *consumer.V3ResponseBuilder) {
				signedResponse(b)
				b.JSONBody(matchers.StructMatcher{
					"result":          result(openapi.Success, openapi.StatusSuccess),
					"refundId":        id(exampleRefundID),
					"refundRequestId": id(exampleRefundRequestID),
					"paymentId":       id(examplePaymentID),
					"refundAmount":    amount("USD", "3000"),
					"refundStatus":    openapi.RefundSuccess,
					"refundTime":      rfc3339(),
				})
			}).
			ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
				resp, err := merchantClient(t, cfg, merchantKey).InquiryRefund(ctx, &openapi.InquiryRefundRequest{RefundID: exampleRefundID})
				if err != nil {
					return err
				}
				assert.Equal(t, openapi.RefundSuccess, resp.RefundStatus)
				return nil
			})
		require.NoError(t, err)
	})
}
