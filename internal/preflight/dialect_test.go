package preflight

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/signing"
)

// probeWithin bounds every probe of these tests: a mismatch is named well within the 10 s a
// run has to stop.
const probeWithin = 5 * time.Second

func preset(name string) dialect.Dialect { return dialect.MustLookup(name) }

// fakeWallet is a wallet of dialect d: inquiryPayment and the refund API at d.PathFor,
// the kit merchant's signature checked (real RSA), the body read with d's codec, the answer
// signed with the wallet test key; any other path answers 404 NO_INTERFACE_DEF, as the kit's
// wallet mock does.
func fakeWallet(t *testing.T, d dialect.Dialect) *httptest.Server {
	t.Helper()
	merchantKey := fixtures.PublicKey(fixtures.MerchantPublicKey)
	walletKey := fixtures.PrivateKey(fixtures.WalletPrivateKey)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		status, res := http.StatusOK, openapi.NewResult(openapi.OrderNotExist, "no such payment")
		api, pathErr := d.APIOf(r.URL.Path)
		switch {
		case pathErr != nil || r.URL.Path != d.PathFor(api) || (api != dialect.InquiryPayment && api != dialect.Refund):
			status, res = http.StatusNotFound, openapi.NewResult("NO_INTERFACE_DEF", "this wallet serves no POST "+r.URL.Path)
		case signing.Verify(merchantKey, signing.RequestMessage(r, body), r.Header.Get(signing.HeaderSignature)) != nil:
			res = openapi.NewResult(openapi.InvalidSignature, "the signature does not verify")
		case api == dialect.InquiryPayment:
			if _, err := openapi.DecodeInquiryPayment(d, body); err != nil {
				res = openapi.ResultOf(err)
			}
		default:
			if _, err := openapi.DecodeRefund(d, body); err != nil {
				res = openapi.ResultOf(err)
			}
		}
		answer, _ := json.Marshal(struct {
			Result openapi.Result `json:"result"`
		}{res})
		require.NoError(t, signing.Style{}.SignResponseHeaders(w.Header(), r.Method, signing.PathOf(r), r.Header.Get(signing.HeaderClientID), answer, walletKey, time.Now()))
		w.WriteHeader(status)
		_, _ = w.Write(answer)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func kitMerchant(client *http.Client, url string, d dialect.Dialect) Wallet {
	return Wallet{HTTPClient: client, URL: url, Dialect: d, ClientID: fixtures.ClientID, Key: fixtures.PrivateKey(fixtures.MerchantPrivateKey)}
}

// requireMismatch checks err is a *Mismatch whose first line names want as what the party
// likely speaks, and that it came within probeWithin.
func requireMismatch(t *testing.T, err error, start time.Time, party, want string) *Mismatch {
	t.Helper()
	require.Less(t, time.Since(start), probeWithin)
	require.True(t, errors.Is(err, ErrDialect), "want a dialect mismatch, got %v", err)
	var m *Mismatch
	require.ErrorAs(t, err, &m)
	first, _, _ := strings.Cut(err.Error(), "\n")
	assert.Contains(t, first, "the "+party+" likely speaks "+want+", not "+m.Profile.Label()+" as its profile says")
	assert.Contains(t, err.Error(), "\n  seen: ")
	assert.Contains(t, err.Error(), "\n  check: name the "+party+"'s dialect in its profile")
	return m
}

// TestWalletPathsNamesTheWalletsDialect: a wallet whose profile's paths are unknown while
// another preset's answer, or that refuses the profile's inquiry for lacking partnerId, or
// knows the refund API only by its other name, is named by what it answered.
func TestWalletPathsNamesTheWalletsDialect(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, wallet, profile string
		want                  string // the first line's "likely speaks ..."
		because               string
	}{
		{"/v1 unknown but /v2 answers", "v2", "kit", "v2", "paths under /v2"},
		{"/v2 unknown but /v1 answers", "kit", "v2", "kit", "paths under /v1"},
		{"/v2 unknown but v1-alipay's /v1 answers", "v1-alipay", "v2", "v1-alipay", "requires partnerId"},
		{"partnerId refused as missing", "v1-alipay", "kit", "v1-alipay", "requires partnerId"},
		{"partnerId refused under v1-qi's profile", "v1-alipay", "v1-qi", "v1-alipay", "requires partnerId"},
		{"answers under another preset's prefix", "v1-tng", "kit", "v1-tng", "paths under /acl/api"},
		{"refund known only as refundApply", "v1-qi", "kit", "v1-alipay or v1-tng or v1-qi", "the refund API refundApply"},
		{"answers without the profile's prefix", "kit", "v1-tng", "kit", "no URL prefix"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := fakeWallet(t, preset(tc.wallet))
			start := time.Now()
			ctx, cancel := context.WithTimeout(context.Background(), DialectBudget)
			defer cancel()
			w := kitMerchant(srv.Client(), srv.URL+preset(tc.profile).BasePath, preset(tc.profile))
			w.Root = srv.URL
			_, err := WalletPaths(ctx, w)
			m := requireMismatch(t, err, start, "wallet", tc.want)
			assert.Contains(t, m.Contradicts, tc.because)
		})
	}
}

// TestWalletPathsPassesAMatchingWallet: a wallet of the profile's dialect, with the prefix in
// its URL, passes; so does nothing at all (the reachability check reports that).
func TestWalletPathsPassesAMatchingWallet(t *testing.T) {
	t.Parallel()
	for _, name := range dialect.Presets() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := preset(name)
			srv := fakeWallet(t, d)
			seen, err := WalletPaths(context.Background(), kitMerchant(srv.Client(), srv.URL+d.BasePath, d))
			require.NoError(t, err)
			assert.Equal(t, dialect.Signals{PathVersion: d.PathVersion}, seen, "what the probe learnt: the version answers")
		})
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	dead := "http://" + ln.Addr().String()
	require.NoError(t, ln.Close())
	seen, err := WalletPaths(context.Background(), kitMerchant(http.DefaultClient, dead, preset("kit")))
	require.NoError(t, err)
	assert.Equal(t, dialect.Signals{}, seen)
}

// fakeShop plays the kit's reference merchant and the wallet's test control for
// WalletPayment: an order by tradeNO, a tradePay that answers 9000, and, once paid, the
// notification body as the merchant received it.
func fakeShop(t *testing.T, notification []byte) *httptest.Server {
	t.Helper()
	paid := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("POST /conformance/orders", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"orderId":"O-1","status":"PENDING","paymentId":"P-1","paymentRequestId":"PR-1","amount":{"currency":"USD","value":"100"},"tradeNO":"P-1"}`)
	})
	mux.HandleFunc("POST /conformance/tradePay", func(w http.ResponseWriter, _ *http.Request) {
		select {
		case <-paid:
		default:
			close(paid)
		}
		_, _ = io.WriteString(w, `{"resultCode":"9000"}`)
	})
	mux.HandleFunc("GET /conformance/received", func(w http.ResponseWriter, _ *http.Request) {
		list := []any{}
		select {
		case <-paid:
			if notification != nil {
				list = append(list, map[string]any{"at": time.Now(), "clientId": fixtures.ClientID, "body": json.RawMessage(notification)})
			}
		default:
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"notifications": list})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// notificationBy is a SUCCESS notification as a wallet of sender d writes it.
func notificationBy(t *testing.T, d dialect.Dialect) []byte {
	t.Helper()
	n := openapi.Notification{NotifyPaymentRequest: openapi.NotifyPaymentRequest{
		PaymentID: "P-1", PaymentRequestID: "PR-1", PaymentAmount: openapi.Amount{Currency: "USD", Value: "100"},
		PaymentStatus: openapi.PaymentSuccess, PaymentTime: "2026-11-21T23:56:06+08:00", PaymentCreateTime: "2026-11-21T23:50:00+08:00",
	}}
	if d.CarriesPartnerID() {
		n.PartnerID = dialect.DefaultPartnerID
	}
	b, err := openapi.EncodeNotifyPayment(d, n)
	require.NoError(t, err)
	return b
}

// TestWalletPaymentNamesTheNotificationsDialect: the notification of one payment, read as
// the kit's merchant received it, names the wallet's dialect when its shape is another's.
func TestWalletPaymentNamesTheNotificationsDialect(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, wallet, profile string
		seen                  dialect.Signals // what WalletPaths learnt
		want, because         string
	}{
		{"paymentResult under a paymentStatus profile", "v2", "kit", dialect.Signals{}, "v1-tng or v2", "paymentResult notifications"},
		{"paymentResult on /v1", "v1-tng", "kit", dialect.Signals{PathVersion: "v1"}, "v1-tng", "paymentResult notifications"},
		{"paymentStatus under a paymentResult profile", "v1-alipay", "v1-tng", dialect.Signals{PathVersion: "v1"}, "kit or v1-alipay", "paymentStatus notifications"},
		{"no partnerId under a profile requiring it", "kit", "v1-alipay", dialect.Signals{PathVersion: "v1"}, "kit or v1-qi", "carries no partnerId"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			shop := fakeShop(t, notificationBy(t, preset(tc.wallet)))
			start := time.Now()
			ctx, cancel := context.WithTimeout(context.Background(), DialectBudget)
			defer cancel()
			err := WalletPayment(ctx, Payment{HTTPClient: shop.Client(), MerchantURL: shop.URL, ControlURL: shop.URL, Dialect: preset(tc.profile)}, tc.seen)
			m := requireMismatch(t, err, start, "wallet", tc.want)
			assert.Contains(t, m.Contradicts, tc.because)
			assert.Contains(t, err.Error(), "seen: the notification of a tradeNO payment, as the kit's merchant received it: {")
		})
	}
}

// TestWalletPaymentPassesAMatchingWallet: a notification of the profile's dialect passes, a
// wallet's notification carrying partnerId passes under a dialect without it (a reader
// tolerates it), and no notification before the budget ends leaves the wallet to the
// scenarios.
func TestWalletPaymentPassesAMatchingWallet(t *testing.T) {
	t.Parallel()
	for _, name := range dialect.Presets() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := preset(name)
			shop := fakeShop(t, notificationBy(t, d))
			require.NoError(t, WalletPayment(context.Background(), Payment{HTTPClient: shop.Client(), MerchantURL: shop.URL, ControlURL: shop.URL, Dialect: d},
				dialect.Signals{PathVersion: d.PathVersion}))
		})
	}
	t.Run("partnerId under kit", func(t *testing.T) {
		t.Parallel()
		shop := fakeShop(t, notificationBy(t, preset("v1-alipay")))
		require.NoError(t, WalletPayment(context.Background(), Payment{HTTPClient: shop.Client(), MerchantURL: shop.URL, ControlURL: shop.URL, Dialect: preset("kit")}, dialect.Signals{}))
	})
	t.Run("partnerId under v2, which has none", func(t *testing.T) {
		t.Parallel()
		shop := fakeShop(t, withPartnerID(t, notificationBy(t, preset("v2"))))
		require.NoError(t, WalletPayment(context.Background(), Payment{HTTPClient: shop.Client(), MerchantURL: shop.URL, ControlURL: shop.URL, Dialect: preset("v2")},
			dialect.Signals{PathVersion: "v2"}), "a reader of any dialect tolerates partnerId")
	})
	t.Run("no notification", func(t *testing.T) {
		t.Parallel()
		shop := fakeShop(t, nil)
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		require.NoError(t, WalletPayment(ctx, Payment{HTTPClient: shop.Client(), MerchantURL: shop.URL, ControlURL: shop.URL, Dialect: preset("kit")}, dialect.Signals{}))
	})
	t.Run("orderStr only", func(t *testing.T) {
		t.Parallel()
		shop := fakeShop(t, notificationBy(t, preset("v2")))
		err := WalletPayment(context.Background(), Payment{HTTPClient: shop.Client(), MerchantURL: shop.URL, ControlURL: shop.URL, Dialect: preset("kit"),
			Flows: func(f string) bool { return false }}, dialect.Signals{})
		require.NoError(t, err, "a profile with no flow makes no payment")
	})
}

// withPartnerID adds partnerId to a JSON object.
func withPartnerID(t *testing.T, body []byte) []byte {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(body, &m))
	m["partnerId"] = dialect.DefaultPartnerID
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return b
}

// fakeMerchant is a merchant of dialect d behind its test adapter: asked for an order, it
// posts a signed pay in d's shape to the wallet at walletURL + d's pay path and answers 502
// when the wallet refuses it, as a merchant does; its notify endpoint reads a notification
// with d's codec and answers S, or F with the codec's reason.
func fakeMerchant(t *testing.T, d dialect.Dialect, walletURL func() string) *httptest.Server {
	t.Helper()
	key := fixtures.PrivateKey(fixtures.MerchantPrivateKey)
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/notify" {
			body, _ := io.ReadAll(r.Body)
			res := openapi.SuccessResult()
			if _, err := openapi.DecodeNotifyPayment(d, body); err != nil {
				res = openapi.ResultOf(err)
			}
			_ = json.NewEncoder(w).Encode(map[string]any{"result": res})
			return
		}
		if r.URL.Path != "/conformance/orders" {
			http.NotFound(w, r)
			return
		}
		pay := openapi.PayRequest{
			ProductCode: d.ProductCodeFor(false), PaymentOrderTitle: "dialect probe", PaymentRequestID: "PR-1",
			PaymentAmount: openapi.Amount{Currency: "USD", Value: "100"}, PaymentNotifyURL: srv.URL + "/notify",
		}
		if d.CarriesPartnerID() {
			pay.PartnerID = dialect.DefaultPartnerID
		}
		if d.RequiresAppID() {
			pay.AppID = "3333010071465913"
		}
		body, err := openapi.EncodePay(d, pay)
		require.NoError(t, err)
		req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, walletURL()+d.PathFor(dialect.Pay), bytes.NewReader(body))
		require.NoError(t, err)
		require.NoError(t, signing.Style{}.SignRequest(req, body, fixtures.ClientID, key, time.Now()))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			http.Error(w, "the wallet refused the pay", http.StatusBadGateway)
			return
		}
		_, _ = io.WriteString(w, `{"orderId":"O-1","status":"PENDING","paymentId":"P-1","paymentRequestId":"PR-1","amount":{"currency":"USD","value":"100"},"tradeNO":"P-1"}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// kitWallet stands for the kit's wallet of dialect d behind a PayWatch and a NotifyWatch: it
// serves pay at d's path only, and its test control's tradePay notifies the pay's
// paymentNotifyUrl in d's shape.
func kitWallet(t *testing.T, d dialect.Dialect, watch *PayWatch, notifications *NotifyWatch) *httptest.Server {
	t.Helper()
	notifier := &http.Client{Transport: notifications.Wrap(http.DefaultTransport)}
	var notifyURL string
	var mu sync.Mutex
	srv := httptest.NewServer(watch.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.URL.Path == "/conformance/tradePay" {
			n := openapi.Notification{NotifyPaymentRequest: openapi.NotifyPaymentRequest{
				PaymentID: "P-1", PaymentRequestID: "PR-1", PaymentAmount: openapi.Amount{Currency: "USD", Value: "100"},
				PaymentStatus: openapi.PaymentSuccess, PaymentTime: "2026-11-21T23:56:06+08:00", PaymentCreateTime: "2026-11-21T23:50:00+08:00",
			}}
			if d.CarriesPartnerID() {
				n.PartnerID = dialect.DefaultPartnerID
			}
			b, err := openapi.EncodeNotifyPayment(d, n)
			require.NoError(t, err)
			mu.Lock()
			url := notifyURL
			mu.Unlock()
			if resp, err := notifier.Post(url, "application/json", bytes.NewReader(b)); err == nil {
				_ = resp.Body.Close()
			}
			_, _ = io.WriteString(w, `{"resultCode":"9000"}`)
			return
		}
		if api, err := d.APIOf(r.URL.Path); err != nil || api != dialect.Pay || !strings.HasPrefix(r.URL.Path, d.BasePath+"/") {
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"result":{"resultCode":"NO_INTERFACE_DEF","resultStatus":"F","resultMessage":"no such path"}}`)
			return
		}
		var pay struct {
			NotifyURL string `json:"paymentNotifyUrl"`
		}
		_ = json.Unmarshal(body, &pay)
		mu.Lock()
		notifyURL = pay.NotifyURL
		mu.Unlock()
		_, _ = io.WriteString(w, `{"result":{"resultCode":"ACCEPT","resultStatus":"A","resultMessage":"accepted"},"paymentId":"P-1"}`)
	})))
	t.Cleanup(srv.Close)
	return srv
}

func probedMerchant(shop, wallet *httptest.Server, d dialect.Dialect, watch *PayWatch, notifications *NotifyWatch) Merchant {
	return Merchant{HTTPClient: shop.Client(), AdapterURL: shop.URL, Dialect: d, Watch: watch, ControlURL: wallet.URL, Notifications: notifications}
}

// TestMerchantPayNamesTheMerchantsDialect: a merchant paying at another preset's path or in
// another preset's shape is named by its pay.
func TestMerchantPayNamesTheMerchantsDialect(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, merchant, profile string
		want                    string
		because                 []string
	}{
		{"a v2 pay at /v2/payments/pay", "v2", "kit", "v2", []string{"paths under /v2", "the order title in order.orderDescription"}},
		{"under another preset's prefix", "v1-tng", "kit", "v1-tng", []string{"paths under /acl/api"}},
		{"partnerId missing under v1-alipay", "kit", "v1-alipay", "kit or v1-tng or v1-qi", []string{"carries no partnerId"}},
		{"a v1 title under v2", "v1-qi", "v2", "kit or v1-tng or v1-qi", []string{"paths under /v1", "the order title in paymentOrderTitle"}},
		{"without the profile's prefix", "kit", "v1-tng", "kit or v1-qi", []string{"no URL prefix"}},
		{"partnerId refused in a notification", "v1-alipay", "kit", "v1-alipay", []string{"requires partnerId"}},
		{"paymentStatus refused in a notification", "v1-tng without its prefix", "kit", "v1-tng", []string{"paymentResult notifications"}},
		{"paymentResult refused in a notification", "kit", "v1-tng without its prefix", "kit or v1-qi", []string{"paymentStatus notifications"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			payWatch, notifications := NewPayWatch(), NewNotifyWatch()
			profile, merchant := presetOrBare(t, tc.profile), presetOrBare(t, tc.merchant)
			wallet := kitWallet(t, profile, payWatch, notifications)
			shop := fakeMerchant(t, merchant, func() string { return wallet.URL })
			start := time.Now()
			ctx, cancel := context.WithTimeout(context.Background(), DialectBudget)
			defer cancel()
			err := MerchantPay(ctx, probedMerchant(shop, wallet, profile, payWatch, notifications))
			m := requireMismatch(t, err, start, "merchant", tc.want)
			assert.Equal(t, tc.because, m.Contradicts)
			assert.Contains(t, err.Error(), "seen: the merchant's pay for a tradeNO order came to POST "+merchant.PathFor(dialect.Pay)+" with {")
		})
	}
}

// presetOrBare is the named preset; "NAME without its prefix" is the preset with basePath "".
func presetOrBare(t *testing.T, name string) dialect.Dialect {
	t.Helper()
	preset, bare := strings.CutSuffix(name, " without its prefix")
	d, err := dialect.Lookup(preset)
	require.NoError(t, err)
	if bare {
		require.NoError(t, d.Set("basePath="))
	}
	return d
}

// TestMerchantPayPassesAMatchingMerchant: a merchant of the profile's dialect passes; so does
// a merchant that makes no pay (the scenarios judge it).
func TestMerchantPayPassesAMatchingMerchant(t *testing.T) {
	t.Parallel()
	for _, name := range dialect.Presets() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := preset(name)
			watch, notifications := NewPayWatch(), NewNotifyWatch()
			wallet := kitWallet(t, d, watch, notifications)
			shop := fakeMerchant(t, d, func() string { return wallet.URL })
			require.NoError(t, MerchantPay(context.Background(), probedMerchant(shop, wallet, d, watch, notifications)))
			_, ok := watch.after(0)
			assert.True(t, ok, "the pay was seen")
			got, ok := notifications.about(0, "P-1", "")
			require.True(t, ok, "the notification was seen")
			assert.Contains(t, string(got.answer), `"resultStatus":"S"`)
		})
	}
	t.Run("no pay", func(t *testing.T) {
		t.Parallel()
		watch := NewPayWatch()
		shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusBadRequest) }))
		t.Cleanup(shop.Close)
		require.NoError(t, MerchantPay(context.Background(), Merchant{HTTPClient: shop.Client(), AdapterURL: shop.URL, Dialect: preset("kit"), Watch: watch}))
	})
}

// TestPayWatchPassesTheBodyOn: the wallet behind the watch reads the pay unchanged.
func TestPayWatchPassesTheBodyOn(t *testing.T) {
	t.Parallel()
	watch := NewPayWatch()
	var got []byte
	srv := httptest.NewServer(watch.Wrap(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		got, _ = io.ReadAll(r.Body)
	})))
	t.Cleanup(srv.Close)
	body := []byte(`{"paymentRequestId":"PR-1"}`)
	resp, err := srv.Client().Post(srv.URL+"/v1/payments/pay", "application/json", bytes.NewReader(body))
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, body, got)
	p, ok := watch.after(0)
	require.True(t, ok)
	assert.Equal(t, "/v1/payments/pay", p.path)
	assert.Equal(t, body, p.body)
}

// TestNotificationRefusalSignals: a merchant's refusal names its dialect only through a field
// the notification did not carry.
func TestNotificationRefusalSignals(t *testing.T) {
	t.Parallel()
	refused := func(msg string) []byte {
		b, _ := json.Marshal(map[string]any{"result": openapi.NewResult(openapi.ParamIllegal, msg)})
		return b
	}
	for _, tc := range []struct {
		name    string
		request string
		answer  []byte
		want    dialect.Signals
	}{
		{"partnerId missing", `{"paymentStatus":"SUCCESS"}`, refused("partnerId is missing"), dialect.Signals{PartnerID: dialect.Required}},
		{"partnerId sent and refused", `{"partnerId":"p","paymentStatus":"SUCCESS"}`, refused("unknown field partnerId"), dialect.Signals{}},
		{"paymentResult wanted", `{"paymentStatus":"SUCCESS"}`, refused("paymentResult is missing"), dialect.Signals{NotifyOutcome: dialect.OutcomePaymentResult}},
		{"paymentStatus wanted", `{"paymentResult":{}}`, refused("this notification reports the outcome in paymentResult; the kit dialect puts it in paymentStatus"),
			dialect.Signals{NotifyOutcome: dialect.OutcomePaymentStatus}},
		{"another reason", `{"paymentStatus":"SUCCESS"}`, refused("paymentAmount does not match the order"), dialect.Signals{}},
		{"accepted", `{"paymentStatus":"SUCCESS"}`, []byte(`{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"partnerId ignored"}}`), dialect.Signals{}},
	} {
		d := delivered{request: []byte(tc.request), status: http.StatusOK, answer: tc.answer}
		assert.Equal(t, tc.want, d.signals(), tc.name)
	}
}
