package signing_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/signing"
)

// now is the receiver's clock in these tests.
var now = time.Date(2026, 11, 21, 23, 56, 6, 0, time.FixedZone("GMT+8", 8*3600))

func payMessage() signing.Message {
	return signing.Message{
		Method:   http.MethodPost,
		Path:     "/api/v1/payments/pay",
		ClientID: fixtures.ClientID,
		Time:     now.Format(time.RFC3339),
		Body:     []byte(`{"paymentRequestId":"PR-1","paymentAmount":{"currency":"USD","value":"1000"}}`),
	}
}

func TestContent(t *testing.T) {
	m := signing.Message{Method: "POST", Path: "/api/v1/payments/pay?x=1", ClientID: "C1", Time: "T", Body: []byte("{\"a\":\"é\"}\n")}
	assert.Equal(t, "POST /api/v1/payments/pay?x=1\nC1.T.{\"a\":\"é\"}\n", string(m.Content()))

	empty := signing.Message{Method: "POST", Path: "/p", ClientID: "C", Time: "T"}
	assert.Equal(t, "POST /p\nC.T.", string(empty.Content()))
}

// sigBytes encodes to Base64 with both '+' and '/' in it: "++++////AQ==".
var sigBytes = []byte{0xfb, 0xef, 0xbe, 0xff, 0xff, 0xff, 0x01}

func TestParseHeader(t *testing.T) {
	rawB64 := base64.StdEncoding.EncodeToString(sigBytes)
	require.Equal(t, "++++////AQ==", rawB64)
	escaped := url.QueryEscape(rawB64)
	require.Equal(t, "%2B%2B%2B%2B%2F%2F%2F%2FAQ%3D%3D", escaped)

	for _, tc := range []struct {
		name, header, algorithm, keyVersion string
	}{
		{"canonical", "algorithm=RSA256, keyVersion=1, signature=" + escaped, "RSA256", "1"},
		{"no spaces", "algorithm=RSA256,keyVersion=1,signature=" + escaped, "RSA256", "1"},
		{"raw Base64 keeps + and /", "algorithm=RSA256, keyVersion=1, signature=" + rawB64, "RSA256", "1"},
		{"raw Base64 without spaces", "algorithm=RSA256,keyVersion=1,signature=" + rawB64, "RSA256", "1"},
		{"lower-case escapes", "algorithm=RSA256, keyVersion=1, signature=" + strings.ToLower(escaped[:12]) + escaped[12:], "RSA256", "1"},
		// Only the padding escaped: the raw '+' must still be a '+'.
		{"partly escaped", "algorithm=RSA256, keyVersion=1, signature=++++////AQ%3D%3D", "RSA256", "1"},
		{"lower-case algorithm", "algorithm=rsa256, keyVersion=1, signature=" + escaped, "rsa256", "1"},
		{"items in another order", "signature=" + escaped + ", keyVersion=2, algorithm=RSA256", "RSA256", "2"},
		{"extra spaces", "  algorithm = RSA256 ,  keyVersion = 1 ,signature= " + escaped + "  ", "RSA256", "1"},
		{"no keyVersion", "algorithm=RSA256, signature=" + escaped, "RSA256", ""},
		{"no algorithm reads as RSA256", "keyVersion=1, signature=" + escaped, "RSA256", "1"},
		{"unknown items ignored", "algorithm=RSA256, keyVersion=1, charset=UTF-8, signature=" + escaped, "RSA256", "1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := signing.ParseHeader(tc.header)
			require.NoError(t, err)
			assert.Equal(t, sigBytes, got.Signature)
			assert.Equal(t, tc.algorithm, got.Algorithm)
			assert.Equal(t, tc.keyVersion, got.KeyVersion)
		})
	}
}

func TestParseHeaderRefuses(t *testing.T) {
	escaped := url.QueryEscape(base64.StdEncoding.EncodeToString(sigBytes))
	for _, tc := range []struct {
		name, header string
		want         error
		msg          string
	}{
		{"empty", "", signing.ErrMissing, ""},
		{"blank", "   ", signing.ErrMissing, ""},
		{"no signature item", "algorithm=RSA256, keyVersion=1", signing.ErrMalformed, "no signature value"},
		{"empty signature", "algorithm=RSA256, keyVersion=1, signature=", signing.ErrMalformed, "no signature value"},
		{"Signature with capital S is not the item", "algorithm=RSA256, Signature=" + escaped, signing.ErrMalformed, "no signature value"},
		{"duplicate signature", "algorithm=RSA256, signature=" + escaped + ", signature=" + escaped, signing.ErrMalformed, "signature appears twice"},
		{"duplicate algorithm", "algorithm=RSA256, algorithm=RSA256, signature=" + escaped, signing.ErrMalformed, "algorithm appears twice"},
		{"duplicate keyVersion", "keyVersion=1, keyVersion=2, signature=" + escaped, signing.ErrMalformed, "keyVersion appears twice"},
		{"item without =", "algorithm=RSA256, keyVersion, signature=" + escaped, signing.ErrMalformed, "not key=value"},
		{"bare value", escaped, signing.ErrMalformed, "not key=value"},
		{"semicolons", "algorithm=RSA256; keyVersion=1; signature=" + escaped, signing.ErrMalformed, ""},
		{"not Base64", "algorithm=RSA256, signature=not*base64", signing.ErrMalformed, "not Base64"},
		{"URL-safe Base64", "algorithm=RSA256, signature=----____AQ==", signing.ErrMalformed, "not Base64"},
		{"missing padding", "algorithm=RSA256, signature=++++////AQ", signing.ErrMalformed, "not Base64"},
		{"escaped line break only", "algorithm=RSA256, signature=%0A", signing.ErrMalformed, "line break"},
		{"escaped line break inside", "algorithm=RSA256, signature=++++%0D%0A////AQ==", signing.ErrMalformed, "line break"},
		{"bad escape", "algorithm=RSA256, signature=%zz" + escaped, signing.ErrMalformed, "not URL-encoded"},
		{"RSA", "algorithm=RSA, keyVersion=1, signature=" + escaped, signing.ErrAlgorithm, `"RSA"`},
		{"RSA2", "algorithm=RSA2, keyVersion=1, signature=" + escaped, signing.ErrAlgorithm, `"RSA2"`},
		{"SHA256withRSA", "algorithm=SHA256withRSA, keyVersion=1, signature=" + escaped, signing.ErrAlgorithm, ""},
		{"RSA512", "algorithm=RSA512, signature=" + escaped, signing.ErrAlgorithm, ""},
		{"HS256", "algorithm=HS256, signature=" + escaped, signing.ErrAlgorithm, ""},
		{"empty algorithm", "algorithm=, keyVersion=1, signature=" + escaped, signing.ErrAlgorithm, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := signing.ParseHeader(tc.header)
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.want)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}

func TestVerify(t *testing.T) {
	priv := fixtures.PrivateKey(fixtures.MerchantPrivateKey)
	pub := fixtures.PublicKey(fixtures.MerchantPublicKey)
	m := payMessage()
	header, err := signing.Sign(priv, m)
	require.NoError(t, err)
	require.NoError(t, signing.Verify(pub, m, header))

	tampered := func(change func(*signing.Message)) signing.Message {
		c := m
		c.Body = bytes.Clone(m.Body)
		change(&c)
		return c
	}
	for _, tc := range []struct {
		name string
		m    signing.Message
	}{
		{"body value", tampered(func(c *signing.Message) { c.Body = bytes.Replace(c.Body, []byte("1000"), []byte("1001"), 1) })},
		{"body whitespace", tampered(func(c *signing.Message) { c.Body = append(c.Body, '\n') })},
		{"body re-serialized", tampered(func(c *signing.Message) { c.Body = bytes.Replace(c.Body, []byte(`":`), []byte(`": `), 1) })},
		{"path without prefix", tampered(func(c *signing.Message) { c.Path = "/v1/payments/pay" })},
		{"path with query", tampered(func(c *signing.Message) { c.Path += "?x=1" })},
		{"other API", tampered(func(c *signing.Message) { c.Path = "/api/v1/payments/refund" })},
		{"method", tampered(func(c *signing.Message) { c.Method = "PUT" })},
		{"client id", tampered(func(c *signing.Message) { c.ClientID = "2026TESTCLIENT0002" })},
		{"time", tampered(func(c *signing.Message) { c.Time = now.Add(time.Second).Format(time.RFC3339) })},
		{"same instant, other spelling", tampered(func(c *signing.Message) { c.Time = now.UTC().Format(time.RFC3339) })},
	} {
		t.Run("tampered "+tc.name, func(t *testing.T) {
			assert.ErrorIs(t, signing.Verify(pub, tc.m, header), signing.ErrMismatch)
		})
	}

	t.Run("wrong key", func(t *testing.T) {
		assert.ErrorIs(t, signing.Verify(fixtures.PublicKey(fixtures.WalletPublicKey), m, header), signing.ErrMismatch)
	})
	t.Run("signed by another key", func(t *testing.T) {
		other, err := signing.Sign(fixtures.PrivateKey(fixtures.WalletPrivateKey), m)
		require.NoError(t, err)
		assert.ErrorIs(t, signing.Verify(pub, m, other), signing.ErrMismatch)
	})
	t.Run("truncated signature", func(t *testing.T) {
		h, err := signing.ParseHeader(header)
		require.NoError(t, err)
		short := "algorithm=RSA256, signature=" + base64.StdEncoding.EncodeToString(h.Signature[:len(h.Signature)-1])
		assert.ErrorIs(t, signing.Verify(pub, m, short), signing.ErrMismatch)
	})
	t.Run("other algorithm over a valid signature", func(t *testing.T) {
		assert.ErrorIs(t, signing.Verify(pub, m, strings.Replace(header, "RSA256", "RSA2", 1)), signing.ErrAlgorithm)
	})
	t.Run("lower-case algorithm", func(t *testing.T) {
		assert.NoError(t, signing.Verify(pub, m, strings.Replace(header, "RSA256", "rsa256", 1)))
	})
	t.Run("missing", func(t *testing.T) {
		assert.ErrorIs(t, signing.Verify(pub, m, ""), signing.ErrMissing)
	})
	t.Run("no key", func(t *testing.T) {
		err := signing.Verify(nil, m, header)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "no public key")
		assert.Error(t, signing.Verify(&rsa.PublicKey{}, m, header))
	})
}

func TestStylesAllVerify(t *testing.T) {
	priv := fixtures.PrivateKey(fixtures.MerchantPrivateKey)
	pub := fixtures.PublicKey(fixtures.MerchantPublicKey)
	for _, raw := range []bool{false, true} {
		for _, noSpaces := range []bool{false, true} {
			for _, epoch := range []bool{false, true} {
				s := signing.Style{RawBase64: raw, NoSpaces: noSpaces, EpochMillis: epoch}
				name := "raw=" + strconv.FormatBool(raw) + ",noSpaces=" + strconv.FormatBool(noSpaces) + ",epochMillis=" + strconv.FormatBool(epoch)
				t.Run(name, func(t *testing.T) {
					m := payMessage()
					m.Time = s.FormatTime(now)
					header, err := s.Sign(priv, m)
					require.NoError(t, err)

					assert.NoError(t, signing.Verify(pub, m, header))
					assert.NoError(t, signing.CheckFresh(m.Time, now, signing.DefaultWindow))

					wantPrefix := "algorithm=RSA256, keyVersion=1, signature="
					if noSpaces {
						wantPrefix = "algorithm=RSA256,keyVersion=1,signature="
					}
					require.True(t, strings.HasPrefix(header, wantPrefix), header)
					value := strings.TrimPrefix(header, wantPrefix)
					if raw {
						// 256 signature bytes: Base64 ends in "==", which stays raw.
						assert.True(t, strings.HasSuffix(value, "=="), value)
						assert.NotContains(t, value, "%")
					} else {
						assert.True(t, strings.HasSuffix(value, "%3D%3D"), value)
						assert.NotContains(t, value, "+")
						assert.NotContains(t, value, "/")
					}
					if epoch {
						assert.Equal(t, strconv.FormatInt(now.UnixMilli(), 10), m.Time)
					} else {
						assert.Equal(t, "2026-11-21T23:56:06+08:00", m.Time)
					}
				})
			}
		}
	}
}

func TestSignIsDeterministic(t *testing.T) {
	priv := fixtures.PrivateKey(fixtures.MerchantPrivateKey)
	a, err := signing.Sign(priv, payMessage())
	require.NoError(t, err)
	b, err := signing.Sign(priv, payMessage())
	require.NoError(t, err)
	assert.Equal(t, a, b)
}

func TestSignRequestRoundTrip(t *testing.T) {
	priv := fixtures.PrivateKey(fixtures.MerchantPrivateKey)
	pub := fixtures.PublicKey(fixtures.MerchantPublicKey)
	body := []byte(`{"paymentId":"P1"}`)
	for _, s := range []signing.Style{{}, {RawBase64: true, NoSpaces: true, EpochMillis: true}} {
		req := httptest.NewRequest(http.MethodPost, "http://wallet.test/api/v1/payments/inquiryPayment?trace=1", bytes.NewReader(body))
		require.NoError(t, s.SignRequest(req, body, fixtures.ClientID, priv, now))

		assert.Equal(t, fixtures.ClientID, req.Header.Get(signing.HeaderClientID))
		assert.Equal(t, s.FormatTime(now), req.Header.Get(signing.HeaderRequestTime))
		assert.Equal(t, "application/json; charset=UTF-8", req.Header.Get("Content-Type"))

		m := signing.RequestMessage(req, body)
		assert.Equal(t, "/api/v1/payments/inquiryPayment?trace=1", m.Path, "the path as sent, with its query")
		assert.NoError(t, signing.Verify(pub, m, req.Header.Get(signing.HeaderSignature)))

		req.Header.Set(signing.HeaderClientID, "someone else")
		assert.ErrorIs(t, signing.Verify(pub, signing.RequestMessage(req, body), req.Header.Get(signing.HeaderSignature)), signing.ErrMismatch)
	}
}

func TestSignResponseHeadersRoundTrip(t *testing.T) {
	priv := fixtures.PrivateKey(fixtures.WalletPrivateKey)
	pub := fixtures.PublicKey(fixtures.WalletPublicKey)
	body := []byte(`{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}`)
	h := http.Header{}
	require.NoError(t, signing.Style{}.SignResponseHeaders(h, http.MethodPost, "/api/v1/payments/pay", fixtures.ClientID, body, priv, now))

	assert.Equal(t, fixtures.ClientID, h.Get(signing.HeaderClientID))
	assert.Equal(t, "2026-11-21T23:56:06+08:00", h.Get(signing.HeaderResponseTime))
	assert.Empty(t, h.Get(signing.HeaderRequestTime))

	m := signing.ResponseMessage(http.MethodPost, "/api/v1/payments/pay", h, body)
	assert.NoError(t, signing.Verify(pub, m, h.Get(signing.HeaderSignature)))

	// A response signature is bound to the request it answers.
	other := signing.ResponseMessage(http.MethodPost, "/api/v1/payments/refund", h, body)
	assert.ErrorIs(t, signing.Verify(pub, other, h.Get(signing.HeaderSignature)), signing.ErrMismatch)
}

func TestParseTime(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Time
	}{
		{"2026-11-21T15:56:06Z", time.Date(2026, 11, 21, 15, 56, 6, 0, time.UTC)},
		{"2026-11-21T23:56:06+08:00", time.Date(2026, 11, 21, 15, 56, 6, 0, time.UTC)},
		{"2026-11-21T10:56:06-05:00", time.Date(2026, 11, 21, 15, 56, 6, 0, time.UTC)},
		{"2026-11-21T15:56:06.123Z", time.Date(2026, 11, 21, 15, 56, 6, 123e6, time.UTC)},
		{"2026-11-21T23:56:06.123456789+08:00", time.Date(2026, 11, 21, 15, 56, 6, 123456789, time.UTC)},
		{"1795276566000", time.UnixMilli(1795276566000)},
		{"1795276566123", time.UnixMilli(1795276566123)},
		{"0", time.UnixMilli(0)},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := signing.ParseTime(tc.in)
			require.NoError(t, err)
			assert.True(t, tc.want.Equal(got), "want %s, got %s", tc.want, got)
		})
	}
}

func TestParseTimeRefuses(t *testing.T) {
	for _, in := range []string{
		"",
		"yesterday",
		"2026-11-21",
		"2026-11-21 15:56:06Z",
		"2026-11-21T15:56:06",
		"2026-11-21T15:56:06 +08:00",
		"2026-11-21T25:56:06Z",
		"Sat, 21 Nov 2026 15:56:06 GMT",
		"1795276566000000000", // nanoseconds, not milliseconds
		"-1795276566000",
		"1.795276566e12",
		"1795276566000 ",
		" 1795276566000",
		"0x1A",
	} {
		t.Run(in, func(t *testing.T) {
			_, err := signing.ParseTime(in)
			assert.ErrorIs(t, err, signing.ErrTime)
		})
	}
}

func TestEpochSecondsAreNotFresh(t *testing.T) {
	// A sender writing epoch seconds is not refused by ParseTime (digits are milliseconds),
	// but the time lands in January 1970, so the freshness check catches it.
	secs := strconv.FormatInt(now.Unix(), 10)
	got, err := signing.ParseTime(secs)
	require.NoError(t, err)
	assert.Equal(t, 1970, got.UTC().Year())
	assert.ErrorIs(t, signing.CheckFresh(secs, now, signing.DefaultWindow), signing.ErrTime)
}

func TestCheckFresh(t *testing.T) {
	rfc := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339) }
	millis := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).UnixMilli(), 10) }
	for _, tc := range []struct {
		name, value string
		fresh       bool
	}{
		{"now", rfc(0), true},
		{"4m59s ago", rfc(-4*time.Minute - 59*time.Second), true},
		{"exactly 5m ago", rfc(-5 * time.Minute), true},
		{"5m01s ago", rfc(-5*time.Minute - time.Second), false},
		{"an hour ago", rfc(-time.Hour), false},
		{"4m59s ahead", rfc(4*time.Minute + 59*time.Second), true},
		{"exactly 5m ahead", rfc(5 * time.Minute), true},
		{"5m01s ahead", rfc(5*time.Minute + time.Second), false},
		{"a day ahead", rfc(24 * time.Hour), false},
		{"millis now", millis(0), true},
		{"millis 4m ago", millis(-4 * time.Minute), true},
		{"millis 6m ago", millis(-6 * time.Minute), false},
		{"millis 6m ahead", millis(6 * time.Minute), false},
		{"other zone, same instant", now.UTC().Format(time.RFC3339), true},
		{"unparseable", "soon", false},
		{"empty", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := signing.CheckFresh(tc.value, now, signing.DefaultWindow)
			if tc.fresh {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, signing.ErrTime)
		})
	}

	assert.Equal(t, 5*time.Minute, signing.DefaultWindow)
	assert.NoError(t, signing.CheckFresh(rfc(-time.Hour), now, 2*time.Hour), "the window is the caller's")
	err := signing.CheckFresh(rfc(-time.Hour), now, signing.DefaultWindow)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "1h0m0s away")
}

func TestParseKeys(t *testing.T) {
	priv := fixtures.PrivateKey(fixtures.MerchantPrivateKey)

	pkcs8, err := x509.MarshalPKCS8PrivateKey(priv)
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		pem  []byte
	}{
		{"PKCS#8", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})},
		{"PKCS#1", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(priv)})},
	} {
		t.Run("private "+tc.name, func(t *testing.T) {
			got, err := signing.ParsePrivateKey(tc.pem)
			require.NoError(t, err)
			assert.True(t, priv.Equal(got))
		})
	}

	pkix, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		pem  []byte
	}{
		{"PKIX", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pkix})},
		{"PKCS#1", pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&priv.PublicKey)})},
	} {
		t.Run("public "+tc.name, func(t *testing.T) {
			got, err := signing.ParsePublicKey(tc.pem)
			require.NoError(t, err)
			assert.True(t, priv.PublicKey.Equal(got))
		})
	}

	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	ecPriv, err := x509.MarshalPKCS8PrivateKey(ec)
	require.NoError(t, err)
	ecPub, err := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	require.NoError(t, err)

	for _, tc := range []struct {
		name, msg string
		pem       []byte
	}{
		{"no PEM", "no PEM block", []byte("not a key")},
		{"garbage in PEM", "private key", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("junk")})},
		{"EC key", "not RSA", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecPriv})},
	} {
		t.Run("private refuses "+tc.name, func(t *testing.T) {
			_, err := signing.ParsePrivateKey(tc.pem)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
	for _, tc := range []struct {
		name, msg string
		pem       []byte
	}{
		{"no PEM", "no PEM block", nil},
		{"garbage in PEM", "public key", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte("junk")})},
		{"EC key", "not RSA", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: ecPub})},
	} {
		t.Run("public refuses "+tc.name, func(t *testing.T) {
			_, err := signing.ParsePublicKey(tc.pem)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}

func BenchmarkSign(b *testing.B) {
	priv := fixtures.PrivateKey(fixtures.MerchantPrivateKey)
	m := payMessage()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := signing.Sign(priv, m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	priv := fixtures.PrivateKey(fixtures.MerchantPrivateKey)
	pub := fixtures.PublicKey(fixtures.MerchantPublicKey)
	m := payMessage()
	header, err := signing.Sign(priv, m)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := signing.Verify(pub, m, header); err != nil {
			b.Fatal(err)
		}
	}
}

// TestVerifyDeclared: ECC224 declared is accepted as a name and reported as not checked;
// not declared, or any other algorithm, it is refused as before; RSA256 is verified.
func TestVerifyDeclared(t *testing.T) {
	key := fixtures.PrivateKey(fixtures.WalletPrivateKey)
	m := signing.Message{Method: "POST", Path: "/v1/payments/pay", ClientID: "c", Time: "2026-01-01T00:00:00Z", Body: []byte(`{}`)}
	good, err := signing.Sign(key, m)
	require.NoError(t, err)
	ecc := "algorithm=ECC224, keyVersion=1, signature=AAAA"

	assert.NoError(t, signing.VerifyDeclared(&key.PublicKey, m, good, []string{"RSA256", "ECC224"}))
	err = signing.VerifyDeclared(&key.PublicKey, m, ecc, []string{"RSA256", "ECC224"})
	assert.ErrorIs(t, err, signing.ErrNotChecked, "declared ECC224 is not checked")
	assert.ErrorIs(t, signing.VerifyDeclared(&key.PublicKey, m, ecc, nil), signing.ErrAlgorithm, "ECC224 not declared")
	assert.ErrorIs(t, signing.VerifyDeclared(&key.PublicKey, m, strings.Replace(ecc, "ECC224", "HS256", 1), []string{"RSA256", "ECC224"}), signing.ErrAlgorithm, "an algorithm never declared")
	assert.ErrorIs(t, signing.VerifyDeclared(&key.PublicKey, m, strings.Replace(good, "RSA256", "ECC224", 1), nil), signing.ErrAlgorithm)
}
