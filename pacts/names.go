package pacts

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/tradepaykit/tradepaykit/fixtures"
)

// Names are the participant names of a pact, as a Pact Broker knows them. Many wallet vendors
// and merchants share one broker, where "merchant" and "wallet" would collide: each sets its
// own names (for example "acme-wallet"). Empty fields keep the pact's names.
type Names struct {
	Consumer string
	Provider string
}

// Renamed returns the embedded pact file with the participant names of n; with zero Names
// it returns the file unchanged. The interactions are untouched.
func Renamed(file string, n Names) ([]byte, error) {
	raw, err := Files.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("pacts: embedded %s: %w", file, err)
	}
	return rename(raw, n)
}

func rename(raw []byte, n Names) ([]byte, error) {
	if n.Consumer == "" && n.Provider == "" {
		return raw, nil
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("pacts: not a pact file: %w", err)
	}
	if n.Consumer != "" {
		doc["consumer"] = map[string]any{"name": n.Consumer}
	}
	if n.Provider != "" {
		doc["provider"] = map[string]any{"name": n.Provider}
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("pacts: %w", err)
	}
	return append(out, '\n'), nil
}

// FileFor returns the embedded pact a provider of that side verifies: merchant-wallet.json for
// "wallet", wallet-merchant.json for "merchant".
func FileFor(side string) (string, error) {
	switch side {
	case Wallet:
		return MerchantWalletFile, nil
	case Merchant:
		return WalletMerchantFile, nil
	}
	return "", fmt.Errorf("pacts: no pact has provider %q (want %s or %s)", side, Wallet, Merchant)
}

// WithClientID returns the pact raw with every occurrence of the kit's client id
// (fixtures.ClientID: the clientId param of each provider state and the example Client-Id
// headers) replaced by id, so that a pact written for a vendor carries the client id its
// wallet gave the merchant. An empty id, or the kit's own, returns raw unchanged.
func WithClientID(raw []byte, id string) ([]byte, error) {
	if id == "" || id == fixtures.ClientID {
		return raw, nil
	}
	var doc any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // numbers stay as written
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("pacts: not a pact file: %w", err)
	}
	out, err := json.MarshalIndent(replaceString(doc, fixtures.ClientID, id), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("pacts: %w", err)
	}
	return append(out, '\n'), nil
}

// replaceString replaces every string value equal to old in v (decoded JSON) by repl.
func replaceString(v any, old, repl string) any {
	switch x := v.(type) {
	case string:
		if x == old {
			return repl
		}
	case []any:
		for i := range x {
			x[i] = replaceString(x[i], old, repl)
		}
	case map[string]any:
		for k := range x {
			x[k] = replaceString(x[k], old, repl)
		}
	}
	return v
}
