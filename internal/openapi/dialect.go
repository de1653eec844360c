package openapi

// Dialect-aware codecs (docs/dialects.md; docs/protocol.md, "Where published wallets
// differ"). Each message has a neutral form, the struct the parties already use (PayRequest,
// NotifyPaymentRequest, InquiryPaymentResponse, RefundRequest) or a small extension of it, and
// a wire form per dialect: an Encode function writes the dialect's shape, strictly (a
// sender always writes Amount.value as a string, and a field the dialect requires that the
// caller left empty is an error, not a silent omission); a Decode function reads it
// tolerantly (unknown fields ignored, a JSON-integer Amount.value where the dialect allows it)
// and refuses a message in another dialect's shape with PARAM_ILLEGAL naming both shapes.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/tradepaykit/tradepaykit/internal/dialect"
)

// rawAmount is an Amount as a dialect reader takes it: the value stays raw JSON until the
// dialect says which JSON types it accepts, so that a number can be refused with a message
// naming the dialects instead of inside the JSON decoder.
type rawAmount struct {
	Currency string          `json:"currency"`
	Value    json.RawMessage `json:"value"`
}

// amount converts the raw amount to the wire Amount; field is the JSON path for messages.
func (a rawAmount) amount(d dialect.Dialect, field string) (Amount, error) {
	v := bytes.TrimSpace(a.Value)
	switch {
	case len(v) == 0 || bytes.Equal(v, []byte("null")):
		return Amount{Currency: a.Currency}, nil
	case v[0] == '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return Amount{}, Errorf(ParamIllegal, "%s.value is not a JSON string", field)
		}
		return Amount{Currency: a.Currency, Value: s}, nil
	case v[0] == '-' || (v[0] >= '0' && v[0] <= '9'):
		if !d.AcceptsIntegerAmount() {
			return Amount{}, Errorf(ParamIllegal, "%s.value: want a string of minor units such as \"1000\", got the JSON number %s; "+
				"the %s dialect takes a string (a JSON integer is read under %s only)", field, clip(string(v)), d.Label(),
				dialects(dialect.Dialect.AcceptsIntegerAmount))
		}
		if bytes.ContainsAny(v, ".eE") {
			return Amount{}, Errorf(ParamIllegal, "%s.value %s: an amount in minor units is an integer, without fraction or exponent", field, clip(string(v)))
		}
		return Amount{Currency: a.Currency, Value: string(v)}, nil
	default:
		return Amount{}, Errorf(ParamIllegal, "%s.value: want a string of minor units, got JSON %s", field, jsonKind(v))
	}
}

func jsonKind(v []byte) string {
	switch v[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	}
	return "value " + clip(string(v))
}

// dialects names the presets for which keep holds: "the v2 dialect", "the v1-tng and v2
// dialects".
func dialects(keep func(dialect.Dialect) bool) string {
	names := dialect.PresetsWhere(keep)
	switch len(names) {
	case 0:
		return "no preset"
	case 1:
		return "the " + names[0] + " dialect"
	}
	return "the " + strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1] + " dialects"
}

// unchecked lets Decode's framing checks (size, UTF-8, one JSON object, field types) run on a
// wire struct whose fields the dialect decoder checks afterwards.
type unchecked[T any] struct{ v *T }

func (u *unchecked[T]) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, u.v) }
func (u *unchecked[T]) Validate() error              { return nil }

// decodeWire runs Decode's framing and type checks on body into v.
func decodeWire[T any](body []byte, v *T) error {
	return Decode(body, &unchecked[T]{v})
}

// ---- pay

type payWire[A any] struct {
	PartnerID          string         `json:"partnerId,omitempty"`
	AppID              string         `json:"appId,omitempty"`
	ProductCode        string         `json:"productCode,omitempty"`
	PaymentOrderTitle  string         `json:"paymentOrderTitle,omitempty"`
	PaymentRequestID   string         `json:"paymentRequestId"`
	PaymentAmount      A              `json:"paymentAmount"`
	PaymentFactor      *PaymentFactor `json:"paymentFactor,omitempty"`
	PaymentExpiryTime  string         `json:"paymentExpiryTime,omitempty"`
	PaymentRedirectURL string         `json:"paymentRedirectUrl,omitempty"`
	PaymentNotifyURL   string         `json:"paymentNotifyUrl,omitempty"`
	Order              *Order         `json:"order,omitempty"`
	ExtendInfo         string         `json:"extendInfo,omitempty"`
}

// EncodePay writes a pay request in d's shape. r is neutral: r.PaymentOrderTitle is the
// title, which goes to order.orderDescription where the dialect puts it there; partnerId is
// written where the dialect requires it, or where it is optional and set.
func EncodePay(d dialect.Dialect, r PayRequest) ([]byte, error) {
	w := payWire[Amount]{
		ProductCode: r.ProductCode, PaymentRequestID: r.PaymentRequestID, PaymentAmount: r.PaymentAmount,
		PaymentFactor: r.PaymentFactor, PaymentExpiryTime: r.PaymentExpiryTime, PaymentRedirectURL: r.PaymentRedirectURL,
		PaymentNotifyURL: r.PaymentNotifyURL, Order: r.Order, ExtendInfo: r.ExtendInfo, AppID: r.AppID,
	}
	var err error
	if w.PartnerID, err = sendPartnerID(d, "pay", r.PartnerID); err != nil {
		return nil, err
	}
	if d.RequiresAppID() && r.AppID == "" {
		return nil, fmt.Errorf("pay: the %s dialect requires appId, and none is set", d.Label())
	}
	if d.RequiresProductCode() && r.ProductCode == "" {
		return nil, fmt.Errorf("pay: the %s dialect requires productCode, and none is set", d.Label())
	}
	if r.PaymentOrderTitle == "" {
		return nil, errors.New("pay: no order title is set (PaymentOrderTitle)")
	}
	if d.TitleInOrderDescription() {
		o := Order{}
		if r.Order != nil {
			o = *r.Order
		}
		o.OrderDescription = r.PaymentOrderTitle
		w.Order = &o
	} else {
		w.PaymentOrderTitle = r.PaymentOrderTitle
	}
	return json.Marshal(w)
}

// sendPartnerID is the partnerId a sender writes.
func sendPartnerID(d dialect.Dialect, api, v string) (string, error) {
	switch d.PartnerID {
	case dialect.Required:
		if v == "" {
			return "", fmt.Errorf("%s: the %s dialect requires partnerId, and none is set", api, d.Label())
		}
		return v, nil
	case dialect.Optional:
		return v, nil
	}
	return "", nil
}

// readPartnerID checks and returns the partnerId a reader keeps: none where the dialect has
// no partnerId (a tolerant reader ignores it).
func readPartnerID(d dialect.Dialect, api, v string) (string, error) {
	switch d.PartnerID {
	case dialect.Required:
		if v == "" {
			return "", Errorf(ParamIllegal, "partnerId is missing: the %s dialect requires it in %s (none in %s)",
				d.Label(), api, dialects(func(o dialect.Dialect) bool { return !o.RequiresPartnerID() }))
		}
	case dialect.Absent:
		return "", nil
	}
	return v, maxLen("partnerId", v, 32)
}

// DecodePay reads a pay request in d's shape into its neutral form (the title in
// PaymentOrderTitle, whichever field carried it). A productCode the dialect makes optional
// may be empty: the wallet then takes d.ProductCodeFor. Every refusal is PARAM_ILLEGAL.
func DecodePay(d dialect.Dialect, body []byte) (PayRequest, error) {
	var w payWire[rawAmount]
	if err := decodeWire(body, &w); err != nil {
		return PayRequest{}, err
	}
	if err := required("paymentRequestId", w.PaymentRequestID, 64); err != nil {
		return PayRequest{}, err
	}
	title, err := readTitle(d, w.PaymentOrderTitle, w.Order)
	if err != nil {
		return PayRequest{}, err
	}
	partnerID, err := readPartnerID(d, "pay", w.PartnerID)
	if err != nil {
		return PayRequest{}, err
	}
	if d.RequiresAppID() && w.AppID == "" {
		return PayRequest{}, Errorf(ParamIllegal, "appId is missing: the %s dialect requires it in pay", d.Label())
	}
	if d.RequiresProductCode() && w.ProductCode == "" {
		return PayRequest{}, Errorf(ParamIllegal, "productCode is missing: the %s dialect requires it in pay", d.Label())
	}
	if err := first(
		maxLen("productCode", w.ProductCode, 32),
		maxLen("appId", w.AppID, 32),
		validTime("paymentExpiryTime", w.PaymentExpiryTime),
		maxLen("paymentRedirectUrl", w.PaymentRedirectURL, 1024),
		maxLen("paymentNotifyUrl", w.PaymentNotifyURL, 1024),
		validJSONString("extendInfo", w.ExtendInfo, 4096),
	); err != nil {
		return PayRequest{}, err
	}
	amount, err := w.PaymentAmount.amount(d, "paymentAmount")
	if err != nil {
		return PayRequest{}, err
	}
	if _, err := amount.PositiveMoney("paymentAmount"); err != nil {
		return PayRequest{}, err
	}
	return PayRequest{
		PartnerID: partnerID, AppID: w.AppID, ProductCode: w.ProductCode, PaymentOrderTitle: title,
		PaymentRequestID: w.PaymentRequestID, PaymentAmount: amount, PaymentFactor: w.PaymentFactor,
		PaymentExpiryTime: w.PaymentExpiryTime, PaymentRedirectURL: w.PaymentRedirectURL,
		PaymentNotifyURL: w.PaymentNotifyURL, Order: w.Order, ExtendInfo: w.ExtendInfo,
	}, nil
}

// readTitle finds the order title where d puts it, and names both fields when the request
// carries it in the other dialect's.
func readTitle(d dialect.Dialect, paymentOrderTitle string, order *Order) (string, error) {
	description := ""
	if order != nil {
		description = order.OrderDescription
	}
	if d.TitleInOrderDescription() {
		if description == "" {
			if paymentOrderTitle != "" {
				return "", Errorf(ParamIllegal, "order.orderDescription is missing: this pay carries its title in paymentOrderTitle (the shape of %s); "+
					"the %s dialect puts it in order.orderDescription", dialects(func(o dialect.Dialect) bool { return !o.TitleInOrderDescription() }), d.Label())
			}
			return "", Errorf(ParamIllegal, "order.orderDescription is missing: the %s dialect carries the order title there", d.Label())
		}
		return description, maxLen("order.orderDescription", description, 256)
	}
	if paymentOrderTitle == "" {
		if description != "" {
			return "", Errorf(ParamIllegal, "paymentOrderTitle is missing: this pay carries its title only in order.orderDescription (the shape of %s); "+
				"the %s dialect puts it in paymentOrderTitle", dialects(dialect.Dialect.TitleInOrderDescription), d.Label())
		}
		return "", Errorf(ParamIllegal, "paymentOrderTitle is missing")
	}
	return paymentOrderTitle, maxLen("paymentOrderTitle", paymentOrderTitle, 256)
}

// ---- notifyPayment

// Notification is a notifyPayment in neutral form: the outcome is PaymentStatus (SUCCESS,
// FAIL or AUTH_SUCCESS) with PaymentFailReason, whichever shape carried it.
type Notification struct {
	NotifyPaymentRequest
	// FailCode is the resultCode of a FAIL in the paymentResult shape: what a sender writes
	// (PROCESS_FAIL when empty) and what a reader got. The paymentStatus shape has none.
	FailCode Code
}

type notifyWire[A any] struct {
	PartnerID         string  `json:"partnerId,omitempty"`
	PaymentID         string  `json:"paymentId"`
	PaymentRequestID  string  `json:"paymentRequestId"`
	PaymentAmount     A       `json:"paymentAmount"`
	PaymentStatus     string  `json:"paymentStatus,omitempty"`
	PaymentResult     *Result `json:"paymentResult,omitempty"`
	PaymentTime       string  `json:"paymentTime,omitempty"`
	PaymentCreateTime string  `json:"paymentCreateTime,omitempty"`
	PaymentFailReason string  `json:"paymentFailReason,omitempty"`
	ExtendInfo        string  `json:"extendInfo,omitempty"`
}

// EncodeNotifyPayment writes a notification in d's shape: the outcome in paymentStatus, or
// in paymentResult {resultCode, resultStatus S|F, resultMessage}.
func EncodeNotifyPayment(d dialect.Dialect, n Notification) ([]byte, error) {
	w := notifyWire[Amount]{
		PaymentID: n.PaymentID, PaymentRequestID: n.PaymentRequestID, PaymentAmount: n.PaymentAmount,
		PaymentTime: n.PaymentTime, PaymentCreateTime: n.PaymentCreateTime, ExtendInfo: n.ExtendInfo,
	}
	var err error
	if w.PartnerID, err = sendPartnerID(d, "notifyPayment", n.PartnerID); err != nil {
		return nil, err
	}
	switch n.PaymentStatus {
	case PaymentSuccess, PaymentFail, PaymentAuthSuccess:
	default:
		return nil, fmt.Errorf("notifyPayment: paymentStatus %q is not SUCCESS, FAIL or AUTH_SUCCESS", n.PaymentStatus)
	}
	if d.RequiresPaymentCreateTime() && n.PaymentCreateTime == "" {
		return nil, fmt.Errorf("notifyPayment: the %s dialect requires paymentCreateTime, and none is set", d.Label())
	}
	if d.PaymentTimeOnSuccess() == dialect.Required && n.PaymentStatus == PaymentSuccess && n.PaymentTime == "" {
		return nil, fmt.Errorf("notifyPayment: the %s dialect requires paymentTime on SUCCESS, and none is set", d.Label())
	}
	if !d.NotifiesWithPaymentResult() {
		w.PaymentStatus, w.PaymentFailReason = n.PaymentStatus, n.PaymentFailReason
		return json.Marshal(w)
	}
	switch n.PaymentStatus {
	case PaymentSuccess:
		r := SuccessResult()
		w.PaymentResult = &r
	case PaymentFail:
		code := n.FailCode
		if code == "" {
			code = ProcessFail
		}
		w.PaymentResult = &Result{ResultCode: code, ResultStatus: StatusFail, ResultMessage: n.PaymentFailReason}
	default:
		return nil, fmt.Errorf("notifyPayment: the %s dialect reports outcomes in paymentResult, which cannot say AUTH_SUCCESS", d.Label())
	}
	return json.Marshal(w)
}

// DecodeNotifyPayment reads a notification in d's shape and checks every field. Every
// refusal is PARAM_ILLEGAL; a notification in the other outcome shape is refused naming both.
func DecodeNotifyPayment(d dialect.Dialect, body []byte) (Notification, error) {
	return decodeNotify(d, body, true)
}

// DecodeNotifyPaymentOutcome reads a notification checking only what settles an order: the
// ids, the outcome (in d's shape) and the amount. A merchant that must not fail a consistent
// notification for a malformed optional field (docs/protocol.md, "Where published wallets
// differ") reads with this, then DecodeNotifyPayment to decide whether to warn.
func DecodeNotifyPaymentOutcome(d dialect.Dialect, body []byte) (Notification, error) {
	return decodeNotify(d, body, false)
}

func decodeNotify(d dialect.Dialect, body []byte, all bool) (Notification, error) {
	var w notifyWire[rawAmount]
	if err := decodeWire(body, &w); err != nil {
		return Notification{}, err
	}
	if err := first(required("paymentId", w.PaymentID, 64), required("paymentRequestId", w.PaymentRequestID, 64)); err != nil {
		return Notification{}, err
	}
	n := Notification{NotifyPaymentRequest: NotifyPaymentRequest{
		PaymentID: w.PaymentID, PaymentRequestID: w.PaymentRequestID, PaymentTime: w.PaymentTime,
		PaymentCreateTime: w.PaymentCreateTime, ExtendInfo: w.ExtendInfo,
	}}
	if err := readOutcome(d, w.PaymentStatus, w.PaymentFailReason, w.PaymentResult, &n); err != nil {
		return Notification{}, err
	}
	amount, err := w.PaymentAmount.amount(d, "paymentAmount")
	if err != nil {
		return Notification{}, err
	}
	if _, err := amount.Money("paymentAmount"); err != nil {
		return Notification{}, err
	}
	n.PaymentAmount = amount
	if !all {
		if d.PartnerID != dialect.Absent {
			n.PartnerID = w.PartnerID
		}
		return n, nil
	}
	if n.PartnerID, err = readPartnerID(d, "notifyPayment", w.PartnerID); err != nil {
		return Notification{}, err
	}
	if d.RequiresPaymentCreateTime() && w.PaymentCreateTime == "" {
		return Notification{}, Errorf(ParamIllegal, "paymentCreateTime is missing: the %s dialect requires it in notifyPayment", d.Label())
	}
	if d.PaymentTimeOnSuccess() == dialect.Required && n.PaymentStatus == PaymentSuccess && w.PaymentTime == "" {
		return Notification{}, Errorf(ParamIllegal, "paymentTime is missing: the %s dialect requires it in a SUCCESS notification", d.Label())
	}
	if err := first(
		validTime("paymentTime", w.PaymentTime),
		validTime("paymentCreateTime", w.PaymentCreateTime),
		maxLen("paymentFailReason", n.PaymentFailReason, 256),
		validJSONString("extendInfo", w.ExtendInfo, 4096),
	); err != nil {
		return Notification{}, err
	}
	return n, nil
}

// readOutcome reads the outcome from the field d puts it in into n.
func readOutcome(d dialect.Dialect, status, failReason string, result *Result, n *Notification) error {
	hasStatus, hasResult := status != "", result != nil
	statusShape := dialects(func(o dialect.Dialect) bool { return !o.NotifiesWithPaymentResult() })
	resultShape := dialects(dialect.Dialect.NotifiesWithPaymentResult)
	if d.NotifiesWithPaymentResult() {
		if !hasResult {
			if hasStatus {
				return Errorf(ParamIllegal, "this notification reports the outcome in paymentStatus (the shape of %s); "+
					"the %s dialect puts it in paymentResult {resultCode, resultStatus, resultMessage}", statusShape, d.Label())
			}
			return Errorf(ParamIllegal, "paymentResult is missing: the %s dialect reports the outcome in paymentResult {resultCode, resultStatus, resultMessage}", d.Label())
		}
		if err := checkResult("paymentResult", *result); err != nil {
			return err
		}
		switch result.ResultStatus {
		case StatusSuccess:
			n.PaymentStatus = PaymentSuccess
		case StatusFail:
			n.PaymentStatus, n.PaymentFailReason, n.FailCode = PaymentFail, result.ResultMessage, result.ResultCode
			if n.PaymentFailReason == "" {
				n.PaymentFailReason = failReason
			}
		default:
			return Errorf(ParamIllegal, "paymentResult.resultStatus %q: a notification reports a final outcome, S or F", clip(string(result.ResultStatus)))
		}
		if hasStatus && status != n.PaymentStatus {
			return Errorf(ParamIllegal, "paymentStatus %q contradicts paymentResult.resultStatus %s", clip(status), result.ResultStatus)
		}
		return nil
	}
	if !hasStatus {
		if hasResult {
			return Errorf(ParamIllegal, "this notification reports the outcome in paymentResult (the shape of %s); "+
				"the %s dialect puts it in paymentStatus (SUCCESS, FAIL or AUTH_SUCCESS)", resultShape, d.Label())
		}
		return Errorf(ParamIllegal, "paymentStatus is missing")
	}
	switch status {
	case PaymentSuccess, PaymentFail, PaymentAuthSuccess:
	default:
		return Errorf(ParamIllegal, "paymentStatus %q is not SUCCESS, FAIL or AUTH_SUCCESS", clip(status))
	}
	if hasResult {
		// Both shapes at once: tolerated, unless they disagree (a reader of either field
		// would then settle the order differently).
		if err := checkResult("paymentResult", *result); err != nil {
			return err
		}
		if !statusAgrees(status, result.ResultStatus) {
			return Errorf(ParamIllegal, "paymentStatus %s contradicts paymentResult.resultStatus %q", status, clip(string(result.ResultStatus)))
		}
	}
	n.PaymentStatus, n.PaymentFailReason = status, failReason
	return nil
}

func checkResult(field string, r Result) error {
	return first(
		required(field+".resultCode", string(r.ResultCode), 64),
		required(field+".resultStatus", string(r.ResultStatus), 1),
		maxLen(field+".resultMessage", r.ResultMessage, 256),
	)
}

// statusAgrees: a paymentStatus and a paymentResult.resultStatus say the same thing.
func statusAgrees(status string, rs Status) bool {
	switch status {
	case PaymentSuccess, PaymentAuthSuccess:
		return rs == StatusSuccess
	case PaymentFail, PaymentCancelled:
		return rs == StatusFail
	case PaymentProcessing:
		return rs == StatusUnknown
	}
	return false
}

// ---- inquiryPayment request

type inquiryWire struct {
	PartnerID        string `json:"partnerId,omitempty"`
	PaymentID        string `json:"paymentId,omitempty"`
	PaymentRequestID string `json:"paymentRequestId,omitempty"`
	ExtendInfo       string `json:"extendInfo,omitempty"`
}

// EncodeInquiryPayment writes an inquiryPayment request: partnerId where the dialect requires
// it (or allows it and it is set), and at least one id.
func EncodeInquiryPayment(d dialect.Dialect, r InquiryPaymentRequest) ([]byte, error) {
	w := inquiryWire{PaymentID: r.PaymentID, PaymentRequestID: r.PaymentRequestID, ExtendInfo: r.ExtendInfo}
	var err error
	if w.PartnerID, err = sendPartnerID(d, "inquiryPayment", r.PartnerID); err != nil {
		return nil, err
	}
	if r.PaymentID == "" && r.PaymentRequestID == "" {
		return nil, errors.New("inquiryPayment: neither paymentId nor paymentRequestId is set")
	}
	return json.Marshal(w)
}

// DecodeInquiryPayment reads an inquiryPayment request in d's shape. Every refusal is
// PARAM_ILLEGAL.
func DecodeInquiryPayment(d dialect.Dialect, body []byte) (InquiryPaymentRequest, error) {
	var w inquiryWire
	if err := decodeWire(body, &w); err != nil {
		return InquiryPaymentRequest{}, err
	}
	if err := oneID(w.PaymentID, w.PaymentRequestID); err != nil {
		return InquiryPaymentRequest{}, err
	}
	partnerID, err := readPartnerID(d, "inquiryPayment", w.PartnerID)
	if err != nil {
		return InquiryPaymentRequest{}, err
	}
	if err := validJSONString("extendInfo", w.ExtendInfo, 4096); err != nil {
		return InquiryPaymentRequest{}, err
	}
	return InquiryPaymentRequest{PartnerID: partnerID, PaymentID: w.PaymentID, PaymentRequestID: w.PaymentRequestID, ExtendInfo: w.ExtendInfo}, nil
}

// ---- inquiryPayment answer

type inquiryAnswerWire[A any] struct {
	Result            Result  `json:"result"`
	PaymentID         string  `json:"paymentId,omitempty"`
	PaymentRequestID  string  `json:"paymentRequestId,omitempty"`
	PaymentAmount     *A      `json:"paymentAmount,omitempty"`
	PaymentStatus     string  `json:"paymentStatus,omitempty"`
	PaymentResult     *Result `json:"paymentResult,omitempty"`
	PaymentTime       string  `json:"paymentTime,omitempty"`
	PaymentFailReason string  `json:"paymentFailReason,omitempty"`
	AuthExpiryTime    string  `json:"authExpiryTime,omitempty"`
}

// EncodeInquiryPaymentResponse writes an inquiryPayment answer. The published pages do not
// say whether a v2 answer carries paymentStatus or paymentResult, so under a dialect that
// notifies in paymentResult the answer carries both for a final SUCCESS or FAIL: a reader of
// either finds it. paymentStatus alone can say PROCESSING, AUTH_SUCCESS and CANCELLED.
func EncodeInquiryPaymentResponse(d dialect.Dialect, r InquiryPaymentResponse) ([]byte, error) {
	w := inquiryAnswerWire[Amount]{
		Result: r.Result, PaymentID: r.PaymentID, PaymentRequestID: r.PaymentRequestID, PaymentAmount: r.PaymentAmount,
		PaymentStatus: r.PaymentStatus, PaymentTime: r.PaymentTime, PaymentFailReason: r.PaymentFailReason,
		AuthExpiryTime: r.AuthExpiryTime,
	}
	if d.NotifiesWithPaymentResult() {
		switch r.PaymentStatus {
		case PaymentSuccess:
			res := SuccessResult()
			w.PaymentResult = &res
		case PaymentFail:
			w.PaymentResult = &Result{ResultCode: ProcessFail, ResultStatus: StatusFail, ResultMessage: r.PaymentFailReason}
		}
	}
	return json.Marshal(w)
}

// DecodeInquiryPaymentResponse reads an inquiryPayment answer leniently, as DecodeResponse
// does, taking the payment's status from paymentStatus or, when that is absent, from
// paymentResult (S: SUCCESS, F: FAIL, U: PROCESSING), in every dialect. An answer that carries
// both and contradicts itself, or a successful query that reports no status, is an error.
func DecodeInquiryPaymentResponse(d dialect.Dialect, body []byte) (InquiryPaymentResponse, error) {
	var w inquiryAnswerWire[rawAmount]
	if err := DecodeResponse(body, &w); err != nil {
		return InquiryPaymentResponse{}, err
	}
	r := InquiryPaymentResponse{
		Result: w.Result, PaymentID: w.PaymentID, PaymentRequestID: w.PaymentRequestID, PaymentStatus: w.PaymentStatus,
		PaymentTime: w.PaymentTime, PaymentFailReason: w.PaymentFailReason, AuthExpiryTime: w.AuthExpiryTime,
	}
	if w.PaymentAmount != nil {
		a, err := w.PaymentAmount.amount(d, "paymentAmount")
		if err != nil {
			return InquiryPaymentResponse{}, fmt.Errorf("response body: %w", err)
		}
		r.PaymentAmount = &a
	}
	if w.Result.ResultStatus != StatusSuccess {
		return r, nil // the query itself failed: no payment to report
	}
	if res := w.PaymentResult; res != nil {
		if err := checkResult("paymentResult", *res); err != nil {
			return InquiryPaymentResponse{}, fmt.Errorf("response body: %w", err)
		}
		if r.PaymentStatus != "" {
			if !statusAgrees(r.PaymentStatus, res.ResultStatus) {
				return InquiryPaymentResponse{}, fmt.Errorf("response body: paymentStatus %q contradicts paymentResult.resultStatus %q",
					clip(r.PaymentStatus), clip(string(res.ResultStatus)))
			}
			return r, nil
		}
		switch res.ResultStatus {
		case StatusSuccess:
			r.PaymentStatus = PaymentSuccess
		case StatusFail:
			r.PaymentStatus = PaymentFail
			if r.PaymentFailReason == "" {
				r.PaymentFailReason = res.ResultMessage
			}
		case StatusUnknown:
			r.PaymentStatus = PaymentProcessing
		default:
			return InquiryPaymentResponse{}, fmt.Errorf("response body: paymentResult.resultStatus %q is not S, F or U", clip(string(res.ResultStatus)))
		}
	}
	if r.PaymentStatus == "" {
		return InquiryPaymentResponse{}, errors.New("response body: the query succeeded but reports no payment status (neither paymentStatus nor paymentResult)")
	}
	return r, nil
}

// ---- refund and refundApply

// RefundCall is a refund (or refundApply) request in neutral form: RefundRequest plus the
// paymentRequestId by which a dialect's refund may name the payment instead of paymentId.
type RefundCall struct {
	RefundRequest
	PaymentRequestID string
}

type refundWire[A any] struct {
	RefundRequestID  string `json:"refundRequestId"`
	PaymentID        string `json:"paymentId,omitempty"`
	PaymentRequestID string `json:"paymentRequestId,omitempty"`
	RefundAmount     A      `json:"refundAmount"`
	RefundReason     string `json:"refundReason,omitempty"`
	ExtendInfo       string `json:"extendInfo,omitempty"`
}

// EncodeRefund writes a refund request in d's shape; post it to d.PathFor(dialect.Refund).
// Where the dialect names the payment by paymentId only, paymentRequestId is not sent.
func EncodeRefund(d dialect.Dialect, r RefundCall) ([]byte, error) {
	w := refundWire[Amount]{
		RefundRequestID: r.RefundRequestID, PaymentID: r.PaymentID, RefundAmount: r.RefundAmount,
		RefundReason: r.RefundReason, ExtendInfo: r.ExtendInfo,
	}
	if d.RefundAcceptsPaymentRequestID() {
		w.PaymentRequestID = r.PaymentRequestID
		if r.PaymentID == "" && r.PaymentRequestID == "" {
			return nil, fmt.Errorf("%s: neither paymentId nor paymentRequestId is set", d.APIName(dialect.Refund))
		}
	} else if r.PaymentID == "" {
		return nil, fmt.Errorf("%s: the %s dialect names the payment by paymentId, and none is set", d.APIName(dialect.Refund), d.Label())
	}
	return json.Marshal(w)
}

// DecodeRefund reads a refund request in d's shape. Every refusal is PARAM_ILLEGAL.
func DecodeRefund(d dialect.Dialect, body []byte) (RefundCall, error) {
	var w refundWire[rawAmount]
	if err := decodeWire(body, &w); err != nil {
		return RefundCall{}, err
	}
	if err := required("refundRequestId", w.RefundRequestID, 64); err != nil {
		return RefundCall{}, err
	}
	r := RefundCall{RefundRequest: RefundRequest{
		RefundRequestID: w.RefundRequestID, PaymentID: w.PaymentID, RefundReason: w.RefundReason, ExtendInfo: w.ExtendInfo,
	}}
	if d.RefundAcceptsPaymentRequestID() {
		if err := oneID(w.PaymentID, w.PaymentRequestID); err != nil {
			return RefundCall{}, err
		}
		r.PaymentRequestID = w.PaymentRequestID
	} else if w.PaymentID == "" {
		if w.PaymentRequestID != "" {
			return RefundCall{}, Errorf(ParamIllegal, "paymentId is missing: this %s names the payment by paymentRequestId (taken only in %s); "+
				"the %s dialect requires paymentId", d.APIName(dialect.Refund), dialects(dialect.Dialect.RefundAcceptsPaymentRequestID), d.Label())
		}
		return RefundCall{}, Errorf(ParamIllegal, "paymentId is missing")
	}
	if err := first(
		maxLen("paymentId", w.PaymentID, 64),
		maxLen("refundReason", w.RefundReason, 256),
		validJSONString("extendInfo", w.ExtendInfo, 4096),
	); err != nil {
		return RefundCall{}, err
	}
	amount, err := w.RefundAmount.amount(d, "refundAmount")
	if err != nil {
		return RefundCall{}, err
	}
	if _, err := amount.PositiveMoney("refundAmount"); err != nil {
		return RefundCall{}, err
	}
	r.RefundAmount = amount
	return r, nil
}

// ---- what a message says about the dialect its sender speaks

// SignalsOfNotification reads what a notification's shape says about the sender's dialect,
// for a probe that stops a mismatched run. It never fails: an unreadable body says nothing.
func SignalsOfNotification(body []byte) dialect.Signals {
	var w struct {
		PartnerID     string          `json:"partnerId"`
		PaymentStatus string          `json:"paymentStatus"`
		PaymentResult json.RawMessage `json:"paymentResult"`
	}
	if json.Unmarshal(body, &w) != nil {
		return dialect.Signals{}
	}
	var s dialect.Signals
	switch {
	case len(w.PaymentResult) > 0 && string(w.PaymentResult) != "null" && w.PaymentStatus == "":
		s.NotifyOutcome = dialect.OutcomePaymentResult
	case w.PaymentStatus != "":
		s.NotifyOutcome = dialect.OutcomePaymentStatus
	default:
		return s // not a notification of either shape
	}
	s.PartnerID = partnerIDSignal(w.PartnerID)
	return s
}

// partnerIDSignal is what a message's partnerId says: carried (a sender of a dialect that
// writes it) or absent.
func partnerIDSignal(v string) dialect.Presence {
	if v != "" {
		return dialect.Optional
	}
	return dialect.Absent
}

// SignalsOfPay reads what a merchant's pay says about the dialect its sender speaks: whether
// it carries partnerId, and the title field when it carries only one of the two (a pay with
// both is read by every dialect). It never fails: a body that is not a JSON object says
// nothing.
func SignalsOfPay(body []byte) dialect.Signals {
	var w struct {
		PartnerID         string `json:"partnerId"`
		PaymentOrderTitle string `json:"paymentOrderTitle"`
		Order             *struct {
			OrderDescription string `json:"orderDescription"`
		} `json:"order"`
	}
	if !bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) || json.Unmarshal(body, &w) != nil {
		return dialect.Signals{}
	}
	s := dialect.Signals{PartnerID: partnerIDSignal(w.PartnerID)}
	description := w.Order != nil && w.Order.OrderDescription != ""
	switch {
	case w.PaymentOrderTitle != "" && !description:
		s.OrderTitle = dialect.TitlePaymentOrderTitle
	case w.PaymentOrderTitle == "" && description:
		s.OrderTitle = dialect.TitleOrderDescription
	}
	return s
}

// SignalsOfRefusal reads what a target's refusal of a request written in its profile's
// dialect says about the dialect it speaks: a PARAM_ILLEGAL whose message names a field that
// only some dialects require (partnerId, appId, the title fields). Messages are the target's
// own: field names are matched case-insensitively.
func SignalsOfRefusal(r Result) dialect.Signals {
	var s dialect.Signals
	if r.ResultStatus != StatusFail || r.ResultCode != ParamIllegal {
		return s
	}
	m := strings.ToLower(r.ResultMessage)
	if strings.Contains(m, "partnerid") {
		s.PartnerID = dialect.Required
	}
	if strings.Contains(m, "appid") {
		s.AppID = dialect.Required
	}
	// A message may name both title fields ("paymentOrderTitle is missing; this pay carries
	// order.orderDescription"): the field refused is the one named first.
	desc, title := strings.Index(m, "orderdescription"), strings.Index(m, "paymentordertitle")
	switch {
	case desc >= 0 && (title < 0 || desc < title):
		s.OrderTitle = dialect.TitleOrderDescription
	case title >= 0:
		s.OrderTitle = dialect.TitlePaymentOrderTitle
	}
	return s
}
