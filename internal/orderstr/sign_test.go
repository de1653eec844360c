package orderstr_test

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/orderstr"
)

var now = time.Date(2024, 3, 1, 4, 5, 6, 0, time.UTC) // 12:05:06 in GMT+8

func generalParams(t testing.TB) orderstr.Params {
	t.Helper()
	p, err := orderstr.NewGeneral(orderstr.GeneralOrder{
		AppID:      "2021000000000001",
		NotifyURL:  "https://merchant.test/notify?shop=1&x=a b",
		OutTradeNo: "T-20240301-0001",
		Subject:    "咖啡 & cake = 2+1",
		Amount:     money.Amount{Currency: "CNY", Value: 2},
		PayTimeout: 15 * time.Minute,
	}, now)
	require.NoError(t, err)
	return p
}

func preAuthParams(t testing.TB) orderstr.Params {
	t.Helper()
	p, err := orderstr.NewPreAuth(orderstr.PreAuthOrder{
		AppID:        "2021000000000001",
		NotifyURL:    "https://merchant.test/freeze-notify",
		OutOrderNo:   "O-1",
		OutRequestNo: "R-1",
		OrderTitle:   "支付宝预授权",
		Amount:       money.Amount{Currency: "CNY", Value: 10000},
		PayeeUserID:  "2088202224929664",
		PayTimeout:   48 * time.Hour,
		Category:     "CHARGE_PILE_CAR",
	}, now)
	require.NoError(t, err)
	return p
}

func TestRoundTrip(t *testing.T) {
	key := testKey(t)
	for _, kind := range []string{"general", "pre-auth"} {
		for _, signType := range []string{"RSA2", "RSA"} {
			for _, charset := range []string{"utf-8", "GBK"} {
				t.Run(kind+"/"+signType+"/"+charset, func(t *testing.T) {
					p := generalParams(t)
					if kind == "pre-auth" {
						p = preAuthParams(t)
					}
					p["sign_type"] = signType
					p["charset"] = charset

					signed, err := orderstr.Sign(p, key)
					require.NoError(t, err)
					s, err := orderstr.Encode(signed)
					require.NoError(t, err)
					o, err := orderstr.Decode(s)
					require.NoError(t, err)

					assert.NoError(t, orderstr.Verify(o.Params, &key.PublicKey))
					assert.Equal(t, signed, o.Params)
					assert.NotContains(t, p, "sign", "Sign leaves its input alone")
					assert.Equal(t, signType, o.SignType)
					assert.Equal(t, charset, o.Charset)
					assert.True(t, now.Equal(o.Timestamp), o.Timestamp)
					assert.Equal(t, "https://merchant.test/", o.NotifyURL[:len("https://merchant.test/")])
					if kind == "general" {
						assert.Equal(t, orderstr.General, o.Kind)
						assert.Equal(t, orderstr.MethodAppPay, o.Method)
						assert.Equal(t, "T-20240301-0001", o.RequestID())
						assert.Equal(t, "咖啡 & cake = 2+1", o.Title())
						assert.Equal(t, money.Amount{Currency: "CNY", Value: 2}, o.Amount)
						assert.Equal(t, orderstr.ProductGeneral, o.ProductCode)
						assert.Equal(t, 15*time.Minute, o.PayTimeout)
					} else {
						assert.Equal(t, orderstr.PreAuth, o.Kind)
						assert.Equal(t, "R-1", o.RequestID())
						assert.Equal(t, "O-1", o.OutOrderNo)
						assert.Equal(t, "支付宝预授权", o.Title())
						assert.Equal(t, money.Amount{Currency: "CNY", Value: 10000}, o.Amount)
						assert.Equal(t, orderstr.ProductPreAuth, o.ProductCode)
						assert.Equal(t, 48*time.Hour, o.PayTimeout)
						assert.Equal(t, "CHARGE_PILE_CAR", o.Category)
						assert.Equal(t, "2088202224929664", o.PayeeUserID)
					}
				})
			}
		}
	}
}

func TestGBKOnTheWire(t *testing.T) {
	p := preAuthParams(t)
	p["charset"] = "GBK"

	s, err := orderstr.Encode(p)
	require.NoError(t, err)
	content, err := orderstr.SigningContent(p)
	require.NoError(t, err)

	gbkTitle := "%D6%A7%B8%B6%B1%A6%D4%A4%CA%DA%C8%A8" // 支付宝预授权, as in seed 000
	assert.Contains(t, s, gbkTitle)
	assert.Contains(t, string(content), "\xd6\xa7\xb8\xb6\xb1\xa6\xd4\xa4\xca\xda\xc8\xa8")
}

func TestTamperBreaksVerify(t *testing.T) {
	key := testKey(t)
	for _, charset := range []string{"utf-8", "GBK"} {
		p := preAuthParams(t)
		p["charset"] = charset
		signed, err := orderstr.Sign(p, key)
		require.NoError(t, err)
		require.NoError(t, orderstr.Verify(signed, &key.PublicKey))

		for k := range signed {
			if k == "sign" {
				continue
			}
			t.Run(charset+"/change "+k, func(t *testing.T) {
				tampered := signed.Clone()
				tampered[k] = changed(k, signed[k])
				require.NotEqual(t, signed[k], tampered[k])

				assert.Error(t, orderstr.Verify(tampered, &key.PublicKey))
			})
			t.Run(charset+"/drop "+k, func(t *testing.T) {
				tampered := signed.Clone()
				delete(tampered, k)

				assert.Error(t, orderstr.Verify(tampered, &key.PublicKey))
			})
		}
		t.Run(charset+"/add a parameter", func(t *testing.T) {
			tampered := signed.Clone()
			tampered["app_auth_token"] = "x"

			assert.ErrorIs(t, orderstr.Verify(tampered, &key.PublicKey), orderstr.ErrBadSignature)
		})
		t.Run(charset+"/flip a bit of sign", func(t *testing.T) {
			sig, err := base64.StdEncoding.DecodeString(signed["sign"])
			require.NoError(t, err)
			sig[len(sig)/2] ^= 1
			tampered := signed.Clone()
			tampered["sign"] = base64.StdEncoding.EncodeToString(sig)

			assert.ErrorIs(t, orderstr.Verify(tampered, &key.PublicKey), orderstr.ErrBadSignature)
		})
		t.Run(charset+"/empty parameters are not signed", func(t *testing.T) {
			extra := signed.Clone()
			extra["app_auth_token"] = ""

			assert.NoError(t, orderstr.Verify(extra, &key.PublicKey))
		})
	}
}

// changed returns a different value that still encodes, so that Verify reaches the
// signature check for every parameter it can.
func changed(key, value string) string {
	switch key {
	case "charset":
		if value == "GBK" {
			return "gbk" // the name is signed as written
		}
		return "UTF-8"
	case "sign_type":
		return "RSA" // SHA-1 instead of SHA-256
	}
	return value + "x"
}

func TestVerifyErrors(t *testing.T) {
	key := testKey(t)
	signed, err := orderstr.Sign(generalParams(t), key)
	require.NoError(t, err)

	tests := []struct {
		name    string
		edit    func(p orderstr.Params)
		wantIs  error
		wantMsg string
	}{
		{"no sign", func(p orderstr.Params) { delete(p, "sign") }, orderstr.ErrNoSign, "orderstr: sign: missing"},
		{"empty sign", func(p orderstr.Params) { p["sign"] = "" }, orderstr.ErrNoSign, "orderstr: sign: missing"},
		{"sign not Base64", func(p orderstr.Params) { p["sign"] = "***" }, orderstr.ErrBadSignature, "not Base64"},
		{"unknown sign_type", func(p orderstr.Params) { p["sign_type"] = "SM2" }, orderstr.ErrUnknownSignType, `orderstr: sign_type: unknown sign_type "SM2"`},
		{"no sign_type", func(p orderstr.Params) { delete(p, "sign_type") }, orderstr.ErrMissing, "orderstr: sign_type: missing"},
		{"other key", func(p orderstr.Params) { p["app_id"] = "2021000000000002" }, orderstr.ErrBadSignature, "signature does not verify"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := signed.Clone()
			tt.edit(p)

			err := orderstr.Verify(p, &key.PublicKey)

			assert.ErrorIs(t, err, tt.wantIs)
			assert.ErrorContains(t, err, tt.wantMsg)
		})
	}
	t.Run("no public key", func(t *testing.T) {
		assert.Error(t, orderstr.Verify(signed, nil))
	})
}

func TestSignErrors(t *testing.T) {
	key := testKey(t)
	tests := []struct {
		name    string
		edit    func(p orderstr.Params)
		wantMsg string
	}{
		{"unknown sign_type", func(p orderstr.Params) { p["sign_type"] = "HMAC" }, "orderstr: sign_type: unknown sign_type"},
		{"unknown charset", func(p orderstr.Params) { p["charset"] = "big5" }, "orderstr: charset: unsupported"},
		{"character GBK lacks", func(p orderstr.Params) {
			p["charset"] = "GBK"
			p["biz_content"] = `{"subject":"☕ 🍰"}`
		}, "orderstr: biz_content: cannot be written in GBK"},
		{"invalid UTF-8", func(p orderstr.Params) { p["subject"] = "\xff" }, "orderstr: subject: not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := generalParams(t)
			tt.edit(p)

			_, err := orderstr.Sign(p, key)

			assert.ErrorContains(t, err, tt.wantMsg)
		})
	}
	t.Run("no key", func(t *testing.T) {
		_, err := orderstr.Sign(generalParams(t), nil)
		assert.Error(t, err)
	})
}

func TestSignIsDeterministic(t *testing.T) {
	key := testKey(t)
	a, err := orderstr.Sign(generalParams(t), key)
	require.NoError(t, err)
	b, err := orderstr.Sign(generalParams(t), key)
	require.NoError(t, err)

	assert.Equal(t, a["sign"], b["sign"])
}
