package walletclient_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/signing"
	"github.com/tradepaykit/tradepaykit/internal/walletclient"
)

// The pact consumer tests replace the RSA check (Pact's mock server cannot sign); the
// replacement must see the signed message and decide the call.
func TestVerifyResponseReplacesTheRSACheck(t *testing.T) {
	f := newFakeWallet(t, acceptAnswer)
	f.sign = fixtures.PrivateKey(fixtures.MerchantPrivateKey) // the real check would refuse this
	var gotMsg signing.Message
	var gotHeader string
	refuse := errors.New("refused by the checker")
	var verdict error

	c, err := walletclient.New(walletclient.Config{
		BaseURL:    f.srv.URL + "/api",
		ClientID:   fixtures.ClientID,
		PrivateKey: fixtures.PrivateKey(fixtures.MerchantPrivateKey),
		HTTPClient: f.srv.Client(),
		VerifyResponse: func(m signing.Message, header string) error {
			gotMsg, gotHeader = m, header
			return verdict
		},
	})
	require.NoError(t, err, "WalletPublicKey is not needed when VerifyResponse is set")

	resp, err := c.Pay(context.Background(), payRequest())
	require.NoError(t, err)
	assert.Equal(t, "P1", resp.PaymentID)
	assert.Equal(t, "POST", gotMsg.Method)
	assert.Equal(t, "/api/v1/payments/pay", gotMsg.Path)
	assert.Equal(t, fixtures.ClientID, gotMsg.ClientID)
	assert.NotEmpty(t, gotMsg.Time, "Response-Time reaches the checker")
	assert.Equal(t, acceptAnswer, string(gotMsg.Body))
	_, perr := signing.ParseHeader(gotHeader)
	assert.NoError(t, perr)

	verdict = refuse
	_, err = c.Pay(context.Background(), payRequest())
	assert.ErrorIs(t, err, refuse)
}
