package wallet

import (
	"bytes"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/orderstr"
	"github.com/tradepaykit/tradepaykit/internal/signing"
)

// The defect catalog: deliberate protocol mistakes the wallet mock can be told to make (a
// test aid, never for anything else). Each is a realistic mistake a wallet vendor could ship,
// and a verify-wallet run against a bare wallet (no kit extensions) must fail on the
// requirement it names; the kit's tests start the mock with each one and check exactly that.
//
// The handlers stay as they are: they consult the defects at a few seams, each a function of
// this file that holds the correct rule and the defects that bend it: the request judge
// (authentication), the request reader, the answer writer and signer, the idempotency rule,
// the notification builder and sender, the retry scheduler, the orderStr check, the lookup
// and the payer's my.tradePay answer.

// Defect is one deliberate protocol mistake the wallet can be told to make (a test aid).
type Defect string

// DefectInfo describes a Defect for the catalog.
type DefectInfo struct {
	Name        Defect // kebab-case, e.g. "unsigned-responses"
	Requirement string // the requirement id a verify run must fail on, e.g. "REQ-SIG-003"
	What        string // one line: the realistic mistake
	// Preset is the dialect preset the defect shows under (dialect_defects.go): a wallet mock
	// started with it speaks that preset. Empty: every preset.
	Preset string
}

// catalogEntry is one row of the catalog of defects that show under every preset.
type catalogEntry struct {
	Name        Defect
	Requirement string
	What        string
}

// The defects, by seam.
const (
	// Answer signer.
	DefectUnsignedResponses     Defect = "unsigned-responses"
	DefectResponseFullURLSigned Defect = "response-signed-over-full-url"
	DefectResponseStaleKey      Defect = "response-signed-with-stale-key"
	DefectResponseOwnClientID   Defect = "response-client-id-not-echoed"
	// Request judge.
	DefectAcceptUnsigned        Defect = "accept-unsigned-requests"
	DefectSkipSignatureCheck    Defect = "skip-signature-check"
	DefectUnknownClientAccepted Defect = "unknown-client-accepted"
	DefectBadSignatureAsClient  Defect = "bad-signature-as-invalid-client"
	DefectVerifyReserialized    Defect = "verify-reserialized-body"
	DefectAnyAlgorithm          Defect = "any-algorithm-accepted"
	DefectPathNotSigned         Defect = "path-not-verified"
	DefectRejectRawBase64       Defect = "reject-raw-base64"
	DefectRejectEpochMillis     Defect = "reject-epoch-millis"
	DefectRejectNoSpaces        Defect = "reject-no-spaces"
	// Request reader.
	DefectDecimalAmountAccepted Defect = "decimal-amount-accepted"
	DefectTitleDefaulted        Defect = "missing-title-defaulted"
	DefectTitleTruncated        Defect = "long-title-truncated"
	DefectUnknownFieldsRefused  Defect = "unknown-fields-refused"
	// Idempotency rule.
	DefectPayNotIdempotent     Defect = "pay-not-idempotent"
	DefectIdempotencyOnBytes   Defect = "idempotency-on-bytes"
	DefectReusedIDReturnsFirst Defect = "reused-request-id-returns-first"
	DefectRefusedPayConsumesID Defect = "refused-pay-consumes-request-id"
	DefectPayAmountMajorUnits  Defect = "inquiry-amount-in-major-units"
	DefectNoCashierURL         Defect = "pay-without-cashier-url"
	DefectExpiryTimeIgnored    Defect = "payment-expiry-time-ignored"
	DefectRequestIDWins        Defect = "inquiry-request-id-wins"
	DefectOtherClientsPayments Defect = "other-clients-payments-visible"
	DefectCancelPaidPayment    Defect = "cancel-paid-payment"
	DefectCancelNotifies       Defect = "cancel-notifies-fail"
	// The payer's my.tradePay (the wallet test control).
	DefectMalformedTradePay200 Defect = "tradepay-malformed-answers-4000"
	DefectPendingAsSuccess     Defect = "tradepay-pending-answers-9000"
	DefectPaidAgainSucceeds    Defect = "tradepay-paid-again-answers-9000"
	DefectUnknownTokenCancel   Defect = "tradepay-unknown-token-answers-6001"
	DefectCancelActionCloses   Defect = "tradepay-cancel-closes-payment"
	DefectDeclineNotNotified   Defect = "decline-not-notified"
	// orderStr check.
	DefectOrderStrNotVerified    Defect = "orderstr-signature-not-verified"
	DefectOrderStrUnknownApp     Defect = "orderstr-unknown-app-accepted"
	DefectOrderStrRSARefused     Defect = "orderstr-rsa-sign-type-refused"
	DefectOrderStrGBKRefused     Defect = "orderstr-gbk-refused"
	DefectOrderStrMethodRequired Defect = "orderstr-method-required"
	DefectOrderStrReusedPays     Defect = "orderstr-reused-out-trade-no-pays-first"
	DefectRegisteredNotifyUnused Defect = "registered-notify-url-ignored"
	// Notification builder and sender.
	DefectFreezeNotifiedSuccess Defect = "freeze-notified-as-success"
	DefectNotifyMajorUnits      Defect = "notify-amount-in-major-units"
	DefectNotifyNoRequestID     Defect = "notify-without-payment-request-id"
	DefectNotifyUnsigned        Defect = "notify-unsigned"
	DefectNotifyFullURLSigned   Defect = "notify-signed-over-full-url"
	DefectNotifyWalletClientID  Defect = "notify-under-wallet-client-id"
	// Retry scheduler.
	DefectRetryNever          Defect = "retry-never"
	DefectRetryAfterSuccess   Defect = "retry-after-success"
	DefectRetryTooEarly       Defect = "retry-too-early"
	DefectRetryOnlyTransport  Defect = "retry-only-on-transport-errors"
	DefectAuthExpiryIgnored   Defect = "auth-expiry-not-enforced"
	DefectAuthValidityDefault Defect = "auth-validity-ignores-profile"
	// Captures and refunds.
	DefectCaptureAboveRemainder Defect = "capture-above-remainder"
	DefectCaptureGeneral        Defect = "capture-of-general-payment"
	DefectRefundAbovePaid       Defect = "refund-above-paid"
	DefectRefundUnpaid          Defect = "refund-of-unpaid-payment"

	// Part blind (issue 16, section 3): mistakes a bare target hid before the scenarios that
	// catch them ran without the kit's extensions.
	DefectCancelDeclinedSucceeds Defect = "cancel-of-declined-payment-succeeds"
	DefectCancelCapturedAll      Defect = "cancel-after-partial-capture-cancels-all"
	DefectCaptureAfterCancel     Defect = "capture-after-cancel-succeeds"
	DefectCancelRequestIDWins    Defect = "cancel-request-id-wins"
	DefectCaptureDefaultNotLast  Defect = "capture-without-is-last-capture-not-final"
	DefectOrderStrTwoDecimals    Defect = "orderstr-amount-two-decimals"
	DefectFreezePayTimeout       Defect = "freeze-orderstr-pay-timeout-ignored"

	// Issue 16, part speed: mistakes whose verdict used to take over a minute.
	DefectInquirySuccessUnpaid    Defect = "inquiry-success-for-unpaid"
	DefectNotifyLowerCaseCurrency Defect = "notify-lower-case-currency"
)

var catalog = []catalogEntry{
	{DefectUnsignedResponses, "REQ-SIG-003", "OpenAPI answers carry no Signature header"},
	{DefectResponseFullURLSigned, "REQ-SIG-003", "answers are signed over the full URL instead of the request path"},
	{DefectResponseStaleKey, "REQ-SIG-003", "answers are signed with a stale key, not the wallet's published one"},
	{DefectResponseOwnClientID, "REQ-SIG-003", "answers carry the wallet's own id as Client-Id instead of echoing the request's"},
	{DefectAcceptUnsigned, "REQ-SIG-001", "a request without a Signature header is accepted"},
	{DefectSkipSignatureCheck, "REQ-SIG-001", "signatures are parsed but never verified"},
	{DefectUnknownClientAccepted, "REQ-SIG-001", "an unknown Client-Id falls back to the first registered merchant"},
	{DefectBadSignatureAsClient, "REQ-SIG-001", "a bad signature is refused INVALID_CLIENT instead of INVALID_SIGNATURE"},
	{DefectVerifyReserialized, "REQ-SIG-001", "the signature is checked over the re-serialized JSON, not the bytes received"},
	{DefectAnyAlgorithm, "REQ-SIG-001", "the algorithm item is ignored: HS256 or RSA512 pass when the RSA256 value verifies"},
	{DefectPathNotSigned, "REQ-SIG-001", "a signature made for another API path is accepted"},
	{DefectRejectRawBase64, "REQ-SIG-003", "a raw (not URL-encoded) Base64 signature value is refused"},
	{DefectRejectEpochMillis, "REQ-SIG-003", "a Request-Time in epoch milliseconds is refused"},
	{DefectRejectNoSpaces, "REQ-SIG-003", "a Signature header without spaces after the commas is refused"},
	{DefectDecimalAmountAccepted, "REQ-GEN-020", "an amount value with a decimal point is read as major units and accepted"},
	{DefectTitleDefaulted, "REQ-GEN-020", "a pay without paymentOrderTitle gets a default title instead of PARAM_ILLEGAL"},
	{DefectTitleTruncated, "REQ-GEN-020", "a paymentOrderTitle over 256 characters is cut instead of refused"},
	{DefectUnknownFieldsRefused, "REQ-BAD-002", "a request field the wallet does not know is refused"},
	{DefectPayNotIdempotent, "REQ-GEN-022", "a repeated pay creates a second payment"},
	{DefectIdempotencyOnBytes, "REQ-GEN-022", "\"same content\" compares bytes: the same JSON in another key order is REPEAT_REQ_INCONSISTENT"},
	{DefectReusedIDReturnsFirst, "REQ-GEN-023", "a request id reused with other content returns the first payment"},
	{DefectRefusedPayConsumesID, "REQ-GEN-024", "a refused pay uses up its request id"},
	{DefectPayAmountMajorUnits, "REQ-GEN-025", "inquiryPayment reports the amount in major units (\"10.00\")"},
	{DefectNoCashierURL, "REQ-GEN-025", "pay answers no redirectActionForm"},
	{DefectExpiryTimeIgnored, "REQ-GEN-014", "paymentExpiryTime is ignored: every payment waits 15 minutes"},
	{DefectRequestIDWins, "REQ-GEN-015", "inquiryPayment with both ids looks up the paymentRequestId first"},
	{DefectOtherClientsPayments, "REQ-WAL-005", "a payment is found by paymentId whichever client asks"},
	{DefectCancelPaidPayment, "REQ-GEN-013", "cancel of a paid general payment succeeds"},
	{DefectCancelNotifies, "REQ-GEN-013", "a merchant's cancel is notified as FAIL"},
	{DefectMalformedTradePay200, "REQ-HOOK-W-003", "a malformed tradePay control request answers HTTP 200 with 4000 instead of HTTP 400"},
	{DefectPendingAsSuccess, "REQ-HOOK-W-001", "tradePay PENDING answers 9000 instead of 8000"},
	{DefectPaidAgainSucceeds, "REQ-GEN-012", "tradePay on a paid payment answers 9000 again"},
	{DefectUnknownTokenCancel, "REQ-HOOK-W-002", "tradePay with a token the wallet never issued answers 6001 instead of 4000"},
	{DefectCancelActionCloses, "REQ-GEN-008", "the payer's cancel (6001) closes the payment, so it cannot be paid later"},
	{DefectDeclineNotNotified, "REQ-GEN-007", "a declined payment is closed but not notified FAIL"},
	{DefectOrderStrNotVerified, "REQ-GEN-018", "the orderStr's sign is never verified"},
	{DefectOrderStrUnknownApp, "REQ-GEN-018", "an orderStr for an unknown app_id is filed under the first registered merchant"},
	{DefectOrderStrRSARefused, "REQ-WAL-004", "an orderStr with sign_type=RSA (SHA1withRSA) is refused"},
	{DefectOrderStrGBKRefused, "REQ-WAL-004", "an orderStr with charset=GBK is refused"},
	{DefectOrderStrMethodRequired, "REQ-WAL-004", "an orderStr without method is refused"},
	{DefectOrderStrReusedPays, "REQ-WAL-004", "an orderStr reusing an out_trade_no with other content pays the first payment"},
	{DefectRegisteredNotifyUnused, "REQ-WAL-003", "an orderStr without notify_url is never notified: the registered notify URL is not used"},
	{DefectFreezeNotifiedSuccess, "REQ-WAL-001", "a granted freeze is notified as SUCCESS instead of AUTH_SUCCESS"},
	{DefectNotifyMajorUnits, "REQ-WAL-001", "notifications carry the amount in major units (\"10.00\")"},
	{DefectNotifyNoRequestID, "REQ-WAL-001", "notifications leave out paymentRequestId"},
	{DefectNotifyUnsigned, "REQ-WAL-002", "notifications carry no Signature header"},
	{DefectNotifyFullURLSigned, "REQ-WAL-002", "notifications are signed over the full notify URL instead of its path"},
	{DefectNotifyWalletClientID, "REQ-WAL-002", "notifications carry the wallet's own id as Client-Id, not the payment's client id"},
	{DefectRetryNever, "REQ-NTF-001", "a notification answered F is never retried"},
	{DefectRetryAfterSuccess, "REQ-GEN-004", "the wallet keeps retrying after the merchant answered S"},
	{DefectRetryTooEarly, "REQ-NTF-001", "retries come at half the declared delay"},
	{DefectRetryOnlyTransport, "REQ-NTF-001", "only transport errors are retried: an F or U answer counts as delivered"},
	{DefectAuthExpiryIgnored, "REQ-PRE-008", "a capture after authExpiryTime still succeeds"},
	{DefectAuthValidityDefault, "REQ-PRE-002", "authorizations expire after 7 days whatever the declared validity"},
	{DefectCaptureAboveRemainder, "REQ-PRE-006", "a capture above the authorized remainder is accepted"},
	{DefectCaptureGeneral, "REQ-PRE-011", "a general payment can be captured"},
	{DefectRefundAbovePaid, "REQ-REF-003", "a refund above what was captured is accepted"},
	{DefectRefundUnpaid, "REQ-REF-006", "a payment not paid yet can be refunded"},

	// Part blind (issue 16, section 3).
	{DefectCancelDeclinedSucceeds, "REQ-GEN-007", "cancel of a declined payment answers S and marks it CANCELLED"},
	{DefectCancelCapturedAll, "REQ-PRE-005", "cancel of a partly captured authorization marks the whole payment CANCELLED, what was captured included"},
	{DefectCaptureAfterCancel, "REQ-PRE-009", "a capture after cancel released the authorization still succeeds"},
	{DefectCancelRequestIDWins, "REQ-GEN-015", "cancel with both ids acts on the payment its paymentRequestId names"},
	{DefectCaptureDefaultNotLast, "REQ-PRE-004", "a capture without isLastCapture keeps the rest frozen, so a second capture succeeds"},
	{DefectOrderStrTwoDecimals, "REQ-GEN-016", "orderStr amounts are read as if every currency had two decimals: 1000 JPY charges 100000 JPY"},
	{DefectFreezePayTimeout, "REQ-PRE-012", "a freeze orderStr's pay_timeout is ignored: the freeze waits 15 days for the payer (general orderStrs keep theirs); shows only with clock control or a realTimeWaitLimit of 90s or more, so the kill test verifies it with kit:wallet-mock"},

	// Issue 16, part speed: mistakes whose verdict used to take over a minute.
	{DefectInquirySuccessUnpaid, "REQ-GEN-015", "inquiryPayment reports SUCCESS for a payment still waiting for the payer"},
	{DefectNotifyLowerCaseCurrency, "REQ-WAL-001", "notifications write the currency in lower case (\"usd\")"},
}

// clockOnly are the defects a bare profile does not show: a freeze orderStr's pay_timeout is
// a minute at least, longer than a bare run waits in real time (issue 16). The kill test
// verifies them with the kit's clock; TestOrderStrPayTimeoutsWaitedForInRealTime (runner)
// shows the same defect caught without it, by a profile whose realTimeWaitLimit allows the
// wait.
var clockOnly = map[Defect]bool{DefectFreezePayTimeout: true}

// NeedsClock reports whether a defect is caught only where the wallet offers clock control.
func NeedsClock(d Defect) bool { return clockOnly[d] }

// Defects returns the catalog, in a fixed order: the defects of every preset, then those of
// one preset.
func Defects() []DefectInfo {
	out := make([]DefectInfo, 0, len(catalog)+len(dialectCatalog))
	for _, e := range catalog {
		out = append(out, DefectInfo{Name: e.Name, Requirement: e.Requirement, What: e.What})
	}
	return append(out, dialectCatalog...)
}

// defectSet is the defects a server was started with.
type defectSet map[Defect]bool

func newDefectSet(names []Defect) (defectSet, error) {
	known := map[Defect]bool{}
	for _, d := range Defects() {
		known[d.Name] = true
	}
	set := defectSet{}
	for _, n := range names {
		if !known[n] {
			return nil, fmt.Errorf("wallet: unknown defect %q (see wallet.Defects)", n)
		}
		set[n] = true
	}
	return set, nil
}

func (d defectSet) on(x Defect) bool { return d[x] }

// judgeRequest is the request judge: it takes the correct verdict on a request's client and
// signature (nil: trusted) and returns the verdict the wallet acts on.
func (s *Server) judgeRequest(r *http.Request, body []byte, verdict error) error {
	d := s.defects
	if len(d) == 0 {
		return verdict
	}
	sig := r.Header.Get(signing.HeaderSignature)
	if verdict == nil {
		switch {
		case d.on(DefectRejectRawBase64) && !strings.Contains(sig, "%"):
			return openapi.Errorf(openapi.InvalidSignature, "signature value is not URL-encoded")
		case d.on(DefectRejectEpochMillis) && isDigits(r.Header.Get(signing.HeaderRequestTime)):
			return openapi.Errorf(openapi.InvalidSignature, "Request-Time is not RFC 3339")
		case d.on(DefectRejectNoSpaces) && !strings.Contains(sig, ", "):
			return openapi.Errorf(openapi.InvalidSignature, "Signature header is malformed")
		}
		return nil
	}
	var e *openapi.Error
	if !errors.As(verdict, &e) {
		return verdict
	}
	clientID := r.Header.Get(signing.HeaderClientID)
	m, known := s.merchant(clientID)
	switch {
	case e.Code == openapi.InvalidClient && d.on(DefectUnknownClientAccepted) && clientID != "":
		return nil
	case e.Code != openapi.InvalidSignature:
		return verdict
	case d.on(DefectAcceptUnsigned) && sig == "":
		return nil
	case d.on(DefectSkipSignatureCheck):
		return nil
	case known && d.on(DefectVerifyReserialized) && verifies(m.PublicKey, r, compact(body), sig):
		return nil
	case known && d.on(DefectAnyAlgorithm) && verifies(m.PublicKey, r, body, algorithmRe.ReplaceAllString(sig, "algorithm=RSA256")):
		return nil
	case known && d.on(DefectPathNotSigned) && s.verifiesOnAnyPath(m.PublicKey, r, body, sig):
		return nil
	case d.on(DefectBadSignatureAsClient) && sig != "":
		return openapi.Errorf(openapi.InvalidClient, "client could not be authenticated")
	}
	return verdict
}

var algorithmRe = regexp.MustCompile(`algorithm=[^,]*`)

func verifies(pub *rsa.PublicKey, r *http.Request, body []byte, sig string) bool {
	msg := signing.RequestMessage(r, body)
	return signing.Verify(pub, msg, sig) == nil
}

func (s *Server) verifiesOnAnyPath(pub *rsa.PublicKey, r *http.Request, body []byte, sig string) bool {
	for _, path := range s.APIPaths() {
		msg := signing.RequestMessage(r, body)
		msg.Path = path
		if signing.Verify(pub, msg, sig) == nil {
			return true
		}
	}
	return false
}

func compact(body []byte) []byte {
	var b bytes.Buffer
	if json.Compact(&b, body) != nil {
		return body
	}
	return b.Bytes()
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// readRequest is the request reader: the body a handler decodes, or a refusal before it.
func (s *Server) readRequest(api string, body []byte) ([]byte, error) {
	d := s.defects
	if len(d) == 0 || api != "pay" {
		return body, nil
	}
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return body, nil
	}
	if d.on(DefectUnknownFieldsRefused) {
		known := map[string]bool{"paymentRequestId": true, "paymentAmount": true, "paymentOrderTitle": true, "productCode": true,
			"partnerId": true, "appId": true, "paymentFactor": true, "paymentExpiryTime": true, "paymentRedirectUrl": true,
			"paymentNotifyUrl": true, "order": true, "extendInfo": true}
		for k := range m {
			if !known[k] {
				return nil, openapi.Errorf(openapi.ParamIllegal, "unknown field %s", k)
			}
		}
	}
	changed := false
	if a, ok := m["paymentAmount"].(map[string]any); ok && d.on(DefectDecimalAmountAccepted) {
		if v, ok := a["value"].(string); ok && strings.Count(v, ".") == 1 {
			a["value"] = strings.TrimLeft(strings.Replace(v, ".", "", 1), "0")
			changed = true
		}
	}
	title, hasTitle := m["paymentOrderTitle"].(string)
	switch {
	case !hasTitle && d.on(DefectTitleDefaulted):
		m["paymentOrderTitle"], changed = "Order", true
	case hasTitle && len([]rune(title)) > 256 && d.on(DefectTitleTruncated):
		m["paymentOrderTitle"], changed = string([]rune(title)[:256]), true
	}
	if !changed {
		// The bytes as received: other defects (and the rules they bend) judge those.
		return body, nil
	}
	out, err := json.Marshal(m)
	if err != nil {
		return body, nil
	}
	return out, nil
}

// writeAnswer is the answer writer: what the wallet sends back for an API's outcome.
func (s *Server) writeAnswer(resp any) any {
	d := s.defects
	switch r := resp.(type) {
	case *openapi.PayResponse:
		if d.on(DefectNoCashierURL) {
			c := *r
			c.RedirectActionForm = nil
			return &c
		}
	case *openapi.InquiryPaymentResponse:
		if d.on(DefectPayAmountMajorUnits) && r.PaymentAmount != nil {
			c := *r
			c.PaymentAmount = majorUnits(*r.PaymentAmount)
			return &c
		}
		if d.on(DefectInquirySuccessUnpaid) && r.PaymentStatus == openapi.PaymentProcessing {
			c := *r
			c.PaymentStatus = openapi.PaymentSuccess
			return &c
		}
	}
	return resp
}

// majorUnits writes an amount the way a wallet that forgot minor units does: "1000" USD as
// "10.00".
func majorUnits(a openapi.Amount) *openapi.Amount {
	m, err := a.Money("amount")
	if err != nil {
		return &a
	}
	return &openapi.Amount{Currency: a.Currency, Value: m.Decimal()}
}

// answerSignature is the answer signer: the path, Client-Id and key the wallet signs an
// answer with; sign false leaves the Signature out.
func (s *Server) answerSignature(r *http.Request, clientID string) (path, id string, key *rsa.PrivateKey, sign bool) {
	path, id, key, sign = signing.PathOf(r), clientID, s.cfg.PrivateKey, true
	d := s.defects
	switch {
	case d.on(DefectUnsignedResponses):
		sign = false
	case d.on(DefectResponseFullURLSigned):
		path = "http://" + r.Host + path
	case d.on(DefectResponseStaleKey):
		key = fixtures.PrivateKey(fixtures.MerchantPrivateKey)
	case d.on(DefectResponseOwnClientID):
		id = walletOwnID
	}
	return path, id, key, sign
}

// walletOwnID is the id a defective wallet puts where the merchant's client id belongs.
const walletOwnID = "WALLET-SANDBOX"

// previousPayLocked is the idempotency rule of pay: the answer a repeated request gets, or
// REPEAT_REQ_INCONSISTENT, or found false when the request id is new.
func (s *Server) previousPayLocked(clientID, requestID string, body []byte) (resp any, found bool, err error) {
	d := s.defects
	key := reqKey(clientID, requestID)
	if d.on(DefectRefusedPayConsumesID) && s.burnt[key] {
		return nil, true, openapi.Errorf(openapi.RepeatReqInconsistent, "paymentRequestId %q was already used", requestID)
	}
	p, err := s.store.paymentByRequest(clientID, requestID)
	if err != nil {
		return nil, true, s.storageError(err)
	}
	if p == nil || d.on(DefectPayNotIdempotent) {
		return nil, false, nil
	}
	same := p.fingerprint == fingerprint(body)
	if d.on(DefectIdempotencyOnBytes) {
		same = p.rawBody == string(body)
	}
	if p.Source == "pay" && (same || d.on(DefectReusedIDReturnsFirst)) {
		return p.payResponse, true, nil
	}
	return nil, true, openapi.Errorf(openapi.RepeatReqInconsistent, "paymentRequestId %q was already used with different content", requestID)
}

// refused notes a refused API call (a defective wallet remembers its request id).
func (s *Server) refused(api, clientID string, body []byte) {
	if api != "pay" || !s.defects.on(DefectRefusedPayConsumesID) {
		return
	}
	var ids struct {
		PaymentRequestID string `json:"paymentRequestId"`
	}
	if json.Unmarshal(body, &ids) != nil || ids.PaymentRequestID == "" {
		return
	}
	s.mu.Lock()
	s.burnt[reqKey(clientID, ids.PaymentRequestID)] = true
	s.mu.Unlock()
}

// checkOrderStr is the orderStr check: the merchant an orderStr belongs to once its app_id
// is known and its sign verifies, or why the payer's my.tradePay fails.
func (s *Server) checkOrderStrLocked(o *orderstr.Order) (Merchant, string) {
	d := s.defects
	m, ok := s.byAppID[o.AppID]
	if !ok && d.on(DefectOrderStrUnknownApp) && len(s.cfg.Merchants) > 0 {
		m, ok = s.merchants[s.cfg.Merchants[0].ClientID]
	}
	if !ok {
		return Merchant{}, fmt.Sprintf("app_id %q is not registered with this wallet", o.AppID)
	}
	switch {
	case d.on(DefectOrderStrRSARefused) && o.SignType == orderstr.SignTypeRSA:
		return Merchant{}, "sign_type RSA is not supported"
	case d.on(DefectOrderStrGBKRefused) && strings.EqualFold(o.Charset, "GBK"):
		return Merchant{}, "charset GBK is not supported"
	case d.on(DefectOrderStrMethodRequired) && o.Method == "":
		return Merchant{}, "method is missing"
	}
	if err := orderstr.Verify(o.Params, m.PublicKey); err != nil && !d.on(DefectOrderStrNotVerified) {
		return Merchant{}, err.Error()
	}
	return m, ""
}

// sameOrderStr reports whether an orderStr's biz_content is the content its payment was
// created with.
func (s *Server) sameOrderStr(p *payment, fp string) bool {
	return p.Source == "orderStr" && (p.fingerprint == fp || s.defects.on(DefectOrderStrReusedPays))
}

// registeredNotifyURL is where a payment whose merchant named no notify URL is notified.
func (s *Server) registeredNotifyURL(m Merchant) string {
	if s.defects.on(DefectRegisteredNotifyUnused) {
		return ""
	}
	return m.NotifyURL
}

// buildNotification is the notification builder's last word on a notification's content.
func (s *Server) buildNotification(n *openapi.NotifyPaymentRequest, p *payment) {
	d := s.defects
	if n.PaymentStatus == openapi.PaymentSuccess && s.variants.on(VariantNoPaymentTime) {
		n.PaymentTime = ""
	}
	if n.PaymentStatus == openapi.PaymentAuthSuccess && d.on(DefectFreezeNotifiedSuccess) {
		n.PaymentStatus = openapi.PaymentSuccess
	}
	if d.on(DefectNotifyMajorUnits) {
		n.PaymentAmount = *majorUnits(n.PaymentAmount)
	}
	if d.on(DefectNotifyNoRequestID) {
		n.PaymentRequestID = ""
	}
	if d.on(DefectNotifyLowerCaseCurrency) {
		n.PaymentAmount.Currency = strings.ToLower(n.PaymentAmount.Currency)
	}
	if d.on(DefectNotifyNoCreateTime) {
		n.PaymentCreateTime = ""
	}
}

// notificationOwed reports whether a payment's final status is notified at all.
func (s *Server) notificationOwed(p *payment) bool {
	d := s.defects
	if p.Status == openapi.PaymentAuthSuccess && (s.variants.on(VariantNoAuthSuccessNotification) || !s.dialect.NotifiesAuthSuccess()) {
		return false
	}
	if p.Status == openapi.PaymentFail && p.FailReason == expiredReason && (s.variants.on(VariantNoDeadlineFailNotification) || !s.dialect.NotifiesFailAtDeadline()) {
		return false
	}
	if p.Status == openapi.PaymentFail && p.FailReason == declinedReason {
		return !d.on(DefectDeclineNotNotified)
	}
	return true
}

// sendNotification is the notification sender's transport: it signs and posts what the
// wallet built, the way the wallet's defects say.
type sendNotification struct {
	next    http.RoundTripper
	defects defectSet
	key     *rsa.PrivateKey
}

func (t sendNotification) RoundTrip(req *http.Request) (*http.Response, error) {
	d := t.defects
	switch {
	case d.on(DefectNotifyUnsigned):
		req.Header.Del(signing.HeaderSignature)
	case d.on(DefectNotifyFullURLSigned), d.on(DefectNotifyWalletClientID):
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		if _, err := b.ReadFrom(body); err != nil {
			return nil, err
		}
		msg := signing.Message{Method: req.Method, Path: signing.PathOf(req), ClientID: req.Header.Get(signing.HeaderClientID),
			Time: req.Header.Get(signing.HeaderRequestTime), Body: b.Bytes()}
		if d.on(DefectNotifyFullURLSigned) {
			msg.Path = req.URL.String()
		} else {
			msg.ClientID = walletOwnID
			req.Header.Set(signing.HeaderClientID, walletOwnID)
		}
		sig, err := signing.Sign(t.key, msg)
		if err != nil {
			return nil, err
		}
		req.Header.Set(signing.HeaderSignature, sig)
	}
	return t.next.RoundTrip(req)
}

// nextAttempt is the retry scheduler: after attempt n (1-based) ended with outcome, whether
// and when the wallet tries again.
func (s *Server) nextAttempt(attempt int, outcome string) (time.Duration, bool) {
	sched := s.cfg.Profile.NotifyRetrySchedule
	d := s.defects
	retry := outcome != string(openapi.StatusSuccess)
	switch {
	case d.on(DefectRetryNever):
		retry = false
	case outcome == string(openapi.StatusFail) && s.variants.on(VariantNoRetryAfterF):
		retry = false
	case d.on(DefectRetryAfterSuccess):
		retry = true
	case d.on(DefectRetryOnlyTransport) && (outcome == "F" || outcome == "U" || outcome == "GARBAGE"):
		retry = false
	}
	if !retry || attempt >= len(sched) {
		return 0, false
	}
	delay := sched[attempt]
	if d.on(DefectRetryTooEarly) {
		delay /= 2
	}
	return delay, true
}

// authorizationValidity is how long a granted authorization stays capturable.
func (s *Server) authorizationValidity() time.Duration {
	if s.defects.on(DefectAuthValidityDefault) {
		return fixtures.DefaultWalletProfile().AuthorizationValidity
	}
	return s.cfg.Profile.AuthorizationValidity
}

// DefectNames lists the catalog's names, sorted, for messages.
func DefectNames() []string {
	out := make([]string, 0, len(catalog)+len(dialectCatalog))
	for _, d := range Defects() {
		out = append(out, string(d.Name))
	}
	sort.Strings(out)
	return out
}

// cancelNotificationLocked is what a merchant's cancel notifies: nothing (PROTOCOL.md,
// "Lifecycles"), unless the wallet is defective.
func (s *Server) cancelNotificationLocked(p *payment) *notifyJob {
	if !s.defects.on(DefectCancelNotifies) {
		return nil
	}
	status, reason := p.Status, p.FailReason
	p.Status, p.FailReason = openapi.PaymentFail, "cancelled by the merchant"
	job := s.jobLocked(p)
	p.Status, p.FailReason = status, reason
	return job
}

// tradePayAnswer is the payer's my.tradePay answer: the result code of the action on the
// payment (known false: the token names no payment), as the wallet app reports it.
func (s *Server) tradePayAnswer(action, code string, known bool) string {
	d := s.defects
	switch {
	case !known && d.on(DefectUnknownTokenCancel):
		return resultCodes[ActionCancel]
	case code == resultCodes[ActionPending] && d.on(DefectPendingAsSuccess):
		return resultCodes[ActionConfirm]
	case known && code == tradePayFailed && action == ActionConfirm && d.on(DefectPaidAgainSucceeds):
		return resultCodes[ActionConfirm]
	}
	return code
}

// malformedTradePay writes the answer to a malformed tradePay control request: HTTP 400
// (README, "Test hooks"), unless the wallet is defective.
func (s *Server) malformedTradePay(w http.ResponseWriter, format string, args ...any) {
	if s.defects.on(DefectMalformedTradePay200) {
		writeJSON(w, http.StatusOK, map[string]string{"resultCode": tradePayFailed})
		return
	}
	badRequest(w, format, args...)
}

// payerLeft applies the payer's cancel (6001) to a payment: it stays payable, unless the
// wallet is defective.
func (s *Server) payerLeftLocked(p *payment, now time.Time) {
	if s.defects.on(DefectCancelActionCloses) {
		p.Status, p.FailReason, p.CancelTime = openapi.PaymentCancelled, "payer cancelled", now
		s.stopDeadlineLocked(p.ID)
	}
}

// cancelQuery is the ids a cancel looks its payment up by: both as sent (paymentId wins),
// unless the wallet is defective and lets the request id win.
func (s *Server) cancelQuery(paymentID, requestID string) (string, string) {
	if requestID != "" && s.defects.on(DefectCancelRequestIDWins) {
		return "", requestID
	}
	return paymentID, requestID
}

// cancelOutcome is the status a cancel leaves: the correct one, or the status a defective
// wallet writes (a declined payment "cancelled", a partly captured one cancelled whole).
func (s *Server) cancelOutcomeLocked(p *payment, now time.Time) (done bool) {
	d := s.defects
	switch {
	case p.Status == openapi.PaymentFail && d.on(DefectCancelDeclinedSucceeds):
		p.Status, p.CancelTime = openapi.PaymentCancelled, now
		return true
	case p.Kind == PreAuth && p.Status == openapi.PaymentSuccess && !p.Closed && d.on(DefectCancelCapturedAll):
		p.Released = money.Amount{Currency: p.Amount.Currency, Value: p.Amount.Value - p.Captured.Value}
		p.Closed, p.CancelTime, p.Status = true, now, openapi.PaymentCancelled
		return true
	}
	return false
}

// reopenAfterCancelLocked leaves a cancelled authorization closed, unless the wallet is
// defective and lets a capture take what the cancel released.
func (s *Server) reopenAfterCancelLocked(p *payment) {
	if p.Kind != PreAuth || !p.Closed || p.CancelTime.IsZero() || !s.defects.on(DefectCaptureAfterCancel) {
		return
	}
	p.Closed, p.Released = false, money.Amount{Currency: p.Amount.Currency}
	if p.Status == openapi.PaymentCancelled {
		p.Status = openapi.PaymentAuthSuccess
	}
}

// lastCapture is whether a capture is the last one: isLastCapture, default true, unless the
// wallet is defective and reads an absent isLastCapture as false.
func (s *Server) lastCapture(isLast *bool) bool {
	if isLast == nil {
		return !s.defects.on(DefectCaptureDefaultNotLast)
	}
	return *isLast
}

// orderStrAmount is the amount an orderStr charges: as decoded, unless the wallet is
// defective and reads the decimal as if every currency had two decimals.
func (s *Server) orderStrAmount(a money.Amount) money.Amount {
	if !s.defects.on(DefectOrderStrTwoDecimals) {
		return a
	}
	exp, err := money.Exponent(a.Currency)
	if err != nil {
		return a
	}
	for ; exp < 2; exp++ {
		a.Value *= 10
	}
	for ; exp > 2; exp-- {
		a.Value /= 10
	}
	return a
}

// freezeWindow is how long a freeze orderStr waits for the payer: its pay_timeout, unless the
// wallet is defective and ignores it.
func (s *Server) freezeWindow(payTimeout time.Duration) time.Duration {
	if s.defects.on(DefectFreezePayTimeout) {
		return 15 * 24 * time.Hour
	}
	return payTimeout
}
