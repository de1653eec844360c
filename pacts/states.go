package pacts

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/target"
	"github.com/tradepaykit/tradepaykit/internal/walletclient"
)

// expiryAhead is how far ahead of now the kit's states put paymentExpiryTime.
const expiryAhead = 24 * time.Hour

// freshID returns an id no earlier run used, so states can be set up again and again in a
// long-lived sandbox. These ids never reach the pact files, which hold fixed examples.
func freshID(prefix string) string { return prefix + rand.Text() }

// walletStates sets up the states of merchant-wallet.json through the wallet's own OpenAPI
// (as the merchant) and its test control (as the payer): the hooks every wallet under test
// exposes (docs/hooks.md), so the same set-up serves the embedded mock and
// a vendor's sandbox. A wallet invents its own payment ids, so the verifier cannot replay the
// pact's example ids as they are: each state answers the ids it created and the verifier
// injects them (Pact's ProviderState generators). Making the mock accept fixed ids instead
// would be a back door no vendor's wallet has, and would verify the mock alone.
type walletStates struct {
	api     *walletclient.Client
	control *target.WalletControl
	profile fixtures.WalletProfile
}

// setup creates the state and returns the values the verifier injects into the request.
// Every state answers fresh request ids, so that replayed requests create new things.
func (s *walletStates) setup(ctx context.Context, state string) (map[string]any, error) {
	v := map[string]any{
		"paymentRequestId": freshID("KIT-PAY-"),
		"captureRequestId": freshID("KIT-CAP-"),
		"refundRequestId":  freshID("KIT-REF-"),
		"productCode":      s.profile.GeneralProductCode,
	}
	switch state {
	case StateAcceptsGeneral:
		// A deadline in the future whenever the pay interaction runs: the pact's example
		// (15 minutes after its example time) is long past.
		v["paymentExpiryTime"] = s.now(ctx).Add(expiryAhead).UTC().Format(time.RFC3339)
		return v, nil
	case StateAcceptsPreAuth:
		if s.profile.PreAuthProductCode != "" {
			v["productCode"] = s.profile.PreAuthProductCode
		}
		return v, nil
	case StatePaymentCreated:
		_, err := s.pay(ctx, s.examplePay(v["paymentRequestId"].(string), false))
		return v, err
	case StatePaymentAwaiting:
		return s.payment(ctx, v, false, "")
	case StatePaymentPaid:
		return s.payment(ctx, v, false, target.Confirm)
	case StatePaymentFailed:
		return s.payment(ctx, v, false, target.Decline)
	case StateAuthorized:
		return s.payment(ctx, v, true, target.Confirm)
	case StateCapturedOnce:
		if _, err := s.payment(ctx, v, true, target.Confirm); err != nil {
			return nil, err
		}
		resp, err := s.api.Capture(ctx, &openapi.CaptureRequest{
			CaptureRequestID: freshID("KIT-CAP-"), PaymentID: v["paymentId"].(string), CaptureAmount: ptr(openapi.WireAmount(capturedOnce)),
		})
		if err != nil {
			return nil, fmt.Errorf("capture: %w", err)
		}
		if resp.Result.ResultStatus != openapi.StatusSuccess {
			return nil, fmt.Errorf("capture answered %s %s: %s", resp.Result.ResultStatus, resp.Result.ResultCode, resp.Result.ResultMessage)
		}
		return v, nil
	case StatePaymentCancelled:
		if _, err := s.payment(ctx, v, false, ""); err != nil {
			return nil, err
		}
		resp, err := s.api.Cancel(ctx, &openapi.CancelRequest{PaymentID: v["paymentId"].(string)})
		if err != nil {
			return nil, fmt.Errorf("cancel: %w", err)
		}
		if resp.Result.ResultStatus != openapi.StatusSuccess {
			return nil, fmt.Errorf("cancel answered %s %s: %s", resp.Result.ResultStatus, resp.Result.ResultCode, resp.Result.ResultMessage)
		}
		return v, nil
	case StateRefunded:
		if _, err := s.payment(ctx, v, false, target.Confirm); err != nil {
			return nil, err
		}
		resp, err := s.api.Refund(ctx, &openapi.RefundRequest{
			RefundRequestID: v["refundRequestId"].(string), PaymentID: v["paymentId"].(string),
			RefundAmount: openapi.WireAmount(refundAmount), RefundReason: "kit state set-up",
		})
		if err != nil {
			return nil, fmt.Errorf("refund: %w", err)
		}
		if resp.Result.ResultStatus != openapi.StatusSuccess || resp.RefundID == "" {
			return nil, fmt.Errorf("refund answered %s %s without a refundId: %s", resp.Result.ResultStatus, resp.Result.ResultCode, resp.Result.ResultMessage)
		}
		v["refundId"] = resp.RefundID
		v["refundRequestId"] = freshID("KIT-REF-")
		return v, nil
	default:
		return nil, fmt.Errorf("the kit does not know how to set up this state")
	}
}

// now is the wallet's time: from its clock control where it has one (a kit extension; the
// kit's wallet mock moves its clock in the self-test), the machine's time otherwise.
func (s *walletStates) now(ctx context.Context) time.Time {
	if t, err := s.control.AdvanceClock(ctx, 0); err == nil {
		return t
	}
	return time.Now()
}

// examplePay is the pay of the pact's examples with the wallet's product code for the
// payment type; where there is none (a v2 pre-authorization), paymentFactor.isAuthorization
// says it (ExamplePayIn).
func (s *walletStates) examplePay(requestID string, preAuth bool) *openapi.PayRequest {
	code := s.profile.GeneralProductCode
	if preAuth {
		code = s.profile.PreAuthProductCode
	}
	r := ExamplePay(requestID, code)
	if preAuth && code == "" {
		r.PaymentFactor.IsAuthorization = true
	}
	return r
}

func ptr[T any](v T) *T { return &v }

// payment creates a payment and lets the payer act on it (no action: it stays waiting).
func (s *walletStates) payment(ctx context.Context, v map[string]any, preAuth bool, action target.Action) (map[string]any, error) {
	req := s.examplePay(v["paymentRequestId"].(string), preAuth)
	// A state's payment needs no notification: the wallet falls back to the merchant's
	// registered notify URL, if any, instead of the example address.
	req.PaymentNotifyURL = ""
	resp, err := s.pay(ctx, req)
	if err != nil {
		return nil, err
	}
	v["paymentId"] = resp.PaymentID
	want := map[target.Action]string{target.Confirm: "9000", target.Decline: "4000"}[action]
	if action == "" {
		return v, nil
	}
	code, err := s.control.TradePay(ctx, target.Token{TradeNO: resp.PaymentID}, action, "")
	if err != nil {
		return nil, fmt.Errorf("tradePay %s: %w", action, err)
	}
	if code != want {
		return nil, fmt.Errorf("tradePay %s answered resultCode %s, want %s", action, code, want)
	}
	return v, nil
}

func (s *walletStates) pay(ctx context.Context, req *openapi.PayRequest) (*openapi.PayResponse, error) {
	resp, err := s.api.Pay(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("pay: %w", err)
	}
	if resp.Result.ResultStatus != openapi.StatusAccepted || resp.PaymentID == "" {
		return nil, fmt.Errorf("pay answered %s %s without a paymentId: %s", resp.Result.ResultStatus, resp.Result.ResultCode, resp.Result.ResultMessage)
	}
	return resp, nil
}

// merchantStates sets up the states of wallet-merchant.json through the merchant's test
// adapter (as the mini program) and, for a paid order, the test control of the wallet the
// merchant is configured with (as the payer).
type merchantStates struct {
	adapter *target.Merchant
	control *target.WalletControl // nil when the run has no wallet control
}

// notifiedWithin bounds the wait for the wallet's notification to be acknowledged, counted
// from the payer's confirmation. A Pact verifier gives up on a state call, and on the replayed
// request, after 5 s by default: the front answers the state call within stateAnswerWithin
// and lets the interaction's request wait for the rest (front.stateChange), so the merchant
// has this long, and every verifier prints the reason when it is not enough.
const notifiedWithin = stateAnswerWithin + replayWaitWithin - 500*time.Millisecond

// setup creates the state and waits until it holds; see begin.
func (s *merchantStates) setup(ctx context.Context, state string) (map[string]any, error) {
	v, ready, err := s.begin(ctx, state)
	if err != nil || ready == nil {
		return v, err
	}
	return v, ready(ctx)
}

// begin creates the state and returns the values the verifier injects, and, for a state that
// holds only once the merchant has acted on it (the paid order's acknowledged notification),
// ready, which waits for that.
func (s *merchantStates) begin(ctx context.Context, state string) (map[string]any, func(context.Context) error, error) {
	switch state {
	case StateOrderAwaiting:
		o, err := s.order(ctx, target.General)
		return values(o), nil, err
	case StatePreAuthOrderAwaiting:
		o, err := s.order(ctx, target.PreAuth)
		return values(o), nil, err
	case StateOrderPaidAndNotified:
		if s.control == nil {
			return nil, nil, errors.New("a paid order needs the wallet's control URL")
		}
		o, err := s.order(ctx, target.General)
		if err != nil {
			return nil, nil, err
		}
		code, err := s.control.TradePay(ctx, o.Token(), target.Confirm, "")
		if err != nil {
			return nil, nil, fmt.Errorf("tradePay CONFIRM: %w", err)
		}
		if code != "9000" {
			return nil, nil, fmt.Errorf("tradePay CONFIRM answered resultCode %s, want 9000", code)
		}
		confirmed := time.Now()
		return values(o), func(ctx context.Context) error { return s.waitAcknowledged(ctx, o.TradeNO, confirmed) }, nil
	default:
		return nil, nil, fmt.Errorf("the kit does not know how to set up this state")
	}
}

// order creates a tradeNO order of 100.00 USD: the merchant calls the wallet's pay, so the
// order knows its paymentId before any notification.
func (s *merchantStates) order(ctx context.Context, typ target.OrderType) (*target.Order, error) {
	o, err := s.adapter.CreateOrder(ctx, target.NewOrder{Flow: target.FlowTradeNO, Type: typ, Amount: orderAmount, Title: ExampleTitle})
	if err != nil {
		return nil, fmt.Errorf("create order: %w", err)
	}
	if o.TradeNO == "" || o.PaymentRequestID == "" {
		return nil, fmt.Errorf("order %s has no tradeNO or no paymentRequestId", o.OrderID)
	}
	return o, nil
}

func values(o *target.Order) map[string]any {
	if o == nil {
		return nil
	}
	return map[string]any{"paymentId": o.TradeNO, "paymentRequestId": o.PaymentRequestID}
}

// waitAcknowledged polls the wallet's view of the payment until a notification was answered
// S, at most notifiedWithin after confirmed.
func (s *merchantStates) waitAcknowledged(ctx context.Context, paymentID string, confirmed time.Time) error {
	ctx, cancel := context.WithDeadline(ctx, confirmed.Add(notifiedWithin))
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		p, err := s.control.Payment(ctx, paymentID)
		if err == nil {
			for _, n := range p.Notifications {
				if n.Outcome == string(openapi.StatusSuccess) {
					return nil
				}
			}
		}
		select {
		case <-ctx.Done():
			if err != nil {
				return fmt.Errorf("payment %s: %w", paymentID, err)
			}
			return fmt.Errorf("the merchant did not acknowledge the SUCCESS notification of %s within %s of the payer's confirmation (attempts: %+v)", paymentID, notifiedWithin, p.Notifications)
		case <-tick.C:
		}
	}
}
