package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/merchant"
	"github.com/tradepaykit/tradepaykit/internal/signing"
)

// withoutNotifyURL is the transport of a merchant that never gives a paymentNotifyUrl: it
// takes the field out of every pay request and signs the request again, as that merchant
// would have signed it.
type withoutNotifyURL struct{ next http.RoundTripper }

func (tr withoutNotifyURL) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(req.URL.Path, "/v1/payments/pay") || req.Body == nil {
		return tr.next.RoundTrip(req)
	}
	body, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	if err != nil {
		return nil, err
	}
	var fields map[string]any
	if err := json.Unmarshal(body, &fields); err != nil {
		return nil, fmt.Errorf("the merchant's pay body: %w", err)
	}
	delete(fields, "paymentNotifyUrl")
	if body, err = json.Marshal(fields); err != nil {
		return nil, err
	}
	out := req.Clone(req.Context())
	out.Body, out.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	out.Header.Del("Content-Length")
	if err := (signing.Style{}).SignRequest(out, body, req.Header.Get("Client-Id"), fixtures.PrivateKey(fixtures.MerchantPrivateKey), time.Now()); err != nil {
		return nil, err
	}
	return tr.next.RoundTrip(out)
}

// TestVerifyMerchantThatCannotBeNotifiedEndsFast verifies a merchant whose pay requests carry
// no paymentNotifyUrl and that registered no notify URL: the kit's wallet cannot notify it,
// so every scenario that waits for a notified outcome fails. The run ends well within two
// minutes (not a full wait per scenario), and says why.
func TestVerifyMerchantThatCannotBeNotifiedEndsFast(t *testing.T) {
	t.Parallel()
	ln, walletURL := walletListener(t)
	m, err := merchant.NewServer(merchant.Config{
		WalletURL: walletURL, ClientID: fixtures.ClientID, AppID: defaultAppID,
		PrivateKey: fixtures.PrivateKey(fixtures.MerchantPrivateKey), WalletPublicKey: fixtures.PublicKey(fixtures.WalletPublicKey),
		HTTPClient: &http.Client{Timeout: 30 * time.Second, Transport: withoutNotifyURL{next: http.DefaultTransport}},
	})
	require.NoError(t, err)
	srv := httptest.NewServer(m.Handler())
	t.Cleanup(srv.Close)
	// The orderStr carries the merchant's notify_url inside its signature: leave that flow out.
	prof := filepath.Join(t.TempDir(), "profile.json")
	require.NoError(t, os.WriteFile(prof, []byte(`{"side": "merchant", "flows": ["tradeNO", "paymentUrl"]}`), 0o644))

	r := verify(t, []*os.File{ln}, "verify-merchant", "--merchant-url", srv.URL, "--wallet-listen", "fd:3", "--notify-timeout", "2s", "--profile", prof)
	require.Equal(t, exitFail, r.code, r.String())
	t.Logf("verify-merchant against a merchant that cannot be notified: %s", r.elapsed.Round(time.Millisecond))
	assert.Less(t, r.elapsed, 2*time.Minute, "the run is bounded")
	assert.Contains(t, r.stdout, "notifications         CANNOT BE DELIVERED: the merchant gives no notify URL: its pay requests carry no paymentNotifyUrl")
	assert.Regexp(t, `(?m)^      .*likely cause: the merchant gives no notify URL`, r.stdout, "a failure names the cause")
	assert.Contains(t, r.stdout, "note: notifications cannot be delivered (found before the scenarios): the merchant gives no notify URL")
	assert.Contains(t, r.file(t, "report.html"), "--merchant-notify-url")
	got := parseTotals(t, r.stdout)
	assert.Positive(t, got.failed)
	assert.Positive(t, got.passed, "what needs no notification still passes")
}

// TestRunBounds: --time-limit stops a run, fails what did not finish and says so;
// --require-all fails a run that left a MUST requirement unchecked; the headline states the
// coverage.
func TestRunBounds(t *testing.T) {
	t.Parallel()
	ln, walletURL := walletListener(t)
	merchantParty := startParty(t, "reference-merchant", "--listen", "127.0.0.1:0", "--wallet-url", walletURL, "--follow-wallet-clock", walletURL)
	args := []string{"verify-merchant", "--merchant-url", merchantParty.url, "--wallet-listen", "fd:3", "--notify-timeout", "2s"}

	t.Run("time limit", func(t *testing.T) {
		// A merchant that stops answering once it has an order: every scenario hangs on it.
		hanging := hangingMerchant(t, ln, walletURL)
		args := []string{"verify-merchant", "--merchant-url", hanging, "--wallet-listen", "fd:3", "--notify-timeout", "2s"}
		r := verify(t, []*os.File{ln}, append(args, "--profile", "kit:reference-merchant", "--time-limit", "3s")...)
		require.Equal(t, exitFail, r.code, r.String())
		assert.Less(t, r.elapsed, 30*time.Second, "not a full HTTP timeout per scenario")
		// The pacts run alongside the scenarios, from the start: their verdict stands when they
		// finished within the limit, and the note says so when the limit cut them.
		assert.Regexp(t, `tradepaykit: the run's time limit of 3s ran out: \d+ scenarios did not finish and count as failed(; the pacts were cut short)? \(--time-limit\)`, r.stderr)
		assert.Regexp(t, `(?m)^FAIL .*\n      step: .*\n      stopped: the run's time limit ran out \(--time-limit 3s\)`, r.stdout, "the scenarios cut")
		assert.Regexp(t, `(?m)^FAIL .*\n      not started: the run's time limit ran out \(--time-limit 3s\)`, r.stdout, "the scenarios never started")
		assert.Regexp(t, `(?m)^STOPPED: the run's time limit of 3s ran out`, r.stdout)
		assert.Regexp(t, `(?m)^FAIL: \d+ of \d+ MUST requirements checked; not checked: .*\(the run's time limit ran out before its scenarios finished\)`, r.stdout)
		assert.Regexp(t, `(?m)^== contracts \(Pact\), verified alongside the first pass`, r.stdout)
		assert.Contains(t, r.file(t, "junit.xml"), `<property name="time-limit" value="the run&#39;s time limit of 3s ran out`)
	})
	t.Run("coverage and --require-all", func(t *testing.T) {
		r := verify(t, []*os.File{ln}, append(args, "--profile", "kit:merchant-sample", "--pact", "false")...)
		require.Equal(t, exitPass, r.code, r.String())
		assert.Regexp(t, `(?m)^PASS: \d+ of \d+ MUST requirements checked; not checked: .*REQ-PRE-001.* \(the target does not support pre-authorization\)`, r.stdout)
		assert.Regexp(t, `(?m)^  - REQ-PRE-001: the target does not support pre-authorization$`, r.stdout)
		assert.Contains(t, r.file(t, "report.html"), "MUST requirements checked; not checked: REQ-")
		assert.Regexp(t, `<property name="must-not-checked" value="[^"]*REQ-PRE-001`, r.file(t, "junit.xml"))

		r = verify(t, []*os.File{ln}, append(args, "--profile", "kit:merchant-sample", "--pact", "false", "--require-all")...)
		require.Equal(t, exitFail, r.code, "a MUST not checked fails a --require-all run\n%s", r.String())
		assert.Regexp(t, `(?m)^FAIL: \d+ of \d+ MUST requirements checked; not checked: .* \(--require-all: every MUST requirement must be checked\)$`, r.stdout)

		r = verify(t, []*os.File{ln}, append(args, "--profile", "kit:reference-merchant", "--tags", "@REQ-GEN-001", "--require-all")...)
		require.Equal(t, exitPass, r.code, "every MUST of the run checked\n%s", r.String())
		assert.Regexp(t, `(?m)^PASS: 1 of 1 MUST requirements checked$`, r.stdout)
	})
}

// hangingMerchant serves a reference merchant whose test adapter never answers a request
// about an existing order: the target that stops answering mid-run. It listens until the
// test ends; the kit's wallet listens on ln.
func hangingMerchant(t *testing.T, ln *os.File, walletURL string) string {
	t.Helper()
	var h http.Handler
	stop := make(chan struct{})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/conformance/orders/") {
			select {
			case <-r.Context().Done():
			case <-stop:
			}
			return
		}
		h.ServeHTTP(w, r)
	}))
	m, err := merchant.NewServer(merchant.Config{
		WalletURL: walletURL, ClientID: fixtures.ClientID, AppID: defaultAppID, PublicURL: "http://" + srv.Listener.Addr().String(),
		PrivateKey: fixtures.PrivateKey(fixtures.MerchantPrivateKey), WalletPublicKey: fixtures.PublicKey(fixtures.WalletPublicKey),
	})
	require.NoError(t, err)
	h = m.Handler()
	srv.Start()
	t.Cleanup(func() { close(stop); srv.Close() })
	return srv.URL
}
