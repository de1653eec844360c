package openapi_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// TestSignalsOfPay: a pay written by any preset's sender points back to that preset, and
// what a pay carries is read without judging it.
func TestSignalsOfPay(t *testing.T) {
	for _, name := range dialect.Presets() {
		d := preset(name)
		b, err := openapi.EncodePay(d, payOf(d))
		require.NoError(t, err)
		s := openapi.SignalsOfPay(b)
		s.PathVersion = d.PathVersion
		assert.Empty(t, d.Contradicts(s), name)
		assert.Contains(t, dialect.GuessPreset(s).Presets, name)
	}
	for _, tc := range []struct {
		name, body string
		want       dialect.Signals
	}{
		{"v1 title", `{"paymentOrderTitle":"t"}`, dialect.Signals{PartnerID: dialect.Absent, OrderTitle: dialect.TitlePaymentOrderTitle}},
		{"v2 title", `{"order":{"orderDescription":"t"}}`, dialect.Signals{PartnerID: dialect.Absent, OrderTitle: dialect.TitleOrderDescription}},
		{"both titles", `{"paymentOrderTitle":"t","order":{"orderDescription":"t"}}`, dialect.Signals{PartnerID: dialect.Absent}},
		{"partnerId", `{"partnerId":"p","paymentOrderTitle":"t"}`, dialect.Signals{PartnerID: dialect.Optional, OrderTitle: dialect.TitlePaymentOrderTitle}},
		{"not JSON", `<html>`, dialect.Signals{}},
		{"null", `null`, dialect.Signals{}},
		{"a title of the wrong type", `{"paymentOrderTitle":1}`, dialect.Signals{}},
	} {
		assert.Equal(t, tc.want, openapi.SignalsOfPay([]byte(tc.body)), tc.name)
	}
}
