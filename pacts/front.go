package pacts

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/tradepaykit/tradepaykit/internal/signing"
)

// stateChangePath is where the front takes the verifier's provider state calls.
const stateChangePath = "/_tradepaykit/provider-state"

// maxBody bounds what the front reads of a replayed request or a provider's answer.
const maxBody = 1 << 20

// A Pact verifier gives up on a state call, and on a replayed request, after 5 s unless told
// otherwise (the CLI's --request-timeout; pact-js and pact-jvm have their own knobs), and
// then prints only "One or more of the setup state change handlers has failed". The kit's own
// set-up answers each state call within stateAnswerWithin, so that no recipe needs a timeout
// flag: a state not set up by then fails the interaction with the reason, and a state that
// holds only once the provider has acted (the merchant's acknowledgement) makes the
// interaction's request wait up to replayWaitWithin more.
const (
	stateAnswerWithin = 4 * time.Second
	replayWaitWithin  = 4 * time.Second
)

// front stands between the Pact verifier and the provider, on 127.0.0.1:0. It signs every
// replayed request with a real key (the pact records example signatures, and the provider
// checks signatures over a fresh Request-Time and the exact body), and it takes the
// verifier's provider state calls, passing them to the provider's state-change URL or to the
// kit's own set-up. This is what pact-go calls a request filter and state handlers; the kit
// has its own because the runner verifies outside `go test`.
type front struct {
	ctx      context.Context
	client   *http.Client
	clientID string
	key      *rsa.PrivateKey
	// kitState is the state the front handles itself: sign with a key nobody knows.
	kitState string
	// target is the URL a replayed request goes to.
	target func(r *http.Request) string
	// checkAnswer, when set, checks the provider's answer to a request sent to path and may
	// rewrite its headers; see walletAnswerCheck.
	checkAnswer func(path string, h http.Header, body []byte)
	// Exactly one of stateURL and setup is set. setup returns the values to inject and, for a
	// state that holds only once the provider has acted, ready, which waits for that.
	stateURL string
	setup    func(ctx context.Context, state string) (values map[string]any, ready func(context.Context) error, err error)
	// answerWithin and waitWithin, when not zero, replace stateAnswerWithin and
	// replayWaitWithin (tests).
	answerWithin, waitWithin time.Duration
	// stateFailedHook, when set, hears why each state could not be set up (pact-provider
	// prints it).
	stateFailedHook func(state, reason string)
	// refusedHook, when set, hears each answer whose resultStatus is not S (pact-provider
	// prints it).
	refusedHook func(path, result string)

	// listener, when set, is where the front serves; otherwise 127.0.0.1:0.
	listener net.Listener
	srv      *http.Server
	url      string

	mu         sync.Mutex
	unknownKey bool // the current interaction is signed with a key nobody knows
	otherKey   *rsa.PrivateKey
	// stateErrors keeps why each state failed to set up, last failure first: the verifier
	// itself only says that a state change failed.
	stateErrors map[string]string
	// pending is why the current interaction's state could not be set up: the next replayed
	// request is not sent to the provider but answered with that reason (see explain).
	pending string
	// awaiting, when set, is a state answered before it held: the next replayed request
	// waits for it first.
	awaiting *awaitingState
	// answers holds, for each replayed request in order, the result the answer carried
	// ("F PARAM_ILLEGAL: ..."; "" for none), for the report (answerOf).
	answers []string
}

// awaitingState is a state whose ready check was still running when its state call was
// answered; done gets its outcome.
type awaitingState struct {
	state string
	done  <-chan error
}

// start serves the front on ln, or on 127.0.0.1:0 when ln is nil.
func (f *front) start(ln net.Listener) error {
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			return fmt.Errorf("pacts: listen: %w", err)
		}
	}
	f.url = "http://" + ln.Addr().String()
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+stateChangePath, f.stateChange)
	mux.HandleFunc("/", f.replay)
	f.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = f.srv.Serve(ln) }()
	return nil
}

func (f *front) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = f.srv.Shutdown(ctx)
}

// stateChangeRequest is what the Pact verifier posts before and after an interaction.
type stateChangeRequest struct {
	State  string         `json:"state"`
	Params map[string]any `json:"params"`
	Action string         `json:"action"`
}

func (f *front) stateChange(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	var sc stateChangeRequest
	if err == nil {
		err = json.Unmarshal(body, &sc)
	}
	if err != nil {
		http.Error(w, "state change: "+err.Error(), http.StatusBadRequest)
		return
	}
	if sc.Action == "teardown" {
		f.mu.Lock()
		f.pending = ""
		f.awaiting = nil
		f.mu.Unlock()
	}
	if sc.State == f.kitState {
		f.mu.Lock()
		f.unknownKey = sc.Action == "setup"
		f.mu.Unlock()
		writeJSON(w, map[string]any{})
		return
	}
	if f.stateURL != "" {
		f.forwardState(w, r, sc.State, body)
		return
	}
	if sc.Action != "setup" {
		// The kit's states are fresh payments and orders; nothing to undo.
		writeJSON(w, map[string]any{})
		return
	}
	f.setUp(w, r, sc.State)
}

// setupResult is what the kit's set-up of a state gave.
type setupResult struct {
	values map[string]any
	ready  func(context.Context) error
	err    error
}

// setUp sets a state up with the kit's own set-up and answers the state call within
// stateAnswerWithin (see there). The set-up runs on the front's context, so that a
// verifier giving up on the call does not cut it short.
func (f *front) setUp(w http.ResponseWriter, r *http.Request, state string) {
	budget := time.NewTimer(cmp.Or(f.answerWithin, stateAnswerWithin))
	defer budget.Stop()
	set := make(chan setupResult, 1)
	go func() {
		v, ready, err := f.setup(f.ctx, state)
		set <- setupResult{v, ready, err}
	}()
	var res setupResult
	select {
	case res = <-set:
	case <-budget.C:
		f.stateFailed(w, r, state, fmt.Sprintf("not set up within %s (a Pact verifier gives up on a state call after 5s): the provider or its test hooks answer too slowly", cmp.Or(f.answerWithin, stateAnswerWithin)))
		return
	}
	if res.err != nil {
		f.stateFailed(w, r, state, res.err.Error())
		return
	}
	if res.ready != nil {
		done := make(chan error, 1)
		go func() { done <- res.ready(f.ctx) }()
		select {
		case err := <-done:
			if err != nil {
				f.stateFailed(w, r, state, err.Error())
				return
			}
		case <-budget.C:
			// Answer the values now; the interaction's request waits for the rest.
			f.mu.Lock()
			f.awaiting = &awaitingState{state: state, done: done}
			f.mu.Unlock()
		}
	}
	writeJSON(w, res.values)
}

// awaitState waits, before the current interaction's request is replayed, for a state that
// was answered before it held; it returns why the state did not come to hold, or "".
func (f *front) awaitState() string {
	f.mu.Lock()
	a := f.awaiting
	f.awaiting = nil
	f.mu.Unlock()
	if a == nil {
		return ""
	}
	timer := time.NewTimer(cmp.Or(f.waitWithin, replayWaitWithin))
	defer timer.Stop()
	var reason string
	select {
	case err := <-a.done:
		if err == nil {
			return ""
		}
		reason = err.Error()
	case <-timer.C:
		reason = fmt.Sprintf("did not hold within %s of the state call (a Pact verifier gives up after 5s)", cmp.Or(f.answerWithin, stateAnswerWithin)+cmp.Or(f.waitWithin, replayWaitWithin))
	}
	f.recordStateError(a.state, reason)
	return fmt.Sprintf("tradepaykit: state %q could not be set up: %s", a.state, reason)
}

// stateFailed records why a state could not be set up. A Pact verifier that gets an error
// from the state-change URL prints only "One or more of the setup state change handlers has
// failed", so the front answers the state change with an empty object instead and answers the
// interaction's request itself, with the reason where the verifier prints it (explain). When
// the verifier already gave up on the state call (r's context is done), it will not replay the
// request: the reason is recorded and heard by stateFailedHook, and not kept for the next
// interaction, which has its own state.
func (f *front) stateFailed(w http.ResponseWriter, r *http.Request, state, reason string) {
	f.recordStateError(state, reason)
	if verifierGone(r) {
		return
	}
	msg := fmt.Sprintf("tradepaykit: state %q could not be set up: %s", state, reason)
	f.mu.Lock()
	if f.pending == "" {
		f.pending = msg
	}
	f.mu.Unlock()
	writeJSON(w, map[string]any{})
}

// noticeWithin bounds how long stateFailed gives the server to notice that a verifier closed
// the state call's connection: the request's context is cancelled only once the server's
// background read sees the close, which can come a moment after the state failed.
const noticeWithin = 50 * time.Millisecond

// verifierGone reports whether the verifier gave up on the state call r.
func verifierGone(r *http.Request) bool {
	t := time.NewTimer(noticeWithin)
	defer t.Stop()
	select {
	case <-r.Context().Done():
		return true
	case <-t.C:
		return false
	}
}

// recordStateError keeps why a state failed, for the report and for stateFailedHook.
func (f *front) recordStateError(state, reason string) {
	f.mu.Lock()
	if f.stateErrors == nil {
		f.stateErrors = map[string]string{}
	}
	f.stateErrors[state] = reason
	f.mu.Unlock()
	if f.stateFailedHook != nil {
		f.stateFailedHook(state, reason)
	}
}

// takePending returns and clears the reason the current interaction cannot run.
func (f *front) takePending() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	reason := f.pending
	f.pending = ""
	return reason
}

// explain answers a replayed request the front could not pass to the provider (its state
// could not be set up, the provider could not be reached), with the reason where every Pact
// verifier prints it: each interaction of both pacts expects a JSON answer whose
// result.resultStatus is exact, so the verifier reports a mismatch on it quoting the reason,
// and on the Signature header where the pact pins one. A verifier that gets an error status
// or a text body instead prints only the status or "Expected a body of 'application/json'".
// status is 200 for a state that could not be set up (the reason is then the only
// difference reported) and 502 when the provider could not be reached.
func explain(w http.ResponseWriter, status int, reason string) {
	body, err := json.Marshal(map[string]any{"result": map[string]string{
		"resultCode": "TRADEPAYKIT_NOT_VERIFIED", "resultStatus": reason, "resultMessage": reason,
	}})
	if err != nil {
		http.Error(w, reason, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.Header().Set(signing.HeaderSignature, reason)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// stateError returns why a state last failed to set up, or "".
func (f *front) stateError(state string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stateErrors[state]
}

// forwardState passes a state change to the provider's own endpoint and its answer back.
func (f *front) forwardState(w http.ResponseWriter, r *http.Request, state string, body []byte) {
	req, err := http.NewRequestWithContext(f.ctx, http.MethodPost, f.stateURL, bytes.NewReader(body))
	if err != nil {
		f.stateFailed(w, r, state, err.Error())
		return
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := f.client.Do(req)
	if err != nil {
		f.stateFailed(w, r, state, "state change URL: "+err.Error())
		return
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		f.stateFailed(w, r, state, "state change URL: "+err.Error())
		return
	}
	if resp.StatusCode/100 != 2 {
		f.stateFailed(w, r, state, fmt.Sprintf("state change URL answered HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(answer)))
		return
	}
	if len(bytes.TrimSpace(answer)) == 0 {
		answer = []byte("{}")
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(answer)
}

// replay signs the verifier's request and sends it to the provider; the provider's answer
// goes back to the verifier untouched.
func (f *front) replay(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if reason := f.takePending(); reason != "" {
		f.recordAnswer(r.URL.Path, nil)
		explain(w, http.StatusOK, reason)
		return
	}
	if reason := f.awaitState(); reason != "" {
		f.recordAnswer(r.URL.Path, nil)
		explain(w, http.StatusOK, reason)
		return
	}
	req, err := http.NewRequestWithContext(f.ctx, r.Method, f.target(r), bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	for name, values := range r.Header {
		switch http.CanonicalHeaderKey(name) {
		case "Host", "Content-Length", "Connection", "Accept-Encoding":
			continue
		}
		req.Header[name] = values
	}
	key, err := f.signingKey()
	if err == nil {
		err = (signing.Style{}).SignRequest(req, body, f.clientID, key, time.Now())
	}
	if err != nil {
		f.recordAnswer(r.URL.Path, nil)
		explain(w, http.StatusInternalServerError, "tradepaykit: cannot sign the request: "+err.Error())
		return
	}
	resp, err := f.client.Do(req)
	if err != nil {
		f.recordAnswer(r.URL.Path, nil)
		explain(w, http.StatusBadGateway, "tradepaykit: the provider did not answer: "+err.Error())
		return
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		f.recordAnswer(r.URL.Path, nil)
		explain(w, http.StatusBadGateway, "tradepaykit: reading the provider's answer: "+err.Error())
		return
	}
	f.recordAnswer(r.URL.Path, answer)
	if f.checkAnswer != nil {
		f.checkAnswer(signing.PathOf(req), resp.Header, answer)
	}
	for name, values := range resp.Header {
		if http.CanonicalHeaderKey(name) == "Content-Length" {
			continue
		}
		w.Header()[name] = values
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(answer)
}

// walletAnswerCheck verifies a wallet's answer as the merchant's client does: the signature
// with the wallet's public key over the exact bytes, and the echo of the request's Client-Id.
// The pact can only say that the headers are present and well formed; when a check fails,
// the header is replaced by the reason, so the verifier reports a HeaderMismatch naming the
// header instead of passing an answer no merchant would accept.
func walletAnswerCheck(pub *rsa.PublicKey, clientID string) func(string, http.Header, []byte) {
	return func(path string, h http.Header, body []byte) {
		if h.Get(signing.HeaderSignature) != "" {
			msg := signing.ResponseMessage(http.MethodPost, path, h, body)
			if err := signing.Verify(pub, msg, h.Get(signing.HeaderSignature)); err != nil {
				h.Set(signing.HeaderSignature, "does not verify with the wallet public key: "+err.Error())
			}
		}
		if got := h.Get(signing.HeaderClientID); got != "" && got != clientID {
			h.Set(signing.HeaderClientID, fmt.Sprintf("%s (does not echo the request's %s)", got, clientID))
		}
	}
}

// signingKey is the real key, or for the kit's unknown-key state a fresh key made once per
// verification: a real RSA signature that no party can have registered.
// The kit's state holds for the next replayed request only, so a verifier run without
// teardown calls does not sign the following interactions with the unknown key.
func (f *front) signingKey() (*rsa.PrivateKey, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.unknownKey {
		return f.key, nil
	}
	f.unknownKey = false
	if f.otherKey == nil {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, errors.New("pacts: cannot make the unknown key: " + err.Error())
		}
		f.otherKey = k
	}
	return f.otherKey, nil
}

// recordAnswer keeps the result an answer carried, in the order of the replayed requests: a
// provider that refuses a request says why in resultMessage, which the pacts match by type
// only, so no verifier prints it (a merchant of another dialect refusing the pact's
// notification shape says which shape it wants there). body nil: the front answered itself.
func (f *front) recordAnswer(path string, body []byte) {
	var summary string
	var a struct {
		Result *struct {
			ResultCode    string `json:"resultCode"`
			ResultStatus  string `json:"resultStatus"`
			ResultMessage string `json:"resultMessage"`
		} `json:"result"`
	}
	if body != nil && json.Unmarshal(body, &a) == nil && a.Result != nil && a.Result.ResultMessage != "" {
		summary = fmt.Sprintf("resultStatus %s, resultCode %s: %s", a.Result.ResultStatus, a.Result.ResultCode, clipText(a.Result.ResultMessage))
	}
	f.mu.Lock()
	f.answers = append(f.answers, summary)
	f.mu.Unlock()
	if summary != "" && a.Result.ResultStatus != "S" && f.refusedHook != nil {
		f.refusedHook(path, summary)
	}
}

// replayedAnswers returns what recordAnswer kept.
func (f *front) replayedAnswers() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.answers...)
}

// clipText bounds a provider's text in a report line.
func clipText(s string) string {
	const max = 300
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}

func writeJSON(w http.ResponseWriter, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}
