package openapi

import (
	"github.com/tradepaykit/tradepaykit/internal/money"
)

// Amount is the wire form of money: {"currency":"USD","value":"1000"}. It keeps the value as
// the string that travelled, so a request with a bad value can be answered PARAM_ILLEGAL
// naming the field, instead of failing inside the JSON decoder.
type Amount struct {
	Currency string `json:"currency"`
	Value    string `json:"value"`
}

// WireAmount converts a money.Amount into its wire form.
func WireAmount(a money.Amount) Amount {
	return Amount{Currency: a.Currency, Value: a.ValueString()}
}

// WireAmountPtr is WireAmount for optional fields.
func WireAmountPtr(a money.Amount) *Amount {
	w := WireAmount(a)
	return &w
}

// Money parses the wire form; field names the JSON path used in the error.
func (a Amount) Money(field string) (money.Amount, error) {
	if a.Currency == "" {
		return money.Amount{}, Errorf(ParamIllegal, "%s.currency is missing", field)
	}
	if _, err := money.Exponent(a.Currency); err != nil {
		return money.Amount{}, Errorf(ParamIllegal, "%s.currency %q is not an ISO 4217 currency code", field, clip(a.Currency))
	}
	v, err := money.ParseValue(a.Value)
	if err != nil {
		return money.Amount{}, Errorf(ParamIllegal, "%s.value: %v", field, err)
	}
	return money.Amount{Currency: a.Currency, Value: v}, nil
}

// PositiveMoney is Money for amounts that must be above zero (pay, capture, refund).
func (a Amount) PositiveMoney(field string) (money.Amount, error) {
	m, err := a.Money(field)
	if err != nil {
		return m, err
	}
	if m.Value == 0 {
		return money.Amount{}, Errorf(ParamIllegal, "%s.value must be above zero", field)
	}
	return m, nil
}

// PaymentFactor marks a cashier payment, and, in some wallets' dialect, an authorization:
// the kit decides the payment type by productCode, and a wallet refuses an isAuthorization
// that contradicts it rather than charge the payer at once.
type PaymentFactor struct {
	IsCashierPayment bool `json:"isCashierPayment"`
	IsAuthorization  bool `json:"isAuthorization,omitempty"`
}

// RedirectActionForm carries the cashier URL handed to my.tradePay as paymentUrl.
type RedirectActionForm struct {
	Method      string `json:"method,omitempty"`
	RedirectURL string `json:"redirectUrl,omitempty"`
	// RedirectionURL is the spelling some wallets use; readers accept either.
	RedirectionURL string `json:"redirectionUrl,omitempty"`
}

// URL returns the cashier URL whichever field carries it.
func (f *RedirectActionForm) URL() string {
	if f == nil {
		return ""
	}
	if f.RedirectURL != "" {
		return f.RedirectURL
	}
	return f.RedirectionURL
}

// PayRequest is the body of /v1/payments/pay.
type PayRequest struct {
	PartnerID          string         `json:"partnerId,omitempty"`
	AppID              string         `json:"appId,omitempty"`
	ProductCode        string         `json:"productCode"`
	PaymentOrderTitle  string         `json:"paymentOrderTitle"`
	PaymentRequestID   string         `json:"paymentRequestId"`
	PaymentAmount      Amount         `json:"paymentAmount"`
	PaymentFactor      *PaymentFactor `json:"paymentFactor,omitempty"`
	PaymentExpiryTime  string         `json:"paymentExpiryTime,omitempty"`
	PaymentRedirectURL string         `json:"paymentRedirectUrl,omitempty"`
	PaymentNotifyURL   string         `json:"paymentNotifyUrl,omitempty"`
	Order              *Order         `json:"order,omitempty"`
	ExtendInfo         string         `json:"extendInfo,omitempty"`
}

// Order describes the goods; the kit carries it through without interpreting it.
type Order struct {
	OrderDescription string `json:"orderDescription,omitempty"`
	ReferenceOrderID string `json:"referenceOrderId,omitempty"`
}

// PayResponse answers pay.
type PayResponse struct {
	Result             Result              `json:"result"`
	PaymentID          string              `json:"paymentId,omitempty"`
	PaymentRequestID   string              `json:"paymentRequestId,omitempty"`
	PaymentTime        string              `json:"paymentTime,omitempty"`
	RedirectActionForm *RedirectActionForm `json:"redirectActionForm,omitempty"`
}

// Payment statuses reported by notifyPayment and inquiryPayment.
const (
	PaymentProcessing  = "PROCESSING"
	PaymentSuccess     = "SUCCESS"
	PaymentFail        = "FAIL"
	PaymentCancelled   = "CANCELLED"
	PaymentAuthSuccess = "AUTH_SUCCESS"
)

// NotifyPaymentRequest is the body the wallet posts to the merchant's paymentNotifyUrl.
type NotifyPaymentRequest struct {
	PartnerID         string `json:"partnerId,omitempty"`
	PaymentID         string `json:"paymentId"`
	PaymentRequestID  string `json:"paymentRequestId"`
	PaymentAmount     Amount `json:"paymentAmount"`
	PaymentStatus     string `json:"paymentStatus"`
	PaymentTime       string `json:"paymentTime,omitempty"`
	PaymentCreateTime string `json:"paymentCreateTime,omitempty"`
	PaymentFailReason string `json:"paymentFailReason,omitempty"`
	ExtendInfo        string `json:"extendInfo,omitempty"`
}

// NotifyPaymentResponse is the merchant's answer to a notification.
type NotifyPaymentResponse struct {
	Result Result `json:"result"`
}

// InquiryPaymentRequest asks for a payment's status; PaymentID wins when both are set.
type InquiryPaymentRequest struct {
	PartnerID        string `json:"partnerId,omitempty"`
	PaymentID        string `json:"paymentId,omitempty"`
	PaymentRequestID string `json:"paymentRequestId,omitempty"`
	ExtendInfo       string `json:"extendInfo,omitempty"`
}

// InquiryPaymentResponse answers inquiryPayment. Result says whether the query worked;
// PaymentStatus says where the payment is.
type InquiryPaymentResponse struct {
	Result            Result  `json:"result"`
	PaymentID         string  `json:"paymentId,omitempty"`
	PaymentRequestID  string  `json:"paymentRequestId,omitempty"`
	PaymentAmount     *Amount `json:"paymentAmount,omitempty"`
	PaymentStatus     string  `json:"paymentStatus,omitempty"`
	PaymentTime       string  `json:"paymentTime,omitempty"`
	PaymentFailReason string  `json:"paymentFailReason,omitempty"`
	AuthExpiryTime    string  `json:"authExpiryTime,omitempty"`
}

// CancelRequest cancels an unpaid payment or releases an uncaptured authorization.
type CancelRequest struct {
	PaymentID        string `json:"paymentId,omitempty"`
	PaymentRequestID string `json:"paymentRequestId,omitempty"`
	ExtendInfo       string `json:"extendInfo,omitempty"`
}

// CancelResponse answers cancel.
type CancelResponse struct {
	Result           Result `json:"result"`
	PaymentID        string `json:"paymentId,omitempty"`
	PaymentRequestID string `json:"paymentRequestId,omitempty"`
	CancelTime       string `json:"cancelTime,omitempty"`
}

// CaptureRequest captures an authorized pre-auth payment, in full or in part.
type CaptureRequest struct {
	CaptureRequestID string  `json:"captureRequestId"`
	PaymentID        string  `json:"paymentId"`
	CaptureAmount    *Amount `json:"captureAmount,omitempty"`
	// IsLastCapture defaults to true: the remainder is released.
	IsLastCapture *bool  `json:"isLastCapture,omitempty"`
	ExtendInfo    string `json:"extendInfo,omitempty"`
}

// CaptureResponse answers capture.
type CaptureResponse struct {
	Result           Result  `json:"result"`
	CaptureRequestID string  `json:"captureRequestId,omitempty"`
	CaptureID        string  `json:"captureId,omitempty"`
	PaymentID        string  `json:"paymentId,omitempty"`
	CaptureAmount    *Amount `json:"captureAmount,omitempty"`
	CaptureTime      string  `json:"captureTime,omitempty"`
}

// RefundRequest refunds part or all of a paid or captured payment.
type RefundRequest struct {
	RefundRequestID string `json:"refundRequestId"`
	PaymentID       string `json:"paymentId"`
	RefundAmount    Amount `json:"refundAmount"`
	RefundReason    string `json:"refundReason,omitempty"`
	ExtendInfo      string `json:"extendInfo,omitempty"`
}

// RefundResponse answers refund.
type RefundResponse struct {
	Result          Result  `json:"result"`
	RefundRequestID string  `json:"refundRequestId,omitempty"`
	RefundID        string  `json:"refundId,omitempty"`
	PaymentID       string  `json:"paymentId,omitempty"`
	RefundAmount    *Amount `json:"refundAmount,omitempty"`
	RefundTime      string  `json:"refundTime,omitempty"`
}

// Refund statuses reported by inquiryRefund.
const (
	RefundSuccess    = "SUCCESS"
	RefundProcessing = "PROCESSING"
	RefundFail       = "FAIL"
)

// InquiryRefundRequest asks for a refund by refundId or refundRequestId (refundId wins).
type InquiryRefundRequest struct {
	RefundID        string `json:"refundId,omitempty"`
	RefundRequestID string `json:"refundRequestId,omitempty"`
}

// InquiryRefundResponse answers inquiryRefund.
type InquiryRefundResponse struct {
	Result           Result  `json:"result"`
	RefundID         string  `json:"refundId,omitempty"`
	RefundRequestID  string  `json:"refundRequestId,omitempty"`
	PaymentID        string  `json:"paymentId,omitempty"`
	RefundAmount     *Amount `json:"refundAmount,omitempty"`
	RefundStatus     string  `json:"refundStatus,omitempty"`
	RefundReason     string  `json:"refundReason,omitempty"`
	RefundTime       string  `json:"refundTime,omitempty"`
	RefundFailReason string  `json:"refundFailReason,omitempty"`
}
