package wallet

import (
	"time"

	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/wallet/records"
)

// recordStore keeps the server's records in a records.Store (Config.OpenStore), converting
// them on the way in and out: every lookup returns a fresh copy, which the server changes
// and then saves.
//
// In a batch (a clock move) it keeps the payments saved or read, by id, and a lookup returns
// the one kept, as the memory store returns its own: a clock move reads each payment three
// times (its expiry, then each delivery attempt), and converting it from a record each time
// was a sixth of the move's allocations. At most maxBatchPayments are kept; the batch's end
// drops them.
type recordStore struct {
	st    records.Store
	depth int                 // beginBatch calls not ended yet
	batch map[string]*payment // nil outside a batch
}

// maxBatchPayments bounds the payments a batch keeps: past it, it starts again empty.
const maxBatchPayments = 1 << 15

// keep notes p as the batch's payment of its id, and returns it; outside a batch it only
// returns p.
func (s *recordStore) keep(p *payment) *payment {
	if s.batch == nil || p == nil {
		return p
	}
	if kept, ok := s.batch[p.ID]; ok {
		return kept
	}
	if len(s.batch) >= maxBatchPayments {
		clear(s.batch)
	}
	s.batch[p.ID] = p
	return p
}

func toAmount(a money.Amount) records.Amount {
	return records.Amount{Currency: a.Currency, Value: a.Value}
}
func fromAmount(a records.Amount) money.Amount {
	return money.Amount{Currency: a.Currency, Value: a.Value}
}

func toPaymentRecord(p *payment) *records.Payment {
	return &records.Payment{
		ID: p.ID, RequestID: p.RequestID, ClientID: p.ClientID, Kind: string(p.Kind), Amount: toAmount(p.Amount),
		Title: p.Title, ProductCode: p.ProductCode, PartnerID: p.PartnerID, NotifyURL: p.NotifyURL, Source: p.Source, Fingerprint: p.fingerprint, RawBody: p.rawBody,
		Status: p.Status, CreatedAt: p.CreatedAt, Deadline: p.Deadline, PaidAt: p.PaidAt,
		AuthExpiry: p.AuthExpiry, FailReason: p.FailReason, CancelTime: p.CancelTime, Payer: p.Payer,
		Captured: toAmount(p.Captured), Released: toAmount(p.Released), Closed: p.Closed,
		Refunded: toAmount(p.Refunded), PayResponse: p.payResponse, Notifications: p.notifications, NotifyDue: p.notifyDue,
		Open: p.open(), AwaitingFirstDelivery: p.awaitingFirstDelivery(),
	}
}

func fromPaymentRecord(r *records.Payment) *payment {
	if r == nil {
		return nil
	}
	return &payment{
		ID: r.ID, RequestID: r.RequestID, ClientID: r.ClientID, Kind: Kind(r.Kind), Amount: fromAmount(r.Amount),
		Title: r.Title, ProductCode: r.ProductCode, PartnerID: r.PartnerID, NotifyURL: r.NotifyURL, Source: r.Source, fingerprint: r.Fingerprint, rawBody: r.RawBody,
		Status: r.Status, CreatedAt: r.CreatedAt, Deadline: r.Deadline, PaidAt: r.PaidAt,
		AuthExpiry: r.AuthExpiry, FailReason: r.FailReason, CancelTime: r.CancelTime, Payer: r.Payer,
		Captured: fromAmount(r.Captured), Released: fromAmount(r.Released), Closed: r.Closed,
		Refunded: fromAmount(r.Refunded), payResponse: r.PayResponse, notifications: r.Notifications, notifyDue: r.NotifyDue,
	}
}

func (s *recordStore) fromPaymentRecords(rs []*records.Payment, err error) ([]*payment, error) {
	if err != nil {
		return nil, err
	}
	out := make([]*payment, len(rs))
	for i, r := range rs {
		out[i] = s.keep(fromPaymentRecord(r))
	}
	return out, nil
}

func (s *recordStore) payment(id string) (*payment, error) {
	if p, ok := s.batch[id]; ok {
		return p, nil
	}
	r, err := s.st.Payment(id)
	return s.keep(fromPaymentRecord(r)), err
}

func (s *recordStore) paymentByRequest(clientID, requestID string) (*payment, error) {
	r, err := s.st.PaymentByRequest(clientID, requestID)
	return s.keep(fromPaymentRecord(r)), err
}

func (s *recordStore) paymentByAnyClient(requestID string) (*payment, error) {
	r, err := s.st.PaymentByAnyClient(requestID)
	return s.keep(fromPaymentRecord(r)), err
}

func (s *recordStore) savePayment(p *payment) error {
	s.keepSaved(p)
	return s.st.SavePayment(toPaymentRecord(p))
}

// keepSaved makes p the batch's payment of its id.
func (s *recordStore) keepSaved(p *payment) {
	if s.batch != nil && s.batch[p.ID] != p {
		delete(s.batch, p.ID)
		s.keep(p)
	}
}

func (s *recordStore) openPayments() ([]*payment, error) {
	return s.fromPaymentRecords(s.st.OpenPayments())
}

func (s *recordStore) awaitingFirstDelivery() ([]*payment, error) {
	return s.fromPaymentRecords(s.st.AwaitingFirstDelivery())
}

func (s *recordStore) capture(clientID, requestID string) (*capture, error) {
	r, err := s.st.Capture(clientID, requestID)
	if r == nil || err != nil {
		return nil, err
	}
	return &capture{ID: r.ID, RequestID: r.RequestID, PaymentID: r.PaymentID, Amount: fromAmount(r.Amount), Time: r.Time,
		fingerprint: r.Fingerprint, response: r.Response}, nil
}

func (s *recordStore) saveCapture(clientID string, c *capture, p *payment) error {
	s.keepSaved(p)
	return s.st.SaveCapture(clientID, &records.Capture{ID: c.ID, RequestID: c.RequestID, PaymentID: c.PaymentID,
		Amount: toAmount(c.Amount), Time: c.Time, Fingerprint: c.fingerprint, Response: c.response}, toPaymentRecord(p))
}

func fromRefundRecord(r *records.Refund, err error) (*refund, error) {
	if r == nil || err != nil {
		return nil, err
	}
	return &refund{ID: r.ID, RequestID: r.RequestID, ClientID: r.ClientID, PaymentID: r.PaymentID, Amount: fromAmount(r.Amount),
		Reason: r.Reason, Time: r.Time, fingerprint: r.Fingerprint, response: r.Response}, nil
}

func (s *recordStore) refund(id string) (*refund, error) { return fromRefundRecord(s.st.Refund(id)) }

func (s *recordStore) refundByRequest(clientID, requestID string) (*refund, error) {
	return fromRefundRecord(s.st.RefundByRequest(clientID, requestID))
}

func (s *recordStore) saveRefund(r *refund, p *payment) error {
	s.keepSaved(p)
	return s.st.SaveRefund(&records.Refund{ID: r.ID, RequestID: r.RequestID, ClientID: r.ClientID, PaymentID: r.PaymentID,
		Amount: toAmount(r.Amount), Reason: r.Reason, Time: r.Time, Fingerprint: r.fingerprint, Response: r.response}, toPaymentRecord(p))
}

func (s *recordStore) merchants() ([]Merchant, error) {
	rs, err := s.st.Merchants()
	if err != nil {
		return nil, err
	}
	out := make([]Merchant, len(rs))
	for i, r := range rs {
		out[i] = Merchant{ClientID: r.ClientID, PublicKey: r.PublicKey, AppID: r.AppID, NotifyURL: r.NotifyURL, KitKey: r.KitKey}
	}
	return out, nil
}

func (s *recordStore) saveMerchant(m Merchant) error {
	return s.st.SaveMerchant(records.Merchant{ClientID: m.ClientID, PublicKey: m.PublicKey, AppID: m.AppID, NotifyURL: m.NotifyURL, KitKey: m.KitKey})
}

func (s *recordStore) pending() ([]pendingDelivery, error) {
	rs, err := s.st.Pending()
	if err != nil {
		return nil, err
	}
	out := make([]pendingDelivery, len(rs))
	for i, r := range rs {
		out[i] = pendingDelivery{
			Job: notifyJob{paymentID: r.PaymentID, requestID: r.RequestID, clientID: r.ClientID, url: r.URL,
				status: r.Status, body: r.Body},
			Attempt: r.Attempt, Due: r.Due,
		}
	}
	return out, nil
}

func (s *recordStore) savePending(d pendingDelivery) error {
	j := d.Job
	return s.st.SavePending(records.Delivery{PaymentID: j.paymentID, RequestID: j.requestID, ClientID: j.clientID, URL: j.url,
		Status: j.status, Body: j.body, Attempt: d.Attempt, Due: d.Due})
}

func (s *recordStore) deletePending(paymentID string) error  { return s.st.DeletePending(paymentID) }
func (s *recordStore) clockOffset() (time.Duration, error)   { return s.st.ClockOffset() }
func (s *recordStore) saveClockOffset(d time.Duration) error { return s.st.SaveClockOffset(d) }
func (s *recordStore) flush() error                          { return s.st.Flush() }

func (s *recordStore) beginBatch() error {
	if err := s.st.BeginBatch(); err != nil {
		return err
	}
	if s.depth++; s.batch == nil {
		s.batch = map[string]*payment{}
	}
	return nil
}

func (s *recordStore) endBatch() error {
	if s.depth > 0 {
		if s.depth--; s.depth == 0 {
			s.batch = nil
		}
	}
	return s.st.EndBatch()
}

func (s *recordStore) close() error { return s.st.Close() }
