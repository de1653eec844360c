package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/merchant"
	"github.com/tradepaykit/tradepaykit/internal/preflight"
)

// The mutation kill test (issue 9, "A mutation catalog kept in the repository"): the wallet
// mock and the reference merchant each carry a catalog of deliberate protocol mistakes
// (wallet-mock / reference-merchant --list-defects). Every defective party, started as a
// process with the extension-less profile, must be caught: verify-wallet / verify-merchant
// with kit:wallet-bare / kit:merchant-bare exits 1 and names the defect's requirement among
// the failed ones. The correct parties pass under the same profiles. A defect of one dialect
// (its catalog entry names a "preset") is started and verified with --dialect PRESET, and
// the correct party of that preset passes too (issue 18). It takes minutes, so it runs with
// -mutants only: `make mutants`, which .ci/run runs after `make test`.

var (
	mutants         = flag.Bool("mutants", false, "run the mutation kill test (make mutants): every catalog defect against verify-wallet / verify-merchant")
	killTableUpdate = flag.Bool("kill-table-update", false, "with -mutants: rewrite README.md's kill table from this run")
	mutantsParty    = flag.String("mutants-party", "", "with -mutants: only this party's catalog (wallet or merchant); the kill table is then not checked")
	mutantsPreset   = flag.String("mutants-preset", "", "with -mutants: only the defects shown under this dialect preset (kit: those of every preset), and the correct parties under it; the kill table is then not checked")
)

// The top-level README's kill table sits between these two lines.
const (
	killTableBegin = "<!-- kill table: written by `make mutants KILL_TABLE_UPDATE=1` from a run of the kill test; edit the catalogs, not this table -->"
	killTableEnd   = "<!-- end of kill table -->"
)

// The parties with a defect catalog: the command that starts one, as the table names it.
var catalogParties = []struct{ party, command string }{
	{"wallet", "wallet-mock"},
	{"merchant", "reference-merchant"},
}

// mutant is one defect of one party's catalog.
type mutant struct {
	party string
	defectEntry
}

// key names the mutant's row in the kill table: party/defect/requirement.
func (m mutant) key() string { return m.party + "/" + m.Name + "/" + m.Requirement }

// runPreset is the preset the kill test runs the mutant under: its own, or the kit's for a
// defect of every preset.
func (m mutant) runPreset() string { return presetOrKit(m.Preset) }

func presetOrKit(preset string) string {
	if preset == "" {
		return dialect.Default
	}
	return preset
}

// dialectArgs are the --dialect flags of a run under preset: none under the kit preset, so
// that the defects of every preset run exactly as before issue 18.
func dialectArgs(preset string) []string {
	if presetOrKit(preset) == dialect.Default {
		return nil
	}
	return []string{"--dialect", preset}
}

// correctRuns are the runs of the correct parties the kill test makes: each party under each
// preset one of its mutants runs under, in the table's order.
func correctRuns(all []mutant) []mutant {
	var out []mutant
	seen := map[string]bool{}
	for _, p := range catalogParties {
		for _, m := range all {
			key := p.party + "/" + m.runPreset()
			if m.party != p.party || seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, mutant{party: p.party, defectEntry: defectEntry{Preset: m.Preset}})
		}
	}
	return out
}

// correctName is the subtest of the correct party's run under a preset: "wallet/correct"
// under the kit preset, "wallet/correct-under-v2" under another.
func correctName(party, preset string) string {
	if presetOrKit(preset) == dialect.Default {
		return party + "/correct"
	}
	return party + "/correct-under-" + preset
}

// catalogs reads both parties' catalogs from the binary, in catalog order.
func catalogs(t *testing.T, only string) []mutant {
	t.Helper()
	var all []mutant
	for _, p := range catalogParties {
		if only != "" && p.party != only {
			continue
		}
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(kitBinary, p.command, "--list-defects")
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		require.NoError(t, cmd.Run(), "%s --list-defects: %s", p.command, stderr.String())
		var list []defectEntry
		require.NoError(t, json.Unmarshal(stdout.Bytes(), &list), "%s --list-defects prints JSON", p.command)
		require.NotEmpty(t, list, "%s --list-defects", p.command)
		for _, d := range list {
			require.NotEmpty(t, d.Name, "%s: a defect without a name", p.command)
			require.Regexp(t, `^REQ-[A-Z]+(-[A-Z]+)*-[0-9]{3}$`, d.Requirement, "%s: defect %s", p.command, d.Name)
			if d.Preset != "" {
				_, err := dialect.Lookup(d.Preset)
				require.NoError(t, err, "%s: defect %s names a preset the kit does not know", p.command, d.Name)
			}
			all = append(all, mutant{party: p.party, defectEntry: d})
		}
	}
	return all
}

// mutantTimeout bounds one verify run of the kill test: past the runner's own default
// --time-limit, so a slow run ends by that limit and still reports what failed.
const mutantTimeout = DefaultTimeLimit + 2*time.Minute

// killResult is what the verify run made of one defect.
type killResult struct {
	killed bool
	// byProbe: the dialect probe stopped the verify run before any scenario (exit 2, "target
	// speaks another dialect"), the kit's verdict on a party of another shape.
	byProbe bool
	// detail says why a defect was not killed: the exit status and the requirements failed.
	detail string
	// elapsed is how long the verify run took to its verdict.
	elapsed time.Duration
}

// killCell is one defect's row of the kill table, past its description: whether the kill
// test killed it and how long the verify run took to its verdict.
type killCell struct {
	killed, time string
}

// verdictBudget is how long a verify run may take to its verdict against any party of the
// catalogs (issue 16, "Every verdict in under a minute"); the kill test names those over it.
const verdictBudget = time.Minute

// slowestShown is how many of the slowest kills the kill test names at its end.
const slowestShown = 5

// killTime is a verify run's time as the kill table shows it: whole seconds.
func killTime(d time.Duration) string {
	return fmt.Sprintf("%d s", int(d.Round(time.Second)/time.Second))
}

var requirementsFailedLine = regexp.MustCompile(`(?m)^requirements failed: (.*)$`)

// failedRequirements are the requirements a verify run names as failed: its summary line and
// the failures of junit.xml.
func failedRequirements(t *testing.T, r result) []string {
	t.Helper()
	var out []string
	if m := requirementsFailedLine.FindStringSubmatch(r.stdout); m != nil {
		out = strings.Split(m[1], ", ")
	}
	for _, s := range readJUnit(t, r).Suites {
		for _, c := range s.Cases {
			if c.Failure != nil {
				out = append(out, strings.Fields(c.Failure.Type)...)
			}
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// runWallet starts wallet-mock with the bare profile, the preset ("" or kit: the kit's) and
// the defects given, and verifies it with the bare profile and the same preset. The kit's
// merchant's port is bound first, so the mock has the kit's notify URL registered (the
// scenarios whose orderStr names no notify_url run).
func runWallet(t *testing.T, preset string, defects ...string) result {
	return runWalletAs(t, "kit:wallet-bare", preset, nil, defects...)
}

// runWalletAs is runWallet under another profile: kit:wallet-mock for a defect only clock
// control shows (its catalog entry says "needs": "@clock").
func runWalletAs(t *testing.T, profile, preset string, verifyExtra []string, defects ...string) result {
	ln, base := walletListener(t)
	args := append([]string{"wallet-mock", "--listen", "127.0.0.1:0", "--notify-timeout", "2s", "--profile", profile,
		"--notify-url", base + merchant.NotifyPath}, dialectArgs(preset)...)
	for _, d := range defects {
		args = append(args, "--defect", d)
	}
	w := startParty(t, args...)
	return verifyWithin(t, mutantTimeout, []*os.File{ln}, append([]string{"verify-wallet", "--wallet-url", w.url, "--profile", profile,
		"--notify-listen", "fd:3", "--notify-url-registered"}, append(dialectArgs(preset), verifyExtra...)...)...)
}

// runMerchant starts reference-merchant with the preset and the defects given, pointed at the
// kit's wallet, and verifies it with the bare profile and the same preset.
func runMerchant(t *testing.T, preset string, verifyExtra []string, defects ...string) result {
	ln, walletURL := walletListener(t)
	args := append([]string{"reference-merchant", "--listen", "127.0.0.1:0", "--wallet-url", walletURL}, dialectArgs(preset)...)
	for _, d := range defects {
		args = append(args, "--defect", d)
	}
	m := startParty(t, args...)
	return verifyWithin(t, mutantTimeout, []*os.File{ln}, append([]string{"verify-merchant", "--merchant-url", m.url, "--wallet-listen", "fd:3",
		"--notify-timeout", "2s", "--profile", "kit:merchant-bare"}, append(dialectArgs(preset), verifyExtra...)...)...)
}

func runParty(t *testing.T, party, preset string, defects ...string) result {
	return runPartyWith(t, party, preset, nil, defects...)
}

// runPartyWith is runParty with more verify flags (--dialect-probe=false).
func runPartyWith(t *testing.T, party, preset string, verifyExtra []string, defects ...string) result {
	if party == "wallet" {
		return runWalletAs(t, "kit:wallet-bare", preset, verifyExtra, defects...)
	}
	return runMerchant(t, preset, verifyExtra, defects...)
}

// selected are the mutants a run of the kill test takes: -mutants-preset keeps those shown
// under one preset.
func selected(all []mutant) []mutant {
	if *mutantsPreset == "" {
		return all
	}
	var out []mutant
	for _, m := range all {
		if m.runPreset() == *mutantsPreset {
			out = append(out, m)
		}
	}
	return out
}

// TestMutantsAreKilled is the kill test. Run it with -parallel 2 (two defects at a time).
func TestMutantsAreKilled(t *testing.T) {
	if !*mutants {
		t.Skip("the mutation kill test runs with -mutants: make mutants")
	}
	start := time.Now()
	all := selected(catalogs(t, *mutantsParty))
	require.NotEmpty(t, all, "-mutants-party %q -mutants-preset %q: want wallet or merchant, and a preset some defect shows under", *mutantsParty, *mutantsPreset)
	var mu sync.Mutex
	results := map[string]killResult{}
	t.Run("parties", func(t *testing.T) {
		// The correct party of each preset used passes, so a scenario that kills a defect of
		// that preset is one the correct party passes.
		for _, c := range correctRuns(all) {
			t.Run(correctName(c.party, c.Preset), func(t *testing.T) {
				t.Parallel()
				r := runParty(t, c.party, c.Preset)
				assert.Equal(t, exitPass, r.code, "the correct %s passes under the bare profile and the %s preset, with no expected failures\n%s",
					c.party, c.runPreset(), r.String())
			})
		}
		for _, m := range all {
			t.Run(m.party+"/"+m.Name, func(t *testing.T) {
				t.Parallel()
				var r result
				if m.Needs == "@clock" {
					// The one blind spot a bare wallet keeps (issue 16): caught on the kit's clock.
					r = runWalletAs(t, "kit:wallet-mock", m.Preset, nil, m.Name)
				} else {
					r = runParty(t, m.party, m.Preset, m.Name)
				}
				var k killResult
				byProbe := stoppedByDialectProbe(m, r)
				if byProbe {
					// The probe caught it before any scenario: the scenarios must catch it
					// too, for a user who turns the probe off (issue 18: killed by a
					// scenario the correct party of that preset passes, naming the
					// requirement).
					r = runPartyWith(t, m.party, m.Preset, []string{"--dialect-probe=false"}, m.Name)
				}
				failed := failedRequirements(t, r)
				k = killResult{killed: r.code == exitFail && slices.Contains(failed, m.Requirement), byProbe: byProbe, elapsed: r.elapsed}
				if !k.killed {
					k.detail = fmt.Sprintf("exit %d; failed: %s", r.code, strings.Join(failed, ", "))
				}
				mu.Lock()
				results[m.key()] = k
				mu.Unlock()
				assert.True(t, k.killed, "%s --defect %s (%s) under the %s preset must fail %s: %s\n%s", m.party, m.Name, m.What, m.runPreset(), m.Requirement, k.detail, r.String())
			})
		}
	})
	killed := 0
	cells := knownCells(t)
	for key, k := range results {
		cells[key] = killCell{killed: "yes", time: killTime(k.elapsed)}
		if k.byProbe {
			cells[key] = killCell{killed: killedByProbe, time: killTime(k.elapsed)}
		}
		if k.killed {
			killed++
		} else {
			cells[key] = killCell{killed: "**no** (" + k.detail + ")", time: killTime(k.elapsed)}
		}
	}
	t.Logf("kill test: %d of %d defects killed in %s", killed, len(results), time.Since(start).Round(time.Second))
	t.Log(slowestKills(results, slowestShown))
	if *killTableUpdate {
		// A run of one party (-mutants-party) keeps the other party's rows as they were.
		writeKillTable(t, killTable(catalogs(t, ""), cells))
		return
	}
	if len(results) < len(all) || *mutantsParty != "" || *mutantsPreset != "" {
		return // a subset ran (-run, -mutants-party, -mutants-preset): the table is about both whole catalogs
	}
	// The verdicts must be the table's; their times differ from run to run, so the table's
	// are kept for the comparison.
	known := knownCells(t)
	for key, c := range cells {
		c.time = known[key].time
		cells[key] = c
	}
	assert.Equal(t, killTable(all, cells), readKillTable(t), "README.md's kill table is not this run's: make mutants KILL_TABLE_UPDATE=1")
}

// slowestKills names the n slowest verify runs of the kill test, slowest first, and those
// over verdictBudget: "the 5 slowest verdicts: merchant/auth-success-as-paid 41 s, ...".
func slowestKills(results map[string]killResult, n int) string {
	keys := make([]string, 0, len(results))
	for key := range results {
		keys = append(keys, key)
	}
	sort.Slice(keys, func(i, j int) bool {
		if a, b := results[keys[i]].elapsed, results[keys[j]].elapsed; a != b {
			return a > b
		}
		return keys[i] < keys[j]
	})
	var over []string
	for _, key := range keys {
		if results[key].elapsed > verdictBudget {
			over = append(over, key)
		}
	}
	keys = keys[:min(n, len(keys))]
	parts := make([]string, len(keys))
	for i, key := range keys {
		parts[i] = fmt.Sprintf("%s %s", key, killTime(results[key].elapsed))
	}
	s := fmt.Sprintf("the %d slowest verdicts: %s", len(keys), strings.Join(parts, ", "))
	if len(over) > 0 {
		s += fmt.Sprintf("; over %s (machine load counts: see uptime): %s", verdictBudget, strings.Join(over, ", "))
	}
	return s
}

// knownCells returns the killed and time columns of README.md's kill table by
// party/defect/requirement, for the rows whose requirement is still the catalog's.
func knownCells(t *testing.T) map[string]killCell {
	t.Helper()
	cells := map[string]killCell{}
	for _, row := range killTableRows(readKillTable(t)) {
		cells[row.party+"/"+row.defect+"/"+row.requirement] = killCell{killed: row.killed, time: row.time}
	}
	return cells
}

// TestKillTableListsTheCatalogs keeps the README's kill table in step with the catalogs in
// every `make test`: one row per defect, with its party, preset and requirement, in catalog
// order. Whether each is killed is the kill test's business.
func TestKillTableListsTheCatalogs(t *testing.T) {
	var want, got []string
	for _, m := range catalogs(t, "") {
		want = append(want, strings.Join([]string{m.party, m.Name, presetCell(m.Preset), m.Requirement}, " "))
	}
	if *killTableUpdate {
		// New defects are listed as not run yet; make mutants KILL_TABLE_UPDATE=1 runs them.
		writeKillTable(t, killTable(catalogs(t, ""), knownCells(t)))
	}
	for _, row := range killTableRows(readKillTable(t)) {
		got = append(got, strings.Join([]string{row.party, row.defect, row.preset, row.requirement}, " "))
	}
	assert.Equal(t, want, got, "README.md's kill table does not list the catalogs (party defect preset requirement): make kill-table")
}

// notRun is the killed column of a defect no kill test has run yet.
const notRun = "not run yet"

// killedByProbe is the killed column of a dialect defect the dialect probe stopped, which a
// run without the probe then failed on its requirement too.
const killedByProbe = "yes (dialect probe, and the scenarios without it)"

// stoppedByDialectProbe reports whether the verify run against a dialect defect ended in the
// dialect probe (issue 17): the party looked like another dialect's, and verify-wallet /
// verify-merchant stopped before any scenario with exit 2, naming the difference. The kill
// test then runs it again with --dialect-probe=false, and the defect counts as killed only
// when that run fails its requirement; a defect of every preset is never taken for a probe
// stop (the probe must not hide it).
func stoppedByDialectProbe(m mutant, r result) bool {
	return m.Preset != "" && r.code == exitUsage && strings.Contains(r.stderr, preflight.ErrDialect.Error())
}

// everyPreset is the preset column of a defect that shows under every preset (the kill test
// runs it under the kit's).
const everyPreset = "all"

func presetCell(preset string) string {
	if preset == "" {
		return everyPreset
	}
	return preset
}

// killTable renders the kill table: cells holds the killed and time columns by
// party/defect/requirement.
func killTable(all []mutant, cells map[string]killCell) string {
	var b strings.Builder
	killed, unrun := 0, 0
	for _, m := range all {
		switch cells[m.key()].killed {
		case "yes", killedByProbe:
			killed++
		case "", notRun:
			unrun++
		}
	}
	fmt.Fprintf(&b, "%s\n\n%d of %d defects killed", killTableBegin, killed, len(all))
	if unrun > 0 {
		fmt.Fprintf(&b, " (%d not run yet)", unrun)
	}
	b.WriteString(".\n\n| party | defect | preset | requirement | the mistake | killed | verdict in |\n|---|---|---|---|---|---|---|\n")
	for _, m := range all {
		cell := cells[m.key()]
		if cell.killed == "" || cell.killed == notRun {
			cell = killCell{killed: notRun, time: "–"}
		}
		if cell.time == "" {
			cell.time = "–"
		}
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s | %s | %s |\n", m.party, m.Name, presetCell(m.Preset), m.Requirement, strings.ReplaceAll(m.What, "|", `\|`), cell.killed, cell.time)
	}
	b.WriteString("\n" + killTableEnd)
	return b.String()
}

// killRow is one row of the kill table.
type killRow struct {
	party, defect, preset, requirement, what, killed, time string
}

// killTableRows returns the table's rows, their columns found by the header: a table written
// before a column existed reads as without it (the preset then is every preset's).
func killTableRows(table string) []killRow {
	var rows []killRow
	columns := map[string]int{}
	cellsOf := func(line string) []string {
		cells := strings.Split(strings.Trim(line, "|"), " | ")
		for i := range cells {
			cells[i] = strings.Trim(strings.TrimSpace(cells[i]), "`")
		}
		return cells
	}
	for _, line := range strings.Split(table, "\n") {
		if strings.HasPrefix(line, "| party ") {
			for i, name := range cellsOf(line) {
				columns[name] = i
			}
			continue
		}
		cells := cellsOf(line)
		if !strings.HasPrefix(line, "| ") || len(cells) < 5 {
			continue
		}
		cell := func(name string) string {
			if i, ok := columns[name]; ok && i < len(cells) {
				return cells[i]
			}
			return ""
		}
		row := killRow{party: cell("party"), defect: cell("defect"), preset: cell("preset"), requirement: cell("requirement"),
			what: cell("the mistake"), killed: cell("killed"), time: cell("verdict in")}
		if row.preset == "" {
			row.preset = everyPreset
		}
		rows = append(rows, row)
	}
	return rows
}

func readKillTable(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	begin, end := bytes.Index(b, []byte(killTableBegin)), bytes.Index(b, []byte(killTableEnd))
	require.True(t, begin >= 0 && end > begin, "README.md has no kill table between %q and %q", killTableBegin, killTableEnd)
	return string(b[begin : end+len(killTableEnd)])
}

func writeKillTable(t *testing.T, table string) {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	old := readKillTable(t)
	require.NoError(t, os.WriteFile("../README.md", bytes.Replace(b, []byte(old), []byte(table), 1), 0o644))
}

// The kill test's closing line names the slowest verdicts, slowest first, and those over a
// minute.
func TestSlowestKillsNamesTheSlowestFirst(t *testing.T) {
	results := map[string]killResult{
		"wallet/a/REQ-X-001":   {killed: true, elapsed: 12 * time.Second},
		"merchant/b/REQ-X-002": {killed: true, elapsed: 61 * time.Second},
		"wallet/c/REQ-X-003":   {killed: true, elapsed: 3 * time.Second},
	}
	assert.Equal(t, "the 2 slowest verdicts: merchant/b/REQ-X-002 61 s, wallet/a/REQ-X-001 12 s; over 1m0s (machine load counts: see uptime): merchant/b/REQ-X-002",
		slowestKills(results, 2))
}

// The kill table shows each defect's preset and kill's time, and a defect no run has reached
// as not run yet.
func TestKillTableShowsEachKillsTime(t *testing.T) {
	all := []mutant{
		{party: "wallet", defectEntry: defectEntry{Name: "a", Requirement: "REQ-X-001", What: "one | two"}},
		{party: "wallet", defectEntry: defectEntry{Name: "b", Requirement: "REQ-X-002", What: "three", Preset: "v2"}},
	}
	table := killTable(all, map[string]killCell{"wallet/a/REQ-X-001": {killed: "yes", time: "7 s"}})
	assert.Contains(t, table, "1 of 2 defects killed (1 not run yet)")
	assert.Contains(t, table, "| wallet | `a` | all | REQ-X-001 | one \\| two | yes | 7 s |\n")
	assert.Contains(t, table, "| wallet | `b` | v2 | REQ-X-002 | three | not run yet | – |\n")
	rows := killTableRows(table)
	require.Len(t, rows, 2)
	assert.Equal(t, killRow{"wallet", "a", "all", "REQ-X-001", "one \\| two", "yes", "7 s"}, rows[0])
	assert.Equal(t, killRow{"wallet", "b", "v2", "REQ-X-002", "three", notRun, "–"}, rows[1])
}

// A table written before the preset column reads as every preset's, its other cells in place.
func TestKillTableRowsReadsATableWithoutPresets(t *testing.T) {
	old := "| party | defect | requirement | the mistake | killed | verdict in |\n|---|---|---|---|---|---|\n" +
		"| merchant | `x` | REQ-X-003 | four | yes | 3 s |\n"
	assert.Equal(t, []killRow{{"merchant", "x", "all", "REQ-X-003", "four", "yes", "3 s"}}, killTableRows(old))
}

// Each preset a defect shows under gets a run of the correct party under it; defects of every
// preset run under the kit's, without --dialect.
func TestCorrectRunsPerPreset(t *testing.T) {
	all := []mutant{
		{party: "wallet", defectEntry: defectEntry{Name: "a"}},
		{party: "merchant", defectEntry: defectEntry{Name: "b", Preset: "v2"}},
		{party: "wallet", defectEntry: defectEntry{Name: "c", Preset: "v2"}},
		{party: "wallet", defectEntry: defectEntry{Name: "d", Preset: "v2"}},
		{party: "wallet", defectEntry: defectEntry{Name: "e", Preset: "v1-qi"}},
	}
	var got []string
	for _, c := range correctRuns(all) {
		got = append(got, correctName(c.party, c.Preset)+" "+strings.Join(dialectArgs(c.Preset), " "))
	}
	assert.Equal(t, []string{"wallet/correct ", "wallet/correct-under-v2 --dialect v2", "wallet/correct-under-v1-qi --dialect v1-qi",
		"merchant/correct-under-v2 --dialect v2"}, got)
}

// Each party's catalog, as --list-defects prints it, holds at least 6 defects that show only
// under one dialect preset (issue 18), each naming a preset the kit knows (catalogs checks
// that) other than the kit's own.
func TestCatalogsNameTheirPresets(t *testing.T) {
	for _, p := range catalogParties {
		var shown []string
		for _, m := range catalogs(t, p.party) {
			if m.Preset != "" {
				assert.NotEqual(t, dialect.Default, m.Preset, "%s: a defect of the kit preset shows under every preset: leave its preset empty", m.Name)
				shown = append(shown, m.Preset+":"+m.Name)
			}
		}
		assert.GreaterOrEqual(t, len(shown), 6, "%s defects shown under one preset: %v", p.command, shown)
	}
}

// A dialect defect the dialect probe stops counts as killed; a defect of every preset, or a
// run that stopped for another reason, does not.
func TestStoppedByDialectProbe(t *testing.T) {
	probeStop := result{code: exitUsage, stderr: "tradepaykit verify-wallet: target speaks another dialect: the wallet likely speaks kit"}
	dialectDefect := mutant{party: "wallet", defectEntry: defectEntry{Name: "a", Preset: "v2"}}
	assert.True(t, stoppedByDialectProbe(dialectDefect, probeStop))
	assert.False(t, stoppedByDialectProbe(mutant{party: "wallet", defectEntry: defectEntry{Name: "b"}}, probeStop), "a defect of every preset")
	assert.False(t, stoppedByDialectProbe(dialectDefect, result{code: exitUsage, stderr: "target not reachable"}))
	assert.False(t, stoppedByDialectProbe(dialectDefect, result{code: exitFail, stderr: probeStop.stderr}))

	all := []mutant{dialectDefect}
	table := killTable(all, map[string]killCell{"wallet/a/": {killed: killedByProbe, time: "0 s"}})
	assert.Contains(t, table, "1 of 1 defects killed.")
	assert.Contains(t, table, "| wallet | `a` | v2 |  |  | yes (dialect probe, and the scenarios without it) | 0 s |")
}
