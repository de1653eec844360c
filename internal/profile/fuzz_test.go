package profile

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the profile decoder: never a panic, and a profile it
// accepts passes its own Check and gives the same profile when parsed again from the samples'
// shape (what the runner reads is what Check approved).
func FuzzParse(f *testing.F) {
	samples, _ := filepath.Glob("../../fixtures/profiles/*.json")
	for _, s := range samples {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{`{}`, `{"side":"wallet","flows":["tradeNO","tradeNO"]}`, `{"notifyRetrySchedule":["0s","-1s"]}`,
		`{"basePath":"api"}`, `{"unknown":true}`, `[]`, `{"flows":null}`, `{} {}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse(b)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("Parse(%q): an error without a message", b)
			}
			return
		}
		if err := p.Check(); err != nil {
			t.Fatalf("Parse(%q) accepted a profile that Check refuses: %v", b, err)
		}
		for _, d := range p.NotifyRetrySchedule {
			if d < 0 {
				t.Fatalf("Parse(%q) accepted a negative retry delay", b)
			}
		}
	})
}
