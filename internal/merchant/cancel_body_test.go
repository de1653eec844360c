package merchant_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCancelRefusesAMalformedBody: cancel takes no fields, but a body that is not a JSON
// object is a malformed request (400) and must not cancel the order (found by the bad-input
// scenarios: cancel used to ignore its body).
func TestCancelRefusesAMalformedBody(t *testing.T) {
	h := newHarness(t)
	v := pendingOrder(h, "GENERAL")
	h.wallet.answer("cancel", result("SUCCESS", "S")+`}`)

	for body, want := range map[string]string{
		`{"reason":`:                          "JSON",
		`[]`:                                  "body",
		"{\"reason\":\"\xff\"}":               "UTF-8",
		`{"x":"` + strings.Repeat("x", 70000): "body",
	} {
		status, got := h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/cancel", body)
		assert.Equal(t, http.StatusBadRequest, status, "%.40q", body)
		assert.Contains(t, got.Error, want, "%.40q", body)
	}
	assert.Empty(t, h.wallet.received("cancel"), "no cancel reached the wallet")
	assert.Equal(t, "PENDING", h.get(v.OrderID).Status)

	// Empty and {} bodies, and fields the merchant does not know, still cancel.
	status, got := h.call(http.MethodPost, "/conformance/orders/"+v.OrderID+"/cancel", `{"reason":"changed my mind"}`)
	require.Equal(t, http.StatusOK, status, got.Error)
	assert.Equal(t, "CANCELLED", got.Status)
}
