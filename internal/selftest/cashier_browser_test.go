package selftest_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/selftest"
	"github.com/tradepaykit/tradepaykit/internal/target"
)

// chromium finds Debian's chromium. Without it the test is skipped on a developer's machine
// and fails in CI (CI set), where .ci/run installs it.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium not found, and CI is set: the cashier must be tested in a real browser (apt-get install -y chromium, as .ci/run does)")
	}
	t.Skip("chromium not found: install Debian's chromium package (apt-get install -y chromium) or set CHROMIUM to run the cashier in a real browser")
	return ""
}

// TestCashierInHeadlessChromium is a payer in a real browser: the merchant creates an order
// paid through the cashier page, the payer opens the paymentUrl, sees payee, title and
// amount, and presses Pay; the merchant's order becomes PAID through the wallet's
// notification. Set CASHIER_SCREENSHOT_DIR to keep the screenshots.
func TestCashierInHeadlessChromium(t *testing.T) {
	exe := chromium(t)
	p, err := selftest.Start(selftest.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, p.Close()) })

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	m, err := target.NewMerchant(target.Config{BaseURL: p.MerchantURL()})
	require.NoError(t, err)
	control, err := target.NewWalletControl(target.Config{BaseURL: p.ControlURL()})
	require.NoError(t, err)
	const title = "Espresso and a croissant"
	order, err := m.CreateOrder(ctx, target.NewOrder{Flow: target.FlowPaymentURL, Type: target.General, Amount: money.MustNew("USD", 1250), Title: title})
	require.NoError(t, err)
	require.NotEmpty(t, order.PaymentURL)

	// The flags of TOOLING.md, a fresh profile, and every host name but loopback mapped to
	// nowhere: the browser sends nothing off the machine.
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-proxy-server", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(480, 860),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()

	// read returns the text of the element with the given id.
	read := func(id string) string {
		t.Helper()
		s, err := chromedp.Run(browser, chromedp.Text(chromedp.ID(id)))
		require.NoError(t, err, "read #%s", id)
		return s
	}
	require.NoError(t, chromedp.Do(browser,
		chromedp.Navigate(order.PaymentURL),
		chromedp.WaitVisible(chromedp.ID("pay")),
	), "open the cashier page")
	assert.Equal(t, "Confirm your payment", read("heading"))
	assert.Contains(t, read("payee"), "2026TESTCLIENT0001")
	assert.Equal(t, title, read("title"))
	assert.Equal(t, "12.50USD", strings.ReplaceAll(read("amount"), " ", ""))
	before, err := chromedp.Run(browser, chromedp.FullScreenshot(100))
	require.NoError(t, err)

	require.NoError(t, chromedp.Do(browser,
		chromedp.Click(chromedp.ID("pay")),
		chromedp.WaitVisible(chromedp.ID("resultCode")),
	), "press Pay")
	assert.Equal(t, "Paid", read("heading"))
	assert.Contains(t, read("notice"), "You paid 12.50 USD")
	assert.Contains(t, read("resultCode"), "9000")
	after, err := chromedp.Run(browser, chromedp.FullScreenshot(100))
	require.NoError(t, err)

	// The merchant learns it from the wallet's signed notification, not from the page.
	require.Eventually(t, func() bool {
		o, err := m.Order(ctx, order.OrderID)
		return err == nil && o.Status == target.OrderPaid
	}, 10*time.Second, 20*time.Millisecond, "the merchant's order becomes PAID")
	pay, err := control.Payment(ctx, order.PaymentID)
	require.NoError(t, err)
	require.NotEmpty(t, pay.Notifications, "the wallet notified the merchant")
	assert.Equal(t, "SUCCESS", pay.Notifications[0].PaymentStatus)
	assert.Equal(t, "S", pay.Notifications[0].Outcome, "and the merchant acknowledged it")

	dir := os.Getenv("CASHIER_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	for name, img := range map[string][]byte{"cashier-before-pay.png": before, "cashier-after-pay.png": after} {
		require.Greater(t, len(img), 1000, "%s: a real image", name)
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, img, 0o644))
		t.Logf("screenshot %s (%d bytes)", path, len(img))
	}
}
