package report

import "testing"

// FuzzParseExpectations feeds arbitrary bytes to the expected-failures decoder: never a panic,
// and every entry it accepts names what it excuses.
func FuzzParseExpectations(f *testing.F) {
	for _, s := range []string{
		`[{"id":"REQ-GEN-001","reason":"known gap","ticket":"https://tracker.example/T-1"}]`,
		`[{"id":""}]`, `[]`, `{}`, `null`, `[{"id":"x","reason":1}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		list, err := ParseExpectations(b)
		if err != nil {
			return
		}
		for i, e := range list {
			if e.ID == "" {
				t.Fatalf("ParseExpectations(%q) accepted entry %d without an id", b, i)
			}
		}
	})
}
