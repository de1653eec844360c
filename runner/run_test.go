package main

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var totalLine = regexp.MustCompile(`(?m)^total: (\d+) scenarios, (\d+) passed, (\d+) failed, (\d+) skipped in .*: (PASS|FAIL)$`)

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
	code := Run(context.Background(), nil, &out, &errs)
	elapsed := time.Since(start)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out.String(), errs.String())

	got := parseTotals(t, out.String())
	assert.GreaterOrEqual(t, got.scenarios, 25, "scenarios run")
	assert.Equal(t, got.scenarios, got.passed, "every scenario passes")
	assert.Zero(t, got.skipped, "the embedded parties offer every capability")
	assert.Contains(t, out.String(), "replay with --seed")
	assert.Contains(t, out.String(), `pass "@clock, one at a time"`)
	assert.NotContains(t, out.String(), "WARNING", "the kit's own parties follow every SHOULD rule")
	t.Logf("self-test: %d scenarios in %s", got.scenarios, elapsed.Round(time.Millisecond))
}

func TestTagsSelectScenarios(t *testing.T) {
	var out, errs bytes.Buffer
	code := Run(context.Background(), []string{"run", "--tags", "@REQ-GEN-017", "--seed", "42"}, &out, &errs)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out.String(), errs.String())
	assert.Equal(t, totals{scenarios: 1, passed: 1}, parseTotals(t, out.String()))
	assert.Contains(t, out.String(), "seed 42 (replay with --seed 42)")
}

func TestClockScenariosRunInTheSecondPass(t *testing.T) {
	var out, errs bytes.Buffer
	code := Run(context.Background(), []string{"--tags", "@REQ-GEN-014", "--format", "pretty"}, &out, &errs)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out.String(), errs.String())
	text := out.String()
	first, second := strings.Index(text, `== pass "concurrent"`), strings.Index(text, `== pass "@clock, one at a time"`)
	require.True(t, first >= 0 && second > first, text)
	assert.NotContains(t, text[first:second], "Scenario:", "no @clock scenario in the concurrent pass")
	assert.Contains(t, text[second:], "Scenario: A payment not completed by its deadline is closed")
	assert.Equal(t, 3, parseTotals(t, text).passed)
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
	code := selfTest(context.Background(), runOptions{format: "progress", seed: 1, features: fsys, noColor: true}, &out, &errs)
	assert.Equal(t, 1, code, out.String())
	assert.Equal(t, totals{scenarios: 2, failed: 2}, parseTotals(t, out.String()))
	assert.Contains(t, out.String(), "FAILED A new order is not paid yet (REQ-TEST-001)")
	assert.Contains(t, out.String(), "FAILED A sentence nobody defined (REQ-TEST-002)")
	assert.Contains(t, out.String(), "requirement REQ-TEST-001 failed", "the failure names the requirement")
	assert.Contains(t, out.String(), "POST http://127.0.0.1:", "the failure shows the exchanges")
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
	code := selfTest(context.Background(), runOptions{format: "progress", seed: 1, features: fsys, noColor: true}, &out, &errs)
	assert.Equal(t, 0, code, out.String())
	assert.Equal(t, totals{scenarios: 1, passed: 1}, parseTotals(t, out.String()))
	assert.Contains(t, out.String(), "WARNING (SHOULD) A genuine notification is not refused (REQ-TEST-003): the merchant should refuse the notification with INVALID_SIGNATURE")
}

func TestUsage(t *testing.T) {
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"verify-wallet"}, 2, `unknown command "verify-wallet"`},
		{[]string{"wallet-mock"}, 2, `unknown command "wallet-mock"`},
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
			assert.NotContains(t, out.String(), "self-test:", "nothing ran")
		})
	}
}
