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
	"github.com/pact-foundation/pact-go/v2/models"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/signing"
	"github.com/tradepaykit/tradepaykit/internal/walletclient"
)

// The consumer side of merchant-wallet.json: the merchant's real wallet client
// (internal/walletclient) calls Pact's mock wallet, which answers as the contract says.

func newMerchantWalletPact(t *testing.T) *consumer.V4HTTPMockProvider {
	t.Helper()
	p, err := consumer.NewV4Pact(consumer.MockHTTPProviderConfig{
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
func payBody(requestID, productCode string, value any) matchers.StructMatcher {
	return matchers.StructMatcher{
		"productCode":       injected("productCode", productCode),
		"paymentOrderTitle": matchers.Like(ExampleTitle),
		"paymentRequestId":  injected("paymentRequestId", requestID),
		"paymentAmount":     matchers.StructMatcher{"currency": matchers.Regex("USD", currencyRegex), "value": value},
		"paymentFactor":     matchers.StructMatcher{"isCashierPayment": true},
		"paymentNotifyUrl":  matchers.Regex(ExampleNotifyURL, urlRegex),
	}
}

// accepted is pay's answer for a payment created with paymentRequestId requestID.
func accepted(requestID string) matchers.StructMatcher {
	return matchers.StructMatcher{
		"result":           result(openapi.Accept, openapi.StatusAccepted, "accepted"),
		"paymentId":        id(examplePaymentID),
		"paymentRequestId": id(requestID),
		"redirectActionForm": matchers.StructMatcher{
			"method":      "GET",
			"redirectUrl": matchers.Regex(exampleCashier, urlRegex),
		},
	}
}

// envelope is a refusal: the code and status F exactly, message is the example text.
func envelope(code openapi.Code, message string) matchers.StructMatcher {
	return matchers.StructMatcher{"result": result(code, openapi.StatusFail, message)}
}

// given adds the state with the params the pact records for it (StateParams).
func given[T interface {
	GivenWithParameter(models.ProviderState) T
}](i T, states ...string) T {
	for _, s := range states {
		i = i.GivenWithParameter(models.ProviderState{Name: s, Parameters: StateParams(s)})
	}
	return i
}

func TestMerchantWalletPay(t *testing.T) {
	pact := newMerchantWalletPact(t)
	ctx := context.Background()
	valueRegexed := value("10000")

	t.Run("general payment accepted", func(t *testing.T) {
		err := given(pact.AddInteraction(), StateAcceptsGeneral).
			UponReceiving("pay: a general payment is accepted").
			WithRequest(http.MethodPost, "/v1/payments/pay", func(b *consumer.V4RequestBuilder) {
				signedRequest(b)
				b.JSONBody(payBody(exampleGeneralRequestID, generalProductCode, valueRegexed))
			}).
			WillRespondWith(http.StatusOK, func(b *consumer.V4ResponseBuilder) {
				signedResponse(b)
				b.JSONBody(accepted(exampleGeneralRequestID))
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

	t.Run("with paymentExpiryTime", func(t *testing.T) {
		// As the reference merchant sends it (internal/merchant: a deadline 15 minutes ahead).
		req := ExamplePay(exampleGeneralRequestID, generalProductCode)
		req.PaymentExpiryTime = exampleExpiry
		body := payBody(exampleGeneralRequestID, generalProductCode, valueRegexed)
		body["paymentExpiryTime"] = injectedTime("paymentExpiryTime", exampleExpiry)
		err := given(pact.AddInteraction(), StateAcceptsGeneral).
			UponReceiving("pay: a general payment with a paymentExpiryTime is accepted").
			WithRequest(http.MethodPost, "/v1/payments/pay", func(b *consumer.V4RequestBuilder) {
				signedRequest(b)
				b.JSONBody(body)
			}).
			WillRespondWith(http.StatusOK, func(b *consumer.V4ResponseBuilder) {
				signedResponse(b)
				b.JSONBody(accepted(exampleGeneralRequestID))
			}).
			ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
				resp, err := merchantClient(t, cfg, merchantKey).Pay(ctx, req)
				if err != nil {
					return err
				}
				assert.Equal(t, openapi.StatusAccepted, resp.Result.ResultStatus)
				return nil
			})
		require.NoError(t, err)
	})

	t.Run("pre-authorization accepted", func(t *testing.T) {
		err := given(pact.AddInteraction(), StateAcceptsPreAuth).
			UponReceiving("pay: a pre-authorization is accepted").
			WithRequest(http.MethodPost, "/v1/payments/pay", func(b *consumer.V4RequestBuilder) {
				signedRequest(b)
				b.JSONBody(payBody(examplePreAuthRequestID, preAuthProductCode, valueRegexed))
			}).
			WillRespondWith(http.StatusOK, func(b *consumer.V4ResponseBuilder) {
				signedResponse(b)
				b.JSONBody(accepted(examplePreAuthRequestID))
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
		err := given(pact.AddInteraction(), StatePaymentCreated).
			UponReceiving("pay: a repeated request with the same content is accepted again").
			WithRequest(http.MethodPost, "/v1/payments/pay", func(b *consumer.V4RequestBuilder) {
				signedRequest(b)
				b.JSONBody(payBody(ExampleRepeatRequestID, generalProductCode, exactValue("10000")))
			}).
			WillRespondWith(http.StatusOK, func(b *consumer.V4ResponseBuilder) {
				signedResponse(b)
				b.JSONBody(accepted(ExampleRepeatRequestID))
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
		err := given(pact.AddInteraction(), StatePaymentCreated).
			UponReceiving("pay: the same paymentRequestId with another amount is REPEAT_REQ_INCONSISTENT").
			WithRequest(http.MethodPost, "/v1/payments/pay", func(b *consumer.V4RequestBuilder) {
				signedRequest(b)
				b.JSONBody(payBody(ExampleRepeatRequestID, generalProductCode, exactValue("20000")))
			}).
			WillRespondWith(http.StatusOK, func(b *consumer.V4ResponseBuilder) {
				signedResponse(b)
				b.JSONBody(envelope(openapi.RepeatReqInconsistent, "paymentRequestId PAY-REPEAT-0001 was already used with different content"))
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
		err = given(pact.AddInteraction(), StateAcceptsGeneral, StateUnknownMerchantKey).
			UponReceiving("pay: a request signed with a key the wallet does not know is INVALID_SIGNATURE").
			WithRequest(http.MethodPost, "/v1/payments/pay", func(b *consumer.V4RequestBuilder) {
				signedRequest(b)
				b.JSONBody(payBody(exampleGeneralRequestID, generalProductCode, valueRegexed))
			}).
			WillRespondWith(http.StatusOK, func(b *consumer.V4ResponseBuilder) {
				signedResponse(b)
				b.JSONBody(envelope(openapi.InvalidSignature, "the signature does not verify"))
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
		err := given(pact.AddInteraction(), StateAcceptsGeneral).
			UponReceiving("pay: an amount in major units (100.00) is PARAM_ILLEGAL").
			WithRequest(http.MethodPost, "/v1/payments/pay", func(b *consumer.V4RequestBuilder) {
				signedRequest(b)
				// Exactly this value: the interaction is about it.
				b.JSONBody(payBody(exampleGeneralRequestID, generalProductCode, "100.00"))
			}).
			WillRespondWith(http.StatusOK, func(b *consumer.V4ResponseBuilder) {
				signedResponse(b)
				b.JSONBody(envelope(openapi.ParamIllegal, "paymentAmount.value must be integer minor units"))
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
				"result":           result(openapi.Success, openapi.StatusSuccess, "success"),
				"paymentId":        id(examplePaymentID),
				"paymentRequestId": id(exampleGeneralRequestID),
				"paymentAmount":    exactAmount("USD", "10000"),
				"paymentStatus":    tc.status, // exactly
			}
			for k, v := range tc.extra {
				body[k] = v
			}
			err := given(pact.AddInteraction(), tc.state).
				UponReceiving("inquiryPayment: a payment reported as "+tc.status).
				WithRequest(http.MethodPost, "/v1/payments/inquiryPayment", func(b *consumer.V4RequestBuilder) {
					signedRequest(b)
					b.JSONBody(matchers.StructMatcher{"paymentId": injected("paymentId", examplePaymentID)})
				}).
				WillRespondWith(http.StatusOK, func(b *consumer.V4ResponseBuilder) {
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

// TestMerchantWalletByRequestID: a merchant that lost the paymentId (pay timed out) asks by
// its own paymentRequestId (PROTOCOL.md: inquiryPayment and cancel take either).
func TestMerchantWalletByRequestID(t *testing.T) {
	pact := newMerchantWalletPact(t)
	ctx := context.Background()
	byRequestID := matchers.StructMatcher{"paymentRequestId": injected("paymentRequestId", exampleGeneralRequestID)}

	t.Run("inquiryPayment", func(t *testing.T) {
		err := given(pact.AddInteraction(), StatePaymentPaid).
			UponReceiving("inquiryPayment: by paymentRequestId, a payment reported as SUCCESS").
			WithRequest(http.MethodPost, "/v1/payments/inquiryPayment", func(b *consumer.V4RequestBuilder) {
				signedRequest(b)
				b.JSONBody(byRequestID)
			}).
			WillRespondWith(http.StatusOK, func(b *consumer.V4ResponseBuilder) {
				signedResponse(b)
				b.JSONBody(matchers.StructMatcher{
					"result":           result(openapi.Success, openapi.StatusSuccess, "success"),
					"paymentId":        id(examplePaymentID),
					"paymentRequestId": id(exampleGeneralRequestID),
					"paymentAmount":    exactAmount("USD", "10000"),
					"paymentStatus":    openapi.PaymentSuccess,
					"paymentTime":      rfc3339(),
				})
			}).
			ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
				resp, err := merchantClient(t, cfg, merchantKey).InquiryPayment(ctx, &openapi.InquiryPaymentRequest{PaymentRequestID: exampleGeneralRequestID})
				if err != nil {
					return err
				}
				assert.Equal(t, openapi.PaymentSuccess, resp.PaymentStatus)
				assert.Equal(t, examplePaymentID, resp.PaymentID)
				return nil
			})
		require.NoError(t, err)
	})

	t.Run("cancel", func(t *testing.T) {
		err := given(pact.AddInteraction(), StatePaymentAwaiting).
			UponReceiving("cancel: by paymentRequestId, a payment awaiting the payer is cancelled").
			WithRequest(http.MethodPost, "/v1/payments/cancel", func(b *consumer.V4RequestBuilder) {
				signedRequest(b)
				b.JSONBody(byRequestID)
			}).
			WillRespondWith(http.StatusOK, func(b *consumer.V4ResponseBuilder) {
				signedResponse(b)
				b.JSONBody(matchers.StructMatcher{
					"result":           result(openapi.Success, openapi.StatusSuccess, "success"),
					"paymentId":        id(examplePaymentID),
					"paymentRequestId": id(exampleGeneralRequestID),
					"cancelTime":       rfc3339(),
				})
			}).
			ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
				resp, err := merchantClient(t, cfg, merchantKey).Cancel(ctx, &openapi.CancelRequest{PaymentRequestID: exampleGeneralRequestID})
				if err != nil {
					return err
				}
				assert.Equal(t, openapi.StatusSuccess, resp.Result.ResultStatus)
				assert.Equal(t, examplePaymentID, resp.PaymentID)
				return nil
			})
		require.NoError(t, err)
	})
}

func TestMerchantWalletCancel(t *testing.T) {
	pact := newMerchantWalletPact(t)
	err := given(pact.AddInteraction(), StatePaymentAwaiting).
		UponReceiving("cancel: a payment awaiting the payer is cancelled").
		WithRequest(http.MethodPost, "/v1/payments/cancel", func(b *consumer.V4RequestBuilder) {
			signedRequest(b)
			b.JSONBody(matchers.StructMatcher{"paymentId": injected("paymentId", examplePaymentID)})
		}).
		WillRespondWith(http.StatusOK, func(b *consumer.V4ResponseBuilder) {
			signedResponse(b)
			b.JSONBody(matchers.StructMatcher{
				"result":     result(openapi.Success, openapi.StatusSuccess, "success"),
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
			"result":           result(openapi.Success, openapi.StatusSuccess, "success"),
			"captureRequestId": id(exampleCaptureRequestID),
			"captureId":        id(exampleCaptureID),
			"paymentId":        id(examplePaymentID),
			"captureAmount":    exactAmount("USD", value),
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
			answer: envelope(openapi.CaptureAmountExceed, "captureAmount exceeds the authorized remainder"),
			want:   openapi.CaptureAmountExceed,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.body["captureRequestId"] = injected("captureRequestId", exampleCaptureRequestID)
			tc.body["paymentId"] = injected("paymentId", examplePaymentID)
			err := given(pact.AddInteraction(), StateAuthorized).
				UponReceiving(tc.description).
				WithRequest(http.MethodPost, "/v1/payments/capture", func(b *consumer.V4RequestBuilder) {
					signedRequest(b)
					b.JSONBody(tc.body)
				}).
				WillRespondWith(http.StatusOK, func(b *consumer.V4ResponseBuilder) {
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
		err := given(pact.AddInteraction(), StatePaymentPaid).
			UponReceiving("refund: part of a paid payment is refunded").
			WithRequest(http.MethodPost, "/v1/payments/refund", func(b *consumer.V4RequestBuilder) {
				signedRequest(b)
				b.JSONBody(matchers.StructMatcher{
					"refundRequestId": injected("refundRequestId", exampleRefundRequestID),
					"paymentId":       injected("paymentId", examplePaymentID),
					"refundAmount":    amount("USD", "3000"),
					"refundReason":    matchers.Like("charger fault"),
				})
			}).
			WillRespondWith(http.StatusOK, func(b *consumer.V4ResponseBuilder) {
				signedResponse(b)
				b.JSONBody(matchers.StructMatcher{
					"result":          result(openapi.Success, openapi.StatusSuccess, "success"),
					"refundRequestId": id(exampleRefundRequestID),
					"refundId":        id(exampleRefundID),
					"paymentId":       id(examplePaymentID),
					"refundAmount":    exactAmount("USD", "3000"),
					// No refundTime: a wallet SHOULD send it, and the merchant does not need it
					// (docs/protocol.md, "Where published wallets differ").
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
		err := given(pact.AddInteraction(), StateRefunded).
			UponReceiving("inquiryRefund: a refund reported as SUCCESS").
			WithRequest(http.MethodPost, "/v1/payments/inquiryRefund", func(b *consumer.V4RequestBuilder) {
				signedRequest(b)
				b.JSONBody(matchers.StructMatcher{"refundId": injected("refundId", exampleRefundID)})
			}).
			WillRespondWith(http.StatusOK, func(b *consumer.V4ResponseBuilder) {
				signedResponse(b)
				b.JSONBody(matchers.StructMatcher{
					"result":          result(openapi.Success, openapi.StatusSuccess, "success"),
					"refundId":        id(exampleRefundID),
					"refundRequestId": id(exampleRefundRequestID),
					"paymentId":       id(examplePaymentID),
					"refundAmount":    exactAmount("USD", "3000"),
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
