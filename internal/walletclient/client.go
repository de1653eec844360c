// Package walletclient is the merchant side of the server OpenAPI of PROTOCOL.md ("Server
// OpenAPI", "Signing"): it signs each request with the merchant key, sends the exact bytes it
// signed, and accepts an answer only when the wallet's signature over the exact response bytes
// verifies and the response echoes the merchant's Client-Id. The reference merchant uses it to
// reach any wallet; steps and pact tests use it to play a merchant.
package walletclient

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tradepaykit/tradepaykit/internal/clock"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/signing"
)

// The API names under {BaseURL}/v1/payments/.
const (
	APIPay            = "pay"
	APIInquiryPayment = "inquiryPayment"
	APICancel         = "cancel"
	APICapture        = "capture"
	APIRefund         = "refund"
	APIInquiryRefund  = "inquiryRefund"
)

// maxResponseBytes bounds what the client reads of an answer; a wallet's largest answer is a
// few hundred bytes, so anything near this is not an OpenAPI answer.
const maxResponseBytes = 1 << 20

// Config configures a Client.
type Config struct {
	// BaseURL is the wallet's API base, with any path prefix: "http://127.0.0.1:1234/api".
	BaseURL         string
	ClientID        string
	PrivateKey      *rsa.PrivateKey // the merchant's key, signs requests
	WalletPublicKey *rsa.PublicKey  // verifies responses
	HTTPClient      *http.Client    // default: a client with a 30s timeout
	Clock           clock.Clock     // stamps Request-Time; default clock.Real{}
	Style           signing.Style   // how requests are signed; the zero Style is canonical
	// OnExchange, when set, receives a record of every call, failed or not, before the call
	// returns. Reports use it to show the failing exchange.
	OnExchange func(Exchange)
	// VerifyResponse checks the Signature header of an answer over its signed message. Nil
	// means the real check: RSA with WalletPublicKey. Only the pact consumer tests replace it:
	// Pact's mock server answers with the contract's example headers and cannot sign, so
	// there the check is reduced to "a well-formed Signature and a Response-Time are
	// present". Every other caller keeps the default.
	VerifyResponse func(m signing.Message, header string) error
	// Algorithms the wallet declares it signs with (its target profile); nil means RSA256
	// only. An answer signed in a declared ECC224 is accepted and recorded as not checked
	// (Exchange.SignatureErr wraps signing.ErrNotChecked).
	Algorithms []string
	// Dialect is the shape of the OpenAPI the wallet speaks (docs/dialects.md): which path
	// each API has, which fields a request carries, how answers are read. The zero value
	// means the kit preset.
	Dialect dialect.Dialect
	// PartnerID is the value sent as partnerId where the dialect carries it; empty means
	// dialect.DefaultPartnerID.
	PartnerID string
	// IgnoreClientIDEcho accepts an answer whose Client-Id is not the request's. Only the
	// reference merchant's defect catalog sets it (a test aid: a merchant that forgets the
	// check); every other caller keeps the check.
	IgnoreClientIDEcho bool
	// Signatures signs the requests, each distinct message once, and counts the signatures
	// made and verified; nil signs every request afresh.
	Signatures *signing.Memo
}

// Exchange records one call for reports.
type Exchange struct {
	API            string
	Method         string
	URL            string
	RequestHeader  http.Header
	RequestBody    []byte
	StatusCode     int // 0 when no answer arrived
	ResponseHeader http.Header
	ResponseBody   []byte
	// SignatureVerified is true when the response signature verified; SignatureErr says why
	// not when a response arrived and its signature did not verify.
	SignatureVerified bool
	SignatureErr      error
	Err               error // the error the call returned, if any
	Duration          time.Duration
}

// Client calls one wallet's server OpenAPI as one merchant. It is safe for concurrent use.
type Client struct {
	cfg  Config
	base string // BaseURL without a trailing slash
}

// New checks cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("walletclient: BaseURL %q is not an absolute http(s) URL", cfg.BaseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("walletclient: BaseURL %q has a query or fragment", cfg.BaseURL)
	}
	switch {
	case cfg.ClientID == "":
		return nil, errors.New("walletclient: ClientID is empty")
	case cfg.PrivateKey == nil:
		return nil, errors.New("walletclient: PrivateKey is nil")
	case cfg.WalletPublicKey == nil && cfg.VerifyResponse == nil:
		return nil, errors.New("walletclient: WalletPublicKey is nil")
	}
	if cfg.VerifyResponse == nil {
		pub, memo := cfg.WalletPublicKey, cfg.Signatures
		algorithms := cfg.Algorithms
		cfg.VerifyResponse = func(m signing.Message, header string) error {
			if err := signing.VerifyDeclared(nil, m, header, algorithms); errors.Is(err, signing.ErrNotChecked) {
				return err
			}
			return memo.Verify(pub, m, header)
		}
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	return &Client{cfg: cfg, base: strings.TrimRight(cfg.BaseURL, "/")}, nil
}

// ClientID returns the client id the requests carry.
func (c *Client) ClientID() string { return c.cfg.ClientID }

// URL returns the address of an API: {BaseURL}/v1/payments/{api}.
func (c *Client) URL(api string) string { return c.base + "/v1/payments/" + api }

// Pay creates a payment.
func (c *Client) Pay(ctx context.Context, req *openapi.PayRequest) (*openapi.PayResponse, error) {
	return call[openapi.PayResponse](ctx, c, APIPay, req)
}

// InquiryPayment asks for a payment's status.
func (c *Client) InquiryPayment(ctx context.Context, req *openapi.InquiryPaymentRequest) (*openapi.InquiryPaymentResponse, error) {
	return call[openapi.InquiryPaymentResponse](ctx, c, APIInquiryPayment, req)
}

// Cancel cancels an unpaid payment or releases an authorization.
func (c *Client) Cancel(ctx context.Context, req *openapi.CancelRequest) (*openapi.CancelResponse, error) {
	return call[openapi.CancelResponse](ctx, c, APICancel, req)
}

// Capture captures an authorized pre-auth payment.
func (c *Client) Capture(ctx context.Context, req *openapi.CaptureRequest) (*openapi.CaptureResponse, error) {
	return call[openapi.CaptureResponse](ctx, c, APICapture, req)
}

// Refund refunds part or all of a payment.
func (c *Client) Refund(ctx context.Context, req *openapi.RefundRequest) (*openapi.RefundResponse, error) {
	return call[openapi.RefundResponse](ctx, c, APIRefund, req)
}

// InquiryRefund asks for a refund's status.
func (c *Client) InquiryRefund(ctx context.Context, req *openapi.InquiryRefundRequest) (*openapi.InquiryRefundResponse, error) {
	return call[openapi.InquiryRefundResponse](ctx, c, APIInquiryRefund, req)
}

func call[Resp any](ctx context.Context, c *Client, api string, req any) (*Resp, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("walletclient: %s: encode request: %w", api, err)
	}
	out := new(Resp)
	if err := c.Send(ctx, api, body, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Send signs body as it is and posts it to the API, then verifies the answer and decodes it
// leniently into out. Steps use it to send bodies the typed methods would not write (other
// key order or spacing). A decoded answer is returned for any resultStatus; errors are kept
// for answers the client cannot trust or read.
func (c *Client) Send(ctx context.Context, api string, body []byte, out any) (err error) {
	target := c.URL(api)
	x := Exchange{API: api, Method: http.MethodPost, URL: target, RequestBody: body}
	start := time.Now()
	defer func() {
		x.Duration = time.Since(start)
		x.Err = err
		if c.cfg.OnExchange != nil {
			c.cfg.OnExchange(x)
		}
	}()

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("walletclient: %s: %w", target, err)
	}
	if err := c.cfg.Signatures.SignRequest(c.cfg.Style, req, body, c.cfg.ClientID, c.cfg.PrivateKey, c.cfg.Clock.Now()); err != nil {
		return fmt.Errorf("walletclient: sign request: %w", err)
	}
	x.RequestHeader = req.Header.Clone()
	// The path the wallet verifies is the one on the request line, prefix included.
	path := signing.PathOf(req)

	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("walletclient: POST %s: %w", target, err)
	}
	defer resp.Body.Close()
	x.StatusCode = resp.StatusCode
	x.ResponseHeader = resp.Header.Clone()
	respBody, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	x.ResponseBody = respBody
	if err != nil {
		return fmt.Errorf("walletclient: POST %s: read response: %w", target, err)
	}
	if len(respBody) > maxResponseBytes {
		return fmt.Errorf("walletclient: POST %s: response is larger than %d bytes", target, maxResponseBytes)
	}

	// The profile answers HTTP 200 (SHOULD); another status is tolerated when the body still
	// carries a result, since the kit judges the result.
	if resp.StatusCode != http.StatusOK {
		var probe struct {
			Result openapi.Result `json:"result"`
		}
		if derr := openapi.DecodeResponse(respBody, &probe); derr != nil {
			return fmt.Errorf("walletclient: POST %s: HTTP %d without a result: %s", target, resp.StatusCode, snippet(respBody))
		}
	}

	msg := signing.ResponseMessage(http.MethodPost, path, resp.Header, respBody)
	switch err := c.cfg.VerifyResponse(msg, resp.Header.Get(signing.HeaderSignature)); {
	case errors.Is(err, signing.ErrNotChecked):
		x.SignatureErr = err // in a declared algorithm the kit cannot verify: reported, not refused
	case err != nil:
		x.SignatureErr = err
		return fmt.Errorf("walletclient: response signature: %w", err)
	default:
		x.SignatureVerified = true
	}
	if got := resp.Header.Get(signing.HeaderClientID); got != c.cfg.ClientID && !c.cfg.IgnoreClientIDEcho {
		return fmt.Errorf("walletclient: response Client-Id %q does not echo the request's %q", got, c.cfg.ClientID)
	}
	if err := openapi.DecodeResponse(respBody, out); err != nil {
		return fmt.Errorf("walletclient: POST %s: %w", target, err)
	}
	return nil
}

func snippet(b []byte) string {
	const max = 200
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	if len(s) > max {
		return fmt.Sprintf("%q...", s[:max])
	}
	return fmt.Sprintf("%q", s)
}
