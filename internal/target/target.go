// Package target holds the HTTP clients through which steps reach a wallet and a merchant
// under test: the wallet's test control (DESIGN.md, "Wallet test control": the shopper's
// my.tradePay, plus the kit's clock and payment view extensions) and the merchant's test
// adapter (DESIGN.md, "Merchant test adapter": the mini program's my.request calls). Both hooks
// are unsigned JSON. Every call is recorded as an Exchange so that a failing step can show
// what was sent and what came back. The wallet's signed OpenAPI is reached through
// internal/walletclient instead.
package target

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Config configures a client of one hook.
type Config struct {
	// BaseURL is the root of the hook: the control URL or the merchant URL, with any prefix.
	BaseURL string
	// HTTPClient sends the requests; nil means a client with a 30s timeout.
	HTTPClient *http.Client
	// OnExchange, when set, receives every call's record before the call returns.
	OnExchange func(Exchange)
}

// Exchange records one HTTP call for reports.
type Exchange struct {
	Method         string
	URL            string
	RequestBody    []byte
	StatusCode     int // 0 when no answer arrived
	ResponseHeader http.Header
	ResponseBody   []byte
	Err            error // the error the call returned, if any
	Duration       time.Duration
}

// String writes the exchange as a short readable transcript.
func (x Exchange) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", x.Method, x.URL)
	if len(x.RequestBody) > 0 {
		fmt.Fprintf(&b, "\n  > %s", Snippet(x.RequestBody))
	}
	if x.StatusCode != 0 {
		fmt.Fprintf(&b, "\n  < HTTP %d %s", x.StatusCode, Snippet(x.ResponseBody))
	}
	if x.Err != nil {
		fmt.Fprintf(&b, "\n  ! %v", x.Err)
	}
	return b.String()
}

// Snippet returns a body as printable text, cut at 600 bytes.
func Snippet(b []byte) string {
	const max = 600
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}

// Sentinel errors a StatusError unwraps to, one per answer the hooks define.
var (
	// ErrBadRequest: HTTP 400, the hook found the request malformed.
	ErrBadRequest = errors.New("request refused as malformed (HTTP 400)")
	// ErrNotFound: HTTP 404, no such order or payment.
	ErrNotFound = errors.New("not found (HTTP 404)")
	// ErrRefused: HTTP 409, the merchant refuses by a business rule.
	ErrRefused = errors.New("refused by the merchant (HTTP 409)")
	// ErrWalletFailed: HTTP 502, the merchant could not get a trustworthy answer from the wallet.
	ErrWalletFailed = errors.New("wallet unreachable, untrusted or refusing (HTTP 502)")
	// ErrUnexpectedStatus: any other status than 200.
	ErrUnexpectedStatus = errors.New("unexpected HTTP status")
)

// StatusError is a hook's answer other than 200. It keeps the status and the body, and the
// "error" and "resultCode" fields the hooks put in it.
type StatusError struct {
	Method     string
	URL        string
	StatusCode int
	Body       []byte
	Message    string // the body's "error"
	ResultCode string // the body's "resultCode", when the wallet gave one
}

func (e *StatusError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = Snippet(e.Body)
	}
	if e.ResultCode != "" {
		msg += " (resultCode " + e.ResultCode + ")"
	}
	return fmt.Sprintf("%s %s: HTTP %d: %s", e.Method, e.URL, e.StatusCode, msg)
}

// Unwrap maps the status onto its sentinel, so callers can test errors.Is(err, ErrRefused).
func (e *StatusError) Unwrap() error {
	switch e.StatusCode {
	case http.StatusBadRequest:
		return ErrBadRequest
	case http.StatusNotFound:
		return ErrNotFound
	case http.StatusConflict:
		return ErrRefused
	case http.StatusBadGateway:
		return ErrWalletFailed
	default:
		return ErrUnexpectedStatus
	}
}

// maxResponseBytes bounds what a client reads: the hooks answer a few hundred bytes, and a
// cashier page a few kilobytes.
const maxResponseBytes = 1 << 20

// client is the transport shared by the hook clients.
type client struct {
	base       string
	http       *http.Client
	onExchange func(Exchange)
}

func newClient(cfg Config) (client, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return client{}, fmt.Errorf("target: BaseURL %q is not an absolute http(s) URL", cfg.BaseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return client{}, fmt.Errorf("target: BaseURL %q has a query or fragment", cfg.BaseURL)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return client{base: strings.TrimRight(cfg.BaseURL, "/"), http: hc, onExchange: cfg.OnExchange}, nil
}

// do sends one request to base+path with in as JSON body (nil: no body) and decodes a 200
// answer into out (nil: ignore). Any other status is a *StatusError.
func (c client) do(ctx context.Context, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("target: encode request: %w", err)
		}
	}
	respBody, _, err := c.send(ctx, method, c.base+path, body, "application/json")
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(respBody, out); err != nil {
		return fmt.Errorf("target: %s %s: answer is not the expected JSON: %w", method, c.base+path, err)
	}
	return nil
}

// send performs the call and records it. It returns the body of a 200 answer.
func (c client) send(ctx context.Context, method, target string, body []byte, accept string) (respBody []byte, header http.Header, err error) {
	x := Exchange{Method: method, URL: target, RequestBody: body}
	start := time.Now()
	defer func() {
		x.Duration = time.Since(start)
		x.Err = err
		if c.onExchange != nil {
			c.onExchange(x)
		}
	}()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return nil, nil, fmt.Errorf("target: %s %s: %w", method, target, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", accept)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("target: %s %s: %w", method, target, err)
	}
	defer resp.Body.Close()
	x.StatusCode = resp.StatusCode
	x.ResponseHeader = resp.Header.Clone()
	respBody, err = io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	x.ResponseBody = respBody
	if err != nil {
		return nil, nil, fmt.Errorf("target: %s %s: read answer: %w", method, target, err)
	}
	if len(respBody) > maxResponseBytes {
		return nil, nil, fmt.Errorf("target: %s %s: answer is larger than %d bytes", method, target, maxResponseBytes)
	}
	if resp.StatusCode != http.StatusOK {
		se := &StatusError{Method: method, URL: target, StatusCode: resp.StatusCode, Body: respBody}
		var fields struct {
			Error      string `json:"error"`
			ResultCode string `json:"resultCode"`
		}
		if json.Unmarshal(respBody, &fields) == nil {
			se.Message, se.ResultCode = fields.Error, fields.ResultCode
		}
		return nil, nil, se
	}
	return respBody, resp.Header, nil
}
