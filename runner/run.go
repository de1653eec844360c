package main

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"

	"github.com/tradepaykit/tradepaykit/features"
	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/selftest"
	"github.com/tradepaykit/tradepaykit/steps"
)

// Exit codes (DESIGN.md, "The runner").
const (
	exitPass  = 0
	exitFail  = 1 // a scenario failed: a conformance failure
	exitUsage = 2 // bad usage, or the parties could not be reached or started
)

const usage = `usage: tradepaykit [run] [--tags EXPR] [--seed N] [--format pretty|progress]

Runs every scenario against the kit's own wallet mock and reference merchant (self-test).

  --tags EXPR     run only scenarios matching EXPR: "@a && ~@b", "@a,@b" (godog syntax)
  --seed N        replay the scenario order of an earlier run (0: the order as written)
  --format NAME   pretty or progress (default progress)

Exit status: 0 every scenario passed, 1 a scenario failed, 2 bad usage or no parties.
Other commands (verify-wallet, verify-merchant, wallet-mock) are not available yet.
`

// Run is the whole command: it parses args, runs, prints to stdout and stderr and returns
// the exit status. main only wires it to the process.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := "run"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "run":
		return runCommand(ctx, args, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return exitPass
	default:
		fmt.Fprintf(stderr, "tradepaykit: unknown command %q\n\n%s", cmd, usage)
		return exitUsage
	}
}

// runOptions are the flags of the run command.
type runOptions struct {
	tags    string
	seed    int64
	format  string
	noColor bool
	// features holds the *.feature files at its root; nil means the embedded features.
	features fs.FS
}

func parseRunFlags(args []string, stderr io.Writer) (runOptions, error) {
	var o runOptions
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	fs.StringVar(&o.tags, "tags", "", "")
	seed := fs.String("seed", "", "")
	fs.StringVar(&o.format, "format", "progress", "")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	switch o.format {
	case "pretty", "progress":
	default:
		return o, fmt.Errorf("--format %q: want pretty or progress", o.format)
	}
	if err := checkTags(o.tags); err != nil {
		return o, fmt.Errorf("--tags %q: %w", o.tags, err)
	}
	if *seed == "" {
		o.seed = newSeed()
	} else if _, err := fmt.Sscan(*seed, &o.seed); err != nil || fmt.Sprint(o.seed) != *seed {
		return o, fmt.Errorf("--seed %q: want an integer", *seed)
	}
	return o, nil
}

// checkTags refuses expressions godog's filter would crash on or silently misread: empty
// terms, terms that are not tags.
func checkTags(expr string) error {
	if strings.TrimSpace(expr) == "" {
		return nil
	}
	for _, and := range strings.Split(expr, "&&") {
		for _, term := range strings.Split(and, ",") {
			t := strings.TrimPrefix(strings.TrimSpace(term), "~")
			if !strings.HasPrefix(t, "@") || len(t) < 2 || strings.ContainsAny(t, " ()!|") {
				return fmt.Errorf("term %q is not a tag such as @wallet or ~@clock", strings.TrimSpace(term))
			}
		}
	}
	return nil
}

// newSeed returns a positive random seed: godog reads 0 as "do not shuffle".
func newSeed() int64 {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return time.Now().UnixNano()&(1<<62-1) | 1
	}
	return int64(binary.BigEndian.Uint64(b[:])>>2) | 1
}

func runCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	opts, err := parseRunFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitPass
	}
	if err != nil {
		fmt.Fprintf(stderr, "tradepaykit: %v\n\n%s", err, usage)
		return exitUsage
	}
	opts.noColor = !isTerminal(stdout)
	return selfTest(ctx, opts, stdout, stderr)
}

// selfTest starts the embedded parties and runs the suite against them.
func selfTest(ctx context.Context, opts runOptions, stdout, stderr io.Writer) int {
	if opts.features == nil {
		opts.features = features.FS
	}
	start := time.Now()
	parties, err := selftest.Start(selftest.Options{})
	if err != nil {
		fmt.Fprintf(stderr, "tradepaykit: cannot start the embedded parties: %v\n", err)
		return exitUsage
	}
	defer parties.Close()
	fmt.Fprintf(stdout, "tradepaykit self-test: wallet mock %s, reference merchant %s\n", parties.WalletURL(), parties.MerchantURL())
	if opts.seed != 0 {
		fmt.Fprintf(stdout, "scenario order: seed %d (replay with --seed %d)\n", opts.seed, opts.seed)
	}

	// Idle keep-alive connections to the parties are dropped before the parties close, so
	// their graceful shutdown has nothing to wait for.
	httpClient := &http.Client{Timeout: 30 * time.Second}
	defer httpClient.CloseIdleConnections()
	targets := steps.Targets{
		HTTPClient:      httpClient,
		WalletURL:       parties.WalletURL(),
		ControlURL:      parties.ControlURL(),
		MerchantURL:     parties.MerchantURL(),
		ClientID:        fixtures.ClientID,
		AppID:           parties.AppID,
		MerchantKey:     fixtures.PrivateKey(fixtures.MerchantPrivateKey),
		WalletPublicKey: fixtures.PublicKey(fixtures.WalletPublicKey),
		WalletKey:       fixtures.PrivateKey(fixtures.WalletPrivateKey),
		Profile:         fixtures.DefaultWalletProfile(),
		Capabilities:    steps.Capabilities{Clock: true, WalletMock: true, ReferenceMerchant: true},
	}
	results := runSuite(ctx, targets, opts, stdout)
	printSummary(stdout, results, time.Since(start))
	for _, r := range results {
		if !r.ok() {
			return exitFail
		}
	}
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "tradepaykit: interrupted")
		return exitFail
	}
	return exitPass
}

// pass is one godog run over the features.
type pass struct {
	name        string
	tags        string
	concurrency int
}

// passResult is what a pass did.
type passResult struct {
	pass
	status                  int // godog's exit status
	passed, failed, skipped int
	failures                []string
	warnings                []string // SHOULD rules a party did not follow, per scenario
	elapsed                 time.Duration
}

func (r passResult) total() int { return r.passed + r.failed + r.skipped }

func (r passResult) ok() bool { return r.status == 0 && r.failed == 0 }

// passes splits the run: @clock scenarios move the wallet's one business clock, so they run
// after the others and one at a time; everything else runs concurrently.
func passes(userTags string) []pass {
	concurrency := runtime.NumCPU() * 2
	if concurrency < 4 {
		concurrency = 4
	}
	and := func(t string) string {
		if strings.TrimSpace(userTags) == "" {
			return t
		}
		return userTags + " && " + t
	}
	return []pass{
		{name: "concurrent", tags: and("~" + steps.TagClock), concurrency: concurrency},
		{name: steps.TagClock + ", one at a time", tags: and(steps.TagClock), concurrency: 1},
	}
}

func runSuite(ctx context.Context, targets steps.Targets, opts runOptions, stdout io.Writer) []passResult {
	initialize := steps.Initialize(targets)
	var results []passResult
	for _, p := range passes(opts.tags) {
		if ctx.Err() != nil {
			break
		}
		fmt.Fprintf(stdout, "\n== pass %q: %s\n", p.name, p.tags)
		results = append(results, runPass(ctx, p, initialize, opts, stdout))
	}
	return results
}

func runPass(ctx context.Context, p pass, initialize func(*godog.ScenarioContext), opts runOptions, stdout io.Writer) passResult {
	res := passResult{pass: p}
	var mu sync.Mutex
	start := time.Now()
	res.status = godog.TestSuite{
		Name: "tradepaykit",
		ScenarioInitializer: func(sc *godog.ScenarioContext) {
			initialize(sc)
			sc.After(func(ctx context.Context, s *godog.Scenario, err error) (context.Context, error) {
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err != nil && !errors.Is(err, godog.ErrSkip):
					res.failed++
					res.failures = append(res.failures, fmt.Sprintf("%s (%s) %s", s.Name, requirements(s), s.Uri))
				case steps.Skipped(ctx) != "" || errors.Is(err, godog.ErrSkip):
					res.skipped++
				default:
					res.passed++
				}
				for _, w := range steps.Warnings(ctx) {
					res.warnings = append(res.warnings, fmt.Sprintf("%s (%s): %s", s.Name, requirements(s), w))
				}
				return ctx, nil
			})
		},
		Options: &godog.Options{
			Format:         opts.format,
			FS:             opts.features,
			Paths:          []string{"."},
			Tags:           p.tags,
			Strict:         true,
			Randomize:      opts.seed,
			Concurrency:    p.concurrency,
			Output:         stdout,
			NoColors:       opts.noColor,
			DefaultContext: ctx,
		},
	}.Run()
	res.elapsed = time.Since(start)
	sort.Strings(res.failures)
	sort.Strings(res.warnings)
	return res
}

func requirements(s *godog.Scenario) string {
	var reqs []string
	for _, t := range s.Tags {
		if strings.HasPrefix(t.Name, "@REQ-") {
			reqs = append(reqs, strings.TrimPrefix(t.Name, "@"))
		}
	}
	if len(reqs) == 0 {
		return "no requirement"
	}
	return strings.Join(reqs, ", ")
}

func printSummary(w io.Writer, results []passResult, elapsed time.Duration) {
	fmt.Fprintln(w, "\n== summary")
	var total passResult
	for _, r := range results {
		fmt.Fprintf(w, "pass %-22q %3d scenarios: %3d passed, %d failed, %d skipped  (%d at a time, %s)\n",
			r.name, r.total(), r.passed, r.failed, r.skipped, r.concurrency, r.elapsed.Round(time.Millisecond))
		total.passed += r.passed
		total.failed += r.failed
		total.skipped += r.skipped
		total.failures = append(total.failures, r.failures...)
		total.warnings = append(total.warnings, r.warnings...)
		if r.status != 0 && r.failed == 0 {
			// godog failed without a scenario failing: a parse error or an unknown format.
			fmt.Fprintf(w, "pass %q: godog exited with status %d\n", r.name, r.status)
			total.status = r.status
		}
	}
	for _, f := range total.failures {
		fmt.Fprintf(w, "FAILED %s\n", f)
	}
	// A SHOULD rule not followed is reported, not failed (PROTOCOL.md, "Settled details").
	for _, warning := range total.warnings {
		fmt.Fprintf(w, "WARNING (SHOULD) %s\n", warning)
	}
	verdict := "PASS"
	if total.failed > 0 || total.status != 0 {
		verdict = "FAIL"
	}
	fmt.Fprintf(w, "total: %d scenarios, %d passed, %d failed, %d skipped in %s: %s\n",
		total.total(), total.passed, total.failed, total.skipped, elapsed.Round(time.Millisecond), verdict)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
