//go:build linux

package main

import (
	"io"
	"os"
	"syscall"
)

// detachStdout keeps the runner's standard output for the runner alone while a run goes on:
// godog prints each failed check with fmt.Printf and libpact_ffi prints its whole report on
// file descriptor 1, both besides handing the same text to the runner, which reports it in
// its own form. When w is the process's standard output, detachStdout returns a writer on a
// copy of it and points descriptor 1 at /dev/null until restore is called; any other w is
// returned as it is.
func detachStdout(w io.Writer) (out io.Writer, restore func()) {
	f, ok := w.(*os.File)
	if !ok || f.Fd() != 1 {
		return w, func() {}
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return w, func() {}
	}
	defer devnull.Close()
	saved, err := syscall.Dup(1)
	if err != nil {
		return w, func() {}
	}
	if err := syscall.Dup3(int(devnull.Fd()), 1, 0); err != nil {
		_ = syscall.Close(saved)
		return w, func() {}
	}
	copyOut := os.NewFile(uintptr(saved), "stdout")
	return copyOut, func() {
		_ = syscall.Dup3(saved, 1, 0)
		_ = copyOut.Close()
	}
}
