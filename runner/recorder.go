package main

import (
	"bytes"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/report"
	"github.com/tradepaykit/tradepaykit/internal/signing"
	"github.com/tradepaykit/tradepaykit/internal/walletclient"
	"github.com/tradepaykit/tradepaykit/steps"
)

// recorder keeps the exchanges between the two parties that the kit's own party takes part
// in: the reference merchant's calls to a wallet under test and the notifications it
// receives, or a merchant's calls to the kit's wallet mock and the notifications the mock
// sends. A scenario only sees its own calls; when it fails, the report adds the exchanges
// between the parties about the same payments, found by the ids both share.
type recorder struct {
	mu   sync.Mutex
	list []recorded
	// notify follows the notifications among the exchanges (health.go).
	notify notifyHealth
}

type recorded struct {
	x   report.Exchange
	ids []string
	at  time.Time // when it was recorded: its answer came, or it failed
}

// maxRecorded bounds the memory of a long run; a failure needs only recent exchanges.
const maxRecorded = 20000

// maxRelated bounds the related exchanges one failure shows.
const maxRelated = 30

func (r *recorder) add(x report.Exchange) {
	r.notify.observe(x)
	ids := idsOf(x.RequestBody, x.ResponseBody, []byte(x.URL))
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.list) >= maxRecorded {
		r.list = append(r.list[:0], r.list[len(r.list)/2:]...)
	}
	r.list = append(r.list, recorded{x: x, ids: ids, at: time.Now()})
}

// lastNotification returns the last notification recorded that names paymentRequestID or
// paymentID (either may be empty) in its body, with the merchant's answer: the wallet's
// side of a wait for an order to settle (steps.Health.LastNotification).
func (r *recorder) lastNotification(paymentRequestID, paymentID string) (steps.NotificationSeen, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.list) - 1; i >= 0; i-- {
		rec := r.list[i]
		if !isNotification(rec.x) {
			continue
		}
		var body struct {
			PaymentID        string `json:"paymentId"`
			PaymentRequestID string `json:"paymentRequestId"`
			PaymentStatus    string `json:"paymentStatus"`
		}
		if json.Unmarshal(rec.x.RequestBody, &body) != nil {
			continue
		}
		if (paymentID == "" || body.PaymentID != paymentID) && (paymentRequestID == "" || body.PaymentRequestID != paymentRequestID) {
			continue
		}
		return steps.NotificationSeen{At: rec.at, PaymentStatus: body.PaymentStatus, Refused: notificationRefused(rec.x)}, true
	}
	return steps.NotificationSeen{}, false
}

// isNotification reports whether a recorded exchange is a notification between the parties.
func isNotification(x report.Exchange) bool { return strings.Contains(x.Party, "notify endpoint") }

// notificationRefused says what the merchant answered a notification, "" for S.
func notificationRefused(x report.Exchange) string {
	switch {
	case x.StatusCode == 0:
		return "no answer (" + x.Err + ")"
	case x.StatusCode != http.StatusOK:
		return fmt.Sprintf("HTTP %d", x.StatusCode)
	}
	var answer openapi.NotifyPaymentResponse
	if err := json.Unmarshal(x.ResponseBody, &answer); err != nil {
		return "an answer that is not a JSON result"
	}
	if answer.Result.ResultStatus == openapi.StatusSuccess {
		return ""
	}
	return strings.TrimSpace(string(answer.Result.ResultStatus) + " " + string(answer.Result.ResultCode))
}

// about returns the recorded exchanges that share an id (payment, request, order) with own,
// oldest first; ids learnt from a related exchange (the paymentId the wallet gave the
// merchant's paymentRequestId) count too.
func (r *recorder) about(own []report.Exchange) []report.Exchange {
	want := map[string]bool{}
	for _, x := range own {
		for _, id := range idsOf(x.RequestBody, x.ResponseBody, []byte(x.URL), []byte(x.Transcript)) {
			want[id] = true
		}
	}
	if len(want) == 0 {
		return nil
	}
	r.mu.Lock()
	list := append([]recorded(nil), r.list...)
	r.mu.Unlock()
	picked := make([]bool, len(list))
	for round := 0; round < 2; round++ {
		for i, rec := range list {
			if picked[i] {
				continue
			}
			for _, id := range rec.ids {
				if want[id] {
					picked[i] = true
					break
				}
			}
			if picked[i] {
				for _, id := range rec.ids {
					want[id] = true
				}
			}
		}
	}
	var out []report.Exchange
	for i, rec := range list {
		if picked[i] {
			out = append(out, rec.x)
		}
	}
	if len(out) > maxRelated {
		out = out[len(out)-maxRelated:]
	}
	return out
}

var (
	idField  = regexp.MustCompile(`"(paymentId|paymentRequestId|orderId|tradeNO|captureRequestId|captureId|refundRequestId|refundId|out_trade_no|out_request_no)"\s*:\s*"([^"\\]{6,})"`)
	idInPath = regexp.MustCompile(`/(?:cashier|orders|payments)/([A-Za-z0-9_-]{6,})`)
)

// idsOf finds the ids in bodies and URLs, also inside URL-encoded orderStrs.
func idsOf(texts ...[]byte) []string {
	seen := map[string]bool{}
	var out []string
	addAll := func(s string) {
		for _, m := range idField.FindAllStringSubmatch(s, -1) {
			if !seen[m[2]] {
				seen[m[2]] = true
				out = append(out, m[2])
			}
		}
		for _, m := range idInPath.FindAllStringSubmatch(s, -1) {
			if !seen[m[1]] {
				seen[m[1]] = true
				out = append(out, m[1])
			}
		}
	}
	for _, t := range texts {
		if len(t) == 0 {
			continue
		}
		s := string(t)
		addAll(s)
		if bytes.Contains(t, []byte("%22")) {
			if u, err := url.QueryUnescape(s); err == nil {
				addAll(u)
			}
		}
	}
	return out
}

// walletClientExchange records a call of the kit's reference merchant to the wallet.
func (r *recorder) walletClientExchange(x walletclient.Exchange) {
	out := report.Exchange{
		Party: "reference merchant → wallet OpenAPI", Method: x.Method, URL: x.URL,
		RequestHeader: x.RequestHeader, RequestBody: x.RequestBody, StatusCode: x.StatusCode,
		ResponseHeader: x.ResponseHeader, ResponseBody: x.ResponseBody, Duration: x.Duration,
	}
	switch {
	case x.SignatureVerified:
		out.Signature = "verified"
	case x.SignatureErr != nil:
		out.Signature = "failed: " + x.SignatureErr.Error()
	}
	if x.Err != nil {
		out.Err = x.Err.Error()
	}
	r.add(out)
}

// incoming records every request next serves: the requests a party under test sends to the
// kit's party, with the check of their signature against pub (nil: not checked).
func (r *recorder) incoming(party string, pub *rsa.PublicKey, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
		_ = req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(body))
		cw := &capture{ResponseWriter: w, status: http.StatusOK}
		start := time.Now()
		next.ServeHTTP(cw, req)
		x := report.Exchange{
			Party: party, Method: req.Method, URL: req.URL.RequestURI(), RequestHeader: req.Header.Clone(), RequestBody: body,
			StatusCode: cw.status, ResponseHeader: w.Header().Clone(), ResponseBody: cw.body.Bytes(), Duration: time.Since(start),
		}
		if err != nil {
			x.Err = "reading the request: " + err.Error()
		}
		if pub != nil {
			x.Signature = "of the request: " + outcome(signing.Verify(pub, signing.RequestMessage(req, body), req.Header.Get(signing.HeaderSignature)))
		}
		r.add(x)
	})
}

// outgoing wraps a transport so that every request the kit's party sends (notifications of
// the wallet mock) is recorded with the answer, whose signature is checked against pub.
func (r *recorder) outgoing(party string, pub *rsa.PublicKey, base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		var body []byte
		if req.Body != nil {
			body, _ = io.ReadAll(req.Body)
			_ = req.Body.Close()
			req.Body = io.NopCloser(bytes.NewReader(body))
		}
		start := time.Now()
		resp, err := base.RoundTrip(req)
		x := report.Exchange{Party: party, Method: req.Method, URL: req.URL.String(), RequestHeader: req.Header.Clone(), RequestBody: body}
		if err != nil {
			x.Err, x.Duration = err.Error(), time.Since(start)
			r.add(x)
			return nil, err
		}
		answer, rerr := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		_ = resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(answer))
		x.StatusCode, x.ResponseHeader, x.ResponseBody, x.Duration = resp.StatusCode, resp.Header.Clone(), answer, time.Since(start)
		if rerr != nil {
			x.Err = "reading the answer: " + rerr.Error()
		}
		if pub != nil {
			if resp.Header.Get(signing.HeaderSignature) == "" {
				x.Signature = "of the answer: none (signing it is a SHOULD)"
			} else {
				x.Signature = "of the answer: " + outcome(signing.Verify(pub, signing.ResponseMessage(req.Method, req.URL.RequestURI(), resp.Header, answer), resp.Header.Get(signing.HeaderSignature)))
			}
		}
		r.add(x)
		return resp, nil
	})
}

func outcome(err error) string {
	if err != nil {
		return "failed: " + err.Error()
	}
	return "verified"
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// capture keeps a copy of what a handler writes.
type capture struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (c *capture) WriteHeader(code int) {
	c.status = code
	c.ResponseWriter.WriteHeader(code)
}

func (c *capture) Write(b []byte) (int, error) {
	if c.body.Len() < 1<<20 {
		c.body.Write(b)
	}
	return c.ResponseWriter.Write(b)
}
