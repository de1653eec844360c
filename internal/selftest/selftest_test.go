package selftest_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/selftest"
	"github.com/tradepaykit/tradepaykit/internal/target"
)

// TestPartiesPayEachOther runs one payment through the started parties, over HTTP as steps do.
func TestPartiesPayEachOther(t *testing.T) {
	partiesPayEachOther(t, selftest.Options{})
}

// TestPartiesPayEachOtherInEveryDialect: both parties speak the dialect they are given.
func TestPartiesPayEachOtherInEveryDialect(t *testing.T) {
	for _, preset := range dialect.Presets() {
		t.Run(preset, func(t *testing.T) {
			d := dialect.MustLookup(preset)
			p := partiesPayEachOther(t, selftest.Options{Dialect: d})
			assert.Equal(t, d, p.Dialect)
			assert.Equal(t, p.Wallet.URL()+d.BasePath, p.WalletURL(), "the OpenAPI base carries the dialect's prefix")
			assert.Equal(t, d.ProductCodes.General, p.Profile.GeneralProductCode)
		})
	}
}

func partiesPayEachOther(t *testing.T, opts selftest.Options) *selftest.Parties {
	t.Helper()
	p, err := selftest.Start(opts)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, p.Close()) })

	ctx := context.Background()
	m, err := target.NewMerchant(target.Config{BaseURL: p.MerchantURL()})
	require.NoError(t, err)
	c, err := target.NewWalletControl(target.Config{BaseURL: p.ControlURL()})
	require.NoError(t, err)

	for _, flow := range []target.Flow{target.FlowTradeNO, target.FlowOrderStr, target.FlowPaymentURL} {
		o, err := m.CreateOrder(ctx, target.NewOrder{Flow: flow, Type: target.General, Amount: money.MustNew("USD", 1000), Title: "self-test"})
		require.NoError(t, err, flow)
		code, err := c.TradePay(ctx, o.Token(), target.Confirm, "")
		require.NoError(t, err, flow)
		assert.Equal(t, "9000", code, flow)
		o, err = m.TradePayResult(ctx, o.OrderID, code)
		require.NoError(t, err, flow)
		assert.Equal(t, target.OrderPaid, o.Status, flow)
	}

	// The clock is shared: moving it through the control moves the parties' business time.
	before := p.Clock.Now()
	_, err = c.AdvanceClock(ctx, time.Hour)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, p.Clock.Now().Sub(before), time.Hour)
	return p
}

func TestStartFailsCleanly(t *testing.T) {
	_, err := selftest.Start(selftest.Options{Addr: "256.0.0.1:0"})
	assert.Error(t, err)
}
