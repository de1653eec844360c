// Package money implements the Amount type of PROTOCOL.md ("Common types"): an ISO 4217
// currency and an integer count of minor units. On the OpenAPI wire the count travels as a
// JSON string ("1000"); in an orderStr it travels as a decimal in major units ("0.02").
// No float is ever involved: parsing and formatting work on digits.
package money

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/text/currency"
)

// Amount is a sum of money: Value minor units of Currency (1000 USD = 10.00 USD).
type Amount struct {
	Currency string
	Value    int64
}

// New returns an Amount after checking that the currency is known.
func New(cur string, minor int64) (Amount, error) {
	if _, err := Exponent(cur); err != nil {
		return Amount{}, err
	}
	if minor < 0 {
		return Amount{}, fmt.Errorf("money: value %d is negative", minor)
	}
	return Amount{Currency: cur, Value: minor}, nil
}

// MustNew is New for literals in tests and fixtures; it panics on an unknown currency.
func MustNew(cur string, minor int64) Amount {
	a, err := New(cur, minor)
	if err != nil {
		panic(err)
	}
	return a
}

// iso4217Exponents lists the currencies whose ISO 4217 minor unit is not 2. CLDR (and so
// x/text's rounding table) disagrees with ISO for some of them (IQD, IDR...), and the wire
// counts ISO minor units: IQD values are in fils, 1/1000 dinar.
var iso4217Exponents = map[string]int{
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
	"PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
	"CLF": 4, "UYW": 4,
}

// newerISOCodes are current ISO 4217 codes missing from x/text's table, which is derived from
// CLDR 32 (2017): without them a wallet in Venezuela or Sierra Leone could not be tested.
var newerISOCodes = map[string]bool{
	"MRU": true, "SLE": true, "UYW": true, "VED": true, "VES": true, "XCG": true, "ZWG": true,
}

// ErrUnknownCurrency is returned for a code that is not an ISO 4217 currency.
var ErrUnknownCurrency = errors.New("unknown currency")

// Exponent returns the number of decimal places of the currency's minor unit (USD 2, JPY 0,
// KWD 3). The code must be three upper-case letters naming an ISO 4217 currency.
func Exponent(cur string) (int, error) {
	if len(cur) != 3 || strings.ToUpper(cur) != cur {
		return 0, fmt.Errorf("money: currency %q: %w (want three upper-case letters)", cur, ErrUnknownCurrency)
	}
	switch cur {
	case "XXX", "XTS", "XAU", "XAG", "XPD", "XPT", "XBA", "XBB", "XBC", "XBD", "XDR", "XSU", "XUA":
		// Codes for "no currency", testing, metals and accounting units have no minor unit
		// in ISO 4217: they are not money a wallet moves.
		return 0, fmt.Errorf("money: currency %q: %w", cur, ErrUnknownCurrency)
	}
	if _, err := currency.ParseISO(cur); err != nil && !newerISOCodes[cur] {
		return 0, fmt.Errorf("money: currency %q: %w", cur, ErrUnknownCurrency)
	}
	if e, ok := iso4217Exponents[cur]; ok {
		return e, nil
	}
	return 2, nil
}

// maxDigits bounds the digits of a value: 18 digits always fit an int64.
const maxDigits = 18

// ParseValue parses the wire form of a count of minor units: digits only, no sign, no leading
// zero, no decimal point, at most 18 digits ("^(0|[1-9][0-9]*)$").
func ParseValue(s string) (int64, error) {
	if s == "" {
		return 0, errors.New("value is empty")
	}
	if len(s) > maxDigits {
		return 0, fmt.Errorf("value %q has more than %d digits", truncate(s), maxDigits)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("value %q is not an integer count of minor units", truncate(s))
		}
	}
	if len(s) > 1 && s[0] == '0' {
		return 0, fmt.Errorf("value %q has a leading zero", truncate(s))
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("value %q: %w", truncate(s), err)
	}
	return v, nil
}

// Parse builds an Amount from the wire form: currency code and value string.
func Parse(cur, value string) (Amount, error) {
	if _, err := Exponent(cur); err != nil {
		return Amount{}, err
	}
	v, err := ParseValue(value)
	if err != nil {
		return Amount{}, fmt.Errorf("money: %w", err)
	}
	return Amount{Currency: cur, Value: v}, nil
}

// ParseDecimal parses a decimal in major units ("0.02", "10", "1.5") as an orderStr carries it.
// More decimals than the currency has, signs, exponents and spaces are refused.
func ParseDecimal(cur, s string) (Amount, error) {
	exp, err := Exponent(cur)
	if err != nil {
		return Amount{}, err
	}
	whole, frac, hasPoint := strings.Cut(s, ".")
	if whole == "" || (hasPoint && frac == "") {
		return Amount{}, fmt.Errorf("money: decimal %q is not of the form 123 or 123.45", truncate(s))
	}
	if len(frac) > exp {
		return Amount{}, fmt.Errorf("money: decimal %q has more than %d decimals for %s", truncate(s), exp, cur)
	}
	for _, part := range []string{whole, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return Amount{}, fmt.Errorf("money: decimal %q is not a plain non-negative decimal", truncate(s))
			}
		}
	}
	if len(whole) > 1 && whole[0] == '0' {
		return Amount{}, fmt.Errorf("money: decimal %q has a leading zero", truncate(s))
	}
	digits := strings.TrimLeft(whole+frac+strings.Repeat("0", exp-len(frac)), "0")
	if digits == "" {
		digits = "0"
	}
	v, err := ParseValue(digits)
	if err != nil {
		return Amount{}, fmt.Errorf("money: decimal %q: too large", truncate(s))
	}
	return Amount{Currency: cur, Value: v}, nil
}

// String formats the wire value: the count of minor units in decimal digits.
func (a Amount) String() string { return strconv.FormatInt(a.Value, 10) + " " + a.Currency }

// ValueString is the wire form of the value: "1000".
func (a Amount) ValueString() string { return strconv.FormatInt(a.Value, 10) }

// Decimal formats the amount in major units with the currency's decimals: 2 USD -> "0.02".
func (a Amount) Decimal() string {
	exp, err := Exponent(a.Currency)
	if err != nil {
		exp = 2
	}
	s := strconv.FormatInt(a.Value, 10)
	if exp == 0 {
		return s
	}
	// A valid Amount is never negative, but a literal may be: keep the sign in front of the
	// digits rather than inside them ("-0.05", not "0.-5").
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	if len(s) <= exp {
		s = strings.Repeat("0", exp-len(s)+1) + s
	}
	return sign + s[:len(s)-exp] + "." + s[len(s)-exp:]
}

// IsZero reports whether the amount is the zero Amount (no currency, no value).
func (a Amount) IsZero() bool { return a == Amount{} }

// Add returns a+b; both must be in the same currency and not negative.
func (a Amount) Add(b Amount) (Amount, error) {
	if a.Currency != b.Currency {
		return Amount{}, fmt.Errorf("money: cannot add %s to %s", b.Currency, a.Currency)
	}
	if err := nonNegative(a, b); err != nil {
		return Amount{}, err
	}
	if a.Value > (1<<63-1)-b.Value {
		return Amount{}, errors.New("money: sum overflows")
	}
	return Amount{Currency: a.Currency, Value: a.Value + b.Value}, nil
}

// Sub returns a-b; both must be in the same currency and not negative, and the result must
// not be negative.
func (a Amount) Sub(b Amount) (Amount, error) {
	if a.Currency != b.Currency {
		return Amount{}, fmt.Errorf("money: cannot subtract %s from %s", b.Currency, a.Currency)
	}
	if err := nonNegative(a, b); err != nil {
		return Amount{}, err
	}
	if b.Value > a.Value {
		return Amount{}, fmt.Errorf("money: %s exceeds %s", b, a)
	}
	return Amount{Currency: a.Currency, Value: a.Value - b.Value}, nil
}

// nonNegative refuses operands no parser produces: a negative value would let a sum wrap
// around or a difference grow.
func nonNegative(amounts ...Amount) error {
	for _, x := range amounts {
		if x.Value < 0 {
			return fmt.Errorf("money: %s is negative", x)
		}
	}
	return nil
}

type wireAmount struct {
	Currency string `json:"currency"`
	Value    string `json:"value"`
}

// MarshalJSON writes the wire form {"currency":"USD","value":"1000"}.
func (a Amount) MarshalJSON() ([]byte, error) {
	return json.Marshal(wireAmount{Currency: a.Currency, Value: a.ValueString()})
}

// UnmarshalJSON reads the wire form. The value must be a JSON string of digits: a JSON number
// (1000 or 10.5) is refused, since the profile sends every scalar as a string.
func (a *Amount) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("not an object {currency, value}")
	}
	var w wireAmount
	cur, ok := raw["currency"]
	if !ok {
		return fmt.Errorf("currency: missing")
	}
	if err := json.Unmarshal(cur, &w.Currency); err != nil {
		return fmt.Errorf("currency: not a string")
	}
	val, ok := raw["value"]
	if !ok {
		return fmt.Errorf("value: missing")
	}
	if err := json.Unmarshal(val, &w.Value); err != nil {
		return fmt.Errorf("value: %s is not a string of minor units", truncate(string(val)))
	}
	if _, err := Exponent(w.Currency); err != nil {
		return fmt.Errorf("currency: %q is not a supported ISO 4217 code", truncate(w.Currency))
	}
	v, err := ParseValue(w.Value)
	if err != nil {
		return fmt.Errorf("value: %w", err)
	}
	*a = Amount{Currency: w.Currency, Value: v}
	return nil
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
