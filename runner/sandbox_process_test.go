package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/signing"
)

// The wallet mock as a merchant's sandbox: what its banner tells, what -v logs, how it stops.

func TestWalletMockBannerSeparatesTheGatewayAndSuggestsItsOwnProfile(t *testing.T) {
	t.Parallel()
	prof := filepath.Join(t.TempDir(), "ams.json")
	require.NoError(t, os.WriteFile(prof, []byte(`{"name":"AMS-like sandbox","side":"wallet","basePath":"/ams/api",
		"productCodes":{"general":"CASHIER_PAYMENT","preAuth":"AUTH_PAYMENT"},
		"capabilities":{"clock":true,"walletMock":true}}`), 0o644))
	wallet := startParty(t, "wallet-mock", "--listen", "127.0.0.1:0", "--notify-timeout", "2s", "--profile", prof)
	require.Eventually(t, func() bool { return strings.Contains(wallet.output(), "Stop with Ctrl-C.") }, 10*time.Second, 10*time.Millisecond, "the whole banner")
	out := wallet.output()
	assert.Regexp(t, `SDK gateway URL +`+regexp.QuoteMeta(wallet.url)+` +\(an SDK appends /ams/api/v1/payments/\{api\} itself\)`, out)
	assert.Regexp(t, `OpenAPI base URL +`+regexp.QuoteMeta(wallet.url+"/ams/api")+` `, out)
	m := regexp.MustCompile(`tradepaykit (verify-wallet .*)`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	assert.Contains(t, m[1], "--profile "+prof, "the mock's own profile")

	// The suggested command passes against the mock it came from: same product codes.
	args := strings.Fields(m[1])
	r := verify(t, nil, args...)
	require.Equal(t, exitPass, r.code, r.String())
	assert.NotContains(t, r.stdout, "REQ-GEN-001 FAILED")
}

// signedPay sends a pay to the mock as the fixtures merchant.
func signedPay(t *testing.T, walletURL, reqID, notifyURL string) openapi.PayResponse {
	t.Helper()
	body := `{"paymentRequestId":"` + reqID + `","paymentAmount":{"currency":"USD","value":"1000"},"paymentOrderTitle":"Sandbox",` +
		`"productCode":"` + fixtures.DefaultWalletProfile().GeneralProductCode + `","paymentNotifyUrl":"` + notifyURL + `"}`
	req, err := http.NewRequest(http.MethodPost, walletURL+"/v1/payments/pay", strings.NewReader(body))
	require.NoError(t, err)
	require.NoError(t, signing.Style{}.SignRequest(req, []byte(body), fixtures.ClientID, fixtures.PrivateKey(fixtures.MerchantPrivateKey), time.Now()))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out openapi.PayResponse
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	require.Equal(t, openapi.Accept, out.Result.ResultCode, out.Result.ResultMessage)
	return out
}

func confirm(t *testing.T, walletURL, paymentID string) {
	t.Helper()
	resp, err := http.Post(walletURL+"/conformance/tradePay", "application/json",
		strings.NewReader(`{"tradeNO":"`+paymentID+`","action":"CONFIRM"}`))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestWalletMockVerboseLogsRequestsAnswersAndNotifications(t *testing.T) {
	notified := make(chan struct{}, 1)
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}`)
		notified <- struct{}{}
	}))
	defer sink.Close()
	wallet := startParty(t, "wallet-mock", "--listen", "127.0.0.1:0", "-v")
	pay := signedPay(t, wallet.url, "verbose-1", sink.URL+"/notify")
	confirm(t, wallet.url, pay.PaymentID)
	<-notified
	resp, err := http.Get(wallet.url + "/v1/payments/nope")
	require.NoError(t, err)
	resp.Body.Close()

	require.Eventually(t, func() bool {
		out := wallet.output()
		return strings.Contains(out, `msg="wallet notify"`) && strings.Contains(out, "resultCode=NO_INTERFACE_DEF")
	}, 10*time.Second, 10*time.Millisecond, "every line logged:\n%s", wallet.output())
	var lines []string
	for _, l := range strings.Split(wallet.output(), "\n") {
		if strings.Contains(l, "level=INFO msg=\"wallet ") {
			lines = append(lines, l)
		}
	}
	t.Logf("wallet-mock -v:\n%s", strings.Join(lines, "\n"))
	log := strings.Join(lines, "\n")
	assert.Regexp(t, `msg="wallet request" method=POST path=/v1/payments/pay api=pay client=\S+ bytes=\d+ signature=ok`, log)
	assert.Regexp(t, `msg="wallet answer" method=POST path=/v1/payments/pay status=200 .*resultCode=ACCEPT resultStatus=A`, log)
	assert.Regexp(t, `msg="wallet request" method=POST path=/conformance/tradePay`, log)
	assert.Regexp(t, `msg="wallet notify" paymentId=`+pay.PaymentID+` paymentStatus=SUCCESS attempt=1 url=\S+ outcome=S resultCode=SUCCESS answerSignature=absent`, log)
	assert.Regexp(t, `msg="wallet answer" method=GET path=/v1/payments/nope status=404 .*resultCode=NO_INTERFACE_DEF`, log)
}

func TestSecondSIGTERMExitsAtOnce(t *testing.T) {
	// A merchant that never answers: the first SIGTERM waits for the delivery in flight.
	arrived := make(chan struct{}, 1)
	release := make(chan struct{})
	hanging := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		arrived <- struct{}{}
		<-release
	}))
	defer hanging.Close()
	defer close(release)

	cmd := exec.Command(kitBinary, "wallet-mock", "--listen", "127.0.0.1:0", "--notify-timeout", "5m")
	var mu sync.Mutex
	var out bytes.Buffer
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = writerFunc(func(b []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return out.Write(b) })
	require.NoError(t, cmd.Start())
	defer func() { _ = cmd.Process.Kill() }()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	waitLine := func(re *regexp.Regexp) []string {
		t.Helper()
		timeout := time.After(20 * time.Second)
		for {
			select {
			case l, ok := <-lines:
				require.True(t, ok, "the process ended before printing %s", re)
				if m := re.FindStringSubmatch(l); m != nil {
					return m
				}
			case <-timeout:
				t.Fatalf("no line matching %s within 20s", re)
			}
		}
	}
	url := waitLine(listeningLine)[1]
	pay := signedPay(t, url, "sigterm-1", hanging.URL+"/notify")
	confirm(t, url, pay.PaymentID)
	<-arrived

	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	waitLine(regexp.MustCompile(`wallet mock: stopping`))
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-exited:
		var exit *exec.ExitError
		require.True(t, errors.As(err, &exit), "exit status: %v", err)
		assert.Equal(t, 128+int(syscall.SIGTERM), exit.ExitCode(), "the shell's status of a process ended by SIGTERM")
	case <-time.After(5 * time.Second):
		t.Fatal("the second SIGTERM did not end the process within 5s")
	}
	mu.Lock()
	assert.Contains(t, out.String(), "second signal (terminated): exiting at once")
	mu.Unlock()
}

func TestTargetTextIsPrintedWithoutControlCharacters(t *testing.T) {
	// A merchant whose refusal carries terminal escapes: clear screen, retitle the window.
	hostile := "\x1b[2J\x1b]0;pwned\x07refused\u009b31m by policy\r"
	merchant := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusConflict)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": hostile})
	}))
	defer merchant.Close()
	f, _ := walletListener(t)
	r := verify(t, []*os.File{f}, "verify-merchant", "--merchant-url", merchant.URL, "--wallet-listen", "fd:3", "--tags", "@REQ-GEN-015")
	require.Equal(t, exitFail, r.code, r.String())
	assert.Contains(t, r.stdout, "[2J]0;pwnedrefused31m by policy", "the text is there, its control characters are not")
	for _, c := range []string{"\x1b", "\x07", "\r", "\u009b"} {
		assert.NotContains(t, r.stdout, c)
		assert.NotContains(t, r.stderr, c)
	}
}

func TestPrintableWriterDropsControlCharacters(t *testing.T) {
	var b bytes.Buffer
	w := printable(&b)
	in := "ok\tline\n\x1b[2Jcl\x00ear\x7f \u009b31m red\u0085 café 😀\r\n"
	// Written in pieces that split UTF-8 sequences.
	for i := 0; i < len(in); i += 3 {
		n, err := w.Write([]byte(in[i:min(i+3, len(in))]))
		require.NoError(t, err)
		require.Equal(t, min(3, len(in)-i), n)
	}
	assert.Equal(t, "ok\tline\n[2Jclear 31m red café 😀\n", b.String())
}

func TestPrintableWithColorsKeepsColoursOnly(t *testing.T) {
	var b bytes.Buffer
	w := printableWithColors(&b)
	in := "\x1b[32mpassed\x1b[0m \x1b[2Jcleared \x1b]0;title\x07 \x1b[1;31mred\x1b[0m\x1b["
	for i := 0; i < len(in); i += 2 {
		_, err := w.Write([]byte(in[i:min(i+2, len(in))]))
		require.NoError(t, err)
	}
	_, _ = w.Write([]byte("0m!"))
	assert.Equal(t, "\x1b[32mpassed\x1b[0m [2Jcleared ]0;title \x1b[1;31mred\x1b[0m\x1b[0m!", b.String())
}

func TestPrintableWriterIsSafeForConcurrentUse(t *testing.T) {
	var mu sync.Mutex
	var b bytes.Buffer
	w := printable(writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return b.Write(p) }))
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				_, _ = w.Write([]byte("é\x1b"))
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, strings.Repeat("é", 800), b.String())
}
