package dialect_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/dialect"
)

func TestPathFor(t *testing.T) {
	for _, tc := range []struct {
		preset string
		api    dialect.API
		want   string
	}{
		{"kit", dialect.Pay, "/v1/payments/pay"},
		{"kit", dialect.Refund, "/v1/payments/refund"},
		{"kit", dialect.NotifyPayment, "/v1/payments/notifyPayment"},
		{"v1-alipay", dialect.Refund, "/v1/payments/refundApply"},
		{"v1-alipay", dialect.InquiryRefund, "/v1/payments/inquiryRefund"},
		{"v1-tng", dialect.Pay, "/acl/api/v1/payments/pay"},
		{"v1-tng", dialect.Refund, "/acl/api/v1/payments/refundApply"},
		{"v1-qi", dialect.Capture, "/v1/payments/capture"},
		{"v2", dialect.Pay, "/v2/payments/pay"},
		{"v2", dialect.Refund, "/v2/payments/refund"},
		{"v2", dialect.Cancel, "/v2/payments/cancel"},
	} {
		assert.Equal(t, tc.want, dialect.MustLookup(tc.preset).PathFor(tc.api), "%s %s", tc.preset, tc.api)
	}
}

// TestAPIOfRoundTrips: every operation's path names that operation again, in every preset.
func TestAPIOfRoundTrips(t *testing.T) {
	for _, name := range dialect.Presets() {
		d := dialect.MustLookup(name)
		for _, api := range dialect.APIs {
			got, err := d.APIOf(d.PathFor(api))
			require.NoError(t, err, "%s %s", name, api)
			assert.Equal(t, api, got, "%s %s", name, api)
		}
	}
}

func TestAPIOf(t *testing.T) {
	tng := dialect.MustLookup("v1-tng")
	api, err := tng.APIOf("/v1/payments/pay")
	require.NoError(t, err, "a receiver tolerates a gateway that strips the prefix")
	assert.Equal(t, dialect.Pay, api)

	for _, tc := range []struct {
		preset, path, msg string
		version           string
		refund            dialect.RefundAPIName
	}{
		{"kit", "/v2/payments/pay", "/v2/payments/pay is a v2 path; the kit dialect serves /v1/payments/*", "v2", ""},
		{"v2", "/v1/payments/pay", "/v1/payments/pay is a v1 path; the v2 dialect serves /v2/payments/*", "v1", ""},
		{"v1-tng", "/acl/api/v2/payments/pay", "is a v2 path; the v1-tng dialect serves /acl/api/v1/payments/*", "v2", ""},
		{"v1-alipay", "/v1/payments/refund", "/v1/payments/refund calls the refund API refund; the v1-alipay dialect names it refundApply", "", dialect.RefundAPIRefund},
		{"kit", "/v1/payments/refundApply", "calls the refund API refundApply; the kit dialect names it refund", "", dialect.RefundAPIRefundApply},
		{"kit", "/v1/payments/notAnAPI", "/v1/payments/notAnAPI is not an operation of the kit dialect (/v1/payments/{apiName})", "", ""},
		{"kit", "/v3/payments/pay", "is not an operation of the kit dialect", "", ""},
		{"kit", "/v1/pay", "is not an operation", "", ""},
		{"kit", "/v1/payments/pay/extra", "is not an operation", "", ""},
		{"kit", "v1/payments/pay", "is not an operation", "", ""},
		{"kit", "", "is not an operation", "", ""},
		{"v1-tng", "/acl/v1/payments/pay", "is not an operation", "", ""},
	} {
		_, err := dialect.MustLookup(tc.preset).APIOf(tc.path)
		require.Error(t, err, "%s %q", tc.preset, tc.path)
		assert.Contains(t, err.Error(), tc.msg)
		var pe *dialect.PathError
		require.True(t, errors.As(err, &pe))
		assert.Equal(t, tc.version, pe.Version, "%s %q", tc.preset, tc.path)
		assert.Equal(t, tc.refund, pe.RefundAPI, "%s %q", tc.preset, tc.path)
	}
}

func TestSignedPaths(t *testing.T) {
	tng := dialect.MustLookup("v1-tng")
	assert.Equal(t, []string{"/acl/api/v1/payments/pay", "/v1/payments/pay"}, tng.SignedPaths("/acl/api/v1/payments/pay"))
	assert.Equal(t, []string{"/v1/payments/pay"}, tng.SignedPaths("/v1/payments/pay"))
	assert.Equal(t, []string{"/v1/payments/pay"}, dialect.MustLookup("kit").SignedPaths("/v1/payments/pay"))
}

// TestQuestions: each question answers from its switch in every preset.
func TestQuestions(t *testing.T) {
	type answers struct {
		partnerCarried, partnerRequired, paymentResult, createTime, orderDescription, appID, productCode,
		refundByRequestID, secondCapture, secondRefund, integer, ecc, authSuccess, failAtDeadline, afterCapture bool
	}
	want := map[string]answers{
		"kit":       {false, false, false, false, false, false, true, false, true, true, false, false, true, true, false},
		"v1-alipay": {true, true, false, false, false, false, false, false, true, true, false, false, false, false, false},
		"v1-tng":    {false, false, true, false, false, false, false, false, true, true, false, false, false, false, false},
		"v1-qi":     {false, false, false, false, false, false, true, false, false, true, false, false, false, false, false},
		"v2":        {false, false, true, true, true, true, false, true, true, true, true, false, false, false, false},
	}
	for _, name := range dialect.Presets() {
		d := dialect.MustLookup(name)
		got := answers{d.CarriesPartnerID(), d.RequiresPartnerID(), d.NotifiesWithPaymentResult(), d.RequiresPaymentCreateTime(),
			d.TitleInOrderDescription(), d.RequiresAppID(), d.RequiresProductCode(), d.RefundAcceptsPaymentRequestID(),
			d.AllowsSecondCapture(), d.AllowsSecondPartialRefund(), d.AcceptsIntegerAmount(), d.AcceptsAlgorithm("ECC224"),
			d.NotifiesAuthSuccess(), d.NotifiesFailAtDeadline(), d.NotifiesAfterCapture()}
		assert.Equal(t, want[name], got, name)
		assert.True(t, d.AcceptsAlgorithm("rsa256"), "%s: the algorithm is case-insensitive", name)
		assert.False(t, d.AcceptsAlgorithm("RSA"), name)
	}
	assert.Equal(t, []string{"v1-tng", "v2"}, dialect.PresetsWhere(dialect.Dialect.NotifiesWithPaymentResult))
	assert.Equal(t, []string{"v1-alipay"}, dialect.PresetsWhere(dialect.Dialect.RequiresPartnerID))
}

func TestGuessPreset(t *testing.T) {
	for _, tc := range []struct {
		name  string
		s     dialect.Signals
		want  []string
		exact bool
		line  string
	}{
		{"nothing seen", dialect.Signals{}, nil, false, "no preset matches what the target did"},
		{"/v1 unknown, /v2 answers", dialect.Signals{PathVersion: "v2"}, []string{"v2"}, true, "likely v2 (paths under /v2)"},
		{"partnerId refused as missing", dialect.Signals{PartnerID: dialect.Required}, []string{"v1-alipay"}, true, "likely v1-alipay (requires partnerId)"},
		{"paymentResult notification", dialect.Signals{NotifyOutcome: dialect.OutcomePaymentResult}, []string{"v1-tng", "v2"}, true,
			"likely v1-tng or v2 (paymentResult notifications)"},
		{"paymentResult on v1", dialect.Signals{NotifyOutcome: dialect.OutcomePaymentResult, PathVersion: "v1"}, []string{"v1-tng"}, true, ""},
		{"paymentStatus with partnerId", dialect.Signals{NotifyOutcome: dialect.OutcomePaymentStatus, PartnerID: dialect.Required}, []string{"v1-alipay"}, true, ""},
		{"paymentStatus without partnerId", dialect.Signals{NotifyOutcome: dialect.OutcomePaymentStatus, PartnerID: dialect.Absent}, []string{"kit", "v1-qi"}, true, ""},
		{"refundApply answers", dialect.Signals{RefundAPI: dialect.RefundAPIRefundApply}, []string{"v1-alipay", "v1-tng", "v1-qi"}, true, ""},
		{"asks for order.orderDescription", dialect.Signals{OrderTitle: dialect.TitleOrderDescription}, []string{"v2"}, true, ""},
		{"requires appId", dialect.Signals{AppID: dialect.Required}, []string{"v2"}, true, "likely v2 (requires appId)"},
		{"contradictory", dialect.Signals{PathVersion: "v2", PartnerID: dialect.Required}, []string{"v1-alipay", "v2"}, false,
			"likely closest v1-alipay or v2 (paths under /v2; requires partnerId)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := dialect.GuessPreset(tc.s)
			assert.Equal(t, tc.want, g.Presets)
			assert.Equal(t, tc.exact, g.Exact)
			if tc.line != "" {
				assert.Equal(t, tc.line, g.String())
			}
		})
	}
}
