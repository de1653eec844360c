package wallet

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"sort"
	"time"

	"github.com/tradepaykit/tradepaykit/internal/guard"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/signing"
)

// What a merchant developing against the sandbox sees: one log line for every request, every
// answer and every notification attempt (at Info level, so `wallet-mock -v` shows them), and
// a signed answer naming the served paths when it calls a path the wallet does not serve. An
// SDK checks the signature before it reads anything, so a plain 404 would surface as a
// signature failure and send the merchant the wrong way.

// noInterfaceDef is the resultCode of a call to a path the wallet does not serve (the Alipay+
// family's "API is not defined"). It is not one of PROTOCOL.md's codes: no scenario depends
// on it, it only tells a person what went wrong.
const noInterfaceDef openapi.Code = "NO_INTERFACE_DEF"

// exchangeNote is what a handler tells the log middleware about one request.
type exchangeNote struct {
	requestLogged bool
	result        openapi.Result
}

type noteKey struct{}

func noteOf(ctx context.Context) *exchangeNote {
	n, _ := ctx.Value(noteKey{}).(*exchangeNote)
	if n == nil {
		return &exchangeNote{}
	}
	return n
}

// statusWriter remembers the status and size of an answer.
type statusWriter struct {
	http.ResponseWriter
	status   int
	bytes    int
	hijacked bool
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (deadlines, flushes).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Hijack hands the connection to a handler that closes it unanswered.
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err == nil {
		w.hijacked = true
	}
	return c, rw, err
}

// logged writes the request line of every request that no OpenAPI handler logs itself (the
// test control, the cashier page, unknown paths), and the answer line of every request.
func (s *Server) logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		note := &exchangeNote{}
		r = r.WithContext(context.WithValue(r.Context(), noteKey{}, note))
		if !s.isAPIRequest(r) {
			note.requestLogged = true
			s.log.Info("wallet request", "method", r.Method, "path", r.URL.Path, "from", r.RemoteAddr,
				"signature", "not checked (unsigned test control or cashier page)")
		}
		sw := &statusWriter{ResponseWriter: w}
		// Deferred, so that a handler that drops the connection unanswered (a scripted
		// NO_ANSWER) is logged too.
		defer func() {
			aborted := recover()
			attrs := []any{"method", r.Method, "path", r.URL.Path, "status", sw.status, "bytes", sw.bytes,
				"ms", time.Since(start).Milliseconds()}
			switch {
			case sw.hijacked || (aborted != nil && sw.status == 0):
				attrs[5] = "none: connection closed unanswered"
			case sw.status == 0:
				attrs[5] = http.StatusOK
			}
			if note.result.ResultCode != "" {
				attrs = append(attrs, "resultCode", note.result.ResultCode, "resultStatus", note.result.ResultStatus)
			}
			s.log.Info("wallet answer", attrs...)
			if aborted != nil {
				panic(aborted)
			}
		}()
		next.ServeHTTP(sw, r)
	})
}

// isAPIRequest reports whether r goes to one of the OpenAPI handlers, which log their own
// request line once they know the signature check's result.
func (s *Server) isAPIRequest(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	_, ok := s.routes()[r.URL.Path]
	return ok
}

// logAPIRequest writes the request line of an OpenAPI call with the signature check's result.
func (s *Server) logAPIRequest(r *http.Request, api, clientID string, size int, authErr error) {
	noteOf(r.Context()).requestLogged = true
	check := "ok"
	if authErr != nil {
		check = "refused: " + authErr.Error()
	}
	s.log.Info("wallet request", "method", r.Method, "path", r.URL.Path, "api", api, "client", clientID,
		"bytes", size, "signature", check)
}

// servedPaths lists what the wallet serves, for the answer to an unknown path.
func (s *Server) servedPaths() []string {
	var api []string
	for _, path := range s.APIPaths() {
		api = append(api, "POST "+path)
	}
	sort.Strings(api)
	return append(api,
		"GET /cashier/{paymentId}", "POST /cashier/{paymentId}",
		"POST /conformance/tradePay", "POST /conformance/clock", "GET /conformance/payments/{paymentId}",
		"POST /conformance/notifications", "POST /conformance/answers", "POST /conformance/reset")
}

// unknownPathAnswer is the body of the answer to a path the wallet does not serve.
type unknownPathAnswer struct {
	Result openapi.Result `json:"result"`
	Paths  []string       `json:"paths"`
}

// handleUnknownPath answers a path the wallet does not serve: HTTP 404 with a signed JSON
// body whose message says what was asked and which paths exist, for instance the OpenAPI
// under the profile's base path when an SDK doubled or dropped it.
func (s *Server) handleUnknownPath(w http.ResponseWriter, r *http.Request) {
	hint := s.unknownPathHint(r)
	res := openapi.Result{
		ResultCode:    noInterfaceDef,
		ResultStatus:  openapi.StatusFail,
		ResultMessage: "this wallet serves no " + r.Method + " " + r.URL.Path + hint,
	}
	noteOf(r.Context()).result = res
	body, _ := json.Marshal(unknownPathAnswer{Result: res, Paths: s.servedPaths()}) // plain structs always marshal
	s.signAnswer(w, r, r.Header.Get(signing.HeaderClientID), body)
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write(body)
}

// signAnswer sets the signed headers of an answer to r.
func (s *Server) signAnswer(w http.ResponseWriter, r *http.Request, clientID string, body []byte) {
	if err := s.cfg.Signatures.SignResponseHeaders(s.cfg.SignatureStyle, w.Header(), r.Method, signing.PathOf(r), clientID, body, s.cfg.PrivateKey, time.Now()); err != nil {
		s.log.Error("wallet: sign answer", "err", err)
	}
}

// Limits are the wallet's connection and body limits: the guard's defaults, with a write
// deadline long enough for a request that waits on notification deliveries (a clock move, a
// scripted RELEASE or RESEND).
func (s *Server) Limits() guard.Limits {
	l := guard.DefaultLimits()
	if d := 2*s.cfg.NotifyTimeout + 30*time.Second; d > l.WriteTimeout {
		l.WriteTimeout = d
	}
	l.MaxBodyBytes = openapi.MaxBodyBytes
	return l
}

// handleReset clears what the test control scripted (POST /conformance/reset): scripted
// answers and notification holds. Deliveries a hold kept back go out now, on the retry
// schedule as usual, so nothing the wallet owes a merchant is lost.
func (s *Server) handleReset(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	answers, holds := len(s.answerFaults), len(s.holds)
	s.answerFaults = nil
	s.answerScripts = map[string]*answerFault{}
	s.holds = map[string]bool{}
	held := s.held
	s.held = nil
	for _, h := range held {
		s.schedule(h.job, h.attempt, 0)
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]int{"answersCleared": answers, "holdsLifted": holds, "deliveriesReleased": len(held)})
}
