package target

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/tradepaykit/tradepaykit/internal/money"
)

// Action is what the shopper does in the wallet app (DESIGN.md, the tradePay action table).
type Action string

// The actions of the wallet test control and the my.tradePay result each one yields.
const (
	Confirm      Action = "CONFIRM"       // 9000: paid or authorized, notified
	Cancel       Action = "CANCEL"        // 6001: nothing changes, the payer may come back
	Decline      Action = "DECLINE"       // 4000: failed and closed, notified FAIL
	NetworkError Action = "NETWORK_ERROR" // 6002: nothing changes
	Unknown      Action = "UNKNOWN"       // 6004: paid or authorized but the app cannot tell
	Pending      Action = "PENDING"       // 8000: paid or authorized asynchronously
)

// Token is what the mini program hands to my.tradePay: exactly one field is set.
type Token struct {
	TradeNO    string `json:"tradeNO,omitempty"`
	OrderStr   string `json:"orderStr,omitempty"`
	PaymentURL string `json:"paymentUrl,omitempty"`
}

// IsZero reports whether no token is set.
func (t Token) IsZero() bool { return t == Token{} }

// WalletControl is a client of a wallet's test control: the shopper in the wallet app.
type WalletControl struct {
	c client
}

// NewWalletControl returns a client of the control URL in cfg.BaseURL.
func NewWalletControl(cfg Config) (*WalletControl, error) {
	c, err := newClient(cfg)
	if err != nil {
		return nil, err
	}
	return &WalletControl{c: c}, nil
}

type tradePayRequest struct {
	Token
	Action Action `json:"action"`
	Payer  string `json:"payer,omitempty"`
}

// TradePay plays my.tradePay with the token, the shopper doing action; payer may be empty.
// It returns the resultCode the mini program would get ("9000", "6001"...).
func (w *WalletControl) TradePay(ctx context.Context, tok Token, action Action, payer string) (string, error) {
	code, _, err := w.TradePayMemo(ctx, tok, action, payer)
	return code, err
}

// OrderStrRefusedMemo starts the memo of the kit's wallet mock when it answered 4000 because
// it refused the orderStr itself (its signature, its content): no payment exists for it, so
// no order waiting on it will settle.
const OrderStrRefusedMemo = "orderStr refused: "

// TradePayMemo is TradePay that also returns the answer's memo, the reason a wallet may give
// for a 4000 (the kit's wallet mock does; "" when there is none).
func (w *WalletControl) TradePayMemo(ctx context.Context, tok Token, action Action, payer string) (code, memo string, err error) {
	var out struct {
		ResultCode string `json:"resultCode"`
		Memo       string `json:"memo"`
	}
	if err := w.c.do(ctx, http.MethodPost, "/conformance/tradePay", tradePayRequest{Token: tok, Action: action, Payer: payer}, &out); err != nil {
		return "", "", err
	}
	if out.ResultCode == "" {
		return "", "", errors.New("target: tradePay answer has no resultCode")
	}
	return out.ResultCode, out.Memo, nil
}

// AdvanceClock moves the wallet's business clock forward by d (a kit extension) and returns
// the wallet's time afterwards. The wallet answers once every timer due in the span has run.
// AdvanceClock(ctx, 0) reads the wallet's time.
func (w *WalletControl) AdvanceClock(ctx context.Context, d time.Duration) (time.Time, error) {
	if d < 0 {
		return time.Time{}, fmt.Errorf("target: cannot move the clock back by %s", d)
	}
	var out struct {
		Now string `json:"now"`
	}
	if err := w.c.do(ctx, http.MethodPost, "/conformance/clock", map[string]string{"advance": d.String()}, &out); err != nil {
		return time.Time{}, err
	}
	now, err := time.Parse(time.RFC3339Nano, out.Now)
	if err != nil {
		return time.Time{}, fmt.Errorf("target: clock answer: now %q is not an RFC 3339 time", out.Now)
	}
	return now, nil
}

// Notification is one delivery attempt of notifyPayment as the wallet recorded it.
type Notification struct {
	Attempt       int    `json:"attempt"`
	At            string `json:"at"`
	PaymentStatus string `json:"paymentStatus"`
	// Outcome is S, F or U (the merchant's resultStatus), or HTTP_500, TIMEOUT, GARBAGE,
	// UNREACHABLE when no usable answer came.
	Outcome    string `json:"outcome"`
	ResultCode string `json:"resultCode"`
}

// Payment is the wallet's own view of a payment (a kit extension). For a pre-authorization
// Amount is what was authorized and, once granted, Amount = Captured + Released + Frozen.
// Amounts the wallet leaves out are zero Amounts; a negative one fails the decoding.
type Payment struct {
	PaymentID        string         `json:"paymentId"`
	PaymentRequestID string         `json:"paymentRequestId"`
	ClientID         string         `json:"clientId"`
	Type             string         `json:"type"` // GENERAL or PREAUTH
	Status           string         `json:"status"`
	Amount           money.Amount   `json:"amount"`
	Captured         money.Amount   `json:"capturedAmount"`
	Released         money.Amount   `json:"releasedAmount"`
	Frozen           money.Amount   `json:"frozenAmount"`
	Refunded         money.Amount   `json:"refundedAmount"`
	AuthExpiryTime   string         `json:"authExpiryTime"`
	NotifyURL        string         `json:"notifyUrl"`
	Notifications    []Notification `json:"notifications"`
	// NotificationPending, when the wallet reports it, says whether it may still send a
	// notification of the payment that it has not sent yet; false lets a scenario waiting
	// for what must not come stop there instead of waiting out its window.
	NotificationPending *bool `json:"notificationPending,omitempty"`
}

// Settled reports whether the wallet says it will send no further notification of the payment.
func (p *Payment) Settled() bool { return p.NotificationPending != nil && !*p.NotificationPending }

// Payment reads the wallet's view of a payment; an unknown id is an error wrapping ErrNotFound.
func (w *WalletControl) Payment(ctx context.Context, paymentID string) (*Payment, error) {
	if paymentID == "" {
		return nil, errors.New("target: payment id is empty")
	}
	var p Payment
	if err := w.c.do(ctx, http.MethodGet, "/conformance/payments/"+url.PathEscape(paymentID), nil, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// ScriptAnswer makes the wallet answer the next call of an OpenAPI (for one payment, or any
// when paymentID is empty) with a U result code, after doing the work when apply is true or
// instead of it otherwise (a kit extension: POST /conformance/answers).
func (w *WalletControl) ScriptAnswer(ctx context.Context, api, paymentID, resultCode string, apply bool) error {
	body := map[string]any{"api": api, "paymentId": paymentID, "resultCode": resultCode, "apply": apply}
	return w.c.do(ctx, http.MethodPost, "/conformance/answers", body, nil)
}

// Page is a web page fetched as a browser would.
type Page struct {
	StatusCode  int
	ContentType string
	Body        []byte
}

// OpenPage fetches an absolute URL handed out by a party, such as a wallet's cashier page
// (seed 003 step 4). A status other than 200 is a *StatusError.
func (w *WalletControl) OpenPage(ctx context.Context, pageURL string) (*Page, error) {
	u, err := url.Parse(pageURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("target: page URL %q is not an absolute http(s) URL", pageURL)
	}
	body, h, err := w.c.send(ctx, http.MethodGet, pageURL, nil, "text/html")
	if err != nil {
		return nil, err
	}
	return &Page{StatusCode: http.StatusOK, ContentType: h.Get("Content-Type"), Body: body}, nil
}
