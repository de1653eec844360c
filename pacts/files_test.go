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
	for name, n := range map[string]int{MerchantWalletFile: 20, WalletMerchantFile: 6} {
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
	for _, name := range []string{MerchantWalletFile, WalletMerchantFile} {
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
					if part == "response" || name == WalletMerchantFile {
						// Fixed by the state or the request: exact too.
						assert.Contains(t, value, "equality", "%s %s %s.value", name, i.Description, a)
						assert.Contains(t, p.rules(a+".currency"), "equality", "%s %s %s.currency", name, i.Description, a)
					}
				}
			}
		}
	}
	assert.GreaterOrEqual(t, seen, 25, "the amounts of both files were checked")
}

func TestPactFilesPinResultsExactly(t *testing.T) {
	for _, name := range []string{MerchantWalletFile, WalletMerchantFile} {
		for _, i := range readPact(t, name).Interactions {
			result, ok := i.Response.Body.Content["result"].(map[string]any)
			require.True(t, ok, "%s: a result envelope", i.Description)
			assert.Empty(t, i.Response.rules("$.result.resultStatus"), "%s: resultStatus exactly", i.Description)
			if i.Description != "notifyPayment: an amount that does not match the order is refused" {
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
	for _, i := range readPact(t, MerchantWalletFile).Interactions {
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
	assert.GreaterOrEqual(t, compared, 10, "the examples of the answers were compared")
}

func TestPactFilesStatesCarryParams(t *testing.T) {
	verifyingSide := map[string]bool{StateUnknownMerchantKey: true, StateUnknownWalletKey: true}
	for _, name := range []string{MerchantWalletFile, WalletMerchantFile} {
		for _, i := range readPact(t, name).Interactions {
			for _, s := range i.ProviderStates {
				if verifyingSide[s.Name] {
					assert.Empty(t, s.Params, s.Name)
					continue
				}
				assert.Equal(t, StateParams(s.Name), s.Params, "%s: %s", i.Description, s.Name)
				assert.NotEmpty(t, s.Params["clientId"], s.Name)
			}
		}
	}
	pay := StateParams(StatePaymentCreated)["pay"].(map[string]any)
	assert.Equal(t, ExampleRepeatRequestID, pay["paymentRequestId"], "the repeat state names the body to send")
}
