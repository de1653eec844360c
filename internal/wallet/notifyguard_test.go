package wallet

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// Nothing in these tests sends a packet off the machine: redirects go from loopback to
// loopback, and the connect-time rule is checked on a stub dialer that records what it was
// asked to dial instead of dialling.

func TestNotifierFollowsNoRedirect(t *testing.T) {
	s := mustOpenServer(t)
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		elsewhere.Add(1)
		_ = json.NewEncoder(w).Encode(map[string]any{"result": map[string]string{"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "stolen"}})
	}))
	defer other.Close()
	redirecting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/notify", http.StatusTemporaryRedirect)
	}))
	defer redirecting.Close()

	var pay openapi.PayResponse
	call(t, s, "pay", payBody("redirect-1", "100", redirecting.URL+"/notify", false), &pay)
	require.Equal(t, "9000", tradePay(t, s, "tradeNO", pay.PaymentID, ActionConfirm))
	waitAttempts(t, s, pay.PaymentID, 1)

	s.mu.Lock()
	a := s.paymentLocked(pay.PaymentID).notifications[0]
	s.mu.Unlock()
	assert.Equal(t, "HTTP_307", a.Outcome, "a redirect is the merchant's answer, not S: the wallet retries")
	assert.Contains(t, a.Detail, "not followed")
	assert.Zero(t, elsewhere.Load(), "the signed notification went nowhere but the notify URL")
}

func TestNotifierFollowsNoRedirectEvenWithACallersClient(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	redirecting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL, http.StatusFound)
	}))
	defer redirecting.Close()
	n := Notifier{PrivateKey: fixtures.PrivateKey(fixtures.WalletPrivateKey), Client: &http.Client{}} // a client that would follow
	a := n.Deliver(context.Background(), redirecting.URL, "client", []byte(`{}`))
	assert.Equal(t, "HTTP_302", a.Outcome)
	assert.Zero(t, elsewhere.Load())
}

func TestConnectTimeRuleRefusesAddressesOffTheMachine(t *testing.T) {
	var dialled []string
	stub := func(_ context.Context, _, address string) (net.Conn, error) {
		dialled = append(dialled, address)
		return nil, errors.New("stub: not dialling")
	}
	resolve := map[string][]netip.Addr{
		"merchant.test":  {netip.MustParseAddr("10.0.0.1")},
		"rebinding.test": {netip.MustParseAddr("192.0.2.7"), netip.MustParseAddr("127.0.0.1")},
		"localhost":      {netip.MustParseAddr("::1"), netip.MustParseAddr("127.0.0.1")},
	}
	lookup := func(_ context.Context, _, host string) ([]netip.Addr, error) {
		if a, ok := resolve[host]; ok {
			return a, nil
		}
		return nil, errors.New("stub: no such host")
	}
	dial := loopbackDial(lookup, stub)

	for _, address := range []string{"10.0.0.1:9", "merchant.test:80", "[::ffff:10.0.0.1]:9", "[2001:db8::1]:443"} {
		dialled = nil
		_, err := dial(context.Background(), "tcp", address)
		assert.ErrorIs(t, err, errRemoteDial, address)
		assert.Empty(t, dialled, "%s: nothing dialled", address)
	}
	dialled = nil
	_, _ = dial(context.Background(), "tcp", "rebinding.test:8080")
	assert.Equal(t, []string{"127.0.0.1:8080"}, dialled, "only the loopback address of a mixed answer is dialled")
	dialled = nil
	_, _ = dial(context.Background(), "tcp", "localhost:8080")
	assert.Equal(t, []string{"[::1]:8080", "127.0.0.1:8080"}, dialled)
	dialled = nil
	_, _ = dial(context.Background(), "tcp", "127.0.0.1:1")
	assert.Equal(t, []string{"127.0.0.1:1"}, dialled)

	// The socket's Control hook, the last check before connect, says the same.
	assert.ErrorIs(t, loopbackOnly("tcp4", "10.0.0.1:9", nil), errRemoteDial)
	assert.ErrorIs(t, loopbackOnly("tcp6", "[::ffff:192.0.2.1]:9", nil), errRemoteDial)
	assert.NoError(t, loopbackOnly("tcp4", "127.0.0.1:9", nil))
	assert.NoError(t, loopbackOnly("tcp6", "[::1]:9", nil))
}

func TestNotificationsInFlightAreCappedPerTarget(t *testing.T) {
	const limit = 3
	s := openServer(t, func(c *Config) { c.MaxNotifyInFlight = limit; c.NotifyTimeout = 10 * time.Second })
	var mu sync.Mutex
	current, peak := 0, 0
	proceed := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		current++
		peak = max(peak, current)
		mu.Unlock()
		<-proceed
		mu.Lock()
		current--
		mu.Unlock()
		_ = json.NewEncoder(w).Encode(map[string]any{"result": map[string]string{"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "ok"}})
	}))
	defer slow.Close()
	var once sync.Once
	unblock := func() { once.Do(func() { close(proceed) }) }
	defer unblock() // before slow.Close: a failed check must not leave handlers waiting
	var pay openapi.PayResponse
	call(t, s, "pay", payBody("cap-1", "100", slow.URL, false), &pay)
	code, _ := script(t, s, `{"paymentId":"`+pay.PaymentID+`","action":"HOLD"}`)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "9000", tradePay(t, s, "tradeNO", pay.PaymentID, ActionConfirm))

	const total = 10
	done := make(chan []Attempt, 1)
	go func() {
		_, attempts := script(t, s, `{"paymentId":"`+pay.PaymentID+`","action":"RESEND","count":10}`)
		done <- attempts
	}()
	for left := total; left > 0; left-- {
		want := min(limit, left)
		require.Eventually(t, func() bool {
			mu.Lock()
			defer mu.Unlock()
			return current == want
		}, 5*time.Second, time.Millisecond, "%d deliveries in flight at the merchant", want)
		proceed <- struct{}{}
	}
	attempts := <-done
	assert.Len(t, attempts, total)
	mu.Lock()
	assert.Equal(t, limit, peak, "never more than the cap in flight at once")
	mu.Unlock()
}

func TestNotifyTargetKeysBySchemeAndHost(t *testing.T) {
	assert.Equal(t, "http://127.0.0.1:8080", notifyTarget("http://127.0.0.1:8080/a/notify?x=1"))
	assert.Equal(t, notifyTarget("http://127.0.0.1:8080/a"), notifyTarget("http://127.0.0.1:8080/b"))
	assert.NotEqual(t, notifyTarget("http://127.0.0.1:8080/a"), notifyTarget("http://127.0.0.1:8081/a"))
	assert.True(t, strings.HasPrefix(notifyTarget("https://localhost/x"), "https://"))
}
