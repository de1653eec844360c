// Package signing implements the message signatures of PROTOCOL.md ("Signing (requests,
// responses, notifications)"): RSASSA-PKCS1-v1_5 over SHA-256 of
// "<METHOD> <path>\n<Client-Id>.<time>.<body>", carried in the Signature header. Senders are
// strict (one canonical form unless a Style asks otherwise); verifiers accept the variants
// the profile lists: spacing in the header, raw or URL-encoded Base64, RFC 3339 or epoch
// milliseconds.
package signing

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Algorithm is the algorithm the kit signs and verifies with.
const Algorithm = "RSA256"

// AlgorithmECC224 is the other algorithm some published wallets use (docs/protocol.md, "Where
// published wallets differ"). The kit accepts it as a name where a target profile declares
// it, but holds no ECC key: such a signature is reported as not checked.
const AlgorithmECC224 = "ECC224"

// ErrNotChecked is the outcome of a signature in a declared algorithm the kit cannot verify:
// not a failure, and not a verified signature either.
var ErrNotChecked = errors.New("signature not checked: the kit holds no key for its algorithm")

// VerifyDeclared is Verify for a receiver whose counterpart declared the algorithms it signs
// with: a header naming ECC224, when declared, ends with ErrNotChecked (wrapped) instead of
// being refused; anything else is verified as Verify does, so an algorithm not declared is
// still refused.
func VerifyDeclared(pub *rsa.PublicKey, m Message, h string, algorithms []string) error {
	if alg := headerAlgorithm(h); strings.EqualFold(alg, AlgorithmECC224) {
		for _, a := range algorithms {
			if a == AlgorithmECC224 {
				return fmt.Errorf("%w (algorithm %s)", ErrNotChecked, AlgorithmECC224)
			}
		}
	}
	return Verify(pub, m, h)
}

// headerAlgorithm returns the algorithm item of a Signature header, "" when it has none.
func headerAlgorithm(h string) string {
	for _, part := range strings.Split(h, ",") {
		if k, v, ok := strings.Cut(strings.TrimSpace(part), "="); ok && strings.TrimSpace(k) == "algorithm" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// Errors a verification can end with; all of them mean INVALID_SIGNATURE on the wire.
var (
	ErrMissing   = errors.New("signature missing")
	ErrMalformed = errors.New("signature header malformed")
	ErrAlgorithm = errors.New("signature algorithm not RSA256")
	ErrMismatch  = errors.New("signature does not match the message")
	ErrTime      = errors.New("request time unusable")
)

// Message is what a signature covers.
type Message struct {
	Method   string // POST
	Path     string // the request path as sent, with any prefix and query
	ClientID string
	Time     string // the Request-Time or Response-Time header, verbatim
	Body     []byte // the exact body bytes
}

// Content returns the bytes that are signed.
func (m Message) Content() []byte {
	var b strings.Builder
	b.Grow(len(m.Method) + len(m.Path) + len(m.ClientID) + len(m.Time) + len(m.Body) + 4)
	b.WriteString(m.Method)
	b.WriteByte(' ')
	b.WriteString(m.Path)
	b.WriteByte('\n')
	b.WriteString(m.ClientID)
	b.WriteByte('.')
	b.WriteString(m.Time)
	b.WriteByte('.')
	b.Write(m.Body)
	return []byte(b.String())
}

// Style selects the variant a sender writes. The zero Style is the canonical form:
// URL-encoded Base64, ", " between header items, RFC 3339 times.
type Style struct {
	RawBase64   bool // signature=<raw Base64> instead of URL-encoded
	NoSpaces    bool // "algorithm=RSA256,keyVersion=1,signature=..."
	EpochMillis bool // times as epoch milliseconds
}

// FormatTime writes a Request-Time / Response-Time value in the style.
func (s Style) FormatTime(t time.Time) string {
	if s.EpochMillis {
		return strconv.FormatInt(t.UnixMilli(), 10)
	}
	return t.Format(time.RFC3339)
}

// Sign signs m with key and returns the value of the Signature header.
func (s Style) Sign(key *rsa.PrivateKey, m Message) (string, error) {
	sum := sha256.Sum256(m.Content())
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("signing: %w", err)
	}
	return s.header(sig), nil
}

// header writes the Signature header value for the signature bytes sig.
func (s Style) header(sig []byte) string {
	value := base64.StdEncoding.EncodeToString(sig)
	if !s.RawBase64 {
		value = url.QueryEscape(value)
	}
	sep := ", "
	if s.NoSpaces {
		sep = ","
	}
	return "algorithm=" + Algorithm + sep + "keyVersion=1" + sep + "signature=" + value
}

// Sign signs m in the canonical style.
func Sign(key *rsa.PrivateKey, m Message) (string, error) { return Style{}.Sign(key, m) }

// Header is a parsed Signature header.
type Header struct {
	Algorithm  string
	KeyVersion string
	Signature  []byte // the decoded signature bytes
}

// ParseHeader reads "algorithm=RSA256, keyVersion=1, signature=<value>" in any of the
// tolerated variants. The value is URL-decoded only when it holds a '%' escape, and then
// with path unescaping: query unescaping would turn a raw Base64 '+' into a space. A header
// without an algorithm item is read as RSA256; an empty or other algorithm is refused.
func ParseHeader(h string) (Header, error) {
	if strings.TrimSpace(h) == "" {
		return Header{}, ErrMissing
	}
	var out Header
	var value string
	seen := map[string]bool{}
	for _, part := range strings.Split(h, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return Header{}, fmt.Errorf("%w: item %q is not key=value", ErrMalformed, clip(part))
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if seen[k] {
			return Header{}, fmt.Errorf("%w: %s appears twice", ErrMalformed, k)
		}
		seen[k] = true
		switch k {
		case "algorithm":
			out.Algorithm = v
		case "keyVersion":
			out.KeyVersion = v
		case "signature":
			value = v
		}
	}
	if value == "" {
		return Header{}, fmt.Errorf("%w: no signature value", ErrMalformed)
	}
	if !seen["algorithm"] {
		out.Algorithm = Algorithm
	}
	if !strings.EqualFold(out.Algorithm, Algorithm) {
		return Header{}, fmt.Errorf("%w: %q", ErrAlgorithm, clip(out.Algorithm))
	}
	if strings.Contains(value, "%") {
		unescaped, err := url.PathUnescape(value)
		if err != nil {
			return Header{}, fmt.Errorf("%w: signature value is not URL-encoded Base64", ErrMalformed)
		}
		value = unescaped
	}
	// The Base64 decoder skips CR and LF, so "%0A" alone would decode to an empty signature.
	if strings.ContainsAny(value, "\r\n") {
		return Header{}, fmt.Errorf("%w: signature value holds a line break", ErrMalformed)
	}
	sig, err := base64.StdEncoding.DecodeString(value)
	if err != nil || len(sig) == 0 {
		return Header{}, fmt.Errorf("%w: signature value is not Base64", ErrMalformed)
	}
	out.Signature = sig
	return out, nil
}

// Verify checks the Signature header h over m with the sender's public key.
func Verify(pub *rsa.PublicKey, m Message, h string) error {
	parsed, err := ParseHeader(h)
	if err != nil {
		return err
	}
	if pub == nil || pub.N == nil {
		// crypto/rsa panics on a nil key; a misconfigured receiver must fail, not crash.
		return errors.New("signing: no public key to verify with")
	}
	sum := sha256.Sum256(m.Content())
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], parsed.Signature); err != nil {
		return ErrMismatch
	}
	return nil
}

// ParseTime reads a Request-Time / Response-Time value: RFC 3339 (with or without
// fractional seconds) or epoch milliseconds.
func ParseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, fmt.Errorf("%w: empty", ErrTime)
	}
	if s[0] >= '0' && s[0] <= '9' && !strings.ContainsAny(s, "-:T") {
		ms, err := strconv.ParseInt(s, 10, 64)
		if err != nil || len(s) > 15 {
			return time.Time{}, fmt.Errorf("%w: %q is not epoch milliseconds", ErrTime, clip(s))
		}
		return time.UnixMilli(ms), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %q is neither RFC 3339 nor epoch milliseconds", ErrTime, clip(s))
	}
	return t, nil
}

// DefaultWindow is how far a message time may be from the receiver's clock (SHOULD level).
const DefaultWindow = 5 * time.Minute

// CheckFresh reports an error when the time value is unparseable or more than window away
// from now.
func CheckFresh(value string, now time.Time, window time.Duration) error {
	t, err := ParseTime(value)
	if err != nil {
		return err
	}
	if d := now.Sub(t); d > window || d < -window {
		return fmt.Errorf("%w: %s is %s away from the receiver's clock (window %s)", ErrTime, clip(value), d.Round(time.Second), window)
	}
	return nil
}

// ParsePrivateKey reads a PEM private key, PKCS#8 or PKCS#1.
func ParsePrivateKey(pemBytes []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("signing: private key: no PEM block")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("signing: private key: %w", err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("signing: private key is not RSA")
	}
	return rk, nil
}

// ParsePublicKey reads a PEM public key, PKIX (SubjectPublicKeyInfo) or PKCS#1.
func ParsePublicKey(pemBytes []byte) (*rsa.PublicKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("signing: public key: no PEM block")
	}
	if k, err := x509.ParsePKCS1PublicKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("signing: public key: %w", err)
	}
	rk, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, errors.New("signing: public key is not RSA")
	}
	return rk, nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
