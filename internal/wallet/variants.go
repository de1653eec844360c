package wallet

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// Variants: behaviours a correct wallet may show where the published wallets differ
// (docs/protocol.md, "Where published wallets differ"). Unlike a defect, a variant breaks no MUST:
// a verify-wallet run with the bare profile passes against the mock with any of them, with a
// WARNING (SHOULD) where the variant leaves a SHOULD. The kit's tests start the mock with each
// one to prove that the kit accepts what the published pages accept; a wallet vendor can try
// the same with wallet-mock --variant.

// Variant is one correct-but-different behaviour the wallet can be told to show (a test aid).
type Variant string

// The variants.
const (
	// VariantLenientReader accepts what a wallet SHOULD refuse: an unknown productCode (taken
	// as the general product), an extendInfo that is not JSON (dropped), and text that is not
	// valid UTF-8 (each bad byte read as U+FFFD, as Go's JSON decoder does).
	VariantLenientReader Variant = "lenient-reader"
	// VariantRepeatCancelSucceeds answers a second cancel of a cancelled payment S again,
	// changing nothing (an idempotent repeat).
	VariantRepeatCancelSucceeds Variant = "repeat-cancel-succeeds"
	// VariantNoPaymentTime leaves paymentTime out of SUCCESS notifications (a SHOULD).
	VariantNoPaymentTime Variant = "no-payment-time"
	// VariantCaptureAliases refuses captures with the published aliases:
	// CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT, AUTH_EXPIRED, AUTH_CANCELLED.
	VariantCaptureAliases Variant = "capture-aliases"
	// VariantReplayRefusal answers a pay, capture or refund whose request id was refused (F)
	// before with that first refusal again, whatever the new content.
	VariantReplayRefusal Variant = "replay-first-refusal"
	// VariantNoRetryAfterF stops notifying once the merchant answered F (retrying is a
	// SHOULD); U, garbage, timeouts and HTTP errors are still retried.
	VariantNoRetryAfterF Variant = "no-retry-after-f"
	// VariantNoRefundTime answers a refund with refundId and no refundTime (a SHOULD).
	VariantNoRefundTime Variant = "no-refund-time"
	// VariantNoAuthSuccessNotification does not notify a granted pre-authorization: the
	// published notifications fire on a final success or failure only.
	VariantNoAuthSuccessNotification Variant = "no-auth-success-notification"
	// VariantNoDeadlineFailNotification does not notify a payment closed by its deadline.
	VariantNoDeadlineFailNotification Variant = "no-deadline-fail-notification"
	// VariantOneCapture takes one capture per authorization: a capture after a successful
	// one is refused (ORDER_IS_CLOSED) and changes nothing.
	VariantOneCapture Variant = "one-capture"
	// VariantOnePartialRefund takes one refund per payment: a refund after a successful one
	// is refused (MULTI_REFUND_NOT_ALLOWED) and changes nothing.
	VariantOnePartialRefund Variant = "one-partial-refund"
	// VariantRefundInFlight answers a refund S and reports it PROCESSING to the first
	// inquiryRefund about it, SUCCESS after: a refund in flight reported the other way round
	// from REFUND_IN_PROCESS.
	VariantRefundInFlight Variant = "refund-in-flight"
)

// VariantInfo describes a Variant for the list.
type VariantInfo struct {
	Name Variant
	What string // one line: what the wallet does differently
}

var variantList = []VariantInfo{
	{VariantLenientReader, "accepts an unknown productCode, an extendInfo that is not JSON and invalid UTF-8"},
	{VariantRepeatCancelSucceeds, "a second cancel of a cancelled payment answers S again and changes nothing"},
	{VariantNoPaymentTime, "SUCCESS notifications carry no paymentTime"},
	{VariantCaptureAliases, "capture refusals use CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT, AUTH_EXPIRED and AUTH_CANCELLED"},
	{VariantReplayRefusal, "a request id refused once (pay, capture, refund) gets the same refusal again"},
	{VariantNoRetryAfterF, "a notification the merchant answered F is not retried"},
	{VariantNoRefundTime, "refund answers carry no refundTime"},
	{VariantNoAuthSuccessNotification, "a granted pre-authorization is not notified (no AUTH_SUCCESS notification)"},
	{VariantNoDeadlineFailNotification, "a payment closed by its deadline is not notified FAIL"},
	{VariantOneCapture, "a second capture of an authorization is refused (ORDER_IS_CLOSED)"},
	{VariantOnePartialRefund, "a second refund of a payment is refused (MULTI_REFUND_NOT_ALLOWED)"},
	{VariantRefundInFlight, "a refund answered S is reported PROCESSING by the first inquiryRefund, SUCCESS after"},
}

// Variants lists the variants, sorted by name.
func Variants() []VariantInfo {
	out := append([]VariantInfo(nil), variantList...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// variants is the set a wallet runs with, and what the replaying one remembers.
type variants struct {
	set      map[Variant]bool
	mu       sync.Mutex
	refusals map[string]error // by client, API and request id: the first refusal
	asked    map[string]bool  // refund ids an inquiryRefund has reported PROCESSING
}

func newVariants(names []Variant) (*variants, error) {
	known := map[Variant]bool{}
	for _, v := range variantList {
		known[v.Name] = true
	}
	v := &variants{set: map[Variant]bool{}, refusals: map[string]error{}, asked: map[string]bool{}}
	for _, n := range names {
		if !known[n] {
			return nil, fmt.Errorf("wallet: unknown variant %q", n)
		}
		v.set[n] = true
	}
	return v, nil
}

func (v *variants) on(x Variant) bool { return v != nil && v.set[x] }

// requestIDField is the request id a repeated request is known by, per API.
var requestIDField = map[string]string{"pay": "paymentRequestId", "capture": "captureRequestId", "refund": "refundRequestId"}

func refusalKey(api, clientID string, body []byte) string {
	field, ok := requestIDField[api]
	if !ok {
		return ""
	}
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return ""
	}
	id, _ := m[field].(string)
	if id == "" {
		return ""
	}
	return clientID + "\x00" + api + "\x00" + id
}

// handleVariants runs a handler the way the wallet's variants say.
func (s *Server) handleVariants(name string, clientID string, body []byte, run func([]byte) (any, error)) (any, error) {
	v := s.variants
	key := ""
	if v.on(VariantReplayRefusal) {
		if key = refusalKey(name, clientID, body); key != "" {
			v.mu.Lock()
			first, ok := v.refusals[key]
			v.mu.Unlock()
			if ok {
				return nil, first
			}
		}
	}
	if v.on(VariantLenientReader) {
		body = s.lenientBody(name, body)
	}
	out, err := run(body)
	var e *openapi.Error
	if err != nil && errors.As(err, &e) {
		if v.on(VariantCaptureAliases) && name == "capture" {
			if alias, ok := captureAlias[e.Code]; ok {
				err = openapi.Errorf(alias, "%s", e.Message)
			}
		}
		if key != "" && openapi.NewResult(e.Code, "").ResultStatus == openapi.StatusFail {
			v.mu.Lock()
			if _, seen := v.refusals[key]; !seen {
				v.refusals[key] = err
			}
			v.mu.Unlock()
		}
	}
	if r, ok := out.(*openapi.InquiryRefundResponse); ok && v.on(VariantRefundInFlight) && r.RefundStatus == openapi.RefundSuccess {
		v.mu.Lock()
		first := !v.asked[r.RefundID]
		v.asked[r.RefundID] = true
		v.mu.Unlock()
		if first {
			c := *r
			c.RefundStatus = openapi.RefundProcessing
			out = &c
		}
	}
	if r, ok := out.(*openapi.RefundResponse); ok && v.on(VariantNoRefundTime) {
		c := *r
		c.RefundTime = ""
		out = &c
	}
	return out, err
}

var captureAlias = map[openapi.Code]openapi.Code{
	openapi.CaptureAmountExceed:  openapi.CaptureAmountExceedAuthLimit,
	openapi.AuthorizationExpired: openapi.AuthExpired,
	openapi.OrderIsClosed:        openapi.AuthCancelled,
}

// lenientBody is the body as a lenient wallet reads it: invalid UTF-8 replaced, an
// extendInfo that is not JSON dropped, an unknown productCode taken as the general one.
func (s *Server) lenientBody(name string, body []byte) []byte {
	body = bytes.ToValidUTF8(body, []byte("\uFFFD"))
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return body
	}
	changed := false
	if x, ok := m["extendInfo"].(string); ok && !json.Valid([]byte(x)) {
		delete(m, "extendInfo")
		changed = true
	}
	if code, ok := m["productCode"].(string); ok && name == "pay" && code != s.cfg.Profile.GeneralProductCode && code != s.cfg.Profile.PreAuthProductCode {
		m["productCode"] = s.cfg.Profile.GeneralProductCode
		changed = true
	}
	if !changed {
		return body
	}
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return out
}
