package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/report"
)

const presetList = "the presets are kit, v1-alipay, v1-tng, v1-qi, v2"

// TestUnknownDialectExitsTwo: every command that speaks the OpenAPI takes --dialect, and an
// unknown preset, in the flag or in the profile, exits 2 listing the presets before anything
// starts.
func TestUnknownDialectExitsTwo(t *testing.T) {
	dir := t.TempDir()
	badProfile := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(badProfile, []byte(`{"dialect": "v9"}`), 0o644))
	badSwitch := filepath.Join(dir, "switch.json")
	require.NoError(t, os.WriteFile(badSwitch, []byte(`{"dialect": "v2", "refundApi": "refundNow"}`), 0o644))
	wallet := []string{"--wallet-url", "http://127.0.0.1:9"}
	reports := []string{"--report-dir", filepath.Join(dir, "reports")}
	for name, args := range map[string][]string{
		"run":                        append([]string{"run", "--dialect", "v3"}, reports...),
		"verify-wallet":              append(append([]string{"verify-wallet", "--dialect", "v3"}, wallet...), reports...),
		"verify-merchant":            append([]string{"verify-merchant", "--dialect", "v3", "--merchant-url", "http://127.0.0.1:9"}, reports...),
		"wallet-mock":                {"wallet-mock", "--dialect", "v3"},
		"reference-merchant":         append([]string{"reference-merchant", "--dialect", "v3"}, wallet...),
		"pact-provider":              append([]string{"pact-provider", "--provider", "wallet", "--dialect", "v3"}, wallet...),
		"verify-wallet, the profile": append(append([]string{"verify-wallet", "--profile", badProfile}, wallet...), reports...),
		"wallet-mock, the profile":   {"wallet-mock", "--profile", badProfile},
	} {
		var out, errs bytes.Buffer
		code := Run(context.Background(), args, &out, &errs)
		assert.Equal(t, exitUsage, code, "%s\n%s%s", name, out.String(), errs.String())
		assert.Contains(t, errs.String(), presetList, name)
	}
	var out, errs bytes.Buffer
	code := Run(context.Background(), append(append([]string{"verify-wallet", "--profile", badSwitch}, wallet...), reports...), &out, &errs)
	assert.Equal(t, exitUsage, code, errs.String())
	assert.Contains(t, errs.String(), `dialect switch refundApi: "refundNow" is not one of "refund", "refundApply"`)
}

// TestKitWalletMockProfileUnderAnotherPreset: kit:wallet-mock declares what the kit's mock does
// under the kit preset (AUTH_SUCCESS notified, several captures); under another preset the
// mock follows the preset, so those declarations give way to it instead of contradicting it.
func TestKitWalletMockProfileUnderAnotherPreset(t *testing.T) {
	prof, _, err := loadProfile("kit:wallet-mock", "wallet")
	require.NoError(t, err)
	_, d, err := withDialect(prof, "kit:wallet-mock", "")
	require.NoError(t, err)
	assert.Equal(t, "kit with overrides", d.Label(), "its declarations are a kit mock's")

	p, d, err := withDialect(prof, "kit:wallet-mock", "v2")
	require.NoError(t, err, "AUTH_SUCCESS is not declared under a paymentResult dialect")
	assert.Equal(t, "v2", d.Label())
	assert.Equal(t, fixtures.Notifications{}, p.Wallet().Notifications)
	assert.Equal(t, fixtures.CapturesSeveral, p.Wallet().Captures, "v2's several captures")

	p, d, err = withDialect(prof, "kit:wallet-mock", "v1-qi")
	require.NoError(t, err)
	assert.Equal(t, "v1-qi", d.Label())
	assert.Equal(t, fixtures.CapturesOne, p.Wallet().Captures)

	// A profile of the user's own that contradicts the preset is refused.
	prof.Name = "mine"
	_, _, err = withDialect(prof, "mine.json", "v2")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "notifications.authSuccess needs notifyOutcome paymentStatus")
}

// TestCoverageListsRequirementsNotApplicable: the terminal lists the requirements a dialect
// rules out apart, and --require-all passes with them.
func TestCoverageListsRequirementsNotApplicable(t *testing.T) {
	reason := "not applicable under v1-qi: the dialect allows one capture per authorization"
	r := &report.Run{Dialect: "v1-qi", RequireAll: true, Requirements: map[string]string{"REQ-PRE-006": "Captures.", "REQ-GEN-001": "Pay."}}
	r.Scenarios = []report.Scenario{
		{Name: "two captures", Requirements: []string{"REQ-PRE-006"}, Tags: []string{"@preauth"}, Status: report.Skipped, Reason: reason},
		{Name: "a payment", Requirements: []string{"REQ-GEN-001"}, Tags: []string{"@flow-tradeNO"}, Status: report.Passed},
	}
	var out bytes.Buffer
	printCoverage(&out, r)
	assert.Equal(t, "MUST requirements not applicable under the dialect v1-qi (1):\n  - REQ-PRE-006: "+reason+"\n"+
		"PASS: 1 of 2 MUST requirements checked; not applicable: REQ-PRE-006 ("+reason+")\n", out.String())
}

// TestWalletMockBannerShowsTheDialectsPaths: the mock's banner names its dialect, prints the
// dialect's paths, and the verify command it suggests speaks the same dialect.
func TestWalletMockBannerShowsTheDialectsPaths(t *testing.T) {
	t.Parallel()
	for preset, want := range map[string]string{
		"v2":     `/v2/payments/{pay,inquiryPayment,cancel,capture,refund,inquiryRefund}`,
		"v1-tng": `/acl/api/v1/payments/{pay,inquiryPayment,cancel,capture,refundApply,inquiryRefund}`,
	} {
		wallet := startParty(t, "wallet-mock", "--listen", "127.0.0.1:0", "--dialect", preset)
		require.Eventually(t, func() bool { return strings.Contains(wallet.output(), "Stop with Ctrl-C.") }, 10*time.Second, 10*time.Millisecond, "the whole banner")
		out := wallet.output()
		assert.Regexp(t, `(?m)^  dialect +`+regexp.QuoteMeta(preset)+` \(docs/dialects.md\)$`, out)
		assert.Regexp(t, `OpenAPI \(signed\) +POST `+regexp.QuoteMeta(wallet.url+want), out)
		assert.Regexp(t, `tradepaykit verify-wallet .* --dialect `+regexp.QuoteMeta(preset)+`\n`, out)
	}
	wallet := startParty(t, "wallet-mock", "--listen", "127.0.0.1:0", "--dialect", "v1-alipay")
	require.Eventually(t, func() bool { return strings.Contains(wallet.output(), "Stop with Ctrl-C.") }, 10*time.Second, 10*time.Millisecond, "the whole banner")
	assert.Contains(t, wallet.output(), "v1-alipay, partnerId "+dialect.DefaultPartnerID, "the partnerId it expects")

	// A notify URL registered on loopback: the suggested run listens there, so the
	// scenarios of an orderStr without notify_url run too.
	wallet = startParty(t, "wallet-mock", "--listen", "127.0.0.1:0", "--dialect", "v2", "--notify-url", "http://127.0.0.1:47013/v1/payments/notifyPayment")
	require.Eventually(t, func() bool { return strings.Contains(wallet.output(), "Stop with Ctrl-C.") }, 10*time.Second, 10*time.Millisecond, "the whole banner")
	assert.Regexp(t, `tradepaykit verify-wallet .* --dialect v2 --notify-listen 127\.0\.0\.1:47013 --notify-url-registered\n`, wallet.output())
}

// TestSelfTestPerPreset runs the whole suite on the kit's own parties speaking each preset
// but the kit's (TestSelfTest runs that one): nothing fails, the first line and the reports
// name the dialect, and the log says what the dialect ruled out and what was skipped.
func TestSelfTestPerPreset(t *testing.T) {
	for _, preset := range dialect.Presets() {
		if preset == dialect.Default {
			continue
		}
		t.Run(preset, func(t *testing.T) {
			dir := t.TempDir()
			var out, errs bytes.Buffer
			start := time.Now()
			code := Run(context.Background(), []string{"--dialect", preset, "--report-dir", dir}, &out, &errs)
			elapsed := time.Since(start)
			require.Equal(t, exitPass, code, "stdout:\n%s\nstderr:\n%s", out.String(), errs.String())
			assert.True(t, strings.HasPrefix(out.String(), "tradepaykit self-test, dialect "+preset+": "), out.String())
			got := parseTotals(t, out.String())
			assert.Zero(t, got.failed)
			html, err := os.ReadFile(filepath.Join(dir, "report.html"))
			require.NoError(t, err)
			assert.Contains(t, string(html), "<title>tradepaykit self-test (dialect "+preset+"): PASS</title>")
			junit, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
			require.NoError(t, err)
			assert.Contains(t, string(junit), `<testsuites name="tradepaykit self-test (dialect `+preset+`)"`)
			assert.NotContains(t, out.String(), "contracts not verified")

			notApplicable := regexp.MustCompile(`(?m)^skip .*\n\s+`+regexp.QuoteMeta(report.NotApplicablePrefix+preset)).FindAllString(out.String(), -1)
			t.Logf("%s: %d scenarios, %d passed, %d skipped (%d not applicable under it) in %s (wall time, machine shared)",
				preset, got.scenarios, got.passed, got.skipped, len(notApplicable), elapsed.Round(time.Millisecond))
			for _, line := range regexp.MustCompile(`(?m)^(SKIPPED \d+: .*|MUST requirements not applicable .*|  - .*)$`).FindAllString(out.String(), -1) {
				t.Log(line)
			}
		})
	}
}

// TestVerifyWalletInADialect: verify-wallet --dialect v2 against wallet-mock --dialect v2, both
// with the bare profile and the kit's notify URL registered: the run speaks and judges v2, no
// scenario fails, and --require-all leaves only what the bare profile leaves on every preset
// (an orderStr's pay_timeout needs a realTimeWaitLimit of 90s, TestVerifyWalletBare).
func TestVerifyWalletInADialect(t *testing.T) {
	t.Parallel()
	ln, notifyURL := notifyListener(t)
	wallet := startParty(t, "wallet-mock", "--listen", "127.0.0.1:0", "--notify-timeout", "2s", "--profile", "kit:wallet-bare", "--dialect", "v2", "--notify-url", notifyURL)
	r := verify(t, []*os.File{ln}, "verify-wallet", "--wallet-url", wallet.url, "--profile", "kit:wallet-bare", "--dialect", "v2",
		"--notify-listen", "fd:3", "--notify-url-registered", "--pact", "false", "--require-all")
	assert.Regexp(t, `^tradepaykit verify-wallet \S+, dialect v2\n`, r.stdout)
	got := parseTotals(t, r.stdout)
	assert.Zero(t, got.failed, r.String())
	assert.Greater(t, got.passed, 100, "the @wallet scenarios ran")
	require.Equal(t, exitFail, r.code, "--require-all fails on the orderStr pay_timeout alone\n%s", r.String())
	assert.Regexp(t, `(?m)^FAIL: \d+ of \d+ MUST requirements checked(; not applicable: [^\n]*)?; not checked: REQ-GEN-014 on orderStr, REQ-PRE-012 on orderStr pre-auth \(an orderStr's pay_timeout .*\) \(--require-all`,
		r.stdout, "only the orderStr pay_timeout left unchecked")
}

// TestVerifyMerchantInADialect: verify-merchant --dialect v1-tng against reference-merchant
// --dialect v1-tng, with the bare merchant profile: every MUST requirement is checked
// (--require-all), or ruled out by the dialect, and the run passes.
func TestVerifyMerchantInADialect(t *testing.T) {
	t.Parallel()
	ln, walletURL := walletListener(t)
	m := startParty(t, "reference-merchant", "--listen", "127.0.0.1:0", "--wallet-url", walletURL, "--follow-wallet-clock", walletURL, "--dialect", "v1-tng")
	r := verify(t, []*os.File{ln}, "verify-merchant", "--merchant-url", m.url, "--wallet-listen", "fd:3", "--notify-timeout", "2s",
		"--profile", "kit:merchant-bare", "--dialect", "v1-tng", "--pact", "false", "--require-all")
	require.Equal(t, exitPass, r.code, r.String())
	assert.Regexp(t, `^tradepaykit verify-merchant \S+, dialect v1-tng\n`, r.stdout)
	assert.Regexp(t, `(?m)^PASS: \d+ of \d+ MUST requirements checked`, r.stdout)
}
