package steps

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/target"
	"github.com/tradepaykit/tradepaykit/internal/walletclient"
)

// Bad input to every endpoint of both parties (PROTOCOL.md, "pay and idempotency": refused
// PARAM_ILLEGAL naming the field; DESIGN.md, "Merchant test adapter": 400): malformed JSON,
// wrong types, missing and extra fields, oversized bodies, fields over their length, float,
// negative or zero amounts, unknown currencies, invalid UTF-8. Never a server error, never a
// change. Scenarios name a defect in a small language applied to a well-formed body:
//
//	malformed JSON | a JSON array | data after the object | a body over 64 KiB | an extra field
//	no <field> | <field> = <text> | <field> = number <n> | <field> = <n> characters
//	<field> = invalid UTF-8 | <field> = an object | <field> = a list | <field> = null | <field> = true
//
// where <field> is a JSON path such as paymentAmount.value.
func registerBadInputSteps(sc stepScope) {
	// The wallet's OpenAPI, the kit playing the merchant.
	sc.Step(sc.pattern(`^the kit calls the wallet's "([^"]*)" with "([^"]*)"$`), func(ctx context.Context, api, defect string) error {
		w := world(ctx)
		// The defect as the target's dialect has it, or the dialect rules it out.
		var why string
		switch api {
		case walletclient.APIPay:
			defect, why = payDefect(w.dialect(), defect)
		case walletclient.APICapture, walletclient.APIRefund:
			why = amountDefect(w.dialect(), defect)
		}
		if why != "" {
			return w.notApplicable(why)
		}
		base := w.walletBase(ctx, api)
		raw, err := applyDefect(base, defect)
		require.NoError(checks(ctx), err)
		w.sendRaw(ctx, api, base, raw)
		return nil
	})
	sc.Step(sc.pattern(`^the wallet answers "([^"]*)"$`), func(ctx context.Context, code string) error {
		w, t := world(ctx), checks(ctx)
		r := w.lastResult
		require.NotEmpty(t, r.ResultCode, "the kit has sent nothing to the wallet")
		assert.Equal(t, openapi.Code(code), r.ResultCode, "resultCode (%s): %s", r.ResultStatus, r.ResultMessage)
		return nil
	})
	sc.Step(sc.pattern(`^the wallet has no refund for that request$`), func(ctx context.Context) error {
		t := checks(ctx)
		id := probeOf(ctx).refundRequestID
		require.NotEmpty(t, id, "the kit has sent no refund in this scenario")
		resp := inquireRefund(ctx, &openapi.InquiryRefundRequest{RefundRequestID: id})
		assert.Equal(t, openapi.OrderNotExist, resp.Result.ResultCode, "inquiryRefund of refundRequestId %s: %s", id, resp.Result.ResultMessage)
		assert.Empty(t, resp.RefundID, "refundId reported for a request that refunded nothing")
		return nil
	})

	// The merchant's test adapter, the kit playing the mini program.
	sc.Step(sc.pattern(`^the mini program sends the merchant's "([^"]*)" request with "([^"]*)"$`), func(ctx context.Context, endpoint, defect string) error {
		w, t := world(ctx), checks(ctx)
		path, base := w.adapterBase(ctx, endpoint)
		raw, err := applyDefect(base, defect)
		require.NoError(t, err)
		p := probeOf(ctx)
		p.adapterBody, p.adapterErr = w.merchant.Post(ctx, path, raw)
		p.adapterSent = true
		return nil
	})
	sc.Step(sc.pattern(`^the merchant answers the bad request with "([^"]*)", and should name "([^"]*)"$`), func(ctx context.Context, answer, field string) error {
		badRequestAnswered(ctx, answer, field)
		return nil
	})
	sc.Step(sc.pattern(`^the merchant should refuse the bad request with 400 naming "([^"]*)"$`), func(ctx context.Context, field string) error {
		// The hook contract asks for a string of minor units; an adapter that also reads a
		// JSON number is tolerant, not wrong (a warning). A server error is never right.
		w, p, t := world(ctx), probeOf(ctx), checks(ctx)
		require.True(t, p.adapterSent, "the mini program has sent the merchant nothing by hand")
		status, body := http.StatusOK, p.adapterBody
		if p.adapterErr != nil {
			var se *target.StatusError
			require.True(t, errors.As(p.adapterErr, &se), "no answer from the merchant: %v", p.adapterErr)
			status, body = se.StatusCode, se.Body
		}
		require.Less(t, status, 500, "HTTP status of the merchant's answer: %s", target.Snippet(body))
		switch {
		case status != http.StatusBadRequest:
			w.should(ctx, "the merchant should refuse %s written otherwise than the hook contract says with 400, it answered %d: %s", field, status, target.Snippet(body))
		case !strings.Contains(string(body), field):
			w.should(ctx, "the merchant's 400 should name %q: %s", field, target.Snippet(body))
		}
		return nil
	})
	sc.Step(sc.pattern(`^the merchant refuses the malformed cancel, or ignores its body and cancels the order$`), func(ctx context.Context) error {
		w, p, t := world(ctx), probeOf(ctx), checks(ctx)
		require.True(t, p.adapterSent, "the mini program has sent the merchant nothing by hand")
		if p.adapterErr == nil {
			// Cancel takes no body (README, "Test hooks"): ignoring it is allowed.
			w.should(ctx, "the merchant cancelled the order despite a malformed body; the kit's merchant refuses it with 400")
			orderIs(ctx, "CANCELLED")
			walletReports(ctx, openapi.PaymentCancelled, "")
			return nil
		}
		var se *target.StatusError
		require.True(t, errors.As(p.adapterErr, &se), "no answer from the merchant: %v", p.adapterErr)
		assert.Equal(t, 400, se.StatusCode, "HTTP status of the merchant's refusal: %s", target.Snippet(se.Body))
		orderIs(ctx, "PENDING")
		walletReports(ctx, openapi.PaymentProcessing, "")
		return nil
	})
	sc.Step(sc.pattern(`^the merchant accepts the request$`), func(ctx context.Context) error {
		p, t := probeOf(ctx), checks(ctx)
		require.True(t, p.adapterSent, "the mini program has sent the merchant nothing by hand")
		assert.NoError(t, p.adapterErr, "the merchant's answer")
		return nil
	})

	// The merchant's notify endpoint, the kit playing the wallet.
	sc.Step(sc.pattern(`^the merchant receives a "([^"]*)" notification with "([^"]*)"$`), func(ctx context.Context, status, defect string) error {
		w, t := world(ctx), checks(ctx)
		defect, why := notificationDefect(w.dialect(), defect)
		if why != "" {
			return w.notApplicable(why)
		}
		m := w.kitNotification(ctx, status)
		body, err := jsonMap(w.notificationBody(ctx, status))
		require.NoError(t, err)
		raw, err := applyDefect(body, defect)
		require.NoError(t, err)
		m.Body = raw
		w.sendSigned(ctx, m, w.targets.MerchantPublicKey)
		return nil
	})
}

// walletBase returns a well-formed request to one of the wallet's APIs about the scenario's
// payment, as a JSON map a defect can break.
func (w *World) walletBase(ctx context.Context, api string) map[string]any {
	t := checks(ctx)
	var v any
	switch api {
	case walletclient.APIPay:
		body := payBody(w, openapi.Amount{Currency: "USD", Value: "1000"})
		v = body
	case walletclient.APIInquiryPayment:
		q := map[string]any{"paymentId": knownPaymentID(ctx)}
		if w.dialect().CarriesPartnerID() {
			q["partnerId"] = w.partnerID()
		}
		v = q
	case walletclient.APICancel:
		v = map[string]any{"paymentId": knownPaymentID(ctx)}
	case walletclient.APICapture:
		v = map[string]any{
			"captureRequestId": newID("kit-cap-"), "paymentId": knownPaymentID(ctx),
			"captureAmount": openapi.Amount{Currency: "USD", Value: "400"}, "isLastCapture": false,
		}
	case walletclient.APIRefund:
		id := newID("kit-ref-")
		probeOf(ctx).refundRequestID = id
		v = map[string]any{
			"refundRequestId": id, "paymentId": knownPaymentID(ctx),
			"refundAmount": openapi.Amount{Currency: "USD", Value: "400"}, "refundReason": "conformance refund",
		}
	case walletclient.APIInquiryRefund:
		v = map[string]any{"refundRequestId": newID("never-refunded-")}
	default:
		require.Failf(t, "unknown API", "%q is not pay, inquiryPayment, cancel, capture, refund or inquiryRefund", api)
	}
	m, err := jsonMap(v)
	require.NoError(t, err)
	return m
}

// sendRaw signs raw as the kit's merchant, sends it to the API and keeps the answer. The
// answer must be signed and no server error, whatever the body.
func (w *World) sendRaw(ctx context.Context, api string, base map[string]any, raw []byte) {
	t := checks(ctx)
	require.NotNil(t, w.targets.MerchantKey, "no merchant private key: the kit cannot play a merchant against this wallet")
	status := 0
	c, err := walletclient.New(walletclient.Config{
		BaseURL: w.targets.WalletURL, ClientID: w.targets.ClientID, PrivateKey: w.targets.MerchantKey,
		WalletPublicKey: w.targets.WalletPublicKey, HTTPClient: w.targets.HTTPClient, Signatures: w.targets.Signatures,
		Dialect: w.dialect(), PartnerID: w.partnerID(),
		OnExchange: func(x walletclient.Exchange) {
			status = x.StatusCode
			w.recordWallet(x)
		},
	})
	require.NoError(t, err)
	// Every answer decodes as a pay answer: the others share its result envelope.
	var resp openapi.PayResponse
	err = c.Send(ctx, w.apiName(api), raw, &resp)
	require.NoError(t, err, "%s: the wallet's answer", api)
	assert.Less(t, status, 500, "HTTP status of the wallet's answer to %s", api)
	w.lastResult = resp.Result
	if api == walletclient.APIPay {
		w.payRequest, w.payBody = base, raw
		w.lastPay = &resp
		if resp.Result.ResultStatus == openapi.StatusAccepted && w.firstPay == nil {
			w.firstPay = &resp
			w.paymentID = resp.PaymentID
		}
	}
}

// adapterBase returns the adapter path of an endpoint and a well-formed body for it.
func (w *World) adapterBase(ctx context.Context, endpoint string) (string, map[string]any) {
	t := checks(ctx)
	if endpoint == "create order" {
		return "/conformance/orders", map[string]any{
			"flow": "tradeNO", "type": "GENERAL", "title": orderTitle,
			"amount": map[string]any{"currency": "USD", "value": "1000"},
		}
	}
	requireOrder(ctx)
	path := "/conformance/orders/" + w.order.OrderID + "/" + endpoint
	switch endpoint {
	case "tradePayResult":
		return path, map[string]any{"resultCode": "9000"}
	case "capture":
		return path, map[string]any{"amount": map[string]any{"currency": w.order.Amount.Currency, "value": "400"}, "final": false}
	case "refund":
		return path, map[string]any{"amount": map[string]any{"currency": w.order.Amount.Currency, "value": "400"}}
	case "cancel":
		return path, map[string]any{}
	}
	require.Failf(t, "unknown adapter endpoint", "%q is not create order, tradePayResult, capture, cancel or refund", endpoint)
	return "", nil
}

// jsonMap turns v into the generic JSON form a defect edits; numbers stay as written.
func jsonMap(v any) (map[string]any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	return m, nil
}

// invalidUTF8 stands in for bytes JSON encoding would repair; applyDefect swaps them in.
const invalidUTF8 = "@@tradepaykit-invalid-utf8@@"

var charactersDefect = regexp.MustCompile(`^(\d+) characters$`)

// applyDefect breaks a well-formed body as the defect says and returns the bytes to send.
func applyDefect(body map[string]any, defect string) ([]byte, error) {
	marshal := func() ([]byte, error) {
		raw, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		return bytes.ReplaceAll(raw, []byte(invalidUTF8), []byte("\xff\xfe")), nil
	}
	switch defect {
	case "malformed JSON":
		raw, err := marshal()
		return raw[:len(raw)/2], err
	case "a JSON array":
		raw, err := marshal()
		return append(append([]byte("["), raw...), ']'), err
	case "data after the object":
		raw, err := marshal()
		return append(raw, []byte(` {"more":1}`)...), err
	case "a body over 64 KiB":
		body["padding"] = strings.Repeat("x", openapi.MaxBodyBytes+1)
		return marshal()
	case "an extra field":
		body["tradepaykitExtraField"] = "a field the receiver does not know"
		return marshal()
	}
	if path, ok := strings.CutPrefix(defect, "no "); ok {
		if err := setPath(body, path, nil, true); err != nil {
			return nil, err
		}
		return marshal()
	}
	path, value, ok := strings.Cut(defect, " = ")
	if !ok {
		return nil, fmt.Errorf("defect %q: want malformed JSON, a JSON array, data after the object, a body over 64 KiB, an extra field, no <field> or <field> = <value>", defect)
	}
	var v any
	switch {
	case value == "invalid UTF-8":
		v = invalidUTF8
	case value == "an object":
		v = map[string]any{}
	case value == "a list":
		v = []any{}
	case value == "null":
		v = nil
	case value == "true":
		v = true
	case strings.HasPrefix(value, "number "):
		n := strings.TrimPrefix(value, "number ")
		if !json.Valid([]byte(n)) {
			return nil, fmt.Errorf("defect %q: %q is not a JSON number", defect, n)
		}
		v = json.RawMessage(n)
	case charactersDefect.MatchString(value):
		n, err := strconv.Atoi(charactersDefect.FindStringSubmatch(value)[1])
		if err != nil || n > 1<<20 {
			return nil, fmt.Errorf("defect %q: unusable length", defect)
		}
		v = strings.Repeat("a", n)
	default:
		v = value
	}
	if err := setPath(body, path, v, false); err != nil {
		return nil, err
	}
	return marshal()
}

// setPath sets (or with remove, deletes) a dotted path in a JSON map, creating objects on the
// way.
func setPath(m map[string]any, path string, v any, remove bool) error {
	keys := strings.Split(path, ".")
	for _, k := range keys[:len(keys)-1] {
		next, ok := m[k].(map[string]any)
		switch {
		case ok:
		case m[k] == nil && !remove:
			next = map[string]any{}
			m[k] = next
		default:
			return fmt.Errorf("path %q: %q is not an object in the body", path, k)
		}
		m = next
	}
	last := keys[len(keys)-1]
	if remove {
		if _, ok := m[last]; !ok {
			return fmt.Errorf("path %q: the body has no such field", path)
		}
		delete(m, last)
		return nil
	}
	m[last] = v
	return nil
}

// badRequestAnswered judges the adapter's answer to bad input by the status the README pins
// (answer): "400" for a malformed request; "400 or 409" for a well-formed value the merchant
// or the wallet refuses (a zero amount, an unknown or foreign currency); "no server error"
// for input at one of the kit's own limits (body size, title length, invalid UTF-8), which a
// merchant may also accept. The body is the merchant's own: a 400 that does not name the
// field, or an answer other than 400, is a warning (README, "Test hooks").
func badRequestAnswered(ctx context.Context, answer, field string) {
	w, p, t := world(ctx), probeOf(ctx), checks(ctx)
	require.True(t, p.adapterSent, "the mini program has sent the merchant nothing by hand")
	status, body := http.StatusOK, p.adapterBody
	if p.adapterErr != nil {
		var se *target.StatusError
		require.True(t, errors.As(p.adapterErr, &se), "no answer from the merchant: %v", p.adapterErr)
		status, body = se.StatusCode, se.Body
	}
	switch answer {
	case "400":
		assert.Equal(t, http.StatusBadRequest, status, "HTTP status of the merchant's answer to a malformed request: %s", target.Snippet(body))
	case "400 or 409":
		assert.Contains(t, []int{http.StatusBadRequest, http.StatusConflict}, status, "HTTP status of the merchant's refusal: %s", target.Snippet(body))
	case "no server error":
		assert.Less(t, status, 500, "HTTP status of the merchant's answer: %s", target.Snippet(body))
	default:
		require.Failf(t, "unknown answer", "%q is not 400, 400 or 409, or no server error", answer)
	}
	switch {
	case status == http.StatusOK:
		w.should(ctx, "the merchant accepted a request with bad %s; the kit's merchant refuses it with 400", field)
	case status != http.StatusBadRequest:
		w.should(ctx, "the merchant should answer 400 to a request with bad %s, it answered %d: %s", field, status, target.Snippet(body))
	case !strings.Contains(string(body), field):
		w.should(ctx, "the merchant's 400 should name %q: %s", field, target.Snippet(body))
	}
}
