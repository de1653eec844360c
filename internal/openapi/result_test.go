package openapi_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// profileStatuses is the table of PROTOCOL.md, "Result codes the kit knows", copied by hand
// so that a change to either side shows up here.
var profileStatuses = []struct {
	code   openapi.Code
	wire   string
	status openapi.Status
}{
	{openapi.Success, "SUCCESS", "S"},
	{openapi.Accept, "ACCEPT", "A"},
	{openapi.ParamIllegal, "PARAM_ILLEGAL", "F"},
	{openapi.ProcessFail, "PROCESS_FAIL", "F"},
	{openapi.AccessDenied, "ACCESS_DENIED", "F"},
	{openapi.InvalidSignature, "INVALID_SIGNATURE", "F"},
	{openapi.KeyNotFound, "KEY_NOT_FOUND", "F"},
	{openapi.InvalidClient, "INVALID_CLIENT", "F"},
	{openapi.RepeatReqInconsistent, "REPEAT_REQ_INCONSISTENT", "F"},
	{openapi.OrderNotExist, "ORDER_NOT_EXIST", "F"},
	{openapi.OrderIsClosed, "ORDER_IS_CLOSED", "F"},
	{openapi.CurrencyNotSupport, "CURRENCY_NOT_SUPPORT", "F"},
	{openapi.UserBalanceNotEnough, "USER_BALANCE_NOT_ENOUGH", "F"},
	{openapi.CaptureAmountExceed, "CAPTURE_AMOUNT_EXCEED", "F"},
	{openapi.AuthorizationExpired, "AUTHORIZATION_EXPIRED", "F"},
	{openapi.CancelWindowExceed, "CANCEL_WINDOW_EXCEED", "F"},
	{openapi.RefundAmountExceed, "REFUND_AMOUNT_EXCEED", "F"},
	{openapi.RefundNotAllowed, "REFUND_NOT_ALLOWED", "F"},
	{openapi.RequestTrafficExceedLimit, "REQUEST_TRAFFIC_EXCEED_LIMIT", "U"},
	{openapi.UnknownException, "UNKNOWN_EXCEPTION", "U"},
	{openapi.CaptureInProcess, "CAPTURE_IN_PROCESS", "U"},
	{openapi.RefundInProcess, "REFUND_IN_PROCESS", "U"},
	{openapi.CaptureAmountExceedAuthLimit, "CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT", "F"},
	{openapi.AuthExpired, "AUTH_EXPIRED", "F"},
	{openapi.AuthCancelled, "AUTH_CANCELLED", "F"},
	{openapi.AuthNotFound, "AUTH_NOT_FOUND", "F"},
	{openapi.MultiRefundNotAllowed, "MULTI_REFUND_NOT_ALLOWED", "F"},
}

// TestSameRefusal: the published capture aliases stand in for the codes whose level is
// SHOULD, and for no other (docs/protocol.md, "Where published wallets differ").
func TestSameRefusal(t *testing.T) {
	for _, want := range []openapi.Code{openapi.CaptureAmountExceed, openapi.AuthorizationExpired, openapi.OrderIsClosed} {
		assert.True(t, openapi.RefusalCodeIsShould(want), "%s", want)
		assert.True(t, openapi.SameRefusal(want, want), "%s", want)
		for _, alias := range []openapi.Code{openapi.CaptureAmountExceedAuthLimit, openapi.AuthExpired, openapi.AuthCancelled, openapi.AuthNotFound} {
			assert.True(t, openapi.SameRefusal(want, alias), "%s for %s", alias, want)
		}
		assert.False(t, openapi.SameRefusal(want, openapi.ProcessFail), "PROCESS_FAIL for %s", want)
	}
	assert.False(t, openapi.RefusalCodeIsShould(openapi.RefundAmountExceed))
	assert.False(t, openapi.SameRefusal(openapi.RefundAmountExceed, openapi.CaptureAmountExceedAuthLimit))
}

func TestStatusOf(t *testing.T) {
	require.Len(t, profileStatuses, 27)
	for _, tc := range profileStatuses {
		t.Run(tc.wire, func(t *testing.T) {
			assert.Equal(t, tc.wire, string(tc.code))
			got, ok := openapi.StatusOf(tc.code)
			require.True(t, ok)
			assert.Equal(t, tc.status, got)

			r := openapi.NewResult(tc.code, "m")
			assert.Equal(t, openapi.Result{ResultCode: tc.code, ResultStatus: tc.status, ResultMessage: "m"}, r)
		})
	}
	for _, unknown := range []openapi.Code{"", "success", "RISK_REJECT", "SUCCESS "} {
		_, ok := openapi.StatusOf(unknown)
		assert.False(t, ok, "%q", unknown)
	}
}

func TestNewResult(t *testing.T) {
	assert.Equal(t, openapi.Result{ResultCode: "SUCCESS", ResultStatus: "S", ResultMessage: "success"}, openapi.SuccessResult())
	// A code the kit does not know cannot be called final: U makes the other side query.
	assert.Equal(t, openapi.StatusUnknown, openapi.NewResult("SOMETHING_NEW", "x").ResultStatus)

	b, err := json.Marshal(openapi.NewResult(openapi.ParamIllegal, "paymentAmount.value is missing"))
	require.NoError(t, err)
	assert.JSONEq(t, `{"resultCode":"PARAM_ILLEGAL","resultStatus":"F","resultMessage":"paymentAmount.value is missing"}`, string(b))
}

func TestError(t *testing.T) {
	err := openapi.Errorf(openapi.OrderNotExist, "payment %q is unknown", "P-9")
	assert.Equal(t, `ORDER_NOT_EXIST: payment "P-9" is unknown`, err.Error())
	assert.Equal(t, openapi.Result{ResultCode: "ORDER_NOT_EXIST", ResultStatus: "F", ResultMessage: `payment "P-9" is unknown`}, err.Result())
}

func TestResultOf(t *testing.T) {
	apiErr := openapi.Errorf(openapi.RefundAmountExceed, "too much")
	assert.Equal(t, openapi.NewResult(openapi.RefundAmountExceed, "too much"), openapi.ResultOf(apiErr))
	assert.Equal(t, openapi.NewResult(openapi.RefundAmountExceed, "too much"), openapi.ResultOf(fmt.Errorf("refund R-1: %w", apiErr)),
		"a wrapped *Error keeps its code")

	got := openapi.ResultOf(errors.New("database is down"))
	assert.Equal(t, openapi.Result{ResultCode: "UNKNOWN_EXCEPTION", ResultStatus: "U", ResultMessage: "database is down"}, got)
}

func TestAmountMoney(t *testing.T) {
	got, err := openapi.Amount{Currency: "KWD", Value: "1234"}.Money("refundAmount")
	require.NoError(t, err)
	assert.Equal(t, money.Amount{Currency: "KWD", Value: 1234}, got)

	got, err = openapi.Amount{Currency: "JPY", Value: "0"}.Money("paymentAmount")
	require.NoError(t, err)
	assert.Equal(t, money.Amount{Currency: "JPY", Value: 0}, got)

	_, err = openapi.Amount{Currency: "JPY", Value: "0"}.PositiveMoney("paymentAmount")
	var apiErr *openapi.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, openapi.ParamIllegal, apiErr.Code)
	assert.Equal(t, "paymentAmount.value must be above zero", apiErr.Message)

	_, err = openapi.Amount{Currency: "USD", Value: "1.00"}.Money("x.amount")
	require.ErrorAs(t, err, &apiErr)
	assert.Contains(t, apiErr.Message, "x.amount.value")
}

func TestWireAmount(t *testing.T) {
	m := money.Amount{Currency: "USD", Value: 1000}
	assert.Equal(t, openapi.Amount{Currency: "USD", Value: "1000"}, openapi.WireAmount(m))
	p := openapi.WireAmountPtr(m)
	require.NotNil(t, p)
	assert.Equal(t, openapi.Amount{Currency: "USD", Value: "1000"}, *p)

	b, err := json.Marshal(openapi.WireAmount(m))
	require.NoError(t, err)
	assert.JSONEq(t, `{"currency":"USD","value":"1000"}`, string(b))

	back, err := openapi.WireAmount(m).Money("a")
	require.NoError(t, err)
	assert.Equal(t, m, back)
}

func TestRedirectActionFormURL(t *testing.T) {
	var none *openapi.RedirectActionForm
	assert.Equal(t, "", none.URL())
	assert.Equal(t, "https://a", (&openapi.RedirectActionForm{RedirectURL: "https://a"}).URL())
	assert.Equal(t, "https://b", (&openapi.RedirectActionForm{RedirectionURL: "https://b"}).URL())
	assert.Equal(t, "https://a", (&openapi.RedirectActionForm{RedirectURL: "https://a", RedirectionURL: "https://b"}).URL())
	assert.Equal(t, "", (&openapi.RedirectActionForm{Method: "GET"}).URL())
}

func TestResponsesOmitEmptyFields(t *testing.T) {
	b, err := json.Marshal(openapi.PayResponse{Result: openapi.NewResult(openapi.ParamIllegal, "x")})
	require.NoError(t, err)
	assert.JSONEq(t, `{"result":{"resultCode":"PARAM_ILLEGAL","resultStatus":"F","resultMessage":"x"}}`, string(b))
}

func TestResultOfNil(t *testing.T) {
	assert.Equal(t, openapi.SuccessResult(), openapi.ResultOf(nil))
}
