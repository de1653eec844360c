package steps

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEveryStepPatternIsCompiledOnce: a step registered with a string pattern works, but
// godog compiles it again for every scenario. Register steps as sc.Step(sc.pattern(...), fn).
func TestEveryStepPatternIsCompiledOnce(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	plain := regexp.MustCompile("sc\\.Step\\([^s]")
	for _, f := range files {
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		assert.Empty(t, plain.FindAllString(string(src), -1), "%s: a step pattern passed as a string", f)
	}
}

func TestStepPatternsCompileEachPatternOnce(t *testing.T) {
	var p stepPatterns
	a, b := p.compile(`^a (\d+)$`), p.compile(`^a (\d+)$`)
	assert.Same(t, a, b)
	assert.NotSame(t, a, p.compile(`^b$`))
	assert.Panics(t, func() { p.compile(`^(unclosed$`) })
}
