package target

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Received is one notification as the kit's reference merchant received it on the wire
// (GET {merchant}/conformance/received, a kit extension, @reference-merchant).
type Received struct {
	At             time.Time       `json:"at"`
	ClientID       string          `json:"clientId"`
	RequestTime    string          `json:"requestTime"`
	SignatureError string          `json:"signatureError,omitempty"`
	Body           json.RawMessage `json:"body"`
}

// Received returns the notifications the merchant received that name paymentRequestID or
// paymentID (either may be empty), oldest first.
func (m *Merchant) Received(ctx context.Context, paymentRequestID, paymentID string) ([]Received, error) {
	q := url.Values{}
	if paymentRequestID != "" {
		q.Set("paymentRequestId", paymentRequestID)
	}
	if paymentID != "" {
		q.Set("paymentId", paymentID)
	}
	var out struct {
		Notifications []Received `json:"notifications"`
	}
	if err := m.c.do(ctx, http.MethodGet, "/conformance/received?"+q.Encode(), nil, &out); err != nil {
		return nil, err
	}
	return out.Notifications, nil
}

// TradePayRaw posts body as it is to the tradePay control hook and returns the HTTP status
// and, for a 200 answer, the resultCode: for checking how the hook answers malformed requests.
func (w *WalletControl) TradePayRaw(ctx context.Context, body []byte) (int, string, error) {
	respBody, _, err := w.c.send(ctx, http.MethodPost, w.c.base+"/conformance/tradePay", body, "application/json")
	var se *StatusError
	if errors.As(err, &se) {
		return se.StatusCode, se.ResultCode, nil
	}
	if err != nil {
		return 0, "", err
	}
	var out struct {
		ResultCode string `json:"resultCode"`
	}
	if err := json.Unmarshal(respBody, &out); err != nil {
		return http.StatusOK, "", fmt.Errorf("target: tradePay answer is not {\"resultCode\"}: %w", err)
	}
	return http.StatusOK, out.ResultCode, nil
}
