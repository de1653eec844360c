package dialect

import (
	"fmt"
	"strings"
)

// The questions a party or a step asks. Each answers from the switches, never from the
// preset's name.

// APIName is the operation's name on the wire: the refund operation is "refund" or
// "refundApply" by dialect; every other name is the same in every dialect.
func (d Dialect) APIName(api API) string {
	if api == Refund {
		return string(d.RefundAPI)
	}
	return string(api)
}

// PathFor is the operation's path: prefix + /{version}/payments/{apiName}. The notify path is
// the merchant's choice; PathFor(NotifyPayment) is the one the kit's merchant serves.
func (d Dialect) PathFor(api API) string {
	return d.BasePath + "/" + d.PathVersion + "/payments/" + d.APIName(api)
}

// SignedPaths are the paths a receiver accepts a signature over for a request that reached
// path: the path as sent and, behind a prefix, the path without it (the published pages do
// not say which one a sender behind a prefix signs; the kit's senders sign the path as sent).
func (d Dialect) SignedPaths(path string) []string {
	if d.BasePath != "" && strings.HasPrefix(path, d.BasePath+"/") {
		return []string{path, strings.TrimPrefix(path, d.BasePath)}
	}
	return []string{path}
}

// PathError says why a path names no operation of the dialect. Other is set when the path is
// an operation of another shape (another version, or the other refund API's name), so that
// a server can answer with a message naming both and a probe can guess the target's dialect.
type PathError struct {
	Path string
	// Version is the path's version segment when it is not the dialect's.
	Version string
	// RefundAPI is the refund API's name the path uses when it is not the dialect's.
	RefundAPI RefundAPIName
	Dialect   Dialect
}

func (e *PathError) Error() string {
	d := e.Dialect
	switch {
	case e.Version != "":
		return fmt.Sprintf("%s is a %s path; the %s dialect serves %s", e.Path, e.Version, d.Label(), d.BasePath+"/"+d.PathVersion+"/payments/*")
	case e.RefundAPI != "":
		return fmt.Sprintf("%s calls the refund API %s; the %s dialect names it %s", e.Path, e.RefundAPI, d.Label(), d.RefundAPI)
	default:
		return fmt.Sprintf("%s is not an operation of the %s dialect (%s/{apiName})", e.Path, d.Label(), d.BasePath+"/"+d.PathVersion+"/payments")
	}
}

// APIOf is the operation a request path names, with or without the dialect's prefix (a
// receiver tolerates a gateway that strips it). A path of another version or naming the other
// refund API is a *PathError saying so.
func (d Dialect) APIOf(path string) (API, error) {
	rest := path
	if d.BasePath != "" && strings.HasPrefix(rest, d.BasePath+"/") {
		rest = strings.TrimPrefix(rest, d.BasePath)
	}
	parts := strings.Split(strings.TrimPrefix(rest, "/"), "/")
	if len(parts) != 3 || parts[1] != "payments" || !strings.HasPrefix(rest, "/") {
		return "", &PathError{Path: path, Dialect: d}
	}
	version, name := parts[0], parts[2]
	api, refundName, ok := apiNamed(name)
	if !ok {
		return "", &PathError{Path: path, Dialect: d}
	}
	if version != d.PathVersion {
		if version == "v1" || version == "v2" {
			return "", &PathError{Path: path, Version: version, Dialect: d}
		}
		return "", &PathError{Path: path, Dialect: d}
	}
	if api == Refund && refundName != d.RefundAPI {
		return "", &PathError{Path: path, RefundAPI: refundName, Dialect: d}
	}
	return api, nil
}

func apiNamed(name string) (API, RefundAPIName, bool) {
	switch RefundAPIName(name) {
	case RefundAPIRefund, RefundAPIRefundApply:
		return Refund, RefundAPIName(name), true
	}
	for _, api := range APIs {
		if string(api) == name {
			return api, "", true
		}
	}
	return "", "", false
}

// CarriesPartnerID: a sender writes partnerId in pay, notifyPayment and inquiryPayment.
func (d Dialect) CarriesPartnerID() bool { return d.PartnerID == Required }

// RequiresPartnerID: a reader refuses pay, notifyPayment or inquiryPayment without partnerId.
func (d Dialect) RequiresPartnerID() bool { return d.PartnerID == Required }

// NotifiesWithPaymentResult: notifyPayment reports the outcome in paymentResult {resultCode,
// resultStatus, resultMessage} rather than paymentStatus.
func (d Dialect) NotifiesWithPaymentResult() bool { return d.NotifyOutcome == OutcomePaymentResult }

// RequiresPaymentCreateTime: a reader refuses a notification without paymentCreateTime.
func (d Dialect) RequiresPaymentCreateTime() bool { return d.PaymentCreateTime == Required }

// PaymentTimeOnSuccess is what a SUCCESS notification without paymentTime is: Required (a
// refusal), Recommended (a warning, SHOULD) or Optional (fine). Senders always write it.
func (d Dialect) PaymentTimeOnSuccess() Presence { return d.PaymentTime }

// TitleInOrderDescription: pay carries the title in order.orderDescription, and has no
// paymentOrderTitle.
func (d Dialect) TitleInOrderDescription() bool { return d.OrderTitle == TitleOrderDescription }

// RequiresAppID: a reader refuses pay without appId.
func (d Dialect) RequiresAppID() bool { return d.AppID == Required }

// RequiresProductCode: a reader refuses pay without productCode; otherwise the wallet takes
// DefaultProductCode.
func (d Dialect) RequiresProductCode() bool { return d.ProductCode == Required }

// ProductCodeFor is the productCode a sender writes for a general payment or a
// pre-authorization; "" means none is sent.
func (d Dialect) ProductCodeFor(preAuth bool) string {
	if preAuth {
		return d.ProductCodes.PreAuth
	}
	return d.ProductCodes.General
}

// RefundAcceptsPaymentRequestID: a refund may name the payment by paymentRequestId instead
// of paymentId.
func (d Dialect) RefundAcceptsPaymentRequestID() bool {
	return d.RefundBy == RefundByPaymentIDOrPaymentRequestID
}

// AllowsSecondCapture: a kit party accepts a second capture of one authorization.
func (d Dialect) AllowsSecondCapture() bool { return d.Captures != One }

// SecondCaptureRule is what a judge requires of a second capture: One (refused, F, nothing
// captured), Several (accepted within the authorized amount) or OneOrSeveral (either).
func (d Dialect) SecondCaptureRule() Multiplicity { return d.Captures }

// AllowsSecondPartialRefund: a kit party accepts a second partial refund of one payment.
func (d Dialect) AllowsSecondPartialRefund() bool { return d.PartialRefunds != One }

// SecondPartialRefundRule is what a judge requires of a second partial refund, as
// SecondCaptureRule.
func (d Dialect) SecondPartialRefundRule() Multiplicity { return d.PartialRefunds }

// AcceptsIntegerAmount: a reader accepts an Amount.value written as a JSON integer.
func (d Dialect) AcceptsIntegerAmount() bool { return d.AmountValue == AmountStringOrInteger }

// AcceptsAlgorithm: the signature header's algorithm is one the dialect accepts
// (case-insensitive, as published).
func (d Dialect) AcceptsAlgorithm(name string) bool {
	for _, a := range d.SignatureAlgorithms {
		if strings.EqualFold(a, name) {
			return true
		}
	}
	return false
}

// NotifiesAuthSuccess: a granted authorization is notified AUTH_SUCCESS.
func (d Dialect) NotifiesAuthSuccess() bool { return d.Notifications.AuthSuccess }

// NotifiesFailAtDeadline: a payment left unpaid past its deadline is notified FAIL.
func (d Dialect) NotifiesFailAtDeadline() bool { return d.Notifications.FailAtDeadline }

// NotifiesAfterCapture: a capture is followed by a notification.
func (d Dialect) NotifiesAfterCapture() bool { return d.Notifications.AfterCapture }

// PresetsWhere lists the presets for which keep holds, in the table's order: messages use it
// to name the dialects that have a shape ("v1-tng and v2 put it in paymentResult").
func PresetsWhere(keep func(Dialect) bool) []string {
	var names []string
	for _, p := range presets {
		if keep(p) {
			names = append(names, p.Preset)
		}
	}
	return names
}
