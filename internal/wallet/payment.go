package wallet

import (
	"time"

	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/wallet/records"
)

// Kind tells a general payment from a pre-authorization.
type Kind string

// The two payment types.
const (
	General Kind = "GENERAL"
	PreAuth Kind = "PREAUTH"
)

// payment is the wallet's record of one payment or authorization. Every field is guarded by
// the store's lock.
type payment struct {
	ID          string
	RequestID   string
	ClientID    string
	Kind        Kind
	Amount      money.Amount // what was asked: the price, or the sum to freeze
	Title       string
	ProductCode string
	PartnerID   string // the pay request's partnerId, where the dialect carries one
	NotifyURL   string
	Source      string // "pay" or "orderStr"
	fingerprint string // canonical content of the creating request, for idempotency
	rawBody     string // the creating request's bytes (a defective wallet compares these)

	Status     string // openapi.Payment* constants
	CreatedAt  time.Time
	Deadline   time.Time // the payer must act before it
	PaidAt     time.Time // payment or authorization time
	AuthExpiry time.Time // pre-auth: capturable until then
	FailReason string
	CancelTime time.Time
	Payer      string

	// Pre-authorization money: Amount = Captured + Released + still frozen.
	Captured money.Amount
	Released money.Amount
	Closed   bool // pre-auth: no more captures (last capture, cancel or expiry)

	Refunded money.Amount

	payResponse   *openapi.PayResponse // the answer a repeated pay gets
	notifications []Attempt
	notifyDue     bool // a notification was built for this payment
}

// frozen is what a pre-authorization still holds.
func (p *payment) frozen() int64 {
	if p.Kind != PreAuth || p.Status == openapi.PaymentProcessing || p.Status == openapi.PaymentFail || p.Closed {
		return 0
	}
	return p.Amount.Value - p.Captured.Value - p.Released.Value
}

// paid is what the payer was charged: the price of a paid general payment, the captured sum
// of an authorization.
func (p *payment) paid() money.Amount {
	if p.Kind == PreAuth {
		return p.Captured
	}
	if p.Status == openapi.PaymentSuccess {
		return p.Amount
	}
	return money.Amount{Currency: p.Amount.Currency}
}

// waitingForPayer reports whether tradePay can still act on the payment.
func (p *payment) waitingForPayer(now time.Time) bool {
	return p.Status == openapi.PaymentProcessing && now.Before(p.Deadline)
}

// capture records one capture of an authorization.
type capture struct {
	ID          string
	RequestID   string
	PaymentID   string
	Amount      money.Amount
	Time        time.Time
	fingerprint string
	response    *openapi.CaptureResponse
}

// refund records one refund.
type refund struct {
	ID          string
	RequestID   string
	ClientID    string
	PaymentID   string
	Amount      money.Amount
	Reason      string
	Time        time.Time
	fingerprint string
	response    *openapi.RefundResponse
}

// Attempt is one delivery of a notification, as the control API reports it.
type Attempt = records.Attempt
