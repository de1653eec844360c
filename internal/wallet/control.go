package wallet

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/orderstr"
)

// tradePayRequest is the body of POST /conformance/tradePay.
type tradePayRequest struct {
	TradeNO    string `json:"tradeNO"`
	OrderStr   string `json:"orderStr"`
	PaymentURL string `json:"paymentUrl"`
	Action     string `json:"action"`
	Payer      string `json:"payer"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func badRequest(w http.ResponseWriter, format string, args ...any) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf(format, args...)})
}

// handleTradePay plays the shopper: my.tradePay with one token, then the payer's action.
func (s *Server) handleTradePay(w http.ResponseWriter, r *http.Request) {
	var req tradePayRequest
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, openapi.MaxBodyBytes))
	if err != nil {
		s.malformedTradePay(w, "body: %v", err)
		return
	}
	if err := json.Unmarshal(body, &req); err != nil {
		s.malformedTradePay(w, "body is not a JSON object {tradeNO|orderStr|paymentUrl, action, payer}: %v", err)
		return
	}
	tokens := 0
	for _, t := range []string{req.TradeNO, req.OrderStr, req.PaymentURL} {
		if t != "" {
			tokens++
		}
	}
	if tokens != 1 {
		s.malformedTradePay(w, "exactly one of tradeNO, orderStr, paymentUrl is required, got %d", tokens)
		return
	}
	if _, ok := resultCodes[req.Action]; !ok {
		s.malformedTradePay(w, "action %q is not one of CONFIRM, CANCEL, DECLINE, NETWORK_ERROR, UNKNOWN, PENDING", req.Action)
		return
	}
	code, reason := s.tradePay(req)
	resp := map[string]string{"resultCode": code}
	if reason != "" {
		resp["memo"] = reason
	}
	writeJSON(w, http.StatusOK, resp)
}

// orderStrRefusedMemo starts the memo of a tradePay answered 4000 because the orderStr itself
// was refused (target.OrderStrRefusedMemo reads it).
const orderStrRefusedMemo = "orderStr refused: "

// tradePay resolves the token to a payment and applies the action. It returns the result
// code and, for 4000, why.
func (s *Server) tradePay(req tradePayRequest) (string, string) {
	now := s.clock.Now()
	s.mu.Lock()
	var p *payment
	switch {
	case req.TradeNO != "":
		p = s.paymentLocked(req.TradeNO)
	case req.PaymentURL != "":
		p = s.paymentLocked(paymentIDFromURL(req.PaymentURL))
	default:
		var reason string
		p, reason = s.paymentFromOrderStrLocked(req.OrderStr, now)
		if p == nil {
			s.mu.Unlock()
			// The kit's steps read this prefix (target.OrderStrRefusedMemo): no payment
			// exists for the orderStr, so an order waiting on it will not settle.
			return s.tradePayAnswer(req.Action, tradePayFailed, false), orderStrRefusedMemo + reason
		}
	}
	if p == nil {
		s.mu.Unlock()
		return s.tradePayAnswer(req.Action, tradePayFailed, false), "unknown payment"
	}
	code, job := s.actLocked(p, req.Action, req.Payer, now)
	code = s.tradePayAnswer(req.Action, code, true)
	if err := s.savePaymentLocked(p); err != nil {
		// Nothing the payer did is kept: the app sees a failure, and no notification goes.
		s.mu.Unlock()
		return tradePayFailed, err.Error()
	}
	reason := ""
	if code == tradePayFailed && req.Action != ActionDecline {
		reason = "payment is " + p.Status + ", not waiting for the payer"
	}
	s.mu.Unlock()
	s.notify(job)
	return code, reason
}

// paymentIDFromURL reads the payment id from a cashier URL {wallet}/cashier/{paymentId}.
func paymentIDFromURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	_, id, ok := strings.Cut(u.Path, "/cashier/")
	if !ok || strings.Contains(id, "/") {
		return ""
	}
	return id
}

// paymentFromOrderStrLocked decodes and verifies an orderStr and returns its payment, created
// on first sight (PROTOCOL.md, "orderStr": paymentRequestId = out_trade_no or out_request_no).
func (s *Server) paymentFromOrderStrLocked(raw string, now time.Time) (*payment, string) {
	o, err := orderstr.Decode(raw)
	if err != nil {
		return nil, err.Error()
	}
	m, reason := s.checkOrderStrLocked(o)
	if reason != "" {
		return nil, reason
	}
	fp := fingerprint(o.BizContent)
	if p, err := s.store.paymentByRequest(m.ClientID, o.RequestID()); err != nil {
		return nil, s.storageError(err).Error()
	} else if p != nil {
		if !s.sameOrderStr(p, fp) {
			return nil, fmt.Sprintf("request id %q was already used with different content", o.RequestID())
		}
		return p, ""
	}
	kind := General
	code := s.cfg.Profile.GeneralProductCode
	if o.Kind == orderstr.PreAuth {
		kind, code = PreAuth, s.cfg.Profile.PreAuthProductCode
	}
	window := o.PayTimeout
	if kind == PreAuth {
		window = s.freezeWindow(window)
	}
	if window == 0 {
		window = defaultPayWindow
	}
	notifyURL := o.NotifyURL
	if notifyURL == "" {
		notifyURL = s.registeredNotifyURL(m)
	}
	p := &payment{
		ID: s.newID(""), RequestID: o.RequestID(), ClientID: m.ClientID, Kind: kind,
		Amount: s.orderStrAmount(o.Amount), Title: o.Title(), ProductCode: code, NotifyURL: notifyURL,
		Source: "orderStr", fingerprint: fp,
		Status: openapi.PaymentProcessing, CreatedAt: now, Deadline: now.Add(window),
	}
	if err := s.addLocked(p); err != nil {
		return nil, err.Error()
	}
	return p, ""
}

// handleClock moves the wallet's business clock forward (kit extension).
func (s *Server) handleClock(w http.ResponseWriter, r *http.Request) {
	if s.virtual == nil {
		writeJSON(w, http.StatusNotImplemented, map[string]string{"error": "this wallet runs on a clock that cannot be advanced"})
		return
	}
	var req struct {
		Advance string `json:"advance"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&req); err != nil {
		badRequest(w, "body is not {\"advance\": \"<duration>\"}: %v", err)
		return
	}
	d, err := time.ParseDuration(req.Advance)
	if err != nil || d < 0 {
		badRequest(w, "advance %q is not a non-negative Go duration such as 2m or 48h", req.Advance)
		return
	}
	// The saves of the timers the move fires (twenty thousand payments expiring, say) go
	// into one batch: a data file writes them together, not one transaction each.
	s.mu.Lock()
	err = s.store.beginBatch()
	s.mu.Unlock()
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	advanced := s.virtual.Advance(d)
	s.mu.Lock()
	if advanced == nil {
		err = s.store.saveClockOffset(s.clock.Now().Sub(time.Now()))
	}
	err = errors.Join(err, s.store.endBatch())
	s.mu.Unlock()
	if advanced != nil {
		badRequest(w, "advance %q: %v", req.Advance, advanced)
		return
	}
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"now": s.clock.Now().Format(time.RFC3339)})
}

// PaymentView is the kit's view of one payment (GET /conformance/payments/{paymentId}).
type PaymentView struct {
	PaymentID        string       `json:"paymentId"`
	PaymentRequestID string       `json:"paymentRequestId"`
	ClientID         string       `json:"clientId"`
	Type             Kind         `json:"type"`
	Status           string       `json:"status"`
	Amount           money.Amount `json:"amount"`
	Captured         money.Amount `json:"capturedAmount"`
	Released         money.Amount `json:"releasedAmount"`
	Frozen           money.Amount `json:"frozenAmount"`
	Refunded         money.Amount `json:"refundedAmount"`
	NotifyURL        string       `json:"notifyUrl"`
	Deadline         string       `json:"deadline"`
	AuthExpiryTime   string       `json:"authExpiryTime,omitempty"`
	Notifications    []Attempt    `json:"notifications"`
	// NotificationPending: the wallet may still send a notification of the payment that it
	// has not sent yet (one in flight, one waiting for its next attempt or for its first).
	// false means every notification it owes has ended: acknowledged or given up.
	NotificationPending bool `json:"notificationPending"`
}

func (s *Server) view(p *payment) PaymentView {
	cur := p.Amount.Currency
	v := PaymentView{
		PaymentID: p.ID, PaymentRequestID: p.RequestID, ClientID: p.ClientID, Type: p.Kind,
		Status: p.Status, Amount: p.Amount,
		Captured:  money.Amount{Currency: cur, Value: p.Captured.Value},
		Released:  money.Amount{Currency: cur, Value: p.Released.Value},
		Frozen:    money.Amount{Currency: cur, Value: p.frozen()},
		Refunded:  money.Amount{Currency: cur, Value: p.Refunded.Value},
		NotifyURL: p.NotifyURL, Deadline: formatTime(p.Deadline),
		AuthExpiryTime:      formatTime(p.AuthExpiry),
		Notifications:       append([]Attempt{}, p.notifications...),
		NotificationPending: s.deliveryPendingLocked(p),
	}
	return v
}

func (s *Server) handlePaymentView(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	p := s.paymentLocked(r.PathValue("paymentId"))
	ok := p != nil
	var v PaymentView
	var job *notifyJob
	if ok {
		job = s.settleDueLocked(p, s.clock.Now())
		if s.settleAuthExpiryLocked(p, s.clock.Now()) || job != nil {
			_ = s.savePaymentLocked(p) // logged; settling again later gives the same
		}
		v = s.view(p)
	}
	s.mu.Unlock()
	s.notify(job)
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no payment " + r.PathValue("paymentId")})
		return
	}
	writeJSON(w, http.StatusOK, v)
}
