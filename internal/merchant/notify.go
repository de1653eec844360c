package merchant

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/signing"
)

// handleNotify receives notifyPayment. Every answer is HTTP 200 with a signed Result: S when
// the notification is applied or a duplicate, F with the reason otherwise (the wallet then
// retries, which is what a merchant that cannot trust the message wants).
func (s *Server) handleNotify(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, openapi.MaxBodyBytes))
	s.received.record(r, body, s.cfg.WallClock.Now(), s.cfg.WalletPublicKey, s.cfg.Signatures)
	switch {
	case err != nil:
		err = openapi.Errorf(openapi.ParamIllegal, "body is unreadable or larger than %d bytes", openapi.MaxBodyBytes)
	case s.answerScriptedFault(w, r, body):
		return
	default:
		err = s.notify(w, r, body)
	}
	var dup *duplicateNotification
	if errors.As(err, &dup) {
		err = dup.answer
		if dup.handled {
			return
		}
	}
	result := openapi.SuccessResult()
	if err != nil {
		result = openapi.ResultOf(err)
		s.log.Warn("notification refused", "code", result.ResultCode, "reason", result.ResultMessage)
		if result.ResultCode == openapi.ParamIllegal && s.defects.on(DefectNotifyServerError) {
			http.Error(w, "internal server error", http.StatusInternalServerError)
			return
		}
	}
	if err == nil && s.defects.on(DefectPlainTextSuccess) {
		plainTextAnswer(w)
		return
	}
	s.writeNotifyAnswer(w, r, result)
}

// duplicateNotification is a notification that changed nothing, answered by a defect
// (defects.go) rather than acknowledged: handled when the defect wrote the answer itself.
type duplicateNotification struct {
	handled bool
	answer  error
}

func (d *duplicateNotification) Error() string { return "duplicate notification" }

// writeNotifyAnswer sends result as the signed HTTP 200 answer to a notification.
func (s *Server) writeNotifyAnswer(w http.ResponseWriter, r *http.Request, result openapi.Result) {
	answer, _ := json.Marshal(openapi.NotifyPaymentResponse{Result: result})
	// The answer echoes the request's Client-Id, as responses do.
	clientID := r.Header.Get(signing.HeaderClientID)
	if clientID == "" {
		clientID = s.cfg.ClientID
	}
	if err := s.cfg.Signatures.SignResponseHeaders(s.cfg.SignatureStyle, w.Header(), r.Method, signing.PathOf(r), clientID, answer, s.cfg.PrivateKey, s.cfg.WallClock.Now()); err != nil {
		s.log.Error("sign notification answer", "err", err)
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(answer)
}

// notify checks and applies one notification.
func (s *Server) notify(w http.ResponseWriter, r *http.Request, body []byte) error {
	switch clientID := r.Header.Get(signing.HeaderClientID); {
	case s.defects.on(DefectNotifyAnyClientID):
	case clientID == "":
		return openapi.Errorf(openapi.InvalidClient, "Client-Id is missing")
	case clientID != s.cfg.ClientID:
		return openapi.Errorf(openapi.InvalidClient, "Client-Id %q is not this merchant's", clientID)
	}
	msg, header := signing.RequestMessage(r, body), s.signatureHeader(r)
	if err := signing.VerifyDeclared(nil, msg, header, s.cfg.WalletAlgorithms); errors.Is(err, signing.ErrNotChecked) {
		s.log.Info("notification signature not checked", "err", err)
	} else if err := s.cfg.Signatures.Verify(s.cfg.WalletPublicKey, msg, header); err != nil && !s.defects.on(DefectNotifyNoSignature) {
		return openapi.Errorf(openapi.InvalidSignature, "%v", err)
	}
	if err := signing.CheckFresh(r.Header.Get(signing.HeaderRequestTime), s.cfg.WallClock.Now(), signing.DefaultWindow); err != nil {
		return openapi.Errorf(openapi.InvalidSignature, "Request-Time: %v", err)
	}
	n, err := s.decodeNotification(body)
	if err != nil {
		return err
	}
	s.misreadOutcome(body, &n)
	if s.defects.on(DefectNotifyStrictFields) {
		if err := decodeStrict(body, s.knownNotifyFields()); err != nil {
			return openapi.Errorf(openapi.ParamIllegal, "%v", err)
		}
	}
	amount, err := n.PaymentAmount.Money("paymentAmount")
	if err != nil {
		return err
	}
	o, err := s.store.GetByPaymentRequestID(n.PaymentRequestID)
	if err != nil {
		return openapi.Errorf(openapi.OrderNotExist, "no order has paymentRequestId %q", n.PaymentRequestID)
	}
	o, err = s.store.Update(o.ID, func(o *Order) error {
		if o.PaymentID != "" && o.PaymentID != n.PaymentID && !s.defects.on(DefectNotifyAnyPaymentID) {
			return openapi.Errorf(openapi.ParamIllegal, "paymentId %q does not match the order's %q", n.PaymentID, o.PaymentID)
		}
		if !s.notifyAmountMatches(o, amount) {
			return openapi.Errorf(openapi.ParamIllegal, "paymentAmount does not match the order")
		}
		if len(o.Notifications) == 0 && o.Status != StatusPending && s.defects.on(DefectLateNotifyRefused) {
			return openapi.Errorf(openapi.ProcessFail, "order %s is already %s", o.ID, o.Status)
		}
		if len(o.Notifications) > 0 {
			if handled, answer := s.duplicateAnswer(w); handled || answer != nil {
				return &duplicateNotification{handled: handled, answer: answer}
			}
		}
		if o.Type == General && n.PaymentStatus == openapi.PaymentAuthSuccess {
			return openapi.Errorf(openapi.ParamIllegal, "paymentStatus AUTH_SUCCESS does not apply to a general payment")
		}
		o.PaymentID = n.PaymentID
		changed := s.applyStatus(o, n.PaymentStatus)
		if changed {
			o.SettledByNotification = true
		}
		o.Notifications = append(o.Notifications, Notification{
			PaymentID: n.PaymentID, PaymentStatus: n.PaymentStatus, Amount: amount,
			At: s.cfg.Clock.Now(), Changed: changed,
		})
		return nil
	})
	var oe *openapi.Error
	var dup *duplicateNotification
	switch {
	case errors.As(err, &oe), errors.As(err, &dup):
		return err
	case err != nil:
		// The paymentId belongs to another order.
		return openapi.Errorf(openapi.ParamIllegal, "paymentId %q: %v", n.PaymentID, err)
	}
	s.log.Info("notification applied", "order", o.ID, "paymentStatus", n.PaymentStatus, "status", o.Status)
	return nil
}

// decodeNotification reads a notification in the merchant's dialect: the outcome from
// paymentStatus or paymentResult, whichever the dialect uses (one in the other shape is
// refused PARAM_ILLEGAL with the codec's message naming both), as the neutral PaymentStatus
// SUCCESS, FAIL or AUTH_SUCCESS. By default only what settles the order is checked, plus
// partnerId where the dialect requires it; a malformed optional field is logged and
// tolerated (docs/protocol.md, "Where published wallets differ").
func (s *Server) decodeNotification(body []byte) (openapi.Notification, error) {
	d := s.dialect
	if s.cfg.RefuseMalformedOptional {
		return openapi.DecodeNotifyPayment(d, body)
	}
	n, err := openapi.DecodeNotifyPaymentOutcome(d, body)
	if err != nil {
		return n, err
	}
	if d.RequiresPartnerID() && n.PartnerID == "" {
		return n, openapi.Errorf(openapi.ParamIllegal, "partnerId is missing: the %s dialect requires it in notifyPayment", d.Label())
	}
	if _, err := openapi.DecodeNotifyPayment(d, body); err != nil {
		s.log.Warn("notification accepted with a malformed field", "reason", openapi.ResultOf(err).ResultMessage)
	}
	return n, nil
}
