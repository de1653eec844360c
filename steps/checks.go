package steps

import (
	"context"
	"fmt"
	"strings"

	"github.com/cucumber/godog"
	"github.com/stretchr/testify/require"
)

// checks returns what a step asserts on with testify's require and assert. By default it is
// godog's TestingT, which logs each failed check, with testify's trace through the step
// definitions, as it happens. With Targets.QuietChecks a failed check is kept instead, its
// message cleaned of that trace, and becomes the step's error once, after the requirement
// and the exchanges (see failureReport): under go test, godog's TestingT would print each
// failure twice, the second time after the exchanges.
func checks(ctx context.Context) require.TestingT {
	w, ok := ctx.Value(worldKey{}).(*World)
	if ok && w.targets.QuietChecks {
		return quietChecks{w: w}
	}
	t := godog.T(ctx)
	if !ok || t == nil {
		return t
	}
	return countedChecks{TestingT: t, w: w}
}

// countedChecks is godog's TestingT counting the failed checks in the World, so that a step
// can tell whether one failed (godog's own TestingT does not say, and a skip after a failed
// check would hide it: see checksFailed).
type countedChecks struct {
	godog.TestingT
	w *World
}

// Errorf counts the failed check and passes it on.
func (c countedChecks) Errorf(format string, args ...any) {
	c.w.mu.Lock()
	c.w.checkFailures++
	c.w.mu.Unlock()
	c.TestingT.Errorf(format, args...)
}

// checksFailed is the number of checks that failed in the scenario so far.
func (w *World) checksFailed() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.checkFailures
}

// quietChecks is checks under Targets.QuietChecks.
type quietChecks struct{ w *World }

// Errorf keeps a failed check; the step goes on, as testify's assert expects.
func (q quietChecks) Errorf(format string, args ...any) {
	q.w.mu.Lock()
	defer q.w.mu.Unlock()
	q.w.checkFailures++
	q.w.failedChecks = append(q.w.failedChecks, cleanCheck(format, args...))
}

// FailNow ends the step (require): godog recovers the panic and takes its value, the failed
// checks so far, as the step's error.
func (q quietChecks) FailNow() {
	panic(checkFailure(joinChecks(q.w.takeChecks())))
}

// shownChecks bounds the failed checks a step reports: a step that checks each of 20
// deliveries the same way fails them all for one reason.
const shownChecks = 3

// joinChecks reads as the first failed checks and how many more failed.
func joinChecks(checks []string) string {
	if len(checks) > shownChecks {
		checks = append(checks[:shownChecks:shownChecks], fmt.Sprintf("... and %d more checks failed", len(checks)-shownChecks))
	}
	return strings.Join(checks, "\n")
}

// checkFailure is a step's failed checks as its error.
type checkFailure string

func (c checkFailure) Error() string { return string(c) }

// takeChecks returns the failed checks not yet reported and forgets them.
func (w *World) takeChecks() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	c := w.failedChecks
	w.failedChecks = nil
	return c
}

// maxCheckLines bounds one failed check's message: what was expected and what came.
const maxCheckLines = 12

// cleanCheck keeps what a testify failure says (its Error and Messages sections, without the
// diff that repeats expected and actual) and drops the Error Trace through the step
// definitions, which means nothing to the party under test.
func cleanCheck(format string, args ...any) string {
	msg := strings.TrimSpace(fmt.Sprintf(format, args...))
	if !strings.Contains(msg, "Error Trace:") {
		return firstLines(msg, maxCheckLines)
	}
	var keep []string
	section := ""
	for _, line := range strings.Split(msg, "\n") {
		t := strings.TrimSpace(line)
		label := false
		for _, l := range []string{"Error Trace:", "Error:", "Test:", "Messages:"} {
			if rest, ok := strings.CutPrefix(t, l); ok {
				section, t, label = l, strings.TrimSpace(rest), true
				break
			}
		}
		if section == "Error:" && t == "Diff:" {
			section = "diff"
		}
		switch {
		case t == "", section != "Error:" && section != "Messages:":
		case section == "Messages:" && label:
			keep = append(keep, "("+t+")")
		default:
			keep = append(keep, t)
		}
	}
	if len(keep) == 0 {
		return firstLines(msg, maxCheckLines)
	}
	return firstLines(strings.Join(keep, "\n"), maxCheckLines)
}

// firstLines keeps the first n lines of s.
func firstLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = append(lines[:n], "...")
	}
	return strings.Join(lines, "\n")
}

// skipNow ends the step and skips its scenario, which then counts as not checked: a wait the
// run cut short (health.go, await). The scenario's World says why (World.skipped).
func skipNow(ctx context.Context) { godog.T(ctx).SkipNow() }
