package preflight

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHook: a hook that answers at all, even to refuse the probe's empty body, is there; no
// answer, 404 or 405 means nothing is, and the error says what to check.
func TestHook(t *testing.T) {
	status := http.StatusBadRequest
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(status) }))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	require.NoError(t, Hook(ctx, srv.Client(), "test adapter", "--merchant-url", srv.URL+"/conformance/orders", "the URL"))

	for _, status = range []int{http.StatusNotFound, http.StatusMethodNotAllowed} {
		err := Hook(ctx, srv.Client(), "test adapter", "--merchant-url", srv.URL+"/conformance/orders", "the URL")
		assert.True(t, errors.Is(err, ErrUnreachable), "HTTP %d: %v", status, err)
		assert.ErrorContains(t, err, "the test adapter is not at POST "+srv.URL+"/conformance/orders (--merchant-url)")
		assert.ErrorContains(t, err, "check: the URL")
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	dead := "http://" + ln.Addr().String()
	require.NoError(t, ln.Close())
	err = Hook(ctx, http.DefaultClient, "test adapter", "--merchant-url", dead+"/conformance/orders", "the URL")
	assert.True(t, errors.Is(err, ErrUnreachable), "%v", err)
	assert.ErrorContains(t, err, "cannot reach the test adapter at POST "+dead+"/conformance/orders (--merchant-url)")

	assert.NoError(t, Answers(ctx, srv.Client(), srv.URL+"/notify"))
	assert.ErrorContains(t, Answers(ctx, http.DefaultClient, dead+"/notify"), "nothing answers at the merchant's notify URL "+dead+"/notify")
}
