package wallet

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// TestClockMoveInMemoryOverManyPayments is the in-memory counterpart of the data file's
// TestClockMoveOverManyPaymentsSavesInOneBatch (package sqlitestore): a clock move past the
// deadline of many waiting payments (20,000) expires each, notifies it and retries once. It
// bounds the CPU time of the move, 0.04 ms a payment (0.8 s): a move that does work in
// proportion to all the payments for each one (a scan of the store per save, say) fails it.
// Measured at 0.26 to 0.27 s of CPU (0.23 to 0.24 s wall) at load 0.9 on the 2-core machine
// (0.3 to 0.44 s at load 1.9 to 6 before the timer heap held due times); the bound leaves
// room for a more loaded one. TRADEPAYKIT_ADVANCE_PAYMENTS sets
// another number of payments. Under the race detector the move is over 5,000 payments and not
// bounded.
func TestClockMoveInMemoryOverManyPayments(t *testing.T) {
	n := 20000
	if raceEnabled {
		n = 5000
	}
	if v := os.Getenv("TRADEPAYKIT_ADVANCE_PAYMENTS"); v != "" {
		var err error
		n, err = strconv.Atoi(v)
		require.NoError(t, err, "TRADEPAYKIT_ADVANCE_PAYMENTS")
	}
	s, err := NewServer(Config{PrivateKey: fixtures.PrivateKey(fixtures.WalletPrivateKey)})
	require.NoError(t, err)
	now := s.clock.Now()
	s.mu.Lock()
	for i := range n {
		p := &payment{ID: fmt.Sprintf("P%06d", i), ClientID: fixtures.ClientID, RequestID: fmt.Sprintf("R%06d", i), Kind: General,
			Amount: money.Amount{Currency: "USD", Value: 1000}, Title: "order", Status: openapi.PaymentProcessing,
			CreatedAt: now, Deadline: now.Add(15 * time.Minute)}
		require.NoError(t, s.store.savePayment(p))
		s.armDeadlineLocked(p, now)
	}
	s.mu.Unlock()
	require.NoError(t, s.Start("127.0.0.1:0"))
	defer s.Close()

	cpu0 := cpuTime()
	start := time.Now()
	resp, err := http.Post(s.URL()+"/conformance/clock", "application/json", strings.NewReader(`{"advance":"20m"}`))
	took := time.Since(start)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	cpu := cpuTime() - cpu0
	t.Logf("a clock move over %d payments in memory took %s (%s of CPU)", n, took, cpu)

	resp, err = http.Get(s.URL() + fmt.Sprintf("/conformance/payments/P%06d", n-1))
	require.NoError(t, err)
	defer resp.Body.Close()
	var view PaymentView
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&view))
	assert.Equal(t, openapi.PaymentFail, view.Status, "the last payment expired")
	assert.Len(t, view.Notifications, 2, "notified at expiry and retried 2 minutes later")
	if raceEnabled {
		return
	}
	assert.Less(t, cpu, time.Duration(n)*40*time.Microsecond)
}

// cpuTime is the CPU time this process used so far: on a loaded machine, a fairer measure
// than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
