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
)

// The mutation kill test (issue 9, "A mutation catalog kept in the repository"): the wallet
// mock and the reference merchant each carry a catalog of deliberate protocol mistakes
// (wallet-mock / reference-merchant --list-defects). Every defective party, started as a
// process with the extension-less profile, must be caught: verify-wallet / verify-merchant
// with kit:wallet-bare / kit:merchant-bare exits 1 and names the defect's requirement among
// the failed ones. The correct parties pass under the same profiles. It takes minutes, so it
// runs with -mutants only: `make mutants`, which .ci/run runs after `make test`.

var (
	mutants         = flag.Bool("mutants", false, "run the mutation kill test (make mutants): every catalog defect against verify-wallet / verify-merchant")
	killTableUpdate = flag.Bool("kill-table-update", false, "with -mutants: rewrite README.md's kill table from this run")
	mutantsParty    = flag.String("mutants-party", "", "with -mutants: only this party's catalog (wallet or merchant); the kill table is then not checked")
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

// runWallet starts wallet-mock with the bare profile and the defects given, and verifies it
// with the bare profile. The kit's merchant's port is bound first, so the mock has the
// kit's notify URL registered (the scenarios whose orderStr names no notify_url run).
func runWallet(t *testing.T, defects ...string) result {
	return runWalletAs(t, "kit:wallet-bare", defects...)
}

// runWalletAs is runWallet under another profile: kit:wallet-mock for a defect only clock
// control shows (its catalog entry says "needs": "@clock").
func runWalletAs(t *testing.T, profile string, defects ...string) result {
	ln, base := walletListener(t)
	args := []string{"wallet-mock", "--listen", "127.0.0.1:0", "--notify-timeout", "2s", "--profile", profile,
		"--notify-url", base + "/v1/payments/notifyPayment"}
	for _, d := range defects {
		args = append(args, "--defect", d)
	}
	w := startParty(t, args...)
	return verifyWithin(t, mutantTimeout, []*os.File{ln}, "verify-wallet", "--wallet-url", w.url, "--profile", profile,
		"--notify-listen", "fd:3", "--notify-url-registered")
}

// runMerchant starts reference-merchant with the defects given, pointed at the kit's wallet,
// and verifies it with the bare profile.
func runMerchant(t *testing.T, defects ...string) result {
	ln, walletURL := walletListener(t)
	args := []string{"reference-merchant", "--listen", "127.0.0.1:0", "--wallet-url", walletURL}
	for _, d := range defects {
		args = append(args, "--defect", d)
	}
	m := startParty(t, args...)
	return verifyWithin(t, mutantTimeout, []*os.File{ln}, "verify-merchant", "--merchant-url", m.url, "--wallet-listen", "fd:3",
		"--notify-timeout", "2s", "--profile", "kit:merchant-bare")
}

func runParty(t *testing.T, party string, defects ...string) result {
	if party == "wallet" {
		return runWallet(t, defects...)
	}
	return runMerchant(t, defects...)
}

// TestMutantsAreKilled is the kill test. Run it with -parallel 2 (two defects at a time).
func TestMutantsAreKilled(t *testing.T) {
	if !*mutants {
		t.Skip("the mutation kill test runs with -mutants: make mutants")
	}
	start := time.Now()
	all := catalogs(t, *mutantsParty)
	require.NotEmpty(t, all, "-mutants-party %q: want wallet or merchant", *mutantsParty)
	var mu sync.Mutex
	results := map[string]killResult{}
	t.Run("parties", func(t *testing.T) {
		for _, p := range catalogParties {
			if *mutantsParty != "" && p.party != *mutantsParty {
				continue
			}
			t.Run(p.party+"/correct", func(t *testing.T) {
				t.Parallel()
				r := runParty(t, p.party)
				assert.Equal(t, exitPass, r.code, "the correct %s passes under the bare profile, with no expected failures\n%s", p.party, r.String())
			})
		}
		for _, m := range all {
			t.Run(m.party+"/"+m.Name, func(t *testing.T) {
				t.Parallel()
				var r result
				if m.Needs == "@clock" {
					// The one blind spot a bare wallet keeps (issue 16): caught on the kit's clock.
					r = runWalletAs(t, "kit:wallet-mock", m.Name)
				} else {
					r = runParty(t, m.party, m.Name)
				}
				failed := failedRequirements(t, r)
				k := killResult{killed: r.code == exitFail && slices.Contains(failed, m.Requirement), elapsed: r.elapsed}
				if !k.killed {
					k.detail = fmt.Sprintf("exit %d; failed: %s", r.code, strings.Join(failed, ", "))
				}
				mu.Lock()
				results[m.key()] = k
				mu.Unlock()
				assert.True(t, k.killed, "%s --defect %s (%s) must fail %s: %s\n%s", m.party, m.Name, m.What, m.Requirement, k.detail, r.String())
			})
		}
	})
	killed := 0
	cells := knownCells(t)
	for key, k := range results {
		cells[key] = killCell{killed: "yes", time: killTime(k.elapsed)}
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
	if len(results) < len(all) || *mutantsParty != "" {
		return // a subset ran (-run, -mutants-party): the table is about both whole catalogs
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
		c := killCell{killed: row[4]}
		if len(row) > 5 {
			c.time = row[5]
		}
		cells[row[0]+"/"+row[1]+"/"+row[2]] = c
	}
	return cells
}

// TestKillTableListsTheCatalogs keeps the README's kill table in step with the catalogs in
// every `make test`: one row per defect, with its party and requirement, in catalog order.
// Whether each is killed is the kill test's business.
func TestKillTableListsTheCatalogs(t *testing.T) {
	var want, got []string
	for _, m := range catalogs(t, "") {
		want = append(want, strings.Join([]string{m.party, m.Name, m.Requirement}, " "))
	}
	if *killTableUpdate {
		// New defects are listed as not run yet; make mutants KILL_TABLE_UPDATE=1 runs them.
		writeKillTable(t, killTable(catalogs(t, ""), knownCells(t)))
	}
	for _, row := range killTableRows(readKillTable(t)) {
		got = append(got, strings.Join(row[:3], " "))
	}
	assert.Equal(t, want, got, "README.md's kill table does not list the catalogs (party defect requirement): make kill-table")
}

// notRun is the killed column of a defect no kill test has run yet.
const notRun = "not run yet"

// killTable renders the kill table: cells holds the killed and time columns by
// party/defect/requirement.
func killTable(all []mutant, cells map[string]killCell) string {
	var b strings.Builder
	killed, unrun := 0, 0
	for _, m := range all {
		switch cells[m.key()].killed {
		case "yes":
			killed++
		case "", notRun:
			unrun++
		}
	}
	fmt.Fprintf(&b, "%s\n\n%d of %d defects killed", killTableBegin, killed, len(all))
	if unrun > 0 {
		fmt.Fprintf(&b, " (%d not run yet)", unrun)
	}
	b.WriteString(".\n\n| party | defect | requirement | the mistake | killed | verdict in |\n|---|---|---|---|---|---|\n")
	for _, m := range all {
		cell := cells[m.key()]
		if cell.killed == "" || cell.killed == notRun {
			cell = killCell{killed: notRun, time: "–"}
		}
		if cell.time == "" {
			cell.time = "–"
		}
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s | %s |\n", m.party, m.Name, m.Requirement, strings.ReplaceAll(m.What, "|", `\|`), cell.killed, cell.time)
	}
	b.WriteString("\n" + killTableEnd)
	return b.String()
}

// killTableRows returns the cells of the table's rows: party, defect, requirement, mistake,
// killed and, once the table has it, the verdict's time.
func killTableRows(table string) [][]string {
	var rows [][]string
	for _, line := range strings.Split(table, "\n") {
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| party ") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), " | ")
		for i := range cells {
			cells[i] = strings.Trim(strings.TrimSpace(cells[i]), "`")
		}
		if len(cells) >= 5 {
			rows = append(rows, cells)
		}
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

// The kill table shows each kill's time, and a defect no run has reached as not run yet.
func TestKillTableShowsEachKillsTime(t *testing.T) {
	all := []mutant{
		{party: "wallet", defectEntry: defectEntry{Name: "a", Requirement: "REQ-X-001", What: "one | two"}},
		{party: "wallet", defectEntry: defectEntry{Name: "b", Requirement: "REQ-X-002", What: "three"}},
	}
	table := killTable(all, map[string]killCell{"wallet/a/REQ-X-001": {killed: "yes", time: "7 s"}})
	assert.Contains(t, table, "| wallet | `a` | REQ-X-001 | one \\| two | yes | 7 s |\n")
	assert.Contains(t, table, "| wallet | `b` | REQ-X-002 | three | not run yet | – |\n")
	rows := killTableRows(table)
	require.Len(t, rows, 2)
	assert.Equal(t, []string{"wallet", "a", "REQ-X-001", "one \\| two", "yes", "7 s"}, rows[0])
}
