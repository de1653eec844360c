package kittest_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// heavy are modules a user's `go test` must not compile through the kit's library packages:
// SQLite is about half of a cold build, and only `wallet-mock --data` uses it.
var heavy = []string{"modernc.org/sqlite"}

// TestLibraryPackagesStayLight lists the dependencies of every package of the module but
// the command (runner) and the SQLite back end it alone links: none may reach a heavy
// module. kittest, which a user's test imports, is among them.
func TestLibraryPackagesStayLight(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	out, err := exec.Command(goTool, "list", "-f", `{{.ImportPath}} {{join .Deps " "}}`, "github.com/tradepaykit/tradepaykit/...").CombinedOutput()
	require.NoError(t, err, string(out))
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, deps, _ := strings.Cut(line, " ")
		if pkg == "github.com/tradepaykit/tradepaykit/runner" || strings.HasSuffix(pkg, "/internal/wallet/sqlitestore") {
			continue
		}
		checked++
		for _, dep := range strings.Fields(deps) {
			for _, h := range heavy {
				if dep == h || strings.HasPrefix(dep, h+"/") {
					t.Errorf("%s depends on %s: a library package must not link it (only the runner, for --data)", pkg, dep)
				}
			}
		}
	}
	require.Contains(t, string(out), "github.com/tradepaykit/tradepaykit/runner/kittest ", "kittest is listed")
	t.Logf("%d packages checked", checked)
}
