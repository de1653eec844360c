package features

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/cucumber/godog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the requirement list of ../README.md from README.md")

// The top-level README's list of requirements sits between these two lines.
const (
	listBegin = "<!-- requirements: generated from features/README.md by `go test ./features -update`; edit features/README.md, not this list -->"
	listEnd   = "<!-- end of requirements -->"
)

var requirementID = regexp.MustCompile(`^REQ-[A-Z]+(-[A-Z]+)*-[0-9]{3}$`)

// requirementRow is one row of a requirement table of README.md.
type requirementRow struct {
	id, text string
	should   bool
}

// readmeRequirements returns the rows "| REQ-... | text |" of README.md's tables, in order.
func readmeRequirements(t *testing.T) []requirementRow {
	t.Helper()
	var rows []requirementRow
	for i, line := range strings.Split(README, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "| REQ-") {
			continue
		}
		cells := strings.SplitN(strings.Trim(line, "|"), "|", 2)
		require.Len(t, cells, 2, "features/README.md line %d: want | id | requirement |", i+1)
		id, text := strings.TrimSpace(cells[0]), strings.TrimSpace(cells[1])
		require.Regexp(t, requirementID, id, "features/README.md line %d: a requirement id is REQ-AREA-NNN", i+1)
		require.NotEmpty(t, text, "features/README.md line %d: %s has no text", i+1, id)
		rows = append(rows, requirementRow{id: id, text: text, should: strings.HasPrefix(text, "SHOULD")})
	}
	return rows
}

// requirementList is the block of the top-level README that lists every requirement.
func requirementList(rows []requirementRow) string {
	var b strings.Builder
	b.WriteString(listBegin + "\n\n| id | level | requirement |\n|---|---|---|\n")
	for _, r := range rows {
		level := "MUST"
		if r.should {
			level = "SHOULD"
		}
		text := strings.TrimSpace(strings.TrimPrefix(r.text, "SHOULD:"))
		fmt.Fprintf(&b, "| %s | %s | %s%s |\n", r.id, level, strings.ToUpper(text[:1]), text[1:])
	}
	b.WriteString("\n" + listEnd)
	return b.String()
}

// TestRequirementsInStep keeps the three places a requirement lives in step: its row in
// README.md (the text the reports show), the list of every requirement in the top-level
// README.md, and the @REQ tags of the scenarios that check it. Every tagged id has a row,
// every row is tagged, the list is the rows, and a SHOULD requirement (its text starts with
// "SHOULD:") is checked only by scenarios tagged @should and the other way round.
func TestRequirementsInStep(t *testing.T) {
	rows := readmeRequirements(t)
	require.NotEmpty(t, rows)
	byID := map[string]requirementRow{}
	for _, r := range rows {
		_, dup := byID[r.id]
		assert.False(t, dup, "features/README.md lists %s twice", r.id)
		byID[r.id] = r
	}

	tagged := map[string][]string{} // id -> scenarios
	for _, s := range scenarios(t) {
		where := fmt.Sprintf("%s: %q", s.Uri, s.Name)
		var ids []string
		should := false
		for _, tag := range s.Tags {
			switch {
			case strings.HasPrefix(tag.Name, "@REQ-"):
				ids = append(ids, strings.TrimPrefix(tag.Name, "@"))
			case tag.Name == "@should":
				should = true
			}
		}
		assert.NotEmpty(t, ids, "%s names no requirement (@REQ-...)", where)
		for _, id := range ids {
			tagged[id] = append(tagged[id], where)
			r, listed := byID[id]
			if !assert.True(t, listed, "%s is tagged @%s, which features/README.md does not list", where, id) {
				continue
			}
			if should {
				assert.True(t, r.should, "%s is tagged @should but %s is a MUST (its text in features/README.md does not start with SHOULD:)", where, id)
			} else {
				assert.False(t, r.should, "%s checks %s, a SHOULD, without the @should tag", where, id)
			}
		}
	}
	for _, r := range rows {
		assert.NotEmpty(t, tagged[r.id], "features/README.md lists %s, but no scenario is tagged @%s", r.id, r.id)
	}

	path := "../README.md"
	top, err := os.ReadFile(path)
	require.NoError(t, err)
	begin, end := bytes.Index(top, []byte(listBegin)), bytes.Index(top, []byte(listEnd))
	require.True(t, begin >= 0 && end > begin, "README.md has no requirement list between %q and %q", listBegin, listEnd)
	want := requirementList(rows)
	got := string(top[begin : end+len(listEnd)])
	if *update {
		out := append(append(append([]byte(nil), top[:begin]...), want...), top[end+len(listEnd):]...)
		require.NoError(t, os.WriteFile(path, out, 0o644))
		return
	}
	if want != got {
		t.Errorf("README.md's requirement list is not features/README.md's tables: run go test ./features -update\n%s", lineDiff(want, got))
	}
}

// lineDiff lists the lines only one of want and got has, as "-want" and "+got".
func lineDiff(want, got string) string {
	count := map[string]int{}
	for _, l := range strings.Split(got, "\n") {
		count[l]++
	}
	var out []string
	for _, l := range strings.Split(want, "\n") {
		if count[l] > 0 {
			count[l]--
			continue
		}
		out = append(out, "-"+l)
	}
	for _, l := range strings.Split(got, "\n") {
		if count[l] > 0 {
			count[l]--
			out = append(out, "+"+l)
		}
	}
	return strings.Join(out, "\n")
}

// scenarios returns every scenario of the features as the runner sees it: one per Examples
// row, with the tags of its feature, its rule, itself and its Examples.
func scenarios(t *testing.T) []*godog.Scenario {
	t.Helper()
	var out []*godog.Scenario
	var log bytes.Buffer
	status := godog.TestSuite{
		Name: "requirements",
		ScenarioInitializer: func(sc *godog.ScenarioContext) {
			sc.Before(func(ctx context.Context, s *godog.Scenario) (context.Context, error) {
				out = append(out, s)
				return ctx, godog.ErrSkip
			})
		},
		Options: &godog.Options{Format: "progress", FS: FS, Paths: []string{"."}, Output: &log, NoColors: true},
	}.Run()
	require.NotEmpty(t, out, "no scenario read (godog status %d):\n%s", status, log.String())
	sort.Slice(out, func(i, j int) bool { return out[i].Uri+out[i].Name < out[j].Uri+out[j].Name })
	return out
}
