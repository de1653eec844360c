package target

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// AnswerScript is a scripted answer of the kit's wallet mock (a kit extension: POST
// /conformance/answers): the next call of API about PaymentID (or for PaymentAmount, a pay
// whose amount the scenario made unique) gets a U ResultCode, after doing the work when
// Apply is set or instead of it, or a Forge'd answer (SIGNATURE, CLIENT_ID, AMOUNT, CURRENCY,
// PAYMENT_ID) after doing it.
type AnswerScript struct {
	ID            string          `json:"id,omitempty"`
	API           string          `json:"api"`
	PaymentID     string          `json:"paymentId,omitempty"`
	PaymentAmount *openapi.Amount `json:"paymentAmount,omitempty"`
	ResultCode    string          `json:"resultCode,omitempty"`
	Forge         string          `json:"forge,omitempty"`
	Apply         bool            `json:"apply"`
	Count         int             `json:"count,omitempty"`
	// Answered lists the ids of the requests the script answered, oldest first.
	Answered []AnsweredRequest `json:"answered,omitempty"`
}

// AnsweredRequest names a request a script answered.
type AnsweredRequest struct {
	PaymentRequestID string `json:"paymentRequestId"`
	PaymentID        string `json:"paymentId"`
}

// Script sends an answer script and returns it as the wallet filed it, with its id.
func (w *WalletControl) Script(ctx context.Context, s AnswerScript) (*AnswerScript, error) {
	var out AnswerScript
	if err := w.c.do(ctx, http.MethodPost, "/conformance/answers", s, &out); err != nil {
		return nil, err
	}
	if out.ID == "" {
		return nil, errors.New("target: the wallet filed the answer script without an id")
	}
	return &out, nil
}

// AnswerScript reads a script back, with the requests it answered so far.
func (w *WalletControl) AnswerScript(ctx context.Context, id string) (*AnswerScript, error) {
	var out AnswerScript
	if err := w.c.do(ctx, http.MethodGet, "/conformance/answers/"+url.PathEscape(id), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Get reads path under the merchant's adapter URL as it is and returns the body of a 200
// answer; any other status is a *StatusError. Hook scenarios use it to see the fields the
// typed calls would fill in with zero values.
func (m *Merchant) Get(ctx context.Context, path string) ([]byte, error) {
	resp, _, err := m.c.send(ctx, http.MethodGet, m.c.base+path, nil, "")
	return resp, err
}
