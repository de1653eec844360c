package target

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// ScriptAction is what the wallet's notification scripting does (a kit extension of the
// wallet test control, DESIGN.md's faults a merchant must survive).
type ScriptAction string

// The scripting actions of POST {control}/conformance/notifications.
const (
	// Hold parks every delivery for the payment until a Release: a late or lost notification.
	Hold ScriptAction = "HOLD"
	// Release delivers what a Hold parked, then retries as usual.
	Release ScriptAction = "RELEASE"
	// Resend delivers the payment's notification again, Count times at once (duplicates).
	Resend ScriptAction = "RESEND"
	// Send delivers one notification with another PaymentStatus (out of order news).
	Send ScriptAction = "SEND"
)

// NotificationScript is one scripting request. Exactly one of PaymentID and
// PaymentRequestID is set.
type NotificationScript struct {
	PaymentID        string       `json:"paymentId,omitempty"`
	PaymentRequestID string       `json:"paymentRequestId,omitempty"`
	Action           ScriptAction `json:"action"`
	Count            int          `json:"count,omitempty"`
	PaymentStatus    string       `json:"paymentStatus,omitempty"`
}

// ScriptNotifications asks the wallet to hold, release, resend or send notifications. It
// returns the deliveries made before the wallet answered (none for Hold), with the
// merchant's answer to each.
func (w *WalletControl) ScriptNotifications(ctx context.Context, s NotificationScript) ([]Notification, error) {
	if (s.PaymentID == "") == (s.PaymentRequestID == "") {
		return nil, errors.New("target: a notification script names exactly one of paymentId, paymentRequestId")
	}
	var out struct {
		Attempts []Notification `json:"attempts"`
	}
	if err := w.c.do(ctx, http.MethodPost, "/conformance/notifications", s, &out); err != nil {
		return nil, err
	}
	return out.Attempts, nil
}

// Answers the kit's reference merchant can be scripted to give to notifications (a kit
// extension of its test adapter).
const (
	AnswerHTTP500 = "HTTP_500" // HTTP 500, plain text
	AnswerTimeout = "TIMEOUT"  // no answer until the wallet gives up waiting
	AnswerGarbage = "GARBAGE"  // HTTP 200 with a body that is not a result
	AnswerF       = "F"        // a signed result F
	AnswerU       = "U"        // a signed result U
)

// ScriptNotifyAnswers tells the merchant to answer the next notifications about
// paymentRequestID (any payment when empty) with answers, in order, without handling them.
// Only the kit's reference merchant offers this.
func (m *Merchant) ScriptNotifyAnswers(ctx context.Context, paymentRequestID string, answers []string) error {
	if len(answers) == 0 {
		return errors.New("target: no answers to script")
	}
	body := struct {
		PaymentRequestID string   `json:"paymentRequestId,omitempty"`
		Answers          []string `json:"answers"`
	}{paymentRequestID, answers}
	var out struct {
		Queued int `json:"queued"`
	}
	if err := m.c.do(ctx, http.MethodPost, "/conformance/notifyFaults", body, &out); err != nil {
		return err
	}
	if out.Queued < len(answers) {
		return fmt.Errorf("target: the merchant queued %d answers, not %d", out.Queued, len(answers))
	}
	return nil
}

// Post sends body as it is to path under the merchant's adapter URL and returns the body of
// a 200 answer; any other status is a *StatusError. Bad-input scenarios use it to send what
// the typed calls would never write.
func (m *Merchant) Post(ctx context.Context, path string, body []byte) ([]byte, error) {
	resp, _, err := m.c.send(ctx, http.MethodPost, m.c.base+path, body, "application/json")
	return resp, err
}
