// Package openapi holds the wire types of the server OpenAPI in PROTOCOL.md ("Server OpenAPI"):
// requests and responses of pay, notifyPayment, inquiryPayment, cancel, capture, refund and
// inquiryRefund, the Result envelope and the result codes the kit knows. Both the wallet mock
// and the merchant side decode with the same functions, so a field is checked the same way on
// either side of the wire. The dialect codecs (EncodePay, DecodePay, ...) read and write the
// same messages in the shape of each published dialect (internal/dialect).
package openapi

import (
	"errors"
	"fmt"
)

// Status is a resultStatus: S success, F final failure, U unknown, A accepted.
type Status string

// The four result statuses.
const (
	StatusSuccess  Status = "S"
	StatusFail     Status = "F"
	StatusUnknown  Status = "U"
	StatusAccepted Status = "A"
)

// Code is a resultCode.
type Code string

// The result codes of the profile (PROTOCOL.md, "Result codes the kit knows").
const (
	Success                   Code = "SUCCESS"
	Accept                    Code = "ACCEPT"
	ParamIllegal              Code = "PARAM_ILLEGAL"
	ProcessFail               Code = "PROCESS_FAIL"
	AccessDenied              Code = "ACCESS_DENIED"
	InvalidSignature          Code = "INVALID_SIGNATURE"
	KeyNotFound               Code = "KEY_NOT_FOUND"
	InvalidClient             Code = "INVALID_CLIENT"
	RepeatReqInconsistent     Code = "REPEAT_REQ_INCONSISTENT"
	OrderNotExist             Code = "ORDER_NOT_EXIST"
	OrderIsClosed             Code = "ORDER_IS_CLOSED"
	CurrencyNotSupport        Code = "CURRENCY_NOT_SUPPORT"
	UserBalanceNotEnough      Code = "USER_BALANCE_NOT_ENOUGH"
	CaptureAmountExceed       Code = "CAPTURE_AMOUNT_EXCEED"
	AuthorizationExpired      Code = "AUTHORIZATION_EXPIRED"
	CancelWindowExceed        Code = "CANCEL_WINDOW_EXCEED"
	RefundAmountExceed        Code = "REFUND_AMOUNT_EXCEED"
	RefundNotAllowed          Code = "REFUND_NOT_ALLOWED"
	RequestTrafficExceedLimit Code = "REQUEST_TRAFFIC_EXCEED_LIMIT"
	UnknownException          Code = "UNKNOWN_EXCEPTION"
	CaptureInProcess          Code = "CAPTURE_IN_PROCESS"
	RefundInProcess           Code = "REFUND_IN_PROCESS"
)

// Codes some published wallets use for the refusals above (docs/protocol.md, "Where published
// wallets differ"): equally right where the kit names the code it uses itself.
const (
	CaptureAmountExceedAuthLimit Code = "CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT"
	AuthExpired                  Code = "AUTH_EXPIRED"
	AuthCancelled                Code = "AUTH_CANCELLED"
	AuthNotFound                 Code = "AUTH_NOT_FOUND"
	MultiRefundNotAllowed        Code = "MULTI_REFUND_NOT_ALLOWED"
)

// statuses maps every known code to its status.
var statuses = map[Code]Status{
	Success: StatusSuccess, Accept: StatusAccepted,
	ParamIllegal: StatusFail, ProcessFail: StatusFail, AccessDenied: StatusFail,
	InvalidSignature: StatusFail, KeyNotFound: StatusFail, InvalidClient: StatusFail,
	RepeatReqInconsistent: StatusFail, OrderNotExist: StatusFail, OrderIsClosed: StatusFail,
	CurrencyNotSupport: StatusFail, UserBalanceNotEnough: StatusFail,
	CaptureAmountExceed: StatusFail, AuthorizationExpired: StatusFail,
	CancelWindowExceed: StatusFail, RefundAmountExceed: StatusFail, RefundNotAllowed: StatusFail,
	RequestTrafficExceedLimit: StatusUnknown, UnknownException: StatusUnknown,
	CaptureInProcess: StatusUnknown, RefundInProcess: StatusUnknown,
	CaptureAmountExceedAuthLimit: StatusFail, AuthExpired: StatusFail, AuthCancelled: StatusFail,
	AuthNotFound: StatusFail, MultiRefundNotAllowed: StatusFail,
}

// captureAliases are the published codes equally right for a capture refusal the kit names
// CAPTURE_AMOUNT_EXCEED, AUTHORIZATION_EXPIRED or ORDER_IS_CLOSED.
var captureAliases = []Code{CaptureAmountExceedAuthLimit, AuthExpired, AuthCancelled, AuthNotFound}

// RefusalCodeIsShould reports whether docs/protocol.md makes the code of a refusal the kit names
// want a SHOULD (only resultStatus F is a MUST): the capture refusals and ORDER_IS_CLOSED
// ("Where published wallets differ").
func RefusalCodeIsShould(want Code) bool {
	return want == CaptureAmountExceed || want == AuthorizationExpired || want == OrderIsClosed
}

// SameRefusal reports whether got is the code want or one of the published aliases that are
// equally right in its place.
func SameRefusal(want, got Code) bool {
	if got == want {
		return true
	}
	if !RefusalCodeIsShould(want) {
		return false
	}
	for _, a := range captureAliases {
		if got == a {
			return true
		}
	}
	return false
}

// StatusOf returns the status a code carries, and false for a code the kit does not know.
func StatusOf(c Code) (Status, bool) {
	s, ok := statuses[c]
	return s, ok
}

// Result is the outcome envelope of every response.
type Result struct {
	ResultCode    Code   `json:"resultCode"`
	ResultStatus  Status `json:"resultStatus"`
	ResultMessage string `json:"resultMessage"`
}

// NewResult builds a Result for a known code with its pinned status.
func NewResult(c Code, msg string) Result {
	s, ok := statuses[c]
	if !ok {
		s = StatusUnknown
	}
	return Result{ResultCode: c, ResultStatus: s, ResultMessage: msg}
}

// SuccessResult is the Result of a call that worked.
func SuccessResult() Result { return NewResult(Success, "success") }

// Error is a refusal carrying its result code; every handler turns it into a Result.
type Error struct {
	Code    Code
	Message string
}

// Errorf returns an *Error with a formatted message.
func Errorf(c Code, format string, args ...any) *Error {
	return &Error{Code: c, Message: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Result converts the error into the wire envelope.
func (e *Error) Result() Result { return NewResult(e.Code, e.Message) }

// ResultOf maps any error onto a Result: an *Error keeps its code, anything else is
// UNKNOWN_EXCEPTION, since the server cannot tell whether it took effect. A nil error is
// SUCCESS rather than a panic in the handler that asked.
func ResultOf(err error) Result {
	if err == nil {
		return SuccessResult()
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Result()
	}
	return NewResult(UnknownException, err.Error())
}
