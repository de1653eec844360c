//go:build pact

package pacts

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The README's command for the standalone verifier of @pact-foundation/pact-cli, run against
// the wallet mock behind the kit's signing front. The CLI is optional: the test runs when
// PACT_CLI names the `pact` binary, or one is on PATH, and is skipped otherwise.
func TestStandalonePactVerifierThroughTheFront(t *testing.T) {
	bin := standaloneCLI(t)
	w := startWallet(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	front, err := StartWalletFront(ctx, WalletOptions{WalletURL: w.URL(), ControlURL: w.URL()})
	require.NoError(t, err)
	t.Cleanup(front.Close)
	u, err := url.Parse(front.URL())
	require.NoError(t, err)

	out, err := exec.CommandContext(ctx, bin, "verifier",
		"--file", MerchantWalletFile, "--provider-name", Wallet,
		"--hostname", u.Hostname(), "--port", u.Port(),
		"--state-change-url", front.StateChangeURL(), "--state-change-teardown",
		"--no-colour").CombinedOutput()

	require.NoError(t, err, "pact verifier:\n%s", out)
}

// standaloneCLI is the Pact CLI named by PACT_CLI, or `pact` on PATH; without one the test is
// skipped.
func standaloneCLI(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("PACT_CLI"); bin != "" {
		return bin
	}
	bin, err := exec.LookPath("pact")
	if err != nil {
		t.Skip("no standalone pact CLI (set PACT_CLI or put `pact` on PATH)")
	}
	return bin
}

// With PactCLI set, VerifyMerchant runs the CLI's verifier instead of the library, as a build
// without cgo does, and reads the same verdicts from its JSON report: the reference merchant
// passes, one that acknowledges every notification fails the two interactions it must refuse,
// on resultStatus.
func TestVerifyMerchantThroughThePactCLI(t *testing.T) {
	bin := standaloneCLI(t)
	m, w := startMerchant(t)
	ctx := context.Background()

	r, err := VerifyMerchant(ctx, MerchantOptions{NotifyURL: m.NotifyURL(), MerchantURL: m.URL(), ControlURL: w.URL(), PactCLI: bin})
	require.NoError(t, err)
	assert.True(t, r.Passed(), "the CLI's output:\n%s", r.Output)
	assert.Len(t, r.Interactions, 6)
	assert.Contains(t, r.Output, "Verifying a pact between wallet and merchant", "the CLI's own report")

	acksAll := brokenMerchant(t, m, func(r map[string]any) { r["resultCode"], r["resultStatus"] = "SUCCESS", "S" })
	r, err = VerifyMerchant(ctx, MerchantOptions{NotifyURL: acksAll, MerchantURL: m.URL(), ControlURL: w.URL(), PactCLI: bin})
	require.NoError(t, err)
	var failed []string
	for _, i := range r.Failed() {
		failed = append(failed, i.Description)
		assert.True(t, says(i, regexp.MustCompile(`BodyMismatch at \$\.result\.resultStatus`)), "%q: %v", i.Description, i.Mismatches)
	}
	assert.ElementsMatch(t, []string{
		"notifyPayment: a notification signed with a key the merchant does not know is refused INVALID_SIGNATURE",
		"notifyPayment: an amount that does not match the order is refused",
	}, failed)

	_, err = VerifyMerchant(ctx, MerchantOptions{NotifyURL: m.NotifyURL(), MerchantURL: m.URL(), ControlURL: w.URL(), PactCLI: filepath.Join(t.TempDir(), "pact")})
	assert.ErrorContains(t, err, "running the Pact CLI", "no verdict from a CLI that is not there")
}
