package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
)

func TestPactProviderRefusesBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{}, `--provider "": want wallet or merchant`},
		{[]string{"--provider", "bank"}, `--provider "bank": want wallet or merchant`},
		{[]string{"--provider", "wallet"}, "--wallet-url"},
		{[]string{"--provider", "wallet", "--wallet-url", "sandbox.example.com"}, "--wallet-url"},
		{[]string{"--provider", "merchant"}, "--merchant-notify-url"},
		{[]string{"--provider", "merchant", "--merchant-notify-url", "http://127.0.0.1:1/notify"}, "(or pass --pact-states-url)"},
		{[]string{"--provider", "merchant", "--merchant-notify-url", "http://127.0.0.1:1/notify", "--merchant-url", "http://127.0.0.1:1",
			"--control-url", "ftp://x"}, "--control-url"},
		{[]string{"--provider", "wallet", "--wallet-url", "http://127.0.0.1:1", "--listen", "256.0.0.1:0"}, "--listen"},
		{[]string{"--provider", "wallet", "--wallet-url", "http://127.0.0.1:1", "--"}, "nothing after --"},
	} {
		var stdout, stderr bytes.Buffer
		code := Run(context.Background(), append([]string{"pact-provider"}, tc.args...), &stdout, &stderr)
		assert.Equal(t, exitUsage, code, "%v", tc.args)
		assert.Contains(t, stderr.String(), tc.want, "%v", tc.args)
	}
}

func TestPactProviderWritesThePactUnderTheGivenNames(t *testing.T) {
	file := filepath.Join(t.TempDir(), "pact.json")
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // serve nothing: stop as soon as the front is up
	var stdout, stderr bytes.Buffer

	code := Run(ctx, []string{"pact-provider", "--provider", "merchant", "--merchant-notify-url", "http://127.0.0.1:1/notify",
		"--pact-states-url", "http://127.0.0.1:1/states", "--write-pact", file, "--consumer-name", "acme-wallet", "--provider-name", "shop-7"}, &stdout, &stderr)

	require.Equal(t, exitPass, code, stderr.String())
	raw, err := os.ReadFile(file)
	require.NoError(t, err)
	var doc struct {
		Consumer     struct{ Name string } `json:"consumer"`
		Provider     struct{ Name string } `json:"provider"`
		Interactions []json.RawMessage     `json:"interactions"`
	}
	require.NoError(t, json.Unmarshal(raw, &doc))
	assert.Equal(t, "acme-wallet", doc.Consumer.Name)
	assert.Equal(t, "shop-7", doc.Provider.Name)
	assert.Len(t, doc.Interactions, 6)
	assert.Contains(t, stdout.String(), "listening on http://127.0.0.1:")
	assert.Contains(t, stdout.String(), "stopping")
}

func TestPactProviderWritesThePactWithTheGivenClientID(t *testing.T) {
	file := filepath.Join(t.TempDir(), "pact.json")
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // serve nothing: stop as soon as the front is up
	var stdout, stderr bytes.Buffer

	code := Run(ctx, []string{"pact-provider", "--provider", "wallet", "--wallet-url", "http://127.0.0.1:1/api",
		"--client-id", "ACME-0001", "--write-pact", file}, &stdout, &stderr)

	require.Equal(t, exitPass, code, stderr.String())
	raw, err := os.ReadFile(file)
	require.NoError(t, err)
	var doc struct {
		Interactions []struct {
			ProviderStates []struct {
				Name   string         `json:"name"`
				Params map[string]any `json:"params"`
			} `json:"providerStates"`
			Request struct {
				Headers map[string][]string `json:"headers"`
			} `json:"request"`
		} `json:"interactions"`
	}
	require.NoError(t, json.Unmarshal(raw, &doc))
	require.Len(t, doc.Interactions, 20)
	for _, i := range doc.Interactions {
		assert.Equal(t, []string{"ACME-0001"}, i.Request.Headers["Client-Id"])
		for _, st := range i.ProviderStates {
			if st.Params != nil {
				assert.Equal(t, "ACME-0001", st.Params["clientId"], st.Name)
			}
		}
	}
	assert.NotContains(t, string(raw), fixtures.ClientID)
}

// TestPactProviderRunsTheCommandAfterDashDash: the front runs the command once it listens
// and exits with its status.
func TestPactProviderRunsTheCommandAfterDashDash(t *testing.T) {
	for _, tc := range []struct {
		command []string
		code    int
	}{
		{[]string{"true"}, exitPass},
		{[]string{"sh", "-c", "exit 3"}, 3},
	} {
		var stdout, stderr bytes.Buffer
		args := append([]string{"pact-provider", "--provider", "merchant", "--merchant-notify-url", "http://127.0.0.1:1/notify",
			"--pact-states-url", "http://127.0.0.1:1/states", "--"}, tc.command...)

		code := Run(context.Background(), args, &stdout, &stderr)

		assert.Equal(t, tc.code, code, "%v\n%s%s", tc.command, stdout.String(), stderr.String())
		assert.Contains(t, stdout.String(), "listening on http://127.0.0.1:", "the command runs once the front listens")
	}
}
