package openapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
	"unicode/utf8"
)

// MaxBodyBytes bounds every request body a server of the kit reads. The largest documented
// request (pay with order and extendInfo) stays well below it.
const MaxBodyBytes = 64 << 10

// Validator is a request that checks its own fields after decoding.
type Validator interface {
	Validate() error
}

// Decode parses a request body into v and validates it. Every failure is an *Error with code
// PARAM_ILLEGAL and a message naming what is wrong: invalid UTF-8, malformed JSON, a field of
// the wrong type, a missing or malformed field. Unknown fields are ignored: the kit is tolerant
// in what it accepts.
func Decode(body []byte, v Validator) error {
	if len(body) > MaxBodyBytes {
		return Errorf(ParamIllegal, "body is larger than %d bytes", MaxBodyBytes)
	}
	if !utf8.Valid(body) {
		return Errorf(ParamIllegal, "body is not valid UTF-8")
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return Errorf(ParamIllegal, "body is not a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Errorf(ParamIllegal, "body has data after the JSON object")
	}
	return v.Validate()
}

func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "body"
		}
		return Errorf(ParamIllegal, "%s: want %s, got JSON %s", field, typeErr.Type, typeErr.Value)
	case errors.As(err, &syntaxErr):
		return Errorf(ParamIllegal, "malformed JSON at byte %d: %v", syntaxErr.Offset, syntaxErr)
	default:
		return Errorf(ParamIllegal, "malformed JSON: %v", err)
	}
}

// DecodeResponse parses a response body leniently (a client is tolerant in what it accepts):
// unknown fields are ignored, and the result envelope must be present.
func DecodeResponse(body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("response body: %w", err)
	}
	var probe struct {
		Result *Result `json:"result"`
	}
	if err := json.Unmarshal(body, &probe); err != nil || probe.Result == nil {
		return errors.New("response body: no result envelope")
	}
	if probe.Result.ResultCode == "" || probe.Result.ResultStatus == "" {
		return errors.New("response body: result has no resultCode or resultStatus")
	}
	return nil
}

func required(field, v string, max int) error {
	if v == "" {
		return Errorf(ParamIllegal, "%s is missing", field)
	}
	return maxLen(field, v, max)
}

func maxLen(field, v string, max int) error {
	if n := utf8.RuneCountInString(v); n > max {
		return Errorf(ParamIllegal, "%s is %d characters, longer than %d", field, n, max)
	}
	return nil
}

func validTime(field, v string) error {
	if v == "" {
		return nil
	}
	if _, err := time.Parse(time.RFC3339, v); err != nil {
		return Errorf(ParamIllegal, "%s %q is not an RFC 3339 time", field, clip(v))
	}
	return nil
}

func validJSONString(field, v string, max int) error {
	if v == "" {
		return nil
	}
	if err := maxLen(field, v, max); err != nil {
		return err
	}
	if !json.Valid([]byte(v)) {
		return Errorf(ParamIllegal, "%s is not a JSON string", field)
	}
	return nil
}

func first(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// Validate checks the fields of pay (PROTOCOL.md, "pay and idempotency").
func (r *PayRequest) Validate() error {
	if err := first(
		required("paymentRequestId", r.PaymentRequestID, 64),
		required("paymentOrderTitle", r.PaymentOrderTitle, 256),
		required("productCode", r.ProductCode, 32),
		maxLen("partnerId", r.PartnerID, 32),
		maxLen("appId", r.AppID, 32),
		validTime("paymentExpiryTime", r.PaymentExpiryTime),
		maxLen("paymentRedirectUrl", r.PaymentRedirectURL, 1024),
		maxLen("paymentNotifyUrl", r.PaymentNotifyURL, 1024),
		validJSONString("extendInfo", r.ExtendInfo, 4096),
	); err != nil {
		return err
	}
	_, err := r.PaymentAmount.PositiveMoney("paymentAmount")
	return err
}

// Validate checks a notification's fields, the optional ones included.
func (r *NotifyPaymentRequest) Validate() error {
	if err := first(
		validTime("paymentTime", r.PaymentTime),
		validTime("paymentCreateTime", r.PaymentCreateTime),
		maxLen("paymentFailReason", r.PaymentFailReason, 256),
		validJSONString("extendInfo", r.ExtendInfo, 4096),
	); err != nil {
		return err
	}
	return r.ValidateRequired()
}

// ValidateRequired checks only what a merchant needs to settle its order: the ids, the
// status and the amount. A notification that is signed and consistent in these never fails
// the merchant for a malformed optional field (docs/protocol.md, "Where published wallets
// differ").
func (r *NotifyPaymentRequest) ValidateRequired() error {
	if err := first(
		required("paymentId", r.PaymentID, 64),
		required("paymentRequestId", r.PaymentRequestID, 64),
		required("paymentStatus", r.PaymentStatus, 32),
	); err != nil {
		return err
	}
	switch r.PaymentStatus {
	case PaymentSuccess, PaymentFail, PaymentAuthSuccess:
	default:
		return Errorf(ParamIllegal, "paymentStatus %q is not SUCCESS, FAIL or AUTH_SUCCESS", clip(r.PaymentStatus))
	}
	_, err := r.PaymentAmount.Money("paymentAmount")
	return err
}

func oneID(paymentID, paymentRequestID string) error {
	if paymentID == "" && paymentRequestID == "" {
		return Errorf(ParamIllegal, "paymentId or paymentRequestId is required")
	}
	return first(maxLen("paymentId", paymentID, 64), maxLen("paymentRequestId", paymentRequestID, 64))
}

// Validate checks inquiryPayment: at least one id; extendInfo as everywhere.
func (r *InquiryPaymentRequest) Validate() error {
	return first(oneID(r.PaymentID, r.PaymentRequestID), validJSONString("extendInfo", r.ExtendInfo, 4096))
}

// Validate checks cancel: at least one id; extendInfo as everywhere.
func (r *CancelRequest) Validate() error {
	return first(oneID(r.PaymentID, r.PaymentRequestID), validJSONString("extendInfo", r.ExtendInfo, 4096))
}

// Validate checks capture.
func (r *CaptureRequest) Validate() error {
	if err := first(
		required("captureRequestId", r.CaptureRequestID, 64),
		required("paymentId", r.PaymentID, 64),
		validJSONString("extendInfo", r.ExtendInfo, 4096),
	); err != nil {
		return err
	}
	if r.CaptureAmount != nil {
		if _, err := r.CaptureAmount.PositiveMoney("captureAmount"); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks refund.
func (r *RefundRequest) Validate() error {
	if err := first(
		required("refundRequestId", r.RefundRequestID, 64),
		required("paymentId", r.PaymentID, 64),
		maxLen("refundReason", r.RefundReason, 256),
		validJSONString("extendInfo", r.ExtendInfo, 4096),
	); err != nil {
		return err
	}
	_, err := r.RefundAmount.PositiveMoney("refundAmount")
	return err
}

// Validate checks inquiryRefund: at least one id.
func (r *InquiryRefundRequest) Validate() error {
	if r.RefundID == "" && r.RefundRequestID == "" {
		return Errorf(ParamIllegal, "refundId or refundRequestId is required")
	}
	return first(maxLen("refundId", r.RefundID, 64), maxLen("refundRequestId", r.RefundRequestID, 64))
}
