package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Expectation is one entry of an expected-failures file: a known gap a team tracks. ID is a
// requirement id (REQ-GEN-004), a scenario name, or a pact interaction description; Reason
// says why it fails; Ticket links the work item.
type Expectation struct {
	ID     string `json:"id"`
	Reason string `json:"reason"`
	Ticket string `json:"ticket,omitempty"`
}

// LoadExpectations reads an expected-failures file: a JSON array of {"id", "reason",
// "ticket"}.
func LoadExpectations(path string) ([]Expectation, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("expected failures: %w", err)
	}
	list, err := ParseExpectations(b)
	if err != nil {
		return nil, fmt.Errorf("expected failures %s: %w", path, err)
	}
	return list, nil
}

// ParseExpectations reads the JSON of an expected-failures file; every entry needs an id and
// a reason, and an id may appear once.
func ParseExpectations(b []byte) ([]Expectation, error) {
	var list []Expectation
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&list); err != nil {
		return nil, fmt.Errorf("want a JSON array of {\"id\", \"reason\", \"ticket\"}: %w", err)
	}
	if dec.More() {
		return nil, errors.New("more than one JSON value")
	}
	seen := map[string]bool{}
	for i, e := range list {
		switch {
		case strings.TrimSpace(e.ID) == "":
			return nil, fmt.Errorf("entry %d: id is empty", i)
		case strings.TrimSpace(e.Reason) == "":
			return nil, fmt.Errorf("entry %d (%s): reason is empty", i, e.ID)
		case seen[e.ID]:
			return nil, fmt.Errorf("entry %d: id %q appears twice", i, e.ID)
		}
		seen[e.ID] = true
	}
	return list, nil
}

// Match returns the expectation that covers a scenario or pact interaction: one whose id is
// its name (byName), or else one of its requirement ids.
func Match(list []Expectation, name string, requirements []string) (e Expectation, byName, ok bool) {
	for _, e := range list {
		if e.ID == name {
			return e, true, true
		}
	}
	for _, e := range list {
		for _, r := range requirements {
			if e.ID == r {
				return e, false, true
			}
		}
	}
	return Expectation{}, false, false
}

// Classify turns a raw outcome into a verdict under the expectations. A failure that an
// entry covers is an expected failure. A pass is an unexpected pass when an entry names the
// scenario itself; an entry for a requirement only says that some of its scenarios fail, so
// Finish decides, once every scenario ran, whether the requirement passed after all.
func Classify(list []Expectation, name string, requirements []string, raw Status) (Status, Expectation) {
	e, byName, ok := Match(list, name, requirements)
	if !ok {
		return raw, Expectation{}
	}
	switch {
	case raw == Failed:
		return ExpectedFailure, e
	case raw == Passed && byName:
		return UnexpectedPass, e
	default:
		return raw, e
	}
}

// Finish applies the expectations that need the whole run: a requirement listed as failing
// whose every scenario passed is an unexpected pass, and an entry that matched nothing is
// reported as unmatched (stale or misspelt).
func (r *Run) Finish() {
	used := map[string]bool{}
	failing := map[string]bool{} // requirement entries with a scenario that failed
	for _, s := range r.Scenarios {
		if e, byName, ok := Match(r.Expectations, s.Name, s.Requirements); ok {
			used[e.ID] = true
			if !byName && (s.Status == ExpectedFailure || s.Status == Failed) {
				failing[e.ID] = true
			}
		}
	}
	for i := range r.Scenarios {
		s := &r.Scenarios[i]
		if e, byName, ok := Match(r.Expectations, s.Name, s.Requirements); ok && !byName && !failing[e.ID] && s.Status == Passed {
			s.Status, s.Reason, s.Ticket = UnexpectedPass, e.Reason, e.Ticket
		}
	}
	for _, p := range r.Pacts {
		for _, i := range p.Interactions {
			if e, _, ok := Match(r.Expectations, i.Description, nil); ok {
				used[e.ID] = true
			}
		}
	}
	r.Unmatched = nil
	for _, e := range r.Expectations {
		if !used[e.ID] {
			r.Unmatched = append(r.Unmatched, e)
		}
	}
}
