package main

import (
	"io"
	"unicode/utf8"
)

// Text a target sends (a merchant's error message, a wallet's resultMessage, a pact
// mismatch) reaches the runner's output. A terminal would obey the control characters in it:
// clear the screen, move the cursor, retitle the window. The runner prints such text without
// them.

// printableWriter drops C0 control characters but tab and newline, DEL, and C1 control
// characters (U+0080 to U+009F) from what it writes; everything else passes unchanged,
// invalid UTF-8 included.
type printableWriter struct {
	w io.Writer
	// pending holds the start of a UTF-8 sequence that a write split.
	pending []byte
}

// printable wraps w.
func printable(w io.Writer) io.Writer { return &printableWriter{w: w} }

func (p *printableWriter) Write(b []byte) (int, error) {
	in := b
	if len(p.pending) > 0 {
		in = append(p.pending, b...)
		p.pending = nil
	}
	out := make([]byte, 0, len(in))
	for i := 0; i < len(in); {
		c := in[i]
		switch {
		case c == '\n' || c == '\t':
			out = append(out, c)
			i++
		case c < 0x20 || c == 0x7f:
			i++
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			if !utf8.FullRune(in[i:]) && len(in)-i < utf8.UTFMax {
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
