package orderstr_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/orderstr"
)

func TestNewGeneral(t *testing.T) {
	p := generalParams(t)

	want := orderstr.Params{
		"app_id":      "2021000000000001",
		"method":      "alipay.trade.app.pay",
		"format":      "JSON",
		"charset":     "utf-8",
		"sign_type":   "RSA2",
		"timestamp":   "2024-03-01 12:05:06",
		"version":     "1.0",
		"notify_url":  "https://merchant.test/notify?shop=1&x=a b",
		"biz_content": `{"out_trade_no":"T-20240301-0001","total_amount":"0.02","subject":"咖啡 & cake = 2+1","product_code":"QUICK_MSECURITY_PAY","pay_timeout":"15m"}`,
	}
	assert.Equal(t, want, p)
}

func TestNewPreAuth(t *testing.T) {
	p := preAuthParams(t)

	assert.Equal(t, "alipay.fund.auth.order.app.freeze", p["method"])
	assert.Equal(t, `{"out_order_no":"O-1","out_request_no":"R-1","order_title":"支付宝预授权","amount":"100.00","product_code":"PRE_AUTH_ONLINE","payee_user_id":"2088202224929664","pay_timeout":"2d","extra_param":"{\"category\":\"CHARGE_PILE_CAR\"}"}`, p["biz_content"])
}

func TestNewGeneralCurrencyAndDefaults(t *testing.T) {
	p, err := orderstr.NewGeneral(orderstr.GeneralOrder{
		AppID: "A", OutTradeNo: "T", Subject: "S",
		Amount: money.Amount{Currency: "JPY", Value: 500},
	}, now)
	require.NoError(t, err)

	assert.Equal(t, `{"out_trade_no":"T","total_amount":"500","subject":"S","product_code":"QUICK_MSECURITY_PAY","trans_currency":"JPY"}`, p["biz_content"])
	assert.NotContains(t, p, "notify_url")
}

func TestBuildErrors(t *testing.T) {
	cny := func(v int64) money.Amount { return money.Amount{Currency: "CNY", Value: v} }
	general := func(edit func(o *orderstr.GeneralOrder)) func() error {
		return func() error {
			o := orderstr.GeneralOrder{AppID: "A", OutTradeNo: "T", Subject: "S", Amount: cny(1)}
			edit(&o)
			_, err := orderstr.NewGeneral(o, now)
			return err
		}
	}
	preAuth := func(edit func(o *orderstr.PreAuthOrder)) func() error {
		return func() error {
			o := orderstr.PreAuthOrder{AppID: "A", OutOrderNo: "O", OutRequestNo: "R", OrderTitle: "T", Amount: cny(1)}
			edit(&o)
			_, err := orderstr.NewPreAuth(o, now)
			return err
		}
	}
	tests := []struct {
		name    string
		build   func() error
		wantMsg string
	}{
		{"general ok", general(func(o *orderstr.GeneralOrder) {}), ""},
		{"pre-auth ok", preAuth(func(o *orderstr.PreAuthOrder) {}), ""},
		{"no app id", general(func(o *orderstr.GeneralOrder) { o.AppID = "" }), "orderstr: app_id: missing"},
		{"no out_trade_no", general(func(o *orderstr.GeneralOrder) { o.OutTradeNo = "" }), "orderstr: biz_content.out_trade_no: missing"},
		{"no subject", general(func(o *orderstr.GeneralOrder) { o.Subject = "" }), "orderstr: biz_content.subject: missing"},
		{"zero amount", general(func(o *orderstr.GeneralOrder) { o.Amount = cny(0) }), "orderstr: biz_content.total_amount: "},
		{"negative amount", general(func(o *orderstr.GeneralOrder) { o.Amount = cny(-5) }), "orderstr: biz_content.total_amount: "},
		{"no currency", general(func(o *orderstr.GeneralOrder) { o.Amount = money.Amount{Value: 1} }), "orderstr: biz_content.total_amount: "},
		{"pay timeout in seconds", general(func(o *orderstr.GeneralOrder) { o.PayTimeout = 90 * time.Second }), "orderstr: biz_content.pay_timeout: "},
		{"relative notify url", general(func(o *orderstr.GeneralOrder) { o.NotifyURL = "notify" }), "orderstr: notify_url: "},
		{"no out_order_no", preAuth(func(o *orderstr.PreAuthOrder) { o.OutOrderNo = "" }), "orderstr: biz_content.out_order_no: missing"},
		{"no out_request_no", preAuth(func(o *orderstr.PreAuthOrder) { o.OutRequestNo = "" }), "orderstr: biz_content.out_request_no: missing"},
		{"no order_title", preAuth(func(o *orderstr.PreAuthOrder) { o.OrderTitle = "" }), "orderstr: biz_content.order_title: missing"},
		{"pre-auth zero amount", preAuth(func(o *orderstr.PreAuthOrder) { o.Amount = cny(0) }), "orderstr: biz_content.amount: "},
		{"pre-auth pay timeout too long", preAuth(func(o *orderstr.PreAuthOrder) { o.PayTimeout = 16 * 24 * time.Hour }), "orderstr: biz_content.pay_timeout: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.build()

			if tt.wantMsg == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, tt.wantMsg)
		})
	}
}

// TestMerchantThreeCalls is the merchant server's path: build, sign, encode.
func TestMerchantThreeCalls(t *testing.T) {
	key := testKey(t)

	p, err := orderstr.NewPreAuth(orderstr.PreAuthOrder{
		AppID: "A", OutOrderNo: "O", OutRequestNo: "R", OrderTitle: "充电",
		Amount: money.Amount{Currency: "CNY", Value: 5000},
	}, now)
	require.NoError(t, err)
	p, err = orderstr.Sign(p, key)
	require.NoError(t, err)
	s, err := orderstr.Encode(p)
	require.NoError(t, err)

	o, err := orderstr.Decode(s)
	require.NoError(t, err)
	assert.NoError(t, orderstr.Verify(o.Params, &key.PublicKey))
	assert.Equal(t, "50.00", o.Amount.Decimal())
}
