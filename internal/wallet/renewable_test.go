package wallet

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
)

// A renewable wallet keeps its wallet while the business clock follows the wall clock, and
// swaps in a fresh one (fresh clock, no payments) once a scenario moved the clock ahead.
func TestRenewableRenewsOnlyAWalletWhoseClockRunsAhead(t *testing.T) {
	configs := 0
	r, err := NewRenewable(func() Config {
		configs++
		return Config{PrivateKey: fixtures.PrivateKey(fixtures.WalletPrivateKey)}
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = r.Close() })
	first := r.Current()

	require.NoError(t, r.RenewIfAhead())
	assert.Same(t, first, r.Current(), "a clock on time: the same wallet")

	require.NoError(t, first.Clock().Advance(time.Hour))
	require.NoError(t, r.RenewIfAhead())
	assert.NotSame(t, first, r.Current(), "a clock an hour ahead: a fresh wallet")
	assert.WithinDuration(t, time.Now(), r.Current().Clock().Now(), time.Second, "the fresh wallet's clock")
	assert.Equal(t, 2, configs)

	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/conformance/payments/nope", nil))
	assert.Equal(t, http.StatusNotFound, rec.Code, "requests reach the current wallet")
}
