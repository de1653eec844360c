//go:build pact

package pacts

import (
	"path/filepath"
	"testing"

	"github.com/pact-foundation/pact-go/v2/consumer"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/dialect"
)

// Every consumer test writes one pact per preset (Pairs): the kit preset's into pactDir,
// under the names merchant and wallet, each other preset's into pactDir/PRESET under the
// pair's names. replacePacts copies them to the pair's files.

// forEachPreset runs f for every preset, as a subtest named after it.
func forEachPreset(t *testing.T, f func(t *testing.T, d dialect.Dialect, pair Pair)) {
	for _, pair := range Pairs() {
		t.Run(pair.Preset, func(t *testing.T) {
			f(t, pactDialect(pair.Preset), pair)
		})
	}
}

// pactDialect is the preset as the pacts pin it: without its URL prefix, which is the
// wallet's deployment (a verifier puts it in the wallet's URL, as it does today's prefixes),
// so the pacts' paths are /{version}/payments/{apiName}.
func pactDialect(preset string) dialect.Dialect {
	d := dialect.MustLookup(preset)
	d.BasePath = ""
	return d
}

// pactDirOf is where the consumer tests write the pair's pacts.
func pactDirOf(pair Pair) string {
	if pair.Preset == dialect.Default {
		return pactDir
	}
	return filepath.Join(pactDir, pair.Preset)
}

// writtenFile is the name pact-go gives the file of a consumer and provider.
func writtenFile(consumer, provider string) string { return consumer + "-" + provider + ".json" }

func newPact(t *testing.T, pair Pair, consumerName, providerName string) *consumer.V4HTTPMockProvider {
	t.Helper()
	p, err := consumer.NewV4Pact(consumer.MockHTTPProviderConfig{
		Consumer: consumerName,
		Provider: providerName,
		Host:     "127.0.0.1",
		PactDir:  pactDirOf(pair),
		LogDir:   pactDir,
	})
	require.NoError(t, err)
	return p
}
