package money_test

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tradepaykit/tradepaykit/internal/money"
)

// wireValue is the profile's pattern for a value (PROTOCOL.md, "pay and idempotency"),
// bounded to the 18 digits that always fit an int64.
var wireValue = regexp.MustCompile(`^(0|[1-9][0-9]{0,17})$`)

func FuzzParseValue(f *testing.F) {
	for _, s := range []string{
		"0", "1", "1000", "01", "-1", "+1", "1.0", "1e3", " 1", "1 ", "",
		"999999999999999999", "1000000000000000000", "9223372036854775807",
		"9223372036854775808", "１", "0x1f",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := money.ParseValue(s)
		if ok := wireValue.MatchString(s); ok != (err == nil) {
			t.Fatalf("ParseValue(%q): pattern match %v, but err = %v", s, ok, err)
		}
		if err != nil {
			return
		}
		// One value, one spelling: formatting gives back exactly the input.
		if got := strconv.FormatInt(v, 10); got != s {
			t.Fatalf("ParseValue(%q) = %d, which formats as %q", s, v, got)
		}
	})
}

func FuzzParseDecimal(f *testing.F) {
	for _, seed := range []struct {
		cur, s string
		minor  int64
	}{
		{"CNY", "0.02", 2}, {"JPY", "10", 10}, {"USD", "1.5", 150}, {"KWD", "1.234", 1234},
		{"USD", "0.001", 0}, {"USD", "-1", -1}, {"USD", "1e3", 1000}, {"USD", ".5", 50},
		{"USD", "5.", 500}, {"USD", " 1", 100}, {"USD", "01.0", 100}, {"CLF", "0.0001", 1},
		{"USD", "9999999999999999.99", 999999999999999999}, {"JPY", "1000000000000000000", 0},
		{"usd", "1", 1}, {"XXX", "1", 1},
	} {
		f.Add(seed.cur, seed.s, seed.minor)
	}
	f.Fuzz(func(t *testing.T, cur, s string, minor int64) {
		exp, curErr := money.Exponent(cur)

		a, err := money.ParseDecimal(cur, s)
		if curErr != nil {
			if err == nil {
				t.Fatalf("ParseDecimal(%q, %q) accepted a currency Exponent refuses: %v", cur, s, curErr)
			}
		} else {
			want := acceptableDecimal(s, exp)
			if want != (err == nil) {
				t.Fatalf("ParseDecimal(%q, %q): want accepted %v, got err = %v", cur, s, want, err)
			}
		}
		if err == nil {
			if a.Currency != cur || a.Value < 0 {
				t.Fatalf("ParseDecimal(%q, %q) = %#v", cur, s, a)
			}
			back, err := money.ParseDecimal(cur, a.Decimal())
			if err != nil || back != a {
				t.Fatalf("ParseDecimal(%q, %q) = %v, Decimal %q parses back as %v, %v", cur, s, a, a.Decimal(), back, err)
			}
		}

		// The other direction: every value the wire can carry formats and parses back.
		if curErr != nil || minor < 0 || minor > 999999999999999999 {
			return
		}
		b := money.Amount{Currency: cur, Value: minor}
		back, err := money.ParseDecimal(cur, b.Decimal())
		if err != nil || back != b {
			t.Fatalf("%v: Decimal %q parses back as %v, %v", b, b.Decimal(), back, err)
		}
	})
}

// acceptableDecimal is an independent statement of what ParseDecimal accepts for a currency
// with exp decimals: a plain decimal without sign, exponent or superfluous leading zero, at
// most exp decimals, and at most 18 significant digits once scaled to minor units.
func acceptableDecimal(s string, exp int) bool {
	if !decimalPatterns[exp].MatchString(s) {
		return false
	}
	whole, frac, _ := strings.Cut(s, ".")
	digits := strings.TrimLeft(whole+frac+strings.Repeat("0", exp-len(frac)), "0")
	return len(digits) <= 18
}

// decimalPatterns[exp] matches a decimal with at most exp decimals (ISO exponents are 0 to 4).
var decimalPatterns = []*regexp.Regexp{
	regexp.MustCompile(`^(0|[1-9][0-9]*)$`),
	regexp.MustCompile(`^(0|[1-9][0-9]*)(\.[0-9]{1})?$`),
	regexp.MustCompile(`^(0|[1-9][0-9]*)(\.[0-9]{1,2})?$`),
	regexp.MustCompile(`^(0|[1-9][0-9]*)(\.[0-9]{1,3})?$`),
	regexp.MustCompile(`^(0|[1-9][0-9]*)(\.[0-9]{1,4})?$`),
}

func FuzzUnmarshalJSON(f *testing.F) {
	for _, s := range []string{
		`{"currency":"USD","value":"1000"}`,
		`{"currency":"USD","value":1000}`,
		`{"currency":"USD","value":"10.5"}`,
		`{"currency":"JPY","value":"0"}`,
		`{"currency":"usd","value":"1"}`,
		`{"currency":"USD"}`,
		`{"value":"1"}`,
		`{"currency":"USD","value":"1","currency":"EUR"}`,
		`null`, `[]`, `"x"`, `{}`, `{"currency":null,"value":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		sentinel := money.Amount{Currency: "EUR", Value: 7}
		a := sentinel
		if err := json.Unmarshal(b, &a); err != nil {
			if a != sentinel {
				t.Fatalf("Unmarshal(%q) failed (%v) but changed the receiver to %#v", b, err, a)
			}
			return
		}
		if _, err := money.Exponent(a.Currency); err != nil {
			t.Fatalf("Unmarshal(%q) accepted currency %q: %v", b, a.Currency, err)
		}
		if a.Value < 0 {
			t.Fatalf("Unmarshal(%q) accepted a negative value %d", b, a.Value)
		}
		out, err := json.Marshal(a)
		if err != nil {
			t.Fatalf("Marshal(%#v): %v", a, err)
		}
		var back money.Amount
		if err := json.Unmarshal(out, &back); err != nil || back != a {
			t.Fatalf("%#v marshals as %s, which unmarshals as %#v, %v", a, out, back, err)
		}
	})
}
