package dialect_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/tradepaykit/tradepaykit/internal/dialect"
)

// FuzzBuild: overrides never panic; a refusal has a message; an accepted dialect passes its
// own Check, and marshalled and applied to another preset it comes back unchanged (what a
// profile stores is what the runner uses).
func FuzzBuild(f *testing.F) {
	for _, s := range []string{
		``, `null`, `{}`, `[]`, `1`, `{"basePath":"/acl/api"}`, `{"partnerIdPresence":"absent","captures":"one"}`,
		`{"productCodes":{"general":"G"}}`, `{"notifications":{"authSuccess":true}}`,
		`{"signatureAlgorithms":["ecc224"]}`, `{"pathVersion":"v2","notifyOutcome":"paymentResult"}`,
		`{"nope":1}`, `{"basePath":"/a b"}`, `{"basePath":"/"}`, `{"basePath":"//"}`, `{"productCodes":{"general":"` + string(make([]byte, 40)) + `"}}`,
	} {
		for i := range dialect.Presets() {
			f.Add(uint8(i), []byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, preset uint8, overrides []byte) {
		names := dialect.Presets()
		name := names[int(preset)%len(names)]
		d, err := dialect.Build(name, overrides)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("Build(%s, %q): an error without a message", name, overrides)
			}
			return
		}
		if err := d.Check(); err != nil {
			t.Fatalf("Build(%s, %q) accepted a dialect Check refuses: %v", name, overrides, err)
		}
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		other := names[(int(preset)+1)%len(names)]
		back, err := dialect.Build(other, b)
		if err != nil {
			t.Fatalf("Build(%s, %q) = %s, which %s refuses as overrides: %v", name, overrides, b, other, err)
		}
		back.Preset = d.Preset
		if !reflect.DeepEqual(d, back) {
			t.Fatalf("Build(%s, %q) = %#v, marshalled and applied to %s: %#v", name, overrides, d, other, back)
		}
	})
}
