package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/tradepaykit/tradepaykit/internal/wallet"
)

// The wallet mock's defect catalog on the command line (internal/wallet/defects.go):
// wallet-mock --defect NAME (repeatable) and --list-defects.

// listWalletDefects prints the wallet's defect catalog as JSON.
func listWalletDefects(w io.Writer) error {
	out := []defectEntry{}
	for _, d := range wallet.Defects() {
		e := defectEntry{Name: string(d.Name), Requirement: d.Requirement, What: d.What, Preset: d.Preset}
		if wallet.NeedsClock(d.Name) {
			e.Needs = "@clock"
		}
		out = append(out, e)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// checkWalletDefects refuses a name the wallet's catalog does not hold.
func checkWalletDefects(d defectList) error {
	known := map[string]bool{}
	for _, x := range wallet.Defects() {
		known[string(x.Name)] = true
	}
	for _, x := range d {
		if !known[x] {
			return fmt.Errorf("--defect %q: the wallet mock knows %s (see --list-defects)", x, strings.Join(wallet.DefectNames(), ", "))
		}
	}
	return nil
}

func walletDefects(d defectList) []wallet.Defect {
	out := make([]wallet.Defect, 0, len(d))
	for _, x := range d {
		out = append(out, wallet.Defect(x))
	}
	return out
}

// variantNames lists the wallet mock's variants for --variant's help.
func variantNames() string {
	var names []string
	for _, v := range wallet.Variants() {
		names = append(names, string(v.Name))
	}
	return strings.Join(names, ", ")
}
