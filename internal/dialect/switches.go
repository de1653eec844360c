package dialect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// aSwitch is one overridable switch: its name, how a JSON value sets it, and what values it
// takes. The table below is the one place that knows the names.
type aSwitch struct {
	name  string
	set   func(d *Dialect, raw json.RawMessage) error
	check func(d Dialect) error
}

var switches = []aSwitch{
	enum("pathVersion", func(d *Dialect) *string { return &d.PathVersion }, "v1", "v2"),
	{"basePath", setBasePath, func(d Dialect) error { return checkBasePath(d.BasePath) }},
	enum("partnerIdPresence", func(d *Dialect) *Presence { return &d.PartnerID }, Required, Optional, Absent),
	enum("notifyOutcome", func(d *Dialect) *Outcome { return &d.NotifyOutcome }, OutcomePaymentStatus, OutcomePaymentResult),
	enum("paymentCreateTimePresence", func(d *Dialect) *Presence { return &d.PaymentCreateTime }, Required, Optional),
	enum("paymentTimePresence", func(d *Dialect) *Presence { return &d.PaymentTime }, Required, Recommended, Optional),
	enum("orderTitle", func(d *Dialect) *TitleField { return &d.OrderTitle }, TitlePaymentOrderTitle, TitleOrderDescription),
	enum("appIdPresence", func(d *Dialect) *Presence { return &d.AppID }, Required, Optional),
	enum("productCodePresence", func(d *Dialect) *Presence { return &d.ProductCode }, Required, Optional),
	{"productCodes", setStrict(func(d *Dialect) any { return &d.ProductCodes }), func(d Dialect) error {
		return firstErr(checkCode("general", d.ProductCodes.General), checkCode("preAuth", d.ProductCodes.PreAuth))
	}},
	enum("refundApi", func(d *Dialect) *RefundAPIName { return &d.RefundAPI }, RefundAPIRefund, RefundAPIRefundApply),
	enum("refundBy", func(d *Dialect) *RefundBy { return &d.RefundBy }, RefundByPaymentID, RefundByPaymentIDOrPaymentRequestID),
	enum("captures", func(d *Dialect) *Multiplicity { return &d.Captures }, One, Several, OneOrSeveral),
	enum("partialRefunds", func(d *Dialect) *Multiplicity { return &d.PartialRefunds }, One, Several, OneOrSeveral),
	enum("amountValue", func(d *Dialect) *AmountValue { return &d.AmountValue }, AmountString, AmountStringOrInteger),
	{"signatureAlgorithms", setAlgorithms, checkAlgorithms},
	{"notifications", setStrict(func(d *Dialect) any { return &d.Notifications }), func(Dialect) error { return nil }},
}

// Switches lists the switch names in the table's order.
func Switches() []string {
	names := make([]string, len(switches))
	for i, sw := range switches {
		names[i] = sw.name
	}
	return names
}

func switchNamed(name string) (aSwitch, bool) {
	for _, sw := range switches {
		if sw.name == name {
			return sw, true
		}
	}
	return aSwitch{}, false
}

// enum is a switch taking one of a few strings.
func enum[T ~string](name string, field func(*Dialect) *T, values ...T) aSwitch {
	list := make([]string, len(values))
	for i, v := range values {
		list[i] = fmt.Sprintf("%q", v)
	}
	want := strings.Join(list, ", ")
	valid := func(v T) error {
		for _, ok := range values {
			if v == ok {
				return nil
			}
		}
		return fmt.Errorf("%q is not one of %s", clip(string(v)), want)
	}
	return aSwitch{
		name: name,
		set: func(d *Dialect, raw json.RawMessage) error {
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return fmt.Errorf("want one of %s, got %s", want, clip(string(raw)))
			}
			if err := valid(T(s)); err != nil {
				return err
			}
			*field(d) = T(s)
			return nil
		},
		check: func(d Dialect) error { return valid(*field(&d)) },
	}
}

// setStrict sets an object switch field by field: fields not named keep their value, and an
// unknown field is refused (a misspelt one would otherwise be silently ignored).
func setStrict(field func(*Dialect) any) func(*Dialect, json.RawMessage) error {
	return func(d *Dialect, raw json.RawMessage) error {
		trimmed := bytes.TrimSpace(raw)
		if len(trimmed) == 0 || trimmed[0] != '{' {
			return fmt.Errorf("want a JSON object, got %s", clip(string(raw)))
		}
		// Field names are exact, as switch names are (encoding/json alone would take
		// "preauth" for "preAuth").
		var given map[string]json.RawMessage
		if err := json.Unmarshal(trimmed, &given); err != nil {
			return fmt.Errorf("want a JSON object, got %s", clip(string(raw)))
		}
		current, _ := json.Marshal(field(d))
		var known map[string]json.RawMessage
		_ = json.Unmarshal(current, &known)
		names := make([]string, 0, len(known))
		for name := range known {
			names = append(names, name)
		}
		sort.Strings(names)
		for name := range given {
			if _, ok := known[name]; !ok {
				return fmt.Errorf("unknown field %q; the fields are %s", clip(name), strings.Join(names, ", "))
			}
		}
		if err := json.Unmarshal(trimmed, field(d)); err != nil {
			return fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "json: "))
		}
		return nil
	}
}

// setBasePath takes the prefix as a profile writes it: a trailing slash is dropped, so that
// "/api/" and "/api" are one prefix and "/" is none.
func setBasePath(d *Dialect, raw json.RawMessage) error {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return fmt.Errorf("want a string, got %s", clip(string(raw)))
	}
	d.BasePath = strings.TrimRight(s, "/")
	return nil
}

var basePathPattern = regexp.MustCompile(`^(/[A-Za-z0-9._~-]+)*$`)

func checkBasePath(p string) error {
	if !basePathPattern.MatchString(p) {
		return fmt.Errorf("%q is not a path prefix such as \"/acl/api\" (segments after a leading slash, no query, no spaces)", clip(p))
	}
	return nil
}

func checkCode(name, code string) error {
	if len(code) > 32 {
		return fmt.Errorf("%s %q is longer than 32 characters", name, clip(code))
	}
	if strings.TrimSpace(code) != code {
		return fmt.Errorf("%s %q has surrounding spaces", name, code)
	}
	return nil
}

func setAlgorithms(d *Dialect, raw json.RawMessage) error {
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		return fmt.Errorf("want a list such as [\"RSA256\", \"ECC224\"], got %s", clip(string(raw)))
	}
	// The wire value is case-insensitive; the dialect keeps the published spelling.
	for i, a := range list {
		list[i] = strings.ToUpper(a)
	}
	d.SignatureAlgorithms = list
	return nil
}

func checkAlgorithms(d Dialect) error {
	if len(d.SignatureAlgorithms) == 0 {
		return fmt.Errorf("empty: want at least one of %q, %q", RSA256, ECC224)
	}
	seen := map[string]bool{}
	for _, a := range d.SignatureAlgorithms {
		if a != RSA256 && a != ECC224 {
			return fmt.Errorf("%q is not one of %q, %q", clip(a), RSA256, ECC224)
		}
		if seen[a] {
			return fmt.Errorf("%q twice", a)
		}
		seen[a] = true
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
