package wallet

import (
	"time"

	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// defaultPayWindow is how long a payment waits for the payer when pay names no
// paymentExpiryTime: the orderStr default of 15 minutes.
const defaultPayWindow = 15 * time.Minute

func (s *Server) pay(clientID string, body []byte) (any, error) {
	req, err := openapi.DecodePay(s.readerDialect(dialect.Pay), body)
	if err != nil {
		return nil, err
	}
	amount, _ := req.PaymentAmount.PositiveMoney("paymentAmount") // checked by DecodePay
	kind, err := s.payKind(req)
	if err != nil {
		return nil, err
	}
	productCode := req.ProductCode
	if productCode == "" {
		// Optional in the dialect: the payment is of the product its type names.
		productCode = s.cfg.Profile.GeneralProductCode
		if kind == PreAuth {
			productCode = s.cfg.Profile.PreAuthProductCode
		}
	}
	now := s.clock.Now()
	deadline := now.Add(defaultPayWindow)
	if req.PaymentExpiryTime != "" && !s.defects.on(DefectExpiryTimeIgnored) {
		t, _ := time.Parse(time.RFC3339, req.PaymentExpiryTime) // checked by decode
		if !t.After(now) {
			return nil, openapi.Errorf(openapi.ParamIllegal, "paymentExpiryTime %s is not in the future", req.PaymentExpiryTime)
		}
		deadline = t
	}
	fp := fingerprint(body)

	s.mu.Lock()
	defer s.mu.Unlock()
	if resp, found, err := s.previousPayLocked(clientID, req.PaymentRequestID, body); found {
		return resp, err
	}
	notifyURL := req.PaymentNotifyURL
	if notifyURL == "" {
		notifyURL = s.merchants[clientID].NotifyURL
	}
	p := &payment{
		ID: s.newID(""), RequestID: req.PaymentRequestID, ClientID: clientID, Kind: kind,
		Amount: amount, Title: req.PaymentOrderTitle, ProductCode: productCode, PartnerID: req.PartnerID,
		NotifyURL: notifyURL, Source: "pay", fingerprint: fp, rawBody: string(body),
		Status: openapi.PaymentProcessing, CreatedAt: now, Deadline: deadline,
	}
	p.payResponse = &openapi.PayResponse{
		Result:           openapi.NewResult(openapi.Accept, "accepted: the payer confirms in the cashier"),
		PaymentID:        p.ID,
		PaymentRequestID: p.RequestID,
		RedirectActionForm: &openapi.RedirectActionForm{
			Method:      "GET",
			RedirectURL: s.url + "/cashier/" + p.ID,
		},
	}
	if err := s.addLocked(p); err != nil {
		return nil, err
	}
	return p.payResponse, nil
}

// addLocked stores a new payment and arms its deadline.
func (s *Server) addLocked(p *payment) error {
	if err := s.savePaymentLocked(p); err != nil {
		return err
	}
	s.armDeadlineLocked(p, p.CreatedAt)
	return nil
}

// lookupLocked finds a client's payment; paymentId wins over paymentRequestId, and an
// unknown paymentId is ORDER_NOT_EXIST even when the request id is known.
func (s *Server) lookupLocked(clientID, paymentID, requestID string) (*payment, error) {
	if (paymentID != "" && !s.defects.on(DefectRequestIDWins)) || requestID == "" {
		p, err := s.store.payment(paymentID)
		if err != nil {
			return nil, s.storageError(err)
		}
		if p == nil || (p.ClientID != clientID && !s.defects.on(DefectOtherClientsPayments)) {
			return nil, openapi.Errorf(openapi.OrderNotExist, "no payment with paymentId %q", paymentID)
		}
		return p, nil
	}
	p, err := s.store.paymentByRequest(clientID, requestID)
	if err != nil {
		return nil, s.storageError(err)
	}
	if p == nil {
		return nil, openapi.Errorf(openapi.OrderNotExist, "no payment with paymentRequestId %q", requestID)
	}
	return p, nil
}

// withPayment runs f on a client's payment under the server's lock, after closing it if its
// deadline passed; the FAIL notification that closing owes is sent once the lock is released.
func (s *Server) withPayment(clientID, paymentID, requestID string, f func(p *payment, now time.Time) (any, error)) (any, error) {
	s.mu.Lock()
	p, err := s.lookupLocked(clientID, paymentID, requestID)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	now := s.clock.Now()
	job := s.settleDueLocked(p, now)
	out, err := f(p, now)
	if saveErr := s.savePaymentLocked(p); saveErr != nil && err == nil {
		out, err = nil, saveErr
	}
	s.mu.Unlock()
	s.notify(job)
	return out, err
}

func (s *Server) inquiryPayment(clientID string, body []byte) (any, error) {
	req, err := openapi.DecodeInquiryPayment(s.readerDialect(dialect.InquiryPayment), body)
	if err != nil {
		return nil, err
	}
	return s.withPayment(clientID, req.PaymentID, req.PaymentRequestID, func(p *payment, _ time.Time) (any, error) {
		resp := &openapi.InquiryPaymentResponse{
			Result:            openapi.SuccessResult(),
			PaymentID:         p.ID,
			PaymentRequestID:  p.RequestID,
			PaymentAmount:     openapi.WireAmountPtr(p.Amount),
			PaymentStatus:     p.Status,
			PaymentFailReason: p.FailReason,
		}
		if p.Status == openapi.PaymentSuccess || p.Status == openapi.PaymentAuthSuccess {
			resp.PaymentTime = formatTime(p.PaidAt)
		}
		if p.Kind == PreAuth && !p.AuthExpiry.IsZero() {
			resp.AuthExpiryTime = formatTime(p.AuthExpiry)
		}
		return resp, nil
	})
}

func (s *Server) cancel(clientID string, body []byte) (any, error) {
	var req openapi.CancelRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	var job *notifyJob
	defer func() { s.notify(job) }()
	paymentID, requestID := s.cancelQuery(req.PaymentID, req.PaymentRequestID)
	return s.withPayment(clientID, paymentID, requestID, func(p *payment, now time.Time) (any, error) {
		if err := s.cancelLocked(p, now); err != nil {
			return nil, err
		}
		job = s.cancelNotificationLocked(p)
		return &openapi.CancelResponse{Result: openapi.SuccessResult(), PaymentID: p.ID, PaymentRequestID: p.RequestID, CancelTime: formatTime(p.CancelTime)}, nil
	})
}

// cancelLocked applies the cancel rules of PROTOCOL.md ("Pinned refusals", "Lifecycles").
func (s *Server) cancelLocked(p *payment, now time.Time) error {
	if s.cancelOutcomeLocked(p, now) {
		return nil
	}
	switch {
	case p.Status == openapi.PaymentCancelled && s.variants.on(VariantRepeatCancelSucceeds):
		return nil // an idempotent repeat: nothing changes
	case p.Status == openapi.PaymentFail || p.Status == openapi.PaymentCancelled:
		return openapi.Errorf(openapi.OrderIsClosed, "payment %s is already %s", p.ID, p.Status)
	case p.Status == openapi.PaymentProcessing:
		p.Status = openapi.PaymentCancelled
		p.CancelTime = now
		s.stopDeadlineLocked(p.ID)
		return nil
	case p.Kind == General && !s.defects.on(DefectCancelPaidPayment):
		return openapi.Errorf(openapi.ProcessFail, "payment %s is paid: refund it instead", p.ID)
	case p.Kind == General:
		p.Status, p.CancelTime = openapi.PaymentCancelled, now
		return nil
	case p.Closed:
		return openapi.Errorf(openapi.OrderIsClosed, "authorization %s is closed: nothing left to release", p.ID)
	default:
		// An authorization: release what is still frozen.
		p.Released = money.Amount{Currency: p.Amount.Currency, Value: p.Amount.Value - p.Captured.Value}
		p.Closed = true
		p.CancelTime = now
		if p.Captured.Value == 0 {
			p.Status = openapi.PaymentCancelled
		}
		return nil
	}
}

func (s *Server) capture(clientID string, body []byte) (any, error) {
	var req openapi.CaptureRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	fp := fingerprint(body)
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, err := s.store.capture(clientID, req.CaptureRequestID); err != nil {
		return nil, s.storageError(err)
	} else if c != nil {
		if c.fingerprint == fp {
			return c.response, nil
		}
		return nil, openapi.Errorf(openapi.RepeatReqInconsistent, "captureRequestId %q was already used with different content", req.CaptureRequestID)
	}
	p, err := s.lookupLocked(clientID, req.PaymentID, "")
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	if s.settleAuthExpiryLocked(p, now) {
		if err := s.savePaymentLocked(p); err != nil {
			return nil, err
		}
	}
	s.reopenAfterCancelLocked(p)
	switch {
	case p.Kind != PreAuth && !s.defects.on(DefectCaptureGeneral):
		return nil, openapi.Errorf(openapi.ProcessFail, "payment %s is a general payment: only authorizations are captured", p.ID)
	case p.Status == openapi.PaymentFail || p.Status == openapi.PaymentCancelled:
		return nil, openapi.Errorf(openapi.OrderIsClosed, "authorization %s is %s", p.ID, p.Status)
	case p.Status == openapi.PaymentProcessing:
		return nil, openapi.Errorf(openapi.ProcessFail, "authorization %s is not granted yet", p.ID)
	case p.Kind == PreAuth && !now.Before(p.AuthExpiry) && !s.defects.on(DefectAuthExpiryIgnored):
		return nil, openapi.Errorf(openapi.AuthorizationExpired, "authorization %s expired at %s", p.ID, formatTime(p.AuthExpiry))
	case p.Captured.Value > 0 && s.oneCapture():
		// AUTH_CANCELLED: the code published (Rebell's capture list) for an authorization that
		// can no longer be captured; one capture closed it.
		return nil, openapi.Errorf(openapi.AuthCancelled, "authorization %s was captured already: the %s dialect takes one capture per authorization, and the rest was released",
			p.ID, s.dialect.Label())
	case p.Closed:
		return nil, openapi.Errorf(openapi.OrderIsClosed, "authorization %s is closed: nothing left to capture", p.ID)
	case p.Captured.Value > 0 && s.variants.on(VariantOneCapture):
		return nil, openapi.Errorf(openapi.OrderIsClosed, "authorization %s was captured already: one capture per authorization", p.ID)
	}
	remainder := p.Amount.Value - p.Captured.Value - p.Released.Value
	amount := money.Amount{Currency: p.Amount.Currency, Value: remainder}
	if req.CaptureAmount != nil {
		amount, _ = req.CaptureAmount.PositiveMoney("captureAmount") // checked by decode
		if amount.Currency != p.Amount.Currency {
			return nil, openapi.Errorf(openapi.ParamIllegal, "captureAmount.currency %s differs from the authorization's %s", amount.Currency, p.Amount.Currency)
		}
		if amount.Value > remainder && !s.defects.on(DefectCaptureAboveRemainder) {
			return nil, openapi.Errorf(openapi.CaptureAmountExceed, "captureAmount %s exceeds the authorized remainder %d", amount.ValueString(), remainder)
		}
	}
	// Under a dialect of one capture per authorization, the first one, full or partial, is
	// the last.
	last := s.lastCapture(req.IsLastCapture) || s.oneCapture()
	p.Captured.Value += amount.Value
	p.Captured.Currency = p.Amount.Currency
	p.Status = openapi.PaymentSuccess
	if last {
		p.Released = money.Amount{Currency: p.Amount.Currency, Value: p.Amount.Value - p.Captured.Value}
		p.Closed = true
	}
	c := &capture{ID: s.newID("C"), RequestID: req.CaptureRequestID, PaymentID: p.ID, Amount: amount, Time: now, fingerprint: fp}
	c.response = &openapi.CaptureResponse{
		Result: openapi.SuccessResult(), CaptureRequestID: c.RequestID, CaptureID: c.ID,
		PaymentID: p.ID, CaptureAmount: openapi.WireAmountPtr(amount), CaptureTime: formatTime(now),
	}
	if err := s.store.saveCapture(clientID, c, p); err != nil {
		return nil, s.storageError(err)
	}
	return c.response, nil
}

func (s *Server) refund(clientID string, body []byte) (any, error) {
	req, err := openapi.DecodeRefund(s.readerDialect(dialect.Refund), body)
	if err != nil {
		return nil, err
	}
	fp := fingerprint(body)
	amount, _ := req.RefundAmount.PositiveMoney("refundAmount") // checked by DecodeRefund
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, err := s.store.refundByRequest(clientID, req.RefundRequestID); err != nil {
		return nil, s.storageError(err)
	} else if r != nil {
		if r.fingerprint == fp {
			return r.response, nil
		}
		return nil, openapi.Errorf(openapi.RepeatReqInconsistent, "refundRequestId %q was already used with different content", req.RefundRequestID)
	}
	// paymentRequestId is set only where the dialect names the payment by it.
	p, err := s.lookupLocked(clientID, req.PaymentID, req.PaymentRequestID)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	paid := p.paid()
	if (p.Status != openapi.PaymentSuccess || paid.Value == 0) && !s.defects.on(DefectRefundUnpaid) {
		return nil, openapi.Errorf(openapi.RefundNotAllowed, "payment %s is %s: nothing was paid", p.ID, p.Status)
	}
	if amount.Currency != p.Amount.Currency {
		return nil, openapi.Errorf(openapi.ParamIllegal, "refundAmount.currency %s differs from the payment's %s", amount.Currency, p.Amount.Currency)
	}
	if p.Refunded.Value > 0 && s.variants.on(VariantOnePartialRefund) {
		return nil, openapi.Errorf(openapi.MultiRefundNotAllowed, "payment %s was refunded already: one refund per payment", p.ID)
	}
	refundable := paid.Value - p.Refunded.Value
	if amount.Value > refundable && !s.defects.on(DefectRefundAbovePaid) {
		return nil, openapi.Errorf(openapi.RefundAmountExceed, "refundAmount %s exceeds the refundable %d (paid %d, refunded %d)", amount.ValueString(), refundable, paid.Value, p.Refunded.Value)
	}
	p.Refunded = money.Amount{Currency: p.Amount.Currency, Value: p.Refunded.Value + amount.Value}
	r := &refund{ID: s.newID("R"), RequestID: req.RefundRequestID, ClientID: clientID, PaymentID: p.ID, Amount: amount, Reason: req.RefundReason, Time: now, fingerprint: fp}
	r.response = &openapi.RefundResponse{
		Result: openapi.SuccessResult(), RefundRequestID: r.RequestID, RefundID: r.ID,
		PaymentID: p.ID, RefundAmount: openapi.WireAmountPtr(amount), RefundTime: formatTime(now),
	}
	if err := s.store.saveRefund(r, p); err != nil {
		return nil, s.storageError(err)
	}
	return r.response, nil
}

func (s *Server) inquiryRefund(clientID string, body []byte) (any, error) {
	var req openapi.InquiryRefundRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var r *refund
	var err error
	if req.RefundID != "" {
		if r, err = s.store.refund(req.RefundID); r != nil && r.ClientID != clientID {
			r = nil
		}
	} else {
		r, err = s.store.refundByRequest(clientID, req.RefundRequestID)
	}
	if err != nil {
		return nil, s.storageError(err)
	}
	if r == nil {
		return nil, openapi.Errorf(openapi.OrderNotExist, "no refund with refundId %q / refundRequestId %q", req.RefundID, req.RefundRequestID)
	}
	return &openapi.InquiryRefundResponse{
		Result: openapi.SuccessResult(), RefundID: r.ID, RefundRequestID: r.RequestID, PaymentID: r.PaymentID,
		RefundAmount: openapi.WireAmountPtr(r.Amount), RefundStatus: openapi.RefundSuccess,
		RefundReason: r.Reason, RefundTime: formatTime(r.Time),
	}, nil
}
