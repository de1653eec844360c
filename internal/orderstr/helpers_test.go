package orderstr_test

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// fixtures is the repository's fixtures folder, seen from this package.
var fixtures = filepath.Join("..", "..", "fixtures")

// readFixture returns a fixture file's text without surrounding whitespace.
func readFixture(tb testing.TB, rel string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, rel))
	require.NoError(tb, err)
	return strings.TrimSpace(string(b))
}

// testKey loads the orderStr test key pair (fixtures/keys/README-orderstr.md).
func testKey(tb testing.TB) *rsa.PrivateKey {
	tb.Helper()
	block, _ := pem.Decode([]byte(readFixture(tb, "keys/orderstr-test-private.pem")))
	require.NotNil(tb, block, "private key PEM")
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	require.NoError(tb, err)
	key, ok := k.(*rsa.PrivateKey)
	require.True(tb, ok, "private key is RSA")

	block, _ = pem.Decode([]byte(readFixture(tb, "keys/orderstr-test-public.pem")))
	require.NotNil(tb, block, "public key PEM")
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	require.NoError(tb, err)
	require.True(tb, key.PublicKey.Equal(pub), "public key file matches the private key")
	return key
}
