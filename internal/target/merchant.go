package target

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/tradepaykit/tradepaykit/internal/money"
)

// Flow is how the mini program pays: the token my.tradePay gets.
type Flow string

// The three flows of PROTOCOL.md.
const (
	FlowTradeNO    Flow = "tradeNO"
	FlowOrderStr   Flow = "orderStr"
	FlowPaymentURL Flow = "paymentUrl"
)

// OrderType is the payment type of an order.
type OrderType string

// The two payment types.
const (
	General OrderType = "GENERAL"
	PreAuth OrderType = "PREAUTH"
)

// Order statuses of the merchant's order view.
const (
	OrderPending    = "PENDING"
	OrderPaid       = "PAID"
	OrderFailed     = "FAILED"
	OrderCancelled  = "CANCELLED"
	OrderAuthorized = "AUTHORIZED"
	OrderCaptured   = "CAPTURED"
	OrderRefunded   = "REFUNDED"
)

// NewOrder is what the mini program asks its server for.
type NewOrder struct {
	Flow   Flow
	Type   OrderType
	Amount money.Amount
	Title  string
}

// Order is the merchant's view of an order. Amounts the merchant leaves out or sends as null
// are zero Amounts. On creation exactly one of TradeNO, OrderStr, PaymentURL is set.
type Order struct {
	OrderID          string
	Status           string
	PaymentID        string
	PaymentRequestID string
	Amount           money.Amount
	AuthorizedAmount money.Amount
	PaidAmount       money.Amount
	RefundedAmount   money.Amount

	TradeNO    string
	OrderStr   string
	PaymentURL string
}

// orderView is the wire form; pointers let null and absent amounts through.
type orderView struct {
	OrderID          string        `json:"orderId"`
	Status           string        `json:"status"`
	PaymentID        string        `json:"paymentId"`
	PaymentRequestID string        `json:"paymentRequestId"`
	Amount           *money.Amount `json:"amount"`
	AuthorizedAmount *money.Amount `json:"authorizedAmount"`
	PaidAmount       *money.Amount `json:"paidAmount"`
	RefundedAmount   *money.Amount `json:"refundedAmount"`
	TradeNO          string        `json:"tradeNO"`
	OrderStr         string        `json:"orderStr"`
	PaymentURL       string        `json:"paymentUrl"`
}

func (v orderView) order() *Order {
	deref := func(a *money.Amount) money.Amount {
		if a == nil {
			return money.Amount{}
		}
		return *a
	}
	return &Order{
		OrderID: v.OrderID, Status: v.Status, PaymentID: v.PaymentID, PaymentRequestID: v.PaymentRequestID,
		Amount: deref(v.Amount), AuthorizedAmount: deref(v.AuthorizedAmount),
		PaidAmount: deref(v.PaidAmount), RefundedAmount: deref(v.RefundedAmount),
		TradeNO: v.TradeNO, OrderStr: v.OrderStr, PaymentURL: v.PaymentURL,
	}
}

// Token returns the my.tradePay token the order carries.
func (o *Order) Token() Token {
	return Token{TradeNO: o.TradeNO, OrderStr: o.OrderStr, PaymentURL: o.PaymentURL}
}

// Merchant is a client of a merchant server's test adapter: the mini program's my.request.
type Merchant struct {
	c client
}

// NewMerchant returns a client of the merchant URL in cfg.BaseURL.
func NewMerchant(cfg Config) (*Merchant, error) {
	c, err := newClient(cfg)
	if err != nil {
		return nil, err
	}
	return &Merchant{c: c}, nil
}

type createOrderRequest struct {
	Flow   Flow         `json:"flow"`
	Type   OrderType    `json:"type"`
	Amount money.Amount `json:"amount"`
	Title  string       `json:"title"`
}

// CreateOrder asks the merchant to create an order (seed 001 steps 2-8, seed 000 steps
// 1.1-1.1.2, seed 003 steps 1-3). The answer must carry an order id and the flow's token.
func (m *Merchant) CreateOrder(ctx context.Context, o NewOrder) (*Order, error) {
	var v orderView
	if err := m.c.do(ctx, http.MethodPost, "/conformance/orders", createOrderRequest(o), &v); err != nil {
		return nil, err
	}
	out := v.order()
	if out.OrderID == "" {
		return nil, errors.New("target: the created order has no orderId")
	}
	want := map[Flow]string{FlowTradeNO: out.TradeNO, FlowOrderStr: out.OrderStr, FlowPaymentURL: out.PaymentURL}[o.Flow]
	if want == "" {
		return out, fmt.Errorf("target: order %s created for flow %s carries no %s", out.OrderID, o.Flow, o.Flow)
	}
	return out, nil
}

func (m *Merchant) orderPath(orderID string) (string, error) {
	if orderID == "" {
		return "", errors.New("target: order id is empty")
	}
	return "/conformance/orders/" + url.PathEscape(orderID), nil
}

// Order reads the merchant's view of an order; the merchant answers without asking the wallet.
func (m *Merchant) Order(ctx context.Context, orderID string) (*Order, error) {
	return m.call(ctx, http.MethodGet, orderID, "", nil)
}

// TradePayResult tells the merchant what my.tradePay answered and returns the order after the
// merchant reacted (on every code but 6001 a correct merchant asks the wallet).
func (m *Merchant) TradePayResult(ctx context.Context, orderID, resultCode string) (*Order, error) {
	return m.call(ctx, http.MethodPost, orderID, "/tradePayResult", map[string]string{"resultCode": resultCode})
}

// Capture asks the merchant to capture an authorized order. A nil amount captures the
// remainder; a nil final means a final capture.
func (m *Merchant) Capture(ctx context.Context, orderID string, amount *money.Amount, final *bool) (*Order, error) {
	body := struct {
		Amount *money.Amount `json:"amount,omitempty"`
		Final  *bool         `json:"final,omitempty"`
	}{amount, final}
	return m.call(ctx, http.MethodPost, orderID, "/capture", body)
}

// Cancel asks the merchant to cancel an unpaid order or release an authorization.
func (m *Merchant) Cancel(ctx context.Context, orderID string) (*Order, error) {
	return m.call(ctx, http.MethodPost, orderID, "/cancel", struct{}{})
}

// Refund asks the merchant to refund; a nil amount refunds the refundable remainder.
func (m *Merchant) Refund(ctx context.Context, orderID string, amount *money.Amount) (*Order, error) {
	body := struct {
		Amount *money.Amount `json:"amount,omitempty"`
	}{amount}
	return m.call(ctx, http.MethodPost, orderID, "/refund", body)
}

func (m *Merchant) call(ctx context.Context, method, orderID, suffix string, in any) (*Order, error) {
	p, err := m.orderPath(orderID)
	if err != nil {
		return nil, err
	}
	var v orderView
	if err := m.c.do(ctx, method, p+suffix, in, &v); err != nil {
		return nil, err
	}
	out := v.order()
	if out.OrderID != orderID {
		return out, fmt.Errorf("target: asked for order %q, got a view of %q", orderID, out.OrderID)
	}
	return out, nil
}
