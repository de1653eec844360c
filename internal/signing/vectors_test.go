package signing_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/signing"
)

var update = flag.Bool("update", false, "rewrite the expected content and signature in fixtures/signing/vectors.json")

var vectorPath = filepath.Join("..", "..", "fixtures", "signing", "vectors.json")

// vectorFile is fixtures/signing/vectors.json: messages, and the content and Signature header
// their sender must produce.
type vectorFile struct {
	Comment string   `json:"comment"`
	Vectors []vector `json:"vectors"`
}

type vector struct {
	Name     string      `json:"name"`
	Key      string      `json:"key"` // private key file in fixtures/keys
	Method   string      `json:"method"`
	Path     string      `json:"path"`
	ClientID string      `json:"client_id"`
	Time     string      `json:"time"`
	Body     string      `json:"body"`
	Style    vectorStyle `json:"style"`

	Content   string `json:"content"`
	Signature string `json:"signature"`
}

type vectorStyle struct {
	RawBase64   bool `json:"raw_base64,omitempty"`
	NoSpaces    bool `json:"no_spaces,omitempty"`
	EpochMillis bool `json:"epoch_millis,omitempty"`
}

func (v vector) message() signing.Message {
	return signing.Message{Method: v.Method, Path: v.Path, ClientID: v.ClientID, Time: v.Time, Body: []byte(v.Body)}
}

func (v vector) style() signing.Style {
	return signing.Style{RawBase64: v.Style.RawBase64, NoSpaces: v.Style.NoSpaces, EpochMillis: v.Style.EpochMillis}
}

func TestGoldenVectors(t *testing.T) {
	raw, err := os.ReadFile(vectorPath)
	require.NoError(t, err)
	var file vectorFile
	require.NoError(t, json.Unmarshal(raw, &file))
	require.NotEmpty(t, file.Vectors)

	for i := range file.Vectors {
		v := &file.Vectors[i]
		t.Run(v.Name, func(t *testing.T) {
			priv := fixtures.PrivateKey(v.Key)
			m := v.message()
			content := string(m.Content())
			header, err := v.style().Sign(priv, m)
			require.NoError(t, err)

			if *update {
				v.Content, v.Signature = content, header
				return
			}
			assert.Equal(t, v.Content, content, "content")
			assert.Equal(t, v.Signature, header, "Signature header")

			// The stored header verifies on its own, with the sender's public key only.
			pub := fixtures.PublicKey(strings.Replace(v.Key, "private", "public", 1))
			assert.NoError(t, signing.Verify(pub, m, v.Signature))
		})
	}

	if *update {
		var out bytes.Buffer
		enc := json.NewEncoder(&out)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		require.NoError(t, enc.Encode(file))
		require.NoError(t, os.WriteFile(vectorPath, out.Bytes(), 0o644))
		t.Logf("rewrote %s", vectorPath)
	}
}

// TestGoldenVectorsCoverTheVariants keeps the file honest: it must hold a path prefix, a
// query, every style and both keys, or the vectors pin less than they seem to.
func TestGoldenVectorsCoverTheVariants(t *testing.T) {
	raw, err := os.ReadFile(vectorPath)
	require.NoError(t, err)
	var file vectorFile
	require.NoError(t, json.Unmarshal(raw, &file))

	var prefix, query, rawB64, noSpaces, epoch, wallet, merchant bool
	for _, v := range file.Vectors {
		prefix = prefix || strings.HasPrefix(v.Path, "/api/v1/payments/")
		query = query || strings.Contains(v.Path, "?")
		rawB64 = rawB64 || v.Style.RawBase64
		noSpaces = noSpaces || v.Style.NoSpaces
		epoch = epoch || v.Style.EpochMillis
		wallet = wallet || v.Key == fixtures.WalletPrivateKey
		merchant = merchant || v.Key == fixtures.MerchantPrivateKey

		if v.Style.RawBase64 {
			assert.NotContains(t, v.Signature, "%", v.Name)
		} else {
			assert.Contains(t, v.Signature, "%", v.Name)
		}
		if v.Style.NoSpaces {
			assert.NotContains(t, v.Signature, " ", v.Name)
		} else {
			assert.Contains(t, v.Signature, ", keyVersion=1, ", v.Name)
		}
	}
	assert.True(t, prefix, "a vector with a path prefix")
	assert.True(t, query, "a vector with a query")
	assert.True(t, rawB64, "a raw Base64 vector")
	assert.True(t, noSpaces, "a vector without spaces")
	assert.True(t, epoch, "an epoch milliseconds vector")
	assert.True(t, wallet, "a vector signed by the wallet key")
	assert.True(t, merchant, "a vector signed by the merchant key")
}
