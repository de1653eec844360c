package steps

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/signing"
	"github.com/tradepaykit/tradepaykit/internal/target"
)

// Messages the kit signs by hand (PROTOCOL.md, "Signing"), in both directions: requests to
// the wallet when the kit plays a merchant, notifications to the merchant when it plays the
// wallet. A signedMessage is correct by default; its forgery fields break it in exactly one
// way, so that a scenario shows which check a party lacks.
type signedMessage struct {
	URL      string // where it goes
	Body     []byte // the bytes on the wire
	ClientID string // the Client-Id header
	Key      *rsa.PrivateKey
	Style    signing.Style
	Time     time.Time // the Request-Time; zero means now

	// What the signature covers instead of the truth.
	SignedBody     []byte  // nil: Body
	SignedPath     string  // "": the path sent
	SignedClientID *string // nil: ClientID
	// What the Signature header says instead of the canonical items.
	Algorithm      string  // "": RSA256
	KeyVersion     string  // "": 1
	SignatureValue *string // nil: the computed value
	// Omit lists headers left out.
	Omit []string
}

// forgeries are the ways a signed message can be broken, by the name scenarios use; the
// features say which result code each must get (PROTOCOL.md, "Transport and signing").
// "another key" is the key of the receiver's other party: certainly well formed, certainly
// not the sender's.
var forgeries = map[string]func(m *signedMessage, f forgeContext){
	"signed with another key": func(m *signedMessage, f forgeContext) { m.Key = f.otherKey },
	"whose body was changed after signing": func(m *signedMessage, f forgeContext) {
		m.SignedBody = f.otherBody
	},
	"signed for another path": func(m *signedMessage, _ forgeContext) {
		m.SignedPath = otherPath(m.URL)
	},
	"whose Client-Id was changed after signing": func(m *signedMessage, _ forgeContext) {
		id := m.ClientID + "0"
		m.SignedClientID = &id
	},
	"under a client id the receiver does not know": func(m *signedMessage, _ forgeContext) {
		m.ClientID = newID("UNKNOWN-CLIENT-")
	},
	"without a Client-Id header": func(m *signedMessage, _ forgeContext) {
		m.Omit = append(m.Omit, signing.HeaderClientID)
	},
	"without a Signature header": func(m *signedMessage, _ forgeContext) {
		m.Omit = append(m.Omit, signing.HeaderSignature)
	},
	"without a Request-Time header": func(m *signedMessage, _ forgeContext) {
		m.Omit = append(m.Omit, signing.HeaderRequestTime)
	},
	"signed over its JSON in other bytes": func(m *signedMessage, _ forgeContext) {
		// The same JSON value re-serialized: a sender that signs a re-encoding instead of
		// the bytes it sends.
		var out bytes.Buffer
		if err := json.Indent(&out, m.Body, "", "  "); err == nil {
			m.SignedBody, m.Body = m.Body, out.Bytes()
		}
	},
	"with the algorithm RSA512": func(m *signedMessage, _ forgeContext) { m.Algorithm = "RSA512" },
	"with the algorithm HS256":  func(m *signedMessage, _ forgeContext) { m.Algorithm = "HS256" },
	"with a signature that is not Base64": func(m *signedMessage, _ forgeContext) {
		v := "not*base64!"
		m.SignatureValue = &v
	},
	"with an empty signature": func(m *signedMessage, _ forgeContext) {
		v := ""
		m.SignatureValue = &v
	},
	"signed 6 minutes ago": func(m *signedMessage, _ forgeContext) {
		m.Time = time.Now().Add(-6 * time.Minute)
	},
	"signed 6 minutes ahead": func(m *signedMessage, _ forgeContext) {
		m.Time = time.Now().Add(6 * time.Minute)
	},
}

// forgeContext is what a forgery needs besides the message.
type forgeContext struct {
	otherKey  *rsa.PrivateKey // a key that is not the sender's
	otherBody []byte          // a well-formed body other than the one sent
}

// variants are the signing variants a receiver must accept (PROTOCOL.md, "Signing" 3).
var variants = map[string]func(m *signedMessage){
	"raw Base64":              func(m *signedMessage) { m.Style.RawBase64 = true },
	"no spaces in the header": func(m *signedMessage) { m.Style.NoSpaces = true },
	"epoch milliseconds":      func(m *signedMessage) { m.Style.EpochMillis = true },
	"all three variants": func(m *signedMessage) {
		m.Style = signing.Style{RawBase64: true, NoSpaces: true, EpochMillis: true}
	},
	"key version 2": func(m *signedMessage) { m.KeyVersion = "2" },
	// Inside the 5-minute freshness window: a receiver SHOULD accept it.
	"a time 4 minutes old": func(m *signedMessage) { m.Time = time.Now().Add(-4 * time.Minute) },
}

func forge(ctx context.Context, name string, m *signedMessage, f forgeContext) {
	fg, ok := forgeries[name]
	require.True(checks(ctx), ok, "unknown forgery %q: the kit knows %s", name, known(forgeries))
	fg(m, f)
}

func applyVariant(ctx context.Context, name string, m *signedMessage) {
	v, ok := variants[name]
	require.True(checks(ctx), ok, "unknown signing variant %q: the kit knows %s", name, known(variants))
	v(m)
}

func known[V any](m map[string]V) string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, fmt.Sprintf("%q", k))
	}
	return strings.Join(names, ", ")
}

// otherPath returns the path of another API than the one in rawURL.
func otherPath(rawURL string) string {
	path := rawURL
	if i := strings.Index(rawURL, "://"); i >= 0 {
		if j := strings.Index(rawURL[i+3:], "/"); j >= 0 {
			path = rawURL[i+3+j:]
		}
	}
	cut := strings.LastIndex(path, "/")
	other := "inquiryPayment"
	if path[cut+1:] == other {
		other = "pay"
	}
	return path[:cut+1] + other
}

// sendSigned signs m, sends it, and returns the answer; the answer's signature is checked
// with answerKey over the exact bytes received (nil: not checked). The exchange goes into the
// scenario's log.
func (w *World) sendSigned(ctx context.Context, m signedMessage, answerKey *rsa.PublicKey) *signedAnswer {
	t := checks(ctx)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.URL, bytes.NewReader(m.Body))
	require.NoError(t, err, "request to %s", m.URL)
	now := m.Time
	if now.IsZero() {
		now = time.Now()
	}
	path := signing.PathOf(req)
	msg := signing.Message{Method: http.MethodPost, Path: path, ClientID: m.ClientID, Time: m.Style.FormatTime(now), Body: m.Body}
	if m.SignedBody != nil {
		msg.Body = m.SignedBody
	}
	if m.SignedPath != "" {
		msg.Path = m.SignedPath
	}
	if m.SignedClientID != nil {
		msg.ClientID = *m.SignedClientID
	}
	header, err := w.targets.Signatures.Sign(m.Style, m.Key, msg)
	require.NoError(t, err, "signing")
	if m.Algorithm != "" {
		header = strings.Replace(header, "algorithm="+signing.Algorithm, "algorithm="+m.Algorithm, 1)
	}
	if m.KeyVersion != "" {
		header = strings.Replace(header, "keyVersion=1", "keyVersion="+m.KeyVersion, 1)
	}
	if m.SignatureValue != nil {
		header = header[:strings.Index(header, "signature=")+len("signature=")] + *m.SignatureValue
	}
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	req.Header.Set(signing.HeaderClientID, m.ClientID)
	req.Header.Set(signing.HeaderRequestTime, msg.Time)
	req.Header.Set(signing.HeaderSignature, header)
	for _, h := range m.Omit {
		req.Header.Del(h)
	}

	var log strings.Builder
	fmt.Fprintf(&log, "POST %s (signed by hand as %q)\n  > %s: %s\n  > %s", m.URL, req.Header.Get(signing.HeaderClientID),
		signing.HeaderSignature, target.Snippet([]byte(req.Header.Get(signing.HeaderSignature))), target.Snippet(m.Body))
	resp, err := w.targets.HTTPClient.Do(req)
	if err != nil {
		fmt.Fprintf(&log, "\n  ! %v", err)
		w.record(log.String())
		require.NoError(t, err, "POST %s", m.URL)
	}
	defer resp.Body.Close()
	a := &signedAnswer{StatusCode: resp.StatusCode, Header: resp.Header.Clone(), SentClientID: req.Header.Get(signing.HeaderClientID)}
	a.Body, err = io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	fmt.Fprintf(&log, "\n  < HTTP %d %s", resp.StatusCode, target.Snippet(a.Body))
	var env struct {
		Result openapi.Result `json:"result"`
	}
	if a.DecodeErr = openapi.DecodeResponse(a.Body, &env); a.DecodeErr == nil {
		a.Result = env.Result
	}
	if answerKey != nil {
		msg, header := signing.ResponseMessage(http.MethodPost, path, resp.Header, a.Body), resp.Header.Get(signing.HeaderSignature)
		if err := signing.VerifyDeclared(nil, msg, header, w.targets.SignatureAlgorithms); errors.Is(err, signing.ErrNotChecked) {
			// A declared ECC224: the kit holds no key for it; reported, not refused.
			fmt.Fprintf(&log, "\n  ! answer signature: %v", err)
		} else {
			a.SignatureErr = w.targets.Signatures.Verify(answerKey, msg, header)
		}
		if a.SignatureErr != nil {
			fmt.Fprintf(&log, "\n  ! answer signature: %v", a.SignatureErr)
		}
	}
	w.record(log.String())
	require.NoError(t, err, "reading the answer of %s", m.URL)
	probeOf(ctx).answer = a
	return a
}
