package merchant

import (
	"context"
	"fmt"
	"net/http"

	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

type captureRequest struct {
	Amount *openapi.Amount `json:"amount"`
	Final  *bool           `json:"final"`
}

// capture handles POST .../capture: default the authorized remainder, final.
func (s *Server) capture(r *http.Request) (any, error) {
	var req captureRequest
	if err := s.decodeAdapter(r, &req, true); err != nil {
		return nil, err
	}
	o, err := s.loadOrder(r)
	if err != nil {
		return nil, err
	}
	newID, err := s.ids.next("C")
	if err != nil {
		return nil, err
	}
	var op Operation
	o, err = s.store.Update(o.ID, func(o *Order) error {
		if o.Type != PreAuth {
			return refused("order %s is a general payment: only a pre-authorization is captured", o.ID)
		}
		if o.Status != StatusAuthorized && (o.Status != StatusCaptured || o.AuthorizationClosed) {
			return refused("order %s is %s: nothing is authorized to capture", o.ID, o.Status)
		}
		remainder, err := o.AuthorizedAmount.Sub(o.CapturedAmount)
		if err != nil {
			return refused("order %s: %v", o.ID, err)
		}
		amount, given, err := amountArg(req.Amount, o.Amount.Currency)
		if err != nil {
			return err
		}
		if !given {
			amount = remainder
		}
		// The merchant checks first: the wallet should never see a capture it must refuse.
		if amount.Value > remainder.Value {
			return refused("capture of %s exceeds the authorized remainder %s", amount, remainder)
		}
		final := req.Final == nil || *req.Final
		op = Operation{Amount: amount, Final: final}
		return reserve(&o.PendingCapture, &o.CaptureRequestIDs, &op, newID, "capture")
	})
	if err != nil {
		return nil, err
	}

	ctx, cancel := s.operationContext(r)
	defer cancel()
	capture := &openapi.CaptureRequest{
		CaptureRequestID: op.RequestID,
		PaymentID:        o.PaymentID,
		CaptureAmount:    s.wireAmountPtr(op.Amount),
		IsLastCapture:    &op.Final,
	}
	sent := 0
	return s.sendUntilDecided(ctx, o.ID, op, "capture", captureDone(op),
		func(ctx context.Context) (openapi.Result, error) {
			if sent++; sent > 1 && s.defects.on(DefectCaptureRetryNewID) {
				capture.CaptureRequestID = op.RequestID + fmt.Sprint(sent)
			}
			resp, err := s.wallet.Capture(ctx, capture)
			if err != nil {
				return openapi.Result{}, err
			}
			return resp.Result, nil
		},
		// Ask where the payment stands: a payment closed meanwhile will not be captured.
		func(ctx context.Context) (bool, error) {
			if _, status, err := s.inquire(ctx, o); err == nil && (status == openapi.PaymentFail || status == openapi.PaymentCancelled) {
				return false, refused("capture %s: the payment is %s", op.RequestID, status)
			}
			return false, nil
		})
}

// captureDone applies a successful capture.
func captureDone(op Operation) func(*Order) {
	return func(o *Order) {
		o.CapturedAmount, _ = o.CapturedAmount.Add(op.Amount)
		o.Status = StatusCaptured
		if op.Final || o.CapturedAmount == o.AuthorizedAmount {
			o.AuthorizationClosed = true
		}
	}
}

type refundRequest struct {
	Amount *openapi.Amount `json:"amount"`
}

// refund handles POST .../refund: default the refundable remainder.
func (s *Server) refund(r *http.Request) (any, error) {
	var req refundRequest
	if err := s.decodeAdapter(r, &req, true); err != nil {
		return nil, err
	}
	o, err := s.loadOrder(r)
	if err != nil {
		return nil, err
	}
	newID, err := s.ids.next("F")
	if err != nil {
		return nil, err
	}
	var op Operation
	o, err = s.store.Update(o.ID, func(o *Order) error {
		if o.Status != StatusPaid && o.Status != StatusCaptured {
			return refused("order %s is %s: nothing paid to refund", o.ID, o.Status)
		}
		refundable, err := o.PaidAmount().Sub(o.RefundedAmount)
		if err != nil {
			return refused("order %s: %v", o.ID, err)
		}
		amount, given, err := amountArg(req.Amount, o.Amount.Currency)
		if err != nil {
			return err
		}
		if !given {
			amount = refundable
		}
		if amount.Value == 0 || amount.Value > refundable.Value {
			return refused("refund of %s exceeds the refundable remainder %s", amount, refundable)
		}
		op = Operation{Amount: amount}
		return reserve(&o.PendingRefund, &o.RefundRequestIDs, &op, newID, "refund")
	})
	if err != nil {
		return nil, err
	}

	ctx, cancel := s.operationContext(r)
	defer cancel()
	refund := &openapi.RefundRequest{
		RefundRequestID: op.RequestID,
		PaymentID:       o.PaymentID,
		RefundAmount:    s.wireAmount(op.Amount),
	}
	sent := 0
	return s.sendUntilDecided(ctx, o.ID, op, "refund", refundDone(op),
		func(ctx context.Context) (openapi.Result, error) {
			if sent++; sent > 1 && s.defects.on(DefectRefundRetryNewID) {
				refund.RefundRequestID = op.RequestID + fmt.Sprint(sent)
			}
			resp, err := s.wallet.Refund(ctx, refund)
			if err != nil {
				return openapi.Result{}, err
			}
			return resp.Result, nil
		},
		func(ctx context.Context) (bool, error) {
			if s.defects.on(DefectRefundRetryNewID) {
				return false, nil // sends again without asking
			}
			switch s.refundStatus(ctx, op.RequestID) {
			case openapi.RefundSuccess:
				return true, nil
			case openapi.RefundFail:
				return false, refused("refund %s failed at the wallet", op.RequestID)
			}
			return false, nil
		})
}

// sendUntilDecided sends a reserved capture or refund until the wallet decides it, at most
// maxAttempts times and always under op's request id, so a retry can never execute it twice.
// S applies done and F releases the operation; after an error the outcome is unknown and the
// request is sent again; after any other answer query asks the wallet where the operation
// stands: executed applies done, a refusal releases it, and with neither the request is sent
// again. An outcome still unknown at the end is a 502 and leaves the operation pending for
// the next try.
func (s *Server) sendUntilDecided(ctx context.Context, orderID string, op Operation, kind string, done func(*Order),
	send func(context.Context) (openapi.Result, error),
	query func(context.Context) (executed bool, refusal error),
) (any, error) {
	var last string
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		res, err := send(ctx)
		if err != nil {
			// The operation may or may not have happened; the same id is safe to send again.
			last = err.Error()
			continue
		}
		switch res.ResultStatus {
		case openapi.StatusSuccess:
			return viewOf(s.settle(orderID, op.RequestID, done)), nil
		case openapi.StatusFail:
			s.settle(orderID, op.RequestID, nil)
			return nil, walletRefused(kind, res)
		}
		last = fmt.Sprintf("%s %s", res.ResultCode, res.ResultMessage)
		if s.unknownIsDone(kind) {
			return viewOf(s.settle(orderID, op.RequestID, done)), nil
		}
		executed, refusal := query(ctx)
		switch {
		case executed:
			return viewOf(s.settle(orderID, op.RequestID, done)), nil
		case refusal != nil:
			s.settle(orderID, op.RequestID, nil)
			return nil, refusal
		}
	}
	return nil, walletFailed("", "%s %s: outcome still unknown after %d attempts (last: %s); retry to resolve it", kind, op.RequestID, maxAttempts, last)
}

// refundStatus asks the wallet about a refund; "" when the wallet does not say.
func (s *Server) refundStatus(ctx context.Context, requestID string) string {
	resp, err := s.wallet.InquiryRefund(ctx, &openapi.InquiryRefundRequest{RefundRequestID: requestID})
	if err != nil || resp.Result.ResultStatus != openapi.StatusSuccess {
		return ""
	}
	return resp.RefundStatus
}

// refundDone applies a successful refund.
func refundDone(op Operation) func(*Order) {
	return func(o *Order) {
		o.RefundedAmount, _ = o.RefundedAmount.Add(op.Amount)
		if o.RefundedAmount == o.PaidAmount() {
			o.Status = StatusRefunded
		}
	}
}

// reserve records op as the pending operation of its kind. A pending operation with the
// same amount and finality is the same operation retried, and keeps its request id, so the
// wallet can never execute it twice; a different one is refused until the pending one is
// resolved.
func reserve(pending **Operation, used *[]string, op *Operation, newID, kind string) error {
	if p := *pending; p != nil {
		if p.Amount != op.Amount || p.Final != op.Final {
			return refused("%s %s of %s is still unresolved: retry it before another %s", kind, p.RequestID, p.Amount, kind)
		}
		op.RequestID = p.RequestID
		return nil
	}
	op.RequestID = newID
	p := *op
	*pending = &p
	*used = append(*used, newID)
	return nil
}

// settle clears the pending capture or refund with the request id and applies done when
// the wallet executed it (nil when it refused). A concurrent retry that settled the same
// operation first leaves nothing to do, so an outcome is never counted twice.
func (s *Server) settle(orderID, requestID string, done func(*Order)) Order {
	o, err := s.store.Update(orderID, func(o *Order) error {
		switch {
		case o.PendingCapture != nil && o.PendingCapture.RequestID == requestID:
			o.PendingCapture = nil
		case o.PendingRefund != nil && o.PendingRefund.RequestID == requestID:
			o.PendingRefund = nil
		default:
			return nil
		}
		if done != nil {
			done(o)
		}
		return nil
	})
	if err != nil {
		s.log.Error("settle operation", "order", orderID, "request", requestID, "err", err)
	}
	return o
}

// cancel handles POST .../cancel: an unpaid order, or what is left of an authorization.
func (s *Server) cancel(r *http.Request) (any, error) {
	// Cancel takes no fields, but a body that is not empty or a JSON object is malformed all
	// the same: a 400, not a cancelled order.
	if err := s.decodeAdapter(r, &struct{}{}, true); err != nil {
		return nil, err
	}
	o, err := s.loadOrder(r)
	if err != nil {
		return nil, err
	}
	switch {
	case o.Status == StatusPending, o.Status == StatusAuthorized:
	case o.Status == StatusCaptured && !o.AuthorizationClosed:
	default:
		return nil, refused("order %s is %s: nothing to cancel", o.ID, o.Status)
	}
	if s.defects.on(DefectCancelWithoutWallet) {
		o, err := s.store.Update(o.ID, cancelDone)
		if err != nil {
			return nil, fmt.Errorf("merchant: %w", err)
		}
		return viewOf(o), nil
	}
	ctx, cancel := s.operationContext(r)
	defer cancel()
	req := &openapi.CancelRequest{PaymentID: o.PaymentID}
	if o.PaymentID == "" {
		req.PaymentRequestID = o.PaymentRequestID
	}
	var last string
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		resp, err := s.wallet.Cancel(ctx, req)
		if err != nil {
			last = err.Error()
			continue
		}
		switch resp.Result.ResultStatus {
		case openapi.StatusSuccess:
			o, err := s.store.Update(o.ID, cancelDone)
			if err != nil {
				return nil, fmt.Errorf("merchant: %w", err)
			}
			return viewOf(o), nil
		case openapi.StatusFail:
			s.cancelRefusedLocally(o.ID)
			return nil, walletRefused("cancel", resp.Result)
		}
		last = fmt.Sprintf("%s %s", resp.Result.ResultCode, resp.Result.ResultMessage)
		if s.defects.on(DefectCancelUnknownFails) {
			return nil, walletRefused("cancel", resp.Result)
		}
		if q, status, err := s.inquire(ctx, o); err == nil && status == openapi.PaymentCancelled {
			return viewOf(q), nil
		}
	}
	return nil, walletFailed("", "cancel: outcome still unknown after %d attempts (last: %s)", maxAttempts, last)
}

// cancelDone applies a successful cancel: an unpaid order or an untouched authorization is
// CANCELLED; a partly captured one keeps CAPTURED and loses its remainder.
func cancelDone(o *Order) error {
	switch o.Status {
	case StatusPending, StatusAuthorized:
		o.Status = StatusCancelled
	}
	o.AuthorizationClosed = true
	return nil
}
