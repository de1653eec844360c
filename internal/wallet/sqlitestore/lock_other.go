//go:build !(linux || darwin || dragonfly || freebsd || netbsd || openbsd)

package sqlitestore

import (
	"errors"
	"os"
)

// lockFile opens the data file without a lock of its own (this system has no flock): one
// mock per file is the user's to keep.
func lockFile(path string) (*os.File, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, errors.New("is a directory, not a file")
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrPermission) {
			return nil, errors.New("read-only: no permission to write it, and the mock writes to its data file")
		}
		return nil, err
	}
	return f, nil
}
