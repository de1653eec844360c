package merchant

import (
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/tradepaykit/tradepaykit/internal/signing"
)

// Received notifications (a kit extension of the test adapter, like notifyFaults): every
// notifyPayment that reaches the notify endpoint, as it came on the wire, before the
// merchant judges it. A verify-wallet run checks the wallet's notifications here as the
// kit's merchant received them: their content, their signature, how many came and when.
//
//	GET {merchant}/conformance/received?paymentRequestId=...&paymentId=...
//	-> 200 {"notifications": [{"at", "clientId", "requestTime", "signatureError"?, "body"}]}
//
// A notification matches when its body names either id; the oldest comes first.

// ReceivedNotification is one notifyPayment as the notify endpoint received it.
type ReceivedNotification struct {
	// At is when it arrived, on the wall clock.
	At          time.Time `json:"at"`
	ClientID    string    `json:"clientId"`
	RequestTime string    `json:"requestTime"`
	// SignatureError says why the Signature does not verify with the wallet's public key over
	// the request as received; empty when it verifies.
	SignatureError string `json:"signatureError,omitempty"`
	// Body is the body as received: a JSON value, or a JSON string holding what was not JSON.
	Body json.RawMessage `json:"body"`

	paymentID, paymentRequestID string
}

// maxReceived bounds the log: far more than one verify run sends.
const maxReceived = 20000

type receivedLog struct {
	mu   sync.Mutex
	list []ReceivedNotification
}

// record logs a notification as it arrived.
func (l *receivedLog) record(r *http.Request, body []byte, at time.Time, walletKey *rsa.PublicKey, memo *signing.Memo) {
	n := ReceivedNotification{At: at, ClientID: r.Header.Get(signing.HeaderClientID), RequestTime: r.Header.Get(signing.HeaderRequestTime)}
	if err := memo.Verify(walletKey, signing.RequestMessage(r, body), r.Header.Get(signing.HeaderSignature)); err != nil {
		n.SignatureError = err.Error()
	}
	var ids struct {
		PaymentID        string `json:"paymentId"`
		PaymentRequestID string `json:"paymentRequestId"`
	}
	if json.Valid(body) {
		n.Body = append(json.RawMessage(nil), body...)
		_ = json.Unmarshal(body, &ids)
	} else {
		n.Body, _ = json.Marshal(string(body))
	}
	n.paymentID, n.paymentRequestID = ids.PaymentID, ids.PaymentRequestID
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.list) >= maxReceived {
		l.list = l.list[1:]
	}
	l.list = append(l.list, n)
}

// about returns the notifications naming either id, oldest first.
func (l *receivedLog) about(paymentRequestID, paymentID string) []ReceivedNotification {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := []ReceivedNotification{}
	for _, n := range l.list {
		if (paymentRequestID != "" && n.paymentRequestID == paymentRequestID) || (paymentID != "" && n.paymentID == paymentID) {
			out = append(out, n)
		}
	}
	return out
}

// receivedNotifications handles GET /conformance/received.
func (s *Server) receivedNotifications(r *http.Request) (any, error) {
	q := r.URL.Query()
	req, pay := q.Get("paymentRequestId"), q.Get("paymentId")
	if req == "" && pay == "" {
		return nil, badRequest("paymentRequestId or paymentId is required")
	}
	return map[string]any{"notifications": s.received.about(req, pay)}, nil
}
