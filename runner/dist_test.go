package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The binaries of `make dist` are for wallet vendors and merchants without Go: built without
// cgo, they have no Pact library and verify the contracts through the official Pact CLI
// (`pact verifier`), found on PATH or given by --pact-cli.

// distBinary builds the linux/amd64 binary as `make dist` does (no cgo, -trimpath, stripped),
// with the version and commit given by -ldflags.
func distBinary(t *testing.T) string {
	t.Helper()
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skipf("the linux/amd64 binary runs only on linux/amd64, not %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(t.TempDir(), "tradepaykit")
	build := exec.Command(goTool, "build", "-trimpath", "-ldflags", "-s -w -X main.version=v0.0.0-dist-test -X main.commit=c0ffee", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "building the dist binary:\n%s", out)
	return bin
}

// pathWith returns an environment whose PATH is one fresh directory holding only the given
// programs (as symbolic links): no Go toolchain, no compiler, no shell.
func pathWith(t *testing.T, programs map[string]string) []string {
	t.Helper()
	dir := t.TempDir()
	for name, target := range programs {
		require.NoError(t, os.Symlink(target, filepath.Join(dir, name)))
	}
	_, err := exec.LookPath(filepath.Join(dir, "go"))
	require.Error(t, err, "no go on the PATH")
	return []string{"PATH=" + dir, "HOME=" + t.TempDir(), "PACT_DO_NOT_TRACK=true"}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func TestDistBinaryWithoutGo(t *testing.T) {
	t.Parallel()
	cli := pactCLI(t)
	bin := distBinary(t)

	t.Run("version", func(t *testing.T) {
		out, err := exec.Command(bin, "version").Output()
		require.NoError(t, err)
		assert.Regexp(t, `^tradepaykit v0\.0\.0-dist-test\ncommit  c0ffee\ngo      go1\.\S+ linux/amd64\npacts   the Pact CLI, found on PATH or given by --pact-cli \(no Pact library built in\)\n$`, string(out))
	})

	// Each case runs the wallet mock of the same binary, then verify-wallet against it: the
	// scenarios of one requirement, and the merchant-wallet contract.
	verifyWallet := func(t *testing.T, env []string, extra ...string) result {
		t.Helper()
		wallet := startPartyOf(t, bin, env, nil, "wallet-mock")
		args := append([]string{"verify-wallet", "--wallet-url", wallet.url, "--control-url", wallet.url,
			"--tags", "@REQ-GEN-001", "--pact", "true"}, extra...)
		return verifyWith(t, bin, env, 3*time.Minute, nil, args...)
	}

	t.Run("with the Pact CLI on PATH", func(t *testing.T) {
		t.Parallel()
		r := verifyWallet(t, pathWith(t, map[string]string{"pact": cli}))
		require.Equal(t, exitPass, r.code, r.String())
		assert.Equal(t, "tradepaykit verify-wallet v0.0.0-dist-test, dialect kit", firstLine(r.stdout))
		assert.Regexp(t, `(?m)^pact merchant-wallet\.json\s+20\s+20\s+0 `, r.stdout, "the CLI verified every interaction")
		assert.NotContains(t, r.stdout, "NOT VERIFIED")
	})

	t.Run("with the Pact CLI given by --pact-cli", func(t *testing.T) {
		t.Parallel()
		r := verifyWallet(t, pathWith(t, nil), "--pact-cli", cli)
		require.Equal(t, exitPass, r.code, r.String())
		assert.Equal(t, "tradepaykit verify-wallet v0.0.0-dist-test, dialect kit", firstLine(r.stdout))
		assert.Regexp(t, `(?m)^pact merchant-wallet\.json\s+20\s+20\s+0 `, r.stdout, "the CLI verified every interaction")
	})

	t.Run("without a Pact CLI", func(t *testing.T) {
		t.Parallel()
		env := pathWith(t, nil)
		r := verifyWallet(t, env)
		require.Equal(t, exitPass, r.code, "unverified contracts are a note\n%s", r.String())
		assert.Equal(t, "tradepaykit verify-wallet v0.0.0-dist-test, dialect kit (contracts "+noPactVerifier+")", firstLine(r.stdout))

		r = verifyWallet(t, env, "--require-all")
		require.Equal(t, exitFail, r.code, "--require-all fails a run whose contracts were not verified\n%s", r.String())
		assert.Contains(t, firstLine(r.stdout), noPactVerifier)
		assert.Regexp(t, `(?m)^FAIL: .*\(--require-all: the contracts must be verified; merchant-wallet\.json was not\)$`, r.stdout)
	})
}

func TestPactCLIFlagMustNameAProgram(t *testing.T) {
	var stdout, stderr bytes.Buffer
	missing := filepath.Join(t.TempDir(), "pact")
	code := Run(context.Background(), []string{"verify-wallet", "--wallet-url", "http://127.0.0.1:1", "--pact-cli", missing}, &stdout, &stderr)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr.String(), `--pact-cli "`+missing+`": not an executable Pact CLI`)
}
