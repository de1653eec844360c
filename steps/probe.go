package steps

import (
	"context"
	"fmt"
	"net/http"

	"github.com/cucumber/godog"

	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/target"
)

// probeKey holds a scenario's probe: what the kit saw when it sent what a correct party
// never sends (forged signatures, bad input, scripted faults), and the warnings of SHOULD
// rules the parties did not follow.
type probeKey struct{}

type probe struct {
	// answer is the last answer to a message the kit signed by hand: a forged request to the
	// wallet, or a notification to the merchant.
	answer *signedAnswer
	// adapterBody and adapterErr are the merchant adapter's answer to the last raw request.
	adapterBody []byte
	adapterErr  error
	adapterSent bool
	// deliveries are the wallet's deliveries made by the last notification script, with
	// the merchant's answers.
	deliveries []target.Notification
	// atOnce are the answers to one request sent many times at once.
	atOnce []atOnceAnswer
	// refundRequestID is the request id of the last refund the kit sent with bad input.
	refundRequestID string
	// warnings are SHOULD rules the parties did not follow (PROTOCOL.md, "Settled details":
	// reported, not failed).
	warnings []string
}

func registerProbe(sc stepScope) {
	sc.Before(func(ctx context.Context, _ *godog.Scenario) (context.Context, error) {
		return context.WithValue(ctx, probeKey{}, &probe{}), nil
	})
}

func probeOf(ctx context.Context) *probe {
	p, ok := ctx.Value(probeKey{}).(*probe)
	if !ok {
		panic("steps: no probe in the context; was the scenario initialized with steps.Initialize?")
	}
	return p
}

// Warnings returns the SHOULD rules the parties did not follow in the scenario of ctx. Such a
// scenario passes; runners print its warnings.
func Warnings(ctx context.Context) []string {
	if p, ok := ctx.Value(probeKey{}).(*probe); ok {
		return append([]string(nil), p.warnings...)
	}
	return nil
}

// should records a SHOULD rule that does not hold: a warning, not a failure. The scenario's
// exchanges so far go into the report, as for a failure.
func (w *World) should(ctx context.Context, format string, args ...any) {
	p := probeOf(ctx)
	p.warnings = append(p.warnings, fmt.Sprintf(format, args...))
	w.record("warning (SHOULD): " + fmt.Sprintf(format, args...))
}

// signedAnswer is an answer to a message the kit signed itself.
type signedAnswer struct {
	// SentClientID is the Client-Id header the kit sent ("" when left out).
	SentClientID string
	StatusCode   int
	Header       http.Header
	Body         []byte
	// Result is the decoded result envelope; zero when the body holds none.
	Result openapi.Result
	// DecodeErr says why the body held no result.
	DecodeErr error
	// SignatureErr is the check of the answer's signature with the answering party's key.
	SignatureErr error
}
