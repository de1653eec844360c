package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"

	"github.com/tradepaykit/tradepaykit/features"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/profile"
	"github.com/tradepaykit/tradepaykit/internal/report"
	"github.com/tradepaykit/tradepaykit/internal/selection"
	"github.com/tradepaykit/tradepaykit/steps"
)

// suiteFlags are the flags every run of the scenarios shares.
type suiteFlags struct {
	tags         string
	seed         string
	format       string
	reportDir    string
	expectedFile string
	concurrency  int
	wait         time.Duration
	pact         string
	timeLimit    time.Duration
	requireAll   bool
	pactCLI      string
	dialect      *string
}

func (f *suiteFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.tags, "tags", "", "run only the scenarios matching `EXPR`: \"@REQ-GEN-001\", \"@a && ~@b\", \"@a,@b\" (godog syntax)")
	fs.StringVar(&f.seed, "seed", "", "replay the scenario order of an earlier run (`N`; 0: the order as written; default random, printed)")
	fs.StringVar(&f.format, "format", "progress", "`progress`: one line per scenario; pretty: also every step as godog prints it")
	fs.StringVar(&f.reportDir, "report-dir", "reports", "write report.html, junit.xml and cucumber.json to `DIR`")
	fs.StringVar(&f.expectedFile, "expected-failures", "", "known gaps: a JSON `FILE` of [{\"id\", \"reason\", \"ticket\"}]; id is a requirement id, a scenario name or a pact interaction")
	fs.IntVar(&f.concurrency, "concurrency", 0, "scenarios at once in the first pass (`N`; 0: twice the CPUs, at least 8, and 32 in the self-test); @clock scenarios then run one at a time (the self-test: 4 at once, alongside the first pass, each on parties of its own)")
	fs.StringVar(&f.pact, "pact", "", "verify the Pact contracts too (`true` or false; default true, false when --tags selects scenarios)")
	fs.DurationVar(&f.wait, "wait", steps.DefaultWait, "how long a step waits for an outcome (a notification, an order settling) before it fails")
	fs.DurationVar(&f.timeLimit, "time-limit", DefaultTimeLimit, "stop the run after `D`: the scenarios not finished fail and the run exits 1 (0: no limit)")
	fs.BoolVar(&f.requireAll, "require-all", false, "for certifiers: fail the run (exit 1) when a MUST requirement was not checked on the target (all its scenarios skipped), or the contracts could not be verified")
	f.dialect = registerDialect(fs)
	fs.StringVar(&f.pactCLI, "pact-cli", "", "verify the contracts with the official Pact CLI at `PATH` (its `pact verifier`); default the Pact library built in, or, in a build without it, `pact` on PATH")
}

// suiteOptions are the checked suite flags.
type suiteOptions struct {
	tags         string
	seed         int64
	format       string
	reportDir    string
	expectations []report.Expectation
	concurrency  int
	wait         time.Duration
	pact         bool
	noColor      bool
	timeLimit    time.Duration
	requireAll   bool
	// verifier verifies the pacts.
	verifier pactVerifier
	// features holds the *.feature files at its root; nil means the embedded features.
	features fs.FS
	// dialect is --dialect: the preset replacing the profile's, or "".
	dialect string
}

func (f *suiteFlags) options(stdout io.Writer) (suiteOptions, error) {
	o := suiteOptions{tags: f.tags, format: f.format, reportDir: f.reportDir, concurrency: f.concurrency, wait: f.wait, noColor: !isTerminal(stdout),
		timeLimit: f.timeLimit, requireAll: f.requireAll}
	if f.dialect != nil {
		o.dialect = *f.dialect
	}
	switch o.format {
	case "pretty", "progress":
	default:
		return o, fmt.Errorf("--format %q: want progress or pretty", o.format)
	}
	if err := checkTags(o.tags); err != nil {
		return o, fmt.Errorf("--tags %q: %w", o.tags, err)
	}
	if f.seed == "" {
		o.seed = newSeed()
	} else if _, err := fmt.Sscan(f.seed, &o.seed); err != nil || fmt.Sprint(o.seed) != f.seed {
		return o, fmt.Errorf("--seed %q: want an integer", f.seed)
	}
	if o.concurrency < 0 {
		return o, fmt.Errorf("--concurrency %d: want 0 or more", o.concurrency)
	}
	if o.wait <= 0 {
		return o, fmt.Errorf("--wait %s: want a positive duration", o.wait)
	}
	if o.timeLimit < 0 {
		return o, fmt.Errorf("--time-limit %s: want a positive duration, or 0 for none", o.timeLimit)
	}
	switch f.pact {
	case "":
		o.pact = strings.TrimSpace(o.tags) == ""
	case "true", "false":
		o.pact = f.pact == "true"
	default:
		return o, fmt.Errorf("--pact %q: want true or false", f.pact)
	}
	if o.reportDir == "" {
		return o, errors.New("--report-dir is empty")
	}
	v, err := findPactVerifier(f.pactCLI)
	if err != nil {
		return o, err
	}
	o.verifier = v
	if f.expectedFile != "" {
		list, err := report.LoadExpectations(f.expectedFile)
		if err != nil {
			return o, fmt.Errorf("--expected-failures: %w", err)
		}
		o.expectations = list
	}
	return o, nil
}

// suite is one conformance run of the scenarios (and the pacts) against targets.
type suite struct {
	opts suiteOptions
	// partDir, when set, is the temporary directory of the passes' Cucumber files (a
	// report directory with a comma in its path); writeReports removes it.
	partDir string
	targets steps.Targets
	// side is the tag every scenario must carry ("@wallet", "@merchant"); empty: all.
	side string
	// profile decides which scenarios the target can run.
	profile profile.Profile
	// dialect is the dialect the run speaks and judges by (targets.Dialect); the zero value
	// means the kit preset.
	dialect dialect.Dialect
	// related, when set, knows the exchanges between the parties.
	related *recorder
	// beforeClockScenario runs before each scenario of the one-at-a-time @clock pass.
	beforeClockScenario func() error
	// clockParties, when set, starts parties for one @clock scenario: the run is then one
	// concurrent pass (see isolate.go). Only the self-test, which owns its parties, sets it.
	clockParties startParties
	// pacts verifies the contracts, alongside the first pass: their provider states read the
	// wallet's clock but never move it.
	pacts func(ctx context.Context) []report.Pact
	// featurePaths are the feature files in the order godog gets them (order.go).
	featurePaths []string

	run *report.Run
	out io.Writer
	// colorOut is stdout for godog's pretty output: control characters dropped, colours kept.
	colorOut io.Writer
	mu       sync.Mutex // guards run.Scenarios and out while scenarios run concurrently
}

// passes splits the run (internal/selection): @clock scenarios move the wallet's one business
// clock, so they run after the others and one at a time; everything else runs concurrently.
// The self-test, which gives each @clock scenario parties of its own, runs its @clock pass
// alongside the first.
func (s *suite) passes() []selection.Pass {
	if s.clockParties != nil {
		return s.isolatedPasses()
	}
	return selection.Passes(s.side, s.opts.tags, s.opts.concurrency)
}

// execute runs the passes and the pacts, writes the reports and prints the summary; it
// returns the exit status.
func (s *suite) execute(ctx context.Context, stdout, stderr io.Writer) int {
	stdout, restore := detachStdout(stdout)
	defer restore()
	// Scenario messages carry text from the targets: print it without control characters
	// (godog's pretty output keeps its colours).
	s.colorOut = printableWithColors(stdout)
	stdout, stderr = printable(stdout), printable(stderr)
	s.out = stdout
	if s.opts.features == nil {
		s.opts.features = features.FS
	}
	if s.run.Requirements == nil {
		s.run.Requirements = report.ParseRequirements(features.README)
	}
	s.run.Seed = s.opts.seed
	s.dialect = dialect.OrDefault(s.dialect)
	s.run.Dialect = s.dialect.Label()
	if ok, note := pactsApply(s.dialect); !ok && s.pacts != nil && s.opts.pact {
		s.pacts = nil
		s.run.Notes = append(s.run.Notes, "contracts not verified: "+note)
	}
	if s.run.Tags = selection.Filter(s.side, s.opts.tags); s.run.Tags == "" {
		s.run.Tags = "(every scenario)"
	}
	s.run.Expectations = s.opts.expectations
	s.run.RequireAll = s.opts.requireAll
	s.run.Exclusions = s.profile.Exclusions()
	if err := os.MkdirAll(s.opts.reportDir, 0o755); err != nil {
		fmt.Fprintf(stderr, "tradepaykit: --report-dir: %v\n", err)
		return exitUsage
	}
	if s.opts.seed != 0 {
		fmt.Fprintf(stdout, "scenario order: seed %d (replay with --seed %d)\n", s.opts.seed, s.opts.seed)
	}
	if s.run.Exclusions != "" {
		fmt.Fprintf(stdout, "the target does not declare: %s (those scenarios are skipped and listed)\n", s.run.Exclusions)
	}
	for _, e := range s.opts.expectations {
		fmt.Fprintf(stdout, "expected failure: %s (%s%s)\n", e.ID, e.Reason, ticketSuffix(e.Ticket))
	}

	initialize, stopParties := s.initializer()
	s.featurePaths = featureOrder(s.opts.features)
	// ctx ends on an interrupt; runCtx also at the time limit, after which the passes still
	// go through their scenarios, to fail each one that did not finish.
	runCtx, stopRun := s.withTimeLimit(ctx)
	defer stopRun()
	pacts := s.startPacts(runCtx)
	parts, status := s.runPasses(ctx, runCtx, initialize, pacts)
	if n := stopParties(); n > 0 {
		fmt.Fprintf(stdout, "   (%d %s scenarios ran on parties of their own)\n", n, steps.TagClock)
	}
	if s.run.Pacts = pacts.wait(); s.run.Pacts != nil {
		fmt.Fprintf(stdout, "\n== contracts (Pact), verified alongside the first pass (%s)\n", pacts.took.Round(time.Millisecond))
		for _, p := range s.run.Pacts {
			printPact(stdout, p)
		}
	}
	s.run.Duration = time.Since(s.run.Started)
	for _, cut := range s.targets.Health.CutShort() {
		s.run.Notes = append(s.run.Notes, "waits cut short: "+cut)
	}
	s.run.Finish()
	s.noteTimeLimit(runCtx, pacts.cut, stderr)

	code := exitPass
	if !s.run.Passed() {
		code = exitFail
	}
	if c := s.run.ScenarioCounts(); status != 0 && c.Failed+c.ExpectedFailures == 0 {
		// godog failed without a scenario failing: a feature that does not parse.
		fmt.Fprintf(stdout, "godog exited with status %d without a failed scenario: see its messages above\n", status)
		code = exitFail
	}
	if s.run.ScenarioCounts().Total == 0 && ctx.Err() == nil {
		// A run that checked nothing must not pass for a conformant one.
		fmt.Fprintf(stderr, "tradepaykit: no scenario matches %s\n", s.run.Tags)
		code = exitUsage
	}
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "tradepaykit: interrupted")
		code = exitFail
	}
	files, err := s.writeReports(parts)
	if err != nil {
		fmt.Fprintf(stderr, "tradepaykit: writing the reports: %v\n", err)
		return exitUsage
	}
	s.printSummary(stdout, files)
	return code
}

// pactRun is the contract verification, running alongside the scenarios.
type pactRun struct {
	done   chan struct{}
	result []report.Pact
	took   time.Duration
	cut    bool // the run's context ended before the verification did
}

// startPacts starts verifying the contracts, unless the run has none or was asked not to.
func (s *suite) startPacts(ctx context.Context) *pactRun {
	r := &pactRun{done: make(chan struct{})}
	if s.pacts == nil || !s.opts.pact || ctx.Err() != nil {
		close(r.done)
		return r
	}
	go func() {
		defer close(r.done)
		start := time.Now()
		r.result = s.pacts(ctx)
		r.took, r.cut = time.Since(start), ctx.Err() != nil
	}()
	return r
}

// wait returns the verified contracts once the verification is over (nil: none ran).
func (r *pactRun) wait() []report.Pact {
	<-r.done
	return r.result
}

// runPasses runs the passes in order and returns their cucumber files and godog's first
// non-zero status. A pass that moves the shared wallet clock (Serial) first waits for the
// contracts; a pass marked Alongside starts with the one before it (not with godog's pretty
// output, whose lines two passes would interleave).
func (s *suite) runPasses(ctx, runCtx context.Context, initialize func(*godog.ScenarioContext), pacts *pactRun) ([]string, int) {
	passes := s.passes()
	var parts []string
	// godog splits its format option on commas: a report directory whose path holds one
	// gets the passes' Cucumber files in a directory of its own (removed with them).
	partDir := s.opts.reportDir
	if strings.Contains(partDir, ",") {
		if dir, err := os.MkdirTemp("", "tradepaykit-cucumber-"); err == nil {
			partDir, s.partDir = dir, dir
		}
	}
	statuses := make([]int, len(passes))
	var wg sync.WaitGroup
	for i, p := range passes {
		if ctx.Err() != nil {
			break
		}
		if p.Serial {
			pacts.wait()
		}
		s.printf("\n== pass %q: %s\n", p.Name, p.Tags)
		part := filepath.Join(partDir, fmt.Sprintf(".cucumber-pass-%d.json", i+1))
		parts = append(parts, part)
		run := func() {
			start := time.Now()
			statuses[i] = s.runPass(runCtx, p, initialize, part)
			s.printf("   (pass %q: %s)\n", p.Name, time.Since(start).Round(time.Millisecond))
		}
		if i+1 < len(passes) && passes[i+1].Alongside && s.opts.format != "pretty" {
			wg.Go(run)
			continue
		}
		run()
		wg.Wait()
	}
	wg.Wait()
	for _, st := range statuses {
		if st != 0 {
			return parts, st
		}
	}
	return parts, 0
}

// printf prints a line of the run's progress, between the scenarios' own lines.
func (s *suite) printf(format string, a ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(s.out, format, a...)
}

// scenarioState follows one scenario through godog's hooks.
type scenarioState struct {
	start      time.Time
	skip       string
	failedStep string
	message    string
}

type scenarioKey struct{}

func (s *suite) runPass(ctx context.Context, p selection.Pass, initialize func(*godog.ScenarioContext), cucumberFile string) int {
	format := "cucumber:" + cucumberFile
	var output io.Writer = io.Discard
	if s.opts.format == "pretty" {
		format += ",pretty"
		// godog writes from its scenario goroutines, the runner's progress lines from its
		// hooks: one lock keeps the two from interleaving on a shared stdout.
		output = &serialWriter{mu: &s.mu, w: godogOutput(s.colorOut, s.opts.noColor)}
	}
	return godog.TestSuite{
		Name: "tradepaykit",
		ScenarioInitializer: func(sc *godog.ScenarioContext) {
			// Registered before the steps' own hook, so it sees the step's error before the
			// steps prepend the exchanges to it.
			sc.StepContext().After(func(ctx context.Context, st *godog.Step, status godog.StepResultStatus, err error) (context.Context, error) {
				state, ok := ctx.Value(scenarioKey{}).(*scenarioState)
				if !ok || state.failedStep != "" {
					return ctx, nil
				}
				switch {
				case status == godog.StepFailed && err != nil:
					state.failedStep, state.message = st.Text, cleanMessage(err.Error())
				case status == godog.StepUndefined:
					state.failedStep, state.message = st.Text, "no step definition matches this sentence"
				}
				return ctx, nil
			})
			initialize(sc)
			sc.Before(func(ctx context.Context, sn *godog.Scenario) (context.Context, error) {
				state := &scenarioState{start: time.Now()}
				ctx = context.WithValue(ctx, scenarioKey{}, state)
				if err := s.refuseAfterTimeLimit(ctx); err != nil {
					return ctx, err
				}
				if reason := s.profile.Skip(sn); reason != "" {
					state.skip = reason
					return ctx, fmt.Errorf("%w: %s", godog.ErrSkip, reason)
				}
				if p.Serial && s.beforeClockScenario != nil && steps.Skipped(ctx) == "" {
					if err := s.beforeClockScenario(); err != nil {
						return ctx, fmt.Errorf("preparing the wallet for a @clock scenario: %w", err)
					}
				}
				return ctx, nil
			})
			sc.After(func(ctx context.Context, sn *godog.Scenario, err error) (context.Context, error) {
				s.collect(ctx, p, sn, err)
				return ctx, nil
			})
		},
		Options: &godog.Options{
			Format:         format,
			FS:             s.opts.features,
			Paths:          s.featurePaths,
			Tags:           p.Tags,
			Strict:         true,
			Randomize:      s.opts.seed,
			Concurrency:    p.Concurrency,
			Output:         output,
			NoColors:       false, // see godogOutput
			DefaultContext: ctx,
		},
	}.Run()
}

// collect turns a finished scenario into the report's Scenario and prints its progress line.
func (s *suite) collect(ctx context.Context, p selection.Pass, sn *godog.Scenario, err error) {
	state, _ := ctx.Value(scenarioKey{}).(*scenarioState)
	if state == nil {
		state = &scenarioState{start: time.Now()}
	}
	r := report.Scenario{
		Name: sn.Name, Feature: sn.Uri, Pass: p.Name, Requirements: requirements(sn),
		Duration: time.Since(state.start), Warnings: steps.Warnings(ctx),
	}
	for _, t := range sn.Tags {
		r.Tags = append(r.Tags, t.Name)
	}
	raw := report.Passed
	switch {
	case state.skip != "":
		raw, r.Reason = report.Skipped, state.skip
	case steps.Skipped(ctx) != "":
		raw, r.Reason = report.Skipped, steps.Skipped(ctx)
	case errors.Is(err, godog.ErrSkip):
		raw, r.Reason = report.Skipped, err.Error()
	case err != nil:
		raw = report.Failed
		r.FailedStep, r.Message = state.failedStep, state.message
		if r.Message == "" {
			r.Message = err.Error()
		}
	}
	status, e := report.Classify(s.opts.expectations, r.Name, r.Requirements, raw)
	r.Status = status
	if status == report.ExpectedFailure || status == report.UnexpectedPass {
		r.Reason, r.Ticket = e.Reason, e.Ticket
	}
	s.markUnfinished(ctx, &r)
	if raw == report.Failed {
		for _, x := range steps.Exchanges(ctx) {
			r.Exchanges = append(r.Exchanges, reportExchange(x))
		}
		if s.related != nil {
			r.Related = s.related.about(r.Exchanges)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.run.Scenarios = append(s.run.Scenarios, r)
	printProgress(s.out, r)
}

func reportExchange(x steps.Exchange) report.Exchange {
	party := "kit → " + x.Party
	switch x.Party {
	case "":
		party = ""
	case "wallet OpenAPI":
		party = "kit as merchant → wallet OpenAPI"
	}
	return report.Exchange{
		Party: party, Method: x.Method, URL: x.URL, RequestHeader: x.RequestHeader, RequestBody: x.RequestBody,
		StatusCode: x.StatusCode, ResponseHeader: x.ResponseHeader, ResponseBody: x.ResponseBody,
		Signature: x.Signature, Err: x.Err, Repeats: x.Repeats, Duration: x.Duration, Transcript: x.Transcript,
	}
}

func requirements(s *godog.Scenario) []string {
	var reqs []string
	for _, t := range s.Tags {
		if strings.HasPrefix(t.Name, "@REQ-") {
			reqs = append(reqs, strings.TrimPrefix(t.Name, "@"))
		}
	}
	return reqs
}

func reqLabel(reqs []string) string {
	if len(reqs) == 0 {
		return "no requirement"
	}
	return strings.Join(reqs, ", ")
}

// progressWords are the progress line's verdicts, all of one width.
var progressWords = map[report.Status]string{
	report.Passed:          "ok   ",
	report.Failed:          "FAIL ",
	report.Skipped:         "skip ",
	report.ExpectedFailure: "xfail",
	report.UnexpectedPass:  "XPASS",
}

func printProgress(w io.Writer, r report.Scenario) {
	fmt.Fprintf(w, "%s %-13s %s (%s, %s)\n", progressWords[r.Status], reqLabel(r.Requirements), r.Name, r.Feature, r.Duration.Round(time.Millisecond))
	switch r.Status {
	case report.Failed:
		if r.FailedStep != "" {
			fmt.Fprintf(w, "      step: %s\n", r.FailedStep)
		}
		fmt.Fprintf(w, "      %s\n", firstLines(r.Message, 3))
	case report.Skipped:
		fmt.Fprintf(w, "      %s\n", r.Reason)
	case report.ExpectedFailure, report.UnexpectedPass:
		fmt.Fprintf(w, "      listed: %s%s\n", r.Reason, ticketSuffix(r.Ticket))
	}
}

func firstLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = append(lines[:n], "...")
	}
	return strings.Join(lines, "\n      ")
}

func ticketSuffix(t string) string {
	if t == "" {
		return ""
	}
	return ", " + t
}

func printPact(w io.Writer, p report.Pact) {
	if p.Error != "" {
		fmt.Fprintf(w, "pact %s: %s\n", p.Name, p.Error)
	}
	for _, i := range p.Interactions {
		fmt.Fprintf(w, "%s pact %s: %s\n", progressWords[i.Status], p.Name, i.Description)
		switch i.Status {
		case report.Failed, report.ExpectedFailure:
			for _, m := range i.Mismatches {
				fmt.Fprintf(w, "      %s\n", m)
			}
		case report.Skipped:
			fmt.Fprintf(w, "      %s\n", i.Reason)
		}
	}
}

// writeReports writes the three reports and returns their paths.
func (s *suite) writeReports(cucumberParts []string) ([]string, error) {
	dir := s.opts.reportDir
	cucumber := filepath.Join(dir, "cucumber.json")
	if err := report.MergeCucumber(cucumber, cucumberParts); err != nil {
		return nil, err
	}
	for _, p := range cucumberParts {
		_ = os.Remove(p)
	}
	if s.partDir != "" {
		_ = os.RemoveAll(s.partDir)
	}
	write := func(name string, f func(io.Writer, *report.Run) error) (string, error) {
		path := filepath.Join(dir, name)
		file, err := os.Create(path)
		if err != nil {
			return "", err
		}
		if err := f(file, s.run); err != nil {
			_ = file.Close()
			return "", err
		}
		return path, file.Close()
	}
	junit, err := write("junit.xml", report.WriteJUnit)
	if err != nil {
		return nil, err
	}
	html, err := write("report.html", report.WriteHTML)
	if err != nil {
		return nil, err
	}
	return []string{html, junit, cucumber}, nil
}

// printSummary prints the table per feature file, the failures, the skips with their
// reasons, the warnings and the totals.
func (s *suite) printSummary(w io.Writer, files []string) {
	r := s.run
	fmt.Fprintln(w, "\n== summary")
	type row struct {
		feature string
		c       report.Counts
	}
	rows := map[string]*row{}
	for _, sc := range r.Scenarios {
		if rows[sc.Feature] == nil {
			rows[sc.Feature] = &row{feature: sc.Feature}
		}
		rows[sc.Feature].c.Add(sc.Status)
	}
	names := make([]string, 0, len(rows))
	for n := range rows {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintf(w, "%-30s %9s %7s %7s %6s %6s %8s\n", "feature", "scenarios", "passed", "failed", "xfail", "xpass", "skipped")
	for _, n := range names {
		c := rows[n].c
		fmt.Fprintf(w, "%-30s %9d %7d %7d %6d %6d %8d\n", n, c.Total, c.Passed, c.Failed, c.ExpectedFailures, c.UnexpectedPasses, c.Skipped)
	}
	for _, p := range r.Pacts {
		var c report.Counts
		for _, i := range p.Interactions {
			c.Add(i.Status)
		}
		note := ""
		if p.Error != "" {
			note = ": " + firstLines(p.Error, 1)
		}
		fmt.Fprintf(w, "%-30s %9d %7d %7d %6d %6d %8d%s\n", "pact "+p.Name, c.Total, c.Passed, c.Failed, c.ExpectedFailures, c.UnexpectedPasses, c.Skipped, note)
	}

	reqs := r.RequirementTable()
	var failedReqs []string
	for _, q := range reqs {
		if q.Status == report.Failed {
			failedReqs = append(failedReqs, q.ID)
		}
	}
	if len(failedReqs) > 0 {
		fmt.Fprintf(w, "\nrequirements failed: %s\n", strings.Join(failedReqs, ", "))
	}
	for _, sc := range r.Failures() {
		fmt.Fprintf(w, "FAILED %s (%s) %s\n", sc.Name, reqLabel(sc.Requirements), sc.Feature)
	}
	for _, p := range r.Pacts {
		for _, i := range p.Interactions {
			if i.Status == report.Failed {
				fmt.Fprintf(w, "FAILED pact %s: %s\n", p.Name, i.Description)
			}
		}
	}
	for _, st := range []report.Status{report.ExpectedFailure, report.UnexpectedPass} {
		for i := range r.Scenarios {
			if sc := r.Scenarios[i]; sc.Status == st {
				fmt.Fprintf(w, "%s %s (%s): %s%s\n", strings.ToUpper(string(st)), sc.Name, reqLabel(sc.Requirements), sc.Reason, ticketSuffix(sc.Ticket))
			}
		}
	}
	for _, e := range r.Unmatched {
		fmt.Fprintf(w, "EXPECTED FAILURE ENTRY MATCHED NOTHING: %s (%s)\n", e.ID, e.Reason)
	}

	skipped := map[string][]string{}
	for _, sc := range r.Scenarios {
		if sc.Status == report.Skipped {
			skipped[sc.Reason] = append(skipped[sc.Reason], fmt.Sprintf("%s (%s)", sc.Name, reqLabel(sc.Requirements)))
		}
	}
	reasons := make([]string, 0, len(skipped))
	for k := range skipped {
		reasons = append(reasons, k)
	}
	sort.Strings(reasons)
	for _, reason := range reasons {
		list := skipped[reason]
		sort.Strings(list)
		fmt.Fprintf(w, "SKIPPED %d: %s\n", len(list), reason)
		for _, n := range list {
			fmt.Fprintf(w, "  - %s\n", n)
		}
	}
	var warnings []string
	for _, sc := range r.Scenarios {
		for _, warning := range sc.Warnings {
			warnings = append(warnings, fmt.Sprintf("%s (%s): %s", sc.Name, reqLabel(sc.Requirements), warning))
		}
	}
	sort.Strings(warnings)
	// A SHOULD rule not followed is reported, not failed (PROTOCOL.md, "Settled details").
	for _, warning := range warnings {
		fmt.Fprintf(w, "WARNING (SHOULD) %s\n", warning)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	if len(files) > 0 {
		fmt.Fprintf(w, "reports: %s\n", strings.Join(files, ", "))
	}
	c := r.ScenarioCounts()
	extra := ""
	if c.ExpectedFailures+c.UnexpectedPasses > 0 {
		extra = fmt.Sprintf(" (%d expected failures, %d unexpected passes)", c.ExpectedFailures, c.UnexpectedPasses)
	}
	fmt.Fprintf(w, "total: %d scenarios, %d passed, %d failed, %d skipped in %s%s: %s\n",
		c.Total, c.Passed+c.UnexpectedPasses, c.Failed, c.Skipped, r.Duration.Round(time.Millisecond), extra, r.Verdict())
	printCoverage(w, r)
}

// cleanMessage keeps what a testify failure says (the Error and Messages sections) and drops
// the trace through the step definitions, which means nothing to a vendor.
func cleanMessage(msg string) string {
	// godog joins several failed checks of one step as "checks failed:\n* ...\n* ...".
	if rest, ok := strings.CutPrefix(msg, "checks failed:\n* "); ok {
		checks := strings.Split(rest, "\n* ")
		const shown = 3
		var out []string
		for i, c := range checks {
			if i == shown {
				out = append(out, fmt.Sprintf("... and %d more checks failed", len(checks)-shown))
				break
			}
			out = append(out, cleanMessage(c))
		}
		return strings.Join(out, "\n")
	}
	if !strings.Contains(msg, "Error Trace:") {
		return strings.TrimSpace(msg)
	}
	var keep []string
	section := ""
	for _, line := range strings.Split(msg, "\n") {
		t := strings.TrimSpace(line)
		for _, label := range []string{"Error Trace:", "Error:", "Test:", "Messages:"} {
			if rest, ok := strings.CutPrefix(t, label); ok {
				section, t = label, strings.TrimSpace(rest)
				break
			}
		}
		if t == "" || (section != "Error:" && section != "Messages:") {
			continue
		}
		if section == "Messages:" && strings.HasPrefix(strings.TrimSpace(line), "Messages:") {
			t = "(" + t + ")"
		}
		keep = append(keep, t)
	}
	if len(keep) == 0 {
		return strings.TrimSpace(msg)
	}
	return strings.Join(keep, "\n")
}
