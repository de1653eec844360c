package merchant

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/orderstr"
	"github.com/tradepaykit/tradepaykit/internal/signing"
)

// Defect is one deliberate protocol mistake the party can be told to make (a test aid): the
// kit's own tests prove with it that verify-merchant catches a merchant that makes the
// mistake, and names the requirement it breaks. Never use a defect for anything else.
type Defect string

// DefectInfo describes a Defect for the catalog.
type DefectInfo struct {
	Name        Defect // kebab-case, e.g. "plain-text-success"
	Requirement string // the requirement id a verify run must fail on, e.g. "REQ-SIG-004"
	What        string // one line: the realistic mistake
	// Preset is the dialect preset the defect shows under (dialect_defects.go): a reference
	// merchant started with it speaks that preset. Empty: every preset.
	Preset string
}

// catalogEntry is one row of the catalog of defects that show under every preset.
type catalogEntry struct {
	Name        Defect
	Requirement string
	What        string
}

// The merchant's defects, grouped by the seam that consults them.
const (
	// Amount encoder (amounts the merchant sends to the wallet).
	DefectAmountMajorUnits Defect = "amount-major-units"
	DefectAmountTwoDecimal Defect = "amount-two-decimals"
	// orderStr builder.
	DefectOrderStrMinorUnits    Defect = "orderstr-amount-in-minor-units"
	DefectOrderStrChangedSigned Defect = "orderstr-notify-url-after-signing"
	DefectOrderStrNoSignature   Defect = "orderstr-unsigned"
	// Signature writer (requests to the wallet).
	DefectSignFullURL       Defect = "sign-full-url"
	DefectSignOtherBytes    Defect = "sign-reformatted-body"
	DefectSignWithoutClient Defect = "no-client-id"
	// Check of the wallet's answers.
	DefectTrustUnsignedAnswers Defect = "trust-unsigned-answers"
	DefectIgnoreClientIDEcho   Defect = "ignore-client-id-echo"
	DefectInquiryAnyAmount     Defect = "inquiry-ignores-amount"
	DefectInquiryAnyCurrency   Defect = "inquiry-ignores-currency"
	DefectInquiryAnyPaymentID  Defect = "inquiry-ignores-payment-id"
	// Trust of the tradePay result the mini program reports.
	DefectTrust9000     Defect = "trust-9000"
	DefectTrust8000     Defect = "trust-8000"
	DefectTrust6004     Defect = "trust-6004"
	DefectTrust4000     Defect = "trust-4000"
	DefectFailOn6001    Defect = "fail-on-6001"
	DefectNoQueryOn8000 Defect = "no-query-on-8000"
	DefectNoQueryOn6004 Defect = "no-query-on-6004"
	DefectNoQueryOn6002 Defect = "no-query-on-6002"
	// Unknown (U) answers and retries.
	DefectPayUnknownFails     Defect = "pay-unknown-as-failure"
	DefectPayRetryNewID       Defect = "pay-retry-new-request-id"
	DefectInquiryUnknownFails Defect = "inquiry-unknown-as-failure"
	DefectCancelUnknownFails  Defect = "cancel-unknown-as-failure"
	DefectCaptureRetryNewID   Defect = "capture-retry-new-request-id"
	DefectRefundRetryNewID    Defect = "refund-twice"
	DefectCancelWithoutWallet Defect = "cancel-without-wallet"
	// Answer to notifications.
	DefectPlainTextSuccess     Defect = "plain-text-success"
	DefectDuplicateNotifyError Defect = "duplicate-notify-error"
	DefectDuplicateNotifyF     Defect = "duplicate-notify-refused"
	DefectNotifyNoSignature    Defect = "notify-unverified-signature"
	DefectNotifyAnyClientID    Defect = "notify-ignores-client-id"
	DefectNotifyAnyAmount      Defect = "notify-ignores-amount"
	DefectNotifyAnyCurrency    Defect = "notify-ignores-currency"
	DefectNotifyAnyPaymentID   Defect = "notify-ignores-payment-id"
	DefectNotifyFailUndoesPaid Defect = "notify-fail-undoes-paid"
	DefectNotifyServerError    Defect = "notify-500-on-malformed"
	DefectAuthSuccessAsPaid    Defect = "auth-success-as-paid"
	DefectNotifyStrictFields   Defect = "notify-refuses-unknown-fields"
	DefectNotifyUnescapesSig   Defect = "notify-unescapes-raw-signature"
	DefectLateNotifyRefused    Defect = "late-notify-refused"
	// Test adapter.
	DefectAdapterServerError  Defect = "adapter-500-on-malformed"
	DefectUnknownOrderError   Defect = "unknown-order-500"
	DefectWalletFailureAs409  Defect = "wallet-failure-as-409"
	DefectAdapterStrictFields Defect = "adapter-refuses-unknown-fields"
	DefectViewPaidIsPrice     Defect = "view-paid-amount-is-price"

	// Part blind (issue 16, section 3): mistakes a bare target hid.
	DefectCancelRefusedMarked    Defect = "cancel-refused-marked-cancelled"
	DefectAuthNotifyAnyAmount    Defect = "auth-notify-ignores-amount"
	DefectCaptureUnknownDone     Defect = "capture-unknown-recorded-done"
	DefectOrderStrUnicodeEscaped Defect = "orderstr-sent-with-unicode-escapes"
	DefectOrderStrTimestampUTC   Defect = "orderstr-timestamp-in-utc"
)

// Defects returns the catalog, in a fixed order: the defects of every preset, then those of
// one preset.
func Defects() []DefectInfo {
	out := make([]DefectInfo, 0, len(catalog)+len(dialectCatalog))
	for _, e := range catalog {
		out = append(out, DefectInfo{Name: e.Name, Requirement: e.Requirement, What: e.What})
	}
	return append(out, dialectCatalog...)
}

var catalog = []catalogEntry{
	{DefectAmountMajorUnits, "REQ-GEN-001", "writes pay's paymentAmount.value in major units (\"10.00\"), as the orderStr's total_amount"},
	{DefectAmountTwoDecimal, "REQ-GEN-016", "assumes two decimals for every currency: 1000 JPY goes out as \"100000\""},
	{DefectOrderStrMinorUnits, "REQ-GEN-002", "writes the orderStr's total_amount from the minor-unit value: 10.00 USD becomes \"1000.00\""},
	{DefectOrderStrChangedSigned, "REQ-GEN-002", "appends a tracking parameter to notify_url after signing the orderStr"},
	{DefectOrderStrNoSignature, "REQ-GEN-002", "hands out the orderStr without its sign parameter"},
	{DefectSignFullURL, "REQ-GEN-001", "signs the full URL (scheme and host) instead of the request path"},
	{DefectSignOtherBytes, "REQ-GEN-001", "signs a re-serialized copy of the body, not the bytes it sends"},
	{DefectSignWithoutClient, "REQ-GEN-001", "sends its requests without the Client-Id header"},
	{DefectTrustUnsignedAnswers, "REQ-MER-006", "does not verify the signature of the wallet's answers"},
	{DefectIgnoreClientIDEcho, "REQ-MER-006", "accepts a wallet answer addressed to another Client-Id"},
	{DefectInquiryAnyAmount, "REQ-MER-007", "settles an order from an inquiryPayment answer without comparing the amount"},
	{DefectInquiryAnyCurrency, "REQ-MER-007", "compares the inquiryPayment amount's value but not its currency"},
	{DefectInquiryAnyPaymentID, "REQ-MER-007", "settles an order from an inquiryPayment answer about another paymentId"},
	{DefectTrust9000, "REQ-GEN-005", "marks the order PAID when the mini program reports 9000, without asking the wallet"},
	{DefectTrust8000, "REQ-MER-001", "marks the order PAID when the mini program reports 8000, without asking the wallet"},
	{DefectTrust6004, "REQ-MER-001", "marks the order PAID when the mini program reports 6004, without asking the wallet"},
	{DefectTrust4000, "REQ-MER-002", "marks the order FAILED when the mini program reports 4000, without asking the wallet"},
	{DefectFailOn6001, "REQ-GEN-008", "marks the order FAILED when the payer cancels (6001)"},
	{DefectNoQueryOn8000, "REQ-MER-002", "waits for the notification on 8000 instead of asking the wallet"},
	{DefectNoQueryOn6004, "REQ-MER-002", "waits for the notification on 6004 instead of asking the wallet"},
	{DefectNoQueryOn6002, "REQ-MER-002", "treats 6002 like 6001 and asks the wallet nothing"},
	{DefectPayUnknownFails, "REQ-MER-003", "marks the order FAILED when pay answers U (UNKNOWN_EXCEPTION)"},
	{DefectPayRetryNewID, "REQ-MER-003", "retries a pay whose outcome is unknown under a new paymentRequestId"},
	{DefectInquiryUnknownFails, "REQ-MER-004", "marks the order FAILED when inquiryPayment answers U"},
	{DefectCancelUnknownFails, "REQ-MER-005", "refuses the cancel when the wallet answers U, without asking where the payment stands"},
	{DefectCaptureRetryNewID, "REQ-PRE-013", "retries a capture answered CAPTURE_IN_PROCESS under a new captureRequestId"},
	{DefectRefundRetryNewID, "REQ-REF-009", "retries a refund answered REFUND_IN_PROCESS under a new refundRequestId: refunds twice"},
	{DefectCancelWithoutWallet, "REQ-GEN-013", "cancels the order in its own records only, without the wallet's cancel"},
	{DefectPlainTextSuccess, "REQ-GEN-004", "acknowledges a notification with the plain text success, not the JSON result"},
	{DefectDuplicateNotifyError, "REQ-IDEM-004", "answers HTTP 500 to a notification about a payment it already acknowledged"},
	{DefectDuplicateNotifyF, "REQ-IDEM-004", "answers F (already processed) to a duplicate notification"},
	{DefectNotifyNoSignature, "REQ-SIG-004", "does not verify the signature of notifications"},
	{DefectNotifyAnyClientID, "REQ-SIG-004", "does not check the Client-Id of notifications"},
	{DefectNotifyAnyAmount, "REQ-SIG-005", "does not compare a notification's amount with the order's"},
	{DefectNotifyAnyCurrency, "REQ-SIG-005", "compares a notification's amount value but not its currency"},
	{DefectNotifyAnyPaymentID, "REQ-SIG-005", "does not compare a notification's paymentId with the one pay answered"},
	{DefectNotifyFailUndoesPaid, "REQ-NTF-003", "lets a FAIL notification after SUCCESS mark a paid order FAILED"},
	{DefectNotifyServerError, "REQ-BAD-005", "answers HTTP 500 to a notification it cannot parse"},
	{DefectAuthSuccessAsPaid, "REQ-PRE-001", "marks a pre-authorization PAID on AUTH_SUCCESS, as if it were captured"},
	{DefectNotifyStrictFields, "REQ-BAD-006", "refuses a notification that carries a field it does not know"},
	{DefectNotifyUnescapesSig, "REQ-SIG-007", "URL-decodes every signature value, so a raw Base64 signature's + becomes a space"},
	{DefectLateNotifyRefused, "REQ-NTF-004", "answers F to a notification about an order it already settled by inquiryPayment"},
	{DefectAdapterServerError, "REQ-BAD-003", "answers HTTP 500 to a malformed adapter request"},
	{DefectUnknownOrderError, "REQ-HOOK-M-002", "answers HTTP 500 for an order it does not know"},
	{DefectWalletFailureAs409, "REQ-HOOK-M-003", "answers 409 when the wallet's answer fails verification"},
	{DefectAdapterStrictFields, "REQ-BAD-004", "refuses an adapter request that carries a field it does not know"},
	{DefectViewPaidIsPrice, "REQ-HOOK-M-001", "shows the price as paidAmount before anything was paid"},

	// Part blind (issue 16, section 3).
	{DefectCancelRefusedMarked, "REQ-GEN-013", "marks the order CANCELLED although the wallet refused the cancel"},
	{DefectAuthNotifyAnyAmount, "REQ-SIG-005", "compares the amount of general payments' notifications only: an AUTH_SUCCESS for another amount is accepted"},
	{DefectCaptureUnknownDone, "REQ-PRE-013", "records a capture answered CAPTURE_IN_PROCESS (U) as done, without asking the wallet again"},
	{DefectOrderStrUnicodeEscaped, "REQ-GEN-002", "signs the orderStr over its UTF-8 text but sends biz_content with \\uXXXX escapes: non-ASCII titles break the sign"},
	{DefectOrderStrTimestampUTC, "REQ-GEN-002", "writes the orderStr timestamp in UTC instead of GMT+8"},
}

// defects is the set of defects a Server makes; the zero value makes none.
type defects map[Defect]bool

func newDefects(names []Defect) (defects, error) {
	known := map[Defect]bool{}
	for _, d := range Defects() {
		known[d.Name] = true
	}
	set := defects{}
	for _, n := range names {
		if !known[n] {
			return nil, fmt.Errorf("merchant: unknown defect %q (see Defects)", n)
		}
		set[n] = true
	}
	return set, nil
}

func (d defects) on(x Defect) bool { return d[x] }

// wireAmount is the amount encoder: what the merchant writes for an amount it sends.
func (s *Server) wireAmount(a money.Amount) openapi.Amount {
	switch {
	case s.defects.on(DefectAmountMajorUnits):
		return openapi.Amount{Currency: a.Currency, Value: a.Decimal()}
	case s.defects.on(DefectAmountTwoDecimal):
		if exp, err := money.Exponent(a.Currency); err == nil && exp < 2 {
			for range 2 - exp {
				a.Value *= 10
			}
		}
	}
	return openapi.WireAmount(a)
}

func (s *Server) wireAmountPtr(a money.Amount) *openapi.Amount {
	w := s.wireAmount(a)
	return &w
}

// tradePayPolicy is what the merchant does with a my.tradePay result code: ask the wallet
// (correct for every code but 6001), or one of the shortcuts real merchants take.
type tradePayPolicy int

const (
	askWallet tradePayPolicy = iota
	askNothing
	trustPaid
	trustFailed
)

func (s *Server) tradePayPolicy(code string) tradePayPolicy {
	shortcut := map[string]map[Defect]tradePayPolicy{
		"9000":              {DefectTrust9000: trustPaid},
		"8000":              {DefectTrust8000: trustPaid, DefectNoQueryOn8000: askNothing},
		"6004":              {DefectTrust6004: trustPaid, DefectNoQueryOn6004: askNothing},
		"4000":              {DefectTrust4000: trustFailed},
		"6002":              {DefectNoQueryOn6002: askNothing},
		resultUserCancelled: {DefectFailOn6001: trustFailed},
	}
	for d, p := range shortcut[code] {
		if s.defects.on(d) {
			return p
		}
	}
	if code == resultUserCancelled {
		return askNothing
	}
	return askWallet
}

// signatureWriter wraps the transport of the merchant's wallet client with the defects of
// its request signatures: it signs again what the correct client signed, wrongly.
type signatureWriter struct {
	next http.RoundTripper
	s    *Server
}

func (t signatureWriter) RoundTrip(req *http.Request) (*http.Response, error) {
	d := t.s.defects
	if !d.on(DefectSignFullURL) && !d.on(DefectSignOtherBytes) && !d.on(DefectSignWithoutClient) {
		return t.next.RoundTrip(req)
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, fmt.Errorf("merchant: read request to sign: %w", err)
	}
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(bytes.NewReader(body))
	m := signing.RequestMessage(r, body)
	if d.on(DefectSignFullURL) {
		m.Path = r.URL.String()
	}
	if d.on(DefectSignOtherBytes) {
		var v any
		if json.Unmarshal(body, &v) == nil {
			m.Body, _ = json.MarshalIndent(v, "", "  ")
		}
	}
	sig, err := t.s.cfg.Signatures.Sign(t.s.cfg.SignatureStyle, t.s.cfg.PrivateKey, m)
	if err != nil {
		return nil, fmt.Errorf("merchant: sign: %w", err)
	}
	r.Header.Set(signing.HeaderSignature, sig)
	if d.on(DefectSignWithoutClient) {
		r.Header.Del(signing.HeaderClientID)
	}
	return t.next.RoundTrip(r)
}

// duplicateAnswer is the answer to a notification that changes nothing: S, or the
// defects that refuse it.
func (s *Server) duplicateAnswer(w http.ResponseWriter) (handled bool, err error) {
	switch {
	case s.defects.on(DefectDuplicateNotifyError):
		http.Error(w, "pq: duplicate key value violates unique constraint \"orders_payment_id_key\"", http.StatusInternalServerError)
		return true, nil
	case s.defects.on(DefectDuplicateNotifyF):
		return false, openapi.Errorf(openapi.ProcessFail, "notification already processed")
	}
	return false, nil
}

// plainTextAnswer writes the classic plain-text acknowledgement.
func plainTextAnswer(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, "success")
}

// adapterStatus is the status an adapter error is answered with.
func (s *Server) adapterStatus(ae *adapterError) int {
	switch {
	case ae.status == http.StatusBadRequest && s.defects.on(DefectAdapterServerError):
		return http.StatusInternalServerError
	case ae.status == http.StatusNotFound && s.defects.on(DefectUnknownOrderError):
		return http.StatusInternalServerError
	case ae.status == http.StatusBadGateway && s.defects.on(DefectWalletFailureAs409):
		return http.StatusConflict
	}
	return ae.status
}

// amountMatches compares an amount the wallet reported with the order's, unless a defect
// skips the comparison or its currency.
func (s *Server) amountMatches(got, want money.Amount, amountDefect, currencyDefect Defect) bool {
	if s.defects.on(amountDefect) {
		return true
	}
	if s.defects.on(currencyDefect) {
		return got.Value == want.Value
	}
	return got == want
}

// orderStrAmount is the amount the orderStr builder writes as total_amount or amount.
func (s *Server) orderStrAmount(a money.Amount) money.Amount {
	if s.defects.on(DefectOrderStrMinorUnits) {
		if exp, err := money.Exponent(a.Currency); err == nil {
			for range exp {
				a.Value *= 10
			}
		}
	}
	return a
}

// strictFields refuses fields v does not know, when a defect says so: the decoders of a
// merchant that forgot the protocol's tolerance.
func (s *Server) strictFields(body []byte, v any) error {
	if !s.defects.on(DefectAdapterStrictFields) {
		return nil
	}
	return decodeStrict(body, v)
}

// knownNotifyFields is what a strict notification decoder knows: the fields of the
// dialect's notification.
func (s *Server) knownNotifyFields() any {
	if s.dialect.NotifiesWithPaymentResult() {
		return &struct {
			openapi.NotifyPaymentRequest
			PaymentResult *openapi.Result `json:"paymentResult"`
		}{}
	}
	return &openapi.NotifyPaymentRequest{}
}

func decodeStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// signatureHeader is the Signature header as the notification handler reads it.
func (s *Server) signatureHeader(r *http.Request) string {
	h := r.Header.Get(signing.HeaderSignature)
	if s.defects.on(DefectNotifyUnescapesSig) {
		if u, err := url.QueryUnescape(h); err == nil {
			return u
		}
	}
	return h
}

// notifyAmountMatches compares a notification's amount with the order's, unless a defect
// skips the comparison (for every payment, or for pre-authorizations only) or its currency.
func (s *Server) notifyAmountMatches(o *Order, got money.Amount) bool {
	if o.Type == PreAuth && s.defects.on(DefectAuthNotifyAnyAmount) {
		return true
	}
	return s.amountMatches(got, o.Amount, DefectNotifyAnyAmount, DefectNotifyAnyCurrency)
}

// cancelRefusedLocally is what the merchant does with its own order when the wallet refused
// the cancel: nothing, unless a defect marks the order cancelled all the same.
func (s *Server) cancelRefusedLocally(id string) {
	if !s.defects.on(DefectCancelRefusedMarked) {
		return
	}
	if _, err := s.store.Update(id, cancelDone); err != nil {
		s.log.Error("cancel refused", "order", id, "err", err)
	}
}

// unknownIsDone reports whether an operation answered U is taken as done without asking the
// wallet (never, unless a defect says so for captures).
func (s *Server) unknownIsDone(kind string) bool {
	return kind == "capture" && s.defects.on(DefectCaptureUnknownDone)
}

// orderStrTimestamp is the time the orderStr builder stamps, and the params after signing
// as they go out: as built, unless a defect writes the timestamp in UTC or escapes the
// non-ASCII characters of biz_content after signing it.
func (s *Server) orderStrTimestamp(p orderstr.Params, now time.Time) {
	if s.defects.on(DefectOrderStrTimestampUTC) {
		p[orderstr.KeyTimestamp] = now.UTC().Format(orderstr.TimestampLayout)
	}
}

func (s *Server) orderStrSent(p orderstr.Params) {
	if !s.defects.on(DefectOrderStrUnicodeEscaped) {
		return
	}
	var b strings.Builder
	for _, r := range p[orderstr.KeyBizContent] {
		switch {
		case r < 0x80:
			b.WriteRune(r)
		case r > 0xFFFF:
			hi, lo := utf16.EncodeRune(r)
			fmt.Fprintf(&b, "\\u%04x\\u%04x", hi, lo)
		default:
			fmt.Fprintf(&b, "\\u%04x", r)
		}
	}
	p[orderstr.KeyBizContent] = b.String()
}
