package money_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/money"
)

func TestExponent(t *testing.T) {
	for _, tc := range []struct {
		cur  string
		want int
	}{
		{"USD", 2}, {"CNY", 2}, {"EUR", 2},
		{"JPY", 0}, {"KRW", 0}, {"VND", 0},
		{"KWD", 3}, {"BHD", 3},
		// CLDR says IQD has 0 decimals; ISO 4217 (and so the wire) says 3.
		{"IQD", 3},
		{"CLF", 4}, {"UYW", 4},
		// Current codes newer than x/text's CLDR 32 table.
		{"VES", 2}, {"SLE", 2}, {"MRU", 2}, {"ZWG", 2},
	} {
		t.Run(tc.cur, func(t *testing.T) {
			got, err := money.Exponent(tc.cur)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestExponentRefuses(t *testing.T) {
	for _, cur := range []string{
		"", "US", "USDD", "usd", "Usd", "uSD", "123", "U$D", "\xffUS", "ÉUR",
		"ABC", "QQQ",
		// No currency, testing, metals, accounting units: no minor unit in ISO 4217.
		"XXX", "XTS", "XAU", "XAG", "XPT", "XPD", "XDR", "XBA", "XSU", "XUA",
	} {
		t.Run(cur, func(t *testing.T) {
			_, err := money.Exponent(cur)
			require.Error(t, err)
			assert.ErrorIs(t, err, money.ErrUnknownCurrency)
		})
	}
}

func TestParseValue(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{
		{"0", 0},
		{"1", 1},
		{"1000", 1000},
		{"999999999999999999", 999999999999999999}, // 18 digits: the most the wire carries
		{"100000000000000000", 100000000000000000},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := money.ParseValue(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestParseValueRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, in, msg string
	}{
		{"empty", "", "empty"},
		{"leading zero", "01", "leading zero"},
		{"zeros", "00", "leading zero"},
		{"minus", "-1", "not an integer"},
		{"plus", "+1", "not an integer"},
		{"decimal point", "10.5", "not an integer"},
		{"trailing point", "10.", "not an integer"},
		{"exponent", "1e3", "not an integer"},
		{"hex", "0x10", "not an integer"},
		{"underscore", "1_000", "not an integer"},
		{"leading space", " 1", "not an integer"},
		{"trailing space", "1 ", "not an integer"},
		{"full-width digit", "１", "not an integer"},
		{"19 digits", "1000000000000000000", "more than 18 digits"},
		{"max int64", "9223372036854775807", "more than 18 digits"},
		{"above max int64", "9223372036854775808", "more than 18 digits"},
		{"very long", "1234567890123456789012345678901234567890123456789", "more than 18 digits"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := money.ParseValue(tc.in)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}

func TestParse(t *testing.T) {
	got, err := money.Parse("USD", "1000")
	require.NoError(t, err)
	assert.Equal(t, money.Amount{Currency: "USD", Value: 1000}, got)

	got, err = money.Parse("JPY", "0")
	require.NoError(t, err)
	assert.Equal(t, money.Amount{Currency: "JPY", Value: 0}, got)

	_, err = money.Parse("usd", "1000")
	assert.ErrorIs(t, err, money.ErrUnknownCurrency)

	_, err = money.Parse("USD", "10.5")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"10.5"`)
}

func TestParseDecimal(t *testing.T) {
	for _, tc := range []struct {
		cur, in string
		want    int64
	}{
		{"CNY", "0.02", 2},
		{"CNY", "0", 0},
		{"CNY", "0.00", 0},
		{"CNY", "0.1", 10},
		{"JPY", "10", 10},
		{"JPY", "0", 0},
		{"USD", "1.5", 150},
		{"USD", "1.50", 150},
		{"USD", "10", 1000},
		{"USD", "9999999999999999.99", 999999999999999999},
		{"KWD", "1.234", 1234},
		{"KWD", "0.5", 500},
		{"IQD", "0.001", 1},
		{"CLF", "0.0001", 1},
	} {
		t.Run(tc.cur+" "+tc.in, func(t *testing.T) {
			got, err := money.ParseDecimal(tc.cur, tc.in)
			require.NoError(t, err)
			assert.Equal(t, money.Amount{Currency: tc.cur, Value: tc.want}, got)
		})
	}
}

func TestParseDecimalRefuses(t *testing.T) {
	for _, tc := range []struct {
		cur, in, msg string
	}{
		{"USD", "0.001", "more than 2 decimals"},
		{"JPY", "10.0", "more than 0 decimals"},
		{"JPY", "1.5", "more than 0 decimals"},
		{"KWD", "1.2345", "more than 3 decimals"},
		{"USD", "-1", "not a plain non-negative decimal"},
		{"USD", "+1", "not a plain non-negative decimal"},
		{"USD", "1e3", "not a plain non-negative decimal"},
		{"USD", "1,5", "not a plain non-negative decimal"},
		{"USD", ".5", "not of the form"},
		{"USD", "5.", "not of the form"},
		{"USD", ".", "not of the form"},
		{"USD", "", "not of the form"},
		{"USD", " 1", "not a plain non-negative decimal"},
		{"USD", "1 ", "not a plain non-negative decimal"},
		{"USD", "01.0", "leading zero"},
		{"USD", "00", "leading zero"},
		{"USD", "1.2.3", "more than 2 decimals"},
		{"USD", "1.a", "not a plain non-negative decimal"},
		{"USD", "10000000000000000", "too large"},   // 17 digits + 2 decimals = 19 digits
		{"JPY", "1000000000000000000", "too large"}, // 19 digits
		{"usd", "1", "unknown currency"},
		{"XXX", "1", "unknown currency"},
	} {
		t.Run(tc.cur+" "+tc.in, func(t *testing.T) {
			_, err := money.ParseDecimal(tc.cur, tc.in)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}

func TestDecimal(t *testing.T) {
	for _, tc := range []struct {
		a    money.Amount
		want string
	}{
		{money.Amount{Currency: "USD", Value: 2}, "0.02"},
		{money.Amount{Currency: "USD", Value: 0}, "0.00"},
		{money.Amount{Currency: "USD", Value: 10}, "0.10"},
		{money.Amount{Currency: "USD", Value: 150}, "1.50"},
		{money.Amount{Currency: "USD", Value: 100000}, "1000.00"},
		{money.Amount{Currency: "USD", Value: 999999999999999999}, "9999999999999999.99"},
		{money.Amount{Currency: "JPY", Value: 10}, "10"},
		{money.Amount{Currency: "JPY", Value: 0}, "0"},
		{money.Amount{Currency: "KWD", Value: 1234}, "1.234"},
		{money.Amount{Currency: "KWD", Value: 5}, "0.005"},
		{money.Amount{Currency: "IQD", Value: 1000}, "1.000"},
		{money.Amount{Currency: "CLF", Value: 1}, "0.0001"},
	} {
		t.Run(tc.want+" "+tc.a.Currency, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.a.Decimal())

			back, err := money.ParseDecimal(tc.a.Currency, tc.a.Decimal())
			require.NoError(t, err)
			assert.Equal(t, tc.a, back)
		})
	}
}

func TestDecimalOfInvalidAmounts(t *testing.T) {
	// Not produced by any parser, but formatting must not garble them.
	assert.Equal(t, "-0.05", money.Amount{Currency: "USD", Value: -5}.Decimal())
	assert.Equal(t, "-1.50", money.Amount{Currency: "USD", Value: -150}.Decimal())
	assert.Equal(t, "-7", money.Amount{Currency: "JPY", Value: -7}.Decimal())
	// An unknown currency formats with two decimals rather than failing.
	assert.Equal(t, "1.23", money.Amount{Currency: "ABC", Value: 123}.Decimal())
}

func TestStringForms(t *testing.T) {
	a := money.Amount{Currency: "USD", Value: 1000}
	assert.Equal(t, "1000", a.ValueString())
	assert.Equal(t, "1000 USD", a.String())
	assert.False(t, a.IsZero())
	assert.True(t, money.Amount{}.IsZero())
	assert.False(t, money.Amount{Currency: "USD"}.IsZero())
}

func TestNew(t *testing.T) {
	got, err := money.New("KWD", 1234)
	require.NoError(t, err)
	assert.Equal(t, money.Amount{Currency: "KWD", Value: 1234}, got)

	_, err = money.New("KWD", -1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "negative")

	_, err = money.New("XXX", 1)
	assert.ErrorIs(t, err, money.ErrUnknownCurrency)

	assert.Equal(t, money.Amount{Currency: "JPY", Value: 5}, money.MustNew("JPY", 5))
	assert.Panics(t, func() { money.MustNew("jpy", 5) })
}

func TestAdd(t *testing.T) {
	usd := func(v int64) money.Amount { return money.Amount{Currency: "USD", Value: v} }
	for _, tc := range []struct {
		name string
		a, b money.Amount
		want money.Amount
		err  string
	}{
		{name: "sum", a: usd(100), b: usd(50), want: usd(150)},
		{name: "zero", a: usd(0), b: usd(0), want: usd(0)},
		{name: "to the limit", a: usd(math.MaxInt64 - 1), b: usd(1), want: usd(math.MaxInt64)},
		{name: "max plus zero", a: usd(math.MaxInt64), b: usd(0), want: usd(math.MaxInt64)},
		{name: "overflow", a: usd(math.MaxInt64), b: usd(1), err: "overflows"},
		{name: "overflow both large", a: usd(math.MaxInt64 / 2), b: usd(math.MaxInt64/2 + 2), err: "overflows"},
		{name: "currency mismatch", a: usd(1), b: money.Amount{Currency: "EUR", Value: 1}, err: "cannot add EUR to USD"},
		{name: "negative right", a: usd(math.MinInt64 + 1), b: usd(-2), err: "negative"},
		{name: "negative left", a: usd(-1), b: usd(5), err: "negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.a.Add(tc.b)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				assert.Equal(t, money.Amount{}, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestSub(t *testing.T) {
	usd := func(v int64) money.Amount { return money.Amount{Currency: "USD", Value: v} }
	for _, tc := range []struct {
		name string
		a, b money.Amount
		want money.Amount
		err  string
	}{
		{name: "difference", a: usd(150), b: usd(50), want: usd(100)},
		{name: "to zero", a: usd(50), b: usd(50), want: usd(0)},
		{name: "from max", a: usd(math.MaxInt64), b: usd(math.MaxInt64), want: usd(0)},
		{name: "would be negative", a: usd(50), b: usd(51), err: "51 USD exceeds 50 USD"},
		{name: "currency mismatch", a: usd(1), b: money.Amount{Currency: "JPY", Value: 1}, err: "cannot subtract JPY from USD"},
		// Subtracting a negative would add, and wrap around at the top.
		{name: "negative right", a: usd(math.MaxInt64), b: usd(-1), err: "negative"},
		{name: "negative left", a: usd(-5), b: usd(-10), err: "negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.a.Sub(tc.b)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				assert.Equal(t, money.Amount{}, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestMarshalJSON(t *testing.T) {
	got, err := json.Marshal(money.Amount{Currency: "USD", Value: 1000})
	require.NoError(t, err)
	assert.JSONEq(t, `{"currency":"USD","value":"1000"}`, string(got))
	// The value is a string on the wire, never a number.
	assert.Contains(t, string(got), `"value":"1000"`)

	got, err = json.Marshal(struct {
		Amount money.Amount `json:"amount"`
	}{money.Amount{Currency: "JPY", Value: 0}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"amount":{"currency":"JPY","value":"0"}}`, string(got))
}

func TestUnmarshalJSON(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want money.Amount
	}{
		{`{"currency":"USD","value":"1000"}`, money.Amount{Currency: "USD", Value: 1000}},
		{`{"value":"0","currency":"JPY"}`, money.Amount{Currency: "JPY", Value: 0}},
		{` { "currency" : "KWD" , "value" : "1234" , "extra": [1,2] } `, money.Amount{Currency: "KWD", Value: 1234}},
	} {
		t.Run(tc.in, func(t *testing.T) {
			var got money.Amount
			require.NoError(t, json.Unmarshal([]byte(tc.in), &got))
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestUnmarshalJSONRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, in, msg string
	}{
		{"value as number", `{"currency":"USD","value":1000}`, "value: 1000 is not a string of minor units"},
		{"value as float", `{"currency":"USD","value":10.5}`, "value: 10.5 is not a string"},
		{"value as null", `{"currency":"USD","value":null}`, "value: "},
		{"value decimal string", `{"currency":"USD","value":"10.5"}`, "value: "},
		{"value negative", `{"currency":"USD","value":"-1"}`, "value: "},
		{"value leading zero", `{"currency":"USD","value":"01"}`, "value: "},
		{"value empty", `{"currency":"USD","value":""}`, "value: "},
		{"value 19 digits", `{"currency":"USD","value":"1000000000000000000"}`, "value: "},
		{"value missing", `{"currency":"USD"}`, "value: missing"},
		{"currency missing", `{"value":"1"}`, "currency: missing"},
		{"currency number", `{"currency":840,"value":"1"}`, "currency: not a string"},
		{"currency lower-case", `{"currency":"usd","value":"1"}`, "currency: "},
		{"currency unknown", `{"currency":"ABC","value":"1"}`, "currency: "},
		{"array", `[]`, "not an object"},
		{"string", `"1000 USD"`, "not an object"},
		{"number", `1000`, "not an object"},
		{"null", `null`, "currency: missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := money.Amount{Currency: "EUR", Value: 7}
			err := json.Unmarshal([]byte(tc.in), &got)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.msg)
			assert.Equal(t, money.Amount{Currency: "EUR", Value: 7}, got, "a refused amount leaves the receiver alone")
		})
	}
}

func TestUnmarshalJSONNamesTheFieldInsideAStruct(t *testing.T) {
	var v struct {
		PaymentAmount money.Amount `json:"paymentAmount"`
	}
	err := json.Unmarshal([]byte(`{"paymentAmount":{"currency":"USD","value":1000}}`), &v)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "value")
	assert.Contains(t, err.Error(), "not a string")
}

func TestJSONRoundTrip(t *testing.T) {
	for _, a := range []money.Amount{
		{Currency: "USD", Value: 0},
		{Currency: "USD", Value: 1000},
		{Currency: "JPY", Value: 999999999999999999},
		{Currency: "CLF", Value: 12345},
	} {
		b, err := json.Marshal(a)
		require.NoError(t, err)
		var got money.Amount
		require.NoError(t, json.Unmarshal(b, &got))
		assert.Equal(t, a, got)
	}
}
