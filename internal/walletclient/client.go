// Package walletclient is the merchant side of the server OpenAPI of PROTOCOL.md ("Server
// OpenAPI", "Signing"): it signs each request with the merchant key, sends the exact bytes it
// signed, and accepts an answer only when the wallet's signature over the exact response bytes
// verifies and the response echoes the merchant's Client-Id. The reference merchant uses it to
// reach any wallet; steps and pact tests use it to play a merchant.
//
// The client speaks one dialect of the OpenAPI (docs/dialects.md): the typed methods write
// each request in the dialect's shape (openapi.EncodePay, EncodeRefund, EncodeInquiryPayment),
// post it to the dialect's path (the version segment, the prefix, refund or refundApply) and
// read the answer as the dialect's reader does (either outcome shape of inquiryPayment, a
// JSON-integer Amount.value where the dialect allows it). Send posts a body as it is.
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

// The API names a caller passes to Send and finds in Exchange.API: the operations of
// dialect.APIs. APIRefund is the refund operation under either of its wire names: the client
// posts it to refundApply where the dialect names it so.
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
	// BaseURL is the wallet's address: its root ("http://127.0.0.1:1234"), or the root
	// followed by the dialect's prefix ("http://127.0.0.1:1234/acl/api", as callers that
	// append the profile's basePath write it). The client appends Dialect.BasePath unless
	// BaseURL already ends with it, so that both forms reach
	// {root}{basePath}/{version}/payments/{apiName}; any other path in BaseURL is kept in
	// front of it as it is.
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
	// dialect.DefaultPartnerID. A request that sets its own PartnerID keeps it.
	PartnerID string
	// AppID is the value sent as appId in pay where the dialect requires it and the request
	// sets none; a pay the dialect requires appId in fails without one.
	AppID string
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
	// API is the operation as the caller named it (APIRefund for a refundApply too); URL
	// is where it went.
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
	cfg     Config
	dialect dialect.Dialect
	base    string // BaseURL without a trailing slash and without the dialect's prefix
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
	d := dialect.OrDefault(cfg.Dialect)
	base := strings.TrimRight(cfg.BaseURL, "/")
	if d.BasePath != "" {
		base = strings.TrimSuffix(base, d.BasePath)
	}
	return &Client{cfg: cfg, dialect: d, base: base}, nil
}

// ClientID returns the client id the requests carry.
func (c *Client) ClientID() string { return c.cfg.ClientID }

// Dialect returns the dialect the client speaks.
func (c *Client) Dialect() dialect.Dialect { return c.dialect }

// URL returns the address of an API in the client's dialect:
// {BaseURL}{basePath}/{version}/payments/{apiName}, where APIRefund is named refund or
// refundApply by the dialect.
func (c *Client) URL(api string) string { return c.base + c.dialect.PathFor(dialect.API(api)) }

// Pay creates a payment. The request is neutral (openapi.EncodePay): its PaymentOrderTitle
// goes where the dialect carries the title; partnerId and appId are filled from the Config
// where the dialect carries or requires them and the request sets none; an empty
// ProductCode takes the dialect's code for the payment type (paymentFactor.isAuthorization
// marks a pre-authorization), and none is sent when the dialect has none.
func (c *Client) Pay(ctx context.Context, req *openapi.PayRequest) (*openapi.PayResponse, error) {
	r := *req
	d := c.dialect
	if r.PartnerID == "" && d.CarriesPartnerID() {
		r.PartnerID = c.partnerID()
	}
	if r.AppID == "" && d.RequiresAppID() {
		r.AppID = c.cfg.AppID
	}
	if r.ProductCode == "" {
		r.ProductCode = d.ProductCodeFor(r.PaymentFactor != nil && r.PaymentFactor.IsAuthorization)
	}
	body, err := openapi.EncodePay(d, r)
	if err != nil {
		return nil, fmt.Errorf("walletclient: %w", err)
	}
	out := new(openapi.PayResponse)
	if err := c.send(ctx, APIPay, body, func(b []byte) error { return openapi.DecodeAnswer(d, b, out) }); err != nil {
		return nil, err
	}
	return out, nil
}

// InquiryPayment asks for a payment's status. partnerId is filled where the dialect carries
// it; the answer's status is read from paymentStatus or paymentResult
// (openapi.DecodeInquiryPaymentResponse), so a successful answer always has a PaymentStatus.
func (c *Client) InquiryPayment(ctx context.Context, req *openapi.InquiryPaymentRequest) (*openapi.InquiryPaymentResponse, error) {
	r := *req
	if r.PartnerID == "" && c.dialect.CarriesPartnerID() {
		r.PartnerID = c.partnerID()
	}
	body, err := openapi.EncodeInquiryPayment(c.dialect, r)
	if err != nil {
		return nil, fmt.Errorf("walletclient: %w", err)
	}
	out := new(openapi.InquiryPaymentResponse)
	err = c.send(ctx, APIInquiryPayment, body, func(b []byte) error {
		resp, err := openapi.DecodeInquiryPaymentResponse(c.dialect, b)
		*out = resp
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (c *Client) partnerID() string {
	if c.cfg.PartnerID != "" {
		return c.cfg.PartnerID
	}
	return dialect.DefaultPartnerID
}

// Cancel cancels an unpaid payment or releases an authorization.
func (c *Client) Cancel(ctx context.Context, req *openapi.CancelRequest) (*openapi.CancelResponse, error) {
	return call[openapi.CancelResponse](ctx, c, APICancel, req)
}

// Capture captures an authorized pre-auth payment.
func (c *Client) Capture(ctx context.Context, req *openapi.CaptureRequest) (*openapi.CaptureResponse, error) {
	return call[openapi.CaptureResponse](ctx, c, APICapture, req)
}

// Refund refunds part or all of a payment, through refund or refundApply as the dialect
// names it (openapi.EncodeRefund).
func (c *Client) Refund(ctx context.Context, req *openapi.RefundRequest) (*openapi.RefundResponse, error) {
	body, err := openapi.EncodeRefund(c.dialect, openapi.RefundCall{RefundRequest: *req})
	if err != nil {
		return nil, fmt.Errorf("walletclient: %w", err)
	}
	out := new(openapi.RefundResponse)
	if err := c.send(ctx, APIRefund, body, func(b []byte) error { return openapi.DecodeAnswer(c.dialect, b, out) }); err != nil {
		return nil, err
	}
	return out, nil
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
	if err := c.send(ctx, api, body, func(b []byte) error { return openapi.DecodeAnswer(c.dialect, b, out) }); err != nil {
		return nil, err
	}
	return out, nil
}

// Send signs body as it is and posts it to the API (at URL(api)), then verifies the answer
// and decodes it leniently into out. Steps use it to send bodies the typed methods would not
// write (other key order or spacing, another dialect's shape). A decoded answer is returned
// for any resultStatus; errors are kept for answers the client cannot trust or read.
func (c *Client) Send(ctx context.Context, api string, body []byte, out any) error {
	return c.send(ctx, api, body, func(b []byte) error { return openapi.DecodeAnswer(c.dialect, b, out) })
}

// send posts body to the API and hands the verified answer to decode.
func (c *Client) send(ctx context.Context, api string, body []byte, decode func([]byte) error) (err error) {
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

	switch err := c.verifyResponse(path, resp.Header, respBody); {
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
	if err := decode(respBody); err != nil {
		return fmt.Errorf("walletclient: POST %s: %w", target, err)
	}
	return nil
}

// verifyResponse checks the answer's signature over the path as sent and, behind the
// dialect's prefix, over the path without it (the published pages do not say which one a
// wallet behind a prefix signs). The first error is the one reported.
func (c *Client) verifyResponse(path string, h http.Header, body []byte) error {
	header := h.Get(signing.HeaderSignature)
	var first error
	for _, p := range c.dialect.SignedPaths(path) {
		err := c.cfg.VerifyResponse(signing.ResponseMessage(http.MethodPost, p, h, body), header)
		if err == nil || errors.Is(err, signing.ErrNotChecked) {
			return err
		}
		if first == nil {
			first = err
		}
	}
	return first
}

func snippet(b []byte) string {
	const max = 200
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	if len(s) > max {
		return fmt.Sprintf("%q...", s[:max])
	}
	return fmt.Sprintf("%q", s)
}
