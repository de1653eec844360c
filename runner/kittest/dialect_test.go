package kittest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
)

// TestStartSpeaksTheDialect: Options.Dialect picks the preset the mock speaks, over the
// profile's; its prefix is the OpenAPI's; an unknown preset is refused, listing the presets.
func TestStartSpeaksTheDialect(t *testing.T) {
	w := Start(t, Options{Dialect: "v1-tng"})
	assert.Equal(t, "v1-tng", w.Dialect())
	assert.Equal(t, w.URL()+"/acl/api", w.OpenAPIURL())
	assert.Equal(t, "v1-tng", w.Target().Dialect)

	w = Start(t, Options{Profile: "kit:wallet-mock", Dialect: "v2"})
	assert.Equal(t, "v2", w.Dialect(), "the kit mock's declarations give way to the preset")
	assert.Equal(t, fixtures.Notifications{}, w.prof.Wallet().Notifications)

	w = Start(t, Options{})
	assert.Equal(t, "kit", w.Dialect())
	assert.Equal(t, w.URL(), w.OpenAPIURL())

	_, err := start(Options{Dialect: "v3"})
	require.Error(t, err)
	assert.True(t, strings.HasSuffix(err.Error(), "the presets are kit, v1-alipay, v1-tng, v1-qi, v2"), err.Error())
}
