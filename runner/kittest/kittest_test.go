package kittest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/fixtures/profiles"
	"github.com/tradepaykit/tradepaykit/internal/merchant"
	"github.com/tradepaykit/tradepaykit/internal/profile"
	"github.com/tradepaykit/tradepaykit/runner/kittest"
)

// startShop stands in for a merchant's own server under test: the kit's reference merchant,
// configured the way a merchant configures its server for the sandbox (the wallet's URL and
// public key, the client id, the merchant's key), with its test adapter on a loopback port.
// The wallet's product codes and path prefix are those of prof.
func startShop(t *testing.T, w *kittest.Wallet, prof fixtures.WalletProfile, defects ...merchant.Defect) string {
	t.Helper()
	hc := &http.Client{Timeout: 30 * time.Second}
	shop, err := merchant.NewServer(merchant.Config{
		WalletURL: w.OpenAPIURL(), ClientID: w.ClientID(), AppID: w.AppID(), Profile: prof,
		PrivateKey:      fixtures.PrivateKey(fixtures.MerchantPrivateKey),
		WalletPublicKey: w.PublicKey(), HTTPClient: hc, Defects: defects,
	})
	require.NoError(t, err)
	require.NoError(t, shop.Start("127.0.0.1:0"))
	t.Cleanup(func() {
		_ = shop.Close()
		hc.CloseIdleConnections()
	})
	require.NoError(t, w.SetNotifyURL(shop.NotifyURL()))
	return shop.URL()
}

// TestShopConformance is a merchant's conformance test (example_test.go): every @merchant
// scenario, one subtest each, against the shop.
func TestShopConformance(t *testing.T) { shopConformance(t) }

// TestKitWalletConformance checks the wallet mock itself with every @wallet scenario
// (example_test.go).
func TestKitWalletConformance(t *testing.T) { walletConformance(t) }

// TestStartServesAWalletAMerchantCanPayThrough uses the wallet as a merchant's own tests
// would, outside the scenarios: an order, the payer confirms, the order is paid.
func TestStartServesAWalletAMerchantCanPayThrough(t *testing.T) {
	w := kittest.Start(t, kittest.Options{Profile: "kit:wallet-sample"})
	assert.True(t, strings.HasPrefix(w.URL(), "http://127.0.0.1:"), "loopback only: %s", w.URL())
	assert.Equal(t, w.URL()+"/api/open", w.OpenAPIURL(), "the sample profile's basePath")
	assert.Equal(t, fixtures.ClientID, w.ClientID())
	assert.True(t, w.PublicKey().Equal(fixtures.PublicKey(fixtures.WalletPublicKey)))
	assert.Contains(t, string(w.PublicKeyPEM()), "PUBLIC KEY")
	sample, err := profiles.FS.ReadFile("wallet-sample.json")
	require.NoError(t, err)
	prof, err := profile.Parse(sample)
	require.NoError(t, err)
	shop := startShop(t, w, prof.Wallet())

	order := postJSON(t, shop+"/conformance/orders", `{"flow":"tradeNO","type":"GENERAL","amount":{"currency":"USD","value":"1250"},"title":"Tea"}`)
	assert.Equal(t, "PENDING", order["status"])
	assert.Equal(t, "6001", w.TradePay(t, kittest.Token{TradeNO: order["tradeNO"].(string)}, kittest.Cancel))
	assert.Equal(t, "9000", w.TradePay(t, kittest.Token{TradeNO: order["tradeNO"].(string)}, kittest.Confirm))
	require.Eventually(t, func() bool {
		return getJSON(t, shop+"/conformance/orders/"+order["orderId"].(string))["status"] == "PAID"
	}, 10*time.Second, 10*time.Millisecond, "the notification reaches the shop")

	before := time.Now()
	now := w.AdvanceClock(t, 48*time.Hour)
	assert.WithinDuration(t, before.Add(48*time.Hour), now, time.Minute)
	assert.Equal(t, "4000", w.TradePay(t, kittest.Token{TradeNO: "NO-SUCH-PAYMENT"}, kittest.Confirm))
}

func postJSON(t *testing.T, url, body string) map[string]any {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	require.Equal(t, http.StatusOK, resp.StatusCode, out)
	return out
}

func getJSON(t *testing.T, url string) map[string]any {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return out
}

// TestDefectiveShop is run by the TestGoTest tests in a child process: a shop with the
// reference merchant's defect named by KITTEST_DEFECTIVE_SHOP, or, for "1", one that trusts
// the app's 9000 without asking the wallet, run on two requirements' scenarios.
func TestDefectiveShop(t *testing.T) {
	defect := os.Getenv("KITTEST_DEFECTIVE_SHOP")
	if defect == "" {
		t.Skip("run by the TestGoTest tests")
	}
	var run kittest.Run
	if defect == "1" {
		defect, run.Tags = string(merchant.DefectTrust9000), "@REQ-GEN-005,@REQ-GEN-001"
	}
	w := kittest.Start(t, kittest.Options{})
	shop := startShop(t, w, fixtures.DefaultWalletProfile(), merchant.Defect(defect))
	kittest.RunMerchant(t, w, kittest.Merchant{URL: shop, Run: run})
}

// goTest runs this test binary again with args, as `go test` would.
func goTest(t *testing.T, env string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), env)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return out.String(), code
}

var subtestResult = regexp.MustCompile(`(?m)^\s*--- (PASS|FAIL|SKIP): (\S+)`)

func results(out string) map[string]string {
	got := map[string]string{}
	for _, m := range subtestResult.FindAllStringSubmatch(out, -1) {
		got[m[2]] = m[1]
	}
	return got
}

// TestGoTestSelectsAndReportsScenarios runs the scenario subtests the way a merchant does:
// `go test -run` picks one scenario of the shop's run, and a defective shop's failures show
// in go test's output with the requirement, the step and what was expected.
func TestGoTestSelectsAndReportsScenarios(t *testing.T) {
	out, code := goTest(t, "KITTEST_CHILD=1", "-test.run", "^TestShopConformance$/^A_payer_pays_an_order_by_tradeNO$", "-test.v")
	require.Equal(t, 0, code, out)
	assert.Equal(t, map[string]string{
		"TestShopConformance": "PASS",
		"TestShopConformance/A_payer_pays_an_order_by_tradeNO": "PASS",
	}, results(out), "go test -run selects one scenario:\n%s", out)
	assert.Contains(t, out, "kittest summary: 1 scenarios ran: 1 passed, 0 failed", "the summary in the log with -v")
	assert.Contains(t, out, "coverage: 1 of 1 MUST requirements checked", "the coverage line in the log with -v")
	assert.Contains(t, out, "kittest: @merchant scenarios, dialect kit, order seed", "the log's first line names the dialect")

	out, code = goTest(t, "KITTEST_DEFECTIVE_SHOP=1", "-test.run", "^TestDefectiveShop$", "-test.v")
	assert.Equal(t, 1, code, "a failed scenario fails go test:\n%s", out)
	got := results(out)
	assert.Equal(t, "FAIL", got["TestDefectiveShop"], out)
	assert.Equal(t, "PASS", got["TestDefectiveShop/A_payer_pays_an_order_by_tradeNO"], "the defect spares this scenario:\n%s", out)
	failed := 0
	for name, r := range got {
		if r == "FAIL" && strings.HasPrefix(name, "TestDefectiveShop/") {
			failed++
		}
	}
	assert.Positive(t, failed, "a REQ-GEN-005 scenario fails as a subtest:\n%s", out)
	assert.Contains(t, out, "REQ-GEN-005", "the failure names the requirement")
}

// TestGoTestShowsEachFailureOnce runs a shop with one defect (it trusts the app's 9000) as a
// merchant runs go test, without -v: each failed scenario prints one block of at most 60
// lines (the requirement and its text, the failed step, expected and got, the exchanges)
// without testify's trace through the kit's step definitions, and a closing summary names
// every failure and counts them by requirement.
func TestGoTestShowsEachFailureOnce(t *testing.T) {
	out, code := goTest(t, "KITTEST_DEFECTIVE_SHOP=1", "-test.run", "^TestDefectiveShop$")
	require.Equal(t, 1, code, out)
	assert.NotContains(t, out, "Error Trace", "no stack of the kit's step definitions")
	blocks := failureBlocks(out)
	require.Len(t, blocks, 2, "the two REQ-GEN-005 scenarios the defect fails:\n%s", out)
	for name, block := range blocks {
		text := strings.Join(block, "\n")
		assert.LessOrEqual(t, len(block), 60, "%s:\n%s", name, text)
		assert.Equal(t, 1, strings.Count(text, "REQ-GEN-005: "), "the requirement and its text, once:\n%s", text)
		assert.Len(t, regexp.MustCompile(`(?m)^\s+step: the merchant answers that the order is "PENDING"$`).FindAllString(text, -1), 1, "the failed step, once:\n%s", text)
		assert.Equal(t, 1, strings.Count(text, `expected: "PENDING"`), "expected, once:\n%s", text)
		assert.Equal(t, 1, strings.Count(text, `actual  : "PAID"`), "got, once:\n%s", text)
		assert.Contains(t, text, "POST http://127.0.0.1:", "the exchanges")
		assert.Contains(t, out, "  FAIL REQ-GEN-005  "+name+"\n", "the summary names the failure")
	}
	assert.Contains(t, out, "kittest summary: 3 scenarios ran: 1 passed, 2 failed, 0 skipped")
	assert.Regexp(t, `failed: 2 scenarios\n\s+REQ-GEN-005: 2 failed \(A merchant never trusts`, out, "the failures counted by requirement")
	assert.Regexp(t, `coverage: 2 of 2 MUST requirements checked`, out)
}

// TestGoTestKeepsEveryFailureShort runs every @merchant scenario against a shop whose
// notify endpoint answers plain text: many scenarios fail, some on each of 20 deliveries,
// and still each failure prints at most 60 lines, and the summary names each one.
func TestGoTestKeepsEveryFailureShort(t *testing.T) {
	out, code := goTest(t, "KITTEST_DEFECTIVE_SHOP="+string(merchant.DefectPlainTextSuccess), "-test.run", "^TestDefectiveShop$")
	require.Equal(t, 1, code, out)
	assert.NotContains(t, out, "Error Trace")
	blocks := failureBlocks(out)
	require.Greater(t, len(blocks), 5, out)
	for name, block := range blocks {
		assert.LessOrEqual(t, len(block), 60, "%s:\n%s", name, strings.Join(block, "\n"))
		assert.Contains(t, out, "  "+name+"\n", "the summary names the failure")
	}
	assert.Regexp(t, fmt.Sprintf(`failed: %d scenarios\n`, len(blocks)), out)
}

// failureBlocks returns, by subtest name, what go test printed under each failed subtest.
func failureBlocks(out string) map[string][]string {
	blocks := map[string][]string{}
	var name string
	for _, line := range strings.Split(out, "\n") {
		if m := subtestResult.FindStringSubmatch(line); m != nil && strings.HasPrefix(line, "    --- ") {
			name = ""
			if m[1] == "FAIL" {
				name = m[2]
				blocks[name] = nil
			}
			continue
		}
		if name != "" && strings.HasPrefix(line, "        ") {
			blocks[name] = append(blocks[name], line)
			continue
		}
		name = ""
	}
	return blocks
}

// TestUnreachableShop is run by TestGoTestStopsAtOnceForAShopItCannotReach in a child
// process: the merchant's test points the kit at an address where nothing listens.
func TestUnreachableShop(t *testing.T) {
	if os.Getenv("KITTEST_UNREACHABLE_SHOP") != "1" {
		t.Skip("run by TestGoTestStopsAtOnceForAShopItCannotReach")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	url := "http://" + ln.Addr().String()
	require.NoError(t, ln.Close())
	w := kittest.Start(t, kittest.Options{})
	kittest.RunMerchant(t, w, kittest.Merchant{URL: url})
}

// TestGoTestStopsAtOnceForAShopItCannotReach: a merchant's test with the wrong shop URL
// fails within 5 seconds with one message naming the cause, not with every scenario.
func TestGoTestStopsAtOnceForAShopItCannotReach(t *testing.T) {
	start := time.Now()
	out, code := goTest(t, "KITTEST_UNREACHABLE_SHOP=1", "-test.run", "^TestUnreachableShop$")
	took := time.Since(start)
	assert.Equal(t, 1, code, out)
	assert.Less(t, took, 5*time.Second, out)
	assert.Equal(t, 1, strings.Count(out, "connection refused"), "one message:\n%s", out)
	assert.Contains(t, out, "kittest.RunMerchant: before the scenarios: target not reachable: cannot reach the shop's test adapter at POST http://127.0.0.1:")
	assert.Contains(t, out, "check: that the shop's server runs and that Merchant.URL is the root of its test adapter")
	assert.Equal(t, map[string]string{"TestUnreachableShop": "FAIL"}, results(out), "no scenario ran:\n%s", out)
	assert.Less(t, strings.Count(out, "\n"), 10, out)
}

// TestUnreachableWallet is run by TestGoTestStopsAtOnceForAWalletItCannotReach in a child
// process: a wallet vendor's test with an address where nothing listens.
func TestUnreachableWallet(t *testing.T) {
	if os.Getenv("KITTEST_UNREACHABLE_WALLET") != "1" {
		t.Skip("run by TestGoTestStopsAtOnceForAWalletItCannotReach")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	url := "http://" + ln.Addr().String()
	require.NoError(t, ln.Close())
	kittest.RunWallet(t, kittest.WalletUnderTest{URL: url, PublicKey: fixtures.PublicKey(fixtures.WalletPublicKey)})
}

// TestGoTestStopsAtOnceForAWalletItCannotReach: as for a shop, one message within 5 seconds.
func TestGoTestStopsAtOnceForAWalletItCannotReach(t *testing.T) {
	start := time.Now()
	out, code := goTest(t, "KITTEST_UNREACHABLE_WALLET=1", "-test.run", "^TestUnreachableWallet$")
	assert.Less(t, time.Since(start), 5*time.Second, out)
	assert.Equal(t, 1, code, out)
	assert.Equal(t, 1, strings.Count(out, "connection refused"), "one message:\n%s", out)
	assert.Contains(t, out, "kittest.RunWallet: before the scenarios: target not reachable: cannot reach the wallet OpenAPI at POST http://127.0.0.1:")
	assert.Equal(t, map[string]string{"TestUnreachableWallet": "FAIL"}, results(out), "no scenario ran:\n%s", out)
}

// TestShopWithoutNotifyURL is run by TestGoTestStopsAtOnceForAShopWithoutNotifyURL in a
// child process: a shop that pays by orderStr only and forgot its notify URL (its orderStrs
// carry no notify_url, and none is registered with the wallet).
func TestShopWithoutNotifyURL(t *testing.T) {
	if os.Getenv("KITTEST_NO_NOTIFY_URL") != "1" {
		t.Skip("run by TestGoTestStopsAtOnceForAShopWithoutNotifyURL")
	}
	w := kittest.Start(t, kittest.Options{})
	hc := &http.Client{Timeout: 30 * time.Second}
	ref, err := merchant.NewServer(merchant.Config{
		WalletURL: w.OpenAPIURL(), ClientID: w.ClientID(), AppID: w.AppID(), HTTPClient: hc,
		PrivateKey: fixtures.PrivateKey(fixtures.MerchantPrivateKey), WalletPublicKey: w.PublicKey(),
	})
	require.NoError(t, err)
	require.NoError(t, ref.Start("127.0.0.1:0"))
	t.Cleanup(func() { _ = ref.Close() })
	target, err := url.Parse(ref.URL())
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(r *http.Response) error { return dropNotifyURL(r) }
	shop := httptest.NewServer(proxy)
	t.Cleanup(shop.Close)
	prof := filepath.Join(t.TempDir(), "shop.json")
	require.NoError(t, os.WriteFile(prof, []byte(`{"side": "merchant", "flows": ["orderStr"], "preAuth": false}`), 0o600))
	kittest.RunMerchant(t, w, kittest.Merchant{URL: shop.URL, Profile: prof})
}

// dropNotifyURL takes notify_url out of the orderStr of an order the shop answers with.
func dropNotifyURL(r *http.Response) error {
	body, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	if err != nil {
		return err
	}
	var order map[string]any
	if json.Unmarshal(body, &order) == nil {
		if s, ok := order["orderStr"].(string); ok {
			q, err := url.ParseQuery(s)
			if err != nil {
				return err
			}
			q.Del("notify_url")
			order["orderStr"] = q.Encode()
			if body, err = json.Marshal(order); err != nil {
				return err
			}
		}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	r.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return nil
}

// TestGoTestStopsAtOnceForAShopWithoutNotifyURL: a shop that forgot its notify URL fails
// within 5 seconds with one message saying so, instead of waiting out every notification.
func TestGoTestStopsAtOnceForAShopWithoutNotifyURL(t *testing.T) {
	start := time.Now()
	out, code := goTest(t, "KITTEST_NO_NOTIFY_URL=1", "-test.run", "^TestShopWithoutNotifyURL$")
	assert.Less(t, time.Since(start), 5*time.Second, out)
	assert.Equal(t, 1, code, out)
	assert.Equal(t, 1, strings.Count(out, "the shop gives no notify URL"), "one message:\n%s", out)
	assert.Contains(t, out, "check: pass the shop's notify URL to Wallet.SetNotifyURL or Options.NotifyURL")
	assert.Equal(t, map[string]string{"TestShopWithoutNotifyURL": "FAIL"}, results(out), "no scenario ran:\n%s", out)
}

// TestShopSigningWithAnotherKey is run by TestGoTestStopsAtOnceForAShopWhoseSignaturesFail in
// a child process: the wallet knows the merchant by a public key whose private half the shop
// does not sign with.
func TestShopSigningWithAnotherKey(t *testing.T) {
	if os.Getenv("KITTEST_WRONG_KEY") != "1" {
		t.Skip("run by TestGoTestStopsAtOnceForAShopWhoseSignaturesFail")
	}
	w := kittest.Start(t, kittest.Options{MerchantPublicKey: fixtures.PublicKey(fixtures.SecondMerchantPublicKey)})
	shop := startShop(t, w, fixtures.DefaultWalletProfile())
	kittest.RunMerchant(t, w, kittest.Merchant{URL: shop})
}

// TestGoTestStopsAtOnceForAShopWhoseSignaturesFail: one message within 5 seconds, saying
// which keys to check, instead of every scenario failing on the wallet's refusal.
func TestGoTestStopsAtOnceForAShopWhoseSignaturesFail(t *testing.T) {
	start := time.Now()
	out, code := goTest(t, "KITTEST_WRONG_KEY=1", "-test.run", "^TestShopSigningWithAnotherKey$")
	assert.Less(t, time.Since(start), 5*time.Second, out)
	assert.Equal(t, 1, code, out)
	assert.Equal(t, 1, strings.Count(out, "the wallet refuses the shop's orderStr"), "one message:\n%s", out)
	assert.Contains(t, out, "check: that the shop signs as Wallet.ClientID() and Wallet.AppID() with the private key whose public half the wallet has")
	assert.Equal(t, map[string]string{"TestShopSigningWithAnotherKey": "FAIL"}, results(out), "no scenario ran:\n%s", out)
}

// TestDefaultProductCodes: the exported product codes are the wallet mock's.
func TestDefaultProductCodes(t *testing.T) {
	w := kittest.Start(t, kittest.Options{})
	assert.Equal(t, fixtures.DefaultWalletProfile().GeneralProductCode, kittest.DefaultGeneralProductCode)
	assert.Equal(t, fixtures.DefaultWalletProfile().PreAuthProductCode, kittest.DefaultPreAuthProductCode)
	assert.Equal(t, kittest.DefaultGeneralProductCode, w.GeneralProductCode())
	assert.Equal(t, kittest.DefaultPreAuthProductCode, w.PreAuthProductCode())
}
