package pacts

import (
	"encoding/json"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// Example values of the pacts. The consumer tests send them, the verifier replays them where
// no provider state injects a value, the states' params name them, and the kit's state set-up
// uses them where the request must repeat what the state created.
const (
	ExampleTitle     = "Charging session"
	ExampleNotifyURL = "https://merchant.example.com/v1/payments/notifyPayment"
	// ExampleRepeatRequestID is the paymentRequestId of StatePaymentCreated's payment.
	ExampleRepeatRequestID = "PAY-REPEAT-0001"
	// ExampleAppID is the appId of the pay interactions where the dialect requires one (v2).
	ExampleAppID = "2021000000000001"

	examplePaymentID        = "2026010200000000000001"
	exampleGeneralRequestID = "PAY-GENERAL-0001"
	examplePreAuthRequestID = "PAY-PREAUTH-0001"
	exampleCaptureRequestID = "CAPTURE-0001"
	exampleRefundRequestID  = "REFUND-0001"
	exampleRefundID         = "2026010200000000000002"
)

// orderAmount is the amount every state's payment or order carries: 100.00 USD.
var orderAmount = money.MustNew("USD", 10000)

// capturedOnce is StateCapturedOnce's capture: 40.00 USD.
var capturedOnce = money.MustNew("USD", 4000)

// refundAmount is StateRefunded's refund: 30.00 USD.
var refundAmount = money.MustNew("USD", 3000)

// ExamplePay is the pay body of the pact's pay interactions: a cashier payment of 100.00 USD.
// StatePaymentCreated creates its payment with exactly this body, so that the interaction
// "a repeated pay request with the same content" is a true repeat.
func ExamplePay(paymentRequestID, productCode string) *openapi.PayRequest {
	return &openapi.PayRequest{
		ProductCode:       productCode,
		PaymentOrderTitle: ExampleTitle,
		PaymentRequestID:  paymentRequestID,
		PaymentAmount:     openapi.WireAmount(orderAmount),
		PaymentFactor:     &openapi.PaymentFactor{IsCashierPayment: true},
		PaymentNotifyURL:  ExampleNotifyURL,
	}
}

// ExamplePayIn is ExamplePay in d's terms, as the kit's wallet client completes it: the
// dialect's product code for the payment type (d.ProductCodeFor) and, where the dialect has no
// pre-authorization code (v2), paymentFactor.isAuthorization for a pre-authorization. The
// client puts the title in the dialect's field and adds partnerId and appId where it carries
// them.
func ExamplePayIn(d dialect.Dialect, paymentRequestID string, preAuth bool) *openapi.PayRequest {
	d = dialect.OrDefault(d)
	r := ExamplePay(paymentRequestID, d.ProductCodeFor(preAuth))
	if preAuth && r.ProductCode == "" {
		r.PaymentFactor.IsAuthorization = true
	}
	return r
}

// StateParams are the params the pact records with a provider state: what a provider needs
// to build the state from the pact alone (the client id, the amount, the product type, the
// status, the example ids the state answers for, and for StatePaymentCreated the exact pay
// body to send). The ids, under "exampleIds", are the pact's examples: a provider creates its
// own and answers them (see the README's table of values). They sit in an object because
// pact-go passes a top-level string param to libpact_ffi as raw JSON, which would turn the
// numeric id 2026010200000000000001 into a float. nil for the states the verifying side
// handles.
func StateParams(state string) map[string]any { return StateParamsIn(dialect.Dialect{}, state) }

// StateParamsIn is StateParams for the pact of d's preset (the zero Dialect: the kit's): the
// same, but for StatePaymentCreated the pay body in d's shape, as the kit's wallet client
// writes it (ExamplePayIn, with dialect.DefaultPartnerID and ExampleAppID where d carries
// them).
func StateParamsIn(d dialect.Dialect, state string) map[string]any {
	d = dialect.OrDefault(d)
	amount := map[string]any{"currency": orderAmount.Currency, "value": orderAmount.ValueString()}
	payment := func(productType, status string) map[string]any {
		return map[string]any{
			"clientId": fixtures.ClientID, "productType": productType, "paymentStatus": status, "paymentAmount": amount,
			"exampleIds": map[string]any{"paymentId": examplePaymentID, "paymentRequestId": exampleGeneralRequestID},
		}
	}
	order := func(orderType, status string) map[string]any {
		return map[string]any{
			"clientId": fixtures.ClientID, "orderType": orderType, "flow": "tradeNO", "paymentStatus": status, "orderAmount": amount,
			"exampleIds": map[string]any{"paymentId": examplePaymentID, "paymentRequestId": exampleGeneralRequestID},
		}
	}
	switch state {
	case StateAcceptsGeneral:
		return map[string]any{"clientId": fixtures.ClientID, "productType": "general"}
	case StateAcceptsPreAuth:
		return map[string]any{"clientId": fixtures.ClientID, "productType": "pre-authorization"}
	case StatePaymentCreated:
		var body map[string]any
		pay := ExamplePayIn(d, ExampleRepeatRequestID, false)
		if d.CarriesPartnerID() {
			pay.PartnerID = dialect.DefaultPartnerID
		}
		if d.RequiresAppID() {
			pay.AppID = ExampleAppID
		}
		raw, err := openapi.EncodePay(d, *pay)
		if err != nil {
			panic(err) // the example is complete in every preset
		}
		_ = json.Unmarshal(raw, &body)
		return map[string]any{"clientId": fixtures.ClientID, "productType": "general", "paymentStatus": openapi.PaymentProcessing, "pay": body}
	case StatePaymentAwaiting:
		return payment("general", openapi.PaymentProcessing)
	case StatePaymentPaid:
		return payment("general", openapi.PaymentSuccess)
	case StatePaymentFailed:
		return payment("general", openapi.PaymentFail)
	case StatePaymentCancelled:
		return payment("general", openapi.PaymentCancelled)
	case StateAuthorized:
		return payment("pre-authorization", openapi.PaymentAuthSuccess)
	case StateCapturedOnce:
		p := payment("pre-authorization", openapi.PaymentSuccess)
		p["capturedAmount"] = map[string]any{"currency": capturedOnce.Currency, "value": capturedOnce.ValueString()}
		return p
	case StateRefunded:
		p := payment("general", openapi.PaymentSuccess)
		ids := p["exampleIds"].(map[string]any)
		ids["refundId"] = exampleRefundID
		ids["refundRequestId"] = exampleRefundRequestID
		p["refundAmount"] = map[string]any{"currency": refundAmount.Currency, "value": refundAmount.ValueString()}
		p["refundStatus"] = openapi.RefundSuccess
		return p
	case StateOrderAwaiting:
		return order("general", openapi.PaymentProcessing)
	case StatePreAuthOrderAwaiting:
		return order("pre-authorization", openapi.PaymentProcessing)
	case StateOrderPaidAndNotified:
		o := order("general", openapi.PaymentSuccess)
		o["notified"] = openapi.PaymentSuccess
		return o
	}
	return nil
}
