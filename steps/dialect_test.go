package steps

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/target"
)

// dialectWorld is a scenario's World against a target speaking preset, with an order the
// kit knows, and the context a step gets.
func dialectWorld(t *testing.T, preset string) (*World, context.Context) {
	t.Helper()
	d, err := dialect.Lookup(preset)
	require.NoError(t, err)
	tg := Targets{Dialect: d, AppID: "2026TESTAPP0001", QuietChecks: true, Profile: fixtures.DefaultWalletProfile()}.withDefaults()
	w := &World{targets: tg, paymentID: "pay-1", paymentRequestID: "req-1",
		order: &target.Order{OrderID: "o-1", PaymentRequestID: "req-1", Amount: money.MustNew("USD", 1000)}}
	return w, context.WithValue(context.Background(), worldKey{}, w)
}

// The kit's own requests and notifications are well formed in every dialect: the dialect's
// strict reader takes them.
func TestWhatTheKitSendsIsInTheTargetsDialect(t *testing.T) {
	for _, preset := range dialect.Presets() {
		w, ctx := dialectWorld(t, preset)
		d := w.dialect()
		raw, err := json.Marshal(payBody(w, openapi.Amount{Currency: "USD", Value: "1000"}))
		require.NoError(t, err)
		pay, err := openapi.DecodePay(d, raw)
		require.NoError(t, err, "%s: %s", preset, raw)
		assert.Equal(t, orderTitle, pay.PaymentOrderTitle, preset)
		assert.Equal(t, d.TitleInOrderDescription(), !strings.Contains(string(raw), "paymentOrderTitle"), "%s: %s", preset, raw)
		if d.CarriesPartnerID() {
			assert.Equal(t, dialect.DefaultPartnerID, pay.PartnerID, preset)
		} else {
			assert.NotContains(t, string(raw), "partnerId", preset)
		}

		for _, status := range []string{openapi.PaymentSuccess, openapi.PaymentFail} {
			raw := mustJSON(ctx, w.notificationBody(ctx, status))
			n, err := openapi.DecodeNotifyPayment(d, raw)
			require.NoError(t, err, "%s: %s", preset, raw)
			assert.Equal(t, status, n.PaymentStatus, "%s: %s", preset, raw)
			assert.Equal(t, d.NotifiesWithPaymentResult(), strings.Contains(string(raw), "paymentResult"), "%s: %s", preset, raw)
			assert.Equal(t, !d.NotifiesWithPaymentResult(), strings.Contains(string(raw), "paymentStatus"), "%s: %s", preset, raw)
		}
		if d.NotifiesWithPaymentResult() {
			assert.NotEmpty(t, w.notifiable(openapi.PaymentAuthSuccess), preset)
		} else {
			assert.Empty(t, w.notifiable(openapi.PaymentAuthSuccess), preset)
		}
	}
}

// A bad-input scenario checks the field the dialect has: the defect, rewritten for the
// dialect, is refused by the dialect's reader naming the field, or the dialect rules it out.
// No defect may become harmless because the field it breaks is absent.
func TestBadInputIsAboutTheDialectsFields(t *testing.T) {
	pay := map[string]string{
		"no paymentOrderTitle":               "paymentOrderTitle",
		"paymentOrderTitle = 257 characters": "paymentOrderTitle",
		"no productCode":                     "productCode",
		"paymentAmount.value = number 1000":  "paymentAmount.value",
		"no paymentRequestId":                "paymentRequestId",
		"paymentAmount.value = -100":         "paymentAmount.value",
	}
	notification := map[string]string{
		"no paymentStatus":                  "paymentStatus",
		"paymentStatus = PAID":              "paymentStatus",
		"paymentStatus = number 1":          "paymentStatus",
		"no paymentId":                      "paymentId",
		"paymentAmount.value = number 1000": "paymentAmount.value",
	}
	notApplicable := map[string][]string{}
	for _, preset := range dialect.Presets() {
		w, ctx := dialectWorld(t, preset)
		d := w.dialect()
		for defect, field := range pay {
			rewritten, why := payDefect(d, defect)
			if why != "" {
				notApplicable[preset] = append(notApplicable[preset], "pay "+defect)
				continue
			}
			raw, err := applyDefect(mustMap(t, payBody(w, openapi.Amount{Currency: "USD", Value: "1000"})), rewritten)
			require.NoError(t, err, "%s: pay with %q", preset, rewritten)
			_, err = openapi.DecodePay(d, raw)
			require.Error(t, err, "%s: pay with %q is taken: %s", preset, rewritten, raw)
			assert.Contains(t, err.Error(), wireField(d, field), "%s: pay with %q", preset, rewritten)
		}
		for defect, field := range notification {
			rewritten, why := notificationDefect(d, defect)
			if why != "" {
				notApplicable[preset] = append(notApplicable[preset], "notification "+defect)
				continue
			}
			raw, err := applyDefect(mustMap(t, w.notificationBody(ctx, openapi.PaymentSuccess)), rewritten)
			require.NoError(t, err, "%s: a notification with %q", preset, rewritten)
			_, err = openapi.DecodeNotifyPaymentOutcome(d, raw)
			require.Error(t, err, "%s: a notification with %q is taken: %s", preset, rewritten, raw)
			assert.Contains(t, err.Error(), wireField(d, field), "%s: a notification with %q", preset, rewritten)
		}
	}
	assert.Empty(t, notApplicable["kit"], "the kit preset rules out nothing it checked before")
	assert.ElementsMatch(t, []string{"pay no productCode"}, notApplicable["v1-alipay"])
	assert.ElementsMatch(t, []string{"pay no productCode", "pay paymentAmount.value = number 1000", "notification paymentAmount.value = number 1000"}, notApplicable["v2"])
	assert.Empty(t, amountDefect(dialect.MustLookup("kit"), "refundAmount.value = number 400"))
	assert.NotEmpty(t, amountDefect(dialect.MustLookup("v2"), "captureAmount.value = number 400"))
	assert.Empty(t, amountDefect(dialect.MustLookup("v2"), "captureAmount.value = 4.00"))
}

func mustMap(t *testing.T, v any) map[string]any {
	t.Helper()
	m, err := jsonMap(v)
	require.NoError(t, err)
	return m
}

func TestIntegerDefects(t *testing.T) {
	for defect, want := range map[string]bool{
		"paymentAmount.value = number 1000": true,
		"refundAmount.value = number 400":   true,
		"paymentAmount.value = number 10.5": false,
		"paymentAmount.value = number -1":   false,
		"paymentStatus = number 1":          false,
		"paymentAmount.value = 1000":        false,
	} {
		assert.Equal(t, want, isIntegerDefect(defect), defect)
	}
	assert.Equal(t, "no order.orderDescription", renamePath("no paymentOrderTitle", "paymentOrderTitle", "order.orderDescription"))
	assert.Equal(t, "order.orderDescription = 257 characters", renamePath("paymentOrderTitle = 257 characters", "paymentOrderTitle", "order.orderDescription"))
	assert.Equal(t, "paymentOrderTitles = x", renamePath("paymentOrderTitles = x", "paymentOrderTitle", "order.orderDescription"))
	assert.Equal(t, "no productCode", renamePath("no productCode", "paymentOrderTitle", "order.orderDescription"))
}

// What a second capture or refund must be: the dialect rules where it says one or several;
// where it leaves it open, the profile declares, as before dialects.
func TestSecondOperationsFollowTheDialectThenTheProfile(t *testing.T) {
	w, _ := dialectWorld(t, "kit")
	for _, decl := range []string{"", fixtures.CapturesOne, fixtures.CapturesSeveral, fixtures.EitherMultiplicity} {
		w.targets.Profile.Captures, w.targets.Profile.PartialRefunds = decl, decl
		for _, what := range []string{"captures", "refunds"} {
			got, byDialect := declaredMultiplicity(w, what)
			assert.Equal(t, decl, got, "kit, profile %q, %s", decl, what)
			assert.False(t, byDialect)
		}
	}
	w.targets.Profile.Captures = fixtures.CapturesOne
	assert.Equal(t, "not applicable: the wallet's profile declares one capture per payment (it refused the second one, ORDER_IS_CLOSED, and changed nothing)",
		singleReason(w, "captures", false, openapi.OrderIsClosed), "the kit's reason is unchanged")

	qi, _ := dialectWorld(t, "v1-qi")
	qi.targets.Profile.Captures = fixtures.CapturesSeveral
	got, byDialect := declaredMultiplicity(qi, "captures")
	assert.Equal(t, fixtures.CapturesOne, got)
	assert.True(t, byDialect)
	assert.Equal(t, "not applicable under v1-qi: the dialect allows one capture per authorization (the wallet refused the second one, ORDER_IS_CLOSED, and changed nothing)",
		singleReason(qi, "captures", true, openapi.OrderIsClosed))
	got, byDialect = declaredMultiplicity(qi, "refunds")
	assert.Equal(t, "", got, "v1-qi leaves partial refunds open")
	assert.False(t, byDialect)

	v2, _ := dialectWorld(t, "v2")
	got, _ = declaredMultiplicity(v2, "captures")
	assert.Equal(t, fixtures.CapturesSeveral, got)
}

// A notification the dialect's wallets do not send is at most not declared; the kit's
// declarations stand under the kit preset.
func TestDeclaredNotificationsAreCappedByTheDialect(t *testing.T) {
	kit, _ := dialectWorld(t, "kit")
	kit.targets.Profile = kit.targets.Profile.WithKitDeclarations()
	assert.Equal(t, fixtures.KitNotifications(), kit.declaredNotifications())
	kit.targets.Profile.Notifications = fixtures.Notifications{}
	assert.Equal(t, fixtures.Notifications{}, kit.declaredNotifications(), "nothing declared stays nothing declared")

	v2, _ := dialectWorld(t, "v2")
	v2.targets.Profile = v2.targets.Profile.WithKitDeclarations()
	no := false
	assert.Equal(t, fixtures.Notifications{AfterCapture: &no}, v2.declaredNotifications())
}

// Under one capture per authorization the capture closes it; a deadline's FAIL is expected as
// declared, or as the dialect's wallets send it.
func TestOneCaptureAndDeadlineNotifications(t *testing.T) {
	kit, _ := dialectWorld(t, "kit")
	qi, _ := dialectWorld(t, "v1-qi")
	assert.False(t, kit.oneCaptureCloses())
	assert.True(t, qi.oneCaptureCloses())

	assert.True(t, kit.notifiesFailAtDeadline(), "a bare profile under the kit preset: the kit's wallets notify it")
	no := false
	kit.targets.Profile.Notifications.FailAtDeadline = &no
	assert.False(t, kit.notifiesFailAtDeadline())
	v2, _ := dialectWorld(t, "v2")
	assert.False(t, v2.notifiesFailAtDeadline())
	v2.targets.Profile = v2.targets.Profile.WithKitDeclarations()
	assert.False(t, v2.notifiesFailAtDeadline(), "capped by the dialect")
}

// A pre-authorization is asked for by the profile's product code, or where there is none by
// paymentFactor.isAuthorization with the general code.
func TestPreAuthorizationWithoutAPreAuthorizationCode(t *testing.T) {
	kit, _ := dialectWorld(t, "kit")
	body := payBody(kit, openapi.Amount{Currency: "USD", Value: "1000"})
	kit.asPreAuthorization(body)
	assert.Equal(t, fixtures.DefaultWalletProfile().PreAuthProductCode, body["productCode"])
	assert.Equal(t, map[string]any{"isCashierPayment": true}, body["paymentFactor"], "the kit preset's body is as before")

	v2, _ := dialectWorld(t, "v2")
	v2.targets.Profile.GeneralProductCode, v2.targets.Profile.PreAuthProductCode = "CASHIER_PAYMENT", ""
	body = payBody(v2, openapi.Amount{Currency: "USD", Value: "1000"})
	v2.asPreAuthorization(body)
	pay, err := openapi.DecodePay(v2.dialect(), mustJSON(context.WithValue(context.Background(), worldKey{}, v2), body))
	require.NoError(t, err)
	assert.Equal(t, "CASHIER_PAYMENT", pay.ProductCode)
	require.NotNil(t, pay.PaymentFactor)
	assert.True(t, pay.PaymentFactor.IsAuthorization)
}

func TestNotApplicableNamesTheDialect(t *testing.T) {
	w, _ := dialectWorld(t, "v2")
	err := w.notApplicable("why")
	require.Error(t, err)
	assert.Equal(t, "not applicable under v2: why", w.skipped)
	d := dialect.MustLookup("v2")
	d.BasePath = "/api"
	w.targets.Dialect = d
	_ = w.notApplicable("why")
	assert.Equal(t, "not applicable under v2 with overrides: why", w.skipped)
	assert.Equal(t, "refundApply", (&World{targets: Targets{Dialect: dialect.MustLookup("v1-tng")}}).apiName("refund"))
	assert.Equal(t, "refund", (&World{}).apiName("refund"))
	assert.Equal(t, "pay", (&World{}).apiName("pay"))
}
