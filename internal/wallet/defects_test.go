package wallet

import (
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

func TestDefectCatalog(t *testing.T) {
	list := Defects()
	assert.GreaterOrEqual(t, len(list), 40, "defects in the catalog")
	kebab := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	req := regexp.MustCompile(`^REQ-[A-Z]+(-[A-Z])?-\d{3}$`)
	seen := map[Defect]bool{}
	for _, d := range list {
		assert.Regexp(t, kebab, string(d.Name))
		assert.Regexp(t, req, d.Requirement, "requirement of %s", d.Name)
		assert.NotEmpty(t, d.What, "what %s does", d.Name)
		assert.False(t, seen[d.Name], "%s twice", d.Name)
		seen[d.Name] = true
	}
	list[0].Name = "changed"
	assert.NotEqual(t, Defect("changed"), Defects()[0].Name, "Defects returns a copy")
}

func TestNewServerRefusesAnUnknownDefect(t *testing.T) {
	_, err := NewServer(Config{PrivateKey: fixtures.PrivateKey(fixtures.WalletPrivateKey), Defects: []Defect{"no-such-defect"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no-such-defect")
}

// mustOpenDefective starts a wallet mock with defects on.
func mustOpenDefective(tb testing.TB, defects ...Defect) *Server {
	tb.Helper()
	s, err := NewServer(Config{
		PrivateKey: fixtures.PrivateKey(fixtures.WalletPrivateKey),
		Merchants: []Merchant{{
			ClientID: fixtures.ClientID, PublicKey: fixtures.PublicKey(fixtures.MerchantPublicKey), AppID: testAppID,
		}},
		NotifyTimeout: 2 * time.Second,
		Defects:       defects,
	})
	require.NoError(tb, err)
	require.NoError(tb, s.Start("127.0.0.1:0"))
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// A defect changes what the wallet does; the same calls on a correct wallet keep the rule.
func TestDefectsBendTheirRule(t *testing.T) {
	for _, tc := range []struct {
		defect Defect
		check  func(t *testing.T, s *Server) string // returns what the rule decides on
	}{
		{DefectCancelPaidPayment, func(t *testing.T, s *Server) string {
			var pay openapi.PayResponse
			call(t, s, "pay", payBody("req-cpp", "1000", "", false), &pay)
			require.Equal(t, "9000", tradePay(t, s, "tradeNO", pay.PaymentID, ActionConfirm))
			return string(call(t, s, "cancel", `{"paymentId":"`+pay.PaymentID+`"}`, nil).ResultStatus)
		}},
		{DefectPendingAsSuccess, func(t *testing.T, s *Server) string {
			var pay openapi.PayResponse
			call(t, s, "pay", payBody("req-pas", "1000", "", false), &pay)
			return tradePay(t, s, "tradeNO", pay.PaymentID, ActionPending)
		}},
	} {
		t.Run(string(tc.defect), func(t *testing.T) {
			correct := tc.check(t, mustOpenServer(t))
			defective := tc.check(t, mustOpenDefective(t, tc.defect))
			assert.NotEqual(t, correct, defective, "what the rule decides on, correct wallet %q", correct)
		})
	}
}
