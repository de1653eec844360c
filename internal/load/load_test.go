package load

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"flag"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/clock"
	"github.com/tradepaykit/tradepaykit/internal/merchant"
	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/target"
	"github.com/tradepaykit/tradepaykit/internal/wallet"
)

var (
	payments = flag.Int("load.payments", 10000, "payments to send through the wallet mock and merchant")
	seed     = flag.Uint64("load.seed", 20261121, "seed of the random flows, actions and notification faults")
	workers  = flag.Int("load.workers", 8, "concurrent mini programs")
)

const appID = "2026LOADAPP0001"

// faultyTransport loses notifications at random, the ways a network and a busy merchant do:
// the request never arrives (timeout), it arrives but the answer is lost (500 after the
// merchant processed it: the wallet must retry and the merchant must be idempotent), or the
// answer is garbage. The decision is drawn from a seeded source under a lock.
type faultyTransport struct {
	next     http.RoundTripper
	mu       sync.Mutex
	rnd      *mrand.Rand
	injected atomic.Int64
}

func (f *faultyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	f.mu.Lock()
	r := f.rnd.Float64()
	f.mu.Unlock()
	switch {
	case r < 0.10:
		f.injected.Add(1)
		return nil, errors.New("injected fault: notification lost on the way")
	case r < 0.20:
		f.injected.Add(1)
		resp, err := f.next.RoundTrip(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		return fakeResponse(req, http.StatusInternalServerError, "injected fault: answer lost"), nil
	case r < 0.25:
		f.injected.Add(1)
		return fakeResponse(req, http.StatusOK, "<html>proxy error</html>"), nil
	}
	return f.next.RoundTrip(req)
}

func fakeResponse(req *http.Request, status int, body string) *http.Response {
	return &http.Response{
		StatusCode: status, Status: http.StatusText(status), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body)), Request: req,
	}
}

// plan is what the mini program and the payer do with one order.
type plan struct {
	flow   target.Flow
	typ    target.OrderType
	action target.Action
	report bool // whether the mini program tells its server the tradePay result
}

func planFor(i int) plan {
	r := mrand.New(mrand.NewPCG(*seed, uint64(i)))
	p := plan{
		flow:   []target.Flow{target.FlowTradeNO, target.FlowOrderStr, target.FlowPaymentURL}[r.IntN(3)],
		typ:    target.General,
		report: r.IntN(10) != 0,
	}
	if r.IntN(10) == 0 {
		p.typ = target.PreAuth
	}
	switch x := r.IntN(100); {
	case x < 50:
		p.action = target.Confirm
	case x < 60:
		p.action = target.Unknown
	case x < 65:
		p.action = target.Pending
	case x < 75:
		p.action = target.Decline
	case x < 90:
		p.action = target.Cancel
	default:
		p.action = target.NetworkError
	}
	return p
}

// TestNothingLostUnderLoad sends the payments, lets every notification retry run on the
// virtual clock, reconciles, and checks that the merchant's view of every order matches the
// wallet's truth: every paid order PAID once with the right amount, every other order final.
//
// The two parties use 1024-bit test keys generated here: every message is still signed and
// verified with real RSA, but a 2048-bit signature costs ~2.6 ms in Go and this test makes
// tens of thousands of them. The 2048-bit fixtures keys are used everywhere else.
//
// It sends -load.payments payments, 10,000 by default (make load, which CI runs); unless that
// flag is given, TRADEPAYKIT_LOAD_PAYMENTS sets the count (make test sends 2,000, to keep
// within its time), and under the race detector it sends 2,000.
func TestNothingLostUnderLoad(t *testing.T) {
	n := *payments
	switch v := os.Getenv("TRADEPAYKIT_LOAD_PAYMENTS"); {
	case flagSet("load.payments"):
	case v != "":
		var err error
		n, err = strconv.Atoi(v)
		require.NoError(t, err, "TRADEPAYKIT_LOAD_PAYMENTS")
		require.Positive(t, n, "TRADEPAYKIT_LOAD_PAYMENTS")
	case raceEnabled:
		n = 2000
	}
	if testing.Short() {
		n = 500
	}
	t.Logf("load: %d payments, seed %d (replay with -load.seed=%d), %d workers", n, *seed, *seed, *workers)
	start := time.Now()

	walletKey, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	merchantKey, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	vclock := clock.NewVirtual()
	faults := &faultyTransport{next: http.DefaultTransport, rnd: mrand.New(mrand.NewPCG(*seed, 0))}

	w, err := wallet.NewServer(wallet.Config{
		PrivateKey: walletKey,
		Merchants:  []wallet.Merchant{{ClientID: fixtures.ClientID, PublicKey: &merchantKey.PublicKey, AppID: appID}},
		Clock:      vclock,
		HTTPClient: &http.Client{Transport: faults, Timeout: 10 * time.Second},
	})
	require.NoError(t, err)
	require.NoError(t, w.Start("127.0.0.1:0"))
	defer w.Close()
	m, err := merchant.NewServer(merchant.Config{
		WalletURL: w.URL(), ClientID: fixtures.ClientID, PrivateKey: merchantKey,
		WalletPublicKey: &walletKey.PublicKey, AppID: appID, Clock: vclock,
	})
	require.NoError(t, err)
	require.NoError(t, m.Start("127.0.0.1:0"))
	defer m.Close()

	httpClient := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *workers * 2}}
	shop, err := target.NewMerchant(target.Config{BaseURL: m.URL(), HTTPClient: httpClient})
	require.NoError(t, err)
	control, err := target.NewWalletControl(target.Config{BaseURL: w.URL(), HTTPClient: httpClient})
	require.NoError(t, err)

	ctx := context.Background()
	orderIDs := make([]string, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, *workers)
	for range *workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := runOrder(ctx, shop, control, i, orderIDs); err != nil {
					errs <- fmt.Errorf("order %d: %w", i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	sent := time.Since(start)

	// Wait until every first delivery has been made, then walk the clock through the
	// deadlines and the whole retry schedule; Advance runs each due delivery before it returns.
	waitQuiet(t, w)
	for _, step := range append([]time.Duration{16 * time.Minute}, fixtures.DefaultWalletProfile().NotifyRetrySchedule[1:]...) {
		require.NoError(t, vclock.Advance(step))
		waitQuiet(t, w)
	}
	reconciled, err := m.Reconcile(ctx)
	require.NoError(t, err)

	counts := map[string]int{}
	for i, id := range orderIDs {
		o, err := m.Order(id)
		require.NoError(t, err)
		require.NotEmpty(t, o.PaymentID, "order %d (%s) never learned its paymentId", i, id)
		p, err := control.Payment(ctx, o.PaymentID)
		require.NoError(t, err)
		want := map[string]merchant.Status{
			"SUCCESS": merchant.StatusPaid, "FAIL": merchant.StatusFailed,
			"CANCELLED": merchant.StatusCancelled, "AUTH_SUCCESS": merchant.StatusAuthorized,
		}[p.Status]
		require.NotEmpty(t, want, "order %d: wallet status %q is not final", i, p.Status)
		if !assert.Equal(t, want, o.Status, "order %d (%s, payment %s, plan %+v)", i, id, o.PaymentID, planFor(i)) {
			continue
		}
		changed := 0
		for _, nt := range o.Notifications {
			if nt.Changed {
				changed++
			}
		}
		assert.LessOrEqual(t, changed, 1, "order %d moved by more than one notification", i)
		if o.Status == merchant.StatusPaid {
			assert.Equal(t, o.Amount, o.PaidAmount(), "order %d paid amount", i)
		}
		counts[string(o.Status)]++
	}
	t.Logf("load: %d orders in %s (sending %s, %.0f orders/s); final: %v; notification faults injected: %d; settled by reconciliation: %d",
		n, time.Since(start).Round(time.Millisecond), sent.Round(time.Millisecond), float64(n)/sent.Seconds(), counts, faults.injected.Load(), reconciled)
	fmt.Printf("load: %d payments checked: %v, %d notification faults injected, %d settled by reconciliation\n", n, counts, faults.injected.Load(), reconciled)
}

func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func runOrder(ctx context.Context, shop *target.Merchant, control *target.WalletControl, i int, ids []string) error {
	p := planFor(i)
	amount := money.MustNew("USD", int64(100+i%9900))
	o, err := shop.CreateOrder(ctx, target.NewOrder{Flow: p.flow, Type: p.typ, Amount: amount, Title: fmt.Sprintf("load order %d", i)})
	if err != nil {
		return err
	}
	ids[i] = o.OrderID
	code, err := control.TradePay(ctx, o.Token(), p.action, "")
	if err != nil {
		return err
	}
	if p.report {
		if _, err := shop.TradePayResult(ctx, o.OrderID, code); err != nil {
			return err
		}
	}
	return nil
}

// waitQuiet waits, under a deadline, until the wallet has made the first delivery of every
// notification it owes.
func waitQuiet(t *testing.T, w *wallet.Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	require.NoError(t, w.WaitFirstDeliveries(ctx))
}
