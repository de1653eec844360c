// Package report holds the outcome of a conformance run and writes it for people and for CI
// (DESIGN.md, "The runner": a readable summary, JUnit XML, Cucumber JSON and one
// self-contained HTML conformance report that lists requirements against results and shows,
// for each failure, the requirement, the expectation and the full exchange).
//
// The runner fills a Run while godog runs the scenarios and the pact verifier replays the
// contracts; this package only classifies and writes. It imports nothing of the kit.
package report

import (
	"net/http"
	"sort"
	"strings"
	"time"
)

// Status is the verdict on one scenario or one pact interaction.
type Status string

// Verdicts. An expected failure does not fail the run; an unexpected pass is reported so the
// expected-failures file can be cleaned up.
const (
	Passed          Status = "passed"
	Failed          Status = "failed"
	Skipped         Status = "skipped"
	ExpectedFailure Status = "expected failure"
	UnexpectedPass  Status = "unexpected pass"
)

// Run is one conformance run: a verify command or the self-test.
type Run struct {
	// Command is "verify-wallet", "verify-merchant" or "self-test".
	Command string
	// Args is the command line, for replaying the run.
	Args       []string
	KitVersion string
	// Target lists what was verified and where: ("wallet OpenAPI", URL), ...
	Target []Endpoint
	// ProfileName and ProfileJSON describe the target profile in effect.
	ProfileName string
	ProfileJSON string
	// Dialect names the dialect the run spoke and judged by (docs/dialects.md): the preset,
	// "v1-qi" or "v2 with overrides"; every report names it first. Empty reads as "kit".
	Dialect string
	// Exclusions is the tag filter equivalent to what the profile lacks.
	Exclusions string
	Started    time.Time
	Duration   time.Duration
	Seed       int64
	// Tags is the scenario filter: the side's tag and the user's --tags.
	Tags string

	Scenarios []Scenario
	Pacts     []Pact
	// Requirements maps a requirement id to its text (features/README.md).
	Requirements map[string]string
	// Expectations is the expected-failures file in effect; Unmatched the entries that
	// matched no scenario, requirement or interaction of this run.
	Expectations []Expectation
	Unmatched    []Expectation
	// Notes are run-level remarks (a pact not run, a profile default applied).
	Notes []string
	// RequireAll fails a run that left a MUST requirement unchecked or a pact Unavailable
	// (--require-all, for certifiers).
	RequireAll bool
	// TimeLimit, when set, says the run was stopped by its time limit (--time-limit):
	// "the run's time limit of 10m0s ran out".
	TimeLimit string
}

// Endpoint is one address of the run.
type Endpoint struct {
	Name string
	URL  string
}

// Scenario is the outcome of one scenario (one example of an outline).
type Scenario struct {
	Name    string
	Feature string // the feature file
	// Pass is the godog pass that ran it ("concurrent", "@clock, one at a time").
	Pass         string
	Requirements []string
	Tags         []string
	Status       Status
	// Reason says why the scenario was skipped, or, for an expected failure or unexpected
	// pass, the expected-failures entry's reason.
	Reason string
	Ticket string
	// FailedStep is the step that failed, Message what it expected and got.
	FailedStep string
	Message    string
	// Warnings are SHOULD rules the target did not follow; the scenario still passes.
	Warnings []string
	// Exchanges are the scenario's own calls (the kit as mini program, payer or merchant);
	// Related are exchanges between the parties that concern the scenario's payments, as the
	// kit's own party saw them. Kept for failures only.
	Exchanges []Exchange
	Related   []Exchange
	Duration  time.Duration
	// Unfinished marks a scenario the run's time limit stopped or never let start: it
	// counts as failed, and its requirements as not checked.
	Unfinished bool
}

// Exchange is one HTTP exchange, in full.
type Exchange struct {
	// Party says who called whom, e.g. "kit → merchant test adapter".
	Party          string
	Method         string
	URL            string
	RequestHeader  http.Header
	RequestBody    []byte
	StatusCode     int
	ResponseHeader http.Header
	ResponseBody   []byte
	// Signature is the outcome of the signature check of the signed message(s): "verified",
	// "failed: ...", or empty when nothing signed was checked.
	Signature string
	Err       string
	Repeats   int
	Duration  time.Duration
	// Transcript is a short readable form; exchanges made by hand carry only this.
	Transcript string
}

// Pact is the verification of one contract against the target.
type Pact struct {
	// Name is the pact file, e.g. "merchant-wallet.json".
	Name     string
	Consumer string
	Provider string
	// Error is set when there is no verdict: the verifier could not run or is not built in.
	Error string
	// Unavailable marks a pact that was not verified because nothing could verify it (a build
	// without libpact_ffi and no Pact CLI): a note, not a failure, except with RequireAll.
	Unavailable  bool
	Interactions []Interaction
	// Output is the verifier's own report.
	Output string
}

// Interaction is the verdict on one interaction of a pact.
type Interaction struct {
	Description string
	States      []string
	Status      Status
	// Reason: why it was skipped (not in the profile) or the expected-failures entry.
	Reason     string
	Ticket     string
	Mismatches []string
}

// Counts tallies verdicts.
type Counts struct {
	Total, Passed, Failed, Skipped, ExpectedFailures, UnexpectedPasses int
}

// Add counts one verdict.
func (c *Counts) Add(s Status) {
	c.Total++
	switch s {
	case Passed:
		c.Passed++
	case Failed:
		c.Failed++
	case Skipped:
		c.Skipped++
	case ExpectedFailure:
		c.ExpectedFailures++
	case UnexpectedPass:
		c.UnexpectedPasses++
	}
}

// ScenarioCounts tallies the scenarios.
func (r *Run) ScenarioCounts() Counts {
	var c Counts
	for _, s := range r.Scenarios {
		c.Add(s.Status)
	}
	return c
}

// InteractionCounts tallies the interactions of every pact.
func (r *Run) InteractionCounts() Counts {
	var c Counts
	for _, p := range r.Pacts {
		for _, i := range p.Interactions {
			c.Add(i.Status)
		}
	}
	return c
}

// Passed reports whether the target conforms: no scenario and no interaction failed
// unexpectedly, and every pact that could be verified gave a verdict; with RequireAll,
// also every MUST requirement was checked and every pact verified.
func (r *Run) Passed() bool {
	if r.ScenarioCounts().Failed > 0 || r.InteractionCounts().Failed > 0 || r.TimeLimit != "" {
		return false
	}
	if r.RequireAll && !r.Coverage().Complete() {
		return false
	}
	for _, p := range r.Pacts {
		if p.Error != "" && (!p.Unavailable || r.RequireAll) {
			return false
		}
	}
	return true
}

// Verdict is "PASS" or "FAIL".
func (r *Run) Verdict() string {
	if r.Passed() {
		return "PASS"
	}
	return "FAIL"
}

// Requirement is one requirement's row of the conformance table.
type Requirement struct {
	ID        string
	Text      string
	Status    Status
	Scenarios []*Scenario
	Counts    Counts
}

// noRequirement is the requirement table's row for scenarios that name none.
const noRequirement = "(no requirement)"

// RequirementTable lists every requirement the run's scenarios name, in id order, with the
// combined verdict: failed if any scenario failed; else expected failure if any failed as
// expected; else passed if any passed; else skipped.
func (r *Run) RequirementTable() []Requirement {
	byID := map[string]*Requirement{}
	for i := range r.Scenarios {
		s := &r.Scenarios[i]
		reqs := s.Requirements
		if len(reqs) == 0 {
			reqs = []string{noRequirement}
		}
		for _, id := range reqs {
			q := byID[id]
			if q == nil {
				q = &Requirement{ID: id, Text: r.Requirements[id]}
				byID[id] = q
			}
			q.Scenarios = append(q.Scenarios, s)
			q.Counts.Add(s.Status)
		}
	}
	out := make([]Requirement, 0, len(byID))
	for _, q := range byID {
		switch c := q.Counts; {
		case c.Failed > 0:
			q.Status = Failed
		case c.ExpectedFailures > 0:
			q.Status = ExpectedFailure
		case c.Passed+c.UnexpectedPasses > 0:
			q.Status = Passed
		default:
			q.Status = Skipped
		}
		out = append(out, *q)
	}
	sort.Slice(out, func(i, j int) bool { return requirementLess(out[i].ID, out[j].ID) })
	return out
}

// requirementLess orders REQ-GEN-002 before REQ-GEN-010 and groups by prefix.
func requirementLess(a, b string) bool {
	pa, na := splitID(a)
	pb, nb := splitID(b)
	if pa != pb {
		return pa < pb
	}
	if len(na) != len(nb) {
		return len(na) < len(nb)
	}
	return na < nb
}

func splitID(id string) (prefix, number string) {
	i := strings.LastIndex(id, "-")
	if i < 0 {
		return id, ""
	}
	return id[:i], id[i+1:]
}

// Failures returns the scenarios that failed, in requirement order.
func (r *Run) Failures() []*Scenario {
	return r.withStatus(Failed)
}

func (r *Run) withStatus(st Status) []*Scenario {
	var out []*Scenario
	for i := range r.Scenarios {
		if r.Scenarios[i].Status == st {
			out = append(out, &r.Scenarios[i])
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := first(out[i].Requirements), first(out[j].Requirements)
		if a != b {
			return requirementLess(a, b)
		}
		return out[i].Name < out[j].Name
	})
	return out
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// ParseRequirements reads the requirement tables of a features README: every line
// "| REQ-XXX-000 | text |".
func ParseRequirements(markdown string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(markdown, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "| REQ-") || !strings.HasSuffix(line, "|") {
			continue
		}
		cells := strings.SplitN(strings.Trim(line, "|"), "|", 2)
		if len(cells) != 2 {
			continue
		}
		id, text := strings.TrimSpace(cells[0]), strings.TrimSpace(cells[1])
		if strings.ContainsAny(id, " `") {
			continue
		}
		out[id] = strings.ReplaceAll(text, "`", "")
	}
	return out
}

// DialectLabel is the dialect the run spoke, "kit" when the run does not say.
func (r *Run) DialectLabel() string {
	if r.Dialect == "" {
		return "kit"
	}
	return r.Dialect
}
