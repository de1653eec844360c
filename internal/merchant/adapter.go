package merchant

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"unicode/utf8"

	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// adapterError is an answer of the test adapter other than 200: 400 malformed, 404 unknown
// order, 409 the merchant refuses, 502 the wallet is unreachable, untrusted or refused.
type adapterError struct {
	status  int
	msg     string
	code    openapi.Code // the wallet's resultCode, when the wallet decided
	orderID string       // the order created before the wallet refused it
	// paymentRequestID names that order towards the wallet, so that a report can show the
	// merchant's exchange with the wallet next to the refusal.
	paymentRequestID string
}

func (e *adapterError) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &adapterError{status: http.StatusBadRequest, msg: fmt.Sprintf(format, args...)}
}

func refused(format string, args ...any) error {
	return &adapterError{status: http.StatusConflict, msg: fmt.Sprintf(format, args...)}
}

// walletRefused is a 409 carrying the wallet's F result.
func walletRefused(api string, r openapi.Result) error {
	return &adapterError{status: http.StatusConflict, code: r.ResultCode,
		msg: fmt.Sprintf("wallet refused %s: %s %s", api, r.ResultCode, r.ResultMessage)}
}

// walletFailed is a 502: the wallet could not be reached, its answer did not verify, or it
// left the outcome unknown.
func walletFailed(code openapi.Code, format string, args ...any) error {
	return &adapterError{status: http.StatusBadGateway, code: code, msg: fmt.Sprintf(format, args...)}
}

type errorBody struct {
	Error      string       `json:"error"`
	ResultCode openapi.Code `json:"resultCode,omitempty"`
	OrderID    string       `json:"orderId,omitempty"`
	// PaymentRequestID is the order's id towards the wallet, when the wallet was asked.
	PaymentRequestID string `json:"paymentRequestId,omitempty"`
}

// adapter turns a handler that returns a value or an error into an http.HandlerFunc. Every
// error becomes a JSON {"error"} with the status adapterError carries; an error that is not
// an adapterError can only be the id source failing, a 503.
func (s *Server) adapter(h func(r *http.Request) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := h(r)
		if err == nil {
			writeJSON(w, http.StatusOK, v)
			return
		}
		var ae *adapterError
		if !errors.As(err, &ae) {
			ae = &adapterError{status: http.StatusServiceUnavailable, msg: err.Error()}
		}
		s.log.Info("adapter refused", "method", r.Method, "path", r.URL.Path, "status", ae.status, "error", ae.msg)
		writeJSON(w, s.adapterStatus(ae), errorBody{Error: ae.msg, ResultCode: ae.code, OrderID: ae.orderID, PaymentRequestID: ae.paymentRequestID})
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusServiceUnavailable, []byte(`{"error":"cannot encode the answer"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// decodeAdapter reads a JSON adapter request into v; an empty body reads as {} when
// emptyOK. Unknown fields are ignored; malformed ones are a 400 naming the field.
func (s *Server) decodeAdapter(r *http.Request, v any, emptyOK bool) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, openapi.MaxBodyBytes+1))
	if err != nil {
		return badRequest("read body: %v", err)
	}
	if len(body) > openapi.MaxBodyBytes {
		return badRequest("body is larger than %d bytes", openapi.MaxBodyBytes)
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 && emptyOK {
		return nil
	}
	if !utf8.Valid(body) {
		return badRequest("body is not valid UTF-8")
	}
	if len(body) == 0 || body[0] != '{' {
		return badRequest("body is not a JSON object")
	}
	if err := s.strictFields(body, v); err != nil {
		return badRequest("%v", err)
	}
	if err := json.Unmarshal(body, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return badRequest("%s: want %s, got JSON %s", te.Field, te.Type, te.Value)
		}
		return badRequest("malformed JSON: %v", err)
	}
	return nil
}

// orderView is the order as the adapter shows it.
type orderView struct {
	OrderID          string       `json:"orderId"`
	Flow             Flow         `json:"flow"`
	Type             Type         `json:"type"`
	Status           Status       `json:"status"`
	PaymentID        string       `json:"paymentId"`
	PaymentRequestID string       `json:"paymentRequestId"`
	Title            string       `json:"title"`
	Amount           money.Amount `json:"amount"`
	AuthorizedAmount money.Amount `json:"authorizedAmount"`
	PaidAmount       money.Amount `json:"paidAmount"`
	RefundedAmount   money.Amount `json:"refundedAmount"`
	// Exactly one token, in the answer to order creation only.
	TradeNO    string `json:"tradeNO,omitempty"`
	OrderStr   string `json:"orderStr,omitempty"`
	PaymentURL string `json:"paymentUrl,omitempty"`
}

func viewOf(o Order) orderView {
	return orderView{
		OrderID:          o.ID,
		Flow:             o.Flow,
		Type:             o.Type,
		Status:           o.Status,
		PaymentID:        o.PaymentID,
		PaymentRequestID: o.PaymentRequestID,
		Title:            o.Title,
		Amount:           o.Amount,
		AuthorizedAmount: o.AuthorizedAmount,
		PaidAmount:       o.PaidAmount(),
		RefundedAmount:   o.RefundedAmount,
	}
}

// loadOrder reads the order named in the path; an unknown id is a 404.
func (s *Server) loadOrder(r *http.Request) (Order, error) {
	id := r.PathValue("id")
	o, err := s.store.Get(id)
	if err != nil {
		return Order{}, &adapterError{status: http.StatusNotFound, msg: fmt.Sprintf("order %q does not exist", id)}
	}
	return o, nil
}

func (s *Server) getOrder(r *http.Request) (any, error) {
	o, err := s.loadOrder(r)
	if err != nil {
		return nil, err
	}
	v := viewOf(o)
	if s.defects.on(DefectViewPaidIsPrice) {
		v.PaidAmount = o.Amount
	}
	return v, nil
}

// amountArg parses an optional adapter amount in the order's currency.
func amountArg(a *openapi.Amount, currency string) (money.Amount, bool, error) {
	if a == nil {
		return money.Amount{}, false, nil
	}
	m, err := a.PositiveMoney("amount")
	if err != nil {
		var oe *openapi.Error
		if errors.As(err, &oe) {
			return money.Amount{}, false, badRequest("%s", oe.Message)
		}
		return money.Amount{}, false, badRequest("%v", err)
	}
	if m.Currency != currency {
		return money.Amount{}, false, badRequest("amount.currency %s is not the order's %s", m.Currency, currency)
	}
	return m, true, nil
}
