package merchant

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/tradepaykit/tradepaykit/internal/money"
)

// Flow is how the mini program gets its my.tradePay token.
type Flow string

// The three flows of PROTOCOL.md's token table.
const (
	FlowTradeNO    Flow = "tradeNO"
	FlowOrderStr   Flow = "orderStr"
	FlowPaymentURL Flow = "paymentUrl"
)

// Type is the payment type of an order.
type Type string

// The two payment types.
const (
	General Type = "GENERAL"
	PreAuth Type = "PREAUTH"
)

// Status is where an order stands, as the merchant knows it.
type Status string

// Order statuses of the test adapter (DESIGN.md, "Merchant test adapter").
const (
	StatusPending    Status = "PENDING"
	StatusPaid       Status = "PAID"
	StatusFailed     Status = "FAILED"
	StatusCancelled  Status = "CANCELLED"
	StatusAuthorized Status = "AUTHORIZED"
	StatusCaptured   Status = "CAPTURED" // any capture done
	StatusRefunded   Status = "REFUNDED" // everything paid or captured was refunded
)

// Order is the merchant's record of one purchase.
type Order struct {
	ID    string
	Flow  Flow
	Type  Type
	Title string
	// Amount is the price (general) or the amount to freeze (pre-auth).
	Amount money.Amount
	// PaymentRequestID is the merchant's idempotency key towards the wallet, unique per
	// order; for orderStr it is out_trade_no (general) or out_request_no (pre-auth).
	PaymentRequestID string
	// PaymentID is the wallet's id; empty until pay answers or a notification or inquiry
	// tells it (orderStr).
	PaymentID        string
	Status           Status
	AuthorizedAmount money.Amount
	CapturedAmount   money.Amount
	RefundedAmount   money.Amount
	// AuthorizationClosed is set once a final capture or a cancel released what was left of
	// an authorization: nothing more can be captured.
	AuthorizationClosed bool
	// SettledByNotification is set when a verified notification moved the order out of
	// PENDING; tradePayResult then has nothing to confirm.
	SettledByNotification bool
	Notifications         []Notification
	// CaptureRequestIDs and RefundRequestIDs are every id used towards the wallet, in order.
	CaptureRequestIDs []string
	RefundRequestIDs  []string
	// PendingCapture and PendingRefund hold an operation whose outcome is not known yet, so
	// that a retry reuses its request id instead of risking a second capture or refund.
	PendingCapture *Operation
	PendingRefund  *Operation
	CreatedAt      time.Time
}

// Notification is a verified notifyPayment the merchant accepted.
type Notification struct {
	PaymentID     string
	PaymentStatus string
	Amount        money.Amount
	At            time.Time
	// Changed says whether it moved the order; a duplicate changes nothing.
	Changed bool
}

// Operation is a capture or refund sent to the wallet.
type Operation struct {
	RequestID string
	Amount    money.Amount
	Final     bool // capture only: release the rest of the authorization
}

// PaidAmount is what the payer was charged: the price once paid (general), the captured
// total (pre-auth).
func (o *Order) PaidAmount() money.Amount {
	if o.Type == PreAuth {
		return o.CapturedAmount
	}
	if o.Status == StatusPaid || o.Status == StatusRefunded {
		return o.Amount
	}
	return money.Amount{Currency: o.Amount.Currency}
}

// clone returns a copy that shares nothing mutable with o.
func (o *Order) clone() Order {
	c := *o
	c.Notifications = append([]Notification(nil), o.Notifications...)
	c.CaptureRequestIDs = append([]string(nil), o.CaptureRequestIDs...)
	c.RefundRequestIDs = append([]string(nil), o.RefundRequestIDs...)
	if o.PendingCapture != nil {
		p := *o.PendingCapture
		c.PendingCapture = &p
	}
	if o.PendingRefund != nil {
		p := *o.PendingRefund
		c.PendingRefund = &p
	}
	return c
}

// Errors of a Store.
var (
	ErrNotFound = errors.New("order not found")
	ErrConflict = errors.New("id already used by another order")
)

// Store keeps orders. Implementations hand out copies, and run Update's function under a
// lock so that a transition reads and writes one consistent order.
type Store interface {
	Create(o Order) error
	Get(id string) (Order, error)
	GetByPaymentRequestID(paymentRequestID string) (Order, error)
	GetByPaymentID(paymentID string) (Order, error)
	// Pending returns the orders still waiting for the wallet's word (PENDING).
	Pending() ([]Order, error)
	// Update applies f to the order and stores the result, unless f fails; it returns the
	// order as stored afterwards (unchanged when f failed) and f's error.
	Update(id string, f func(*Order) error) (Order, error)
}

// MemStore is a Store in memory.
type MemStore struct {
	mu          sync.Mutex
	orders      map[string]*Order
	byRequestID map[string]string
	byPaymentID map[string]string
}

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore {
	return &MemStore{
		orders:      map[string]*Order{},
		byRequestID: map[string]string{},
		byPaymentID: map[string]string{},
	}
}

// Create stores a new order; its id, paymentRequestId and paymentId must be unused.
func (m *MemStore) Create(o Order) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.orders[o.ID]; ok {
		return fmt.Errorf("order %s: %w", o.ID, ErrConflict)
	}
	if _, ok := m.byRequestID[o.PaymentRequestID]; ok {
		return fmt.Errorf("paymentRequestId %s: %w", o.PaymentRequestID, ErrConflict)
	}
	if _, ok := m.byPaymentID[o.PaymentID]; ok && o.PaymentID != "" {
		return fmt.Errorf("paymentId %s: %w", o.PaymentID, ErrConflict)
	}
	c := o.clone()
	m.orders[o.ID] = &c
	m.byRequestID[o.PaymentRequestID] = o.ID
	if o.PaymentID != "" {
		m.byPaymentID[o.PaymentID] = o.ID
	}
	return nil
}

// Get returns the order with the id.
func (m *MemStore) Get(id string) (Order, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.getLocked(id)
}

func (m *MemStore) getLocked(id string) (Order, error) {
	o, ok := m.orders[id]
	if !ok {
		return Order{}, fmt.Errorf("order %q: %w", id, ErrNotFound)
	}
	return o.clone(), nil
}

// GetByPaymentRequestID returns the order with the paymentRequestId.
func (m *MemStore) GetByPaymentRequestID(paymentRequestID string) (Order, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	id, ok := m.byRequestID[paymentRequestID]
	if !ok {
		return Order{}, fmt.Errorf("paymentRequestId %q: %w", paymentRequestID, ErrNotFound)
	}
	return m.getLocked(id)
}

// GetByPaymentID returns the order with the wallet's paymentId.
func (m *MemStore) GetByPaymentID(paymentID string) (Order, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	id, ok := m.byPaymentID[paymentID]
	if !ok {
		return Order{}, fmt.Errorf("paymentId %q: %w", paymentID, ErrNotFound)
	}
	return m.getLocked(id)
}

// Pending returns copies of the PENDING orders.
func (m *MemStore) Pending() ([]Order, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Order
	for _, o := range m.orders {
		if o.Status == StatusPending {
			out = append(out, o.clone())
		}
	}
	return out, nil
}

// Update runs f on a copy of the order under the store's lock and keeps the copy when f
// succeeds. The order's id and paymentRequestId never change; a paymentId learned by f must
// not belong to another order.
func (m *MemStore) Update(id string, f func(*Order) error) (Order, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	cur, ok := m.orders[id]
	if !ok {
		return Order{}, fmt.Errorf("order %q: %w", id, ErrNotFound)
	}
	next := cur.clone()
	if err := f(&next); err != nil {
		return cur.clone(), err
	}
	next.ID, next.PaymentRequestID = cur.ID, cur.PaymentRequestID
	if next.PaymentID != cur.PaymentID {
		if other, ok := m.byPaymentID[next.PaymentID]; ok && other != id {
			return cur.clone(), fmt.Errorf("paymentId %s: %w", next.PaymentID, ErrConflict)
		}
		delete(m.byPaymentID, cur.PaymentID)
		if next.PaymentID != "" {
			m.byPaymentID[next.PaymentID] = id
		}
	}
	m.orders[id] = &next
	return next.clone(), nil
}
