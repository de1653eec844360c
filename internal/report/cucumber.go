package report

import (
	"encoding/json"
	"fmt"
	"os"
)

// MergeCucumber joins the Cucumber JSON files godog wrote, one per pass, into one: features
// with the same uri are merged, their scenarios kept in the order the passes ran. Cucumber
// JSON is godog's own output, so tools that read it (cucumber-html-reporter, Xray, Allure)
// see exactly what godog reports.
func MergeCucumber(out string, parts []string) error {
	var merged []map[string]any
	byURI := map[string]map[string]any{}
	for _, p := range parts {
		b, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("report: cucumber: %w", err)
		}
		if len(b) == 0 {
			continue
		}
		var features []map[string]any
		if err := json.Unmarshal(b, &features); err != nil {
			return fmt.Errorf("report: cucumber: %s: %w", p, err)
		}
		for _, f := range features {
			uri, _ := f["uri"].(string)
			prev, ok := byURI[uri]
			if !ok {
				byURI[uri] = f
				merged = append(merged, f)
				continue
			}
			a, _ := prev["elements"].([]any)
			b, _ := f["elements"].([]any)
			prev["elements"] = append(a, b...)
		}
	}
	if merged == nil {
		merged = []map[string]any{}
	}
	b, err := json.MarshalIndent(merged, "", "  ")
	if err != nil {
		return fmt.Errorf("report: cucumber: %w", err)
	}
	if err := os.WriteFile(out, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("report: cucumber: %w", err)
	}
	return nil
}
