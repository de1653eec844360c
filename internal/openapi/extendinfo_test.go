package openapi_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// TestDecodeExtendInfoOfQueriesAndCancels: inquiryPayment and cancel carry extendInfo too,
// and check it as pay does (found by the bad-input scenarios: a cancel with an extendInfo
// that is not JSON used to cancel the payment).
func TestDecodeExtendInfoOfQueriesAndCancels(t *testing.T) {
	for _, typ := range []string{"inquiryPayment", "cancel"} {
		rt := typeNamed(t, typ)
		t.Run(typ, func(t *testing.T) {
			assert.NoError(t, openapi.Decode(rt.valid.with("extendInfo", `{"k":"v"}`).body(t), rt.new()))
			requireParamIllegal(t, rt, rt.valid.with("extendInfo", "not json").body(t), "extendInfo is not a JSON string")
			long := `{"k":"` + strings.Repeat("x", 4096) + `"}`
			requireParamIllegal(t, rt, rt.valid.with("extendInfo", long).body(t), "extendInfo is 4104 characters, longer than 4096")
		})
	}
}
