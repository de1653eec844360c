package report

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func coverageRun() *Run {
	r := sampleRun()
	r.Requirements["REQ-PRE-002"] = "A pre-authorization by pay."
	r.Requirements["REQ-SIG-008"] = "SHOULD: the merchant signs its answer."
	r.Scenarios = append(r.Scenarios,
		Scenario{Name: "A clock one", Feature: "preauth_tradeno.feature", Requirements: []string{"REQ-PRE-008"}, Status: Skipped, Reason: "the wallet offers no clock control (@clock)"},
		Scenario{Name: "A cut one", Feature: "refunds.feature", Requirements: []string{"REQ-REF-001"}, Status: Failed, Unfinished: true, Message: "not finished"},
		Scenario{Name: "A skipped SHOULD", Feature: "signatures.feature", Requirements: []string{"REQ-SIG-006"}, Status: Skipped, Reason: "no"},
	)
	r.Requirements["REQ-SIG-006"] = "SHOULD: stale Request-Time."
	return r
}

func TestCoverage(t *testing.T) {
	c := coverageRun().Coverage()
	// MUST: GEN-001 (passed), IDEM-004 (failed), IDEM-005 (expected failure) are checked;
	// PRE-002 and PRE-008 skipped, REF-001 cut by the time limit; the SHOULDs do not count.
	assert.Equal(t, 6, c.Must)
	assert.Equal(t, []string{"REQ-GEN-001", "REQ-IDEM-004", "REQ-IDEM-005"}, c.Checked)
	assert.Equal(t, []Unchecked{
		{ID: "REQ-PRE-002", Reason: "the target does not support pre-authorization"},
		{ID: "REQ-PRE-008", Reason: "the wallet offers no clock control (@clock)"},
		{ID: "REQ-REF-001", Reason: "the run's time limit ran out before its scenarios finished"},
	}, c.NotChecked)
	assert.False(t, c.Complete())
	assert.Equal(t, "3 of 6 MUST requirements checked; not checked: REQ-PRE-002 (the target does not support pre-authorization); "+
		"REQ-PRE-008 (the wallet offers no clock control (@clock)); REQ-REF-001 (the run's time limit ran out before its scenarios finished)", c.String())

	r := sampleRun()
	r.Requirements["REQ-SIG-008"] = "SHOULD: the merchant signs its answer."
	r.Scenarios[1].Status, r.Pacts[0].Interactions[1].Status = ExpectedFailure, ExpectedFailure
	assert.Equal(t, "PASS: 3 of 4 MUST requirements checked; not checked: REQ-PRE-002 (the target does not support pre-authorization)", r.Headline())
	r.RequireAll = true
	assert.Equal(t, "FAIL", r.Verdict(), "--require-all fails a run that left a MUST unchecked")
	r.Scenarios[2].Status = Passed
	assert.Equal(t, "PASS: 4 of 4 MUST requirements checked", r.Headline())
	r.TimeLimit = "the run's time limit of 1s ran out"
	assert.Equal(t, "FAIL", r.Verdict(), "a run stopped by its time limit fails")
}

// TestCoveragePerFlow: a requirement checked on tradeNO only is not checked for orderStr, and
// says so with the reason its orderStr scenarios were skipped (issue 16).
func TestCoveragePerFlow(t *testing.T) {
	clock := "the wallet offers no clock control (@clock)"
	r := &Run{Requirements: map[string]string{"REQ-GEN-014": "A payment not completed by its deadline is closed.", "REQ-PRE-012": "A freeze not authorized in time is closed."}}
	r.Scenarios = []Scenario{
		{Name: "by paymentExpiryTime", Requirements: []string{"REQ-GEN-014"}, Tags: []string{"@wallet", "@wallet-api"}, Status: Passed},
		{Name: "by tradeNO on the clock", Requirements: []string{"REQ-GEN-014"}, Tags: []string{"@wallet", "@flow-tradeNO", "@clock"}, Status: Skipped, Reason: clock},
		{Name: "by orderStr", Requirements: []string{"REQ-GEN-014"}, Tags: []string{"@wallet", "@flow-orderStr", "@clock"}, Status: Skipped, Reason: clock},
		{Name: "a freeze by pay", Requirements: []string{"REQ-PRE-012"}, Tags: []string{"@wallet", "@wallet-api", "@preauth"}, Status: Passed},
		{Name: "a freeze orderStr", Requirements: []string{"REQ-PRE-012"}, Tags: []string{"@wallet", "@flow-preauth", "@flow-orderStr", "@clock"}, Status: Skipped, Reason: clock},
	}
	c := r.Coverage()
	assert.Empty(t, c.Checked)
	assert.Equal(t, []Unchecked{
		{ID: "REQ-GEN-014", Reason: clock, Flows: []string{"orderStr"}},
		{ID: "REQ-PRE-012", Reason: clock, Flows: []string{"orderStr pre-auth"}},
	}, c.NotChecked)
	assert.Equal(t, "0 of 2 MUST requirements checked; not checked: REQ-GEN-014 on orderStr, REQ-PRE-012 on orderStr pre-auth ("+clock+")", c.String())

	r.Scenarios[2].Status, r.Scenarios[4].Status = Failed, Passed
	assert.Equal(t, "2 of 2 MUST requirements checked", r.Coverage().String(), "checked on every flow, whatever the verdict")

	// A flow the target does not offer is no gap, once the requirement was checked elsewhere.
	r.Scenarios[2].Status, r.Scenarios[2].Reason = Skipped, "the target does not support the orderStr flow"
	assert.Equal(t, "2 of 2 MUST requirements checked", r.Coverage().String(), "orderStr not offered")
	r.Scenarios[2].Reason = "the target does not support the orderStr flow; " + clock
	assert.Equal(t, "2 of 2 MUST requirements checked", r.Coverage().String(), "orderStr not offered, whatever else it needs")
	r.Scenarios[2].Reason = clock
	assert.Equal(t, "1 of 2 MUST requirements checked; not checked: REQ-GEN-014 on orderStr ("+clock+")", r.Coverage().String())

	assert.Equal(t, "", FlowOf([]string{"@wallet", "@merchant"}))
	assert.Equal(t, "paymentUrl", FlowOf([]string{"@flow-paymentUrl"}))
	assert.Equal(t, "tradeNO pre-auth", FlowOf([]string{"@flow-preauth", "@flow-tradeNO"}))
}

func TestCoverageInReports(t *testing.T) {
	r := coverageRun()
	var buf bytes.Buffer
	require.NoError(t, WriteJUnit(&buf, r))
	var doc struct {
		Suites []struct {
			Name  string `xml:"name,attr"`
			Props []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &doc))
	props := map[string]string{}
	for _, s := range doc.Suites {
		if s.Name == "requirements coverage" {
			for _, p := range s.Props {
				props[p.Name] = p.Value
			}
		}
	}
	assert.Equal(t, "6", props["must-requirements"])
	assert.Equal(t, "3", props["must-checked"])
	assert.Equal(t, "REQ-PRE-002 REQ-PRE-008 REQ-REF-001", props["must-not-checked"])
	assert.True(t, strings.HasPrefix(props["headline"], "FAIL: 3 of 6 MUST requirements checked; not checked: REQ-PRE-002"), props["headline"])

	buf.Reset()
	require.NoError(t, WriteHTML(&buf, r))
	html := buf.String()
	assert.Contains(t, html, "FAIL: 3 of 6 MUST requirements checked; not checked: REQ-PRE-002 (the target does not support pre-authorization)")
	assert.Contains(t, html, "<tr><td><code>REQ-PRE-008</code></td><td>the wallet offers no clock control (@clock)</td></tr>")
}

// TestCoverageGivesEachReasonOnce: a requirement whose scenarios were skipped for the same
// reason, one of them for another reason too, names each reason once.
func TestCoverageGivesEachReasonOnce(t *testing.T) {
	r := &Run{Requirements: map[string]string{"REQ-PRE-008": "An authorization expires."}, Scenarios: []Scenario{
		{Name: "a", Requirements: []string{"REQ-PRE-008"}, Status: Skipped, Reason: "the wallet offers no clock control"},
		{Name: "b", Requirements: []string{"REQ-PRE-008"}, Status: Skipped, Reason: "the wallet offers no clock control; the target does not support refunds"},
		{Name: "c", Requirements: []string{"REQ-PRE-008"}, Status: Skipped, Reason: "the wallet offers no clock control"},
	}}
	assert.Equal(t, "0 of 1 MUST requirements checked; not checked: REQ-PRE-008 (the target does not support refunds; the wallet offers no clock control)",
		r.Coverage().String())
}

// TestCoverageNotApplicable: a requirement whose every scenario the dialect rules out is
// listed as not applicable under it, apart from those not checked, and does not fail
// --require-all; one whose scenarios the dialect rules out on one flow only is checked.
func TestCoverageNotApplicable(t *testing.T) {
	one := "not applicable under v1-qi: the dialect allows one capture per authorization"
	r := &Run{Dialect: "v1-qi", RequireAll: true, Requirements: map[string]string{
		"REQ-PRE-006": "Several partial captures.", "REQ-PRE-007": "A capture.", "REQ-REF-002": "A refund.",
	}}
	r.Scenarios = []Scenario{
		{Name: "two captures", Requirements: []string{"REQ-PRE-006"}, Tags: []string{"@preauth", "@flow-tradeNO"}, Status: Skipped, Reason: one},
		{Name: "two captures by orderStr", Requirements: []string{"REQ-PRE-006"}, Tags: []string{"@preauth", "@flow-orderStr"}, Status: Skipped, Reason: one},
		{Name: "a capture", Requirements: []string{"REQ-PRE-007"}, Tags: []string{"@preauth", "@flow-tradeNO"}, Status: Passed},
		{Name: "a capture by orderStr", Requirements: []string{"REQ-PRE-007"}, Tags: []string{"@preauth", "@flow-orderStr"}, Status: Skipped, Reason: one},
		{Name: "a refund", Requirements: []string{"REQ-REF-002"}, Tags: []string{"@refunds"}, Status: Passed},
	}
	c := r.Coverage()
	assert.Equal(t, 3, c.Must)
	assert.Equal(t, []string{"REQ-PRE-007", "REQ-REF-002"}, c.Checked)
	assert.Equal(t, []Unchecked{{ID: "REQ-PRE-006", Reason: one}}, c.NotApplicable)
	assert.Empty(t, c.NotChecked)
	assert.True(t, c.Complete())
	assert.Equal(t, "PASS: 2 of 3 MUST requirements checked; not applicable: REQ-PRE-006 ("+one+")", r.Headline())
	var html, junit bytes.Buffer
	require.NoError(t, WriteHTML(&html, r))
	assert.Contains(t, html.String(), "<tr><td><code>REQ-PRE-006</code></td><td>"+one+"</td></tr>")
	assert.Contains(t, html.String(), "1 MUST requirements are not applicable under the dialect v1-qi")
	require.NoError(t, WriteJUnit(&junit, r))
	assert.Contains(t, junit.String(), `<property name="must-not-applicable" value="REQ-PRE-006">`)

	// A requirement skipped for the dialect and for another reason is not checked.
	r.Scenarios[1].Reason = "the wallet offers no clock control"
	c = r.Coverage()
	assert.Empty(t, c.NotApplicable)
	assert.Equal(t, []Unchecked{{ID: "REQ-PRE-006", Reason: one + "; the wallet offers no clock control"}}, c.NotChecked)
	assert.Equal(t, "FAIL", r.Verdict())
}

// TestReportsNameTheDialect: the first line of each report names the dialect the run spoke.
func TestReportsNameTheDialect(t *testing.T) {
	r := sampleRun()
	r.Dialect = "v2 with overrides"
	var html, junit bytes.Buffer
	require.NoError(t, WriteHTML(&html, r))
	require.NoError(t, WriteJUnit(&junit, r))
	assert.Contains(t, html.String(), "<title>tradepaykit verify-merchant (dialect v2 with overrides): FAIL</title>")
	assert.Contains(t, html.String(), "<h1>tradepaykit conformance report: verify-merchant, dialect v2 with overrides ")
	assert.Contains(t, strings.SplitN(junit.String(), "\n", 3)[1], `<testsuites name="tradepaykit verify-merchant (dialect v2 with overrides)"`)
	assert.Contains(t, junit.String(), `<property name="dialect" value="v2 with overrides">`)

	html.Reset()
	require.NoError(t, WriteHTML(&html, sampleRun()))
	assert.Contains(t, html.String(), "(dialect kit)", "a run that names no dialect spoke the kit's")
}
