package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/tradepaykit/tradepaykit/internal/merchant"
)

// defectEntry is one line of a --list-defects catalog.
type defectEntry struct {
	Name        string `json:"name"`
	Requirement string `json:"requirement"`
	What        string `json:"what"`
	// Needs names the capability a target must offer for the defect to show ("@clock"):
	// the kill test then verifies it with the kit's own wallet profile.
	Needs string `json:"needs,omitempty"`
	// Preset names the dialect preset the defect shows under (issue 18): the kill test starts
	// the party with --dialect PRESET and verifies it with the same. Empty: every preset (the
	// kill test runs it under the kit preset).
	Preset string `json:"preset,omitempty"`
}

// printMerchantDefects writes the reference merchant's defect catalog as JSON.
func printMerchantDefects(stdout, stderr io.Writer) int {
	var out []defectEntry
	for _, d := range merchant.Defects() {
		out = append(out, defectEntry{Name: string(d.Name), Requirement: d.Requirement, What: d.What, Preset: d.Preset})
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		fmt.Fprintf(stderr, "reference-merchant: %v\n", err)
		return exitUsage
	}
	fmt.Fprintln(stdout, string(b))
	return exitPass
}

// checkMerchantDefects refuses a --defect the reference merchant's catalog does not know.
func checkMerchantDefects(names defectList) error {
	var known []string
	for _, d := range merchant.Defects() {
		known = append(known, string(d.Name))
	}
	return names.check(known...)
}
