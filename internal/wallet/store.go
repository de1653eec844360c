package wallet

import (
	"time"

	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// store keeps the wallet's records: payments (with their idempotency fingerprint, the answer a
// repeated pay gets and every notification attempt), captures, refunds, registered merchants,
// the notifications still to deliver and the business clock's offset.
//
// The server calls it with its lock held, and saves every record it changed before it
// releases the lock, so the store needs no lock of its own beyond what its backend wants.
// memoryStore, the default, holds the records in maps and forgets them with the process;
// recordStore keeps them in the records.Store that Config.OpenStore opens (the SQLite data
// file of `wallet-mock --data`), so a wallet restarted on it answers inquiries and idempotent
// replays as before and resumes its notification retries.
//
// A lookup that finds nothing returns nil and no error. A record returned by one call may be
// the store's own copy (memoryStore, and recordStore within a batch) or a fresh one
// (recordStore): the server changes it, then saves it.
type store interface {
	payment(id string) (*payment, error)
	paymentByRequest(clientID, requestID string) (*payment, error)
	// paymentByAnyClient finds a payment by request id alone, whatever its client (the
	// notification script names only the request id).
	paymentByAnyClient(requestID string) (*payment, error)
	savePayment(p *payment) error
	// openPayments are those that still have a timer to arm after a restart: waiting for the
	// payer (a deadline), or an authorization not closed yet (its expiry).
	openPayments() ([]*payment, error)
	// awaitingFirstDelivery are the payments with a notification due and no attempt yet.
	awaitingFirstDelivery() ([]*payment, error)

	// saveCapture and saveRefund save the new record and the payment it changed at once: a
	// wallet stopped between the two would otherwise capture or refund twice on a replay.
	capture(clientID, requestID string) (*capture, error)
	saveCapture(clientID string, c *capture, p *payment) error
	refund(id string) (*refund, error)
	refundByRequest(clientID, requestID string) (*refund, error)
	saveRefund(r *refund, p *payment) error

	// merchants and saveMerchant keep the registry; the memory store keeps none (the server
	// holds the registry itself, and nothing outlives the process).
	merchants() ([]Merchant, error)
	saveMerchant(m Merchant) error
	// pending lists the notification deliveries armed and not finished: each payment's next
	// attempt and when it is due in business time.
	pending() ([]pendingDelivery, error)
	savePending(d pendingDelivery) error
	deletePending(paymentID string) error
	// clockOffset is how far business time was moved ahead of the wall clock.
	clockOffset() (time.Duration, error)
	saveClockOffset(d time.Duration) error

	// beginBatch, flush and endBatch group the saves of a clock move (records.Store).
	beginBatch() error
	flush() error
	endBatch() error
	close() error
}

// pendingDelivery is the next delivery of a payment's notification: which attempt, when it is
// due on the business clock, and the notification itself (the same body on every retry).
type pendingDelivery struct {
	Job     notifyJob
	Attempt int
	Due     time.Time
}

// memoryStore is the default store: maps, gone when the process ends. Its records are the
// server's own pointers, so saving a payment costs nothing.
type memoryStore struct {
	payments map[string]*payment // by payment id
	byReq    map[string]*payment // by client id + "\x00" + payment request id
	captures map[string]*capture // by client id + "\x00" + capture request id
	refunds  map[string]*refund  // by refund id
	refByReq map[string]*refund  // by client id + "\x00" + refund request id
}

func newMemoryStore() *memoryStore {
	return &memoryStore{
		payments: map[string]*payment{},
		byReq:    map[string]*payment{},
		captures: map[string]*capture{},
		refunds:  map[string]*refund{},
		refByReq: map[string]*refund{},
	}
}

func (m *memoryStore) payment(id string) (*payment, error) { return m.payments[id], nil }

func (m *memoryStore) paymentByRequest(clientID, requestID string) (*payment, error) {
	return m.byReq[reqKey(clientID, requestID)], nil
}

func (m *memoryStore) paymentByAnyClient(requestID string) (*payment, error) {
	for _, p := range m.payments {
		if p.RequestID == requestID {
			return p, nil
		}
	}
	return nil, nil
}

func (m *memoryStore) savePayment(p *payment) error {
	if m.payments[p.ID] == p {
		return nil // its own record, changed in place: the ids it is indexed by never change
	}
	m.payments[p.ID] = p
	m.byReq[reqKey(p.ClientID, p.RequestID)] = p
	return nil
}

func (m *memoryStore) openPayments() ([]*payment, error) {
	var out []*payment
	for _, p := range m.payments {
		if p.open() {
			out = append(out, p)
		}
	}
	return out, nil
}

func (m *memoryStore) awaitingFirstDelivery() ([]*payment, error) {
	var out []*payment
	for _, p := range m.payments {
		if p.awaitingFirstDelivery() {
			out = append(out, p)
		}
	}
	return out, nil
}

func (m *memoryStore) capture(clientID, requestID string) (*capture, error) {
	return m.captures[reqKey(clientID, requestID)], nil
}

func (m *memoryStore) saveCapture(clientID string, c *capture, p *payment) error {
	m.captures[reqKey(clientID, c.RequestID)] = c
	return m.savePayment(p)
}

func (m *memoryStore) refund(id string) (*refund, error) { return m.refunds[id], nil }

func (m *memoryStore) refundByRequest(clientID, requestID string) (*refund, error) {
	return m.refByReq[reqKey(clientID, requestID)], nil
}

func (m *memoryStore) saveRefund(r *refund, p *payment) error {
	m.refunds[r.ID] = r
	m.refByReq[reqKey(r.ClientID, r.RequestID)] = r
	return m.savePayment(p)
}

func (m *memoryStore) merchants() ([]Merchant, error)      { return nil, nil }
func (m *memoryStore) saveMerchant(Merchant) error         { return nil }
func (m *memoryStore) pending() ([]pendingDelivery, error) { return nil, nil }
func (m *memoryStore) savePending(pendingDelivery) error   { return nil }
func (m *memoryStore) deletePending(string) error          { return nil }
func (m *memoryStore) clockOffset() (time.Duration, error) { return 0, nil }
func (m *memoryStore) saveClockOffset(time.Duration) error { return nil }
func (m *memoryStore) beginBatch() error                   { return nil }
func (m *memoryStore) flush() error                        { return nil }
func (m *memoryStore) endBatch() error                     { return nil }
func (m *memoryStore) close() error                        { return nil }

// open reports whether the payment still has a timer to run: its deadline while it waits for
// the payer, or its authorization's expiry.
func (p *payment) open() bool {
	switch p.Status {
	case openapi.PaymentProcessing:
		return true
	case openapi.PaymentAuthSuccess, openapi.PaymentSuccess:
		return p.Kind == PreAuth && !p.Closed
	}
	return false
}

// awaitingFirstDelivery reports whether a notification is due and none was attempted yet.
func (p *payment) awaitingFirstDelivery() bool { return p.notifyDue && len(p.notifications) == 0 }
