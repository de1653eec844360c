package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/signing"
)

// wallet-mock --data, as a process: killed with SIGKILL in the middle of a run and started
// again on its file, it has lost nothing it answered; and over a long run its memory stays
// bounded.

// mockProcess is a wallet-mock process the test stops itself, gracefully or not.
type mockProcess struct {
	cmd     *exec.Cmd
	url     string
	started time.Duration // from exec to the listening line
	mu      sync.Mutex
	out     bytes.Buffer
	done    chan struct{}
}

func startMockProcess(t *testing.T, args ...string) *mockProcess {
	t.Helper()
	return startMockCommand(t, exec.Command(kitBinary, append([]string{"wallet-mock"}, args...)...))
}

// startMockCommand starts cmd, which runs wallet-mock (perhaps through a shell that sets a
// limit first), and waits for its URL.
func startMockCommand(t *testing.T, cmd *exec.Cmd) *mockProcess {
	t.Helper()
	m := &mockProcess{cmd: cmd, done: make(chan struct{})}
	stdout, err := m.cmd.StdoutPipe()
	require.NoError(t, err)
	m.cmd.Stderr = writerFunc(func(b []byte) (int, error) {
		m.mu.Lock()
		defer m.mu.Unlock()
		return m.out.Write(b)
	})
	begin := time.Now()
	require.NoError(t, m.cmd.Start())
	urls := make(chan string, 1)
	go func() {
		defer close(m.done)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			m.mu.Lock()
			m.out.WriteString(sc.Text() + "\n")
			m.mu.Unlock()
			if u := listeningLine.FindStringSubmatch(sc.Text()); u != nil {
				select {
				case urls <- u[1]:
				default:
				}
			}
		}
	}()
	t.Cleanup(func() {
		if m.cmd.ProcessState == nil {
			_ = m.cmd.Process.Kill()
			<-m.done
			_ = m.cmd.Wait()
		}
	})
	select {
	case m.url = <-urls:
		m.started = time.Since(begin)
	case <-m.done:
		t.Fatalf("wallet-mock exited before it listened:\n%s", m.output())
	case <-time.After(20 * time.Second):
		t.Fatalf("wallet-mock did not print its URL within 20s:\n%s", m.output())
	}
	return m
}

func (m *mockProcess) output() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.out.String()
}

// kill sends SIGKILL: no shutdown code runs.
func (m *mockProcess) kill(t *testing.T) {
	t.Helper()
	require.NoError(t, m.cmd.Process.Signal(syscall.SIGKILL))
	<-m.done
	err := m.cmd.Wait()
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "killed: %v", err)
}

// stop sends SIGTERM and wants exit 0.
func (m *mockProcess) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, m.cmd.Process.Signal(syscall.SIGTERM))
	<-m.done
	require.NoError(t, m.cmd.Wait(), m.output())
}

// status reads a field of /proc/PID/status in kB (VmRSS, VmHWM).
func (m *mockProcess) status(field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", m.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			return strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, m.cmd.Process.Pid)
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

// shopper is the test's merchant and payer: it signs OpenAPI calls with the kit's merchant
// test key and pays through the test control.
type shopper struct {
	url    string
	client *http.Client
	key    *rsa.PrivateKey // nil: the kit's merchant test key
}

// call sends a signed OpenAPI request; an error means no answer (the process was killed).
func (s shopper) call(api, body string) (string, error) {
	req, err := http.NewRequest(http.MethodPost, s.url+"/v1/payments/"+api, strings.NewReader(body))
	if err != nil {
		return "", err
	}
	key := s.key
	if key == nil {
		key = fixtures.PrivateKey(fixtures.MerchantPrivateKey)
	}
	if err := (signing.Style{}).SignRequest(req, []byte(body), fixtures.ClientID, key, time.Now()); err != nil {
		return "", err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s: HTTP %d %s", api, resp.StatusCode, raw)
	}
	return string(raw), nil
}

func (s shopper) tradePay(paymentID string) (string, error) {
	resp, err := s.client.Post(s.url+"/conformance/tradePay", "application/json",
		strings.NewReader(`{"tradeNO":"`+paymentID+`","action":"CONFIRM"}`))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		ResultCode string `json:"resultCode"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return "", err
	}
	return out.ResultCode, nil
}

func (s shopper) advance(d string) error {
	resp, err := s.client.Post(s.url+"/conformance/clock", "application/json", strings.NewReader(`{"advance":"`+d+`"}`))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("clock: HTTP %d %s", resp.StatusCode, b)
	}
	return nil
}

func resultOf(raw string) openapi.Result {
	var env struct {
		Result openapi.Result `json:"result"`
	}
	_ = json.Unmarshal([]byte(raw), &env)
	return env.Result
}

// acked is everything the wallet answered about one payment before it was killed: the test
// replays each request and asks again after the restart.
type acked struct {
	payBody, payAnswer, paymentID string
	wantStatus                    string
	// cutStatus is the status a request the kill cut leads to if the mock carried it out
	// and wrote it before it died: not answered, so not lost either way.
	cutStatus               string
	opBody, opAnswer, opAPI string // a capture or a refund, when one was answered
	refundRequestID         string
}

// notifyCounter is the merchant's notify endpoint: it answers F while down, S otherwise, and
// counts the payments notified in each phase.
type notifyCounter struct {
	down    atomic.Bool
	mu      sync.Mutex
	up      map[string]int // payment id -> notifications answered S
	total   int
	arrived chan struct{} // a signal per notification answered S, dropped when nobody waits
}

func newNotifyCounter() *notifyCounter {
	return &notifyCounter{up: map[string]int{}, arrived: make(chan struct{}, 1)}
}

func (n *notifyCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if err := signing.Verify(fixtures.PublicKey(fixtures.WalletPublicKey), signing.RequestMessage(r, body), r.Header.Get(signing.HeaderSignature)); err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	var req openapi.NotifyPaymentRequest
	_ = json.Unmarshal(body, &req)
	status, code := "S", "SUCCESS"
	n.mu.Lock()
	n.total++
	if n.down.Load() {
		status, code = "F", "PROCESS_FAIL"
	} else {
		n.up[req.PaymentID]++
		select {
		case n.arrived <- struct{}{}:
		default:
		}
	}
	n.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"result":{"resultCode":%q,"resultStatus":%q,"resultMessage":"test merchant"}}`, code, status)
}

// TestWalletMockDataSurvivesSIGKILL runs payments, captures and refunds against wallet-mock
// --data from four clients at once, kills the process with SIGKILL while requests are in
// flight, starts it again on the same file and checks every answer it had given: inquiries
// report the same status and amount, repeated pay, capture and refund requests get the same
// answer byte for byte, and the notifications the merchant had refused are retried on their
// schedule (the merchant was down before the kill, up after).
func TestWalletMockDataSurvivesSIGKILL(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "wallet.db")
	merchant := newNotifyCounter()
	merchant.down.Store(true)
	sink := httptest.NewServer(merchant)
	defer sink.Close()
	mock := startMockProcess(t, "--listen", "127.0.0.1:0", "--data", data, "--notify-url", sink.URL, "--notify-timeout", "2s")
	sh := shopper{url: mock.url, client: &http.Client{Timeout: 10 * time.Second}}
	firstStart := mock.started

	const killAfter = 300 // payments answered before the kill
	gp, pp := fixtures.DefaultWalletProfile().GeneralProductCode, fixtures.DefaultWalletProfile().PreAuthProductCode
	var (
		mu       sync.Mutex
		ledger   []acked
		inFlight int // requests that got no answer: the kill cut them
		next     atomic.Int64
		killed   = make(chan struct{})
		reached  = make(chan struct{})
		once     sync.Once
		wg       sync.WaitGroup
	)
	worker := func() {
		defer wg.Done()
		for {
			select {
			case <-killed:
				return
			default:
			}
			i := next.Add(1)
			a, err := runPayment(sh, i, gp, pp)
			mu.Lock()
			if a.paymentID != "" {
				ledger = append(ledger, a)
			}
			if err != nil {
				inFlight++
			}
			n := len(ledger)
			mu.Unlock()
			if err != nil {
				return // the process is gone
			}
			if n >= killAfter {
				once.Do(func() { close(reached) })
			}
		}
	}
	for range 4 {
		wg.Add(1)
		go worker()
	}
	<-reached
	mock.kill(t) // clients are still sending
	close(killed)
	wg.Wait()
	confirmed := 0
	for _, a := range ledger {
		if a.wantStatus != openapi.PaymentProcessing {
			confirmed++
		}
	}
	info, err := os.Stat(data)
	require.NoError(t, err)

	merchant.down.Store(false)
	mock = startMockProcess(t, "--listen", "127.0.0.1:0", "--data", data, "--notify-url", sink.URL, "--notify-timeout", "2s")
	sh.url = mock.url
	var lost []string
	checks := 0
	for _, a := range ledger {
		var inq openapi.InquiryPaymentResponse
		raw, err := sh.call("inquiryPayment", `{"paymentId":"`+a.paymentID+`"}`)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal([]byte(raw), &inq))
		checks++
		if inq.PaymentStatus != a.wantStatus && (a.cutStatus == "" || inq.PaymentStatus != a.cutStatus) {
			lost = append(lost, fmt.Sprintf("%s: status %s, answered %s before the kill", a.paymentID, inq.PaymentStatus, a.wantStatus))
		}
		if again, err := sh.call("pay", a.payBody); err != nil || again != a.payAnswer {
			lost = append(lost, fmt.Sprintf("%s: repeated pay answers %s (%v), answered %s before", a.paymentID, again, err, a.payAnswer))
		}
		checks++
		if a.opBody != "" {
			if again, err := sh.call(a.opAPI, a.opBody); err != nil || again != a.opAnswer {
				lost = append(lost, fmt.Sprintf("%s: repeated %s answers %s (%v), answered %s before", a.paymentID, a.opAPI, again, err, a.opAnswer))
			}
			checks++
		}
		if a.refundRequestID != "" {
			raw, err := sh.call("inquiryRefund", `{"refundRequestId":"`+a.refundRequestID+`"}`)
			if err != nil || resultOf(raw).ResultStatus != openapi.StatusSuccess {
				lost = append(lost, fmt.Sprintf("%s: inquiryRefund %s answers %s (%v)", a.paymentID, a.refundRequestID, raw, err))
			}
			checks++
		}
	}
	assert.Empty(t, lost, "nothing answered before the kill is lost")

	// Every confirmed payment's notification was refused before the kill; its retry is due
	// 2 minutes after the refused attempt (or at once, if the kill came before the first).
	start := time.Now()
	require.NoError(t, sh.advance("2m"))
	deadline := time.After(30 * time.Second)
	notified := 0
	for waiting := true; waiting; {
		merchant.mu.Lock()
		notified = 0
		for _, a := range ledger {
			if a.wantStatus != openapi.PaymentProcessing && merchant.up[a.paymentID] > 0 {
				notified++
			}
		}
		merchant.mu.Unlock()
		if notified == confirmed {
			break
		}
		select {
		case <-merchant.arrived:
		case <-deadline:
			waiting = false
		}
	}
	resumed := time.Since(start)
	assert.Equal(t, confirmed, notified, "every confirmed payment's notification is retried after the restart")
	t.Logf("SIGKILL restart: %d payments answered before the kill (%d confirmed, %d with a capture or refund), %d requests cut in flight; "+
		"data file %d KB; first start %s, restart on the file %s; %d checks after the restart, %d lost; "+
		"%d/%d refused notifications retried on schedule after the restart (clock +2m, %s)",
		len(ledger), confirmed, countOps(ledger), inFlight, info.Size()/1024, firstStart.Round(time.Millisecond),
		mock.started.Round(time.Millisecond), checks, len(lost), notified, confirmed, resumed.Round(time.Millisecond))
	mock.stop(t)
	assert.Contains(t, mock.output(), "State is kept in "+data, "the banner names the data file")
}

func countOps(l []acked) int {
	n := 0
	for _, a := range l {
		if a.opBody != "" {
			n++
		}
	}
	return n
}

// runPayment makes payment i: every 7th stays unpaid, every 5th is an authorization that is
// captured, every 3rd general payment is partly refunded. It returns what was answered; an
// error means a request got no answer.
func runPayment(sh shopper, i int64, generalCode, preAuthCode string) (acked, error) {
	preauth := i%5 == 0
	code := generalCode
	if preauth {
		code = preAuthCode
	}
	a := acked{payBody: fmt.Sprintf(`{"paymentRequestId":"kill-%d","paymentAmount":{"currency":"USD","value":"1000"},"paymentOrderTitle":"Order %d","productCode":%q}`, i, i, code)}
	raw, err := sh.call("pay", a.payBody)
	if err != nil {
		return a, err
	}
	var pay openapi.PayResponse
	if err := json.Unmarshal([]byte(raw), &pay); err != nil || pay.PaymentID == "" {
		return a, fmt.Errorf("pay answered %s", raw)
	}
	a.payAnswer, a.paymentID, a.wantStatus = raw, pay.PaymentID, openapi.PaymentProcessing
	if i%7 == 0 {
		return a, nil
	}
	code, err = sh.tradePay(pay.PaymentID)
	if err != nil {
		a.cutStatus = openapi.PaymentSuccess
		if preauth {
			a.cutStatus = openapi.PaymentAuthSuccess
		}
		return a, err
	}
	if code != "9000" {
		return a, fmt.Errorf("tradePay answered %s", code)
	}
	a.wantStatus = openapi.PaymentSuccess
	switch {
	case preauth:
		a.wantStatus = openapi.PaymentAuthSuccess
		body := fmt.Sprintf(`{"captureRequestId":"kill-cap-%d","paymentId":%q,"captureAmount":{"currency":"USD","value":"700"}}`, i, pay.PaymentID)
		raw, err := sh.call("capture", body)
		if err != nil {
			a.cutStatus = openapi.PaymentSuccess
			return a, err
		}
		a.opAPI, a.opBody, a.opAnswer, a.wantStatus = "capture", body, raw, openapi.PaymentSuccess
	case i%3 == 0:
		body := fmt.Sprintf(`{"refundRequestId":"kill-ref-%d","paymentId":%q,"refundAmount":{"currency":"USD","value":"250"}}`, i, pay.PaymentID)
		raw, err := sh.call("refund", body)
		if err != nil {
			return a, err
		}
		a.opAPI, a.opBody, a.opAnswer, a.refundRequestID = "refund", body, raw, fmt.Sprintf("kill-ref-%d", i)
	}
	return a, nil
}

// TestWalletMockDataMemoryStaysBounded runs payments (pay, the payer confirms, the merchant
// acknowledges the notification) through wallet-mock --data and samples the process's
// resident memory: after a warm-up it must not grow with the number of payments, as the
// in-memory mock's does (about 2.6 KB a payment). make test runs 4,000 payments; make memory
// (TRADEPAYKIT_MEMORY_PAYMENTS=100000) the full run.
func TestWalletMockDataMemoryStaysBounded(t *testing.T) {
	t.Parallel()
	total := 4000
	if v := os.Getenv("TRADEPAYKIT_MEMORY_PAYMENTS"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, "TRADEPAYKIT_MEMORY_PAYMENTS")
		total = n
	}
	if total < 100 || total%20 != 0 {
		t.Fatalf("TRADEPAYKIT_MEMORY_PAYMENTS=%d: want a multiple of 20, at least 100", total)
	}
	if testing.Short() && total > 4000 {
		t.Skip("-short")
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "wallet.db")
	// A 1024-bit merchant key: the test client signs every request, and a smaller key leaves
	// the machine's time to the mock, whose memory is measured (it still signs with 2048 bits).
	key, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	require.NoError(t, err)
	pub := filepath.Join(dir, "merchant-public.pem")
	require.NoError(t, os.WriteFile(pub, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o600))
	merchant := newNotifyCounter()
	sink := httptest.NewServer(merchant)
	defer sink.Close()
	mock := startMockProcess(t, "--listen", "127.0.0.1:0", "--data", data, "--notify-url", sink.URL, "--merchant-public-key", pub)
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 8
	sh := shopper{url: mock.url, client: &http.Client{Timeout: 10 * time.Second, Transport: transport}, key: key}
	gp := fixtures.DefaultWalletProfile().GeneralProductCode

	warm := total / 5
	var next atomic.Int64
	var failed atomic.Pointer[error] // the first payment that failed
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rssAt := map[int]int64{}
	var mu sync.Mutex
	peakAfterWarm := int64(0)
	var wg sync.WaitGroup
	start := time.Now()
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1))
				if i > total {
					return
				}
				body := fmt.Sprintf(`{"paymentRequestId":"mem-%d","paymentAmount":{"currency":"USD","value":"1000"},"paymentOrderTitle":"Order %d","productCode":%q}`, i, i, gp)
				raw, err := sh.call("pay", body)
				var pay openapi.PayResponse
				if err == nil {
					err = json.Unmarshal([]byte(raw), &pay)
				}
				if err == nil {
					var code string
					if code, err = sh.tradePay(pay.PaymentID); err == nil && code != "9000" {
						err = fmt.Errorf("tradePay %s answered %s", pay.PaymentID, code)
					}
				}
				if err != nil {
					failed.CompareAndSwap(nil, &err)
					cancel()
					return
				}
				if i%(total/20) == 0 {
					rss, err := mock.status("VmRSS")
					if err == nil {
						mu.Lock()
						rssAt[i] = rss
						if i > warm && rss > peakAfterWarm {
							peakAfterWarm = rss
						}
						mu.Unlock()
					}
				}
			}
		}()
	}
	wg.Wait()
	if err := failed.Load(); err != nil {
		t.Fatalf("a payment failed: %v\n%s", *err, mock.output())
	}
	elapsed := time.Since(start)
	hwm, err := mock.status("VmHWM")
	require.NoError(t, err)
	info, err := os.Stat(data)
	require.NoError(t, err, "the data file")
	var samples []string
	for i := total / 20; i <= total; i += total / 20 {
		samples = append(samples, fmt.Sprintf("%d:%dMB", i, rssAt[i]/1024))
	}
	// The last quarter's mean, against the sample at the end of the warm-up: one sample can
	// catch the garbage collector at the top of a swing.
	atWarm, lastQuarter, n := rssAt[warm], int64(0), int64(0)
	for i := total * 3 / 4; i <= total; i += total / 20 {
		if rssAt[i] > 0 {
			lastQuarter += rssAt[i]
			n++
		}
	}
	require.NotZero(t, atWarm, "RSS sampled after the warm-up")
	require.NotZero(t, n, "RSS sampled in the last quarter")
	lastQuarter /= n
	growth := float64(lastQuarter-atWarm) / float64(total-warm)
	t.Logf("wallet-mock --data, %d payments in %s (%.0f/s): RSS %d KB after %d payments, %d KB over the last quarter (mean), "+
		"peak after the warm-up %d KB, peak of the process (VmHWM) %d KB; growth after the warm-up %.3f KB a payment; "+
		"data file %d MB; RSS by payment count: %s",
		total, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(), atWarm, warm, lastQuarter,
		peakAfterWarm, hwm, growth, info.Size()>>20, strings.Join(samples, " "))
	// The in-memory mock keeps about 2.6 KB a payment; here what is left after the warm-up
	// must stay far below that.
	assert.Less(t, growth, 1.0, "KB of resident memory a payment after the warm-up")
	mock.stop(t)
}
