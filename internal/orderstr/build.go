package orderstr

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/tradepaykit/tradepaykit/internal/money"
)

// GeneralOrder describes a general payment for NewGeneral.
type GeneralOrder struct {
	AppID       string
	NotifyURL   string // optional: the wallet then uses the merchant's registered URL
	OutTradeNo  string // becomes the paymentRequestId
	Subject     string
	Amount      money.Amount
	ProductCode string        // optional: ProductGeneral
	PayTimeout  time.Duration // optional: whole minutes within 1m..15d
}

// PreAuthOrder describes a pre-authorization (freeze) for NewPreAuth.
type PreAuthOrder struct {
	AppID        string
	NotifyURL    string // optional
	OutOrderNo   string
	OutRequestNo string // becomes the paymentRequestId
	OrderTitle   string
	Amount       money.Amount
	PayeeUserID  string        // optional
	PayTimeout   time.Duration // optional: whole minutes within 1m..15d
	Category     string        // optional: extra_param.category, e.g. CHARGE_PILE_CAR
}

// Field order here is the order in biz_content.
type generalBiz struct {
	OutTradeNo    string `json:"out_trade_no"`
	TotalAmount   string `json:"total_amount"`
	Subject       string `json:"subject"`
	ProductCode   string `json:"product_code"`
	TransCurrency string `json:"trans_currency,omitempty"`
	PayTimeout    string `json:"pay_timeout,omitempty"`
}

type preAuthBiz struct {
	OutOrderNo    string `json:"out_order_no"`
	OutRequestNo  string `json:"out_request_no"`
	OrderTitle    string `json:"order_title"`
	Amount        string `json:"amount"`
	ProductCode   string `json:"product_code"`
	TransCurrency string `json:"trans_currency,omitempty"`
	PayeeUserID   string `json:"payee_user_id,omitempty"`
	PayTimeout    string `json:"pay_timeout,omitempty"`
	ExtraParam    string `json:"extra_param,omitempty"`
}

// NewGeneral returns the unsigned parameters of a general payment (method
// alipay.trade.app.pay) stamped with now: format JSON, charset utf-8, sign_type RSA2,
// version 1.0. A merchant server then calls Sign and Encode.
func NewGeneral(o GeneralOrder, now time.Time) (Params, error) {
	for _, f := range []struct{ name, value string }{
		{KeyAppID, o.AppID}, {KeyBizContent + ".out_trade_no", o.OutTradeNo}, {KeyBizContent + ".subject", o.Subject},
	} {
		if f.value == "" {
			return nil, fieldErr(f.name, ErrMissing)
		}
	}
	biz := generalBiz{OutTradeNo: o.OutTradeNo, Subject: o.Subject, ProductCode: o.ProductCode}
	if biz.ProductCode == "" {
		biz.ProductCode = ProductGeneral
	}
	var err error
	if biz.TotalAmount, biz.TransCurrency, err = amountText(o.Amount); err != nil {
		return nil, bizErr("total_amount", err)
	}
	if o.PayTimeout != 0 {
		if biz.PayTimeout, err = FormatPayTimeout(o.PayTimeout); err != nil {
			return nil, bizErr("pay_timeout", err)
		}
	}
	return newParams(MethodAppPay, o.AppID, o.NotifyURL, biz, now)
}

// NewPreAuth returns the unsigned parameters of a pre-authorization (method
// alipay.fund.auth.order.app.freeze, product_code PRE_AUTH_ONLINE) stamped with now, with the
// same gateway defaults as NewGeneral.
func NewPreAuth(o PreAuthOrder, now time.Time) (Params, error) {
	for _, f := range []struct{ name, value string }{
		{KeyAppID, o.AppID},
		{KeyBizContent + ".out_order_no", o.OutOrderNo},
		{KeyBizContent + ".out_request_no", o.OutRequestNo},
		{KeyBizContent + ".order_title", o.OrderTitle},
	} {
		if f.value == "" {
			return nil, fieldErr(f.name, ErrMissing)
		}
	}
	biz := preAuthBiz{
		OutOrderNo:   o.OutOrderNo,
		OutRequestNo: o.OutRequestNo,
		OrderTitle:   o.OrderTitle,
		ProductCode:  ProductPreAuth,
		PayeeUserID:  o.PayeeUserID,
	}
	var err error
	if biz.Amount, biz.TransCurrency, err = amountText(o.Amount); err != nil {
		return nil, bizErr("amount", err)
	}
	if o.PayTimeout != 0 {
		if biz.PayTimeout, err = FormatPayTimeout(o.PayTimeout); err != nil {
			return nil, bizErr("pay_timeout", err)
		}
	}
	if o.Category != "" {
		// extra_param is a JSON string that holds JSON, as in seed 000's sample.
		extra, err := marshal(struct {
			Category string `json:"category"`
		}{o.Category})
		if err != nil {
			return nil, bizErr("extra_param", err)
		}
		biz.ExtraParam = string(extra)
	}
	return newParams(MethodAppFreeze, o.AppID, o.NotifyURL, biz, now)
}

// amountText writes a positive amount as a decimal in major units, and the trans_currency to
// send (none for the default CNY).
func amountText(a money.Amount) (decimal, currency string, err error) {
	if _, err := money.Exponent(a.Currency); err != nil {
		return "", "", err
	}
	if a.Value <= 0 {
		return "", "", fmt.Errorf("%s must be above zero", a)
	}
	if a.Currency != DefaultCurrency {
		currency = a.Currency
	}
	return a.Decimal(), currency, nil
}

func newParams(method, appID, notifyURL string, biz any, now time.Time) (Params, error) {
	if err := checkNotifyURL(notifyURL); err != nil {
		return nil, err
	}
	content, err := marshal(biz)
	if err != nil {
		return nil, fieldErr(KeyBizContent, err)
	}
	p := Params{
		KeyAppID:      appID,
		KeyMethod:     method,
		KeyFormat:     "JSON",
		KeyCharset:    CharsetUTF8,
		KeySignType:   SignTypeRSA2,
		KeyTimestamp:  FormatTimestamp(now),
		KeyVersion:    Version,
		KeyBizContent: string(content),
	}
	if notifyURL != "" {
		p[KeyNotifyURL] = notifyURL
	}
	return p, nil
}

// marshal writes compact JSON without HTML escaping, so that titles such as "A&B" stay
// readable in the signing content.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
