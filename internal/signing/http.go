package signing

import (
	"crypto/rsa"
	"net/http"
	"time"
)

// Header names of the signed envelope.
const (
	HeaderClientID     = "Client-Id"
	HeaderRequestTime  = "Request-Time"
	HeaderResponseTime = "Response-Time"
	HeaderSignature    = "Signature"
)

// PathOf returns the request path as sent, with its query: what a signature covers.
func PathOf(r *http.Request) string { return r.URL.RequestURI() }

// SignRequest sets Client-Id, Request-Time, Signature and Content-Type on req for body.
func (s Style) SignRequest(req *http.Request, body []byte, clientID string, key *rsa.PrivateKey, now time.Time) error {
	return s.signRequest(nil, req, body, clientID, key, now)
}

func (s Style) signRequest(memo *Memo, req *http.Request, body []byte, clientID string, key *rsa.PrivateKey, now time.Time) error {
	ts := s.FormatTime(now)
	sig, err := memo.Sign(s, key, Message{Method: req.Method, Path: PathOf(req), ClientID: clientID, Time: ts, Body: body})
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	req.Header.Set(HeaderClientID, clientID)
	req.Header.Set(HeaderRequestTime, ts)
	req.Header.Set(HeaderSignature, sig)
	return nil
}

// RequestMessage rebuilds the signed message of a received request.
func RequestMessage(r *http.Request, body []byte) Message {
	return Message{
		Method:   r.Method,
		Path:     PathOf(r),
		ClientID: r.Header.Get(HeaderClientID),
		Time:     r.Header.Get(HeaderRequestTime),
		Body:     body,
	}
}

// SignResponseHeaders sets Client-Id, Response-Time and Signature on h for a response to a
// request with the given method and path.
func (s Style) SignResponseHeaders(h http.Header, method, path, clientID string, body []byte, key *rsa.PrivateKey, now time.Time) error {
	return s.signResponseHeaders(nil, h, method, path, clientID, body, key, now)
}

func (s Style) signResponseHeaders(memo *Memo, h http.Header, method, path, clientID string, body []byte, key *rsa.PrivateKey, now time.Time) error {
	ts := s.FormatTime(now)
	sig, err := memo.Sign(s, key, Message{Method: method, Path: path, ClientID: clientID, Time: ts, Body: body})
	if err != nil {
		return err
	}
	h.Set("Content-Type", "application/json; charset=UTF-8")
	h.Set(HeaderClientID, clientID)
	h.Set(HeaderResponseTime, ts)
	h.Set(HeaderSignature, sig)
	return nil
}

// ResponseMessage rebuilds the signed message of a received response to a request sent with
// method and path.
func ResponseMessage(method, path string, h http.Header, body []byte) Message {
	return Message{
		Method:   method,
		Path:     path,
		ClientID: h.Get(HeaderClientID),
		Time:     h.Get(HeaderResponseTime),
		Body:     body,
	}
}
