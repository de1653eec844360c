package merchant_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/merchant"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// payField is what the merchant's pay put in a top-level field: its value, or "absent".
func payField(h *harness, field string) string {
	h.t.Helper()
	calls := h.wallet.received("pay")
	require.NotEmpty(h.t, calls)
	v, ok := calls[0].Body[field]
	if !ok {
		return "absent"
	}
	return fmt.Sprint(v)
}

// TestDialectDefectsShowUnderTheirPreset: each dialect defect, under the preset its catalog
// entry names, changes what the merchant sends or how it reads a notification; the correct
// merchant of that preset does not.
func TestDialectDefectsShowUnderTheirPreset(t *testing.T) {
	presets := map[merchant.Defect]string{}
	for _, d := range merchant.Defects() {
		presets[d.Name] = d.Preset
	}
	for _, tc := range []struct {
		defect             merchant.Defect
		check              func(t *testing.T, h *harness, d dialect.Dialect) string
		correct, defective string
	}{
		{merchant.DefectPayWithoutPartnerID, func(t *testing.T, h *harness, d dialect.Dialect) string {
			v := pendingOrder(h, "GENERAL")
			h.wallet.answer("inquiryPayment", inquiry("P1", "SUCCESS", "1000"))
			status, got := h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/tradePayResult", `{"resultCode":"9000"}`)
			require.Equal(t, http.StatusOK, status, got.Error)
			q := h.wallet.received("inquiryPayment")
			require.Len(t, q, 1)
			return "pay " + payField(h, "partnerId") + ", inquiry " + fmt.Sprint(q[0].Body["partnerId"])
		}, "pay " + dialect.DefaultPartnerID + ", inquiry " + dialect.DefaultPartnerID, "pay absent, inquiry <nil>"},
		{merchant.DefectPayWithoutAppID, func(t *testing.T, h *harness, d dialect.Dialect) string {
			pendingOrder(h, "GENERAL")
			return payField(h, "appId")
		}, testAppID, "absent"},
		{merchant.DefectTitleInV1Field, func(t *testing.T, h *harness, d dialect.Dialect) string {
			pendingOrder(h, "GENERAL")
			return "paymentOrderTitle " + payField(h, "paymentOrderTitle") + ", order " + payField(h, "order")
		}, "paymentOrderTitle absent, order map[orderDescription:Charging session]", "paymentOrderTitle Charging session, order absent"},
		{merchant.DefectPayWithoutCode, func(t *testing.T, h *harness, d dialect.Dialect) string {
			pendingOrder(h, "GENERAL")
			return payField(h, "productCode")
		}, dialect.MustLookup("v1-qi").ProductCodeFor(false), "absent"},
		{merchant.DefectRefundUnderV2Name, func(t *testing.T, h *harness, d dialect.Dialect) string {
			v := pendingOrder(h, "GENERAL")
			a := h.notify(notificationIn(t, d, "P1", v.PaymentRequestID, openapi.PaymentSuccess, "1000"))
			require.Equal(t, "S", a.Result.ResultStatus, a.Result.ResultMessage)
			for _, api := range []string{"refund", "refundApply"} {
				h.wallet.answer(api, result("SUCCESS", "S")+`,"refundId":"F1"}`)
			}
			status, got := h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/refund", `{"amount":{"currency":"USD","value":"100"}}`)
			require.Equal(t, http.StatusOK, status, got.Error)
			var paths []string
			for _, c := range h.wallet.received("") {
				if c.API == "refund" || c.API == "refundApply" {
					paths = append(paths, c.Path)
				}
			}
			return fmt.Sprint(paths)
		}, "[/v1/payments/refundApply]", "[/v1/payments/refund]"},
		{merchant.DefectPrefixLeftOut, func(t *testing.T, h *harness, d dialect.Dialect) string {
			pendingOrder(h, "GENERAL")
			return h.wallet.received("pay")[0].Path
		}, "/acl/api/v1/payments/pay", "/v1/payments/pay"},
		{merchant.DefectNotifyStatusOnly, func(t *testing.T, h *harness, d dialect.Dialect) string {
			v := pendingOrder(h, "GENERAL")
			a := h.notify(notificationIn(t, d, "P1", v.PaymentRequestID, openapi.PaymentFail, "1000"))
			return a.Result.ResultStatus + " " + h.get(v.OrderID).Status
		}, "S FAILED", "S PAID"},
	} {
		t.Run(string(tc.defect), func(t *testing.T) {
			preset := presets[tc.defect]
			require.NotEmpty(t, preset, "%s names the preset it shows under", tc.defect)
			for _, run := range []struct {
				defects []merchant.Defect
				want    string
			}{{nil, tc.correct}, {[]merchant.Defect{tc.defect}, tc.defective}} {
				h, d := dialectHarness(t, preset, func(c *merchant.Config) { c.Defects = run.defects })
				assert.Equal(t, run.want, tc.check(t, h, d), "merchant with %v under %s", run.defects, preset)
			}
		})
	}
}

// TestDialectDefectsCatalog: every dialect defect names a preset the kit knows, other than
// the kit's own, and there are at least 6 (issue 18).
func TestDialectDefectsCatalog(t *testing.T) {
	n := 0
	for _, d := range merchant.Defects() {
		if d.Preset == "" {
			continue
		}
		n++
		_, err := dialect.Lookup(d.Preset)
		assert.NoError(t, err, "preset of %s", d.Name)
		assert.NotEqual(t, dialect.Default, d.Preset, "%s: a defect of the kit preset shows under every preset", d.Name)
	}
	assert.GreaterOrEqual(t, n, 6, "dialect defects in the merchant's catalog")
}
