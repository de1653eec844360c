package signing_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tradepaykit/tradepaykit/internal/signing"
)

func FuzzParseHeader(f *testing.F) {
	for _, s := range []string{
		"algorithm=RSA256, keyVersion=1, signature=%2B%2B%2B%2B%2F%2F%2F%2FAQ%3D%3D",
		"algorithm=RSA256,keyVersion=1,signature=++++////AQ==",
		"algorithm=rsa256, signature=++++////AQ%3D%3D",
		"algorithm=RSA2, keyVersion=1, signature=AQ==",
		"algorithm=, signature=AQ==",
		"signature=AQ==, signature=AQ==",
		"keyVersion=1",
		"signature=%zz",
		"signature=====",
		"=,=,=",
		"",
		" , ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		got, err := signing.ParseHeader(h)
		if err != nil {
			if !errors.Is(err, signing.ErrMissing) && !errors.Is(err, signing.ErrMalformed) && !errors.Is(err, signing.ErrAlgorithm) {
				t.Fatalf("ParseHeader(%q): error %v is none of the signing errors", h, err)
			}
			return
		}
		if !strings.EqualFold(got.Algorithm, signing.Algorithm) {
			t.Fatalf("ParseHeader(%q) accepted algorithm %q", h, got.Algorithm)
		}
		if len(got.Signature) == 0 {
			t.Fatalf("ParseHeader(%q) accepted an empty signature", h)
		}
	})
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{
		"2026-11-21T15:56:06Z", "2026-11-21T23:56:06+08:00", "2026-11-21T15:56:06.123Z",
		"2026-11-21T23:56:06.123456789+08:00", "1795276566000", "0", "999999999999999",
		"1795276566000000000", "2026-11-21 15:56:06Z", "2026-11-21T15:56:06", "-1", "1e3", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := signing.ParseTime(s)
		if err != nil {
			if !errors.Is(err, signing.ErrTime) {
				t.Fatalf("ParseTime(%q): error %v is not ErrTime", s, err)
			}
			return
		}
		// A parsed time is fresh at its own instant, with no window at all.
		if err := signing.CheckFresh(s, got, 0); err != nil {
			t.Fatalf("ParseTime(%q) = %s, but CheckFresh at that instant: %v", s, got, err)
		}
		// Whatever form was read, the sender's canonical form of that form reads back equal.
		var again string
		if _, numErr := strconv.ParseInt(s, 10, 64); numErr == nil {
			again = signing.Style{EpochMillis: true}.FormatTime(got)
		} else {
			again = got.Format(time.RFC3339Nano)
		}
		back, err := signing.ParseTime(again)
		if err != nil || !back.Equal(got) {
			t.Fatalf("ParseTime(%q) = %s, formatted %q reads back as %s, %v", s, got, again, back, err)
		}
	})
}
