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
