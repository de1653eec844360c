package wallet

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// Notification scripting (kit extension of the test control): the faults a merchant must
// survive, played by the wallet on demand (DESIGN.md, "Principles": a defect must show).
const (
	// ScriptHold keeps every delivery for the payment back until a RELEASE: a notification
	// that comes late, after the merchant queried, or never.
	ScriptHold = "HOLD"
	// ScriptRelease delivers what a HOLD kept back and lifts the hold.
	ScriptRelease = "RELEASE"
	// ScriptResend delivers the payment's notification again, Count times at once.
	ScriptResend = "RESEND"
	// ScriptSend delivers a notification with another paymentStatus than the payment's:
	// out-of-order or contradictory news, signed by the wallet as any other.
	ScriptSend = "SEND"
)

// answerFault makes the next calls of an OpenAPI answer with a U code (kit extension):
// CAPTURE_IN_PROCESS, REFUND_IN_PROCESS or UNKNOWN_EXCEPTION, after doing the work (Apply) or
// instead of it. A merchant must then query and retry with the same request id. With Forge
// set, the call is done and answered, but the answer is forged or inconsistent (forged.go):
// a merchant must not trust it.
type answerFault struct {
	// ID names the script, for GET /conformance/answers/{id}.
	ID         string       `json:"id"`
	API        string       `json:"api"`
	PaymentID  string       `json:"paymentId,omitempty"`
	ResultCode openapi.Code `json:"resultCode,omitempty"`
	Apply      bool         `json:"apply"`
	Count      int          `json:"count"`
	// PaymentAmount matches a pay by its amount: before pay answers, a scenario knows no id
	// of the payment, and a unique amount keeps concurrent scenarios apart.
	PaymentAmount *openapi.Amount `json:"paymentAmount,omitempty"`
	// Forge is one of the Forge* kinds of forged.go.
	Forge string `json:"forge,omitempty"`
	// Answered lists the requests the script answered, oldest first.
	Answered []answeredRequest `json:"answered"`
}

// answeredRequest is what a scripted answer answered: the ids of the request.
type answeredRequest struct {
	PaymentRequestID string `json:"paymentRequestId,omitempty"`
	PaymentID        string `json:"paymentId,omitempty"`
}

// takeAnswerFault consumes one scripted answer for the call, if any.
func (s *Server) takeAnswerFault(api string, body []byte) (answerFault, bool) {
	var ids struct {
		PaymentID        string         `json:"paymentId"`
		PaymentRequestID string         `json:"paymentRequestId"`
		PaymentAmount    openapi.Amount `json:"paymentAmount"`
	}
	_ = json.Unmarshal(body, &ids) // a malformed body simply matches faults without ids
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.answerFaults {
		if f.API != api || (f.PaymentID != "" && f.PaymentID != ids.PaymentID) ||
			(f.PaymentAmount != nil && *f.PaymentAmount != ids.PaymentAmount) {
			continue
		}
		f.Count--
		if f.Count <= 0 {
			s.answerFaults = append(s.answerFaults[:i], s.answerFaults[i+1:]...)
		}
		f.Answered = append(f.Answered, answeredRequest{PaymentRequestID: ids.PaymentRequestID, PaymentID: ids.PaymentID})
		return *f, true
	}
	return answerFault{}, false
}

// handleAnswerFault scripts answers: POST /conformance/answers.
func (s *Server) handleAnswerFault(w http.ResponseWriter, r *http.Request) {
	var f answerFault
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&f); err != nil {
		badRequest(w, "body is not {api, paymentId?, paymentAmount?, resultCode | forge, apply?, count?}: %v", err)
		return
	}
	if _, ok := s.apiHandlers()[f.API]; !ok {
		badRequest(w, "api %q is not one of pay, inquiryPayment, cancel, capture, refund, inquiryRefund", f.API)
		return
	}
	if f.Forge != "" {
		if err := checkForgery(f); err != nil {
			badRequest(w, "%v", err)
			return
		}
	} else if status, ok := openapi.StatusOf(f.ResultCode); !ok || status != openapi.StatusUnknown {
		badRequest(w, "resultCode %q is not a U code (CAPTURE_IN_PROCESS, REFUND_IN_PROCESS, UNKNOWN_EXCEPTION, REQUEST_TRAFFIC_EXCEED_LIMIT)", f.ResultCode)
		return
	}
	if f.Count < 1 {
		f.Count = 1
	}
	f.ID = s.newID("ANS")
	f.Answered = []answeredRequest{}
	s.mu.Lock()
	s.answerFaults = append(s.answerFaults, &f)
	s.answerScripts[f.ID] = &f
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, f)
}

// handleAnswerScript shows a script and what it answered: GET /conformance/answers/{id}.
func (s *Server) handleAnswerScript(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	f, ok := s.answerScripts[r.PathValue("id")]
	var view answerFault
	if ok {
		view = *f
		view.Answered = append([]answeredRequest{}, f.Answered...)
	}
	s.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": fmt.Sprintf("no answer script %q", r.PathValue("id"))})
		return
	}
	writeJSON(w, http.StatusOK, view)
}

type heldDelivery struct {
	job     *notifyJob
	attempt int
}

// notificationScript is the body of POST /conformance/notifications.
type notificationScript struct {
	PaymentID        string `json:"paymentId"`
	PaymentRequestID string `json:"paymentRequestId"`
	Action           string `json:"action"`
	Count            int    `json:"count"`
	PaymentStatus    string `json:"paymentStatus"`
}

// holdIfScripted parks a delivery when its payment is on hold; it reports whether it did.
func (s *Server) holdIfScripted(job *notifyJob, attempt int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.holds["id:"+job.paymentID] && !s.holds["req:"+job.requestID] {
		return false
	}
	s.held = append(s.held, heldDelivery{job: job, attempt: attempt})
	return true
}

func (s *Server) handleNotificationScript(w http.ResponseWriter, r *http.Request) {
	var sc notificationScript
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&sc); err != nil {
		badRequest(w, "body is not a notification script {paymentId|paymentRequestId, action, count?, paymentStatus?}: %v", err)
		return
	}
	if (sc.PaymentID == "") == (sc.PaymentRequestID == "") {
		badRequest(w, "exactly one of paymentId, paymentRequestId is required")
		return
	}
	switch sc.Action {
	case ScriptHold:
		s.mu.Lock()
		s.holds[holdKey(sc)] = true
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"attempts": []Attempt{}})
	case ScriptRelease:
		writeJSON(w, http.StatusOK, map[string]any{"attempts": s.release(sc)})
	case ScriptResend, ScriptSend:
		if sc.Action == ScriptSend && sc.PaymentStatus != openapi.PaymentSuccess && sc.PaymentStatus != openapi.PaymentFail && sc.PaymentStatus != openapi.PaymentAuthSuccess {
			badRequest(w, "paymentStatus %q is not SUCCESS, FAIL or AUTH_SUCCESS", sc.PaymentStatus)
			return
		}
		if sc.Action == ScriptSend && sc.PaymentStatus == openapi.PaymentAuthSuccess && s.dialect.NotifiesWithPaymentResult() {
			badRequest(w, "paymentStatus AUTH_SUCCESS cannot be sent: the %s dialect reports outcomes in paymentResult, which says S or F only", s.dialect.Label())
			return
		}
		attempts, err := s.sendScripted(r.Context(), sc)
		if err != nil {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"attempts": attempts})
	default:
		badRequest(w, "action %q is not HOLD, RELEASE, RESEND or SEND", sc.Action)
	}
}

func holdKey(sc notificationScript) string {
	if sc.PaymentID != "" {
		return "id:" + sc.PaymentID
	}
	return "req:" + sc.PaymentRequestID
}

// release lifts a hold and delivers what it kept back, on the retry schedule as usual. It
// returns once the first delivery of each has been made.
func (s *Server) release(sc notificationScript) []Attempt {
	s.mu.Lock()
	delete(s.holds, holdKey(sc))
	var mine, rest []heldDelivery
	for _, h := range s.held {
		if h.job.paymentID == sc.PaymentID || h.job.requestID == sc.PaymentRequestID {
			mine = append(mine, h)
		} else {
			rest = append(rest, h)
		}
	}
	s.held = rest
	s.mu.Unlock()
	var out []Attempt
	for _, h := range mine {
		out = append(out, s.deliverNow(h.job, h.attempt, true))
	}
	return out
}

// deliverNow makes one delivery synchronously and records it; with retry it also arms the
// next attempt of the schedule as a normal delivery would.
func (s *Server) deliverNow(job *notifyJob, attempt int, retry bool) Attempt {
	if !s.beginDelivery() {
		return Attempt{Attempt: attempt, Outcome: "UNREACHABLE", Detail: "wallet is closing"}
	}
	defer s.endDelivery()
	a := s.deliverCapped(context.Background(), job, attempt)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.afterAttemptLocked(job, attempt, a, retry)
	return a
}

// sendScripted delivers extra notifications for a payment, concurrently when Count > 1,
// without retries: the scenario asserts on what the merchant answered.
func (s *Server) sendScripted(_ context.Context, sc notificationScript) ([]Attempt, error) {
	s.mu.Lock()
	var p *payment
	if sc.PaymentID != "" {
		p = s.paymentLocked(sc.PaymentID)
	} else {
		var err error
		if p, err = s.store.paymentByAnyClient(sc.PaymentRequestID); err != nil {
			_ = s.storageError(err)
		}
	}
	if p == nil {
		s.mu.Unlock()
		return nil, openapi.Errorf(openapi.OrderNotExist, "no payment %s%s", sc.PaymentID, sc.PaymentRequestID)
	}
	status, reason := p.Status, p.FailReason
	if sc.Action == ScriptSend {
		p.Status = sc.PaymentStatus
		if sc.PaymentStatus == openapi.PaymentFail {
			p.FailReason = "scripted by the test control"
		}
	}
	job := s.jobLocked(p)
	p.Status, p.FailReason = status, reason
	base := len(p.notifications)
	s.mu.Unlock()

	n := sc.Count
	if n < 1 {
		n = 1
	}
	if n > 100 {
		n = 100
	}
	attempts := make([]Attempt, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			attempts[i] = s.deliverNow(job, base+i+1, false)
		}()
	}
	wg.Wait()
	return attempts, nil
}
