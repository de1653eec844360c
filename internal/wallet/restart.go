package wallet

import (
	"fmt"
	"time"

	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// restore reads back what a data file remembers beyond the records themselves: the
// registered merchants and how far business time had been moved ahead.
func (s *Server) restore() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ms, err := s.store.merchants()
	if err != nil {
		return err
	}
	for _, m := range ms {
		s.registerLocked(m)
	}
	offset, err := s.store.clockOffset()
	if err != nil {
		return err
	}
	if s.virtual != nil {
		if d := offset - s.clock.Now().Sub(time.Now()); d > 0 {
			if err := s.virtual.Advance(d); err != nil {
				return fmt.Errorf("wallet: restoring business time %s ahead: %w", offset, err)
			}
		}
	}
	return nil
}

// resume arms the timers of the records in the store: each payment's deadline, each open
// authorization's expiry, and each notification's next attempt at its due time (at once when
// it fell due while the wallet was down). A new wallet has none.
func (s *Server) resume() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	open, err := s.store.openPayments()
	if err != nil {
		return err
	}
	for _, p := range open {
		switch {
		case p.Status == openapi.PaymentProcessing:
			s.armDeadlineLocked(p, now)
		case p.Kind == PreAuth && !p.AuthExpiry.IsZero():
			s.armAuthExpiryLocked(p.ID, p.AuthExpiry.Sub(now))
		}
	}
	pending, err := s.store.pending()
	if err != nil {
		return err
	}
	for _, d := range pending {
		job := d.Job
		s.chains[job.paymentID]++
		s.schedule(&job, d.Attempt, max(0, d.Due.Sub(now)))
	}
	return nil
}

// armDeadlineLocked closes the payment when its deadline passes.
func (s *Server) armDeadlineLocked(p *payment, now time.Time) {
	id := p.ID
	s.deadlines[id] = s.clock.AfterFunc(max(0, p.Deadline.Sub(now)), func() { s.expire(id) })
}

// stopDeadlineLocked disarms a payment's deadline: the payer acted, or the merchant cancelled.
func (s *Server) stopDeadlineLocked(id string) {
	if t, ok := s.deadlines[id]; ok {
		t.Stop()
		delete(s.deadlines, id)
	}
}

// armAuthExpiryLocked releases what an authorization still freezes once it expires.
func (s *Server) armAuthExpiryLocked(id string, d time.Duration) {
	s.clock.AfterFunc(max(0, d), func() { s.expireAuthorization(id) })
}

// storageError is the answer to a call the store could not serve: U, so the merchant asks
// again rather than taking it for a refusal.
func (s *Server) storageError(err error) error {
	s.log.Error("wallet: storage", "err", err)
	return openapi.Errorf(openapi.UnknownException, "the wallet could not read or write its records: %v", err)
}

// savePaymentLocked saves a payment the server changed; a failure is logged (callers that can
// answer the merchant use the error).
func (s *Server) savePaymentLocked(p *payment) error {
	if err := s.store.savePayment(p); err != nil {
		return s.storageError(fmt.Errorf("payment %s: %w", p.ID, err))
	}
	return nil
}

// paymentLocked finds a payment by id; a storage failure is logged and finds nothing.
func (s *Server) paymentLocked(id string) *payment {
	p, err := s.store.payment(id)
	if err != nil {
		_ = s.storageError(err)
		return nil
	}
	return p
}
