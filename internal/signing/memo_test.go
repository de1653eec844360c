package signing_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/signing"
)

func TestMemoSignsEachDistinctMessageOnce(t *testing.T) {
	priv := fixtures.PrivateKey(fixtures.MerchantPrivateKey)
	pub := fixtures.PublicKey(fixtures.MerchantPublicKey)
	memo := signing.NewMemo()
	m := payMessage()

	want, err := signing.Sign(priv, m)
	require.NoError(t, err)
	first, err := memo.Sign(signing.Style{}, priv, m)
	require.NoError(t, err)
	again, err := memo.Sign(signing.Style{}, priv, m)
	require.NoError(t, err)
	assert.Equal(t, want, first, "the memo's signature is the one RSA computes")
	assert.Equal(t, want, again)
	assert.Equal(t, signing.MemoCounts{Signed: 1, Reused: 1}, memo.Counts())

	// A remembered signature is written in the style asked for, and still verifies.
	raw, err := memo.Sign(signing.Style{RawBase64: true, NoSpaces: true}, priv, m)
	require.NoError(t, err)
	assert.NotEqual(t, want, raw)
	require.NoError(t, memo.Verify(pub, m, raw))

	// Other content, or another key, is signed afresh.
	other := m
	other.Time = "2026-01-01T00:00:00Z"
	otherSig, err := memo.Sign(signing.Style{}, priv, other)
	require.NoError(t, err)
	assert.NotEqual(t, want, otherSig)
	require.NoError(t, signing.Verify(pub, other, otherSig))
	assert.ErrorIs(t, memo.Verify(pub, m, otherSig), signing.ErrMismatch)
	walletSig, err := memo.Sign(signing.Style{}, fixtures.PrivateKey(fixtures.WalletPrivateKey), m)
	require.NoError(t, err)
	require.NoError(t, signing.Verify(fixtures.PublicKey(fixtures.WalletPublicKey), m, walletSig))
	assert.Equal(t, signing.MemoCounts{Signed: 3, Reused: 2, Verified: 2}, memo.Counts())
}

func TestMemoForgetsTheOldest(t *testing.T) {
	priv := fixtures.PrivateKey(fixtures.MerchantPrivateKey)
	const size = 8
	memo := signing.NewMemoOfSize(size)
	msg := func(i int) signing.Message {
		m := payMessage()
		m.Body = fmt.Appendf(nil, `{"n":%d}`, i)
		return m
	}
	for i := range size + 1 {
		_, err := memo.Sign(signing.Style{}, priv, msg(i))
		require.NoError(t, err)
	}
	_, err := memo.Sign(signing.Style{}, priv, msg(size))
	require.NoError(t, err)
	assert.Equal(t, int64(1), memo.Counts().Reused, "the newest is remembered")
	_, err = memo.Sign(signing.Style{}, priv, msg(0))
	require.NoError(t, err)
	assert.Equal(t, int64(1), memo.Counts().Reused, "the oldest was forgotten")
	assert.Equal(t, int64(size+2), memo.Counts().Signed)
}

func TestNilMemoSignsWithoutCounting(t *testing.T) {
	priv := fixtures.PrivateKey(fixtures.MerchantPrivateKey)
	var memo *signing.Memo
	req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1/v1/payments/pay", nil)
	require.NoError(t, err)
	require.NoError(t, memo.SignRequest(signing.Style{}, req, []byte(`{}`), fixtures.ClientID, priv, now))
	require.NoError(t, memo.Verify(&priv.PublicKey, signing.RequestMessage(req, []byte(`{}`)), req.Header.Get(signing.HeaderSignature)))
	assert.Equal(t, signing.MemoCounts{}, memo.Counts())
}
