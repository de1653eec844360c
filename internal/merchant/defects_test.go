package merchant

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
)

func TestDefectCatalog(t *testing.T) {
	kebab := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	requirement := regexp.MustCompile(`^REQ-[A-Z]+(-[A-Z]+)*-[0-9]{3}$`)
	seen := map[Defect]bool{}
	catalog := Defects()
	assert.GreaterOrEqual(t, len(catalog), 30, "the issue asks for at least 30 merchant defects")
	for _, d := range catalog {
		assert.Regexp(t, kebab, string(d.Name))
		assert.Regexp(t, requirement, d.Requirement, "%s", d.Name)
		assert.NotEmpty(t, d.What, "%s", d.Name)
		assert.False(t, seen[d.Name], "%s twice", d.Name)
		seen[d.Name] = true
	}
	assert.Equal(t, catalog, Defects(), "a fixed order")
}

func TestNewServerRefusesAnUnknownDefect(t *testing.T) {
	cfg := Config{
		WalletURL: "http://127.0.0.1:1", ClientID: fixtures.ClientID,
		PrivateKey:      fixtures.PrivateKey(fixtures.MerchantPrivateKey),
		WalletPublicKey: &fixtures.PrivateKey(fixtures.WalletPrivateKey).PublicKey,
		Defects:         []Defect{"no-such-defect"},
	}
	_, err := NewServer(cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"no-such-defect"`)
	cfg.Defects = []Defect{DefectPlainTextSuccess}
	_, err = NewServer(cfg)
	assert.NoError(t, err)
}
