package main

import (
	"bytes"
	"io"
	"sync"
)

// godog's colour handling decides how fast a run writes its reports. With NoColors set, godog
// wraps every formatter's writer, the Cucumber JSON file included, in a filter that writes
// one rune per write call: a self-test's Cucumber JSON took a tenth of the run's CPU in
// write system calls. With colours on, the wrapper passes writes through (on every platform
// but Windows, where it interprets the escapes), so the runner asks godog for colours and
// strips them itself, in one pass per write, from the only output that has any: the pretty
// format on a stdout that is not a terminal.

// godogOutput returns the writer for godog's pretty output: stdout, without colour escapes
// unless stdout is a terminal.
func godogOutput(stdout io.Writer, noColor bool) io.Writer {
	if !noColor {
		return stdout
	}
	return &ansiStripper{w: stdout}
}

// ansiStripper drops ANSI control sequences (ESC [ ... final letter) from what it writes,
// including a sequence split between two writes.
type ansiStripper struct {
	w       io.Writer
	pending []byte // the start of a sequence that the last write cut off
}

func (s *ansiStripper) Write(p []byte) (int, error) {
	data := p
	if len(s.pending) > 0 {
		data = append(s.pending, p...)
		s.pending = nil
	}
	out := make([]byte, 0, len(data))
	for len(data) > 0 {
		i := bytes.IndexByte(data, 0x1b)
		if i < 0 {
			out = append(out, data...)
			break
		}
		out = append(out, data[:i]...)
		data = data[i:]
		if len(data) < 2 {
			s.pending = append(s.pending, data...)
			break
		}
		if data[1] != '[' {
			out = append(out, data[:2]...)
			data = data[2:]
			continue
		}
		end := bytes.IndexFunc(data[2:], func(r rune) bool { return r == '@' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') })
		if end < 0 {
			s.pending = append(s.pending, data...)
			break
		}
		data = data[2+end+1:]
	}
	if _, err := s.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// serialWriter serializes writes to w under mu.
type serialWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *serialWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
