//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package sqlitestore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockFile opens the data file (creating it when absent, without writing to it) and takes
// an exclusive flock on it, which SQLite's own locks (POSIX byte ranges) do not touch. The
// file stays open, holding the lock, until the store closes.
func lockFile(path string) (*os.File, error) {
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		return nil, errors.New("is a directory, not a file")
	case err == nil && !fi.Mode().IsRegular():
		return nil, fmt.Errorf("not a regular file (%s)", fi.Mode().Type())
	}
	exists := err == nil
	var f *os.File
	if exists {
		// Opening for writing changes no byte, and says at once whether it could be written.
		if f, err = os.OpenFile(path, os.O_RDWR, 0); err != nil {
			return nil, openError(path, err)
		}
	}
	// SQLite keeps its write-ahead log and shared index beside the file.
	if dir := filepath.Dir(path); syscall.Access(dir, 2 /* W_OK */) != nil {
		if f != nil {
			_ = f.Close()
		}
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("cannot be created: directory %s does not exist", dir)
		}
		return nil, fmt.Errorf("read-only: its directory %s cannot be written, and the mock keeps its -wal and -shm files beside the data file", dir)
	}
	if !exists {
		if f, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644); err != nil {
			return nil, openError(path, err)
		}
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			if pid := lockHolder(path); pid > 0 {
				return nil, fmt.Errorf("in use by another wallet mock (process %d): one mock per data file", pid)
			}
			return nil, errors.New("in use by another wallet mock (another process holds its lock): one mock per data file")
		}
		return nil, fmt.Errorf("cannot lock it: %w", err)
	}
	return f, nil
}

// openError says why the data file could not be opened for writing.
func openError(path string, err error) error {
	switch {
	case errors.Is(err, syscall.EROFS):
		return errors.New("read-only: it is on a read-only file system (mount), and the mock writes to its data file")
	case errors.Is(err, syscall.EISDIR):
		return errors.New("is a directory, not a file")
	case errors.Is(err, os.ErrPermission):
		if _, serr := os.Stat(path); serr == nil {
			return errors.New("read-only: no permission to write it, and the mock writes to its data file")
		}
		return fmt.Errorf("cannot be created: no permission to write in %s", filepath.Dir(path))
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("cannot be created: directory %s does not exist", filepath.Dir(path))
	}
	return err
}
