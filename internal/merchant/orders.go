package merchant

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/orderstr"
)

// paymentTimeout is how long the payer has, in every flow: paymentExpiryTime of pay and
// pay_timeout of an orderStr.
const paymentTimeout = 15 * time.Minute

// resultUserCancelled is the my.tradePay code after which the merchant asks nothing.
const resultUserCancelled = "6001"

type createRequest struct {
	Flow   Flow            `json:"flow"`
	Type   Type            `json:"type"`
	Amount *openapi.Amount `json:"amount"`
	Title  string          `json:"title"`
}

// createOrder handles POST /conformance/orders.
func (s *Server) createOrder(r *http.Request) (any, error) {
	var req createRequest
	if err := s.decodeAdapter(r, &req, false); err != nil {
		return nil, err
	}
	switch req.Flow {
	case FlowTradeNO, FlowOrderStr, FlowPaymentURL:
	case "":
		return nil, badRequest("flow is missing (tradeNO, orderStr or paymentUrl)")
	default:
		return nil, badRequest("flow %q is not tradeNO, orderStr or paymentUrl", req.Flow)
	}
	switch req.Type {
	case General, PreAuth:
	case "":
		req.Type = General
	default:
		return nil, badRequest("type %q is not GENERAL or PREAUTH", req.Type)
	}
	if req.Amount == nil {
		return nil, badRequest("amount is missing")
	}
	amount, _, err := amountArg(req.Amount, req.Amount.Currency)
	if err != nil {
		return nil, err
	}
	if req.Title == "" {
		req.Title = "tradepaykit order"
	}
	if n := utf8.RuneCountInString(req.Title); n > 256 {
		return nil, badRequest("title is %d characters, longer than 256", n)
	}
	if req.Flow == FlowOrderStr && s.cfg.AppID == "" {
		return nil, refused("this merchant has no app id, so it cannot sign an orderStr")
	}

	orderID, err := s.ids.next("O")
	if err != nil {
		return nil, err
	}
	requestID, err := s.ids.next("R")
	if err != nil {
		return nil, err
	}
	zero := money.Amount{Currency: amount.Currency}
	o := Order{
		ID: orderID, Flow: req.Flow, Type: req.Type, Title: req.Title, Amount: amount,
		PaymentRequestID: requestID, Status: StatusPending,
		AuthorizedAmount: zero, CapturedAmount: zero, RefundedAmount: zero,
		CreatedAt: s.cfg.Clock.Now(),
	}

	if req.Flow == FlowOrderStr {
		token, err := s.buildOrderStr(o)
		if err != nil {
			return nil, refused("cannot build the orderStr: %v", err)
		}
		if err := s.store.Create(o); err != nil {
			return nil, fmt.Errorf("merchant: store order: %w", err)
		}
		v := viewOf(o)
		v.OrderStr = token
		return v, nil
	}

	// The order exists before pay is sent: if the answer is lost, the wallet's notification
	// still finds it by paymentRequestId.
	if err := s.store.Create(o); err != nil {
		return nil, fmt.Errorf("merchant: store order: %w", err)
	}
	o, form, err := s.pay(r.Context(), o)
	if err != nil {
		var ae *adapterError
		if errors.As(err, &ae) {
			ae.orderID, ae.paymentRequestID = o.ID, o.PaymentRequestID
		}
		return nil, err
	}
	v := viewOf(o)
	if req.Flow == FlowTradeNO {
		v.TradeNO = o.PaymentID
	} else {
		v.PaymentURL = form.URL()
	}
	return v, nil
}

// pay sends the wallet's pay for a new order and records the paymentId it answers. An
// answer that leaves the outcome unknown (U, or no trustworthy answer at all) is not a
// failure: pay is sent again under the same paymentRequestId, which the wallet answers with
// the payment it may already have made (PROTOCOL.md, "Idempotency").
func (s *Server) pay(ctx context.Context, o Order) (Order, *openapi.RedirectActionForm, error) {
	productCode := s.cfg.Profile.GeneralProductCode
	if o.Type == PreAuth {
		productCode = s.cfg.Profile.PreAuthProductCode
	}
	// The title goes where the dialect carries it (paymentOrderTitle or
	// order.orderDescription), and partnerId and appId where it wants them: the wallet
	// client writes the dialect's shape.
	req := &openapi.PayRequest{
		ProductCode:       productCode,
		PaymentOrderTitle: o.Title,
		PaymentRequestID:  o.PaymentRequestID,
		PaymentAmount:     s.wireAmount(o.Amount),
		PaymentFactor:     &openapi.PaymentFactor{IsCashierPayment: true},
		PaymentExpiryTime: s.cfg.Clock.Now().Add(paymentTimeout).Format(time.RFC3339),
		PaymentNotifyURL:  s.NotifyURL(),
	}
	if o.Type == PreAuth && productCode == "" {
		// A dialect without a pre-authorization code (v2: how an authorization is created is
		// not published) asks for one with paymentFactor.isAuthorization.
		req.PaymentFactor.IsAuthorization = true
	}
	var resp *openapi.PayResponse
	var last error
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		if attempt > 1 && s.defects.on(DefectPayRetryNewID) {
			id, err := s.ids.next("R")
			if err != nil {
				return o, nil, err
			}
			req.PaymentRequestID = id
		}
		r, err := s.wallet.Pay(ctx, req)
		switch {
		case err != nil:
			last = walletFailed("", "pay: %v", err)
			continue
		case r.Result.ResultStatus == openapi.StatusUnknown && s.defects.on(DefectPayUnknownFails):
			r.Result.ResultStatus = openapi.StatusFail
		case r.Result.ResultStatus == openapi.StatusUnknown:
			last = walletFailed(r.Result.ResultCode, "pay: outcome unknown (%s %s %s)", r.Result.ResultStatus, r.Result.ResultCode, r.Result.ResultMessage)
			continue
		}
		resp, last = r, nil
		break
	}
	if last != nil {
		// Still unknown: the order stays PENDING; a notification or an inquiry settles it.
		return o, nil, last
	}
	res := resp.Result
	switch res.ResultStatus {
	case openapi.StatusAccepted, openapi.StatusSuccess:
	case openapi.StatusFail:
		o, _ = s.store.Update(o.ID, func(o *Order) error {
			o.Status = StatusFailed
			return nil
		})
		return o, nil, walletRefused("pay", res)
	default:
		return o, nil, walletFailed(res.ResultCode, "pay: resultStatus %q is not A, S, F or U (%s %s)", res.ResultStatus, res.ResultCode, res.ResultMessage)
	}
	if resp.PaymentID == "" {
		return o, nil, walletFailed(res.ResultCode, "pay: the wallet accepted without a paymentId")
	}
	if resp.PaymentRequestID != "" && resp.PaymentRequestID != req.PaymentRequestID {
		return o, nil, walletFailed(res.ResultCode, "pay: the wallet answered paymentRequestId %q, not %q", resp.PaymentRequestID, req.PaymentRequestID)
	}
	if o.Flow == FlowPaymentURL && resp.RedirectActionForm.URL() == "" {
		return o, nil, walletFailed(res.ResultCode, "pay: the wallet answered no redirectActionForm.redirectUrl")
	}
	o, err := s.store.Update(o.ID, func(o *Order) error {
		if o.PaymentID != "" && o.PaymentID != resp.PaymentID {
			return fmt.Errorf("a notification named paymentId %q, pay answered %q", o.PaymentID, resp.PaymentID)
		}
		o.PaymentID = resp.PaymentID
		return nil
	})
	if err != nil {
		return o, nil, walletFailed(res.ResultCode, "pay: %v", err)
	}
	return o, resp.RedirectActionForm, nil
}

// buildOrderStr builds and signs the orderStr of a new order.
func (s *Server) buildOrderStr(o Order) (string, error) {
	now := s.cfg.Clock.Now()
	var p orderstr.Params
	var err error
	if o.Type == PreAuth {
		p, err = orderstr.NewPreAuth(orderstr.PreAuthOrder{
			AppID: s.cfg.AppID, NotifyURL: s.NotifyURL(),
			OutOrderNo: o.ID, OutRequestNo: o.PaymentRequestID,
			OrderTitle: o.Title, Amount: s.orderStrAmount(o.Amount), PayTimeout: paymentTimeout,
		}, now)
	} else {
		p, err = orderstr.NewGeneral(orderstr.GeneralOrder{
			AppID: s.cfg.AppID, NotifyURL: s.NotifyURL(),
			OutTradeNo: o.PaymentRequestID, Subject: o.Title, Amount: s.orderStrAmount(o.Amount), PayTimeout: paymentTimeout,
		}, now)
	}
	if err != nil {
		return "", err
	}
	s.orderStrTimestamp(p, now)
	if !s.defects.on(DefectOrderStrNoSignature) {
		if p, err = orderstr.Sign(p, s.cfg.PrivateKey); err != nil {
			return "", err
		}
	}
	s.orderStrSent(p)
	if s.defects.on(DefectOrderStrChangedSigned) {
		p[orderstr.KeyNotifyURL] += "?src=miniapp"
	}
	return orderstr.Encode(p)
}

type tradePayResultRequest struct {
	ResultCode string `json:"resultCode"`
}

// tradePayResult handles POST .../tradePayResult: what the mini program got back from
// my.tradePay. The code alone is never trusted: every code but 6001 is confirmed with
// inquiryPayment, unless a verified notification already settled the order.
func (s *Server) tradePayResult(r *http.Request) (any, error) {
	var req tradePayResultRequest
	if err := s.decodeAdapter(r, &req, false); err != nil {
		return nil, err
	}
	if req.ResultCode == "" {
		return nil, badRequest("resultCode is missing")
	}
	o, err := s.loadOrder(r)
	if err != nil {
		return nil, err
	}
	if o.SettledByNotification {
		return viewOf(o), nil
	}
	switch s.tradePayPolicy(req.ResultCode) {
	case askNothing:
		return viewOf(o), nil
	case trustPaid, trustFailed:
		status := openapi.PaymentSuccess
		if s.tradePayPolicy(req.ResultCode) == trustFailed {
			status = openapi.PaymentFail
		}
		o, err = s.store.Update(o.ID, func(o *Order) error {
			s.applyStatus(o, status)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("merchant: %w", err)
		}
		return viewOf(o), nil
	}
	ctx, cancel := s.operationContext(r)
	defer cancel()
	o, _, err = s.inquire(ctx, o)
	if err != nil {
		return nil, err
	}
	return viewOf(o), nil
}

// Reconcile asks the wallet about every order still PENDING and applies the answers: what a
// merchant runs periodically so that an order whose notifications were all lost still ends
// in the wallet's final state. It returns how many orders changed.
func (s *Server) Reconcile(ctx context.Context) (int, error) {
	pending, err := s.store.Pending()
	if err != nil {
		return 0, err
	}
	changed := 0
	for _, o := range pending {
		after, _, err := s.inquire(ctx, o)
		if err != nil {
			return changed, fmt.Errorf("reconcile order %s: %w", o.ID, err)
		}
		if after.Status != o.Status {
			changed++
		}
	}
	return changed, nil
}

// inquire asks the wallet where the order's payment stands and applies the answer. It
// returns the order afterwards and the wallet's paymentStatus ("" when the query itself did
// not succeed: the order then stays as it was).
func (s *Server) inquire(ctx context.Context, o Order) (Order, string, error) {
	req := &openapi.InquiryPaymentRequest{PaymentID: o.PaymentID}
	if o.PaymentID == "" {
		req.PaymentRequestID = o.PaymentRequestID
	}
	var resp *openapi.InquiryPaymentResponse
	for attempt := 1; ; attempt++ {
		r, err := s.wallet.InquiryPayment(ctx, req)
		if err != nil {
			return o, "", walletFailed("", "inquiryPayment: %v", err)
		}
		resp = r
		if resp.Result.ResultStatus != openapi.StatusUnknown || attempt == maxAttempts {
			break
		}
		if s.defects.on(DefectInquiryUnknownFails) {
			resp.Result.ResultStatus, resp.PaymentStatus = openapi.StatusSuccess, openapi.PaymentFail
			break
		}
		// U: the wallet could not say yet; asking again is harmless.
	}
	if resp.Result.ResultStatus != openapi.StatusSuccess {
		// The query did not work (unknown payment, wallet busy): nothing is confirmed.
		s.log.Info("inquiryPayment without an answer", "order", o.ID, "result", resp.Result.ResultCode)
		return o, "", nil
	}
	if err := s.checkInquiry(o, resp); err != nil {
		return o, "", walletFailed(resp.Result.ResultCode, "inquiryPayment: %v", err)
	}
	o, err := s.store.Update(o.ID, func(o *Order) error {
		if o.PaymentID == "" {
			o.PaymentID = resp.PaymentID
		}
		s.applyStatus(o, resp.PaymentStatus)
		return nil
	})
	if err != nil {
		return o, "", walletFailed(resp.Result.ResultCode, "inquiryPayment: %v", err)
	}
	return o, resp.PaymentStatus, nil
}

// checkInquiry refuses an inquiry answer about another payment or another amount.
func (s *Server) checkInquiry(o Order, resp *openapi.InquiryPaymentResponse) error {
	if resp.PaymentRequestID != "" && resp.PaymentRequestID != o.PaymentRequestID {
		return fmt.Errorf("answer is about paymentRequestId %q, not %q", resp.PaymentRequestID, o.PaymentRequestID)
	}
	if o.PaymentID != "" && resp.PaymentID != "" && resp.PaymentID != o.PaymentID && !s.defects.on(DefectInquiryAnyPaymentID) {
		return fmt.Errorf("answer is about paymentId %q, not %q", resp.PaymentID, o.PaymentID)
	}
	if resp.PaymentAmount != nil {
		got, err := resp.PaymentAmount.Money("paymentAmount")
		if err != nil {
			return err
		}
		if !s.amountMatches(got, o.Amount, DefectInquiryAnyAmount, DefectInquiryAnyCurrency) {
			return fmt.Errorf("paymentAmount %s does not match the order's %s", got, o.Amount)
		}
	}
	return nil
}

// applyStatus moves the order according to a paymentStatus the wallet reported (by
// notification or inquiry) and reports whether it changed. Only a PENDING order is settled
// this way, so a late FAIL never undoes a payment; an authorization may still turn out
// CANCELLED (released by the wallet).
func (s *Server) applyStatus(o *Order, paymentStatus string) bool {
	switch {
	case o.Status == StatusPending && paymentStatus == openapi.PaymentSuccess && o.Type == General:
		o.Status = StatusPaid
	case o.Status == StatusPending && o.Type == PreAuth && s.defects.on(DefectAuthSuccessAsPaid) &&
		(paymentStatus == openapi.PaymentAuthSuccess || paymentStatus == openapi.PaymentSuccess):
		o.Status = StatusPaid
	case o.Status == StatusPaid && paymentStatus == openapi.PaymentFail && s.defects.on(DefectNotifyFailUndoesPaid):
		o.Status = StatusFailed
	case o.Status == StatusPending && o.Type == PreAuth &&
		(paymentStatus == openapi.PaymentAuthSuccess || paymentStatus == openapi.PaymentSuccess):
		// A freeze reported as SUCCESS is still only an authorization: the merchant has
		// captured nothing.
		o.Status = StatusAuthorized
		o.AuthorizedAmount = o.Amount
	case o.Status == StatusPending && paymentStatus == openapi.PaymentFail:
		o.Status = StatusFailed
	case (o.Status == StatusPending || o.Status == StatusAuthorized) && paymentStatus == openapi.PaymentCancelled:
		o.Status = StatusCancelled
		o.AuthorizationClosed = true
	default:
		return false
	}
	return true
}
