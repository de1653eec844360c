package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOrderStrPayTimeoutsWaitedForInRealTime: a bare wallet, without clock control, has its
// orderStr pay_timeouts (one minute at least) checked in real time once its profile's
// realTimeWaitLimit allows the wait (issue 16, item 5): the correct mock passes both
// scenarios, and a mock that ignores a freeze orderStr's pay_timeout fails REQ-PRE-012. With
// the default limit both are skipped, naming the field that allows them. Each run waits a
// minute, so the test runs with the kill test (make mutants), not in make test.
func TestOrderStrPayTimeoutsWaitedForInRealTime(t *testing.T) {
	if !*mutants {
		t.Skip("waits a minute in real time: run by make mutants (-mutants)")
	}
	t.Parallel()
	bare, err := os.ReadFile("../fixtures/profiles/wallet-bare.json")
	require.NoError(t, err)
	var prof map[string]any
	require.NoError(t, json.Unmarshal(bare, &prof))
	prof["realTimeWaitLimit"] = "90s"
	raw, err := json.Marshal(prof)
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "wallet.json")
	require.NoError(t, os.WriteFile(file, raw, 0o600))

	const general = "An orderStr not paid within its pay_timeout is closed, waited for in real time (REQ-GEN-014)"
	const freeze = "A freeze orderStr not authorized within its pay_timeout is closed, waited for in real time (REQ-PRE-012)"
	for _, tc := range []struct {
		name, profile, defect string
		code                  int
		says                  []string
	}{
		{name: "correct wallet, 90s allowed", profile: file, code: exitPass,
			says: []string{"total: 4 scenarios, 2 passed, 0 failed, 2 skipped", "PASS: 2 of 2 MUST requirements checked"}},
		{name: "freeze pay_timeout ignored, 90s allowed", profile: file, defect: "freeze-orderstr-pay-timeout-ignored", code: exitFail,
			says: []string{"FAILED " + freeze, "requirements failed: REQ-PRE-012"}},
		{name: "correct wallet, default limit", profile: "kit:wallet-bare", code: exitPass,
			says: []string{"  - " + general, "  - " + freeze, `the profile's realTimeWaitLimit allows it with "1m30s" or more`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := []string{"wallet-mock", "--listen", "127.0.0.1:0", "--profile", "kit:wallet-bare"}
			if tc.defect != "" {
				args = append(args, "--defect", tc.defect)
			}
			wallet := startParty(t, args...)
			r := verify(t, nil, "verify-wallet", "--wallet-url", wallet.url, "--profile", tc.profile, "--pact", "false",
				"--tags", "@flow-orderStr && @REQ-GEN-014,@REQ-PRE-012")
			require.Equal(t, tc.code, r.code, r.String())
			for _, line := range tc.says {
				assert.Contains(t, r.stdout, line)
			}
		})
	}
}

// TestReportDirWithACommaWorks: godog splits its format option on commas, so a report
// directory whose path holds one used to fail every run with "unregistered formatter name".
func TestReportDirWithACommaWorks(t *testing.T) {
	t.Parallel()
	wallet := startParty(t, "wallet-mock", "--listen", "127.0.0.1:0")
	// verify writes into a t.TempDir(), which carries the subtest's name, comma included.
	t.Run("sandbox, run 1", func(t *testing.T) {
		r := verify(t, nil, "verify-wallet", "--wallet-url", wallet.url, "--profile", "kit:wallet-mock", "--pact", "false",
			"--tags", "@REQ-GEN-018")
		require.Contains(t, r.reportDir, ",")
		require.Equal(t, exitPass, r.code, r.String())
		for _, name := range []string{"report.html", "junit.xml", "cucumber.json"} {
			assert.FileExists(t, filepath.Join(r.reportDir, name))
		}
		left, err := filepath.Glob(filepath.Join(r.reportDir, ".cucumber-pass-*"))
		require.NoError(t, err)
		assert.Empty(t, left)
	})
}
