package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestANSIStripperDropsColourSequences(t *testing.T) {
	var out bytes.Buffer
	s := &ansiStripper{w: &out}
	// The second sequence is split across writes, as a formatter may write it.
	for _, chunk := range []string{"\x1b[32mok\x1b[0m step\n", "\x1b[1;3", "1mFAIL\x1b", "[0m done ü\n"} {
		n, err := s.Write([]byte(chunk))
		assert.NoError(t, err)
		assert.Equal(t, len(chunk), n)
	}
	assert.Equal(t, "ok step\nFAIL done ü\n", out.String())
}

func TestGodogOutputKeepsColoursOnATerminal(t *testing.T) {
	var out bytes.Buffer
	assert.Same(t, &out, godogOutput(&out, false).(*bytes.Buffer))
}
