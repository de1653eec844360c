package sqlitestore

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/wallet/records"
)

// requireEveryFieldSet fails when a field of the struct v is its zero value: a field added to
// a record and left out of the binary form fails the round trip below instead of vanishing
// from data files.
func requireEveryFieldSet(t *testing.T, v any) {
	t.Helper()
	rv := reflect.ValueOf(v)
	for i := range rv.NumField() {
		require.False(t, rv.Field(i).IsZero(), "%s.%s is not set in the test record", rv.Type().Name(), rv.Type().Field(i).Name)
	}
}

// TestRecordsRoundTripInBothForms: a payment and a pending delivery with every field set read
// back equal from the binary form, and equal to what their JSON form (schema 1) reads back.
func TestRecordsRoundTripInBothForms(t *testing.T) {
	at := time.Date(2026, 12, 7, 16, 0, 0, 123456789, time.UTC)
	attempt := records.Attempt{Attempt: 2, At: at.Add(time.Minute), PaymentStatus: "FAIL", Outcome: "HTTP_500",
		ResultCode: "SYSTEM_ERROR", Detail: "boom", Signed: true, AnswerSignature: "invalid: bad"}
	requireEveryFieldSet(t, attempt)
	p := &records.Payment{
		ID: "P1", RequestID: "R1", ClientID: "C1", Kind: "PREAUTH", Amount: records.Amount{Currency: "USD", Value: 1000},
		Title: "order ü", ProductCode: "CASHIER_PAYMENT", PartnerID: "2088", NotifyURL: "http://127.0.0.1:1/n", Source: "openapi",
		Fingerprint: "fp", RawBody: `{"a":1}`, Status: "AUTH_SUCCESS", CreatedAt: at, Deadline: at.Add(15 * time.Minute),
		PaidAt: at.Add(time.Minute), AuthExpiry: at.Add(7 * 24 * time.Hour), FailReason: "none",
		CancelTime: at.In(time.FixedZone("", 8*3600)).Add(time.Hour), Payer: "payer",
		Captured: records.Amount{Currency: "USD", Value: 300}, Released: records.Amount{Currency: "USD", Value: -1},
		Closed: true, Refunded: records.Amount{Currency: "USD", Value: 100},
		PayResponse: &openapi.PayResponse{Result: openapi.Result{ResultCode: "SUCCESS", ResultStatus: "S", ResultMessage: "ok"},
			PaymentID: "P1", PaymentTime: "2026-12-07T16:01:00Z"},
		Notifications: []records.Attempt{attempt, {Attempt: 1, Outcome: "UNREACHABLE"}},
		NotifyDue:     true, Open: true, AwaitingFirstDelivery: true,
	}
	requireEveryFieldSet(t, *p)
	// Open and AwaitingFirstDelivery are columns, not part of the record.
	want := *p
	want.Open, want.AwaitingFirstDelivery = false, false

	data, err := appendPayment(nil, p)
	require.NoError(t, err)
	got, err := decodePayment(data)
	require.NoError(t, err)
	assert.Equal(t, &want, got, "binary form")
	js, err := json.Marshal(p)
	require.NoError(t, err)
	fromJSON, err := decodePayment(js)
	require.NoError(t, err)
	assert.Equal(t, fromJSON, got, "the binary form reads back as the JSON form does")
	_, err = decodePayment(data[:len(data)-1])
	require.Error(t, err, "a record cut short")

	d := records.Delivery{PaymentID: "P1", RequestID: "R1", ClientID: "C1", URL: "http://127.0.0.1:1/n", Status: "FAIL",
		Body: `{"paymentId":"P1"}`, Attempt: 3, Due: at.Add(time.Hour)}
	requireEveryFieldSet(t, d)
	data, err = appendDelivery(nil, &d)
	require.NoError(t, err)
	gotD, err := decodeDelivery(data)
	require.NoError(t, err)
	assert.Equal(t, d, gotD, "binary form")
	js, err = json.Marshal(d)
	require.NoError(t, err)
	fromJSOND, err := decodeDelivery(js)
	require.NoError(t, err)
	assert.Equal(t, fromJSOND, gotD, "the binary form reads back as the JSON form does")
}
