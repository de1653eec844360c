//go:build pact

package pacts

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The committed files themselves: what issue 10 asked them to pin, checked on the JSON a
// vendor's verifier reads, whatever the consumer tests that write them look like.

type pactFile struct {
	Metadata struct {
		PactSpecification struct{ Version string } `json:"pactSpecification"`
		PactGo            struct{ Version string } `json:"pact-go"`
	} `json:"metadata"`
	Interactions []pactInteraction `json:"interactions"`
}

type pactInteraction struct {
	Description    string `json:"description"`
	Type           string `json:"type"`
	ProviderStates []struct {
		Name   string         `json:"name"`
		Params map[string]any `json:"params"`
	} `json:"providerStates"`
	Request  pactPart `json:"request"`
	Response pactPart `json:"response"`
}

type pactPart struct {
	Path string `json:"path"`
	Body struct {
		Content map[string]any `json:"content"`
	} `json:"body"`
	MatchingRules struct {
		Body map[string]struct {
			Combine  string           `json:"combine"`
			Matchers []map[string]any `json:"matchers"`
		} `json:"body"`
	} `json:"matchingRules"`
}

// rules lists the matchers at path as "type", "equality", "regex:RE".
func (p pactPart) rules(path string) []string {
	var out []string
	for _, m := range p.MatchingRules.Body[path].Matchers {
		kind, _ := m["match"].(string)
		if re, ok := m["regex"].(string); ok {
			kind += ":" + re
		}
		out = append(out, kind)
	}
	return out
}

// allFiles lists every committed pact file: each preset's pair.
func allFiles() []string {
	var out []string
	for _, p := range Pairs() {
		out = append(out, p.MerchantWallet, p.WalletMerchant)
	}
	return out
}

func readPact(t *testing.T, name string) pactFile {
	t.Helper()
	raw, err := Files.ReadFile(name)
	require.NoError(t, err)
	var p pactFile
	require.NoError(t, json.Unmarshal(raw, &p))
	return p
}

// amounts returns the JSON paths of every amount object ({currency, value}) in a body.
func amounts(prefix string, v any) []string {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	if _, c := m["currency"]; c {
		if _, v := m["value"]; v {
			return []string{prefix}
		}
	}
	var out []string
	for k, child := range m {
		out = append(out, amounts(prefix+"."+k, child)...)
	}
	return out
}

func TestPactFilesDeclareV4AndThePactGoVersion(t *testing.T) {
	gomod, err := os.ReadFile("../go.mod")
	require.NoError(t, err)
	v := regexp.MustCompile(`github\.com/pact-foundation/pact-go/v2 v(\S+)`).FindSubmatch(gomod)
	require.NotNil(t, v)
	counts := map[string]int{
		MerchantWalletFile: 20, WalletMerchantFile: 6,
		// No AUTH_SUCCESS notification outside the kit preset; v1-qi refuses a second capture.
		"v1-alipay/merchant-wallet.json": 20, "v1-alipay/wallet-merchant.json": 5,
		"v1-tng/merchant-wallet.json": 20, "v1-tng/wallet-merchant.json": 5,
		"v1-qi/merchant-wallet.json": 21, "v1-qi/wallet-merchant.json": 5,
		"v2/merchant-wallet.json": 20, "v2/wallet-merchant.json": 5,
	}
	require.Len(t, allFiles(), len(counts))
	for name, n := range counts {
		p := readPact(t, name)
		assert.Equal(t, "4.0", p.Metadata.PactSpecification.Version, name)
		assert.Equal(t, string(v[1]), p.Metadata.PactGo.Version, name)
		assert.Len(t, p.Interactions, n, name)
		for _, i := range p.Interactions {
			assert.Equal(t, "Synchronous/HTTP", i.Type, i.Description)
		}
	}
}

func TestPactFilesPinAmountsAsIntegerStrings(t *testing.T) {
	typeAndInteger := []string{"type", "regex:" + valueRegex}
	seen := 0
	for _, name := range allFiles() {
		for _, i := range readPact(t, name).Interactions {
			for part, p := range map[string]pactPart{"request": i.Request, "response": i.Response} {
				for _, a := range amounts("$", p.Body.Content) {
					seen++
					value := p.rules(a + ".value")
					if strings.Contains(i.Description, "(100.00) is PARAM_ILLEGAL") && part == "request" {
						assert.Empty(t, value, "%s: the decimal amount is sent exactly", i.Description)
						continue
					}
					assert.Subset(t, value, typeAndInteger, "%s %s %s.value", name, i.Description, a)
					if part == "response" || strings.HasSuffix(name, WalletMerchantFile) {
						// Fixed by the state or the request: exact too.
						assert.Contains(t, value, "equality", "%s %s %s.value", name, i.Description, a)
						assert.Contains(t, p.rules(a+".currency"), "equality", "%s %s %s.currency", name, i.Description, a)
					}
				}
			}
		}
	}
	assert.GreaterOrEqual(t, seen, 5*25, "the amounts of every file were checked")
}

func TestPactFilesPinResultsExactly(t *testing.T) {
	// The protocol pins no code for these refusals: status F exactly, any code.
	anyCode := map[string]bool{
		"notifyPayment: an amount that does not match the order is refused":              true,
		"capture: a second capture of an authorization already captured once is refused": true,
	}
	for _, name := range allFiles() {
		for _, i := range readPact(t, name).Interactions {
			result, ok := i.Response.Body.Content["result"].(map[string]any)
			require.True(t, ok, "%s: a result envelope", i.Description)
			assert.Empty(t, i.Response.rules("$.result.resultStatus"), "%s: resultStatus exactly", i.Description)
			if !anyCode[i.Description] {
				assert.Empty(t, i.Response.rules("$.result.resultCode"), "%s: resultCode exactly", i.Description)
			}
			if result["resultStatus"] == "F" {
				assert.NotEqual(t, "success", result["resultMessage"], "%s: a refusal's example message", i.Description)
			}
		}
	}
}

func TestPactFilesExamplesAgree(t *testing.T) {
	compared := 0
	for _, pair := range Pairs() {
		for _, i := range readPact(t, pair.MerchantWallet).Interactions {
			req, resp := i.Request.Body.Content, i.Response.Body.Content
			if id, ok := req["paymentRequestId"]; ok && resp["paymentRequestId"] != nil {
				assert.Equal(t, id, resp["paymentRequestId"], "%s: the answer's paymentRequestId is the request's", i.Description)
				compared++
			}
			if id, ok := req["paymentId"]; ok && resp["paymentId"] != nil {
				assert.Equal(t, id, resp["paymentId"], "%s: the answer's paymentId is the request's", i.Description)
				compared++
			}
		}
	}
	assert.GreaterOrEqual(t, compared, 5*10, "the examples of the answers were compared")
}

func TestPactFilesStatesCarryParams(t *testing.T) {
	verifyingSide := map[string]bool{StateUnknownMerchantKey: true, StateUnknownWalletKey: true}
	for _, pair := range Pairs() {
		for _, name := range []string{pair.MerchantWallet, pair.WalletMerchant} {
			for _, i := range readPact(t, name).Interactions {
				for _, s := range i.ProviderStates {
					if verifyingSide[s.Name] {
						assert.Empty(t, s.Params, s.Name)
						continue
					}
					assert.Equal(t, StateParamsIn(pactDialect(pair.Preset), s.Name), s.Params, "%s %s: %s", name, i.Description, s.Name)
					assert.NotEmpty(t, s.Params["clientId"], s.Name)
				}
			}
		}
	}
	pay := StateParams(StatePaymentCreated)["pay"].(map[string]any)
	assert.Equal(t, ExampleRepeatRequestID, pay["paymentRequestId"], "the repeat state names the body to send")
}

// Each preset's pair names its participants after the preset, uses the dialect's paths and
// shapes, and has the interactions only that preset has.
func TestPresetPairsSpeakTheirDialect(t *testing.T) {
	for _, pair := range Pairs() {
		d := pactDialect(pair.Preset)
		var doc struct {
			Consumer, Provider struct{ Name string }
		}
		raw, err := Files.ReadFile(pair.MerchantWallet)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(raw, &doc))
		assert.Equal(t, pair.Merchant, doc.Consumer.Name, pair.Preset)
		assert.Equal(t, pair.Wallet, doc.Provider.Name, pair.Preset)
		if pair.Preset != "kit" {
			assert.Contains(t, pair.Wallet, pair.Preset)
			assert.Contains(t, pair.Merchant, pair.Preset)
		}
		descriptions := map[string]bool{}
		for _, i := range readPact(t, pair.MerchantWallet).Interactions {
			descriptions[i.Description] = true
			_, err := d.APIOf(i.Request.Path)
			assert.NoError(t, err, "%s %s: the dialect's path", pair.Preset, i.Description)
			body := i.Request.Body.Content
			if strings.HasPrefix(i.Description, "pay:") {
				_, title := body["paymentOrderTitle"]
				_, order := body["order"]
				assert.Equal(t, !d.TitleInOrderDescription(), title, "%s %s: paymentOrderTitle", pair.Preset, i.Description)
				assert.Equal(t, d.TitleInOrderDescription(), order, "%s %s: order.orderDescription", pair.Preset, i.Description)
				_, appID := body["appId"]
				assert.Equal(t, d.RequiresAppID(), appID, "%s %s: appId", pair.Preset, i.Description)
			}
			if strings.HasPrefix(i.Description, "pay:") || strings.HasPrefix(i.Description, "inquiryPayment:") {
				_, partner := body["partnerId"]
				assert.Equal(t, d.CarriesPartnerID(), partner, "%s %s: partnerId", pair.Preset, i.Description)
			}
		}
		refund := d.APIName("refund") + ": part of a paid payment is refunded"
		assert.True(t, descriptions[refund], "%s: %s", pair.Preset, refund)
		second := "capture: a second capture of an authorization already captured once is refused"
		assert.Equal(t, !d.AllowsSecondCapture(), descriptions[second], "%s: %s", pair.Preset, second)

		outcomes := map[string]bool{}
		for _, i := range readPact(t, pair.WalletMerchant).Interactions {
			assert.Equal(t, d.PathFor("notifyPayment"), i.Request.Path, "%s %s", pair.Preset, i.Description)
			body := i.Request.Body.Content
			_, status := body["paymentStatus"]
			_, result := body["paymentResult"]
			assert.Equal(t, !d.NotifiesWithPaymentResult(), status, "%s %s: paymentStatus", pair.Preset, i.Description)
			assert.Equal(t, d.NotifiesWithPaymentResult(), result, "%s %s: paymentResult", pair.Preset, i.Description)
			_, partner := body["partnerId"]
			assert.Equal(t, d.CarriesPartnerID(), partner, "%s %s: partnerId", pair.Preset, i.Description)
			if r, ok := body["paymentResult"].(map[string]any); ok {
				outcomes[r["resultStatus"].(string)] = true
			}
			if s, ok := body["paymentStatus"].(string); ok {
				outcomes[s] = true
			}
		}
		if d.NotifiesWithPaymentResult() {
			assert.True(t, outcomes["F"], "%s: a paymentResult FAIL notification", pair.Preset)
		} else {
			assert.True(t, outcomes["FAIL"], "%s: a FAIL notification", pair.Preset)
		}
		assert.Equal(t, d.NotifiesAuthSuccess(), outcomes["AUTH_SUCCESS"], "%s: AUTH_SUCCESS notified", pair.Preset)
	}
}
