package bench

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/signing"
	"github.com/tradepaykit/tradepaykit/internal/target"
	"github.com/tradepaykit/tradepaykit/internal/wallet"
)

var payments = flag.Int("payments", 10000, "pay requests the wallet mock answers in BenchmarkWalletMock")

func startWallet(b *testing.B, memo *signing.Memo) *wallet.Server {
	b.Helper()
	w, err := wallet.NewServer(wallet.Config{
		PrivateKey:    fixtures.PrivateKey(fixtures.WalletPrivateKey),
		Merchants:     []wallet.Merchant{{ClientID: fixtures.ClientID, PublicKey: fixtures.PublicKey(fixtures.MerchantPublicKey)}},
		NotifyTimeout: 2 * time.Second,
		Signatures:    memo,
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := w.Start("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = w.Close() })
	return w
}

// signedPay is a pay request signed ahead of time, so that the client costs the wallet's core
// no RSA operation.
type signedPay struct {
	body   []byte
	header http.Header
}

func presign(b *testing.B, url string, n int, notifyURL string) []signedPay {
	b.Helper()
	key := fixtures.PrivateKey(fixtures.MerchantPrivateKey)
	out := make([]signedPay, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				body := fmt.Appendf(nil, `{"paymentRequestId":"BENCH-%06d","paymentAmount":{"currency":"USD","value":"%d"},`+
					`"paymentOrderTitle":"Coffee","productCode":%q,"paymentFactor":{"isCashierPayment":true}%s}`,
					i, 100+i, fixtures.DefaultWalletProfile().GeneralProductCode, notifyField(notifyURL))
				req, _ := http.NewRequest(http.MethodPost, url+"/v1/payments/pay", nil)
				if err := (signing.Style{}).SignRequest(req, body, fixtures.ClientID, key, time.Now()); err != nil {
					b.Error(err)
					return
				}
				out[i] = signedPay{body: body, header: req.Header}
			}
		})
	}
	wg.Wait()
	return out
}

func notifyField(u string) string {
	if u == "" {
		return ""
	}
	return `,"paymentNotifyUrl":"` + u + `"`
}

// rsaSignRate is Go's RSA-2048 PKCS #1 v1.5 signing rate with the wallet's key, on the
// cores GOMAXPROCS allows, over about a second.
func rsaSignRate(b *testing.B) float64 {
	b.Helper()
	key := fixtures.PrivateKey(fixtures.WalletPrivateKey)
	var n uint64
	start := time.Now()
	for time.Since(start) < time.Second {
		n++
		var msg [8]byte
		binary.BigEndian.PutUint64(msg[:], n)
		sum := sha256.Sum256(msg[:])
		if _, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:]); err != nil {
			b.Fatal(err)
		}
	}
	return float64(n) / time.Since(start).Seconds()
}

// heapPeak samples the heap in use until stop is closed and returns the largest sample.
func heapPeak(stop <-chan struct{}) <-chan uint64 {
	out := make(chan uint64, 1)
	go func() {
		var peak uint64
		var ms runtime.MemStats
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-stop:
				out <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return out
}

// BenchmarkWalletMock sends -payments distinct pay requests, signed ahead of time, to a
// wallet mock on one core (GOMAXPROCS 1, client included) and compares its rate of signed
// answers with Go's RSA-2048 signing rate measured on that core in the same run: each answer
// costs one RSA signature, so that rate is the ceiling. It also reports the peak heap of the
// run and how long the clock takes to move 16 minutes past every payment's deadline.
func BenchmarkWalletMock(b *testing.B) {
	memo := signing.NewMemo()
	w := startWallet(b, memo)
	reqs := presign(b, w.URL(), *payments, "")
	pub := fixtures.PublicKey(fixtures.WalletPublicKey)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}, Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	cores := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(cores)
	// The machine may be shared: the ceiling is measured right before and right after the
	// pay answers, and averaged.
	ceilingBefore := rsaSignRate(b)

	stop := make(chan struct{})
	peak := heapPeak(stop)
	var next atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for range 4 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(reqs) {
					return
				}
				if err := sendPay(client, w.URL(), reqs[i], pub); err != nil {
					failed.CompareAndSwap(nil, err)
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(stop)
	peakHeap := <-peak
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
	rate := float64(len(reqs)) / elapsed.Seconds()
	ceilingAfter := rsaSignRate(b)
	ceiling := (ceilingBefore + ceilingAfter) / 2
	runtime.GOMAXPROCS(cores)

	// Every payment waits for its payer; 16 minutes later every deadline has passed.
	advanceStart := time.Now()
	if err := w.Clock().Advance(16 * time.Minute); err != nil {
		b.Fatal(err)
	}
	advance := time.Since(advanceStart)

	growth := float64(peakHeap) - float64(before.HeapInuse)
	b.ReportMetric(rate, "answers/s")
	b.ReportMetric(ceiling, "rsa-signs/s")
	b.ReportMetric(100*rate/ceiling, "%-of-ceiling")
	b.ReportMetric(mib(int64(peakHeap)), "peak-heap-MiB")
	b.ReportMetric(float64(advance.Milliseconds()), "advance-ms")
	fmt.Printf("wallet mock on one core: %d signed pay answers in %s, %.0f answers/s; Go RSA-2048 signing on that core %.0f/s (%.0f before, %.0f after; %.2f ms each): %.0f%% of the ceiling\n",
		len(reqs), elapsed.Round(time.Millisecond), rate, ceiling, ceilingBefore, ceilingAfter, 1000/ceiling, 100*rate/ceiling)
	fmt.Printf("wallet mock memory over %d payments: peak heap %.1f MiB (%.1f MiB before the run, %.0f bytes per payment at the peak)\n",
		len(reqs), mib(int64(peakHeap)), mib(int64(before.HeapInuse)), growth/float64(len(reqs)))
	fmt.Printf("clock advance of 16 minutes past the deadlines of %d pending payments: %s (on %d cores)\n", len(reqs), advance.Round(time.Millisecond), cores)
}

func sendPay(client *http.Client, url string, p signedPay, pub *rsa.PublicKey) error {
	req, err := http.NewRequest(http.MethodPost, url+"/v1/payments/pay", bytes.NewReader(p.body))
	if err != nil {
		return err
	}
	req.Header = p.header.Clone()
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if err := signing.Verify(pub, signing.ResponseMessage(http.MethodPost, "/v1/payments/pay", resp.Header, body), resp.Header.Get(signing.HeaderSignature)); err != nil {
		return fmt.Errorf("pay answer: %w", err)
	}
	var answer openapi.PayResponse
	if err := json.Unmarshal(body, &answer); err != nil || answer.Result.ResultStatus != openapi.StatusAccepted {
		return fmt.Errorf("pay answer: want result A, got %s", body)
	}
	return nil
}

// BenchmarkRetrySchedule times a notification's whole retry schedule on the virtual clock:
// the merchant answers F to every attempt, and one Advance of 25 hours runs the attempts at
// 2m, 10m, 10m, 1h, 2h, 6h and 15h after the first (the profile's schedule, 24h22m in all).
// Each attempt is a real signed HTTP POST to a loopback merchant.
func BenchmarkRetrySchedule(b *testing.B) {
	var attempts atomic.Int64
	merchant := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		attempts.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = w.Write([]byte(`{"result":{"resultCode":"PROCESS_FAIL","resultStatus":"F","resultMessage":"try again"}}`))
	}))
	defer merchant.Close()
	memo := signing.NewMemo()
	w := startWallet(b, memo)
	control, err := target.NewWalletControl(target.Config{BaseURL: w.URL()})
	if err != nil {
		b.Fatal(err)
	}
	client := &http.Client{Timeout: 30 * time.Second}
	schedule := fixtures.DefaultWalletProfile().NotifyRetrySchedule
	var times []time.Duration
	for i, p := range presign(b, w.URL(), 5, merchant.URL) {
		ctx := context.Background()
		paymentID := payID(b, client, w.URL(), p)
		if code, err := control.TradePay(ctx, target.Token{TradeNO: paymentID}, target.Confirm, ""); err != nil || code != "9000" {
			b.Fatalf("confirm: %s %v", code, err)
		}
		if err := w.WaitFirstDeliveries(ctx); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := w.Clock().Advance(25 * time.Hour); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
		view, err := control.Payment(ctx, paymentID)
		if err != nil {
			b.Fatal(err)
		}
		if len(view.Notifications) != len(schedule) {
			b.Fatalf("payment %d: %d attempts, want the %d of the schedule", i, len(view.Notifications), len(schedule))
		}
	}
	slices.Sort(times)
	c := memo.Counts()
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "schedule-ms")
	fmt.Printf("a notification's whole retry schedule (%d attempts over 24h22m of virtual time, merchant answering F): median %s of %d; signatures %d made, %d reused\n",
		len(schedule), times[len(times)/2].Round(10*time.Microsecond), len(times), c.Signed, c.Reused)
}

func payID(b *testing.B, client *http.Client, url string, p signedPay) string {
	b.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/v1/payments/pay", bytes.NewReader(p.body))
	if err != nil {
		b.Fatal(err)
	}
	req.Header = p.header.Clone()
	resp, err := client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var answer openapi.PayResponse
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil || answer.PaymentID == "" {
		b.Fatalf("pay: %v %+v", err, answer)
	}
	return answer.PaymentID
}
