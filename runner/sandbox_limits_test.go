package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/wallet/sqlitestore"
)

// The sandbox holds: a burst of idle connections under a low open-file limit, a second mock
// on a data file, a data file on a read-only mount.

// TestWalletMockServesThroughAnIdleConnectionBurst starts wallet-mock under a limit of 1,024
// open files and opens 1,100 connections to it that send nothing: the mock must still answer
// a request at once. Without a bound below the file limit, accept fails with EMFILE until the
// idle connections time out (10 s), and the request waits that long.
func TestWalletMockServesThroughAnIdleConnectionBurst(t *testing.T) {
	t.Parallel()
	const limit, burst = 1024, 1100
	mock := startMockCommand(t, exec.Command("sh", "-c", fmt.Sprintf(`ulimit -n %d && exec "$0" "$@"`, limit),
		kitBinary, "wallet-mock", "--listen", "127.0.0.1:0"))
	addr := strings.TrimPrefix(mock.url, "http://")
	conns := make([]net.Conn, 0, burst)
	defer func() {
		for _, c := range conns {
			_ = c.Close()
		}
	}()
	for range burst {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		require.NoError(t, err, "the kernel queues connections the mock has not accepted")
		conns = append(conns, c)
	}
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	start := time.Now()
	resp, err := client.Get(mock.url + "/conformance/payments/nothing")
	require.NoError(t, err, "the mock answers during the burst (after %s)\n%s", time.Since(start), mock.output())
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	t.Logf("answered after %s with %d idle connections open", time.Since(start), burst)
	mock.stop(t)
}

// runMock runs wallet-mock to its end (it must end by itself) and returns its exit code and
// output.
func runMock(t *testing.T, cmd *exec.Cmd) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := exec.CommandContext(ctx, cmd.Path, cmd.Args[1:]...)
	out, err := c.CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), string(out)
	}
	require.NoError(t, err, string(out))
	return 0, string(out)
}

// TestWalletMockTakesItsDataFileAlone starts a second mock on the data file of a running one:
// it exits 2 and names the file and the process holding it.
func TestWalletMockTakesItsDataFileAlone(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "wallet.db")
	first := startMockProcess(t, "--listen", "127.0.0.1:0", "--data", data)
	code, out := runMock(t, exec.Command(kitBinary, "wallet-mock", "--listen", "127.0.0.1:0", "--data", data))
	assert.Equal(t, exitUsage, code, out)
	assert.Contains(t, out, data)
	assert.Contains(t, out, fmt.Sprintf("in use by another wallet mock (process %d)", first.cmd.Process.Pid))
	first.stop(t)
	again := startMockProcess(t, "--listen", "127.0.0.1:0", "--data", data)
	again.stop(t)
}

// TestWalletMockRefusesADataFileOnAReadOnlyMount mounts the data file's directory read-only
// in a mount namespace of its own (root and unshare(1) needed): the mock exits 2, says the
// file is on a read-only file system, and the file keeps every byte.
func TestWalletMockRefusesADataFileOnAReadOnlyMount(t *testing.T) {
	t.Parallel()
	unshare, err := exec.LookPath("unshare")
	if err != nil || os.Geteuid() != 0 {
		t.Skip("needs root and unshare(1) to mount a directory read-only")
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "wallet.db")
	st, err := sqlitestore.Open(data)
	require.NoError(t, err)
	require.NoError(t, st.SaveClockOffset(time.Hour))
	require.NoError(t, st.Close())
	before, err := os.ReadFile(data)
	require.NoError(t, err)
	script := `mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && exec "$0" wallet-mock --listen 127.0.0.1:0 --data "$1/wallet.db"`
	code, out := runMock(t, exec.Command(unshare, "-m", "--propagation", "private", "sh", "-c", script, kitBinary, dir))
	assert.Equal(t, exitUsage, code, out)
	assert.Contains(t, out, data)
	assert.Contains(t, out, "read-only file system")
	after, err := os.ReadFile(data)
	require.NoError(t, err)
	assert.Equal(t, sha256.Sum256(before), sha256.Sum256(after), "the refused file keeps every byte")
}
