package bench

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"
)

var (
	kitBinary = flag.String("kit", "", "the tradepaykit `binary` to time (make bench passes bin/tradepaykit)")
	runs      = flag.Int("runs", 3, "timed runs of each command, after one warm-up run")
)

// run is one timed process.
type run struct {
	wall, cpu time.Duration
	maxRSS    int64 // bytes
	stdout    string
}

func kit(b *testing.B) string {
	b.Helper()
	if *kitBinary == "" {
		b.Skip("pass -kit PATH, the tradepaykit binary to time (make bench does)")
	}
	return *kitBinary
}

// timeCommand runs the binary with args to completion and measures it; extra files are
// inherited as descriptors 3, 4, ...
func timeCommand(b *testing.B, extra []*os.File, args ...string) run {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, kit(b), append(args, "--report-dir", b.TempDir())...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr, cmd.ExtraFiles = &stdout, &stderr, extra
	start := time.Now()
	err := cmd.Run()
	r := run{wall: time.Since(start), stdout: stdout.String()}
	if err != nil {
		b.Fatalf("%v: %v\nstdout:\n%s\nstderr:\n%s", args, err, stdout.String(), stderr.String())
	}
	r.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = ru.Maxrss * 1024
	}
	return r
}

// timeRuns runs a command once to warm up, then *runs times, and returns the timed runs.
// command gives each run its arguments and inherited files, and may start the parties the
// run is against: a verify run moves its target's clock by days, so each run gets fresh ones.
func timeRuns(b *testing.B, command func(b *testing.B) (extra []*os.File, args []string, stop func())) []run {
	b.Helper()
	once := func() run {
		extra, args, stop := command(b)
		defer stop()
		return timeCommand(b, extra, args...)
	}
	once()
	var out []run
	for i := range *runs {
		r := once()
		b.Logf("run %d: wall %s, CPU %s, peak RSS %.0f MiB", i+1, r.wall.Round(time.Millisecond), r.cpu.Round(time.Millisecond), mib(r.maxRSS))
		out = append(out, r)
	}
	return out
}

func median(runs []run, of func(run) time.Duration) time.Duration {
	ds := make([]time.Duration, len(runs))
	for i, r := range runs {
		ds[i] = of(r)
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}

func wallOf(r run) time.Duration { return r.wall }
func cpuOf(r run) time.Duration  { return r.cpu }

func mib(bytes int64) float64 { return float64(bytes) / (1 << 20) }

var (
	totalLine      = regexp.MustCompile(`(?m)^total: (\d+) scenarios, (\d+) passed, (\d+) failed`)
	signaturesLine = regexp.MustCompile(`(?m)^signatures: (\d+) made, (\d+) reused .*, (\d+) verified$`)
	listeningLine  = regexp.MustCompile(`listening on (http://\S+)$`)
)

// numbers returns the integers a regexp captures in text.
func numbers(b *testing.B, re *regexp.Regexp, text string) []int {
	b.Helper()
	m := re.FindStringSubmatch(text)
	if m == nil {
		b.Fatalf("no line matching %s in:\n%s", re, text)
	}
	out := make([]int, len(m)-1)
	for i, s := range m[1:] {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		out[i] = n
	}
	return out
}

// startParty starts a wallet-mock or reference-merchant process and returns the URL it
// printed, and a function that stops it with SIGTERM.
func startParty(b *testing.B, args ...string) (string, func()) {
	b.Helper()
	cmd := exec.Command(kit(b), args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listeningLine.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case urls <- m[1]:
				default:
				}
			}
		}
	}()
	select {
	case u := <-urls:
		return u, stop
	case <-time.After(30 * time.Second):
		stop()
		b.Fatalf("%s printed no URL within 30s", args[0])
		return "", nil
	}
}

// BenchmarkSelfTest times `tradepaykit` (make run's command): every scenario and both
// contracts against the embedded parties.
func BenchmarkSelfTest(b *testing.B) {
	rs := timeRuns(b, func(*testing.B) ([]*os.File, []string, func()) { return nil, []string{"run"}, func() {} })
	last := rs[len(rs)-1]
	total := numbers(b, totalLine, last.stdout)
	if total[2] != 0 {
		b.Fatalf("the self-test failed:\n%s", last.stdout)
	}
	// A kit older than the signature memo prints no signature counts.
	sigs := []int{-1, -1, -1}
	if signaturesLine.MatchString(last.stdout) {
		sigs = numbers(b, signaturesLine, last.stdout)
	}
	wall, cpu := median(rs, wallOf), median(rs, cpuOf)
	var rss int64
	for _, r := range rs {
		rss = max(rss, r.maxRSS)
	}
	b.ReportMetric(wall.Seconds(), "wall-s")
	b.ReportMetric(cpu.Seconds(), "cpu-s")
	b.ReportMetric(float64(total[0])/wall.Seconds(), "scenarios/s")
	b.ReportMetric(float64(total[0]), "scenarios")
	b.ReportMetric(float64(sigs[0]), "signed/run")
	b.ReportMetric(float64(sigs[1]), "reused/run")
	b.ReportMetric(float64(sigs[2]), "verified/run")
	b.ReportMetric(mib(rss), "peak-RSS-MiB")
	fmt.Printf("self-test: %d scenarios, median of %d runs: wall %s, CPU %s, %.0f scenarios/s; signatures %d made, %d reused, %d verified; peak RSS %.0f MiB\n",
		total[0], len(rs), wall.Round(time.Millisecond), cpu.Round(time.Millisecond), float64(total[0])/wall.Seconds(), sigs[0], sigs[1], sigs[2], mib(rss))
}

// BenchmarkVerifyWallet times verify-wallet against a wallet-mock process.
func BenchmarkVerifyWallet(b *testing.B) {
	rs := timeRuns(b, func(b *testing.B) ([]*os.File, []string, func()) {
		url, stop := startParty(b, "wallet-mock", "--listen", "127.0.0.1:0", "--notify-timeout", "2s")
		return nil, []string{"verify-wallet", "--wallet-url", url, "--control-url", url, "--profile", "kit:wallet-mock"}, stop
	})
	reportVerify(b, "verify-wallet against the wallet-mock process", rs)
}

// BenchmarkVerifyMerchant times verify-merchant against a reference-merchant process.
func BenchmarkVerifyMerchant(b *testing.B) {
	rs := timeRuns(b, func(b *testing.B) ([]*os.File, []string, func()) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		f, err := ln.(*net.TCPListener).File()
		if err != nil {
			b.Fatal(err)
		}
		_ = ln.Close()
		walletURL := "http://" + ln.Addr().String()
		merchantURL, stop := startParty(b, "reference-merchant", "--listen", "127.0.0.1:0", "--wallet-url", walletURL, "--follow-wallet-clock", walletURL)
		return []*os.File{f}, []string{"verify-merchant", "--merchant-url", merchantURL, "--wallet-listen", "fd:3",
			"--notify-timeout", "2s", "--profile", "kit:reference-merchant"}, func() { stop(); _ = f.Close() }
	})
	reportVerify(b, "verify-merchant against the reference-merchant process", rs)
}

func reportVerify(b *testing.B, what string, rs []run) {
	last := rs[len(rs)-1]
	total := numbers(b, totalLine, last.stdout)
	if total[2] != 0 {
		b.Fatalf("%s failed:\n%s", what, last.stdout)
	}
	wall, cpu := median(rs, wallOf), median(rs, cpuOf)
	b.ReportMetric(wall.Seconds(), "wall-s")
	b.ReportMetric(cpu.Seconds(), "cpu-s")
	b.ReportMetric(float64(total[0]), "scenarios")
	fmt.Printf("%s: %d scenarios, median of %d runs: wall %s, CPU %s\n", what, total[0], len(rs), wall.Round(time.Millisecond), cpu.Round(time.Millisecond))
}
