package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/wallet"
)

// The external path, end to end: the tradepaykit binary runs the kit's wallet mock and
// reference merchant as separate processes, and verify-wallet and verify-merchant run
// against them over HTTP, as a vendor or a merchant would run them against their systems.

// kitBinary is the tradepaykit binary the process tests run: this test binary itself, under
// the name tradepaykit (a symbolic link), or under the race detector a binary TestMain builds.
var kitBinary string

// kitName is the name the process tests start this test binary under: started so, it runs
// the kit's command (main) instead of the tests.
const kitName = "tradepaykit"

// TestMain runs the kit's command when this binary was started as kitName; otherwise it
// links kitName to this binary and runs the tests. The test binary holds every line of the
// command and was built with the same tags, so it verifies the pacts exactly when this test
// does, and no second build of the command (a compile of this package and a cgo link) is
// needed. Under the race detector the command is built apart, without it: there a party
// instrumented by the detector would answer several times slower than the real time rules
// the tests check allow.
func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) == kitName {
		main()
	}
	dir, err := os.MkdirTemp("", "tradepaykit-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	kitBinary = filepath.Join(dir, kitName)
	if err := linkKitBinary(kitBinary); err != nil {
		fmt.Fprintf(os.Stderr, "tradepaykit for the process tests: %v\n", err)
		_ = os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// linkKitBinary makes path start the kit's command: a symbolic link to this test binary, or
// under the race detector a build of the command without it.
func linkKitBinary(path string) error {
	if !raceEnabled {
		self, err := os.Executable()
		if err != nil {
			return err
		}
		return os.Symlink(self, path)
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	build := exec.Command(goTool, "build", "-tags", buildTags, "-o", path, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building it: %w", err)
	}
	return nil
}

// party is a wallet-mock or reference-merchant process.
type party struct {
	cmd *exec.Cmd
	url string
	mu  sync.Mutex
	out bytes.Buffer // everything it printed
}

var listeningLine = regexp.MustCompile(`listening on (http://\S+)$`)

// startParty starts a party process and waits until it prints the URL it bound. At cleanup
// it is stopped with SIGTERM and must exit 0.
func startParty(t *testing.T, args ...string) *party {
	t.Helper()
	return startPartyOf(t, kitBinary, nil, nil, args...)
}

// startPartyWith is startParty with files the process inherits as fd 3, 4, ... (a listener
// bound by the test: --listen fd:3).
func startPartyWith(t *testing.T, extra []*os.File, args ...string) *party {
	t.Helper()
	return startPartyOf(t, kitBinary, nil, extra, args...)
}

// startPartyOf is startParty with another binary, unless nil another environment, and files
// the process inherits as fd 3, 4, ...
func startPartyOf(t *testing.T, bin string, env []string, extra []*os.File, args ...string) *party {
	t.Helper()
	p := &party{cmd: exec.Command(bin, args...)}
	p.cmd.Env = env
	p.cmd.ExtraFiles = extra
	stdout, err := p.cmd.StdoutPipe()
	require.NoError(t, err)
	p.cmd.Stderr = &lockedWriter{p: p}
	require.NoError(t, p.cmd.Start())
	urls := make(chan string, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.out.WriteString(line + "\n")
			p.mu.Unlock()
			if m := listeningLine.FindStringSubmatch(line); m != nil {
				select {
				case urls <- m[1]:
				default:
				}
			}
		}
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		exited := make(chan error, 1)
		go func() { <-done; exited <- p.cmd.Wait() }()
		select {
		case err := <-exited:
			assert.NoError(t, err, "%s stops cleanly on SIGTERM; it printed:\n%s", args[0], p.output())
			assert.Contains(t, p.output(), "stopping")
		case <-time.After(15 * time.Second):
			_ = p.cmd.Process.Kill()
			t.Errorf("%s did not stop within 15s of SIGTERM", args[0])
		}
	})
	select {
	case p.url = <-urls:
	case <-done:
		t.Fatalf("%s exited before it listened:\n%s", args[0], p.output())
	case <-time.After(20 * time.Second):
		t.Fatalf("%s did not print its URL within 20s:\n%s", args[0], p.output())
	}
	return p
}

func (p *party) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

type lockedWriter struct{ p *party }

func (w *lockedWriter) Write(b []byte) (int, error) {
	w.p.mu.Lock()
	defer w.p.mu.Unlock()
	return w.p.out.Write(b)
}

// result is what a verify process did.
type result struct {
	code      int
	stdout    string
	stderr    string
	reportDir string
	elapsed   time.Duration
}

func (r result) String() string {
	return fmt.Sprintf("exit %d after %s\nstdout:\n%s\nstderr:\n%s", r.code, r.elapsed.Round(time.Millisecond), r.stdout, r.stderr)
}

func (r result) file(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(r.reportDir, name))
	require.NoError(t, err, "report %s", name)
	return string(b)
}

// verify runs the binary with args and a fresh --report-dir; extra files are inherited as
// descriptors 3, 4, ...
func verify(t *testing.T, extra []*os.File, args ...string) result {
	t.Helper()
	return verifyWithin(t, 3*time.Minute, extra, args...)
}

// verifyWithin is verify, with the process killed after within.
func verifyWithin(t *testing.T, within time.Duration, extra []*os.File, args ...string) result {
	t.Helper()
	return verifyWith(t, kitBinary, nil, within, extra, args...)
}

// verifyWith is verifyWithin with another binary and, unless nil, another environment.
func verifyWith(t *testing.T, bin string, env []string, within time.Duration, extra []*os.File, args ...string) result {
	t.Helper()
	r := result{reportDir: t.TempDir()}
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append(args, "--report-dir", r.reportDir)...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr, cmd.ExtraFiles = &stdout, &stderr, extra
	start := time.Now()
	err := cmd.Run()
	r.elapsed = time.Since(start)
	r.stdout, r.stderr = stdout.String(), stderr.String()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	default:
		require.NoError(t, err, "running %v", args)
	}
	t.Logf("%s %s: exit %d in %s", args[0], strings.Join(args[1:3], " "), r.code, r.elapsed.Round(time.Millisecond))
	return r
}

// walletListener binds a loopback port for the kit's wallet in verify-merchant before the
// merchant starts: the merchant is configured with its URL, and the verify process inherits
// the bound socket (--wallet-listen fd:3), so no port is ever guessed.
func walletListener(t *testing.T) (*os.File, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	f, err := ln.(*net.TCPListener).File()
	require.NoError(t, err)
	require.NoError(t, ln.Close())
	t.Cleanup(func() { _ = f.Close() })
	return f, "http://" + ln.Addr().String()
}

// junit is the part of junit.xml the tests read.
type junit struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Skipped  int `xml:"skipped,attr"`
	Suites   []struct {
		Name  string `xml:"name,attr"`
		Cases []struct {
			Name    string `xml:"name,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func readJUnit(t *testing.T, r result) junit {
	t.Helper()
	var j junit
	require.NoError(t, xml.Unmarshal([]byte(r.file(t, "junit.xml")), &j), "junit.xml is XML")
	return j
}

// failuresNaming returns the failure texts of the test cases whose failure type names req.
func (j junit) failuresNaming(req string) []string {
	var out []string
	for _, s := range j.Suites {
		for _, c := range s.Cases {
			if c.Failure != nil && strings.Contains(c.Failure.Type, req) {
				out = append(out, c.Name+"\n"+c.Failure.Message+"\n"+c.Failure.Text)
			}
		}
	}
	return out
}

// htmlFailure returns the HTML report's failure section about req.
func htmlFailure(t *testing.T, html, req string) string {
	t.Helper()
	i := strings.Index(html, "<h2>Failures")
	require.GreaterOrEqual(t, i, 0, "the HTML report has a failures section")
	section := html[i:]
	if j := strings.Index(section, "<h2>Contracts"); j > 0 {
		section = section[:j]
	}
	k := strings.Index(section, "<h3>"+req)
	require.GreaterOrEqual(t, k, 0, "the HTML report has a failure of %s", req)
	end := strings.Index(section[k:], `<div class="failure"`)
	if end < 0 {
		return section[k:]
	}
	return section[k : k+end]
}

// notifyListener binds a loopback port for the kit's merchant in verify-wallet before the
// wallet starts, so that the wallet can have its notify URL registered (wallet-mock
// --notify-url); the verify process inherits the socket (--notify-listen fd:3).
func notifyListener(t *testing.T) (*os.File, string) {
	f, base := walletListener(t)
	return f, base + "/v1/payments/notifyPayment"
}

func TestVerifyWalletAgainstTheWalletMockProcess(t *testing.T) {
	t.Parallel()
	ln, notifyURL := notifyListener(t)
	wallet := startParty(t, "wallet-mock", "--listen", "127.0.0.1:0", "--notify-timeout", "2s", "--notify-url", notifyURL)
	r := verify(t, []*os.File{ln}, "verify-wallet", "--wallet-url", wallet.url, "--control-url", wallet.url, "--profile", "kit:wallet-mock",
		"--notify-listen", "fd:3", "--notify-url-registered")
	require.Equal(t, exitPass, r.code, r.String())

	got := parseTotals(t, r.stdout)
	assert.Greater(t, got.scenarios, 150, "every @wallet scenario ran")
	// The mock's default schedule and validity are checked on its clock, not in real time.
	realTime := len(realTimeSkip.FindAllString(r.stdout, -1))
	assert.Equal(t, got.scenarios, got.passed+realTime)
	assert.Equal(t, realTime, got.skipped)
	assert.Contains(t, r.stdout, "notifications to    http://127.0.0.1:", "the notify address is printed")
	assert.NotContains(t, r.stdout, "@merchant && ", "only the wallet's scenarios")
	j := readJUnit(t, r)
	assert.Zero(t, j.Failures)
	assert.Equal(t, got.scenarios+pactCases(20), j.Tests, "a test case per scenario and per pact interaction")
	html := r.file(t, "report.html")
	assert.Contains(t, html, `<span class="badge verdict passed">PASS</span>`)
	assert.Contains(t, html, "REQ-GEN-001")
	if buildTags == "pact" {
		assert.Regexp(t, `(?m)^pact merchant-wallet\.json\s+20\s+20\s+0 `, r.stdout, "the merchant-wallet pact verified")
	}
}

func pactCases(n int) int {
	if buildTags == "pact" {
		return n
	}
	return 1 // the pact reported as not verified
}

// TestVerifyWalletWithTheVendorSample runs a wallet mock that serves the sample vendor
// profile (OpenAPI under /api/open) and verifies it with that profile: the path prefix
// comes from the profile, and the scenarios that need the kit's extensions are skipped and
// listed with the reason.
func TestVerifyWalletWithTheVendorSample(t *testing.T) {
	t.Parallel()
	wallet := startParty(t, "wallet-mock", "--listen", "127.0.0.1:0", "--notify-timeout", "2s", "--profile", "../fixtures/profiles/wallet-sample.json")
	r := verify(t, nil, "verify-wallet", "--wallet-url", wallet.url, "--profile", "../fixtures/profiles/wallet-sample.json", "--pact", "false")
	require.Equal(t, exitPass, r.code, r.String())
	assert.Contains(t, r.stdout, "wallet OpenAPI      "+wallet.url+"/api/open")
	got := parseTotals(t, r.stdout)
	assert.Positive(t, got.skipped)
	assert.Equal(t, got.scenarios, got.passed+got.skipped)
	assert.Regexp(t, `(?m)^SKIPPED \d+: the wallet offers no clock control$`, r.stdout)
	assert.Regexp(t, `(?m)^SKIPPED \d+: .*the wallet offers no kit extensions`, r.stdout)
	assert.Regexp(t, `(?m)^skip  REQ-GEN-014 `, r.stdout, "a progress line per skipped scenario")
	assert.Contains(t, r.stdout, "the target does not declare: ~@clock && ~@wallet-mock")
}

// TestVerifyWalletBare verifies the wallet mock as a wallet without any kit extension
// (kit:wallet-bare: a retry schedule and an authorization validity of seconds): the rules
// about time run in real time, the notifications are checked as the kit's merchant received
// them, and a correct wallet passes.
func TestVerifyWalletBare(t *testing.T) {
	t.Parallel()
	ln, notifyURL := notifyListener(t)
	wallet := startParty(t, "wallet-mock", "--listen", "127.0.0.1:0", "--notify-timeout", "2s", "--profile", "kit:wallet-bare", "--notify-url", notifyURL)
	r := verify(t, []*os.File{ln}, "verify-wallet", "--wallet-url", wallet.url, "--profile", "kit:wallet-bare",
		"--notify-listen", "fd:3", "--notify-url-registered", "--pact", "false", "--require-all")
	// Every MUST is checked on every flow of a wallet without extensions, but an orderStr's
	// pay_timeout (issue 16): a minute at least, longer than the bare profile lets a run wait
	// without clock control (TestOrderStrPayTimeoutsWaitedForInRealTime allows the wait).
	require.Equal(t, exitFail, r.code, "--require-all fails on the orderStr pay_timeout alone\n%s", r.String())
	assert.Regexp(t, `(?m)^FAIL: (\d+) of (\d+) MUST requirements checked; not checked: REQ-GEN-014 on orderStr, REQ-PRE-012 on orderStr pre-auth `+
		`\(an orderStr's pay_timeout of at least a minute is too long to wait for in real time \(the profile's realTimeWaitLimit allows it with "1m30s" or more\); `+
		`the wallet offers no clock control\) \(--require-all`,
		r.stdout, "only the orderStr pay_timeout left unchecked")
	got := parseTotals(t, r.stdout)
	assert.Equal(t, got.scenarios, got.passed+got.skipped, "no scenario failed")
	assert.Contains(t, r.stdout, "the target does not declare: ~@clock && ~@wallet-mock")
	for _, req := range []string{"REQ-WAL-001", "REQ-WAL-002", "REQ-WAL-003", "REQ-NTF-001", "REQ-PRE-008", "REQ-HOOK-W-003"} {
		assert.Regexp(t, `(?m)^ok    `+req+` `, r.stdout, "%s runs without extensions", req)
	}
	assert.NotRegexp(t, realTimeSkip, r.stdout, "the bare profile's schedule and validity are short enough for real time")
}

func TestVerifyWalletFailsAgainstAWalletThatDoesNotSign(t *testing.T) {
	t.Parallel()
	wallet := startParty(t, "wallet-mock", "--listen", "127.0.0.1:0", "--notify-timeout", "2s", "--defect", string(wallet.DefectUnsignedResponses))
	r := verify(t, nil, "verify-wallet", "--wallet-url", wallet.url, "--profile", "kit:wallet-mock")
	require.Equal(t, exitFail, r.code, r.String())
	assert.Regexp(t, `(?m)^FAIL  REQ-SIG-003 `, r.stdout)
	assert.Regexp(t, `(?m)^requirements failed: .*REQ-SIG-003`, r.stdout)

	failures := readJUnit(t, r).failuresNaming("REQ-SIG-003")
	require.NotEmpty(t, failures, "junit.xml names REQ-SIG-003")
	assert.Contains(t, failures[0], "signature missing")
	html := htmlFailure(t, r.file(t, "report.html"), "REQ-SIG-003")
	assert.Contains(t, html, "The wallet accepts every tolerated signing variant", "the requirement's text")
	assert.Contains(t, html, "Failed step:")
	assert.Contains(t, html, "signature missing", "what went wrong")
	assert.Contains(t, html, "/v1/payments/pay", "the exchange")
	if buildTags == "pact" {
		assert.Regexp(t, `(?m)^FAILED pact merchant-wallet\.json: pay: a general payment is accepted$`, r.stdout)
	}
}

// A wallet whose payment view reports notificationPending ends the wait for a notification
// that must not come as soon as it says nothing more will come; a wallet that notifies a
// merchant's cancel still fails, at once, and the message says how long the step watched.
func TestNotificationPendingEndsTheSettleWindowAndStillCatchesANotifiedCancel(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		defect string
		code   int
	}{{"", exitPass}, {string(wallet.DefectCancelNotifies), exitFail}} {
		t.Run("defect "+tc.defect, func(t *testing.T) {
			args := []string{"wallet-mock", "--listen", "127.0.0.1:0", "--notify-timeout", "2s"}
			if tc.defect != "" {
				args = append(args, "--defect", tc.defect)
			}
			wallet := startParty(t, args...)
			// The cancel scenarios: the wire ("the merchant receives no notification") and the
			// wallet's view ("the wallet has sent no notification").
			r := verify(t, nil, "verify-wallet", "--wallet-url", wallet.url, "--profile", "kit:wallet-mock", "--tags", "@REQ-GEN-013")
			require.Equal(t, tc.code, r.code, r.String())
			for _, name := range []string{"A merchant's cancel is not notified", "Cancelling a payment sends no notification"} {
				line := regexp.MustCompile(`(?m)^(ok   |FAIL ) REQ-GEN-013 +` + regexp.QuoteMeta(name) + ` \(\w+\.feature, ([0-9.]+)(ms|s)\)$`).FindStringSubmatch(r.stdout)
				require.NotNil(t, line, "the scenario %q in:\n%s", name, r.stdout)
				took, err := time.ParseDuration(line[2] + line[3])
				require.NoError(t, err)
				assert.Less(t, took, time.Second, "%q ends when the wallet says nothing is pending, not after its 2 s window", name)
			}
			if tc.code == exitFail {
				assert.Contains(t, r.stdout, "until the wallet reported no notification pending")
			}
		})
	}
}

func TestVerifyMerchantAgainstTheReferenceMerchantProcess(t *testing.T) {
	t.Parallel()
	ln, walletURL := walletListener(t)
	merchant := startParty(t, "reference-merchant", "--listen", "127.0.0.1:0", "--wallet-url", walletURL, "--follow-wallet-clock", walletURL)

	t.Run("every scenario", func(t *testing.T) {
		r := verify(t, []*os.File{ln}, "verify-merchant", "--merchant-url", merchant.url, "--wallet-listen", "fd:3",
			"--notify-timeout", "2s", "--profile", "kit:reference-merchant")
		require.Equal(t, exitPass, r.code, r.String())
		got := parseTotals(t, r.stdout)
		assert.Greater(t, got.scenarios, 100, "every @merchant scenario ran")
		assert.Equal(t, got.scenarios, got.passed)
		assert.Contains(t, r.stdout, "the kit's wallet      "+walletURL)
		if buildTags == "pact" {
			assert.Regexp(t, `(?m)^pact wallet-merchant\.json\s+6\s+6\s+0 `, r.stdout, "the wallet-merchant pact verified")
			assert.Contains(t, r.stdout, "note: the merchant's notify URL, learnt from an order: "+merchant.url+"/v1/payments/notifyPayment")
		}
		assert.Zero(t, readJUnit(t, r).Failures)
	})
	t.Run("the merchant sample profile", func(t *testing.T) {
		r := verify(t, []*os.File{ln}, "verify-merchant", "--merchant-url", merchant.url, "--wallet-listen", "fd:3",
			"--notify-timeout", "2s", "--profile", "kit:merchant-sample")
		require.Equal(t, exitPass, r.code, r.String())
		assert.Regexp(t, `(?m)^SKIPPED \d+: the target does not support pre-authorization$`, r.stdout)
		assert.Regexp(t, `(?m)^SKIPPED \d+: the target does not support the paymentUrl flow$`, r.stdout)
		if buildTags == "pact" {
			assert.Regexp(t, `(?m)^skip  pact wallet-merchant\.json: notifyPayment: AUTH_SUCCESS`, r.stdout, "the pre-authorization interaction is not verified")
		}
	})
}

func TestVerifyMerchantFailsAgainstAMerchantThatRejectsDuplicates(t *testing.T) {
	t.Parallel()
	ln, walletURL := walletListener(t)
	merchant := startParty(t, "reference-merchant", "--listen", "127.0.0.1:0", "--wallet-url", walletURL,
		"--follow-wallet-clock", walletURL, "--defect", "duplicate-notify-error")
	args := []string{"verify-merchant", "--merchant-url", merchant.url, "--wallet-listen", "fd:3", "--notify-timeout", "2s", "--profile", "kit:reference-merchant"}

	r := verify(t, []*os.File{ln}, args...)
	require.Equal(t, exitFail, r.code, r.String())
	assert.Regexp(t, `(?m)^requirements failed: REQ-IDEM-004, REQ-IDEM-005$`, r.stdout, "exactly the duplicate-notification requirements fail")
	failures := readJUnit(t, r).failuresNaming("REQ-IDEM-004")
	require.NotEmpty(t, failures, "junit.xml names REQ-IDEM-004")
	assert.Contains(t, failures[0], `actual  : "HTTP_500"`)
	html := htmlFailure(t, r.file(t, "report.html"), "REQ-IDEM-004")
	assert.Contains(t, html, "A duplicate notification, or 20 at once", "the requirement's text")
	assert.Contains(t, html, "the merchant acknowledges every delivery", "the failed step")
	assert.Contains(t, html, "wallet mock → merchant notify endpoint", "the notifications between the parties")
	assert.Contains(t, html, "duplicate key value violates unique constraint", "the merchant's answer")
	if buildTags == "pact" {
		assert.Regexp(t, `(?m)^FAILED pact wallet-merchant\.json: notifyPayment: a duplicate SUCCESS is acknowledged again$`, r.stdout)
	}

	t.Run("listed as expected failures", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "expected.json")
		require.NoError(t, os.WriteFile(file, []byte(`[
  {"id": "REQ-IDEM-004", "reason": "notify handler not idempotent yet", "ticket": "https://tracker.example/PAY-42"},
  {"id": "A notification replayed after the order was refunded changes nothing", "reason": "same bug", "ticket": "PAY-42"},
  {"id": "notifyPayment: a duplicate SUCCESS is acknowledged again", "reason": "same bug"},
  {"id": "A payer pays an order by tradeNO", "reason": "fixed last week"},
  {"id": "REQ-NOPE-001", "reason": "a typo"}
]`), 0o644))
		r := verify(t, []*os.File{ln}, append(args, "--expected-failures", file)...)
		require.Equal(t, exitPass, r.code, "known gaps do not fail the run\n%s", r.String())
		assert.Regexp(t, `(?m)^xfail REQ-IDEM-004 `, r.stdout)
		assert.Regexp(t, `(?m)^UNEXPECTED PASS A payer pays an order by tradeNO \(REQ-GEN-001\): fixed last week$`, r.stdout)
		assert.Contains(t, r.stdout, "EXPECTED FAILURE ENTRY MATCHED NOTHING: REQ-NOPE-001")
		j := readJUnit(t, r)
		assert.Zero(t, j.Failures, "expected failures are skips in junit.xml")
		html := r.file(t, "report.html")
		assert.Contains(t, html, "https://tracker.example/PAY-42")
		assert.Contains(t, html, "Unexpected passes")
	})
}

func TestVerifyUnreachableTargets(t *testing.T) {
	wallet := startParty(t, "wallet-mock", "--listen", "127.0.0.1:0")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := "http://" + ln.Addr().String()
	require.NoError(t, ln.Close())

	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"no wallet", []string{"verify-wallet", "--wallet-url", closed}, []string{"cannot reach the wallet OpenAPI at POST " + closed + "/v1/payments/inquiryPayment (--wallet-url)", "check:"}},
		{"wrong path prefix", []string{"verify-wallet", "--wallet-url", wallet.url + "/gateway"}, []string{"the wallet OpenAPI is not at POST " + wallet.url + "/gateway/v1/payments/inquiryPayment (--wallet-url): HTTP 404", "path prefix"}},
		{"no test control", []string{"verify-wallet", "--wallet-url", wallet.url, "--control-url", closed}, []string{"cannot reach the wallet test control", "(--control-url)"}},
		{"no merchant", []string{"verify-merchant", "--merchant-url", closed}, []string{"cannot reach the merchant test adapter at POST " + closed + "/conformance/orders (--merchant-url)"}},
		{"bad profile", []string{"verify-wallet", "--wallet-url", wallet.url, "--profile", "kit:merchant-sample"}, []string{"describes a merchant"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := verify(t, nil, tc.args...)
			assert.Equal(t, exitUsage, r.code, r.String())
			for _, w := range tc.want {
				assert.Contains(t, r.stderr, w)
			}
			assert.NotContains(t, r.stdout, "== pass", "no scenario ran")
		})
	}
}

func TestWalletMockListsItsDefects(t *testing.T) {
	out, err := exec.Command(kitBinary, "wallet-mock", "--list-defects").Output()
	require.NoError(t, err)
	var list []struct{ Name, Requirement, What string }
	require.NoError(t, json.Unmarshal(out, &list), string(out))
	assert.GreaterOrEqual(t, len(list), 40, "wallet defects")
	assert.Equal(t, len(wallet.Defects()), len(list))
	for _, d := range list {
		assert.NotEmpty(t, d.Name)
		assert.Regexp(t, `^REQ-`, d.Requirement, d.Name)
	}

	cmd := exec.Command(kitBinary, "wallet-mock", "--defect", "no-such-defect")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	assert.Equal(t, exitUsage, exit.ExitCode())
	assert.Contains(t, stderr.String(), `--defect "no-such-defect"`)
}
