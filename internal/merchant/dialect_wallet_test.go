package merchant_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/merchant"
	"github.com/tradepaykit/tradepaykit/internal/wallet"
)

// walletMockHarness is the reference merchant against the kit's wallet mock, both speaking
// the preset: the end-to-end check that the two parties of one dialect understand each
// other. The merchant's product codes are the profile's (the kit's defaults, as a runner
// gives them today) or, with dialectCodes, the dialect's own.
func walletMockHarness(t *testing.T, name string, dialectCodes bool) (*harness, *wallet.Server, dialect.Dialect) {
	t.Helper()
	d := dialect.MustLookup(name)
	w, err := wallet.NewServer(wallet.Config{
		PrivateKey: fixtures.PrivateKey(fixtures.WalletPrivateKey),
		Merchants:  []wallet.Merchant{{ClientID: fixtures.ClientID, PublicKey: fixtures.PublicKey(fixtures.MerchantPublicKey), AppID: testAppID}},
		Profile:    fixtures.DefaultWalletProfile(),
		Dialect:    d,
	})
	require.NoError(t, err)
	require.NoError(t, w.Start("127.0.0.1:0"))
	t.Cleanup(func() { _ = w.Close() })

	profile := fixtures.DefaultWalletProfile()
	if dialectCodes {
		profile = fixtures.WalletProfile{}
	}
	m, err := merchant.NewServer(merchant.Config{
		WalletURL:       w.URL(),
		ClientID:        fixtures.ClientID,
		PrivateKey:      fixtures.PrivateKey(fixtures.MerchantPrivateKey),
		WalletPublicKey: fixtures.PublicKey(fixtures.WalletPublicKey),
		AppID:           testAppID,
		Profile:         profile,
		Dialect:         d,
	})
	require.NoError(t, err)
	require.NoError(t, m.Start("127.0.0.1:0"))
	t.Cleanup(func() { _ = m.Close() })
	return &harness{t: t, m: m, http: &http.Client{Timeout: 10 * time.Second}}, w, d
}

// tradePay plays the payer's my.tradePay on the wallet mock and returns its result code.
func tradePay(h *harness, w *wallet.Server, tradeNO, action string) string {
	h.t.Helper()
	resp, err := h.http.Post(w.URL()+"/conformance/tradePay", "application/json",
		strings.NewReader(`{"tradeNO":"`+tradeNO+`","action":"`+action+`"}`))
	require.NoError(h.t, err)
	defer resp.Body.Close()
	require.Equal(h.t, http.StatusOK, resp.StatusCode)
	var out struct {
		ResultCode string `json:"resultCode"`
	}
	require.NoError(h.t, json.NewDecoder(resp.Body).Decode(&out))
	return out.ResultCode
}

// settled confirms the tradePay result with the merchant and waits, under a deadline, for
// the order to reach want (a notification may settle it before or after the inquiry).
func settled(h *harness, orderID, want string) view {
	h.t.Helper()
	status, v := h.call(http.MethodPost, "/conformance/orders/"+orderID+"/tradePayResult", `{"resultCode":"9000"}`)
	require.Equal(h.t, http.StatusOK, status, v.Error)
	require.Eventually(h.t, func() bool {
		o, err := h.m.Order(orderID)
		return err == nil && string(o.Status) == want
	}, 10*time.Second, 5*time.Millisecond, "order %s never reached %s", orderID, want)
	return h.get(orderID)
}

// TestReferenceMerchantAgainstTheWalletMockInEveryDialect: a general payment paid, notified
// and refunded, and a pre-authorization authorized and captured (a second capture taken, or
// under a dialect of one capture refused with the order's totals unchanged), between the
// reference merchant and the wallet mock speaking the same preset, with the kit's product
// codes and with the dialect's (under v2, a pre-authorization without a code).
func TestReferenceMerchantAgainstTheWalletMockInEveryDialect(t *testing.T) {
	for _, name := range dialect.Presets() {
		for codes, dialectCodes := range map[string]bool{"profile codes": false, "dialect codes": true} {
			t.Run(name+"/"+codes, func(t *testing.T) {
				testAgainstTheWalletMock(t, name, dialectCodes)
			})
		}
	}
}

func testAgainstTheWalletMock(t *testing.T, name string, dialectCodes bool) {
	h, w, d := walletMockHarness(t, name, dialectCodes)

	general := h.create("tradeNO", "GENERAL", "1000")
	require.Equal(t, "9000", tradePay(h, w, general.TradeNO, "CONFIRM"))
	paid := settled(h, general.OrderID, "PAID")
	assert.Equal(t, usd("1000"), paid.PaidAmount)
	var notified []merchant.Notification
	require.Eventually(t, func() bool {
		o, err := h.m.Order(general.OrderID)
		notified = o.Notifications
		return err == nil && len(notified) > 0
	}, 10*time.Second, 5*time.Millisecond, "the wallet's SUCCESS notification reached the merchant and was accepted")
	assert.Equal(t, "SUCCESS", notified[0].PaymentStatus)
	status, refunded := h.call(http.MethodPost, "/conformance/orders/"+general.OrderID+"/refund", `{"amount":{"currency":"USD","value":"300"}}`)
	require.Equal(t, http.StatusOK, status, refunded.Error)
	assert.Equal(t, usd("300"), refunded.RefundedAmount)

	preAuth := h.create("tradeNO", "PREAUTH", "1000")
	require.Equal(t, "9000", tradePay(h, w, preAuth.TradeNO, "CONFIRM"))
	settled(h, preAuth.OrderID, "AUTHORIZED")
	status, captured := h.call(http.MethodPost, "/conformance/orders/"+preAuth.OrderID+"/capture", `{"amount":{"currency":"USD","value":"300"},"final":false}`)
	require.Equal(t, http.StatusOK, status, captured.Error)
	assert.Equal(t, usd("300"), captured.PaidAmount)

	status, second := h.call(http.MethodPost, "/conformance/orders/"+preAuth.OrderID+"/capture", `{"amount":{"currency":"USD","value":"200"}}`)
	if d.AllowsSecondCapture() {
		require.Equal(t, http.StatusOK, status, second.Error)
		assert.Equal(t, usd("500"), second.PaidAmount)
		return
	}
	assert.Equal(t, http.StatusConflict, status, "the wallet of one capture refuses the second")
	assert.NotEmpty(t, second.ResultCode, "the refusal is the wallet's: %s", second.Error)
	after := h.get(preAuth.OrderID)
	assert.Equal(t, "CAPTURED", after.Status)
	assert.Equal(t, usd("300"), after.PaidAmount)
}
