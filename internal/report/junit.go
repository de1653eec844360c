package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"
)

// The JUnit XML the kit writes. godog has a JUnit formatter, but the runner runs godog twice
// (concurrent scenarios, then @clock ones one at a time), adds the pacts, and turns expected
// failures into skips so CI stays green on a tracked gap; so it writes its own from the Run.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes the run as JUnit XML: one testsuite per feature file and one per pact;
// each scenario's name carries its requirement ids, so CI dashboards show them.
func WriteJUnit(w io.Writer, r *Run) error {
	root := junitSuites{Name: "tradepaykit " + r.Command + " (dialect " + r.DialectLabel() + ")", Time: seconds(r.Duration.Seconds())}
	suites := map[string]*junitSuite{}
	var order []string
	for _, s := range r.Scenarios {
		st := suites[s.Feature]
		if st == nil {
			st = &junitSuite{Name: s.Feature, Timestamp: r.Started.UTC().Format("2006-01-02T15:04:05")}
			suites[s.Feature] = st
			order = append(order, s.Feature)
		}
		c := junitCase{Name: caseName(s), Classname: strings.TrimSuffix(s.Feature, ".feature"), Time: seconds(s.Duration.Seconds())}
		switch s.Status {
		case Failed:
			c.Failure = &junitMessage{Message: firstLine(s.Message), Type: strings.Join(s.Requirements, " "), Text: failureText(s)}
			st.Failures++
		case Skipped:
			c.Skipped = &junitMessage{Message: s.Reason}
			st.Skipped++
		case ExpectedFailure:
			c.Skipped = &junitMessage{Message: "expected failure: " + s.Reason + ticket(s.Ticket), Text: failureText(s)}
			st.Skipped++
		case UnexpectedPass:
			c.SystemOut = "unexpected pass: listed as an expected failure (" + s.Reason + ticket(s.Ticket) + "); remove it from the expected-failures file"
		}
		if len(s.Warnings) > 0 {
			c.SystemOut = strings.TrimSpace(c.SystemOut + "\nWARNING (SHOULD) " + strings.Join(s.Warnings, "\nWARNING (SHOULD) "))
		}
		st.Tests++
		st.Cases = append(st.Cases, c)
	}
	sort.Strings(order)
	for _, name := range order {
		root.Suites = append(root.Suites, *suites[name])
	}
	for _, p := range r.Pacts {
		st := junitSuite{Name: "pact " + p.Name, Properties: []junitProperty{{"consumer", p.Consumer}, {"provider", p.Provider}}}
		if p.Error != "" {
			c := junitCase{Name: "verify " + p.Name, Classname: "pact"}
			if p.Unavailable {
				c.Skipped = &junitMessage{Message: p.Error}
				st.Skipped++
			} else {
				c.Error = &junitMessage{Message: firstLine(p.Error), Text: p.Error}
				st.Errors++
			}
			st.Tests++
			st.Cases = append(st.Cases, c)
		}
		for _, i := range p.Interactions {
			c := junitCase{Name: i.Description, Classname: "pact." + strings.TrimSuffix(p.Name, ".json")}
			switch i.Status {
			case Failed:
				c.Failure = &junitMessage{Message: firstLine(strings.Join(i.Mismatches, "; ")), Text: strings.Join(i.Mismatches, "\n")}
				st.Failures++
			case Skipped:
				c.Skipped = &junitMessage{Message: i.Reason}
				st.Skipped++
			case ExpectedFailure:
				c.Skipped = &junitMessage{Message: "expected failure: " + i.Reason + ticket(i.Ticket), Text: strings.Join(i.Mismatches, "\n")}
				st.Skipped++
			case UnexpectedPass:
				c.SystemOut = "unexpected pass: listed as an expected failure (" + i.Reason + ticket(i.Ticket) + ")"
			}
			st.Tests++
			st.Cases = append(st.Cases, c)
		}
		root.Suites = append(root.Suites, st)
	}
	root.Suites = append(root.Suites, coverageSuite(r))
	for _, st := range root.Suites {
		root.Tests += st.Tests
		root.Failures += st.Failures
		root.Errors += st.Errors
		root.Skipped += st.Skipped
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(root); err != nil {
		return fmt.Errorf("report: junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// coverageSuite carries the verdict and the coverage of MUST requirements as properties of
// a suite without test cases, so CI dashboards and scripts can read them.
func coverageSuite(r *Run) junitSuite {
	c := r.Coverage()
	var unchecked, inapplicable []string
	for _, u := range c.NotChecked {
		unchecked = append(unchecked, u.ID)
	}
	for _, u := range c.NotApplicable {
		inapplicable = append(inapplicable, u.ID)
	}
	props := []junitProperty{
		{"dialect", r.DialectLabel()},
		{"verdict", r.Verdict()},
		{"headline", r.Headline()},
		{"must-requirements", fmt.Sprint(c.Must)},
		{"must-checked", fmt.Sprint(len(c.Checked))},
		{"must-not-checked", strings.Join(unchecked, " ")},
		{"must-not-checked-why", c.NotCheckedByReason()},
		{"must-not-applicable", strings.Join(inapplicable, " ")},
		{"must-not-applicable-why", c.NotApplicableByReason()},
		{"require-all", fmt.Sprint(r.RequireAll)},
	}
	if r.TimeLimit != "" {
		props = append(props, junitProperty{"time-limit", r.TimeLimit})
	}
	return junitSuite{Name: "requirements coverage", Properties: props}
}

func caseName(s Scenario) string {
	if len(s.Requirements) == 0 {
		return s.Name
	}
	return s.Name + " [" + strings.Join(s.Requirements, ", ") + "]"
}

// failureText is the body of a JUnit failure: the step, the message and the exchanges in
// transcript form (the HTML report has them in full).
func failureText(s Scenario) string {
	var b strings.Builder
	if s.FailedStep != "" {
		fmt.Fprintf(&b, "step: %s\n", s.FailedStep)
	}
	b.WriteString(s.Message)
	if len(s.Exchanges) > 0 {
		b.WriteString("\n\nexchanges:")
		for _, x := range s.Exchanges {
			b.WriteString("\n")
			b.WriteString(x.Transcript)
			if x.Repeats > 0 {
				fmt.Fprintf(&b, "\n  (the same exchange %d more times)", x.Repeats)
			}
		}
	}
	return b.String()
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	const max = 300
	if len(s) > max {
		s = s[:max] + "..."
	}
	return s
}

func ticket(t string) string {
	if t == "" {
		return ""
	}
	return ", " + t
}

func seconds(s float64) string { return fmt.Sprintf("%.3f", s) }
