package orderstr_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/tradepaykit/tradepaykit/internal/orderstr"
)

var update = flag.Bool("update", false, "rewrite the expected values in fixtures/orderstr/vectors.json")

// vectorFile is fixtures/orderstr/vectors.json: parameters and what signing them with the
// orderStr test key must give.
type vectorFile struct {
	Comment string   `json:"comment"`
	Key     string   `json:"key"`
	Vectors []vector `json:"vectors"`
}

type vector struct {
	Name   string          `json:"name"`
	Params orderstr.Params `json:"params"`
	// SigningContent is the content as text; SigningContentHex the exact bytes, given when
	// the charset is not UTF-8.
	SigningContent    string `json:"signing_content"`
	SigningContentHex string `json:"signing_content_hex,omitempty"`
	Sign              string `json:"sign"`
	OrderStr          string `json:"order_str"`
}

func TestVectors(t *testing.T) {
	path := filepath.Join(fixtures, "orderstr", "vectors.json")
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var file vectorFile
	require.NoError(t, json.Unmarshal(raw, &file))
	require.NotEmpty(t, file.Vectors)
	key := testKey(t)

	for i := range file.Vectors {
		v := &file.Vectors[i]
		t.Run(v.Name, func(t *testing.T) {
			content, err := orderstr.SigningContent(v.Params)
			require.NoError(t, err)
			signed, err := orderstr.Sign(v.Params, key)
			require.NoError(t, err)
			s, err := orderstr.Encode(signed)
			require.NoError(t, err)

			text, hexBytes := string(content), ""
			if strings.EqualFold(v.Params["charset"], "GBK") {
				utf8Content, err := simplifiedchinese.GBK.NewDecoder().Bytes(content)
				require.NoError(t, err)
				text, hexBytes = string(utf8Content), hex.EncodeToString(content)
			}
			if *update {
				v.SigningContent, v.SigningContentHex, v.Sign, v.OrderStr = text, hexBytes, signed["sign"], s
				return
			}
			assert.Equal(t, v.SigningContent, text, "signing content")
			assert.Equal(t, v.SigningContentHex, hexBytes, "signing content bytes")
			assert.Equal(t, v.Sign, signed["sign"], "sign")
			assert.Equal(t, v.OrderStr, s, "orderStr")

			o, err := orderstr.Decode(v.OrderStr)
			require.NoError(t, err)
			assert.Equal(t, signed, o.Params)
			assert.NoError(t, orderstr.Verify(o.Params, &key.PublicKey))
		})
	}

	if *update {
		file.Comment = "Golden orderStr vectors: signing content, sign (PKCS#1 v1.5 is deterministic) and wire string " +
			"for each params set, signed with the TEST key fixtures/keys/orderstr-test-private.pem. " +
			"Refresh with: go test ./internal/orderstr -run TestVectors -update"
		file.Key = "keys/orderstr-test-private.pem"
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		require.NoError(t, enc.Encode(file))
		require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	}
}
