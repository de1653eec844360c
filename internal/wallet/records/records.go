// Package records is the wallet mock's storage contract: the records a store keeps (payments,
// captures, refunds, registered merchants, notifications still to deliver, the business
// clock's offset) and the Store interface a back end implements.
//
// It imports no back end. The wallet mock keeps its records in memory unless it is given a
// Store; the SQLite back end (package sqlitestore) is linked only by the command that offers
// `wallet-mock --data`, so a Go test that starts the wallet mock does not compile SQLite.
//
// The JSON tags are the form a back end that writes documents keeps a record in: the SQLite
// back end writes captures, refunds and merchants so, and reads payments and pending
// deliveries so from files of its schema 1 (it writes those two in a binary form of its own).
// Changing a tag changes the data file's format.
package records

import (
	"crypto/rsa"
	"time"

	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// Store keeps the wallet's records. The wallet calls it with its own lock held, one call at
// a time, except Flush, which it may call from any goroutine. A lookup that finds nothing
// returns nil and no error. Every save is durable when it returns, unless a batch is open.
//
// A store may keep the payment given to SavePayment (a batch holds it until it writes it):
// the caller does not change it afterwards. A payment a lookup returns is the caller's, but
// its Notifications may share an array with the store's record: the caller may append to them,
// never change an attempt in place. (A clock move saves twenty thousand payments three times
// each: copying each record on the way in and out was a tenth of its work.)
type Store interface {
	Payment(id string) (*Payment, error)
	PaymentByRequest(clientID, requestID string) (*Payment, error)
	// PaymentByAnyClient finds a payment by request id alone, whatever its client.
	PaymentByAnyClient(requestID string) (*Payment, error)
	SavePayment(p *Payment) error
	// OpenPayments are those with Open set; AwaitingFirstDelivery those with
	// AwaitingFirstDelivery set.
	OpenPayments() ([]*Payment, error)
	AwaitingFirstDelivery() ([]*Payment, error)

	// SaveCapture and SaveRefund save the new record and the payment it changed at once: a
	// wallet stopped between the two would otherwise capture or refund twice on a replay.
	Capture(clientID, requestID string) (*Capture, error)
	SaveCapture(clientID string, c *Capture, p *Payment) error
	Refund(id string) (*Refund, error)
	RefundByRequest(clientID, requestID string) (*Refund, error)
	SaveRefund(r *Refund, p *Payment) error

	Merchants() ([]Merchant, error)
	SaveMerchant(m Merchant) error
	// Pending lists the notification deliveries armed and not finished, one per payment.
	Pending() ([]Delivery, error)
	SavePending(d Delivery) error
	DeletePending(paymentID string) error
	// ClockOffset is how far business time was moved ahead of the wall clock.
	ClockOffset() (time.Duration, error)
	SaveClockOffset(d time.Duration) error

	// BeginBatch groups the saves that follow, until EndBatch, into as few writes as the back
	// end can: a clock move that expires twenty thousand payments saves them together. Flush
	// makes what the batch holds so far durable; the wallet calls it before any answer leaves
	// it, so a batch never holds back what a merchant or payer was told. (A notification sent
	// during a clock move may be sent again after a crash, as a retry would be.)
	BeginBatch() error
	Flush() error
	EndBatch() error

	Close() error
}

// Amount is an amount as a store keeps it; unlike the wire form, the zero amount (no
// currency yet) is allowed.
type Amount struct {
	Currency string `json:"c,omitempty"`
	Value    int64  `json:"v,omitempty"`
}

// Payment is one payment or authorization.
type Payment struct {
	ID            string               `json:"id"`
	RequestID     string               `json:"requestId"`
	ClientID      string               `json:"clientId"`
	Kind          string               `json:"kind"`
	Amount        Amount               `json:"amount"`
	Title         string               `json:"title"`
	ProductCode   string               `json:"productCode"`
	PartnerID     string               `json:"partnerId,omitempty"`
	NotifyURL     string               `json:"notifyUrl"`
	Source        string               `json:"source"`
	Fingerprint   string               `json:"fingerprint"`
	RawBody       string               `json:"rawBody,omitempty"`
	Status        string               `json:"status"`
	CreatedAt     time.Time            `json:"createdAt,omitzero"`
	Deadline      time.Time            `json:"deadline,omitzero"`
	PaidAt        time.Time            `json:"paidAt,omitzero"`
	AuthExpiry    time.Time            `json:"authExpiry,omitzero"`
	FailReason    string               `json:"failReason,omitempty"`
	CancelTime    time.Time            `json:"cancelTime,omitzero"`
	Payer         string               `json:"payer,omitempty"`
	Captured      Amount               `json:"captured"`
	Released      Amount               `json:"released"`
	Closed        bool                 `json:"closed,omitempty"`
	Refunded      Amount               `json:"refunded"`
	PayResponse   *openapi.PayResponse `json:"payResponse,omitempty"`
	Notifications []Attempt            `json:"notifications,omitempty"`
	NotifyDue     bool                 `json:"notifyDue,omitempty"`

	// Open and AwaitingFirstDelivery are derived by the wallet, for the store to index:
	// the payment still has a timer to arm after a restart (a deadline, or an authorization's
	// expiry), and a notification is due with no attempt made yet.
	Open                  bool `json:"-"`
	AwaitingFirstDelivery bool `json:"-"`
}

// Attempt is one delivery of a notification, as the control API reports it.
type Attempt struct {
	Attempt       int       `json:"attempt"`
	At            time.Time `json:"at"`
	PaymentStatus string    `json:"paymentStatus"`
	// Outcome is the merchant's resultStatus (S, F, U, or another string it sent), or what
	// went wrong: HTTP_<code>, TIMEOUT, GARBAGE, UNREACHABLE.
	Outcome    string `json:"outcome"`
	ResultCode string `json:"resultCode,omitempty"`
	Detail     string `json:"detail,omitempty"`
	Signed     bool   `json:"answerSigned"`
	// AnswerSignature is the check of the answer's signature with the merchant's key: "ok",
	// "absent", "invalid: ...", or empty when not checked.
	AnswerSignature string `json:"answerSignatureCheck,omitempty"`
}

// Capture is one capture of an authorization, with the answer a repeated capture gets.
type Capture struct {
	ID          string                   `json:"id"`
	RequestID   string                   `json:"requestId"`
	PaymentID   string                   `json:"paymentId"`
	Amount      Amount                   `json:"amount"`
	Time        time.Time                `json:"time"`
	Fingerprint string                   `json:"fingerprint"`
	Response    *openapi.CaptureResponse `json:"response"`
}

// Refund is one refund, with the answer a repeated refund gets.
type Refund struct {
	ID          string                  `json:"id"`
	RequestID   string                  `json:"requestId"`
	ClientID    string                  `json:"clientId"`
	PaymentID   string                  `json:"paymentId"`
	Amount      Amount                  `json:"amount"`
	Reason      string                  `json:"reason,omitempty"`
	Time        time.Time               `json:"time"`
	Fingerprint string                  `json:"fingerprint"`
	Response    *openapi.RefundResponse `json:"response"`
}

// Merchant is a registered merchant.
type Merchant struct {
	ClientID  string
	PublicKey *rsa.PublicKey
	AppID     string
	NotifyURL string
	KitKey    *rsa.PublicKey
}

// Delivery is the next delivery of a payment's notification: which attempt, when it is due
// on the business clock, and the notification itself (the same body on every retry).
type Delivery struct {
	PaymentID string    `json:"paymentId"`
	RequestID string    `json:"requestId"`
	ClientID  string    `json:"clientId"`
	URL       string    `json:"url"`
	Status    string    `json:"status"`
	Body      string    `json:"body"`
	Attempt   int       `json:"attempt"`
	Due       time.Time `json:"due"`
}
