package orderstr_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/orderstr"
)

// FuzzDecode checks that Decode never panics and that what it accepts survives a round trip:
// encoding the decoded parameters and decoding again gives the same order.
func FuzzDecode(f *testing.F) {
	f.Add(readFixture(f, "orderstr/seed000.txt"))
	f.Add(readFixture(f, "orderstr/seed002-damaged.txt"))
	key := testKey(f)
	for _, charset := range []string{"utf-8", "GBK"} {
		for _, build := range []func(testing.TB) orderstr.Params{generalParams, preAuthParams} {
			p := build(f)
			p["charset"] = charset
			signed, err := orderstr.Sign(p, key)
			require.NoError(f, err)
			s, err := orderstr.Encode(signed)
			require.NoError(f, err)
			f.Add(s)
		}
	}
	f.Add("app_id=1&biz_content=%7B%7D&sign=x&sign_type=RSA2&timestamp=2024-01-01+00%3A00%3A00&version=1.0")
	f.Add("charset=gbk&app_id=%D6%A7&&=&a=%zz")

	f.Fuzz(func(t *testing.T, s string) {
		o, err := orderstr.Decode(s)
		if err != nil {
			assert.Nil(t, o)
			assert.Regexp(t, "^orderstr: ", err.Error())
			return
		}
		// Everything Decode accepts can be signed over and checked without a panic.
		_, err = orderstr.SigningContent(o.Params)
		require.NoError(t, err)
		_ = orderstr.Verify(o.Params, &key.PublicKey) // the seeds verify, fuzzed input does not: only no panic matters

		again, err := orderstr.Encode(o.Params)
		require.NoError(t, err)
		o2, err := orderstr.Decode(again)
		require.NoError(t, err, "re-encoded: %q", again)

		assert.True(t, o.Timestamp.Equal(o2.Timestamp), "timestamp %v, again %v", o.Timestamp, o2.Timestamp)
		o2.Timestamp = o.Timestamp // each decode makes its own GMT+8 zone
		assert.Equal(t, o, o2)
	})
}
