// Package orderstr implements the orderStr token of PROTOCOL.md, section "orderStr (client
// token built by the merchant server)", and the orderStr bullets under "Settled details": a
// URL-encoded, RSA-signed string of gateway parameters that a merchant server hands to the mini
// program for my.tradePay.
//
// The package decodes such a string into a typed Order (Decode), builds the parameters of a
// general payment or a pre-authorization (NewGeneral, NewPreAuth), signs and verifies them
// (Sign, Verify) and writes the wire string (Encode).
package orderstr

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Gateway parameter names.
const (
	KeyAppID      = "app_id"
	KeyMethod     = "method"
	KeyFormat     = "format"
	KeyCharset    = "charset"
	KeySignType   = "sign_type"
	KeyTimestamp  = "timestamp"
	KeyVersion    = "version"
	KeyNotifyURL  = "notify_url"
	KeyBizContent = "biz_content"
	KeySign       = "sign"
)

// Charsets a wallet accepts; the builders always write CharsetUTF8.
const (
	CharsetUTF8 = "utf-8"
	CharsetGBK  = "GBK"
)

// Params holds the gateway parameters of an orderStr, key to value. Values are UTF-8 text;
// Encode and SigningContent convert them to the charset the "charset" parameter declares.
// Keys the package does not know are kept verbatim.
type Params map[string]string

// Clone returns an independent copy of p.
func (p Params) Clone() Params {
	c := make(Params, len(p))
	for k, v := range p {
		c[k] = v
	}
	return c
}

// sortedKeys returns the keys of p in byte order, the order both the wire string and the
// signing content use.
func (p Params) sortedKeys() []string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Encode writes the wire orderStr: every key and value URL-encoded (bytes in the declared
// charset), keys sorted. It fails when the charset is unknown or a value cannot be written in
// it (a character GBK lacks).
func Encode(p Params) (string, error) {
	cs, err := charsetOf(p)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for i, k := range p.sortedKeys() {
		kb, err := cs.encode(k)
		if err != nil {
			return "", fieldErr(k, err)
		}
		vb, err := cs.encode(p[k])
		if err != nil {
			return "", fieldErr(k, err)
		}
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(string(kb)))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(string(vb)))
	}
	return b.String(), nil
}

// parseParams splits a wire orderStr into Params, converting every key and value from the
// declared charset to UTF-8.
func parseParams(s string) (Params, error) {
	// pair holds percent-decoded bytes, still in the wire charset.
	type pair struct {
		key, value string
		rawText    bool // the segment held raw non-ASCII characters
	}
	var raw []pair
	seen := make(map[string]bool)
	for seg := range strings.SplitSeq(s, "&") {
		if seg == "" {
			continue // "a=1&&b=2": url.ParseQuery skips these too
		}
		k, v, _ := strings.Cut(seg, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			return nil, fmt.Errorf("orderstr: parameter name %q: %w", truncate(printable(k)), err)
		}
		if key == "" {
			return nil, fmt.Errorf("orderstr: parameter %q has no name", truncate(printable(seg)))
		}
		value, err := url.QueryUnescape(v)
		if err != nil {
			return nil, fieldErr(printable(key), fmt.Errorf("bad URL escape: %w", err))
		}
		// A repeated key is ambiguous: the signer and the wallet could pick different values.
		if seen[key] {
			return nil, fieldErr(printable(key), errors.New("repeated"))
		}
		seen[key] = true
		raw = append(raw, pair{key: key, value: value, rawText: !isASCII(seg)})
	}
	csName := ""
	for _, pr := range raw {
		if pr.key == KeyCharset {
			csName = pr.value
		}
	}
	cs, err := lookupCharset(csName)
	if err != nil {
		return nil, err
	}
	p := make(Params, len(raw))
	for _, pr := range raw {
		// Percent-escapes are bytes in the declared charset, but a raw non-ASCII character is
		// already text; mixing the two is only unambiguous when the charset is UTF-8.
		if pr.rawText && cs.gbk {
			return nil, fieldErr(printable(pr.key), errors.New("raw non-ASCII character with charset GBK; values must be URL-encoded"))
		}
		k, err := cs.decode([]byte(pr.key))
		if err != nil {
			return nil, fmt.Errorf("orderstr: parameter name %q: %w", truncate(printable(pr.key)), err)
		}
		v, err := cs.decode([]byte(pr.value))
		if err != nil {
			return nil, fieldErr(k, err)
		}
		if _, dup := p[k]; dup {
			return nil, fieldErr(k, errors.New("repeated"))
		}
		p[k] = v
	}
	return p, nil
}

// charset converts between UTF-8 text and the bytes of one declared charset.
type charset struct {
	name string
	gbk  bool
}

var (
	utf8Charset = charset{name: CharsetUTF8}
	gbkCharset  = charset{name: CharsetGBK, gbk: true}
)

// lookupCharset maps the "charset" parameter to a charset; names are case-insensitive and an
// absent charset means UTF-8.
func lookupCharset(name string) (charset, error) {
	switch {
	case name == "" || strings.EqualFold(name, CharsetUTF8):
		return utf8Charset, nil
	case strings.EqualFold(name, CharsetGBK):
		return gbkCharset, nil
	}
	return charset{}, fieldErr(KeyCharset, fmt.Errorf("unsupported %q (want utf-8 or GBK)", truncate(printable(name))))
}

func charsetOf(p Params) (charset, error) { return lookupCharset(p[KeyCharset]) }

// encode returns s as bytes in the charset.
func (c charset) encode(s string) ([]byte, error) {
	if !utf8.ValidString(s) {
		return nil, errors.New("not valid UTF-8 text")
	}
	if !c.gbk || isASCII(s) {
		return []byte(s), nil
	}
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("cannot be written in GBK: %w", err)
	}
	return b, nil
}

// decode turns bytes in the charset into UTF-8 text. It insists that the text encodes back to
// the same bytes: the GBK decoder silently replaces invalid bytes, and a signature is checked
// over the re-encoded bytes.
func (c charset) decode(b []byte) (string, error) {
	if !c.gbk || isASCII(string(b)) {
		if !utf8.Valid(b) {
			return "", errors.New("not valid UTF-8")
		}
		return string(b), nil
	}
	s, err := simplifiedchinese.GBK.NewDecoder().Bytes(b)
	if err != nil {
		return "", fmt.Errorf("not valid GBK: %w", err)
	}
	back, err := simplifiedchinese.GBK.NewEncoder().Bytes(s)
	if err != nil || string(back) != string(b) {
		return "", errors.New("not valid GBK")
	}
	return string(s), nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// printable makes arbitrary bytes safe to quote in an error message.
func printable(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

// truncate keeps error messages short when the input is long.
func truncate(s string) string {
	const limit = 64
	if len(s) <= limit {
		return s
	}
	return strings.ToValidUTF8(s[:limit], "") + "..."
}
