// Package selection decides which scenarios a conformance run executes and in which passes
// (DESIGN.md, "The runner"): the side the run checks (a tag every scenario must carry), the
// user's tag expression, and the split that runs the @clock scenarios last, one at a time,
// because they move the wallet's one business clock. What a target cannot run is decided by
// its profile (internal/profile, Profile.Skip). The runner and the Go API for go test
// (runner/kittest) share these rules, so both run the same scenarios.
package selection

import (
	"runtime"
	"strings"
)

// TagClock marks the scenarios that move the wallet's business clock.
const TagClock = "@clock"

// Pass is one godog run over the features.
type Pass struct {
	// Name labels the pass in progress output ("concurrent", "@clock, one at a time").
	Name string
	// Tags is the godog tag expression of the pass.
	Tags string
	// Concurrency is how many scenarios run at once.
	Concurrency int
	// Serial is true for the one-at-a-time @clock pass.
	Serial bool
	// Alongside starts the pass together with the one before it: the self-test's @clock
	// pass, whose scenarios each have parties of their own.
	Alongside bool
}

// Filter joins the side tag ("@wallet", "@merchant"; empty: every side) and the user's tag
// expression into one godog expression; empty when both are.
func Filter(side, tags string) string {
	return strings.Join(nonEmpty(side, strings.TrimSpace(tags)), " && ")
}

// DefaultConcurrency is the first pass's concurrency when none is given: twice the CPUs, at
// least 8. Scenarios mostly wait: on HTTP, and on a bare wallet for seconds at a time on the
// real-time rules (kit:wallet-bare: 13.6 s at 4, 10.8 s at 8, 11.0 s at 16 on 2 cores).
func DefaultConcurrency() int { return max(runtime.NumCPU()*2, 8) }

// Passes splits a run: every scenario but the @clock ones concurrently (concurrency 0 means
// DefaultConcurrency), then the @clock ones one at a time.
func Passes(side, tags string, concurrency int) []Pass {
	if concurrency <= 0 {
		concurrency = DefaultConcurrency()
	}
	filter := nonEmpty(side, strings.TrimSpace(tags))
	and := func(t string) string { return strings.Join(append(append([]string(nil), filter...), t), " && ") }
	return []Pass{
		{Name: "concurrent", Tags: and("~" + TagClock), Concurrency: concurrency},
		{Name: TagClock + ", one at a time", Tags: and(TagClock), Concurrency: 1, Serial: true},
	}
}

func nonEmpty(xs ...string) []string {
	var out []string
	for _, x := range xs {
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}
