package merchant

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// Notification faults (a kit extension of the test adapter, not part of DESIGN.md's hooks):
// the reference merchant can be told to misbehave on the notifications it receives, so that
// a wallet's retry schedule can be verified against it (PROTOCOL.md, "Lifecycles": the
// wallet retries anything but an S answer). A scripted answer replaces the merchant's work:
// the notification is not checked, not applied, and the order does not change.
//
//	POST {merchant}/conformance/notifyFaults
//	{"paymentRequestId"?: "...", "answers": ["HTTP_500", "TIMEOUT", "GARBAGE", "F", "U"]}
//	-> 200 {"paymentRequestId": "...", "queued": n} | 400 {"error"}
//
// The next notifications for paymentRequestId (for any payment when it is absent) get these
// answers, one each, in order; then the merchant answers normally again.
const (
	// FaultHTTP500 answers HTTP 500 with a plain-text body.
	FaultHTTP500 = "HTTP_500"
	// FaultTimeout holds the answer until the wallet gives up waiting (it closes the
	// connection), the server closes, or MaxFaultHold passes.
	FaultTimeout = "TIMEOUT"
	// FaultGarbage answers HTTP 200 with a body that is not a result.
	FaultGarbage = "GARBAGE"
	// FaultF answers a signed result F (PROCESS_FAIL).
	FaultF = "F"
	// FaultU answers a signed result U (UNKNOWN_EXCEPTION).
	FaultU = "U"
)

// MaxFaultHold bounds a TIMEOUT answer: longer than any wallet's notification timeout, short
// enough that a forgotten hold does not keep a connection forever.
const MaxFaultHold = 2 * time.Minute

// maxFaultAnswers bounds one script: more than any retry schedule has attempts.
const maxFaultAnswers = 100

var faultAnswers = map[string]bool{FaultHTTP500: true, FaultTimeout: true, FaultGarbage: true, FaultF: true, FaultU: true}

// faultScript holds the scripted answers, per paymentRequestId and for any notification.
type faultScript struct {
	mu        sync.Mutex
	byRequest map[string][]string
	any       []string
}

// next takes the answer for a notification about requestID: its own queue first, then the
// queue for any payment; "" when nothing is scripted.
func (f *faultScript) next(requestID string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if q := f.byRequest[requestID]; requestID != "" && len(q) > 0 {
		if len(q) == 1 {
			delete(f.byRequest, requestID)
		} else {
			f.byRequest[requestID] = q[1:]
		}
		return q[0]
	}
	if len(f.any) > 0 {
		a := f.any[0]
		f.any = f.any[1:]
		return a
	}
	return ""
}

// add queues answers and returns how many are queued for the key now.
func (f *faultScript) add(requestID string, answers []string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if requestID == "" {
		f.any = append(f.any, answers...)
		return len(f.any)
	}
	if f.byRequest == nil {
		f.byRequest = map[string][]string{}
	}
	f.byRequest[requestID] = append(f.byRequest[requestID], answers...)
	return len(f.byRequest[requestID])
}

type notifyFaultsRequest struct {
	PaymentRequestID string   `json:"paymentRequestId"`
	Answers          []string `json:"answers"`
}

// scriptNotifyFaults handles POST /conformance/notifyFaults.
func (s *Server) scriptNotifyFaults(r *http.Request) (any, error) {
	var req notifyFaultsRequest
	if err := s.decodeAdapter(r, &req, false); err != nil {
		return nil, err
	}
	if len(req.PaymentRequestID) > 64 {
		return nil, badRequest("paymentRequestId is %d bytes, longer than 64", len(req.PaymentRequestID))
	}
	if len(req.Answers) == 0 {
		return nil, badRequest("answers is missing or empty (HTTP_500, TIMEOUT, GARBAGE, F, U)")
	}
	if len(req.Answers) > maxFaultAnswers {
		return nil, badRequest("answers has %d entries, more than %d", len(req.Answers), maxFaultAnswers)
	}
	for i, a := range req.Answers {
		if !faultAnswers[a] {
			return nil, badRequest("answers[%d] %q is not HTTP_500, TIMEOUT, GARBAGE, F or U", i, clipText(a))
		}
	}
	n := s.faults.add(req.PaymentRequestID, req.Answers)
	return map[string]any{"paymentRequestId": req.PaymentRequestID, "queued": n}, nil
}

// answerScriptedFault writes the scripted answer for a notification body, if one is queued,
// and reports whether it did. The body is read leniently: a body without a readable
// paymentRequestId only takes an answer meant for any payment.
func (s *Server) answerScriptedFault(w http.ResponseWriter, r *http.Request, body []byte) bool {
	var ids struct {
		PaymentRequestID string `json:"paymentRequestId"`
	}
	_ = json.Unmarshal(body, &ids)
	fault := s.faults.next(ids.PaymentRequestID)
	if fault == "" {
		return false
	}
	s.log.Info("scripted notification answer", "paymentRequestId", ids.PaymentRequestID, "answer", fault)
	switch fault {
	case FaultHTTP500:
		http.Error(w, "internal error (scripted by the test adapter)", http.StatusInternalServerError)
	case FaultTimeout:
		ctx, cancel := context.WithTimeout(r.Context(), MaxFaultHold)
		defer cancel()
		<-ctx.Done()
		if r.Context().Err() == nil {
			// Nobody gave up within MaxFaultHold: answer like a gateway that did.
			http.Error(w, "held past "+MaxFaultHold.String()+" (scripted by the test adapter)", http.StatusGatewayTimeout)
		}
	case FaultGarbage:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("<html><body><h1>502 Bad Gateway</h1></body></html>\n"))
	case FaultF:
		s.writeNotifyAnswer(w, r, openapi.NewResult(openapi.ProcessFail, "scripted failure (test adapter)"))
	case FaultU:
		s.writeNotifyAnswer(w, r, openapi.NewResult(openapi.UnknownException, "scripted unknown outcome (test adapter)"))
	}
	return true
}

func clipText(s string) string {
	s = strings.ToValidUTF8(s, "?")
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
