package orderstr

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tradepaykit/tradepaykit/internal/money"
)

// Methods and product codes of the two payment types.
const (
	MethodAppPay    = "alipay.trade.app.pay"
	MethodAppFreeze = "alipay.fund.auth.order.app.freeze"

	ProductGeneral = "QUICK_MSECURITY_PAY"
	ProductPreAuth = "PRE_AUTH_ONLINE"

	// DefaultCurrency applies when biz_content has no trans_currency.
	DefaultCurrency = "CNY"
	// Version is the only gateway version the profile knows.
	Version = "1.0"
	// TimestampLayout is the layout of the timestamp parameter, read in GMT+8.
	TimestampLayout = "2006-01-02 15:04:05"
)

// Pay timeout bounds: pay_timeout is a whole number of minutes, hours or days in this range.
const (
	MinPayTimeout = time.Minute
	MaxPayTimeout = 15 * 24 * time.Hour
)

// Kind is the payment type an orderStr asks for.
type Kind string

// The two payment types; the strings match the "type" of the conformance order API.
const (
	General Kind = "GENERAL"
	PreAuth Kind = "PREAUTH"
)

// Order is the typed view of a decoded orderStr.
type Order struct {
	// Params are the decoded parameters (UTF-8), the input of Verify and Encode.
	Params Params

	AppID     string
	Method    string // may be empty: Kind then follows the product code
	Format    string
	Charset   string
	SignType  string
	Timestamp time.Time // GMT+8
	Version   string
	NotifyURL string // may be empty: the wallet uses the merchant's registered URL
	Sign      string

	Kind         Kind
	OutTradeNo   string // general
	OutOrderNo   string // pre-auth
	OutRequestNo string // pre-auth
	Subject      string // general
	OrderTitle   string // pre-auth
	// Amount is total_amount (general) or amount (pre-auth) in minor units of trans_currency.
	Amount      money.Amount
	ProductCode string
	PayeeUserID string
	PayTimeout  time.Duration // zero when pay_timeout is absent
	Category    string        // extra_param.category
	BizContent  json.RawMessage
}

// RequestID is the wallet's paymentRequestId for this order: out_trade_no (general) or
// out_request_no (pre-auth).
func (o *Order) RequestID() string {
	if o.Kind == PreAuth {
		return o.OutRequestNo
	}
	return o.OutTradeNo
}

// Title is what the payer sees: subject (general) or order_title (pre-auth).
func (o *Order) Title() string {
	if o.Kind == PreAuth {
		return o.OrderTitle
	}
	return o.Subject
}

// bizContent is the union of the biz_content fields of both payment types. Amounts and
// extra_param stay raw so that their errors can name the field.
type bizContent struct {
	OutTradeNo    string          `json:"out_trade_no"`
	TotalAmount   json.RawMessage `json:"total_amount"`
	Subject       string          `json:"subject"`
	OutOrderNo    string          `json:"out_order_no"`
	OutRequestNo  string          `json:"out_request_no"`
	OrderTitle    string          `json:"order_title"`
	Amount        json.RawMessage `json:"amount"`
	ProductCode   string          `json:"product_code"`
	PayeeUserID   string          `json:"payee_user_id"`
	PayTimeout    string          `json:"pay_timeout"`
	TransCurrency string          `json:"trans_currency"`
	ExtraParam    json.RawMessage `json:"extra_param"`
}

// Decode parses a wire orderStr into an Order. It checks the charset and format, the
// timestamp, the sign_type and the biz_content fields the payment type requires; it does not
// check the signature (see Verify). Errors name the parameter, as in
// "orderstr: biz_content.amount: missing".
func Decode(s string) (*Order, error) {
	p, err := parseParams(s)
	if err != nil {
		return nil, err
	}
	o := &Order{
		Params:    p,
		AppID:     p[KeyAppID],
		Method:    p[KeyMethod],
		Format:    p[KeyFormat],
		Charset:   p[KeyCharset],
		SignType:  p[KeySignType],
		Version:   p[KeyVersion],
		NotifyURL: p[KeyNotifyURL],
		Sign:      p[KeySign],
	}
	for _, k := range []string{KeyAppID, KeySignType, KeySign, KeyTimestamp, KeyVersion, KeyBizContent} {
		if p[k] == "" {
			return nil, fieldErr(k, ErrMissing)
		}
	}
	// format may be left out (JSON is the only one), but nothing else is accepted.
	if o.Format != "" && !strings.EqualFold(o.Format, "JSON") {
		return nil, fieldErr(KeyFormat, fmt.Errorf("unsupported %q (want JSON)", truncate(o.Format)))
	}
	if _, err := hashOf(o.SignType); err != nil {
		return nil, err
	}
	if o.Version != Version {
		return nil, fieldErr(KeyVersion, fmt.Errorf("unsupported %q (want %s)", truncate(o.Version), Version))
	}
	if o.Timestamp, err = ParseTimestamp(p[KeyTimestamp]); err != nil {
		return nil, fieldErr(KeyTimestamp, err)
	}
	if err := checkNotifyURL(o.NotifyURL); err != nil {
		return nil, err
	}
	if err := o.decodeBiz([]byte(p[KeyBizContent])); err != nil {
		return nil, err
	}
	return o, nil
}

// checkNotifyURL accepts an absent notify_url or an absolute http(s) URL the wallet can post to.
func checkNotifyURL(s string) error {
	if s == "" {
		return nil
	}
	if u, err := url.Parse(s); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fieldErr(KeyNotifyURL, fmt.Errorf("%q is not an absolute http(s) URL", truncate(s)))
	}
	return nil
}

// decodeBiz fills the biz_content part of o.
func (o *Order) decodeBiz(raw []byte) error {
	var b bizContent
	if err := json.Unmarshal(raw, &b); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return bizErr(te.Field, fmt.Errorf("want a %s, got %s", te.Type, te.Value))
		}
		if errors.As(err, &te) {
			return fieldErr(KeyBizContent, fmt.Errorf("want a JSON object, got %s", te.Value))
		}
		return fieldErr(KeyBizContent, fmt.Errorf("invalid JSON: %w", err))
	}
	o.BizContent = json.RawMessage(raw)
	o.ProductCode = b.ProductCode
	o.PayeeUserID = b.PayeeUserID

	// The method decides; without one, the product code does (seed 000's sample has none).
	o.Kind = General
	if o.Method == MethodAppFreeze || (o.Method == "" && b.ProductCode == ProductPreAuth) {
		o.Kind = PreAuth
	}

	currency := DefaultCurrency
	if b.TransCurrency != "" {
		if _, err := money.Exponent(b.TransCurrency); err != nil {
			return bizErr("trans_currency", err)
		}
		currency = b.TransCurrency
	}

	amountField, amountRaw := "total_amount", b.TotalAmount
	required := []struct{ name, value string }{
		{"out_trade_no", b.OutTradeNo},
		{"subject", b.Subject},
	}
	if o.Kind == PreAuth {
		amountField, amountRaw = "amount", b.Amount
		required = []struct{ name, value string }{
			{"out_order_no", b.OutOrderNo},
			{"out_request_no", b.OutRequestNo},
			{"order_title", b.OrderTitle},
		}
	}
	for _, r := range required {
		if r.value == "" {
			return bizErr(r.name, ErrMissing)
		}
	}
	amount, err := parseAmount(currency, amountRaw)
	if err != nil {
		return bizErr(amountField, err)
	}
	o.Amount = amount
	o.OutTradeNo, o.Subject = b.OutTradeNo, b.Subject
	o.OutOrderNo, o.OutRequestNo, o.OrderTitle = b.OutOrderNo, b.OutRequestNo, b.OrderTitle

	if b.PayTimeout != "" {
		if o.PayTimeout, err = ParsePayTimeout(b.PayTimeout); err != nil {
			return bizErr("pay_timeout", err)
		}
	}
	if o.Category, err = parseCategory(b.ExtraParam); err != nil {
		return bizErr("extra_param", err)
	}
	return nil
}

// parseAmount reads a decimal amount in major units ("0.02"). The profile sends a JSON
// string; a bare JSON number is accepted too, read from its text, never as a float.
func parseAmount(currency string, raw json.RawMessage) (money.Amount, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return money.Amount{}, ErrMissing
	}
	text := string(raw)
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &text); err != nil {
			return money.Amount{}, fmt.Errorf("invalid JSON string: %w", err)
		}
		if text == "" {
			return money.Amount{}, ErrMissing
		}
	}
	a, err := money.ParseDecimal(currency, text)
	if err != nil {
		return money.Amount{}, err
	}
	if a.Value == 0 {
		return money.Amount{}, fmt.Errorf("%q must be above zero", text)
	}
	return a, nil
}

// parseCategory reads extra_param, a JSON string holding a JSON object; an object given
// directly is accepted too.
func parseCategory(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	if raw[0] == '"' {
		var inner string
		if err := json.Unmarshal(raw, &inner); err != nil {
			return "", fmt.Errorf("invalid JSON string: %w", err)
		}
		if inner == "" {
			return "", nil
		}
		raw = json.RawMessage(inner)
	}
	var extra struct {
		Category string `json:"category"`
	}
	if err := json.Unmarshal(raw, &extra); err != nil {
		return "", fmt.Errorf("want a JSON object with a string category: %w", err)
	}
	return extra.Category, nil
}

// gmt8 is the zone of orderStr timestamps.
func gmt8() *time.Location { return time.FixedZone("GMT+8", 8*60*60) }

// ParseTimestamp reads a timestamp parameter ("2018-05-29 15:54:35", GMT+8).
func ParseTimestamp(s string) (time.Time, error) {
	// time.Parse would also take fractional seconds; the gateway format has none.
	if len(s) != len(TimestampLayout) {
		return time.Time{}, fmt.Errorf("%q is not yyyy-MM-dd HH:mm:ss", truncate(s))
	}
	t, err := time.ParseInLocation(TimestampLayout, s, gmt8())
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not yyyy-MM-dd HH:mm:ss", truncate(s))
	}
	return t, nil
}

// FormatTimestamp writes t as a timestamp parameter, in GMT+8.
func FormatTimestamp(t time.Time) string { return t.In(gmt8()).Format(TimestampLayout) }

// ParsePayTimeout reads pay_timeout: a whole number followed by m, h or d ("15m", "2h",
// "2d"), between MinPayTimeout and MaxPayTimeout.
func ParsePayTimeout(s string) (time.Duration, error) {
	bad := fmt.Errorf("%q is not a whole number of minutes, hours or days (15m, 2h, 2d)", truncate(s))
	if len(s) < 2 || len(s) > 8 { // 8 keeps the product below any overflow
		return 0, bad
	}
	num, unit := s[:len(s)-1], s[len(s)-1]
	if num[0] == '0' {
		return 0, bad
	}
	for i := 0; i < len(num); i++ {
		if num[i] < '0' || num[i] > '9' {
			return 0, bad
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil {
		return 0, bad
	}
	var d time.Duration
	switch unit {
	case 'm':
		d = time.Duration(n) * time.Minute
	case 'h':
		d = time.Duration(n) * time.Hour
	case 'd':
		d = time.Duration(n) * 24 * time.Hour
	default:
		return 0, bad
	}
	if d < MinPayTimeout || d > MaxPayTimeout {
		return 0, fmt.Errorf("%q is outside 1m..15d", s)
	}
	return d, nil
}

// FormatPayTimeout writes d in the largest unit that divides it ("2d", "90m").
func FormatPayTimeout(d time.Duration) (string, error) {
	if d < MinPayTimeout || d > MaxPayTimeout || d%time.Minute != 0 {
		return "", fmt.Errorf("pay timeout %v is not whole minutes within 1m..15d", d)
	}
	switch day := 24 * time.Hour; {
	case d%day == 0:
		return strconv.FormatInt(int64(d/day), 10) + "d", nil
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h", nil
	}
	return strconv.FormatInt(int64(d/time.Minute), 10) + "m", nil
}
