package kittest

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/report"
)

// TestScenarioNamesWorkInGoTestRun: each scenario is a subtest named after it, and a merchant
// pastes that name into go test -run, which reads it as a regular expression split at "/":
// a name with a "/" or a metacharacter that does not match itself (parentheses, "+", "*"...)
// would select nothing. go test writes spaces as underscores.
func TestScenarioNamesWorkInGoTestRun(t *testing.T) {
	list := listScenarios("@merchant,@wallet")
	require.Greater(t, len(list), 100, "every scenario of both sides")
	for _, sc := range list {
		name := strings.ReplaceAll(sc.Name, " ", "_")
		assert.NotContains(t, name, "/", "%s (%s)", sc.Name, sc.Feature)
		re, err := regexp.Compile("^(?:" + name + ")$")
		if assert.NoError(t, err, "%s (%s)", sc.Name, sc.Feature) {
			assert.True(t, re.MatchString(name), "go test -run %q selects nothing: %s", name, sc.Feature)
		}
	}
}

// TestSummaryCountsAndNamesWhatTheProfileRulesOut: a merchant whose profile declares no
// paymentUrl flow and no pre-authorization sees those scenarios counted and named, with the
// reason, in the closing summary, and the coverage line gives each reason once.
func TestSummaryCountsAndNamesWhatTheProfileRulesOut(t *testing.T) {
	prof, err := loadProfile("kit:merchant-sample")
	require.NoError(t, err)
	prof.Capabilities.Clock, prof.Capabilities.WalletMock = true, true // as RunMerchant does
	res := &results{ruledOut: ruledOut("@merchant", "", prof.Exclusions(), prof)}
	require.NotEmpty(t, res.ruledOut)
	byReason := map[string]int{}
	for _, sc := range res.ruledOut {
		assert.NotEmpty(t, sc.Name)
		byReason[sc.Reason]++
	}
	assert.Positive(t, byReason["the target does not support pre-authorization"], byReason)
	assert.Positive(t, byReason["the target does not support the paymentUrl flow"], byReason)

	summary := res.summary(map[string]string{})
	assert.Contains(t, summary, fmt.Sprintf("; %d ruled out by the profile", len(res.ruledOut)))
	n := byReason["the target does not support pre-authorization"]
	assert.Contains(t, summary, fmt.Sprintf("\nnot run, %d: the target does not support pre-authorization\n  - ", n))
	for _, sc := range res.ruledOut {
		assert.Contains(t, summary, "\n  - "+sc.Name+" (", "each one named")
	}
	for _, line := range strings.Split(summary, "\n") {
		if rest, ok := strings.CutPrefix(line, "coverage: "); ok {
			for _, reason := range []string{"the target does not support pre-authorization", "the target does not support the paymentUrl flow"} {
				assert.LessOrEqual(t, strings.Count(rest, reason), strings.Count(rest, "REQ-"), "a reason per group of requirements: %s", rest)
			}
			assert.NotContains(t, rest, "pre-authorization; the target does not support pre-authorization")
		}
	}
}

// TestSummaryNamesFailuresWarningsAndCoverage: the closing summary names every failure with
// its subtest and step, counts them by requirement, lists the SHOULD warnings and ends with
// the coverage line.
func TestSummaryNamesFailuresWarningsAndCoverage(t *testing.T) {
	res := &results{
		scenarios: []report.Scenario{
			{Name: "a", Requirements: []string{"REQ-GEN-005"}, Status: report.Failed, FailedStep: `the order is "PENDING"`},
			{Name: "b", Requirements: []string{"REQ-GEN-005", "REQ-GEN-001"}, Status: report.Failed, FailedStep: "the payer confirms"},
			{Name: "c", Requirements: []string{"REQ-NTF-009"}, Status: report.Passed, Warnings: []string{"the merchant should sign its answer"}},
			{Name: "d", Requirements: []string{"REQ-PRE-008"}, Status: report.Skipped, Reason: "the wallet offers no clock control"},
		},
		names: []string{"TestShop/a", "TestShop/b", "TestShop/c", "TestShop/d"},
	}
	got := res.summary(map[string]string{"REQ-GEN-005": "A merchant never trusts the app's word alone.", "REQ-GEN-001": "A payer pays.",
		"REQ-NTF-009": "SHOULD: sign.", "REQ-PRE-008": "An authorization expires."})
	assert.Equal(t, `kittest summary: 4 scenarios ran: 1 passed, 2 failed, 1 skipped; 0 ruled out by the profile
failed: 2 scenarios
  REQ-GEN-001: 1 failed (A payer pays.)
  REQ-GEN-005: 2 failed (A merchant never trusts the app's word alone.)
  FAIL REQ-GEN-005  TestShop/a
       step: the order is "PENDING"
  FAIL REQ-GEN-005, REQ-GEN-001  TestShop/b
       step: the payer confirms
not run, 1: the wallet offers no clock control
  - d (REQ-PRE-008)
WARNING (SHOULD) c (REQ-NTF-009): the merchant should sign its answer
coverage: 2 of 3 MUST requirements checked; not checked: REQ-PRE-008 (the wallet offers no clock control)`, got)
}
