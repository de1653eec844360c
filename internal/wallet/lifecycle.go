package wallet

import (
	"time"

	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// The payer's actions on the wallet app (DESIGN.md, "Wallet test control").
const (
	ActionConfirm      = "CONFIRM"
	ActionCancel       = "CANCEL"
	ActionDecline      = "DECLINE"
	ActionNetworkError = "NETWORK_ERROR"
	ActionUnknown      = "UNKNOWN"
	ActionPending      = "PENDING"
)

// resultCodes maps an action to what my.tradePay returns to the mini program.
var resultCodes = map[string]string{
	ActionConfirm: "9000", ActionCancel: "6001", ActionDecline: "4000",
	ActionNetworkError: "6002", ActionUnknown: "6004", ActionPending: "8000",
}

// tradePayFailed is what my.tradePay returns for an unknown token or a payment that no
// longer waits for the payer.
const tradePayFailed = "4000"

// actLocked applies the payer's action to a payment and returns the tradePay result code and
// the notification to send, if any.
func (s *Server) actLocked(p *payment, action, payer string, now time.Time) (string, *notifyJob) {
	if job := s.settleDueLocked(p, now); job != nil || !p.waitingForPayer(now) {
		return tradePayFailed, job
	}
	switch action {
	case ActionConfirm, ActionUnknown, ActionPending:
		// The payment goes through; UNKNOWN and PENDING only change what the app is told.
		p.Payer = payer
		p.PaidAt = now
		if p.Kind == PreAuth {
			p.Status = openapi.PaymentAuthSuccess
			p.AuthExpiry = now.Add(s.authorizationValidity())
			p.Captured = money.Amount{Currency: p.Amount.Currency}
			p.Released = money.Amount{Currency: p.Amount.Currency}
			s.armAuthExpiryLocked(p.ID, s.authorizationValidity())
		} else {
			p.Status = openapi.PaymentSuccess
		}
		s.stopDeadlineLocked(p.ID)
		return resultCodes[action], s.jobLocked(p)
	case ActionDecline:
		p.Payer = payer
		p.Status = openapi.PaymentFail
		p.FailReason = declinedReason
		s.stopDeadlineLocked(p.ID)
		return resultCodes[action], s.jobLocked(p)
	case ActionCancel:
		// The payer may come back until the deadline.
		s.payerLeftLocked(p, now)
		return resultCodes[action], nil
	default: // NETWORK_ERROR: the payer may come back until the deadline
		return resultCodes[action], nil
	}
}

// Why a payment failed, as the wallet tells the merchant (paymentFailReason).
const (
	declinedReason = "payer declined: balance not enough"
	expiredReason  = "payment expired: the payer did not pay before the deadline"
)

// settleDueLocked closes a payment whose deadline passed while it waited for the payer; it
// returns the FAIL notification to send. The deadline timer does the same; whichever comes
// first wins, so a payment is never seen open after its deadline.
func (s *Server) settleDueLocked(p *payment, now time.Time) *notifyJob {
	if p.Status != openapi.PaymentProcessing || now.Before(p.Deadline) {
		return nil
	}
	p.Status = openapi.PaymentFail
	p.FailReason = expiredReason
	return s.jobLocked(p)
}

func (s *Server) expire(id string) {
	s.mu.Lock()
	delete(s.deadlines, id)
	var job *notifyJob
	if s.closing {
		s.mu.Unlock()
		return
	}
	if p := s.paymentLocked(id); p != nil {
		if job = s.settleDueLocked(p, s.clock.Now()); job != nil {
			_ = s.savePaymentLocked(p) // logged; the inquiry settles it again on its own
		}
	}
	s.mu.Unlock()
	s.notify(job)
}

// settleAuthExpiryLocked releases what an expired authorization still froze; it reports
// whether it did.
func (s *Server) settleAuthExpiryLocked(p *payment, now time.Time) bool {
	if p.Kind != PreAuth || p.AuthExpiry.IsZero() || p.Closed || now.Before(p.AuthExpiry) || s.defects.on(DefectAuthExpiryIgnored) {
		return false
	}
	if p.Status != openapi.PaymentAuthSuccess && p.Status != openapi.PaymentSuccess {
		return false
	}
	p.Released = money.Amount{Currency: p.Amount.Currency, Value: p.Amount.Value - p.Captured.Value}
	p.Closed = true
	return true
}

func (s *Server) expireAuthorization(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return
	}
	if p := s.paymentLocked(id); p != nil && s.settleAuthExpiryLocked(p, s.clock.Now()) {
		_ = s.savePaymentLocked(p) // logged; a capture or the payment view settles it again
	}
}
