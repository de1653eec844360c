package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/steps"
)

var totalLine = regexp.MustCompile(`(?m)^total: (\d+) scenarios, (\d+) passed, (\d+) failed, (\d+) skipped in .*: (PASS|FAIL)$`)

// realTimeSkip is a progress line of a scenario skipped because the target's declared
// schedule or validity is too long to wait for in real time, or because the target's clock
// control checks the same orderStr pay_timeout without the real-time wait.
var realTimeSkip = regexp.MustCompile(`(?m)^skip .*\n\s+(the declared .* too long to wait for in real time|the wallet offers clock control: its @clock scenario checks the same pay_timeout)`)

type totals struct{ scenarios, passed, failed, skipped int }

func parseTotals(t *testing.T, out string) totals {
	t.Helper()
	m := totalLine.FindStringSubmatch(out)
	require.NotNil(t, m, "no summary line in the output:\n%s", out)
	n := func(i int) int {
		v, err := strconv.Atoi(m[i])
		require.NoError(t, err)
		return v
	}
	return totals{n(1), n(2), n(3), n(4)}
}

// TestSelfTest runs the default command, as a newcomer's first `tradepaykit` does: every
// feature against the embedded wallet mock and reference merchant.
func TestSelfTest(t *testing.T) {
	var out, errs bytes.Buffer
	start := time.Now()
	code := Run(context.Background(), []string{"--report-dir", t.TempDir()}, &out, &errs)
	elapsed := time.Since(start)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out.String(), errs.String())

	got := parseTotals(t, out.String())
	assert.GreaterOrEqual(t, got.scenarios, 25, "scenarios run")
	// The embedded parties offer every capability; what they skip are the scenarios that wait
	// in real time on a retry schedule or authorization validity too long for it (the
	// @clock scenarios check the same rules on the virtual clock).
	realTime := len(realTimeSkip.FindAllString(out.String(), -1))
	assert.Equal(t, got.scenarios, got.passed+realTime, "every scenario passes")
	assert.Equal(t, realTime, got.skipped, "scenarios skipped for another reason than a long schedule")
	assert.Contains(t, out.String(), "replay with --seed")
	assert.Contains(t, out.String(), `pass "@clock, each on parties of its own"`)
	assert.Regexp(t, `\(\d+ @clock scenarios ran on parties of their own\)`, out.String())
	assert.NotContains(t, out.String(), "WARNING", "the kit's own parties follow every SHOULD rule")
	assert.True(t, strings.HasPrefix(out.String(), "tradepaykit self-test, dialect kit: "), "the first line names the dialect")
	assert.Contains(t, out.String(), "\ndialect kit; to run another: tradepaykit --dialect v2 (v1-alipay, v1-tng, v1-qi, v2; docs/dialects.md)\n")
	t.Logf("self-test: %d scenarios in %s", got.scenarios, elapsed.Round(time.Millisecond))
}

func TestTagsSelectScenarios(t *testing.T) {
	var out, errs bytes.Buffer
	code := Run(context.Background(), []string{"run", "--tags", "@REQ-GEN-017", "--seed", "42", "--report-dir", t.TempDir()}, &out, &errs)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out.String(), errs.String())
	assert.Equal(t, totals{scenarios: 1, passed: 1}, parseTotals(t, out.String()))
	assert.Contains(t, out.String(), "seed 42 (replay with --seed 42)")
}

// TestSelfTestRunsClockScenariosOnPartiesOfTheirOwn: the self-test runs the @clock scenarios
// after the others, a few at a time, each against a wallet mock and a merchant of its own.
func TestSelfTestRunsClockScenariosOnPartiesOfTheirOwn(t *testing.T) {
	var out, errs bytes.Buffer
	code := Run(context.Background(), []string{"--tags", "@REQ-GEN-014 && @clock", "--format", "pretty", "--report-dir", t.TempDir()}, &out, &errs)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out.String(), errs.String())
	text := out.String()
	first, second := strings.Index(text, `== pass "concurrent"`), strings.Index(text, `== pass "@clock, each on parties of its own"`)
	require.True(t, first >= 0 && second > first, text)
	assert.NotContains(t, text[first:second], "Scenario:", "no @clock scenario in the first pass")
	assert.Contains(t, text[second:], "Scenario: A payment not completed by its deadline is closed")
	assert.NotContains(t, text, "\x1b[", "no colour escapes on a stdout that is not a terminal")
	assert.Equal(t, 3, parseTotals(t, text).passed)
	// REQ-GEN-014 has three @clock scenarios (and one in real time, not selected here).
	assert.Contains(t, text, "(3 @clock scenarios ran on parties of their own)")
}

// TestFailingScenarioFails runs a feature whose check cannot hold against the embedded
// parties: the run must say FAIL, name the requirement and exit 1.
func TestFailingScenarioFails(t *testing.T) {
	fsys := fstest.MapFS{"broken.feature": {Data: []byte(`Feature: broken
  @merchant @REQ-TEST-001
  Scenario: A new order is not paid yet
    Given the merchant has created an order for "1.00 USD" paid by tradeNO
    Then the merchant's order is "PAID"

  @merchant @REQ-TEST-002
  Scenario: A sentence nobody defined
    Given the merchant has created an order for "1.00 USD" paid by tradeNO
    Then something nobody defined happens
`)}}
	var out, errs bytes.Buffer
	code := selfTest(context.Background(), testOptions(t, fsys), nil, &out, &errs)
	assert.Equal(t, 1, code, out.String())
	assert.Equal(t, totals{scenarios: 2, failed: 2}, parseTotals(t, out.String()))
	assert.Contains(t, out.String(), "FAILED A new order is not paid yet (REQ-TEST-001)")
	assert.Contains(t, out.String(), "FAILED A sentence nobody defined (REQ-TEST-002)")
	assert.Contains(t, out.String(), "FAIL  REQ-TEST-001  A new order is not paid yet", "the progress line names the requirement")
	assert.Contains(t, out.String(), `step: the merchant's order is "PAID"`, "the progress line names the failed step")
	assert.Contains(t, out.String(), "expected: \"PAID\"", "the progress line says what was expected")
	assert.NotContains(t, out.String(), "Error Trace", "no stack of step definitions")
	html := readReport(t, out.String(), "report.html")
	assert.Contains(t, html, "REQ-TEST-001: A new order is not paid yet", "the report has the failure")
	assert.Contains(t, html, "POST http://127.0.0.1:", "the report shows the exchanges")
}

// TestShouldRulesWarn runs a scenario whose SHOULD check cannot hold: the run passes, and
// the summary names the rule that was not followed.
func TestShouldRulesWarn(t *testing.T) {
	fsys := fstest.MapFS{"should.feature": {Data: []byte(`Feature: should
  @merchant @wallet-mock @should @REQ-TEST-003
  Scenario: A genuine notification is not refused
    Given the merchant has created an order for "1.00 USD" paid by tradeNO
    And the wallet holds back the payment's notifications
    And the payer confirms the payment in the wallet
    When the merchant receives a "SUCCESS" notification signed by the wallet
    Then the merchant should refuse the notification with "INVALID_SIGNATURE"
`)}}
	var out, errs bytes.Buffer
	code := selfTest(context.Background(), testOptions(t, fsys), nil, &out, &errs)
	assert.Equal(t, 0, code, out.String())
	assert.Equal(t, totals{scenarios: 1, passed: 1}, parseTotals(t, out.String()))
	assert.Contains(t, out.String(), "WARNING (SHOULD) A genuine notification is not refused (REQ-TEST-003): the merchant should refuse the notification with INVALID_SIGNATURE")
}

// testOptions runs the features of fsys in a fixed order, reports into a temporary folder.
func testOptions(t *testing.T, fsys fs.FS) suiteOptions {
	return suiteOptions{format: "progress", seed: 1, features: fsys, noColor: true, reportDir: t.TempDir(), wait: steps.DefaultWait}
}

// TestNothingMatches: a run that checked nothing is not a pass.
func TestNothingMatches(t *testing.T) {
	var out, errs bytes.Buffer
	code := Run(context.Background(), []string{"--tags", "@REQ-NONE-999", "--report-dir", t.TempDir()}, &out, &errs)
	assert.Equal(t, exitUsage, code, out.String())
	assert.Contains(t, errs.String(), "no scenario matches @REQ-NONE-999")
}

func TestUsage(t *testing.T) {
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"verify-everything"}, 2, `unknown command "verify-everything"`},
		{[]string{"verify-wallet"}, 2, "--wallet-url is required"},
		{[]string{"verify-merchant"}, 2, "--merchant-url is required"},
		{[]string{"verify-wallet", "--wallet-url", "ftp://x"}, 2, "want an absolute http(s) URL"},
		{[]string{"verify-wallet", "--wallet-url", "http://127.0.0.1:1", "--profile", "kit:reference-merchant"}, 2, "describes a merchant"},
		{[]string{"verify-merchant", "--merchant-url", "http://127.0.0.1:1", "--profile", "kit:nope"}, 2, "no such profile"},
		{[]string{"verify-merchant", "--merchant-url", "http://127.0.0.1:1", "--merchant-public-key", "/nonexistent.pem"}, 2, "--merchant-public-key"},
		{[]string{"reference-merchant"}, 2, "--wallet-url is required"},
		{[]string{"wallet-mock", "--defect", "everything"}, 2, `--defect "everything"`},
		{[]string{"reference-merchant", "--defect", "everything"}, 2, `--defect "everything"`},
		{[]string{"run", "--expected-failures", "/nonexistent.json"}, 2, "--expected-failures"},
		{[]string{"--nope"}, 2, "flag provided but not defined"},
		{[]string{"run", "--format", "json"}, 2, `--format "json"`},
		{[]string{"--tags", "@a && "}, 2, "--tags"},
		{[]string{"--tags", "wallet"}, 2, "--tags"},
		{[]string{"--seed", "soon"}, 2, "--seed"},
		{[]string{"run", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"help"}, 0, ""},
		{[]string{"-h"}, 0, ""},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errs bytes.Buffer
			code := Run(context.Background(), tc.args, &out, &errs)
			assert.Equal(t, tc.code, code)
			assert.Contains(t, errs.String(), tc.want)
			assert.Contains(t, out.String()+errs.String(), "usage: tradepaykit")
			assert.NotContains(t, out.String(), "listening on", "nothing started")
			assert.NotContains(t, out.String(), "self-test:", "nothing ran")
		})
	}
}

// TestReferenceMerchantListsItsDefects: --list-defects prints the merchant's catalog as JSON
// and starts nothing.
func TestReferenceMerchantListsItsDefects(t *testing.T) {
	var out, errs bytes.Buffer
	code := Run(context.Background(), []string{"reference-merchant", "--list-defects"}, &out, &errs)
	require.Equal(t, exitPass, code, errs.String())
	var catalog []defectEntry
	require.NoError(t, json.Unmarshal(out.Bytes(), &catalog), out.String())
	assert.GreaterOrEqual(t, len(catalog), 30)
	for _, d := range catalog {
		assert.NotEmpty(t, d.Name)
		assert.Regexp(t, `^REQ-`, d.Requirement, d.Name)
		assert.NotEmpty(t, d.What, d.Name)
	}
	assert.NotContains(t, out.String(), "listening on", "nothing started")
}

var reportsLine = regexp.MustCompile(`(?m)^reports: (\S+)/report\.html, `)

// readReport reads a report file from the folder the run's summary names.
func readReport(t *testing.T, out, name string) string {
	t.Helper()
	m := reportsLine.FindStringSubmatch(out)
	require.NotNil(t, m, "no reports line in the output:\n%s", out)
	b, err := os.ReadFile(filepath.Join(m[1], name))
	require.NoError(t, err)
	return string(b)
}
