package merchant_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAdapterTakesJSONFromProgramsOnly: the test adapter creates orders and moves money, so
// a web page of another origin must not drive it, and nothing but JSON reaches it.
func TestAdapterTakesJSONFromProgramsOnly(t *testing.T) {
	h := newHarness(t)
	body := `{"flow":"tradeNO","type":"GENERAL","amount":{"currency":"USD","value":"100"},"title":"t"}`
	post := func(ct string, header map[string]string) int {
		req, err := http.NewRequest(http.MethodPost, h.m.URL()+"/conformance/orders", strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", ct)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, http.StatusUnsupportedMediaType, post("text/plain", nil))
	assert.Equal(t, http.StatusForbidden, post("application/json", map[string]string{"Origin": "http://127.0.0.1:1"}))
	assert.Equal(t, http.StatusForbidden, post("application/json", map[string]string{"Sec-Fetch-Site": "cross-site"}))
	assert.Empty(t, h.wallet.received("pay"), "no order reached the wallet")
	post("application/json", nil) // the fake wallet answers nothing useful; what matters is that it is asked
	assert.NotEmpty(t, h.wallet.received("pay"), "a JSON request from a program reaches the merchant")
}
