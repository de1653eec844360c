package orderstr_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/orderstr"
)

func TestDecodeSeed000(t *testing.T) {
	s := readFixture(t, "orderstr/seed000.txt")

	o, err := orderstr.Decode(s)
	require.NoError(t, err)

	assert.Equal(t, "2018112803019836", o.AppID)
	assert.Equal(t, "", o.Method, "the sample has no method")
	assert.Equal(t, orderstr.PreAuth, o.Kind, "PRE_AUTH_ONLINE without a method is a freeze")
	assert.Equal(t, "GBK", o.Charset)
	assert.Equal(t, "json", o.Format)
	assert.Equal(t, "RSA", o.SignType)
	assert.Equal(t, "1.0", o.Version)
	assert.Equal(t, "", o.NotifyURL)
	assert.True(t, time.Date(2018, 5, 29, 7, 54, 35, 0, time.UTC).Equal(o.Timestamp), "timestamp is GMT+8: %v", o.Timestamp)
	assert.Equal(t, "支付宝预授权", o.OrderTitle, "order_title is GBK on the wire")
	assert.Equal(t, "支付宝预授权", o.Title())
	assert.Equal(t, money.Amount{Currency: "CNY", Value: 2}, o.Amount)
	assert.Equal(t, "PRE_AUTH_ONLINE", o.ProductCode)
	assert.Equal(t, 48*time.Hour, o.PayTimeout)
	assert.Equal(t, "CHARGE_PILE_CAR", o.Category)
	assert.Equal(t, "2088202224929664", o.PayeeUserID)
	assert.Equal(t, "ZMOutOrderNoAppFreeze2018052915543415090975", o.OutOrderNo)
	assert.Equal(t, "ZMOutReqNoAppFreeze20180529155434581875858", o.OutRequestNo)
	assert.Equal(t, "ZMOutReqNoAppFreeze20180529155434581875858", o.RequestID())
	assert.Equal(t, "", o.OutTradeNo)
	assert.True(t, strings.HasPrefix(o.Sign, "L4wk/NKcbJOo3n6Q5qbPzn0jUsvZlK4jr7iXnghudR0z"), o.Sign)
	assert.Contains(t, string(o.BizContent), `"order_title":"支付宝预授权"`)

	// Its writer's key is unknown: the signature must fail against ours, cleanly.
	err = orderstr.Verify(o.Params, &testKey(t).PublicKey)
	assert.ErrorIs(t, err, orderstr.ErrBadSignature)

	// The content its writer signed: GBK bytes, raw values, sign_type included.
	content, err := orderstr.SigningContent(o.Params)
	require.NoError(t, err)
	wantPrefix := "app_id=2018112803019836&biz_content={\"amount\":\"0.02\",\"extra_param\":\"{\\\"category\\\":\\\"CHARGE_PILE_CAR\\\"}\",\"order_title\":\"\xd6\xa7\xb8\xb6\xb1\xa6\xd4\xa4\xca\xda\xc8\xa8\""
	assert.Equal(t, wantPrefix, string(content[:len(wantPrefix)]))
	assert.True(t, strings.HasSuffix(string(content), "&charset=GBK&format=json&sign_type=RSA&timestamp=2018-05-29 15:54:35&version=1.0"), string(content))

	// Our encoder writes the sample byte for byte.
	again, err := orderstr.Encode(o.Params)
	require.NoError(t, err)
	assert.Equal(t, s, again)
}

func TestDecodeSeed002Damaged(t *testing.T) {
	s := readFixture(t, "orderstr/seed002-damaged.txt")
	require.Contains(t, s, "×tamp=", "the fixture keeps the damage")

	_, err := orderstr.Decode(s)

	var fe *orderstr.FieldError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "sign_type", fe.Field, err.Error())
	assert.Contains(t, err.Error(), "raw non-ASCII")
}

// valid returns the parameters of a decodable, unsigned general payment.
func valid(t *testing.T) orderstr.Params {
	t.Helper()
	p, err := orderstr.NewGeneral(orderstr.GeneralOrder{
		AppID:      "2021000000000001",
		NotifyURL:  "https://merchant.test/notify",
		OutTradeNo: "T-1",
		Subject:    "Coffee",
		Amount:     money.Amount{Currency: "CNY", Value: 1250},
	}, time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	p["sign"] = "c2lnbg=="
	return p
}

// encode writes p and fails the test if it cannot.
func encode(t *testing.T, p orderstr.Params) string {
	t.Helper()
	s, err := orderstr.Encode(p)
	require.NoError(t, err)
	return s
}

func TestDecodeRejects(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(p orderstr.Params)
		wantField string
		wantText  string
	}{
		{"no app_id", func(p orderstr.Params) { delete(p, "app_id") }, "app_id", "missing"},
		{"empty app_id", func(p orderstr.Params) { p["app_id"] = "" }, "app_id", "missing"},
		{"no sign", func(p orderstr.Params) { delete(p, "sign") }, "sign", "missing"},
		{"no sign_type", func(p orderstr.Params) { delete(p, "sign_type") }, "sign_type", "missing"},
		{"unknown sign_type", func(p orderstr.Params) { p["sign_type"] = "ECC" }, "sign_type", "unknown sign_type"},
		{"no timestamp", func(p orderstr.Params) { delete(p, "timestamp") }, "timestamp", "missing"},
		{"timestamp with T", func(p orderstr.Params) { p["timestamp"] = "2024-03-01T20:00:00" }, "timestamp", "yyyy-MM-dd"},
		{"timestamp with fraction", func(p orderstr.Params) { p["timestamp"] = "2024-03-01 20:00:00.5" }, "timestamp", "yyyy-MM-dd"},
		{"timestamp month 13", func(p orderstr.Params) { p["timestamp"] = "2024-13-01 20:00:00" }, "timestamp", "yyyy-MM-dd"},
		{"no version", func(p orderstr.Params) { delete(p, "version") }, "version", "missing"},
		{"version 2.0", func(p orderstr.Params) { p["version"] = "2.0" }, "version", "unsupported"},
		{"format XML", func(p orderstr.Params) { p["format"] = "XML" }, "format", "want JSON"},
		{"relative notify_url", func(p orderstr.Params) { p["notify_url"] = "/notify" }, "notify_url", "absolute"},
		{"ftp notify_url", func(p orderstr.Params) { p["notify_url"] = "ftp://merchant.test/notify" }, "notify_url", "absolute"},
		{"no biz_content", func(p orderstr.Params) { delete(p, "biz_content") }, "biz_content", "missing"},
		{"biz_content not JSON", func(p orderstr.Params) { p["biz_content"] = "{out_trade_no" }, "biz_content", "invalid JSON"},
		{"biz_content an array", func(p orderstr.Params) { p["biz_content"] = `["a"]` }, "biz_content", "JSON object"},
		{"biz_content trailing garbage", func(p orderstr.Params) { p["biz_content"] = `{"a":1}x` }, "biz_content", "invalid JSON"},
		{"general without out_trade_no", biz(`{"total_amount":"1.00","subject":"s"}`), "biz_content.out_trade_no", "missing"},
		{"general without subject", biz(`{"out_trade_no":"T","total_amount":"1.00"}`), "biz_content.subject", "missing"},
		{"general without total_amount", biz(`{"out_trade_no":"T","subject":"s"}`), "biz_content.total_amount", "missing"},
		{"general with amount only", biz(`{"out_trade_no":"T","subject":"s","amount":"1.00"}`), "biz_content.total_amount", "missing"},
		{"out_trade_no a number", biz(`{"out_trade_no":7,"total_amount":"1.00","subject":"s"}`), "biz_content.out_trade_no", "want a string"},
		{"zero amount", biz(`{"out_trade_no":"T","total_amount":"0.00","subject":"s"}`), "biz_content.total_amount", "above zero"},
		{"negative amount", biz(`{"out_trade_no":"T","total_amount":"-1.00","subject":"s"}`), "biz_content.total_amount", "decimal"},
		{"three decimals", biz(`{"out_trade_no":"T","total_amount":"0.001","subject":"s"}`), "biz_content.total_amount", "decimals"},
		{"exponent", biz(`{"out_trade_no":"T","total_amount":"1e2","subject":"s"}`), "biz_content.total_amount", "decimal"},
		{"exponent number", biz(`{"out_trade_no":"T","total_amount":1e2,"subject":"s"}`), "biz_content.total_amount", "decimal"},
		{"overflow", biz(`{"out_trade_no":"T","total_amount":"99999999999999999999.99","subject":"s"}`), "biz_content.total_amount", ""},
		{"amount an object", biz(`{"out_trade_no":"T","total_amount":{"v":1},"subject":"s"}`), "biz_content.total_amount", "decimal"},
		{"unknown currency", biz(`{"out_trade_no":"T","total_amount":"1.00","subject":"s","trans_currency":"ABC"}`), "biz_content.trans_currency", "unknown currency"},
		{"JPY with decimals", biz(`{"out_trade_no":"T","total_amount":"1.5","subject":"s","trans_currency":"JPY"}`), "biz_content.total_amount", "decimals"},
		{"pay_timeout 0m", biz(`{"out_trade_no":"T","total_amount":"1.00","subject":"s","pay_timeout":"0m"}`), "biz_content.pay_timeout", ""},
		{"pay_timeout 16d", biz(`{"out_trade_no":"T","total_amount":"1.00","subject":"s","pay_timeout":"16d"}`), "biz_content.pay_timeout", "1m..15d"},
		{"pay_timeout 1.5h", biz(`{"out_trade_no":"T","total_amount":"1.00","subject":"s","pay_timeout":"1.5h"}`), "biz_content.pay_timeout", "whole number"},
		{"pay_timeout 30s", biz(`{"out_trade_no":"T","total_amount":"1.00","subject":"s","pay_timeout":"30s"}`), "biz_content.pay_timeout", "whole number"},
		{"extra_param not JSON", biz(`{"out_trade_no":"T","total_amount":"1.00","subject":"s","extra_param":"{cat"}`), "biz_content.extra_param", "JSON object"},
		{"pre-auth without out_order_no", freeze(`{"out_request_no":"R","order_title":"t","amount":"1.00"}`), "biz_content.out_order_no", "missing"},
		{"pre-auth without out_request_no", freeze(`{"out_order_no":"O","order_title":"t","amount":"1.00"}`), "biz_content.out_request_no", "missing"},
		{"pre-auth without order_title", freeze(`{"out_order_no":"O","out_request_no":"R","amount":"1.00"}`), "biz_content.order_title", "missing"},
		{"pre-auth without amount", freeze(`{"out_order_no":"O","out_request_no":"R","order_title":"t","total_amount":"1.00"}`), "biz_content.amount", "missing"},
		{"pre-auth empty amount", freeze(`{"out_order_no":"O","out_request_no":"R","order_title":"t","amount":""}`), "biz_content.amount", "missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := valid(t)
			tt.edit(p)

			_, err := orderstr.Decode(encode(t, p))

			var fe *orderstr.FieldError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tt.wantField, fe.Field, err.Error())
			assert.True(t, strings.HasPrefix(err.Error(), "orderstr: "+tt.wantField+": "), err.Error())
			assert.Contains(t, err.Error(), tt.wantText)
		})
	}
}

// biz replaces biz_content.
func biz(json string) func(orderstr.Params) {
	return func(p orderstr.Params) { p["biz_content"] = json }
}

// freeze makes p a pre-authorization with the given biz_content.
func freeze(json string) func(orderstr.Params) {
	return func(p orderstr.Params) {
		p["method"] = orderstr.MethodAppFreeze
		p["biz_content"] = json
	}
}

func TestDecodeRejectsWire(t *testing.T) {
	good := encode(t, valid(t))
	tests := []struct {
		name     string
		s        string
		wantText string
	}{
		{"repeated key", good + "&app_id=2", "orderstr: app_id: repeated"},
		{"repeated key, one escaped", good + "&%61pp_id=2", "orderstr: app_id: repeated"},
		{"bad escape", good + "&x=%zz", "orderstr: x: bad URL escape"},
		{"bad escape in a name", good + "&%zz=1", "orderstr: parameter name"},
		{"no name", good + "&=1", "has no name"},
		{"invalid UTF-8", strings.Replace(good, "subject%22%3A%22Coffee", "subject%22%3A%22%FF", 1), "orderstr: biz_content: not valid UTF-8"},
		{"invalid GBK", strings.Replace(strings.Replace(good, "charset=utf-8", "charset=GBK", 1), "subject%22%3A%22Coffee", "subject%22%3A%22%FF%FF", 1), "orderstr: biz_content: not valid GBK"},
		{"GBK the decoder would replace silently", strings.Replace(strings.Replace(good, "charset=utf-8", "charset=GBK", 1), "subject%22%3A%22Coffee", "subject%22%3A%22%80%83", 1), "orderstr: biz_content: not valid GBK"},
		// A3A0 decodes to U+3000, which GBK writes as A1A1: the signed bytes would change.
		{"GBK that does not encode back", strings.Replace(strings.Replace(good, "charset=utf-8", "charset=GBK", 1), "subject%22%3A%22Coffee", "subject%22%3A%22%A3%A0", 1), "orderstr: biz_content: not valid GBK"},
		{"truncated GBK", strings.Replace(strings.Replace(good, "charset=utf-8", "charset=GBK", 1), "app_id=2021000000000001", "app_id=%D6", 1), "orderstr: app_id: not valid GBK"},
		{"raw text in GBK", strings.Replace(strings.Replace(good, "charset=utf-8", "charset=GBK", 1), "Coffee", "Café", 1), "orderstr: biz_content: raw non-ASCII"},
		{"charset latin1", strings.Replace(good, "charset=utf-8", "charset=ISO-8859-1", 1), "orderstr: charset: unsupported \"ISO-8859-1\" (want utf-8 or GBK)"},
		{"empty", "", "orderstr: app_id: missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NotEqual(t, good, tt.s, "the edit applied")

			_, err := orderstr.Decode(tt.s)

			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantText)
		})
	}
}

func TestDecodeTolerates(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(p orderstr.Params)
		check func(t *testing.T, o *orderstr.Order)
	}{
		{"format lower case", func(p orderstr.Params) { p["format"] = "json" }, nil},
		{"no format", func(p orderstr.Params) { delete(p, "format") }, nil},
		{"charset UTF-8", func(p orderstr.Params) { p["charset"] = "UTF-8" }, nil},
		{"charset gbk", func(p orderstr.Params) { p["charset"] = "gbk" }, nil},
		{"no charset means UTF-8", func(p orderstr.Params) { delete(p, "charset") }, nil},
		{"sign_type rsa2", func(p orderstr.Params) { p["sign_type"] = "rsa2" }, nil},
		{"no notify_url", func(p orderstr.Params) { delete(p, "notify_url") }, func(t *testing.T, o *orderstr.Order) {
			assert.Equal(t, "", o.NotifyURL)
		}},
		{"unknown parameter kept", func(p orderstr.Params) { p["alipay_sdk"] = "alipay-sdk-java-4.0" }, func(t *testing.T, o *orderstr.Order) {
			assert.Equal(t, "alipay-sdk-java-4.0", o.Params["alipay_sdk"])
		}},
		{"amount as a JSON number", biz(`{"out_trade_no":"T","total_amount":12.5,"subject":"s"}`), func(t *testing.T, o *orderstr.Order) {
			assert.Equal(t, money.Amount{Currency: "CNY", Value: 1250}, o.Amount)
		}},
		{"whole amount", biz(`{"out_trade_no":"T","total_amount":"3","subject":"s"}`), func(t *testing.T, o *orderstr.Order) {
			assert.Equal(t, money.Amount{Currency: "CNY", Value: 300}, o.Amount)
		}},
		{"one decimal", biz(`{"out_trade_no":"T","total_amount":"0.5","subject":"s"}`), func(t *testing.T, o *orderstr.Order) {
			assert.Equal(t, money.Amount{Currency: "CNY", Value: 50}, o.Amount)
		}},
		{"JPY", biz(`{"out_trade_no":"T","total_amount":"500","subject":"s","trans_currency":"JPY"}`), func(t *testing.T, o *orderstr.Order) {
			assert.Equal(t, money.Amount{Currency: "JPY", Value: 500}, o.Amount)
		}},
		{"KWD", biz(`{"out_trade_no":"T","total_amount":"1.005","subject":"s","trans_currency":"KWD"}`), func(t *testing.T, o *orderstr.Order) {
			assert.Equal(t, money.Amount{Currency: "KWD", Value: 1005}, o.Amount)
		}},
		{"extra_param as an object", biz(`{"out_trade_no":"T","total_amount":"1","subject":"s","extra_param":{"category":"HOTEL"}}`), func(t *testing.T, o *orderstr.Order) {
			assert.Equal(t, "HOTEL", o.Category)
		}},
		{"pay_timeout bounds", biz(`{"out_trade_no":"T","total_amount":"1","subject":"s","pay_timeout":"15d"}`), func(t *testing.T, o *orderstr.Order) {
			assert.Equal(t, 15*24*time.Hour, o.PayTimeout)
		}},
		{"unknown biz field", biz(`{"out_trade_no":"T","total_amount":"1","subject":"s","goods_type":"0"}`), func(t *testing.T, o *orderstr.Order) {
			assert.Contains(t, string(o.BizContent), `"goods_type":"0"`)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := valid(t)
			tt.edit(p)

			o, err := orderstr.Decode(encode(t, p))

			require.NoError(t, err)
			assert.Equal(t, p, o.Params)
			if tt.check != nil {
				tt.check(t, o)
			}
		})
	}
}

func TestDecodeKind(t *testing.T) {
	general := `{"out_trade_no":"T","total_amount":"1.00","subject":"s","product_code":"%s"}`
	preAuth := `{"out_order_no":"O","out_request_no":"R","order_title":"t","amount":"1.00","product_code":"%s"}`
	tests := []struct {
		method, product string
		want            orderstr.Kind
	}{
		{orderstr.MethodAppPay, "QUICK_MSECURITY_PAY", orderstr.General},
		{orderstr.MethodAppFreeze, "PRE_AUTH_ONLINE", orderstr.PreAuth},
		{orderstr.MethodAppFreeze, "PREAUTH_PAY", orderstr.PreAuth},
		{"", "PRE_AUTH_ONLINE", orderstr.PreAuth},
		{"", "QUICK_MSECURITY_PAY", orderstr.General},
		{"", "", orderstr.General},
		{orderstr.MethodAppPay, "PRE_AUTH_ONLINE", orderstr.General},
		{"alipay.trade.wap.pay", "PRE_AUTH_ONLINE", orderstr.General},
	}
	for _, tt := range tests {
		t.Run(tt.method+"/"+tt.product, func(t *testing.T) {
			p := valid(t)
			p["method"] = tt.method
			content := general
			if tt.want == orderstr.PreAuth {
				content = preAuth
			}
			p["biz_content"] = strings.Replace(content, "%s", tt.product, 1)

			o, err := orderstr.Decode(encode(t, p))

			require.NoError(t, err)
			assert.Equal(t, tt.want, o.Kind)
			wantID := "T"
			if tt.want == orderstr.PreAuth {
				wantID = "R"
			}
			assert.Equal(t, wantID, o.RequestID())
		})
	}
}

func TestFieldErrorIs(t *testing.T) {
	p := valid(t)
	delete(p, "app_id")

	_, err := orderstr.Decode(encode(t, p))

	assert.True(t, errors.Is(err, orderstr.ErrMissing), err)
}

func TestPayTimeout(t *testing.T) {
	tests := []struct {
		text string
		want time.Duration
	}{
		{"1m", time.Minute},
		{"15m", 15 * time.Minute},
		{"90m", 90 * time.Minute},
		{"2h", 2 * time.Hour},
		{"2d", 48 * time.Hour},
		{"15d", 15 * 24 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got, err := orderstr.ParsePayTimeout(tt.text)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)

			text, err := orderstr.FormatPayTimeout(got)
			require.NoError(t, err)
			assert.Equal(t, tt.text, text)
		})
	}
	for _, bad := range []string{"", "m", "0m", "01m", "-1m", "+1m", "1", "1.5h", "1H", "16d", "361h", "21601m", "99999999d", "1c", "1 m"} {
		t.Run("reject "+bad, func(t *testing.T) {
			_, err := orderstr.ParsePayTimeout(bad)
			assert.Error(t, err)
		})
	}
	for _, bad := range []time.Duration{0, 30 * time.Second, 90 * time.Second, 16 * 24 * time.Hour, -time.Hour} {
		t.Run("format reject "+bad.String(), func(t *testing.T) {
			_, err := orderstr.FormatPayTimeout(bad)
			assert.Error(t, err)
		})
	}
}

func TestTimestamp(t *testing.T) {
	utc := time.Date(2018, 5, 29, 7, 54, 35, 0, time.UTC)

	assert.Equal(t, "2018-05-29 15:54:35", orderstr.FormatTimestamp(utc))
	got, err := orderstr.ParseTimestamp("2018-05-29 15:54:35")
	require.NoError(t, err)
	assert.True(t, utc.Equal(got), got)
	_, offset := got.Zone()
	assert.Equal(t, 8*3600, offset)
}
