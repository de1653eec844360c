//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package sqlitestore

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestOpenErrorsSayWhy maps the errors of opening a data file for writing to their causes,
// which a root test run cannot provoke with permissions (root writes anything).
func TestOpenErrorsSayWhy(t *testing.T) {
	existing := filepath.Join(t.TempDir(), "wallet.db")
	if err := os.WriteFile(existing, nil, 0o444); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "gone", "wallet.db")
	for _, c := range []struct {
		path string
		err  error
		want string
	}{
		{existing, syscall.EACCES, "read-only: no permission to write it"},
		{existing, syscall.EROFS, "read-only file system"},
		{existing, syscall.EISDIR, "is a directory"},
		{missing, syscall.ENOENT, "directory " + filepath.Dir(missing) + " does not exist"},
	} {
		err := openError(c.path, &os.PathError{Op: "open", Path: c.path, Err: c.err})
		assert.Contains(t, err.Error(), c.want, c.err.Error())
	}
}
