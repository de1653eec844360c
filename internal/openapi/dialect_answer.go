package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tradepaykit/tradepaykit/internal/dialect"
)

// DecodeAnswer reads an answer of the wallet (pay, cancel, capture, refund, inquiryRefund)
// leniently, as DecodeResponse does, in d's shape: where the dialect's reader accepts an
// Amount.value written as a JSON integer (the v2 data dictionary), each top-level amount
// (paymentAmount, captureAmount, refundAmount, ...) may carry one, and v then holds its
// digits as the string the kit's types keep. Elsewhere a JSON number is refused as today.
func DecodeAnswer(d dialect.Dialect, body []byte, v any) error {
	if !d.AcceptsIntegerAmount() {
		return DecodeResponse(body, v)
	}
	normalized, err := integerAmountsAsStrings(d, body)
	if err != nil {
		return fmt.Errorf("response body: %w", err)
	}
	return DecodeResponse(normalized, v)
}

// integerAmountsAsStrings rewrites the top-level amounts of body whose value is a JSON
// integer into the string form. A body that is not a JSON object is returned as it is, for
// DecodeResponse to refuse.
func integerAmountsAsStrings(d dialect.Dialect, body []byte) ([]byte, error) {
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil {
		return body, nil
	}
	changed := false
	for name, raw := range fields {
		if !strings.HasSuffix(name, "Amount") {
			continue
		}
		var a rawAmount
		if json.Unmarshal(raw, &a) != nil {
			continue // not an amount object: DecodeResponse names the type error
		}
		v := bytes.TrimSpace(a.Value)
		if len(v) == 0 || (v[0] != '-' && (v[0] < '0' || v[0] > '9')) {
			continue
		}
		amount, err := a.amount(d, name)
		if err != nil {
			return nil, err
		}
		fields[name], _ = json.Marshal(amount)
		changed = true
	}
	if !changed {
		return body, nil
	}
	return json.Marshal(fields)
}
