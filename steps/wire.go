package steps

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/cucumber/godog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/orderstr"
	"github.com/tradepaykit/tradepaykit/internal/signing"
	"github.com/tradepaykit/tradepaykit/internal/target"
	"github.com/tradepaykit/tradepaykit/internal/walletclient"
)

// What a wallet does, checked without any kit extension of the wallet: notifications as the
// kit's merchant received them on the wire (its log, GET /conformance/received), the retry
// schedule, deadlines and authorization expiry in real time on what the profile declares,
// the wallet test control hook's answers, orderStr variants, and a second merchant that
// must not reach the first one's payments.

// realTimeLimit bounds how long a scenario waits for a rule about time in real time: the
// profile's realTimeWaitLimit (30s unless it says more). A schedule, validity or pay_timeout
// that is longer is checked only where the wallet offers clock control (the @clock
// scenarios); here it is skipped with the reason.
func (w *World) realTimeLimit() time.Duration { return w.targets.Profile.WaitLimit() }

// realTimePayTimeout decides whether a scenario waits out an orderStr's shortest pay_timeout
// (one minute, docs/protocol.md "orderStr") on the wall clock, and sets the scenario's
// deadline: it is skipped where the wallet offers clock control (the @clock scenario of the
// same rule checks it faster) and where the profile's realTimeWaitLimit is too short.
func realTimePayTimeout(ctx context.Context) error {
	w := world(ctx)
	if w.targets.Capabilities.Clock {
		return w.skip("the wallet offers clock control: its @clock scenario checks the same pay_timeout without waiting")
	}
	if need := time.Minute + retrySlack; need > w.realTimeLimit() {
		return w.skip(fmt.Sprintf("an orderStr's pay_timeout of at least a minute is too long to wait for in real time (%s); the wallet offers no clock control", waitLimitHint(time.Minute)))
	}
	// The wallet counts the pay_timeout from when it receives the orderStr, a moment
	// after this; "closes the payment at its deadline" allows retrySlack beyond it.
	w.deadline = time.Now().Add(time.Minute)
	return nil
}

// waitLimitHint tells a user how to have a wait of d checked without clock control.
func waitLimitHint(d time.Duration) string {
	allow := (d + retrySlack + 29*time.Second).Truncate(30 * time.Second)
	return fmt.Sprintf(`the profile's realTimeWaitLimit allows it with %q or more`, allow.String())
}

// noSecondMerchant is why the scenarios of a second merchant are skipped.
const noSecondMerchant = "the kit has no second test merchant registered with this wallet (verify-wallet --second-client-id, --second-merchant-key)"

// minSettle is the shortest window a step waits for what must not come.
const minSettle = 2 * time.Second

// retrySlack is how late a retry may come after its declared delay.
const retrySlack = 3 * time.Second

func registerWireSteps(sc stepScope) {
	sc.Step(sc.pattern(`^the merchant receives the wallet's "([^"]*)" notification of the payment$`), func(ctx context.Context, status string) error {
		checkNotificationContent(ctx, firstReceived(ctx), status)
		return nil
	})
	sc.Step(sc.pattern(`^the notification is signed by the wallet under the merchant's client id$`), func(ctx context.Context) error {
		w, t := world(ctx), checks(ctx)
		n := firstReceived(ctx)
		assert.Empty(t, n.SignatureError, "the notification's signature, checked with the wallet's public key over the request as received")
		assert.Equal(t, w.targets.ClientID, n.ClientID, "the notification's Client-Id: the client id the payment was created under")
		_, err := signing.ParseTime(n.RequestTime)
		assert.NoError(t, err, "the notification's Request-Time")
		return nil
	})
	sc.Step(sc.pattern(`^the merchant receives no notification of the payment$`), func(ctx context.Context) error {
		got, until := receivedSettled(ctx, world(ctx).settleWindow(), 1)
		assert.Empty(checks(ctx), got, "notifications the merchant received %s", until)
		return nil
	})
	sc.Step(sc.pattern(`^the merchant receives the payment's notification once$`), func(ctx context.Context) error {
		firstReceived(ctx)
		got, until := receivedSettled(ctx, world(ctx).settleWindow(), 2)
		assert.Len(checks(ctx), got, 1, "notifications the merchant received, counted after the first %s: %s", until, bodies(got))
		return nil
	})
	sc.Step(sc.pattern(`^the wallet retries on its declared schedule until the merchant answers S after (\d+) refusals$`), func(ctx context.Context, refusals int) error {
		return retriesInRealTime(ctx, refusals, true)
	})
	sc.Step(sc.pattern(`^the wallet should retry on its declared schedule until the merchant answers S after (\d+) refusals$`), func(ctx context.Context, refusals int) error {
		// After an F answer a retry is a SHOULD (docs/protocol.md, "Where published wallets
		// differ"); when the wallet does retry, its schedule is still the declared one.
		return retriesInRealTime(ctx, refusals, false)
	})
	sc.Step(sc.pattern(`^the kit has asked the wallet for a payment of "([^"]*)" that expires in (\d+) seconds$`), func(ctx context.Context, amount string, seconds int) error {
		payExpiringIn(ctx, amount, false, seconds)
		return nil
	})
	sc.Step(sc.pattern(`^the kit has asked the wallet for a pre-authorization of "([^"]*)" that expires in (\d+) seconds$`), func(ctx context.Context, amount string, seconds int) error {
		payExpiringIn(ctx, amount, true, seconds)
		return nil
	})
	sc.Step(sc.pattern(`^the wallet gives up after the last attempt of its declared schedule$`), func(ctx context.Context) error {
		return givesUpInRealTime(ctx)
	})
	sc.Step(sc.pattern(`^the wallet closes the payment at its deadline$`), func(ctx context.Context) error {
		w, t := world(ctx), checks(ctx)
		require.False(t, w.deadline.IsZero(), "the scenario's payment has no deadline")
		// On the wallet's time: its clock control may have moved it ahead of the kit's.
		within := w.deadline.Sub(w.walletNow(ctx)) + retrySlack
		require.LessOrEqual(t, within, w.realTimeLimit(), "the deadline %s is too far to wait for", w.deadline.Format(time.RFC3339))
		c, err := w.walletClient()
		require.NoError(t, err)
		var last *openapi.InquiryPaymentResponse
		_, err = eventually(ctx, within, func(ctx context.Context) (bool, error) {
			resp, err := c.InquiryPayment(ctx, w.paymentQuery())
			if err != nil {
				return false, err
			}
			last = resp
			return resp.PaymentStatus == openapi.PaymentFail, nil
		})
		require.NoError(t, err, "inquiryPayment")
		require.NotNil(t, last, "no answer to inquiryPayment")
		assert.Equal(t, openapi.PaymentFail, last.PaymentStatus, "paymentStatus %s after the deadline %s (result %s)", retrySlack, w.deadline.Format(time.RFC3339), last.Result.ResultCode)
		return nil
	})
	sc.Step(sc.pattern(`^the authorization's declared validity passes$`), func(ctx context.Context) error {
		w, t := world(ctx), checks(ctx)
		validity := w.targets.Profile.AuthorizationValidity
		if validity > w.realTimeLimit() {
			return w.skip(fmt.Sprintf("the declared authorization validity %s is too long to wait for in real time (checked by the @clock scenarios where the wallet offers clock control)", validity))
		}
		resp := inquire(ctx, w.paymentQuery())
		granted, err := time.Parse(time.RFC3339, resp.PaymentTime)
		require.NoError(t, err, "paymentTime %q (the grant time) is not RFC 3339", resp.PaymentTime)
		// Past the declared validity, whatever authExpiryTime the wallet reports: a wallet
		// that keeps authorizations longer than it declares is caught by the capture.
		until := granted.Add(validity + time.Second)
		_, err = eventually(ctx, validity+time.Second+retrySlack, func(ctx context.Context) (bool, error) {
			return !w.walletNow(ctx).Before(until), nil
		})
		return err
	})
	sc.Step(sc.pattern(`^the wallet reports the authorization expiring its declared validity after it was granted$`), func(ctx context.Context) error {
		w, t := world(ctx), checks(ctx)
		resp := inquire(ctx, w.paymentQuery())
		require.Equal(t, openapi.Success, resp.Result.ResultCode, "inquiryPayment: %s", resp.Result.ResultMessage)
		assert.Equal(t, openapi.PaymentAuthSuccess, resp.PaymentStatus, "paymentStatus of the authorization")
		granted, err := time.Parse(time.RFC3339, resp.PaymentTime)
		require.NoError(t, err, "paymentTime %q (the grant time) is not RFC 3339", resp.PaymentTime)
		expiry, err := time.Parse(time.RFC3339, resp.AuthExpiryTime)
		require.NoError(t, err, "authExpiryTime %q is not RFC 3339", resp.AuthExpiryTime)
		assert.Equal(t, w.targets.Profile.AuthorizationValidity, expiry.Sub(granted), "authExpiryTime %s - paymentTime %s (the profile's authorizationValidity)", resp.AuthExpiryTime, resp.PaymentTime)
		return nil
	})

	// A second merchant (fixtures.SecondClientID) and the first one's payment.
	sc.Step(sc.pattern(`^another merchant asks the wallet about the payment by "([^"]*)"$`), func(ctx context.Context, id string) error {
		w, t := world(ctx), checks(ctx)
		if w.targets.SecondMerchantKey == nil {
			return w.skip(noSecondMerchant)
		}
		c := w.secondClient(ctx)
		q := &openapi.InquiryPaymentRequest{}
		switch id {
		case "paymentId":
			q.PaymentID = knownPaymentID(ctx)
		case "paymentRequestId":
			require.NotEmpty(t, w.paymentRequestID, "the kit knows no paymentRequestId")
			q.PaymentRequestID = w.paymentRequestID
		default:
			return fmt.Errorf("id %q: want paymentId or paymentRequestId", id)
		}
		resp, err := c.InquiryPayment(ctx, q)
		require.NoError(t, err, "inquiryPayment as %s", fixtures.SecondClientID)
		w.lastResult = resp.Result
		assert.Empty(t, resp.PaymentStatus, "paymentStatus told to another merchant")
		assert.Nil(t, resp.PaymentAmount, "paymentAmount told to another merchant")
		return nil
	})
	sc.Step(sc.pattern(`^another merchant tries to cancel the payment$`), func(ctx context.Context) error {
		w, t := world(ctx), checks(ctx)
		if w.targets.SecondMerchantKey == nil {
			return w.skip(noSecondMerchant)
		}
		c := w.secondClient(ctx)
		resp, err := c.Cancel(ctx, &openapi.CancelRequest{PaymentID: knownPaymentID(ctx)})
		require.NoError(t, err, "cancel as %s", fixtures.SecondClientID)
		w.lastResult = resp.Result
		return nil
	})
	sc.Step(sc.pattern(`^the wallet refuses the other merchant$`), func(ctx context.Context) error {
		w, t := world(ctx), checks(ctx)
		r := w.lastResult
		require.NotEmpty(t, r.ResultCode, "the kit has sent nothing to the wallet")
		assert.Equal(t, openapi.StatusFail, r.ResultStatus, "resultStatus of %s (%s)", r.ResultCode, r.ResultMessage)
		if r.ResultCode != openapi.OrderNotExist {
			w.should(ctx, "the wallet should answer ORDER_NOT_EXIST to a merchant asking about another's payment, it answered %s", r.ResultCode)
		}
		return nil
	})

	// The kit cancels a payment straight at the wallet.
	sc.Step(sc.pattern(`^the kit cancels the payment$`), func(ctx context.Context) error {
		w, t := world(ctx), checks(ctx)
		c, err := w.walletClient()
		require.NoError(t, err)
		resp, err := c.Cancel(ctx, &openapi.CancelRequest{PaymentID: knownPaymentID(ctx)})
		require.NoError(t, err, "cancel")
		w.lastResult = resp.Result
		return nil
	})
	sc.Step(sc.pattern(`^the kit cancels an unknown payment id with the payment's request id$`), func(ctx context.Context) error {
		w, t := world(ctx), checks(ctx)
		require.NotEmpty(t, w.paymentRequestID, "no payment request id in this scenario")
		c, err := w.walletClient()
		require.NoError(t, err)
		resp, err := c.Cancel(ctx, &openapi.CancelRequest{PaymentID: newID("never-issued-"), PaymentRequestID: w.paymentRequestID})
		require.NoError(t, err, "cancel")
		w.lastResult = resp.Result
		return nil
	})
	sc.Step(sc.pattern(`^the wallet refuses the cancel of the closed payment$`), func(ctx context.Context) error {
		// PROTOCOL.md, "Where published wallets differ": F is MUST, ORDER_IS_CLOSED SHOULD.
		w, t := world(ctx), checks(ctx)
		r := w.lastResult
		require.NotEmpty(t, r.ResultCode, "the kit has sent nothing to the wallet")
		assert.Equal(t, openapi.StatusFail, r.ResultStatus, "resultStatus of the cancel of a closed payment (%s: %s)", r.ResultCode, r.ResultMessage)
		if r.ResultStatus == openapi.StatusFail && r.ResultCode != openapi.OrderIsClosed {
			w.should(ctx, "the wallet should refuse a cancel of a closed payment with ORDER_IS_CLOSED, it answered %s", r.ResultCode)
		}
		return nil
	})
	sc.Step(sc.pattern(`^the wallet refuses the cancel$`), func(ctx context.Context) error {
		w, t := world(ctx), checks(ctx)
		r := w.lastResult
		require.NotEmpty(t, r.ResultCode, "the kit has sent nothing to the wallet")
		assert.Equal(t, openapi.StatusFail, r.ResultStatus, "resultStatus of the cancel (%s: %s)", r.ResultCode, r.ResultMessage)
		if r.ResultCode != openapi.ProcessFail {
			w.should(ctx, "the wallet should refuse a cancel of a paid payment with PROCESS_FAIL, it answered %s", r.ResultCode)
		}
		return nil
	})

	sc.Step(sc.pattern(`^the wallet repeats its confirmation of the cancel, or refuses it$`), func(ctx context.Context) error {
		// A second cancel of a cancelled payment: S (an idempotent repeat) or F, both
		// changing nothing; a later step checks that. The code of an F is a SHOULD
		// (docs/protocol.md, "Where published wallets differ").
		w, t := world(ctx), checks(ctx)
		r := w.lastResult
		require.NotEmpty(t, r.ResultCode, "the kit has sent nothing to the wallet")
		switch r.ResultStatus {
		case openapi.StatusSuccess:
		case openapi.StatusFail:
			if !openapi.SameRefusal(openapi.OrderIsClosed, r.ResultCode) {
				w.should(ctx, "the wallet should refuse a cancel of a cancelled payment with ORDER_IS_CLOSED, it answered %s: %s", r.ResultCode, r.ResultMessage)
			}
		default:
			assert.Failf(t, "neither S nor F", "a second cancel was answered %s (%s): %s", r.ResultCode, r.ResultStatus, r.ResultMessage)
		}
		return nil
	})

	// The wallet test control hook (README, "Test hooks").
	sc.Step(sc.pattern(`^the payer does "([^"]*)" in the wallet$`), func(ctx context.Context, action string) error {
		w := world(ctx)
		require.False(checks(ctx), w.token.IsZero(), "the mini program has nothing to pay in this scenario")
		return tradePay(ctx, w.token, target.Action(action))
	})
	sc.Step(sc.pattern(`^the payer confirms a payment with an unknown "([^"]*)"$`), func(ctx context.Context, kind string) error {
		w := world(ctx)
		switch kind {
		case "tradeNO":
			w.token = target.Token{TradeNO: newID("unknown-trade-")}
		case "payment URL":
			w.token = target.Token{PaymentURL: w.targets.ControlURL + "/cashier/" + newID("unknown-")}
		case "orderStr":
			w.token = target.Token{OrderStr: "app_id=" + newID("x") + "&sign=bm90IGEgc2lnbg%3D%3D"}
		default:
			return fmt.Errorf("token %q: want tradeNO, payment URL or orderStr", kind)
		}
		return tradePay(ctx, w.token, target.Confirm)
	})
	sc.Step(sc.pattern(`^the payer's app sends the wallet a tradePay request with "([^"]*)"$`), func(ctx context.Context, defect string) error {
		w, t := world(ctx), checks(ctx)
		body := map[string]any{"tradeNO": newID("trade-"), "action": "CONFIRM"}
		var raw []byte
		switch defect {
		case "malformed JSON":
			raw = []byte(`{"tradeNO": "x", "action": `)
		case "no token":
			delete(body, "tradeNO")
		case "two tokens":
			body["paymentUrl"] = w.targets.ControlURL + "/cashier/x"
		case "an unknown action":
			body["action"] = "PAY_TWICE"
		case "no action":
			delete(body, "action")
		default:
			return fmt.Errorf("defect %q: want malformed JSON, no token, two tokens, an unknown action or no action", defect)
		}
		if raw == nil {
			raw = mustJSON(ctx, body)
		}
		status, code, err := w.control.TradePayRaw(ctx, raw)
		require.NoError(t, err, "tradePay")
		w.hookStatus, w.resultCode = status, code
		return nil
	})
	sc.Step(sc.pattern(`^the mini program should get result code (\d+)$`), func(ctx context.Context, want string) error {
		w := world(ctx)
		if w.resultCode != want {
			w.should(ctx, "my.tradePay should answer %s, it answered %s", want, w.resultCode)
		}
		return nil
	})
	sc.Step(sc.pattern(`^the wallet's test control answers HTTP 400$`), func(ctx context.Context) error {
		w := world(ctx)
		assert.Equal(checks(ctx), http.StatusBadRequest, w.hookStatus, "HTTP status of the tradePay hook's answer (resultCode %q)", w.resultCode)
		return nil
	})

	// orderStr variants the protocol accepts (PROTOCOL.md, "orderStr").
	sc.Step(sc.pattern(`^the kit has signed an orderStr for "([^"]*)" with "([^"]*)"$`), func(ctx context.Context, amount, variant string) error {
		kitOrderStrVariant(ctx, amount, variant, "")
		return nil
	})
	sc.Step(sc.pattern(`^the kit has signed another orderStr for "([^"]*)" with the same out_trade_no$`), func(ctx context.Context, amount string) error {
		w := world(ctx)
		require.NotEmpty(checks(ctx), w.paymentRequestID, "no earlier orderStr in this scenario")
		kitOrderStrVariant(ctx, amount, "", w.paymentRequestID)
		return nil
	})
	sc.Step(sc.pattern(`^the wallet has the merchant's notify URL registered$`), func(ctx context.Context) error {
		w := world(ctx)
		if !w.targets.RegisteredNotifyURL {
			return w.skip("the wallet has no notify URL registered for the kit's merchant (verify-wallet --notify-url-registered)")
		}
		return nil
	})
}

// payExpiringIn asks the wallet for a payment (a pre-authorization with preAuth) whose
// paymentExpiryTime is the next whole second after seconds from the wallet's now (RFC 3339
// carries whole seconds), notified to the kit's merchant, and requires it accepted.
func payExpiringIn(ctx context.Context, amount string, preAuth bool, seconds int) {
	w, t := world(ctx), checks(ctx)
	a, err := parseAmount(amount)
	require.NoError(t, err)
	w.deadline = w.walletNow(ctx).Add(time.Duration(seconds) * time.Second).Truncate(time.Second).Add(time.Second)
	body := payBody(w, openapi.WireAmount(a))
	if preAuth {
		w.asPreAuthorization(body)
	}
	body["paymentExpiryTime"] = w.deadline.Format(time.RFC3339)
	if w.targets.NotifyURL != "" {
		body["paymentNotifyUrl"] = w.targets.NotifyURL
	}
	sendPay(ctx, body)
	requireAccepted(ctx)
}

// skip ends the scenario as skipped, with the reason.
func (w *World) skip(reason string) error {
	w.skipped = reason
	return fmt.Errorf("%w: %s", godog.ErrSkip, reason)
}

// walletNow is the wallet's business time: its clock control's when it offers one, else the
// kit's wall clock.
func (w *World) walletNow(ctx context.Context) time.Time {
	if w.targets.Capabilities.Clock {
		if now, err := w.control.AdvanceClock(ctx, 0); err == nil {
			return now
		}
	}
	return time.Now()
}

// settleWindow is how long a step waits for what must not come: at least minSettle, and past
// the first retry when the declared schedule makes one due within the real-time limit.
func (w *World) settleWindow() time.Duration {
	d := minSettle
	if s := w.targets.Profile.NotifyRetrySchedule; len(s) > 1 && s[1]+time.Second <= w.realTimeLimit() && s[1]+time.Second > d {
		d = s[1] + time.Second
	}
	return d
}

// receivedIDs are the ids the scenario's payment is known by, for the merchant's log.
func (w *World) receivedIDs(ctx context.Context) (string, string) {
	req, id := w.paymentRequestID, w.paymentID
	if w.order != nil {
		if req == "" {
			req = w.order.PaymentRequestID
		}
		if id == "" {
			id = w.order.PaymentID
		}
	}
	require.True(checks(ctx), req != "" || id != "", "the kit knows no id of the payment in this scenario")
	return req, id
}

// receivedWithin polls the merchant's log of the scenario's payment until it holds n
// notifications or within passes, and returns what it read last.
func receivedWithin(ctx context.Context, within time.Duration, n int) []target.Received {
	w, t := world(ctx), checks(ctx)
	req, id := w.receivedIDs(ctx)
	var got []target.Received
	_, err := eventually(ctx, within, func(ctx context.Context) (bool, error) {
		list, err := w.merchant.Received(ctx, req, id)
		if err != nil {
			return false, err
		}
		got = list
		return len(list) >= n, nil
	})
	require.NoError(t, err, "reading the notifications the kit's merchant received")
	return got
}

// receivedSettled watches the merchant's log of the scenario's payment for what must not
// come: until it holds n notifications or within passes. When the wallet offers its payment
// view (@wallet-mock) and reports there that it will send no further notification of the
// payment, the watch ends there: the view is read before the log, and the wallet records an
// attempt only once the merchant answered it, so the log read then holds every notification
// the wallet will ever send. It returns what it read last and how long it watched, for messages.
func receivedSettled(ctx context.Context, within time.Duration, n int) ([]target.Received, string) {
	w, t := world(ctx), checks(ctx)
	req, id := w.receivedIDs(ctx)
	viewID := ""
	if w.targets.Capabilities.WalletMock {
		viewID = knownPaymentID(ctx)
	}
	var got []target.Received
	settled := false
	_, err := eventually(ctx, within, func(ctx context.Context) (bool, error) {
		if viewID != "" {
			p, err := w.control.Payment(ctx, viewID)
			if err != nil {
				return false, err
			}
			settled = p.Settled()
		}
		list, err := w.merchant.Received(ctx, req, id)
		if err != nil {
			return false, err
		}
		got = list
		return len(list) >= n || settled, nil
	})
	require.NoError(t, err, "reading the notifications the kit's merchant received")
	return got, watched(settled, within)
}

// firstReceived waits for the first notification of the scenario's payment.
func firstReceived(ctx context.Context) target.Received {
	w, t := world(ctx), checks(ctx)
	req, id := w.receivedIDs(ctx)
	var got []target.Received
	_, diagnosis, err := w.awaitNotified(ctx, func(ctx context.Context) (bool, error) {
		list, err := w.merchant.Received(ctx, req, id)
		got = list
		return len(list) >= 1, err
	})
	skipCutShort(ctx, err)
	require.NoError(t, err, "reading the notifications the kit's merchant received")
	within := "within " + w.wait().String()
	if diagnosis != "" {
		within = "in time" + diagnosed(diagnosis)
	}
	require.NotEmpty(t, got, "the merchant received no notification naming paymentRequestId %q or paymentId %q %s", req, id, within)
	return got[0]
}

// checkNotificationContent checks a notification as received against the scenario's payment
// (PROTOCOL.md, "notifyPayment"), read in the target's dialect: the outcome where the dialect
// puts it, and the fields the dialect requires.
func checkNotificationContent(ctx context.Context, n target.Received, status string) {
	w, t := world(ctx), checks(ctx)
	body := decodeNotification(ctx, n)
	checkDialectFields(ctx, n)
	req, id := w.receivedIDs(ctx)
	if id == "" {
		id = knownPaymentID(ctx)
	}
	assert.Equal(t, status, body.PaymentStatus, "the outcome notified (%s)", wireField(w.dialect(), "paymentStatus"))
	assert.Equal(t, id, body.PaymentID, "paymentId")
	assert.Equal(t, req, body.PaymentRequestID, "paymentRequestId")
	if !w.orderAmount.IsZero() {
		assert.Equal(t, openapi.WireAmount(w.orderAmount), body.PaymentAmount, "paymentAmount: the order's amount, in minor units of its currency")
	}
	if status == openapi.PaymentSuccess || status == openapi.PaymentAuthSuccess {
		// paymentTime is a SHOULD (docs/protocol.md, "Where published wallets differ"); one that
		// is sent must be a time.
		if body.PaymentTime == "" {
			w.should(ctx, "the wallet's %s notification should carry paymentTime", status)
		} else {
			_, err := time.Parse(time.RFC3339, body.PaymentTime)
			assert.NoError(t, err, "paymentTime %q on %s", body.PaymentTime, status)
		}
	}
}

func bodies(list []target.Received) string {
	out := ""
	for i, n := range list {
		out += fmt.Sprintf("\n  %d at %s: %s", i+1, n.At.Format("15:04:05.000"), target.Snippet(n.Body))
	}
	return out
}

// retriesInRealTime checks, on the wall clock, that the wallet retried the scenario's
// notification after each refusal on the profile's schedule and stopped after the S answer.
//
// mandatory false makes a wallet that does not retry at all a warning (SHOULD) instead of a
// failure.
func retriesInRealTime(ctx context.Context, refusals int, mandatory bool) error {
	w, t := world(ctx), checks(ctx)
	sched := w.targets.Profile.NotifyRetrySchedule
	if len(sched) < refusals+1 {
		return w.skip(fmt.Sprintf("the declared retry schedule has %d attempts, fewer than %d", len(sched), refusals+1))
	}
	var span time.Duration
	for _, d := range sched[1 : refusals+1] {
		span += d
	}
	if span > w.realTimeLimit() {
		return w.skip(fmt.Sprintf("the declared retry schedule (%s to attempt %d) is too long to wait for in real time (checked by the @clock scenarios where the wallet offers clock control)", span, refusals+1))
	}
	got := receivedWithin(ctx, w.wait()+span, refusals+1)
	if !mandatory && len(got) == 1 {
		w.should(ctx, "the wallet should retry a notification the merchant refused with F; it sent it once%s", bodies(got))
		return nil
	}
	require.Len(t, got, refusals+1, "deliveries of the notification: %d refused, then one answered S%s", refusals, bodies(got))
	for i := 1; i < len(got); i++ {
		gap, want := got[i].At.Sub(got[i-1].At), sched[i]
		assert.GreaterOrEqual(t, gap, want-100*time.Millisecond, "attempt %d came %s after attempt %d: the schedule says %s", i+1, gap, i, want)
		assert.LessOrEqual(t, gap, want+retrySlack, "attempt %d came %s after attempt %d: the schedule says %s", i+1, gap, i, want)
	}
	// Long enough for the attempt the schedule would make next, had the S not stopped it.
	window := w.settleWindow()
	if refusals+1 < len(sched) && sched[refusals+1]+retrySlack > window {
		window = sched[refusals+1] + retrySlack
	}
	after, until := receivedSettled(ctx, window, refusals+2)
	assert.Len(t, after, refusals+1, "deliveries after the merchant answered S (%s)%s", until, bodies(after))
	return nil
}

// givesUpInRealTime checks, on the wall clock, that the wallet made every attempt of its
// declared schedule for a notification the merchant never acknowledged, and no more.
func givesUpInRealTime(ctx context.Context) error {
	w, t := world(ctx), checks(ctx)
	sched := w.targets.Profile.NotifyRetrySchedule
	var span time.Duration
	for _, d := range sched[1:] {
		span += d
	}
	if span > w.realTimeLimit() {
		return w.skip(fmt.Sprintf("the declared retry schedule (%s to its last attempt) is too long to wait for in real time (checked by the @clock scenarios where the wallet offers clock control)", span))
	}
	got := receivedWithin(ctx, w.wait()+span, len(sched))
	require.Len(t, got, len(sched), "deliveries of a notification the merchant refused every time: one per attempt of the schedule %v%s", sched, bodies(got))
	window := sched[len(sched)-1] + minSettle
	after, until := receivedSettled(ctx, window, len(sched)+1)
	assert.Len(t, after, len(sched), "deliveries after the last attempt of the schedule (%s)%s", until, bodies(after))
	return nil
}

// secondClient is the kit playing a second merchant, registered with the wallet under
// fixtures.SecondClientID with its own key.
func (w *World) secondClient(ctx context.Context) *walletclient.Client {
	t := checks(ctx)
	require.NotNil(t, w.targets.SecondMerchantKey, "no key of the second test merchant")
	c, err := w.newWalletClient(w.targets.SecondClientID, w.targets.SecondMerchantKey)
	require.NoError(t, err)
	return c
}

// kitOrderStrVariant signs a general orderStr as the kit's merchant, with no notify_url (the
// wallet notifies the merchant's registered URL) and one variant the protocol accepts:
// "sign_type RSA", "charset GBK", "no method", "a non-ASCII title". A non-empty outTradeNo
// reuses a request id.
func kitOrderStrVariant(ctx context.Context, amount, variant, outTradeNo string) {
	w, t := world(ctx), checks(ctx)
	a := kitOrderStrAmount(ctx, amount, w.targets.AppID)
	if outTradeNo == "" {
		outTradeNo = newID("kit-otv-")
	}
	w.paymentRequestID = outTradeNo
	p, err := orderstr.NewGeneral(orderstr.GeneralOrder{AppID: w.targets.AppID, OutTradeNo: outTradeNo, Subject: orderTitle, Amount: a}, time.Now())
	require.NoError(t, err)
	title := orderTitle
	switch variant {
	case "":
	case "sign_type RSA":
		p[orderstr.KeySignType] = orderstr.SignTypeRSA
	case "charset GBK":
		p[orderstr.KeyCharset] = orderstr.CharsetGBK
		p[orderstr.KeyBizContent] = setBiz(ctx, p[orderstr.KeyBizContent], "subject", "支付宝测试订单")
	case "no method":
		delete(p, orderstr.KeyMethod)
	case "a non-ASCII title":
		// Signed over its UTF-8 bytes: a wallet or merchant that escapes or re-encodes the
		// title breaks the sign only here (issue 16).
		title = nonASCIITitle
		p[orderstr.KeyBizContent] = setBiz(ctx, p[orderstr.KeyBizContent], "subject", title)
	case "no sign":
		signed, err := orderstr.Sign(p, w.targets.MerchantKey)
		require.NoError(t, err)
		delete(signed, orderstr.KeySign)
		raw, err := orderstr.Encode(signed)
		require.NoError(t, err)
		w.token = target.Token{OrderStr: raw}
		w.orderAmount, w.orderTitle = a, orderTitle
		return
	case "version 2.0":
		p[orderstr.KeyVersion] = "2.0"
	case "a timestamp not in yyyy-MM-dd HH:mm:ss":
		p[orderstr.KeyTimestamp] = time.Now().Format(time.RFC3339)
	case "pay_timeout 16d":
		p[orderstr.KeyBizContent] = setBiz(ctx, p[orderstr.KeyBizContent], "pay_timeout", "16d")
	default:
		require.Failf(t, "unknown orderStr variant", "%q: want sign_type RSA, charset GBK, no method, a non-ASCII title, no sign, version 2.0, a timestamp not in yyyy-MM-dd HH:mm:ss or pay_timeout 16d", variant)
	}
	w.token = target.Token{OrderStr: kitSign(ctx, p)}
	w.orderAmount, w.orderTitle = a, title
}

// nonASCIITitle is an order title outside ASCII: CJK, an accent and a symbol beyond the BMP.
const nonASCIITitle = "咖啡 café ⚡ 🚗"

// setBiz sets one field of a biz_content.
func setBiz(ctx context.Context, biz, field, value string) string {
	var m map[string]any
	require.NoError(checks(ctx), json.Unmarshal([]byte(biz), &m))
	m[field] = value
	return string(mustJSON(ctx, m))
}
