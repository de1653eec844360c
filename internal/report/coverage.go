package report

import (
	"fmt"
	"sort"
	"strings"
)

// Coverage says which MUST requirements a run checked on its target. A requirement counts
// as checked when at least one of its scenarios ran on the target (passed or failed, not
// skipped and not stopped by the run's time limit), whatever the verdict.
type Coverage struct {
	// Must counts the MUST requirements the run's scenarios name; SHOULD ones (their text
	// starts with "SHOULD") are not counted.
	Must int
	// Checked lists the MUST requirements checked, in id order.
	Checked []string
	// NotChecked lists the others, with why, in id order.
	NotChecked []Unchecked
}

// Unchecked is a MUST requirement none of whose scenarios ran on the target.
type Unchecked struct {
	ID string
	// Reason gives why its scenarios did not run: their skip reasons, or the time limit.
	Reason string
}

// IsShould reports whether a requirement text (features/README.md) states a SHOULD rule.
func IsShould(text string) bool { return strings.HasPrefix(text, "SHOULD") }

// Coverage computes the run's coverage of MUST requirements.
func (r *Run) Coverage() Coverage {
	var c Coverage
	for _, q := range r.RequirementTable() {
		if q.ID == noRequirement || IsShould(q.Text) {
			continue
		}
		c.Must++
		reasons := map[string]bool{}
		checked := false
		for _, s := range q.Scenarios {
			switch {
			case s.Unfinished:
				reasons["the run's time limit ran out before its scenarios finished"] = true
			case s.Status == Skipped:
				// A skip reason may itself join several ("no clock control; no
				// refunds"): each is given once.
				for _, reason := range strings.Split(s.Reason, "; ") {
					reasons[reason] = true
				}
			default:
				checked = true
			}
		}
		if checked {
			c.Checked = append(c.Checked, q.ID)
			continue
		}
		list := make([]string, 0, len(reasons))
		for reason := range reasons {
			list = append(list, reason)
		}
		sort.Strings(list)
		c.NotChecked = append(c.NotChecked, Unchecked{ID: q.ID, Reason: strings.Join(list, "; ")})
	}
	return c
}

// Complete reports whether every MUST requirement of the run was checked.
func (c Coverage) Complete() bool { return len(c.NotChecked) == 0 }

// String reads "64 of 71 MUST requirements checked; not checked: REQ-A, REQ-B (reason);
// REQ-C (other reason)", the requirements grouped by reason.
func (c Coverage) String() string {
	s := fmt.Sprintf("%d of %d MUST requirements checked", len(c.Checked), c.Must)
	if len(c.NotChecked) == 0 {
		return s
	}
	return s + "; not checked: " + c.NotCheckedByReason()
}

// NotCheckedByReason lists the unchecked requirements grouped by reason: "REQ-A, REQ-B
// (reason); REQ-C (other reason)".
func (c Coverage) NotCheckedByReason() string {
	var reasons []string
	ids := map[string][]string{}
	for _, u := range c.NotChecked {
		if ids[u.Reason] == nil {
			reasons = append(reasons, u.Reason)
		}
		ids[u.Reason] = append(ids[u.Reason], u.ID)
	}
	parts := make([]string, 0, len(reasons))
	for _, reason := range reasons {
		parts = append(parts, fmt.Sprintf("%s (%s)", strings.Join(ids[reason], ", "), reason))
	}
	return strings.Join(parts, "; ")
}

// Headline is the run's verdict with its coverage: "PASS: 64 of 71 MUST requirements
// checked; not checked: REQ-... (the wallet offers no clock control (@clock))".
func (r *Run) Headline() string {
	return r.Verdict() + ": " + r.Coverage().String()
}
