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
// deadline of many waiting payments expires each, notifies it and retries once. It bounds the
// CPU time of the move, 0.075 ms a payment: a move that does work in proportion to all the
// payments for each one (a scan of the store per save, say) fails it. Measured at 0.02 to
// 0.03 ms a payment (0.39 to 0.63 s of CPU for 20,000, 0.10 to 0.14 s for 5,000) on the 2-core
// machine at load 4 to 8; the bound leaves room for a more loaded one. make test moves 5,000
// payments; TRADEPAYKIT_ADVANCE_PAYMENTS=20000 the full run. Not bounded under the race
// detector.
func TestClockMoveInMemoryOverManyPayments(t *testing.T) {
	n := 5000
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
	assert.Less(t, cpu, time.Duration(n)*75*time.Microsecond)
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
