package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/tradepaykit/tradepaykit/internal/report"
)

// A run is bounded in time (issue 9, "A run is bounded in time"): --time-limit stops it,
// fails the scenarios it cut or never started, and says so; the verdict states which MUST
// requirements it checked, and --require-all fails a run that left one unchecked.

// DefaultTimeLimit bounds a whole run unless --time-limit says otherwise: a full
// verify-wallet of a sandbox that declares the default 8-step retry schedule takes a few
// minutes at most, so ten is a run that is stuck, not a slow one.
const DefaultTimeLimit = 10 * time.Minute

// errTimeLimit is the cause of the run context's end when --time-limit runs out.
var errTimeLimit = errors.New("the run's time limit ran out")

// withTimeLimit returns the context the scenarios and pacts run under: ctx, ended with
// errTimeLimit after the suite's time limit (none when it is 0).
func (s *suite) withTimeLimit(ctx context.Context) (context.Context, context.CancelFunc) {
	if s.opts.timeLimit <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeoutCause(ctx, s.opts.timeLimit, errTimeLimit)
}

// timeLimitReached reports whether the run's time limit has ended ctx.
func timeLimitReached(ctx context.Context) bool {
	return errors.Is(context.Cause(ctx), errTimeLimit)
}

// refuseAfterTimeLimit is the Before hook of every scenario: once the time limit ran out, a
// scenario does not start; it fails, and collect marks it unfinished.
func (s *suite) refuseAfterTimeLimit(ctx context.Context) error {
	if timeLimitReached(ctx) {
		return fmt.Errorf("not started: %s (--time-limit %s)", errTimeLimit, s.opts.timeLimit)
	}
	return nil
}

// markUnfinished turns a scenario the time limit cut or kept from starting into a failure
// that says so; its requirements then count as not checked. A scenario that passed or was
// skipped before the limit keeps its verdict.
func (s *suite) markUnfinished(ctx context.Context, r *report.Scenario) {
	if !timeLimitReached(ctx) || r.Status == report.Passed || r.Status == report.Skipped {
		return
	}
	r.Unfinished = true
	r.Status = report.Failed
	notStarted := fmt.Sprintf("not started: %s (--time-limit %s)", errTimeLimit, s.opts.timeLimit)
	if r.FailedStep == "" || strings.Contains(r.Message, notStarted) {
		// godog charges a failed Before hook to the first step: no step ran.
		r.FailedStep, r.Message = "", notStarted
		return
	}
	r.Message = fmt.Sprintf("stopped: %s (--time-limit %s)\n%s", errTimeLimit, s.opts.timeLimit, r.Message)
}

// noteTimeLimit records and prints that the time limit stopped the run; pactsCut says it
// stopped the pact verification too.
func (s *suite) noteTimeLimit(ctx context.Context, pactsCut bool, stderr io.Writer) {
	if !timeLimitReached(ctx) {
		return
	}
	unfinished := 0
	for _, sc := range s.run.Scenarios {
		if sc.Unfinished {
			unfinished++
		}
	}
	s.run.TimeLimit = fmt.Sprintf("the run's time limit of %s ran out: %d scenarios did not finish and count as failed", s.opts.timeLimit, unfinished)
	switch {
	case s.pacts == nil || !s.opts.pact:
	case len(s.run.Pacts) == 0:
		s.run.TimeLimit += "; the pacts were not verified"
	case pactsCut:
		s.run.TimeLimit += "; the pacts were cut short"
	}
	fmt.Fprintf(stderr, "tradepaykit: %s (--time-limit)\n", s.run.TimeLimit)
}

// printCoverage prints the headline: the verdict with the MUST requirements checked and
// those not checked, and why.
func printCoverage(w io.Writer, r *report.Run) {
	c := r.Coverage()
	if len(c.NotApplicable) > 0 {
		// Not gaps: the dialect rules their scenarios out (--require-all passes).
		fmt.Fprintf(w, "MUST requirements not applicable under the dialect %s (%d):\n", r.DialectLabel(), len(c.NotApplicable))
		for _, u := range c.NotApplicable {
			fmt.Fprintf(w, "  - %s: %s\n", u.Name(), u.Reason)
		}
	}
	if len(c.NotChecked) > 0 {
		fmt.Fprintf(w, "MUST requirements not checked on this target (%d):\n", len(c.NotChecked))
		for _, u := range c.NotChecked {
			fmt.Fprintf(w, "  - %s: %s\n", u.Name(), u.Reason)
		}
	}
	if r.TimeLimit != "" {
		fmt.Fprintf(w, "STOPPED: %s\n", r.TimeLimit)
	}
	suffix := ""
	if r.RequireAll && !c.Complete() {
		suffix = " (--require-all: every MUST requirement must be checked)"
	}
	for _, p := range r.Pacts {
		if r.RequireAll && p.Unavailable {
			suffix += fmt.Sprintf(" (--require-all: the contracts must be verified; %s was not)", p.Name)
		}
	}
	fmt.Fprintf(w, "%s%s\n", r.Headline(), suffix)
}
