package steps

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/tradepaykit/tradepaykit/internal/signing"
	"github.com/tradepaykit/tradepaykit/internal/target"
	"github.com/tradepaykit/tradepaykit/internal/walletclient"
)

// Exchange is one HTTP exchange a scenario made, in full, for conformance reports: a failure
// shows the requirement, the expectation and every exchange that led to it (DESIGN.md,
// "Principles").
type Exchange struct {
	// Transcript is the exchange as failure messages show it, bodies cut short. Exchanges the
	// steps made by hand (forged signatures) carry only a transcript.
	Transcript string
	// Party is who answered: "wallet OpenAPI", or "test hook" for the wallet's test control
	// and the merchant's test adapter; empty for a transcript-only exchange.
	Party          string
	Method         string
	URL            string
	RequestHeader  http.Header
	RequestBody    []byte
	StatusCode     int // 0 when no answer arrived
	ResponseHeader http.Header
	ResponseBody   []byte
	// Signature is the outcome of the check of the answer's signature: "verified", "failed:
	// <why>", or empty when the answer is not signed (test hooks) or none arrived.
	Signature string
	Err       string
	Duration  time.Duration
	// Repeats counts identical exchanges that followed this one (a step polling a view).
	Repeats int
}

// Exchanges returns every exchange the scenario of ctx made so far, oldest first; runners
// call it in an After hook to put the exchanges of a failure into their reports.
func Exchanges(ctx context.Context) []Exchange {
	w, ok := ctx.Value(worldKey{}).(*World)
	if !ok {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]Exchange, 0, len(w.log))
	for _, e := range w.log {
		x := e.x
		x.Transcript, x.Repeats = e.text, e.repeats
		out = append(out, x)
	}
	return out
}

func targetExchange(x target.Exchange) Exchange {
	out := Exchange{
		Transcript: x.String(), Party: "test hook", Method: x.Method, URL: x.URL,
		RequestBody: x.RequestBody, StatusCode: x.StatusCode, ResponseHeader: x.ResponseHeader,
		ResponseBody: x.ResponseBody, Duration: x.Duration,
	}
	if len(x.RequestBody) > 0 {
		out.RequestHeader = http.Header{"Content-Type": {"application/json"}}
	}
	if x.Err != nil {
		out.Err = x.Err.Error()
	}
	return out
}

func walletExchange(transcript string, x walletclient.Exchange) Exchange {
	out := Exchange{
		Transcript: transcript, Party: "wallet OpenAPI", Method: x.Method, URL: x.URL,
		RequestHeader: x.RequestHeader, RequestBody: x.RequestBody, StatusCode: x.StatusCode,
		ResponseHeader: x.ResponseHeader, ResponseBody: x.ResponseBody, Duration: x.Duration,
	}
	switch {
	case x.SignatureVerified:
		out.Signature = "verified"
	case errors.Is(x.SignatureErr, signing.ErrNotChecked):
		out.Signature = "not checked: " + x.SignatureErr.Error()
	case x.SignatureErr != nil:
		out.Signature = "failed: " + x.SignatureErr.Error()
	}
	if x.Err != nil {
		out.Err = x.Err.Error()
	}
	return out
}
