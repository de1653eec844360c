package steps

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/target"
)

// The steps judge by the dialect the target speaks (docs/dialects.md), never by the kit's
// default: what the kit sends is written in the dialect's shape, what it reads is read by the
// dialect's codecs, and a rule the dialect rules out is not applicable. A feature names a
// field as the kit's own shape does (paymentOrderTitle, paymentStatus); wireField says what
// the dialect calls it, so that no scenario passes because the field it checks is absent.

// dialect is the dialect the scenario's target speaks.
func (w *World) dialect() dialect.Dialect { return dialect.OrDefault(w.targets.Dialect) }

// partnerID is the partnerId the kit sends where the dialect carries it.
func (w *World) partnerID() string {
	if w.targets.PartnerID != "" {
		return w.targets.PartnerID
	}
	return dialect.DefaultPartnerID
}

// notApplicablePrefix starts the reason of a scenario the dialect rules out; runners count
// such a scenario as not applicable rather than not checked.
const notApplicablePrefix = "not applicable under "

// notApplicable skips the scenario: the dialect rules out what it checks, for the reason why.
func (w *World) notApplicable(why string) error {
	return w.skip(notApplicableReason(w.dialect(), why))
}

func notApplicableReason(d dialect.Dialect, why string) string {
	return notApplicablePrefix + d.Label() + ": " + why
}

// apiName is the name of a wallet API on the wire ("refund" is "refundApply" in the v1
// dialects).
func (w *World) apiName(api string) string { return w.dialect().APIName(dialect.API(api)) }

// wireField is the name under which the dialect carries a field the features name in the
// kit's own shape: the order title and a notification's outcome move in some dialects.
func wireField(d dialect.Dialect, field string) string {
	switch {
	case field == "paymentOrderTitle" && d.TitleInOrderDescription():
		return "order.orderDescription"
	case field == "paymentStatus" && d.NotifiesWithPaymentResult():
		return "paymentResult"
	}
	return field
}

// payDefect rewrites a defect of a pay request (the bad-input language of bad_input.go) for
// the dialect, or says why the dialect rules it out.
func payDefect(d dialect.Dialect, defect string) (string, string) {
	switch {
	case defect == "no productCode" && !d.RequiresProductCode():
		return "", "productCode is optional in pay; a wallet takes its default product"
	case isIntegerDefect(defect) && d.AcceptsIntegerAmount():
		return "", "a reader takes an Amount.value written as a JSON integer"
	}
	return renamePath(defect, "paymentOrderTitle", wireField(d, "paymentOrderTitle")), ""
}

// amountDefect says why the dialect rules out a defect of a capture or refund request, if it
// does.
func amountDefect(d dialect.Dialect, defect string) string {
	if isIntegerDefect(defect) && d.AcceptsIntegerAmount() {
		return "a reader takes an Amount.value written as a JSON integer"
	}
	return ""
}

// notificationDefect rewrites a defect of a notification for the dialect, or says why the
// dialect rules it out. Where the outcome is paymentResult, a missing paymentStatus is a
// missing paymentResult and a wrong one a wrong paymentResult.resultStatus.
func notificationDefect(d dialect.Dialect, defect string) (string, string) {
	if isIntegerDefect(defect) && d.AcceptsIntegerAmount() {
		return "", "a reader takes an Amount.value written as a JSON integer"
	}
	if d.NotifiesWithPaymentResult() {
		if defect == "no paymentStatus" {
			return "no paymentResult", ""
		}
		return renamePath(defect, "paymentStatus", "paymentResult.resultStatus"), ""
	}
	return defect, ""
}

// isIntegerDefect: the defect writes an Amount.value as a JSON integer ("paymentAmount.value
// = number 1000"), which a reader of a stringOrInteger dialect accepts.
func isIntegerDefect(defect string) bool {
	path, value, ok := strings.Cut(defect, " = number ")
	if !ok || !strings.HasSuffix(path, "Amount.value") {
		return false
	}
	for _, c := range strings.TrimPrefix(value, "-") {
		if c < '0' || c > '9' {
			return false
		}
	}
	return value != "" && !strings.HasPrefix(value, "-")
}

// renamePath renames the field a defect is about ("no F", "F = v", "F.x = v").
func renamePath(defect, from, to string) string {
	if from == to {
		return defect
	}
	if rest, ok := strings.CutPrefix(defect, "no "); ok {
		if rest == from || strings.HasPrefix(rest, from+".") {
			return "no " + to + strings.TrimPrefix(rest, from)
		}
		return defect
	}
	if defect == from || strings.HasPrefix(defect, from+" ") || strings.HasPrefix(defect, from+".") {
		return to + strings.TrimPrefix(defect, from)
	}
	return defect
}

// setTitle writes the order title into a pay body where the dialect carries it.
func setTitle(d dialect.Dialect, body map[string]any, title string) {
	if !d.TitleInOrderDescription() {
		body["paymentOrderTitle"] = title
		return
	}
	order, _ := body["order"].(map[string]any)
	if order == nil {
		order = map[string]any{}
		body["order"] = order
	}
	order["orderDescription"] = title
}

// deleteTitle removes the order title from a pay body, wherever the dialect carries it.
func deleteTitle(d dialect.Dialect, body map[string]any) {
	if !d.TitleInOrderDescription() {
		delete(body, "paymentOrderTitle")
		return
	}
	if order, ok := body["order"].(map[string]any); ok {
		delete(order, "orderDescription")
		if len(order) == 0 {
			delete(body, "order")
		}
	}
}

// decodeNotification reads a notification as received in the dialect's shape: its outcome
// (paymentStatus, or paymentResult's S or F) and its ids, amount and times. The fields the
// dialect requires beyond the outcome (partnerId, paymentCreateTime) are checked by
// checkDialectFields.
func decodeNotification(ctx context.Context, n target.Received) openapi.Notification {
	w := world(ctx)
	got, err := openapi.DecodeNotifyPaymentOutcome(w.dialect(), n.Body)
	require.NoError(checks(ctx), err, "the notification, read in the %s dialect: %s", w.dialect().Label(), target.Snippet(n.Body))
	return got
}

// checkDialectFields checks what the dialect requires of a notification beyond its outcome:
// the merchant's partnerId and paymentCreateTime, where the dialect requires them.
func checkDialectFields(ctx context.Context, n target.Received) {
	w, t := world(ctx), checks(ctx)
	d := w.dialect()
	var body struct {
		PartnerID         string `json:"partnerId"`
		PaymentCreateTime string `json:"paymentCreateTime"`
	}
	require.NoError(t, json.Unmarshal(n.Body, &body), "the notification body %s", target.Snippet(n.Body))
	if d.RequiresPartnerID() {
		assert.Equal(t, w.partnerID(), body.PartnerID, "partnerId: the %s dialect requires the merchant's in notifyPayment", d.Label())
	}
	if d.RequiresPaymentCreateTime() {
		_, err := time.Parse(time.RFC3339, body.PaymentCreateTime)
		assert.NoError(t, err, "paymentCreateTime %q: the %s dialect requires it in notifyPayment", body.PaymentCreateTime, d.Label())
	}
}

// declaredNotifications is what the judge takes as declared about the notifications a wallet
// sends beyond a final SUCCESS or FAIL: the profile's declarations, except that one the
// dialect's wallets do not send is at most not declared (a profile that wants it checked says
// so in the dialect's notifications switch).
func (w *World) declaredNotifications() fixtures.Notifications {
	n, d := w.targets.Profile.Notifications, w.dialect()
	capped := func(declared *bool, sent bool) *bool {
		if declared != nil && *declared && !sent {
			return nil
		}
		return declared
	}
	return fixtures.Notifications{
		AuthSuccess:    capped(n.AuthSuccess, d.NotifiesAuthSuccess()),
		FailAtDeadline: capped(n.FailAtDeadline, d.NotifiesFailAtDeadline()),
		AfterCapture:   capped(n.AfterCapture, d.NotifiesAfterCapture()),
	}
}

// declaredMultiplicity is what the judge requires of a second capture ("captures") or partial
// refund ("refunds") of one payment: fixtures.CapturesOne, CapturesSeveral, or "" (either).
// A dialect that says one or several rules; where it leaves it open (oneOrSeveral), the
// profile's declaration does (fixtures.EitherMultiplicity, like "", requires neither).
// byDialect says the dialect ruled.
func declaredMultiplicity(w *World, what string) (decl string, byDialect bool) {
	d := w.dialect()
	rule, profile := d.SecondCaptureRule(), w.targets.Profile.Captures
	if what == "refunds" {
		rule, profile = d.SecondPartialRefundRule(), w.targets.Profile.PartialRefunds
	}
	switch rule {
	case dialect.One:
		return fixtures.CapturesOne, true
	case dialect.Several:
		return fixtures.CapturesSeveral, true
	}
	return profile, false
}

// singleReason is why a scenario about a second capture or refund is not applicable: the
// dialect or the profile allows one.
func singleReason(w *World, what string, byDialect bool, code openapi.Code) string {
	if byDialect {
		return notApplicableReason(w.dialect(), fmt.Sprintf("the dialect allows one %s (the wallet refused the second one, %s, and changed nothing)", onePer(what, true), code))
	}
	return fmt.Sprintf("not applicable: the wallet's profile declares one %s per payment (it refused the second one, %s, and changed nothing)", singular(what), code)
}

// declarer names who allows one operation, to start a message: "the profile declares" or "the
// v1-qi dialect allows".
func declarer(w *World, byDialect bool) string {
	if byDialect {
		return "the " + w.dialect().Label() + " dialect allows"
	}
	return "the profile declares"
}

// declarerOf names who declared a multiplicity in the exchanges' log: "its profile declares"
// or "the v1-qi dialect says".
func declarerOf(w *World, byDialect bool) string {
	if byDialect {
		return "the " + w.dialect().Label() + " dialect says"
	}
	return "its profile declares"
}

// onePer says what one operation is counted per: "capture per authorization" in a dialect's
// words, "capture per payment" or "refund per payment" in a profile's.
func onePer(what string, byDialect bool) string {
	if what == "captures" && byDialect {
		return "capture per authorization"
	}
	return singular(what) + " per payment"
}

// asPreAuthorization makes a general pay body a pre-authorization: the profile's
// pre-authorization product code, or, where there is none (v2 publishes none: how a v2
// authorization is asked for is not published, docs/dialects.md), paymentFactor
// isAuthorization true with the general code.
func (w *World) asPreAuthorization(body map[string]any) {
	if code := w.targets.Profile.PreAuthProductCode; code != "" {
		body["productCode"] = code
		return
	}
	body["paymentFactor"] = map[string]any{"isCashierPayment": true, "isAuthorization": true}
}

// oneCaptureCloses: the dialect allows one capture per authorization (v1-qi), so its one
// capture, full or partial, is the last whatever isLastCapture says: it releases the rest,
// and nothing is left to capture or cancel after it.
func (w *World) oneCaptureCloses() bool { return w.dialect().SecondCaptureRule() == dialect.One }

// closedByOneCapture is why a step about what a partial capture kept authorized does not
// apply under such a dialect.
const closedByOneCapture = "the dialect allows one capture per authorization: the capture closed the authorization and released the rest"

// notifiesFailAtDeadline: the wallet notifies a payment its deadline closed, as the profile
// declares it, or where the profile says nothing, as the dialect's wallets do.
func (w *World) notifiesFailAtDeadline() bool {
	if n := w.declaredNotifications().FailAtDeadline; n != nil {
		return *n
	}
	return w.dialect().NotifiesFailAtDeadline()
}
