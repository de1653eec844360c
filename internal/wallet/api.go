package wallet

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/signing"
)

// apiHandler handles one OpenAPI call for an authenticated client. It returns the response
// to sign and send; an error becomes a response holding only the result envelope.
type apiHandler func(clientID string, body []byte) (any, error)

func (s *Server) apiHandlers() map[string]apiHandler {
	return map[string]apiHandler{
		"pay":            s.pay,
		"inquiryPayment": s.inquiryPayment,
		"cancel":         s.cancel,
		"capture":        s.capture,
		"refund":         s.refund,
		"inquiryRefund":  s.inquiryRefund,
	}
}

// api wraps a handler with what every OpenAPI call shares: body limit, client and signature
// checks (PROTOCOL.md, "Transport and signing"), and a signed HTTP 200 answer whatever the
// outcome, so the caller always judges `result`.
func (s *Server) api(name string, h apiHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		clientID := r.Header.Get(signing.HeaderClientID)
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, openapi.MaxBodyBytes))
		var resp any
		switch {
		case err != nil:
			tooLarge := openapi.Errorf(openapi.ParamIllegal, "body is larger than %d bytes", openapi.MaxBodyBytes)
			s.logAPIRequest(r, name, clientID, len(body), tooLarge)
			resp = envelope(tooLarge)
		default:
			authErr := s.judgeRequest(r, body, s.authenticate(r, body))
			s.logAPIRequest(r, name, clientID, len(body), authErr)
			if authErr != nil {
				resp = envelope(authErr)
			} else if f, ok := s.takeAnswerFault(name, body); ok && f.Forge != "" {
				s.writeForged(w, r, clientID, body, h, f)
				return
			} else if ok && !f.Apply {
				resp = envelope(openapi.Errorf(f.ResultCode, "scripted by the test control: nothing was done"))
			} else if out, err := s.handle(name, h, clientID, body); ok {
				// Done (or refused), but the merchant hears "unknown": it must query, not redo.
				resp = envelope(openapi.Errorf(f.ResultCode, "scripted by the test control: the request was processed"))
			} else if err != nil {
				s.refused(name, clientID, body)
				resp = envelope(err)
			} else {
				resp = s.wireAnswer(s.writeAnswer(out))
			}
		}
		s.writeSigned(w, r, clientID, resp)
	})
}

// handle reads the request as the wallet reads it, then runs the API's handler.
func (s *Server) handle(name string, h apiHandler, clientID string, body []byte) (any, error) {
	return s.handleVariants(name, clientID, body, func(body []byte) (any, error) {
		body, err := s.readRequest(name, body)
		if err != nil {
			return nil, err
		}
		return h(clientID, body)
	})
}

func envelope(err error) any {
	return struct {
		Result openapi.Result `json:"result"`
	}{openapi.ResultOf(err)}
}

// authenticate checks Client-Id, the signature over the exact bytes received, and the
// freshness of Request-Time against the wall clock.
func (s *Server) authenticate(r *http.Request, body []byte) error {
	clientID := r.Header.Get(signing.HeaderClientID)
	if clientID == "" {
		return openapi.Errorf(openapi.InvalidClient, "Client-Id header is missing")
	}
	m, ok := s.merchant(clientID)
	if !ok {
		return openapi.Errorf(openapi.InvalidClient, "Client-Id %q is not registered with this wallet", clientID)
	}
	if r.Header.Get(signing.HeaderSignature) == "" {
		return openapi.Errorf(openapi.InvalidSignature, "Signature header is missing")
	}
	msg := signing.RequestMessage(r, body)
	if err := s.verifyRequest(m.PublicKey, msg, r.Header.Get(signing.HeaderSignature)); err != nil {
		if m.KitKey == nil || s.verifyRequest(m.KitKey, msg, r.Header.Get(signing.HeaderSignature)) != nil {
			return openapi.Errorf(openapi.InvalidSignature, "%v", err)
		}
	}
	window := s.cfg.FreshnessWindow
	if window == 0 {
		window = signing.DefaultWindow
	}
	if err := signing.CheckFresh(msg.Time, time.Now(), window); err != nil {
		return openapi.Errorf(openapi.InvalidSignature, "Request-Time: %v", err)
	}
	return nil
}

// writeSigned marshals resp once, signs exactly those bytes and sends them.
func (s *Server) writeSigned(w http.ResponseWriter, r *http.Request, clientID string, resp any) {
	body, err := json.Marshal(resp)
	if err != nil {
		body, _ = json.Marshal(envelope(err))
	}
	var env struct {
		Result openapi.Result `json:"result"`
	}
	if json.Unmarshal(body, &env) == nil {
		noteOf(r.Context()).result = env.Result
	}
	path, id, key, sign := s.answerSignature(r, clientID)
	if err := s.cfg.Signatures.SignResponseHeaders(s.cfg.SignatureStyle, w.Header(), r.Method, path, id, body, key, time.Now()); err != nil {
		s.log.Error("wallet: sign response", "err", err)
	}
	if !sign {
		w.Header().Del(signing.HeaderSignature)
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// fingerprint is the canonical form of a JSON body: the same JSON value gives the same
// string whatever the key order and spacing ("Same content", PROTOCOL.md).
func fingerprint(body []byte) string {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return string(body)
	}
	out, err := json.Marshal(v)
	if err != nil {
		return string(body)
	}
	return string(out)
}

func decode(body []byte, v openapi.Validator) error {
	if err := openapi.Decode(body, v); err != nil {
		var e *openapi.Error
		if errors.As(err, &e) {
			return e
		}
		return openapi.Errorf(openapi.ParamIllegal, "%v", err)
	}
	return nil
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}
