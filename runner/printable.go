package main

import (
	"io"
	"sync"
	"unicode/utf8"
)

// Text a target sends (a merchant's error message, a wallet's resultMessage, a pact
// mismatch) reaches the runner's output. A terminal would obey the control characters in it:
// clear the screen, move the cursor, retitle the window. The runner prints such text without
// them.

// printableWriter drops C0 control characters but tab and newline, DEL, and C1 control
// characters (U+0080 to U+009F) from what it writes; everything else passes unchanged,
// invalid UTF-8 included. With keepColors, colour sequences (ESC [ digits and semicolons m)
// pass whole: godog's pretty output on a terminal colours its lines that way, and a colour
// can neither clear a screen nor retitle a window. It is safe for concurrent use.
type printableWriter struct {
	w          io.Writer
	keepColors bool
	mu         sync.Mutex
	// pending holds the start of a UTF-8 sequence or colour sequence that a write split.
	pending []byte
}

// printable wraps w.
func printable(w io.Writer) io.Writer { return &printableWriter{w: w} }

// printableWithColors wraps w, letting colour sequences through.
func printableWithColors(w io.Writer) io.Writer { return &printableWriter{w: w, keepColors: true} }

func (p *printableWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	in := b
	if len(p.pending) > 0 {
		in = append(p.pending, b...)
		p.pending = nil
	}
	out := make([]byte, 0, len(in))
	for i := 0; i < len(in); {
		c := in[i]
		switch {
		case c == 0x1b && p.keepColors:
			n, complete := colorSequence(in[i:])
			switch {
			case n > 0:
				out = append(out, in[i:i+n]...)
				i += n
			case !complete:
				p.pending = append([]byte(nil), in[i:]...)
				i = len(in)
			default:
				i++ // not a colour: the ESC goes, the rest is printed as text
			}
		case c == '\n' || c == '\t':
			out = append(out, c)
			i++
		case c < 0x20 || c == 0x7f:
			i++
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			if !utf8.FullRune(in[i:]) {
				p.pending = append([]byte(nil), in[i:]...)
				i = len(in)
				continue
			}
			r, size := utf8.DecodeRune(in[i:])
			if r >= 0x80 && r <= 0x9f {
				i += size
				continue
			}
			out = append(out, in[i:i+size]...)
			i += size
		}
	}
	if _, err := p.w.Write(out); err != nil {
		return 0, err
	}
	return len(b), nil
}

// colorSequence reports the length of the colour sequence (ESC [ [0-9;]* m) at the start of b,
// 0 when b starts with something else, and whether b was long enough to tell.
func colorSequence(b []byte) (n int, complete bool) {
	const maxLen = 32
	if len(b) < 2 {
		return 0, false
	}
	if b[1] != '[' {
		return 0, true
	}
	for i := 2; i < len(b) && i < maxLen; i++ {
		switch c := b[i]; {
		case c == 'm':
			return i + 1, true
		case c == ';' || ('0' <= c && c <= '9'):
		default:
			return 0, true
		}
	}
	return 0, len(b) >= maxLen
}
