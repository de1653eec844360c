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
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/signing"
	"github.com/tradepaykit/tradepaykit/internal/walletclient"
)

// The consumer side of merchant-wallet.json: the merchant's real wallet client
// (internal/walletclient) calls Pact's mock wallet, which answers as the contract says.

// merchantClient is the reference merchant's wallet client pointed at Pact's mock wallet.
// The mock answers with the contract's example headers and cannot sign, so the RSA check is
// replaced by one that still requires what the contract pins: a well-formed Signature and a
// Response-Time. The real signatures are checked where they exist: provider verification
// signs every replayed request and checks every answer with the real keys.
func merchantClient(t *testing.T, d dialect.Dialect, cfg consumer.MockServerConfig, key *rsa.PrivateKey) *walletclient.Client {
	t.Helper()
	c, err := walletclient.New(walletclient.Config{
		BaseURL:        fmt.Sprintf("http://%s:%d", cfg.Host, cfg.Port),
		ClientID:       fixtures.ClientID,
		PrivateKey:     key,
		VerifyResponse: wellFormedSignature,
		Dialect:        d,
		PartnerID:      dialect.DefaultPartnerID,
		AppID:          ExampleAppID,
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

// payBody is the pact's view of ExamplePayIn(d, ...): ids and product code injected by the
// state, the title in the dialect's field, partnerId and appId where the dialect carries them.
func payBody(d dialect.Dialect, requestID string, preAuth bool, value any) matchers.StructMatcher {
	m := matchers.StructMatcher{
		"paymentRequestId": injected("paymentRequestId", requestID),
		"paymentAmount":    matchers.StructMatcher{"currency": matchers.Regex("USD", currencyRegex), "value": value},
		"paymentFactor":    matchers.StructMatcher{"isCashierPayment": true},
		"paymentNotifyUrl": matchers.Regex(ExampleNotifyURL, urlRegex),
	}
	if code := d.ProductCodeFor(preAuth); code != "" {
		m["productCode"] = injected("productCode", code)
	} else if preAuth {
		// No pre-authorization code in the dialect (v2): the factor says it.
		m["paymentFactor"] = matchers.StructMatcher{"isCashierPayment": true, "isAuthorization": true}
	}
	if d.TitleInOrderDescription() {
		m["order"] = matchers.StructMatcher{"orderDescription": matchers.Like(ExampleTitle)}
	} else {
		m["paymentOrderTitle"] = matchers.Like(ExampleTitle)
	}
	if d.CarriesPartnerID() {
		m["partnerId"] = id(dialect.DefaultPartnerID)
	}
	if d.RequiresAppID() {
		m["appId"] = id(ExampleAppID)
	}
	return m
}

// withPartnerID adds partnerId to a request body where the dialect carries it.
func withPartnerID(d dialect.Dialect, m matchers.StructMatcher) matchers.StructMatcher {
	if d.CarriesPartnerID() {
		m["partnerId"] = id(dialect.DefaultPartnerID)
	}
	return m
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

// given adds the state with the params the pact of d's preset records for it
// (StateParamsIn).
func given[T interface {
	GivenWithParameter(models.ProviderState) T
}](d dialect.Dialect, i T, states ...string) T {
	for _, s := range states {
		i = i.GivenWithParameter(models.ProviderState{Name: s, Parameters: StateParamsIn(d, s)})
	}
	return i
}

func TestMerchantWalletPay(t *testing.T) { forEachPreset(t, testMerchantWalletPay) }

func testMerchantWalletPay(t *testing.T, d dialect.Dialect, pair Pair) {
	pact := newPact(t, pair, pair.Merchant, pair.Wallet)
	ctx := context.Background()
	valueRegexed := value("10000")

	t.Run("general payment accepted", func(t *testing.T) {
		err := given(d, pact.AddInteraction(), StateAcceptsGeneral).
			UponReceiving("pay: a general payment is accepted").
			WithRequest(http.MethodPost, d.PathFor(dialect.Pay), func(b *consumer.V4RequestBuilder) {
				signedRequest(b)
				b.JSONBody(payBody(d, exampleGeneralRequestID, false, valueRegexed))
			}).
			WillRespondWith(http.StatusOK, func(b *consumer.V4ResponseBuilder) {
				signedResponse(b)
				b.JSONBody(accepted(exampleGeneralRequestID))
			}).
			ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
				resp, err := merchantClient(t, d, cfg, merchantKey).Pay(ctx, ExamplePayIn(d, exampleGeneralRequestID, false))
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
		req := ExamplePayIn(d, exampleGeneralRequestID, false)
		req.PaymentExpiryTime = exampleExpiry
		body := payBody(d, exampleGeneralRequestID, false, valueRegexed)
		body["paymentExpiryTime"] = injectedTime("paymentExpiryTime", exampleExpiry)
		err := given(d, pact.AddInteraction(), StateAcceptsGeneral).
			UponReceiving("pay: a general payment with a paymentExpiryTime is accepted").
			WithRequest(http.MethodPost, d.PathFor(dialect.Pay), func(b *consumer.V4RequestBuilder) {
				signedRequest(b)
				b.JSONBody(body)
			}).
			WillRespondWith(http.StatusOK, func(b *consumer.V4ResponseBuilder) {
				signedResponse(b)
				b.JSONBody(accepted(exampleGeneralRequestID))
			}).
			ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
				resp, err := merchantClient(t, d, cfg, merchantKey).Pay(ctx, req)
				if err != nil {
					return err
				}
				assert.Equal(t, openapi.StatusAccepted, resp.Result.ResultStatus)
				return nil
			})
		require.NoError(t, err)
	})

	t.Run("pre-authorization accepted", func(t *testing.T) {
		err := given(d, pact.AddInteraction(), StateAcceptsPreAuth).
			UponReceiving("pay: a pre-authorization is accepted").
			WithRequest(http.MethodPost, d.PathFor(dialect.Pay), func(b *consumer.V4RequestBuilder) {
				signedRequest(b)
				b.JSONBody(payBody(d, examplePreAuthRequestID, true, valueRegexed))
			}).
			WillRespondWith(http.StatusOK, func(b *consumer.V4ResponseBuilder) {
				signedResponse(b)
				b.JSONBody(accepted(examplePreAuthRequestID))
			}).
			ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
				resp, err := merchantClient(t, d, cfg, merchantKey).Pay(ctx, ExamplePayIn(d, examplePreAuthRequestID, true))
				if err != nil {
					return err
				}
				assert.Equal(t, openapi.Accept, resp.Result.ResultCode)
				return nil
			})
		require.NoError(t, err)
	})

	t.Run("idempotent repeat", func(t *testing.T) {
		err := given(d, pact.AddInteraction(), StatePaymentCreated).
			UponReceiving("pay: a repeated request with the same content is accepted again").
			WithRequest(http.MethodPost, d.PathFor(dialect.Pay), func(b *consumer.V4RequestBuilder) {
				signedRequest(b)
				b.JSONBody(payBody(d, ExampleRepeatRequestID, false, exactValue("10000")))
			}).
			WillRespondWith(http.StatusOK, func(b *consumer.V4ResponseBuilder) {
				signedResponse(b)
				b.JSONBody(accepted(ExampleRepeatRequestID))
			}).
			ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
				resp, err := merchantClient(t, d, cfg, merchantKey).Pay(ctx, ExamplePayIn(d, ExampleRepeatRequestID, false))
				if err != nil {
					return err
				}
				assert.Equal(t, examplePaymentID, resp.PaymentID)
				return nil
			})
		require.NoError(t, err)
	})

	t.Run("repeat with other content", func(t *testing.T) {
		req := ExamplePayIn(d, ExampleRepeatRequestID, false)
		req.PaymentAmount.Value = "20000"
		err := given(d, pact.AddInteraction(), StatePaymentCreated).
			UponReceiving("pay: the same paymentRequestId with another amount is REPEAT_REQ_INCONSISTENT").
			WithRequest(http.MethodPost, d.PathFor(dialect.Pay), func(b *consumer.V4RequestBuilder) {
				signedRequest(b)
				b.JSONBody(payBody(d, ExampleRepeatRequestID, false, exactValue("20000")))
			}).
			WillRespondWith(http.StatusOK, func(b *consumer.V4ResponseBuilder) {
				signedResponse(b)
				b.JSONBody(envelope(openapi.RepeatReqInconsistent, "paymentRequestId PAY-REPEAT-0001 was already used with different content"))
			}).
			ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
				resp, err := merchantClient(t, d, cfg, merchantKey).Pay(ctx, req)
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
		err = given(d, pact.AddInteraction(), StateAcceptsGeneral, StateUnknownMerchantKey).
			UponReceiving("pay: a request signed with a key the wallet does not know is INVALID_SIGNATURE").
			WithRequest(http.MethodPost, d.PathFor(dialect.Pay), func(b *consumer.V4RequestBuilder) {
				signedRequest(b)
				b.JSONBody(payBody(d, exampleGeneralRequestID, false, valueRegexed))
			}).
			WillRespondWith(http.StatusOK, func(b *consumer.V4ResponseBuilder) {
				signedResponse(b)
				b.JSONBody(envelope(openapi.InvalidSignature, "the signature does not verify"))
			}).
			ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
				resp, err := merchantClient(t, d, cfg, unknown).Pay(ctx, ExamplePayIn(d, exampleGeneralRequestID, false))
				if err != nil {
					return err
				}
				assert.Equal(t, openapi.InvalidSignature, resp.Result.ResultCode)
				return nil
			})
		require.NoError(t, err)
	})

	t.Run("decimal amount", func(t *testing.T) {
		req := ExamplePayIn(d, exampleGeneralRequestID, false)
		req.PaymentAmount.Value = "100.00"
		err := given(d, pact.AddInteraction(), StateAcceptsGeneral).
			UponReceiving("pay: an amount in major units (100.00) is PARAM_ILLEGAL").
			WithRequest(http.MethodPost, d.PathFor(dialect.Pay), func(b *consumer.V4RequestBuilder) {
				signedRequest(b)
				// Exactly this value: the interaction is about it.
				b.JSONBody(payBody(d, exampleGeneralRequestID, false, "100.00"))
			}).
			WillRespondWith(http.StatusOK, func(b *consumer.V4ResponseBuilder) {
				signedResponse(b)
				b.JSONBody(envelope(openapi.ParamIllegal, "paymentAmount.value must be integer minor units"))
			}).
			ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
				resp, err := merchantClient(t, d, cfg, merchantKey).Pay(ctx, req)
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
	forEachPreset(t, testMerchantWalletInquiryPayment)
}

func testMerchantWalletInquiryPayment(t *testing.T, d dialect.Dialect, pair Pair) {
	pact := newPact(t, pair, pair.Merchant, pair.Wallet)
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
			err := given(d, pact.AddInteraction(), tc.state).
				UponReceiving("inquiryPayment: a payment reported as "+tc.status).
				WithRequest(http.MethodPost, d.PathFor(dialect.InquiryPayment), func(b *consumer.V4RequestBuilder) {
					signedRequest(b)
					b.JSONBody(withPartnerID(d, matchers.StructMatcher{"paymentId": injected("paymentId", examplePaymentID)}))
				}).
				WillRespondWith(http.StatusOK, func(b *consumer.V4ResponseBuilder) {
					signedResponse(b)
					b.JSONBody(body)
				}).
				ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
					resp, err := merchantClient(t, d, cfg, merchantKey).InquiryPayment(ctx, &openapi.InquiryPaymentRequest{PaymentID: examplePaymentID})
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
func TestMerchantWalletByRequestID(t *testing.T) { forEachPreset(t, testMerchantWalletByRequestID) }

func testMerchantWalletByRequestID(t *testing.T, d dialect.Dialect, pair Pair) {
	pact := newPact(t, pair, pair.Merchant, pair.Wallet)
	ctx := context.Background()
	byRequestID := matchers.StructMatcher{"paymentRequestId": injected("paymentRequestId", exampleGeneralRequestID)}

	t.Run("inquiryPayment", func(t *testing.T) {
		err := given(d, pact.AddInteraction(), StatePaymentPaid).
			UponReceiving("inquiryPayment: by paymentRequestId, a payment reported as SUCCESS").
			WithRequest(http.MethodPost, d.PathFor(dialect.InquiryPayment), func(b *consumer.V4RequestBuilder) {
				signedRequest(b)
				b.JSONBody(withPartnerID(d, matchers.StructMatcher{"paymentRequestId": injected("paymentRequestId", exampleGeneralRequestID)}))
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
				resp, err := merchantClient(t, d, cfg, merchantKey).InquiryPayment(ctx, &openapi.InquiryPaymentRequest{PaymentRequestID: exampleGeneralRequestID})
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
		err := given(d, pact.AddInteraction(), StatePaymentAwaiting).
			UponReceiving("cancel: by paymentRequestId, a payment awaiting the payer is cancelled").
			WithRequest(http.MethodPost, d.PathFor(dialect.Cancel), func(b *consumer.V4RequestBuilder) {
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
				resp, err := merchantClient(t, d, cfg, merchantKey).Cancel(ctx, &openapi.CancelRequest{PaymentRequestID: exampleGeneralRequestID})
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

func TestMerchantWalletCancel(t *testing.T) { forEachPreset(t, testMerchantWalletCancel) }

func testMerchantWalletCancel(t *testing.T, d dialect.Dialect, pair Pair) {
	pact := newPact(t, pair, pair.Merchant, pair.Wallet)
	err := given(d, pact.AddInteraction(), StatePaymentAwaiting).
		UponReceiving("cancel: a payment awaiting the payer is cancelled").
		WithRequest(http.MethodPost, d.PathFor(dialect.Cancel), func(b *consumer.V4RequestBuilder) {
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
			resp, err := merchantClient(t, d, cfg, merchantKey).Cancel(context.Background(), &openapi.CancelRequest{PaymentID: examplePaymentID})
			if err != nil {
				return err
			}
			assert.Equal(t, openapi.StatusSuccess, resp.Result.ResultStatus)
			assert.Equal(t, exampleTime, resp.CancelTime)
			return nil
		})
	require.NoError(t, err)
}

func TestMerchantWalletCapture(t *testing.T) { forEachPreset(t, testMerchantWalletCapture) }

func testMerchantWalletCapture(t *testing.T, d dialect.Dialect, pair Pair) {
	pact := newPact(t, pair, pair.Merchant, pair.Wallet)
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
	type captureCase struct {
		name        string
		state       string
		description string
		request     *openapi.CaptureRequest
		body        matchers.StructMatcher
		answer      matchers.StructMatcher
		want        openapi.Code // "" when the protocol does not pin it
	}
	cases := []captureCase{
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
	}
	if !d.AllowsSecondCapture() {
		// One capture per authorization (v1-qi): a second one is refused, F exactly; the code
		// is the wallet's (docs/protocol.md, "Where published wallets differ").
		cases = append(cases, captureCase{
			name: "second", state: StateCapturedOnce,
			description: "capture: a second capture of an authorization already captured once is refused",
			request: &openapi.CaptureRequest{CaptureRequestID: exampleCaptureRequestID, PaymentID: examplePaymentID,
				CaptureAmount: &openapi.Amount{Currency: "USD", Value: "2000"}},
			body: matchers.StructMatcher{"captureAmount": amount("USD", "2000")},
			answer: matchers.StructMatcher{"result": matchers.StructMatcher{
				"resultCode":    matchers.Regex("AUTH_CANCELLED", resultCodeRegex),
				"resultStatus":  string(openapi.StatusFail),
				"resultMessage": matchers.Like("the authorization was captured once and is closed"),
			}},
		})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.state == "" {
				tc.state = StateAuthorized
			}
			tc.body["captureRequestId"] = injected("captureRequestId", exampleCaptureRequestID)
			tc.body["paymentId"] = injected("paymentId", examplePaymentID)
			err := given(d, pact.AddInteraction(), tc.state).
				UponReceiving(tc.description).
				WithRequest(http.MethodPost, d.PathFor(dialect.Capture), func(b *consumer.V4RequestBuilder) {
					signedRequest(b)
					b.JSONBody(tc.body)
				}).
				WillRespondWith(http.StatusOK, func(b *consumer.V4ResponseBuilder) {
					signedResponse(b)
					b.JSONBody(tc.answer)
				}).
				ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
					resp, err := merchantClient(t, d, cfg, merchantKey).Capture(context.Background(), tc.request)
					if err != nil {
						return err
					}
					if tc.want == "" {
						assert.Equal(t, openapi.StatusFail, resp.Result.ResultStatus)
					} else {
						assert.Equal(t, tc.want, resp.Result.ResultCode)
					}
					return nil
				})
			require.NoError(t, err)
		})
	}
}

func TestMerchantWalletRefund(t *testing.T) { forEachPreset(t, testMerchantWalletRefund) }

func testMerchantWalletRefund(t *testing.T, d dialect.Dialect, pair Pair) {
	pact := newPact(t, pair, pair.Merchant, pair.Wallet)
	ctx := context.Background()

	t.Run("refund", func(t *testing.T) {
		err := given(d, pact.AddInteraction(), StatePaymentPaid).
			UponReceiving(d.APIName(dialect.Refund)+": part of a paid payment is refunded").
			WithRequest(http.MethodPost, d.PathFor(dialect.Refund), func(b *consumer.V4RequestBuilder) {
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
				resp, err := merchantClient(t, d, cfg, merchantKey).Refund(ctx, &openapi.RefundRequest{
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
		err := given(d, pact.AddInteraction(), StateRefunded).
			UponReceiving("inquiryRefund: a refund reported as SUCCESS").
			WithRequest(http.MethodPost, d.PathFor(dialect.InquiryRefund), func(b *consumer.V4RequestBuilder) {
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
				resp, err := merchantClient(t, d, cfg, merchantKey).InquiryRefund(ctx, &openapi.InquiryRefundRequest{RefundID: exampleRefundID})
				if err != nil {
					return err
				}
				assert.Equal(t, openapi.RefundSuccess, resp.RefundStatus)
				return nil
			})
		require.NoError(t, err)
	})
}
