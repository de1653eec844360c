package kittest

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestScenarioNamesWorkInGoTestRun: each scenario is a subtest named after it, and a merchant
// pastes that name into go test -run, which reads it as a regular expression split at "/":
// a name with a "/" or a metacharacter that does not match itself (parentheses, "+", "*"...)
// would select nothing. go test writes spaces as underscores.
func TestScenarioNamesWorkInGoTestRun(t *testing.T) {
	list := listScenarios("@merchant,@wallet")
	require.Greater(t, len(list), 100, "every scenario of both sides")
	for _, sc := range list {
		name := strings.ReplaceAll(sc.Name, " ", "_")
		assert.NotContains(t, name, "/", "%s (%s)", sc.Name, sc.Feature)
		re, err := regexp.Compile("^(?:" + name + ")$")
		if assert.NoError(t, err, "%s (%s)", sc.Name, sc.Feature) {
			assert.True(t, re.MatchString(name), "go test -run %q selects nothing: %s", name, sc.Feature)
		}
	}
}
