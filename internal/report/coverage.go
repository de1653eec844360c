package report

import (
	"cmp"
	"fmt"
	"sort"
	"strings"
)

// Coverage says which MUST requirements a run checked on its target, per flow (issue 16): a
// requirement applies to each flow its scenarios pay by (tradeNO, orderStr, paymentUrl; a
// general payment or a pre-authorization), and counts as checked when, on every one of them,
// at least one of its scenarios ran on the target (passed or failed, not skipped and not
// stopped by the run's time limit), whatever the verdict. A requirement checked on tradeNO
// only is not checked for orderStr.
type Coverage struct {
	// Must counts the MUST requirements the run's scenarios name; SHOULD ones (their text
	// starts with "SHOULD") are not counted.
	Must int
	// Checked lists the MUST requirements checked on every flow, in id order.
	Checked []string
	// NotChecked lists the others, with why, in id order.
	NotChecked []Unchecked
	// NotApplicable lists, in id order, the MUST requirements whose every scenario the
	// target's dialect rules out (skipped with a reason starting NotApplicablePrefix): they
	// are not gaps, and do not fail --require-all.
	NotApplicable []Unchecked
}

// NotApplicablePrefix starts the skip reason of a scenario that the target's dialect rules
// out: "not applicable under v1-qi: the dialect allows one capture per authorization". The
// steps skip such scenarios with it; coverage lists their requirements apart.
const NotApplicablePrefix = "not applicable under "

// unsupported reports whether a skip reason names something the target does not offer (a
// flow, pre-authorization, refunds) or a rule its dialect rules out: a flow skipped for it is
// not a gap in what was checked of a requirement checked on other flows.
func unsupported(reason string) bool {
	return strings.HasPrefix(reason, "the target does not support ") || strings.HasPrefix(reason, NotApplicablePrefix)
}

// Unchecked is a MUST requirement none of whose scenarios ran on the target, on one flow or
// more.
type Unchecked struct {
	ID string
	// Reason gives why its scenarios did not run: their skip reasons, or the time limit.
	Reason string
	// Flows names the flows it was not checked on, when it was checked on others ("orderStr",
	// "orderStr pre-auth"); empty when none of its scenarios ran.
	Flows []string
}

// Name is the requirement's id, with the flows it was not checked on when it was checked on
// others: "REQ-GEN-014 on orderStr".
func (u Unchecked) Name() string {
	if len(u.Flows) == 0 {
		return u.ID
	}
	return u.ID + " on " + strings.Join(u.Flows, ", ")
}

// IsShould reports whether a requirement text (features/README.md) states a SHOULD rule.
func IsShould(text string) bool { return strings.HasPrefix(text, "SHOULD") }

// FlowOf names the flow a scenario checks its requirements on, by its tags (features/README.md):
// "tradeNO", "orderStr" or "paymentUrl", followed by " pre-auth" for a pre-authorization. The
// server OpenAPI (@wallet-api) and a pre-authorization by pay count as tradeNO. A scenario
// with no flow tag is about no flow in particular: "".
func FlowOf(tags []string) string {
	has := map[string]bool{}
	for _, t := range tags {
		has[t] = true
	}
	preAuth := has["@preauth"] || has["@flow-preauth"]
	flow := ""
	switch {
	case has["@flow-orderStr"]:
		flow = "orderStr"
	case has["@flow-paymentUrl"]:
		flow = "paymentUrl"
	case has["@flow-tradeNO"] || has["@wallet-api"] || preAuth:
		flow = "tradeNO"
	}
	if preAuth && flow != "" {
		flow += " pre-auth"
	}
	return flow
}

// Coverage computes the run's coverage of MUST requirements.
func (r *Run) Coverage() Coverage {
	var c Coverage
	for _, q := range r.RequirementTable() {
		if q.ID == noRequirement || IsShould(q.Text) {
			continue
		}
		c.Must++
		// Per flow: whether a scenario ran, and the reasons of those that did not.
		type cell struct {
			checked bool
			// offered: a scenario did not run for another reason than a feature the target
			// does not support (a flow, pre-authorization, refunds) or a rule its dialect
			// rules out.
			offered bool
			reasons map[string]bool
		}
		cells := map[string]*cell{}
		var flows []string
		for _, s := range q.Scenarios {
			f := FlowOf(s.Tags)
			x := cells[f]
			if x == nil {
				x = &cell{reasons: map[string]bool{}}
				cells[f] = x
				flows = append(flows, f)
			}
			switch {
			case s.Unfinished:
				x.reasons["the run's time limit ran out before its scenarios finished"] = true
				x.offered = true
			case s.Status == Skipped:
				// A skip reason may itself join several ("no clock control; no
				// refunds"): each is given once.
				notOffered := false
				for _, reason := range strings.Split(s.Reason, "; ") {
					x.reasons[reason] = true
					notOffered = notOffered || unsupported(reason)
				}
				x.offered = x.offered || !notOffered
			default:
				x.checked = true
			}
		}
		sort.Strings(flows)
		anyChecked := false
		for _, f := range flows {
			anyChecked = anyChecked || cells[f].checked
		}
		reasons := map[string]bool{}
		var missing []string
		for _, f := range flows {
			if cells[f].checked || (anyChecked && !cells[f].offered) {
				// A flow the target does not offer is not a gap in what was checked of it.
				continue
			}
			missing = append(missing, f)
			for reason := range cells[f].reasons {
				reasons[reason] = true
			}
		}
		if len(missing) == 0 {
			c.Checked = append(c.Checked, q.ID)
			continue
		}
		list := make([]string, 0, len(reasons))
		inapplicable := !anyChecked
		for reason := range reasons {
			list = append(list, reason)
			inapplicable = inapplicable && strings.HasPrefix(reason, NotApplicablePrefix)
		}
		sort.Strings(list)
		u := Unchecked{ID: q.ID, Reason: strings.Join(list, "; ")}
		if inapplicable && len(list) > 0 {
			c.NotApplicable = append(c.NotApplicable, u)
			continue
		}
		if anyChecked {
			for _, f := range missing {
				u.Flows = append(u.Flows, cmp.Or(f, "no flow in particular"))
			}
		}
		c.NotChecked = append(c.NotChecked, u)
	}
	return c
}

// Complete reports whether every MUST requirement of the run was checked.
func (c Coverage) Complete() bool { return len(c.NotChecked) == 0 }

// String reads "64 of 71 MUST requirements checked; not applicable: REQ-D (not applicable
// under v1-qi: ...); not checked: REQ-A, REQ-B (reason); REQ-C (other reason)", the
// requirements grouped by reason.
func (c Coverage) String() string {
	s := fmt.Sprintf("%d of %d MUST requirements checked", len(c.Checked), c.Must)
	if len(c.NotApplicable) > 0 {
		s += "; not applicable: " + byReason(c.NotApplicable)
	}
	if len(c.NotChecked) == 0 {
		return s
	}
	return s + "; not checked: " + c.NotCheckedByReason()
}

// NotCheckedByReason lists the unchecked requirements grouped by reason: "REQ-A, REQ-B
// (reason); REQ-C (other reason)".
func (c Coverage) NotCheckedByReason() string { return byReason(c.NotChecked) }

// NotApplicableByReason lists the requirements the dialect rules out grouped by reason, as
// NotCheckedByReason does.
func (c Coverage) NotApplicableByReason() string { return byReason(c.NotApplicable) }

func byReason(list []Unchecked) string {
	var reasons []string
	ids := map[string][]string{}
	for _, u := range list {
		if ids[u.Reason] == nil {
			reasons = append(reasons, u.Reason)
		}
		ids[u.Reason] = append(ids[u.Reason], u.Name())
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
