package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/merchant"
)

// TestVerifyWalletPassesPublishedVariants: a wallet that differs from the kit's own only
// where docs/protocol.md's "Where published wallets differ" allows it passes verify-wallet
// with the bare profile, every MUST checked but the orderStr pay_timeout (issue 16, items 1
// and 2). Each wallet is the kit's mock started with one --variant; where the variant leaves
// a SHOULD, the run warns with the rule's words, and where it breaks nothing, it does not warn
// about it.
func TestVerifyWalletPassesPublishedVariants(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		variant string
		warns   string // a WARNING (SHOULD) line the run prints; "" when the variant is plainly correct
	}{
		{"lenient-reader", `should refuse with PARAM_ILLEGAL (F), it answered ACCEPT`},
		{"repeat-cancel-succeeds", ""},
		{"no-payment-time", "notification should carry paymentTime"},
		{"capture-aliases", ""},
		{"replay-first-refusal", ""},
		{"no-retry-after-f", "should retry a notification the merchant refused with F"},
		{"no-refund-time", ""},
		{"no-auth-success-notification", ""},
		{"no-deadline-fail-notification", ""},
		{"one-capture", ""},
		{"one-partial-refund", ""},
		{"refund-in-flight", ""},
	} {
		t.Run(tc.variant, func(t *testing.T) {
			t.Parallel()
			ln, notifyURL := notifyListener(t)
			wallet := startParty(t, "wallet-mock", "--listen", "127.0.0.1:0", "--notify-timeout", "2s", "--profile", "kit:wallet-bare",
				"--notify-url", notifyURL, "--variant", tc.variant)
			// The contract too where the variant changes an answer it pins.
			pact := strconv.FormatBool(tc.variant == "no-refund-time")
			r := verify(t, []*os.File{ln}, "verify-wallet", "--wallet-url", wallet.url, "--profile", "kit:wallet-bare",
				"--notify-listen", "fd:3", "--notify-url-registered", "--pact", pact, "--require-all")
			// Every MUST checked but an orderStr's pay_timeout, which only clock control shows
			// (issue 16): --require-all fails on that alone, and nothing failed.
			require.Equal(t, exitFail, r.code, "a wallet with the variant %s fails --require-all on the orderStr pay_timeout alone\n%s", tc.variant, r.String())
			assert.Regexp(t, `(?m)^FAIL: \d+ of \d+ MUST requirements checked; not checked: REQ-GEN-014 on orderStr, REQ-PRE-012 on orderStr pre-auth \(an orderStr's pay_timeout .*\) \(--require-all`, r.stdout)
			got := parseTotals(t, r.stdout)
			assert.Equal(t, got.scenarios, got.passed+got.skipped, "nothing failed")
			if tc.warns != "" {
				assert.Contains(t, r.stdout, tc.warns, "the SHOULD the variant leaves is a warning")
			} else {
				assert.NotContains(t, r.stdout, "WARNING (SHOULD)", "the variant is as right as the kit's own behaviour")
			}
		})
	}
}

// TestVerifyWalletJudgesDeclaredCapturesAndRefunds: what a wallet profile declares about a
// second capture or partial refund is a MUST (docs/protocol.md, "Where published wallets
// differ"). Declared "one", a wallet that takes a second one fails, whether the kit or the
// merchant (through its adapter) asks for it; declared "several", a wallet that refuses it
// fails; declared "one" of a wallet that takes one, the scenarios about the second one do not
// apply and are skipped with that reason. (Declaring nothing, either passes:
// TestVerifyWalletPassesPublishedVariants.)
func TestVerifyWalletJudgesDeclaredCapturesAndRefunds(t *testing.T) {
	t.Parallel()
	bare, err := os.ReadFile("../fixtures/profiles/wallet-bare.json")
	require.NoError(t, err)
	for _, tc := range []struct {
		name, variant, field, declared string
		tags                           string
		pass                           bool
		says                           []string // lines of the run's output
	}{
		{name: "one capture declared, several taken", field: "captures", declared: "one", tags: "@REQ-PRE-005",
			says: []string{
				"FAILED Two partial captures, the second one settling the order (REQ-PRE-005)",
				"FAILED Partial captures keep the rest frozen until the last one (REQ-PRE-005)",
				"the profile declares one capture per payment, yet the wallet took a second one",
			}},
		{name: "several captures declared, one taken", variant: "one-capture", field: "captures", declared: "several", tags: "@REQ-PRE-005",
			says: []string{
				"FAILED Two partial captures, the second one settling the order (REQ-PRE-005)",
				"FAILED Partial captures keep the rest frozen until the last one (REQ-PRE-005)",
			}},
		{name: "one capture declared and taken", variant: "one-capture", field: "captures", declared: "one", tags: "@REQ-PRE-005", pass: true,
			says: []string{
				"not applicable: the wallet's profile declares one capture per payment (it refused the second one, ORDER_IS_CLOSED, and changed nothing)",
				"  - Two partial captures, the second one settling the order (REQ-PRE-005)",
			}},
		{name: "one partial refund declared, several taken", field: "partialRefunds", declared: "one", tags: "@REQ-REF-004",
			says: []string{
				"FAILED A general payment is refunded in two parts (REQ-REF-004)",
				"the profile declares one refund per payment, yet the wallet took a second one",
			}},
		{name: "several partial refunds declared, one taken", variant: "one-partial-refund", field: "partialRefunds", declared: "several", tags: "@REQ-REF-004",
			says: []string{
				"FAILED A general payment is refunded in two parts (REQ-REF-004)",
				"FAILED The wallet refunds a general payment in two parts and no more (REQ-REF-004)",
			}},
		{name: "one partial refund declared and taken", variant: "one-partial-refund", field: "partialRefunds", declared: "one", tags: "@REQ-REF-004", pass: true,
			says: []string{
				"not applicable: the wallet's profile declares one refund per payment (it refused the second one, MULTI_REFUND_NOT_ALLOWED, and changed nothing)",
				"  - A general payment is refunded in two parts (REQ-REF-004)",
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var prof map[string]any
			require.NoError(t, json.Unmarshal(bare, &prof))
			prof[tc.field] = tc.declared
			raw, err := json.Marshal(prof)
			require.NoError(t, err)
			file := filepath.Join(t.TempDir(), "wallet.json")
			require.NoError(t, os.WriteFile(file, raw, 0o600))

			ln, notifyURL := notifyListener(t)
			args := []string{"wallet-mock", "--listen", "127.0.0.1:0", "--notify-timeout", "2s", "--profile", "kit:wallet-bare", "--notify-url", notifyURL}
			if tc.variant != "" {
				args = append(args, "--variant", tc.variant)
			}
			wallet := startParty(t, args...)
			r := verify(t, []*os.File{ln}, "verify-wallet", "--wallet-url", wallet.url, "--profile", file,
				"--notify-listen", "fd:3", "--notify-url-registered", "--tags", tc.tags)
			want := exitFail
			if tc.pass {
				want = exitPass
			}
			require.Equal(t, want, r.code, r.String())
			for _, line := range tc.says {
				assert.Contains(t, r.stdout, line)
			}
		})
	}
}

// TestVerifyWalletRefusesAnUnknownVariant: a misspelt variant is a usage error naming the
// known ones, not a wallet that silently behaves as the kit's.
func TestVerifyWalletRefusesAnUnknownVariant(t *testing.T) {
	t.Parallel()
	out, err := exec.Command(kitBinary, "wallet-mock", "--listen", "127.0.0.1:0", "--variant", "lenient-readers").CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "%s", out)
	assert.Equal(t, exitUsage, exit.ExitCode(), "%s", out)
	assert.Contains(t, string(out), `unknown variant "lenient-readers"`)
}

// TestVerifyMerchantPassesPublishedVariants: a merchant that differs from the kit's own only
// where the protocol allows it passes verify-merchant with the bare profile and every MUST
// checked (issue 16, item 3): one that refuses a genuine notification for a malformed
// optional field (F, order unchanged) gets a WARNING (SHOULD acknowledge); one whose test
// adapter also reads an amount value written as a JSON number gets a warning; the kit's own
// merchant, which acknowledges such a notification and refuses the number, gets neither.
func TestVerifyMerchantPassesPublishedVariants(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name          string
		refuse        bool // merchant.Config.RefuseMalformedOptional
		numberAmounts bool // the adapter reads {"value": 400} as "400"
		warns, quiet  string
	}{
		{name: "kit's merchant", quiet: "should acknowledge a genuine notification"},
		{name: "refuses malformed optional fields", refuse: true, warns: "should acknowledge a genuine notification with a malformed optional field (S), it refused it"},
		{name: "adapter reads JSON numbers", numberAmounts: true, warns: `should refuse amount.value written otherwise than the hook contract says with 400, it answered 200`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ln, walletURL := walletListener(t)
			var h http.Handler
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.numberAmounts && r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/conformance/orders") {
					body, err := io.ReadAll(r.Body)
					if err != nil {
						http.Error(w, err.Error(), http.StatusBadRequest)
						return
					}
					body = numberValuesAsStrings(body)
					r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
				}
				h.ServeHTTP(w, r)
			}))
			m, err := merchant.NewServer(merchant.Config{
				WalletURL: walletURL, ClientID: fixtures.ClientID, AppID: defaultAppID, PublicURL: "http://" + srv.Listener.Addr().String(),
				PrivateKey: fixtures.PrivateKey(fixtures.MerchantPrivateKey), WalletPublicKey: fixtures.PublicKey(fixtures.WalletPublicKey),
				RefuseMalformedOptional: tc.refuse,
			})
			require.NoError(t, err)
			h = m.Handler()
			srv.Start()
			t.Cleanup(srv.Close)

			r := verify(t, []*os.File{ln}, "verify-merchant", "--merchant-url", srv.URL, "--wallet-listen", "fd:3",
				"--notify-timeout", "2s", "--profile", "kit:merchant-bare", "--pact", "false", "--require-all")
			require.Equal(t, exitPass, r.code, "every MUST is checked and met\n%s", r.String())
			got := parseTotals(t, r.stdout)
			assert.Equal(t, got.scenarios, got.passed+got.skipped, "nothing failed")
			if tc.warns != "" {
				assert.Contains(t, r.stdout, tc.warns)
			}
			if tc.quiet != "" {
				assert.NotContains(t, r.stdout, tc.quiet)
			}
		})
	}
}

// numberValuesAsStrings rewrites every "value": <JSON number> of a request body to the
// string of its digits, as an adapter that tolerates numbers reads it; anything else is left.
func numberValuesAsStrings(body []byte) []byte {
	return numberValue.ReplaceAll(body, []byte(`"value":"$1"`))
}

var numberValue = regexp.MustCompile(`"value"\s*:\s*(-?[0-9]+)\b`)
