package steps

import (
	"context"
	"strings"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/orderstr"
	"github.com/tradepaykit/tradepaykit/internal/target"
)

// The orderStr a merchant signs for my.tradePay (PROTOCOL.md, "orderStr"; seed 000 steps
// 1.1.1-1.1.2.1), checked as the wallet would check it, altered as an attacker would, or
// built by the kit itself when a scenario needs one the merchant would not make.
func registerOrderStrSteps(sc stepScope) {
	sc.Step(sc.pattern(`^the orderStr is signed by the merchant for "([^"]*)"$`), func(ctx context.Context, amount string) error {
		t := checks(ctx)
		o, want := merchantOrderStr(ctx, amount)
		checkMerchantSign(ctx, o)
		assert.Equal(t, orderstr.General, o.Kind, "the orderStr's payment type")
		assert.Equal(t, want, o.Amount, "the orderStr's total_amount and trans_currency")
		assert.NotEmpty(t, o.OutTradeNo, "the orderStr's out_trade_no")
		return nil
	})
	sc.Step(sc.pattern(`^the orderStr's amount is changed to "([^"]*)" without signing it again$`), func(ctx context.Context, amount string) error {
		w, t := world(ctx), checks(ctx)
		o, to := merchantOrderStr(ctx, amount)
		require.Equal(t, o.Amount.Currency, to.Currency, "the scenario changes the amount, not the currency")
		// Replace the value in place: everything else in the signed content stays as the
		// merchant wrote it, so only the amount breaks the signature.
		biz := o.Params[orderstr.KeyBizContent]
		from := `"total_amount":"` + o.Amount.Decimal() + `"`
		require.Contains(t, biz, from, "biz_content of the merchant's orderStr")
		p := o.Params.Clone()
		p[orderstr.KeyBizContent] = strings.Replace(biz, from, `"total_amount":"`+to.Decimal()+`"`, 1)
		s, err := orderstr.Encode(p)
		require.NoError(t, err)
		w.token = target.Token{OrderStr: s}
		return nil
	})
	sc.Step(sc.pattern(`^the kit has signed an orderStr for "([^"]*)" under an unknown app id$`), func(ctx context.Context, amount string) error {
		kitOrderStr(ctx, amount, newID("unknown-app-"), 0)
		return nil
	})
	sc.Step(sc.pattern(`^the kit has signed an orderStr for "([^"]*)" that expires in (\d+) minutes$`), func(ctx context.Context, amount string, minutes int) error {
		kitOrderStr(ctx, amount, world(ctx).targets.AppID, time.Duration(minutes)*time.Minute)
		return nil
	})
	sc.Step(sc.pattern(`^the kit has signed an orderStr for "([^"]*)" whose one-minute pay_timeout is waited for in real time$`), func(ctx context.Context, amount string) error {
		if err := realTimePayTimeout(ctx); err != nil {
			return err
		}
		kitOrderStr(ctx, amount, world(ctx).targets.AppID, time.Minute)
		return nil
	})
}

// merchantOrderStr decodes the scenario's orderStr, as the merchant made it, and parses the
// amount a step names.
func merchantOrderStr(ctx context.Context, amount string) (*orderstr.Order, money.Amount) {
	w, t := world(ctx), checks(ctx)
	require.NotEmpty(t, w.token.OrderStr, "no orderStr in this scenario")
	a, err := parseAmount(amount)
	require.NoError(t, err)
	o, err := orderstr.Decode(w.token.OrderStr)
	require.NoError(t, err, "decoding the merchant's orderStr")
	return o, a
}

// checkMerchantSign checks an orderStr's sign with the merchant's public key, as the wallet
// would.
func checkMerchantSign(ctx context.Context, o *orderstr.Order) {
	w, t := world(ctx), checks(ctx)
	require.NotNil(t, w.targets.MerchantPublicKey, "the kit has no public key of the merchant")
	assert.NoError(t, orderstr.Verify(o.Params, w.targets.MerchantPublicKey), "the orderStr's sign")
	// timestamp is GMT+8 (PROTOCOL.md, "orderStr"); more than an hour from the current
	// GMT+8 time is a zone or clock mistake (a timestamp written in UTC is 8 hours off).
	now := w.walletNow(ctx)
	if d := o.Timestamp.Sub(now); d > orderStrTimestampSlack || d < -orderStrTimestampSlack {
		assert.Failf(t, "the orderStr's timestamp is not the current GMT+8 time",
			"timestamp %q read in GMT+8 is %s from now (%s in GMT+8); more than %s away",
			o.Params[orderstr.KeyTimestamp], d.Round(time.Second), orderstr.FormatTimestamp(now), orderStrTimestampSlack)
	}
}

// orderStrTimestampSlack is how far from the current GMT+8 time an orderStr's timestamp may be.
const orderStrTimestampSlack = time.Hour

// kitOrderStrAmount parses the amount of an orderStr the kit signs as the merchant of appID,
// and checks that the kit can sign one the wallet maps to a merchant.
func kitOrderStrAmount(ctx context.Context, amount, appID string) money.Amount {
	w, t := world(ctx), checks(ctx)
	a, err := parseAmount(amount)
	require.NoError(t, err)
	require.NotNil(t, w.targets.MerchantKey, "no merchant private key: the kit cannot sign an orderStr")
	require.NotEmpty(t, appID, "no app id for orderStrs: the wallet cannot map an orderStr to a merchant")
	return a
}

// kitSign signs the orderStr parameters p with the merchant's key and encodes them.
func kitSign(ctx context.Context, p orderstr.Params) string {
	w, t := world(ctx), checks(ctx)
	p, err := orderstr.Sign(p, w.targets.MerchantKey)
	require.NoError(t, err)
	s, err := orderstr.Encode(p)
	require.NoError(t, err)
	return s
}

// kitOrderStr builds and signs a general orderStr as the kit's merchant. With no notify_url
// the wallet notifies the merchant's registered URL, which does not know the order and says
// so: the scenarios that use it check the wallet only.
func kitOrderStr(ctx context.Context, amount, appID string, timeout time.Duration) {
	w, t := world(ctx), checks(ctx)
	a := kitOrderStrAmount(ctx, amount, appID)
	w.paymentRequestID = newID("kit-ots-")
	p, err := orderstr.NewGeneral(orderstr.GeneralOrder{
		AppID:      appID,
		OutTradeNo: w.paymentRequestID,
		Subject:    orderTitle,
		Amount:     a,
		PayTimeout: timeout,
	}, time.Now())
	require.NoError(t, err)
	w.token = target.Token{OrderStr: kitSign(ctx, p)}
	w.orderAmount, w.orderTitle = a, orderTitle
}
