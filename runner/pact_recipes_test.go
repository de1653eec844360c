package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/pacts"
)

// The verifier recipes of pacts/README.md run here as printed: the fenced blocks whose info
// string is "sh pact-recipe" are run by bash from a directory laid out like the repository
// root after `make vendor-tools` (bin/tradepaykit, .tools/pact-cli/pact, fixtures/), with
// only the documented placeholders replaced by the test's own parties. The files the recipes
// name (keys, profile) are written under their documented names, so they need no replacing.

const recipeClientID = "2026ACMECLIENT01"

// readmeBlocks returns the fenced blocks of pacts/README.md whose info string is info.
func readmeBlocks(t *testing.T, info string) []string {
	t.Helper()
	f, err := os.Open("../pacts/README.md")
	require.NoError(t, err)
	defer f.Close()
	var blocks []string
	var cur *strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case cur == nil && line == "```"+info:
			cur = &strings.Builder{}
		case cur != nil && line == "```":
			blocks = append(blocks, cur.String())
			cur = nil
		case cur != nil:
			cur.WriteString(line + "\n")
		}
	}
	require.NoError(t, sc.Err())
	require.Nil(t, cur, "an unclosed ```%s block", info)
	return blocks
}

// recipe returns the one "sh pact-recipe" block that verifies the given side under the
// preset: with --dialect PRESET, or for the kit preset without --dialect.
func recipe(t *testing.T, side, preset string) string {
	t.Helper()
	var found []string
	for _, b := range readmeBlocks(t, "sh pact-recipe") {
		if !strings.Contains(b, "--provider "+side+" ") {
			continue
		}
		if preset == dialect.Default && !strings.Contains(b, "--dialect") || strings.Contains(b, "--dialect "+preset+" ") {
			found = append(found, b)
		}
	}
	require.Len(t, found, 1, "pacts/README.md has one CLI recipe for --provider %s under the %s preset", side, preset)
	return found[0]
}

// recipeDir lays out a directory as the recipes expect the repository root after
// `make vendor-tools`: bin/tradepaykit, .tools/pact-cli/pact and fixtures/.
func recipeDir(t *testing.T, cli string) string {
	t.Helper()
	dir := t.TempDir()
	fixturesDir, err := filepath.Abs("../fixtures")
	require.NoError(t, err)
	cliPath, err := filepath.Abs(cli)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "bin"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, ".tools", "pact-cli"), 0o755))
	require.NoError(t, os.Symlink(kitBinary, filepath.Join(dir, "bin", "tradepaykit")))
	require.NoError(t, os.Symlink(cliPath, filepath.Join(dir, ".tools", "pact-cli", "pact")))
	require.NoError(t, os.Symlink(fixturesDir, filepath.Join(dir, "fixtures")))
	return dir
}

// fill replaces each placeholder by its value in one pass, and requires each to be there.
func fill(t *testing.T, text string, pairs ...string) string {
	t.Helper()
	for i := 0; i < len(pairs); i += 2 {
		require.Contains(t, text, pairs[i], "the recipe names the placeholder %q", pairs[i])
	}
	return strings.NewReplacer(pairs...).Replace(text)
}

// recipeRun is what running one recipe did.
type recipeRun struct {
	code int
	out  string
}

var ansiEscape = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// runRecipe runs the recipe with bash in dir; fd 3 is a listener on 127.0.0.1:0, which the
// recipe's --listen takes (the front binds before the verifier starts: no port race).
func runRecipe(t *testing.T, dir, script string, ln *os.File) recipeRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = dir
	cmd.ExtraFiles = []*os.File{ln}
	out, err := cmd.CombinedOutput()
	// The verifier colours its report on a terminal and here alike; the test reads the text.
	r := recipeRun{out: ansiEscape.ReplaceAllString(string(out), "")}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	default:
		require.NoError(t, err, "running the recipe:\n%s", out)
	}
	t.Logf("recipe exit %d", r.code)
	return r
}

// listenerFile is a listener on 127.0.0.1:0 as a file to pass on, and its port.
func listenerFile(t *testing.T) (*os.File, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	f, err := ln.(*net.TCPListener).File()
	require.NoError(t, err)
	require.NoError(t, ln.Close()) // f holds the socket
	t.Cleanup(func() { _ = f.Close() })
	_, port, err := net.SplitHostPort(ln.Addr().String())
	require.NoError(t, err)
	return f, port
}

// writeKeyPair writes a fresh RSA key as privateFile and its public half as publicFile (PEM).
func writeKeyPair(t *testing.T, privateFile, publicFile string) *rsa.PrivateKey {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	if privateFile != "" {
		der, err := x509.MarshalPKCS8PrivateKey(key)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(privateFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600))
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(publicFile, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o644))
	return key
}

// walletRecipe runs the wallet vendor's CLI recipe, edited by edit, against the kit's wallet
// mock as a vendor's sandbox would be: its OpenAPI behind a path prefix (the sample vendor
// profile's /api/open), its control at the root, a client id and a merchant key of its own,
// and answers signed with a wallet key that is not the kit's.
func walletRecipe(t *testing.T, preset string, edit func(string) string) (recipeRun, string) {
	t.Helper()
	dir := recipeDir(t, pactCLI(t))
	writeKeyPair(t, filepath.Join(dir, "acme-merchant-private.pem"), filepath.Join(dir, "acme-merchant-public.pem"))
	walletKey := writeKeyPair(t, "", filepath.Join(dir, "acme-wallet-public.pem"))
	profile, err := os.ReadFile("../fixtures/profiles/wallet-sample.json")
	require.NoError(t, err)
	if preset != dialect.Default {
		// The sample declares an AUTH_SUCCESS notification, which a paymentResult dialect
		// cannot say: under another preset the wallet declares what the preset says.
		var doc map[string]any
		require.NoError(t, json.Unmarshal(profile, &doc))
		delete(doc, "notifications")
		profile, err = json.Marshal(doc)
		require.NoError(t, err)
	}
	profileFile := filepath.Join(dir, "acme-wallet.json")
	require.NoError(t, os.WriteFile(profileFile, profile, 0o644))

	wallet := startParty(t, "wallet-mock", "--profile", profileFile, "--dialect", preset,
		"--client-id", recipeClientID, "--merchant-public-key", filepath.Join(dir, "acme-merchant-public.pem"))
	sandbox := resignedWallet(t, wallet.url, walletKey)
	ln, port := listenerFile(t)
	script := fill(t, recipe(t, "wallet", preset),
		"--listen 127.0.0.1:8111", "--listen fd:3",
		"8111", port,
		"https://sandbox.acme.example/gateway", sandbox+"/api/open",
		"https://sandbox.acme.example", sandbox,
		"ACME-CLIENT-ID", recipeClientID,
	)
	return runRecipe(t, dir, edit(script), ln), dir
}

func TestPactRecipeForAWalletRunsAsPrinted(t *testing.T) {
	t.Parallel()
	r, dir := walletRecipe(t, dialect.Default, func(s string) string { return s })

	require.Equal(t, 0, r.code, r.out)
	assert.Contains(t, r.out, "Verifying a pact between merchant and acme-wallet")
	assert.Equal(t, 20, strings.Count(r.out, "has status code 200 (OK)"), "every interaction verified:\n%s", r.out)
	assert.Contains(t, r.out, "tradepaykit pact-provider: .tools/pact-cli/pact passed; stopping")
	written, err := os.ReadFile(filepath.Join(dir, "merchant-wallet.json"))
	require.NoError(t, err)
	assert.Contains(t, string(written), `"clientId": "`+recipeClientID+`"`, "--write-pact honours --client-id")
	assert.NotContains(t, string(written), fixtures.ClientID)
}

// TestPactRecipeForAWalletNeedsTheWalletPublicKey: the recipe without --wallet-public-key
// checks the answers with the kit's test key, and the vendor's wallet fails, with the reason.
func TestPactRecipeForAWalletNeedsTheWalletPublicKey(t *testing.T) {
	t.Parallel()
	r, _ := walletRecipe(t, dialect.Default, func(s string) string {
		out := strings.Replace(s, "--wallet-public-key acme-wallet-public.pem ", "", 1)
		require.NotEqual(t, s, out, "the recipe passes --wallet-public-key")
		return out
	})

	assert.NotEqual(t, 0, r.code, r.out)
	assert.Contains(t, r.out, "does not verify with the wallet public key")
	assert.Contains(t, r.out, "tradepaykit pact-provider: state ", "the front prints why the states could not be set up")
}

// TestPactRecipeForAV2WalletRunsAsPrinted: the recipe of a wallet of another preset (v2)
// verifies the v2 pair against a wallet mock speaking v2, as printed.
func TestPactRecipeForAV2WalletRunsAsPrinted(t *testing.T) {
	t.Parallel()
	r, dir := walletRecipe(t, "v2", func(s string) string { return s })

	require.Equal(t, 0, r.code, r.out)
	assert.Contains(t, r.out, "Verifying a pact between merchant-v2 and acme-wallet")
	assert.Equal(t, 20, strings.Count(r.out, "has status code 200 (OK)"), "every interaction verified:\n%s", r.out)
	written, err := os.ReadFile(filepath.Join(dir, "merchant-wallet-v2.json"))
	require.NoError(t, err)
	assert.Contains(t, string(written), `"/v2/payments/pay"`, "--write-pact writes the v2 pair's pact")
	assert.Contains(t, string(written), `"name": "merchant-v2"`)
}

func TestPactRecipeForAMerchantRunsAsPrinted(t *testing.T) {
	t.Parallel()
	r, dir := merchantRecipe(t, dialect.Default)

	require.Equal(t, 0, r.code, r.out)
	assert.Contains(t, r.out, "Verifying a pact between wallet and acme-shop")
	assert.Equal(t, 6, strings.Count(r.out, "has status code 200 (OK)"), "every interaction verified:\n%s", r.out)
	written, err := os.ReadFile(filepath.Join(dir, "wallet-merchant.json"))
	require.NoError(t, err)
	assert.NotContains(t, string(written), fixtures.ClientID, "--write-pact honours --client-id")
}

func TestPactRecipeForAV2MerchantRunsAsPrinted(t *testing.T) {
	t.Parallel()
	r, dir := merchantRecipe(t, "v2")

	require.Equal(t, 0, r.code, r.out)
	assert.Contains(t, r.out, "Verifying a pact between wallet-v2 and acme-shop")
	assert.Equal(t, 5, strings.Count(r.out, "has status code 200 (OK)"), "every interaction verified:\n%s", r.out)
	written, err := os.ReadFile(filepath.Join(dir, "wallet-merchant-v2.json"))
	require.NoError(t, err)
	assert.Contains(t, string(written), `"paymentResult"`, "--write-pact writes the v2 pair's pact")
}

// merchantRecipe runs the merchant's CLI recipe of the preset against the reference merchant
// and the wallet mock, both speaking the preset.
func merchantRecipe(t *testing.T, preset string) (recipeRun, string) {
	t.Helper()
	dir := recipeDir(t, pactCLI(t))
	wallet := startParty(t, "wallet-mock", "--client-id", recipeClientID, "--dialect", preset)
	merchant := startParty(t, "reference-merchant", "--wallet-url", wallet.url, "--client-id", recipeClientID, "--dialect", preset)
	ln, port := listenerFile(t)
	script := fill(t, recipe(t, "merchant", preset),
		"--listen 127.0.0.1:8112", "--listen fd:3",
		"8112", port,
		"https://shop.acme.example/pay/notify", merchant.url+"/v1/payments/notifyPayment",
		"https://shop.acme.example", merchant.url,
		"https://wallet-sandbox.example", wallet.url,
		"ACME-CLIENT-ID", recipeClientID,
	)

	return runRecipe(t, dir, script, ln), dir
}

// cliArgs returns the words of a recipe, its line continuations joined.
func cliArgs(recipe string) []string {
	return strings.Fields(strings.ReplaceAll(recipe, "\\\n", " "))
}

// argAfter returns the word after the first flag in words, or "".
func argAfter(words []string, flag string) string {
	for i, w := range words {
		if w == flag && i+1 < len(words) {
			return words[i+1]
		}
	}
	return ""
}

// TestPactRecipesForGradleAndPactJSMatchTheCLIRecipe: the Gradle and pact-js recipes cannot
// run here (their Pact packages are not on the test machines), so they are held to the CLI
// recipe of the same preset, which runs: the same front (every flag of pact-provider), and a
// verifier pointed at the same port, state change URL, pact file and provider name, and
// (Gradle) the consumer name of the preset's pair.
func TestPactRecipesForGradleAndPactJSMatchTheCLIRecipe(t *testing.T) {
	for _, p := range []struct{ preset, suffix string }{{dialect.Default, ""}, {"v2", "-v2"}} {
		t.Run(p.preset, func(t *testing.T) {
			pair, err := pacts.PairFor(p.preset)
			require.NoError(t, err)
			cli := cliArgs(recipe(t, "wallet", p.preset))
			sep := slices.Index(cli, "--")
			require.Positive(t, sep, "the CLI recipe runs the verifier after --")
			front, verifier := cli[:sep], cli[sep+1:]
			port := argAfter(verifier, "--port")
			host := argAfter(verifier, "--hostname")
			stateURL := argAfter(verifier, "--state-change-url")
			file := argAfter(verifier, "--file")
			provider := argAfter(verifier, "--provider-name")
			require.NotEmpty(t, port)
			require.Equal(t, host+":"+port, argAfter(front, "--listen"), "the verifier calls the front where it listens")
			require.Equal(t, "http://"+host+":"+port+"/_tradepaykit/provider-state", stateURL)
			require.Equal(t, file, argAfter(front, "--write-pact"))
			require.Equal(t, provider, argAfter(front, "--provider-name"))
			require.Contains(t, verifier, "--state-change-teardown")
			if p.preset != dialect.Default {
				require.Equal(t, p.preset, argAfter(front, "--dialect"))
			}

			for _, c := range []struct {
				name, info, command string
				names               []string
			}{
				{"Gradle", "groovy pact-recipe-gradle" + p.suffix, "./gradlew pactVerify", []string{
					"'" + provider + "'", "host = '" + host + "'", "port = " + port, "stateChangeUrl = url('" + stateURL + "')",
					"stateChangeTeardown = true", "pactSource = file('" + file + "')", "hasPactWith('" + pair.Merchant + "')",
				}},
				{"pact-js", "js pact-recipe-js" + p.suffix, "node verify-pact.js", []string{
					"provider: '" + provider + "'", "providerBaseUrl: 'http://" + host + ":" + port + "'", "pactUrls: ['" + file + "']",
					"providerStatesSetupUrl: '" + stateURL + "'",
				}},
			} {
				t.Run(c.name, func(t *testing.T) {
					configs := readmeBlocks(t, c.info)
					require.Len(t, configs, 1)
					for _, n := range c.names {
						assert.Contains(t, configs[0], n)
					}
					launches := readmeBlocks(t, "sh "+strings.Fields(c.info)[1])
					require.Len(t, launches, 1)
					words := cliArgs(launches[0])
					i := slices.Index(words, "--")
					require.Positive(t, i, "the front runs the verifier after --")
					assert.Equal(t, front, words[:i], "the same front as the CLI recipe")
					assert.Equal(t, strings.Fields(c.command), words[i+1:])
				})
			}
		})
	}
}
