package steps

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recordingT keeps what testify reports.
type recordingT struct{ msgs []string }

func (r *recordingT) Errorf(format string, args ...any) {
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}

// TestCleanCheckKeepsExpectedAndGot: a failed check reads as what was expected, what came and
// why, without testify's trace through the step definitions and without the diff that says
// the same again.
func TestCleanCheckKeepsExpectedAndGot(t *testing.T) {
	rec := &recordingT{}
	assert.Equal(rec, "PENDING", "PAID", "status of order %s", "O1")
	assert.NoError(rec, fmt.Errorf("POST http://127.0.0.1:1/conformance/orders: connection refused"))
	if assert.Len(t, rec.msgs, 2) {
		assert.Contains(t, rec.msgs[0], "Error Trace:", "testify's own message")
		assert.Equal(t, "Not equal:\nexpected: \"PENDING\"\nactual  : \"PAID\"\n(status of order O1)", cleanCheck("%s", rec.msgs[0]))
		assert.Equal(t, "Received unexpected error:\nPOST http://127.0.0.1:1/conformance/orders: connection refused", cleanCheck("%s", rec.msgs[1]))
	}
	assert.Equal(t, "plain", cleanCheck("plain %s", ""), "a message that is not testify's is kept")
}

// TestJoinChecksShowsTheFirstThree: a step that fails 20 deliveries the same way reports
// three and how many more.
func TestJoinChecksShowsTheFirstThree(t *testing.T) {
	assert.Equal(t, "a\nb", joinChecks([]string{"a", "b"}))
	assert.Equal(t, "1\n2\n3\n... and 17 more checks failed", joinChecks(strings.Split("1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20", " ")))
}

// TestStepsAssertOnChecks: a step that asserted on godog.T(ctx) would, under go test
// (runner/kittest), print its failure twice with testify's trace; checks(ctx) is the one way.
func TestStepsAssertOnChecks(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "checks.go" {
			continue
		}
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		for i, line := range strings.Split(string(b), "\n") {
			assert.NotContains(t, line, "godog.T(", "%s:%d: assert on checks(ctx)", f, i+1)
		}
	}
}
