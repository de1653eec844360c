package dialect_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tradepaykit/tradepaykit/internal/dialect"
)

// TestContradicts: what a probe saw stops a run only where the profile's dialect rules it
// out; a message carrying partnerId contradicts no dialect (a reader tolerates it).
func TestContradicts(t *testing.T) {
	for _, tc := range []struct {
		name    string
		profile string
		s       dialect.Signals
		want    []string
	}{
		{"nothing seen", "kit", dialect.Signals{}, nil},
		{"the profile's own shape", "v2", dialect.Signals{PathVersion: "v2", NotifyOutcome: dialect.OutcomePaymentResult, PartnerID: dialect.Absent, OrderTitle: dialect.TitleOrderDescription}, nil},
		{"/v2 under a v1 profile", "kit", dialect.Signals{PathVersion: "v2"}, []string{"paths under /v2"}},
		{"another prefix", "kit", dialect.Signals{PathVersion: "v1", BasePath: "/acl/api"}, []string{"paths under /acl/api"}},
		{"the profile's prefix", "v1-tng", dialect.Signals{PathVersion: "v1", BasePath: "/acl/api"}, nil},
		{"no prefix under v1-tng", "v1-tng", dialect.Signals{PathVersion: "v1", BasePath: "/"}, []string{"no URL prefix"}},
		{"no prefix under kit", "kit", dialect.Signals{PathVersion: "v1", BasePath: "/"}, nil},
		{"refundApply under kit", "kit", dialect.Signals{RefundAPI: dialect.RefundAPIRefundApply}, []string{"the refund API refundApply"}},
		{"partnerId required under kit", "kit", dialect.Signals{PartnerID: dialect.Required}, []string{"requires partnerId"}},
		{"partnerId required under v1-alipay", "v1-alipay", dialect.Signals{PartnerID: dialect.Required}, nil},
		{"partnerId carried under v2", "v2", dialect.Signals{PartnerID: dialect.Optional}, nil},
		{"partnerId carried under kit", "kit", dialect.Signals{PartnerID: dialect.Optional}, nil},
		{"no partnerId under v1-alipay", "v1-alipay", dialect.Signals{PartnerID: dialect.Absent}, []string{"carries no partnerId"}},
		{"paymentResult under kit", "kit", dialect.Signals{PathVersion: "v1", NotifyOutcome: dialect.OutcomePaymentResult}, []string{"paymentResult notifications"}},
		{"paymentStatus under v2", "v2", dialect.Signals{NotifyOutcome: dialect.OutcomePaymentStatus}, []string{"paymentStatus notifications"}},
		{"v1 title under v2", "v2", dialect.Signals{PathVersion: "v1", OrderTitle: dialect.TitlePaymentOrderTitle},
			[]string{"paths under /v1", "the order title in paymentOrderTitle"}},
		{"appId required under kit", "kit", dialect.Signals{AppID: dialect.Required}, []string{"requires appId"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, dialect.MustLookup(tc.profile).Contradicts(tc.s))
		})
	}
	d := dialect.MustLookup("kit")
	assert.NoError(t, d.Override([]byte(`{"notifyOutcome":"paymentResult","notifications":{"authSuccess":false}}`)))
	assert.Empty(t, d.Contradicts(dialect.Signals{NotifyOutcome: dialect.OutcomePaymentResult}), "an override is the profile's dialect too")
}

// TestGuessNewSignals: a prefix and a partnerId carried point to the presets that have them.
func TestGuessNewSignals(t *testing.T) {
	g := dialect.GuessPreset(dialect.Signals{PathVersion: "v1", BasePath: "/acl/api"})
	assert.Equal(t, []string{"v1-tng"}, g.Presets)
	assert.Equal(t, "likely v1-tng (paths under /v1; paths under /acl/api)", g.String())
	g = dialect.GuessPreset(dialect.Signals{NotifyOutcome: dialect.OutcomePaymentStatus, PartnerID: dialect.Optional})
	assert.Equal(t, []string{"kit", "v1-alipay"}, g.Presets, "a sender that writes partnerId")
	assert.True(t, g.Exact)
}
