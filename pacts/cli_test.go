//go:build pact

package pacts

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The README's command for the standalone verifier of @pact-foundation/pact-cli, run against
// the wallet mock behind the kit's signing front. The CLI is optional: the test runs when
// PACT_CLI names the `pact` binary, or one is on PATH, and is skipped otherwise.
func TestStandalonePactVerifierThroughTheFront(t *testing.T) {
	bin := os.Getenv("PACT_CLI")
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("pact"); err != nil {
			t.Skip("no standalone pact CLI (set PACT_CLI or put `pact` on PATH)")
		}
	}
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
