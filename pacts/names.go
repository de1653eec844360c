package pacts

import (
	"encoding/json"
	"fmt"
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
