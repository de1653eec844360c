package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sampleRun() *Run {
	return &Run{
		Command: "verify-merchant", Args: []string{"verify-merchant", "--merchant-url", "http://127.0.0.1:9"},
		KitVersion: "v1.2.3", Target: []Endpoint{{"merchant test adapter", "http://127.0.0.1:9"}},
		ProfileName: "sample", ProfileJSON: `{"name": "sample"}`, Started: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC),
		Duration: 3 * time.Second, Seed: 42, Tags: "@merchant",
		Requirements: map[string]string{"REQ-GEN-001": "A payment by tradeNO.", "REQ-IDEM-004": "A duplicate notification is acknowledged <S>."},
		Scenarios: []Scenario{
			{Name: "A payer pays", Feature: "general_tradeno.feature", Requirements: []string{"REQ-GEN-001"}, Status: Passed, Duration: time.Millisecond},
			{Name: "A duplicate notification", Feature: "idempotency.feature", Requirements: []string{"REQ-IDEM-004"}, Status: Failed,
				FailedStep: "the merchant acknowledges every delivery", Message: `expected: "S"` + "\n" + `actual  : "HTTP_500"`,
				Exchanges: []Exchange{{
					Party: "kit → test hook", Method: http.MethodPost, URL: "http://127.0.0.1:9/conformance/orders",
					RequestHeader: http.Header{"Content-Type": {"application/json"}}, RequestBody: []byte(`{"flow":"tradeNO"}`),
					StatusCode: 200, ResponseBody: []byte(`{"orderId":"O1","title":"<script>alert(1)</script>"}`),
					Transcript: "POST http://127.0.0.1:9/conformance/orders",
				}},
				Related: []Exchange{{Party: "wallet mock → merchant notify endpoint", Method: http.MethodPost, URL: "http://127.0.0.1:9/notify",
					StatusCode: 500, ResponseBody: []byte("duplicate key"), Signature: "of the answer: none (signing it is a SHOULD)"}}},
			{Name: "A skipped one", Feature: "preauth_tradeno.feature", Requirements: []string{"REQ-PRE-002"}, Status: Skipped, Reason: "the target does not support pre-authorization"},
			{Name: "A known gap", Feature: "idempotency.feature", Requirements: []string{"REQ-IDEM-005"}, Status: ExpectedFailure, Reason: "PAY-42 bug", Ticket: "PAY-42", Message: "boom"},
			{Name: "A warned one", Feature: "signatures.feature", Requirements: []string{"REQ-SIG-008"}, Status: Passed, Warnings: []string{"the merchant should sign its answer"}},
		},
		Pacts: []Pact{{Name: "wallet-merchant.json", Consumer: "wallet", Provider: "merchant", Interactions: []Interaction{
			{Description: "notifyPayment: SUCCESS is acknowledged", Status: Passed},
			{Description: "notifyPayment: a duplicate SUCCESS is acknowledged again", Status: Failed, Mismatches: []string{"StatusMismatch: expected 200 but was 500"}},
		}}},
	}
}

func TestVerdict(t *testing.T) {
	r := sampleRun()
	assert.False(t, r.Passed())
	assert.Equal(t, "FAIL", r.Verdict())
	assert.Equal(t, Counts{Total: 5, Passed: 2, Failed: 1, Skipped: 1, ExpectedFailures: 1}, r.ScenarioCounts())
	assert.Equal(t, Counts{Total: 2, Passed: 1, Failed: 1}, r.InteractionCounts())

	r.Scenarios[1].Status = ExpectedFailure
	assert.False(t, r.Passed(), "a failed pact interaction fails the run")
	r.Pacts[0].Interactions[1].Status = ExpectedFailure
	assert.True(t, r.Passed())
	r.Pacts = append(r.Pacts, Pact{Name: "x.json", Error: "no verdict: the verifier could not run"})
	assert.False(t, r.Passed(), "a pact without a verdict fails the run")
	r.Pacts[1].Unavailable = true
	assert.True(t, r.Passed(), "a pact this build cannot verify is a note")
	r.RequireAll, r.Scenarios[2].Status = true, Passed // every MUST requirement checked
	assert.False(t, r.Passed(), "--require-all fails a run whose pacts were not verified")
	r.Pacts = r.Pacts[:1]
	assert.True(t, r.Passed(), "--require-all passes a run whose pacts were verified")
}

func TestRequirementTable(t *testing.T) {
	r := sampleRun()
	r.Scenarios = append(r.Scenarios,
		Scenario{Name: "another", Requirements: []string{"REQ-GEN-010"}, Status: Passed},
		Scenario{Name: "and one", Requirements: []string{"REQ-GEN-002"}, Status: Passed})
	var ids []string
	status := map[string]Status{}
	for _, q := range r.RequirementTable() {
		ids = append(ids, q.ID)
		status[q.ID] = q.Status
	}
	assert.Equal(t, []string{"REQ-GEN-001", "REQ-GEN-002", "REQ-GEN-010", "REQ-IDEM-004", "REQ-IDEM-005", "REQ-PRE-002", "REQ-SIG-008"}, ids, "numeric order within a prefix")
	assert.Equal(t, Failed, status["REQ-IDEM-004"])
	assert.Equal(t, ExpectedFailure, status["REQ-IDEM-005"])
	assert.Equal(t, Skipped, status["REQ-PRE-002"])
	assert.Equal(t, Passed, status["REQ-SIG-008"])
}

func TestParseRequirements(t *testing.T) {
	got := ParseRequirements("# x\n| id | requirement |\n|---|---|\n| REQ-GEN-001 | A payment by `tradeNO`. |\n| REQ-X-2 | Pipes | in text. |\nnot a row\n")
	assert.Equal(t, map[string]string{"REQ-GEN-001": "A payment by tradeNO.", "REQ-X-2": "Pipes | in text."}, got)
}

func TestExpectations(t *testing.T) {
	list, err := ParseExpectations([]byte(`[{"id":"REQ-IDEM-004","reason":"bug","ticket":"PAY-1"},{"id":"A payer pays","reason":"flaky"}]`))
	require.NoError(t, err)

	st, e := Classify(list, "A duplicate", []string{"REQ-IDEM-004"}, Failed)
	assert.Equal(t, ExpectedFailure, st)
	assert.Equal(t, "PAY-1", e.Ticket)
	st, _ = Classify(list, "A payer pays", nil, Passed)
	assert.Equal(t, UnexpectedPass, st, "a listed scenario that passes")
	st, _ = Classify(list, "Another", []string{"REQ-IDEM-004"}, Passed)
	assert.Equal(t, Passed, st, "one passing scenario of a listed requirement decides nothing yet")
	st, _ = Classify(list, "Unlisted", []string{"REQ-GEN-001"}, Failed)
	assert.Equal(t, Failed, st)

	for _, bad := range []string{`{}`, `[{"id":"","reason":"x"}]`, `[{"id":"a"}]`, `[{"id":"a","reason":"x"},{"id":"a","reason":"y"}]`, `[{"id":"a","reason":"x","why":"typo"}]`, `[] []`} {
		_, err := ParseExpectations([]byte(bad))
		assert.Error(t, err, bad)
	}
}

func TestFinish(t *testing.T) {
	r := &Run{
		Expectations: []Expectation{{ID: "REQ-A-001", Reason: "gap"}, {ID: "REQ-B-001", Reason: "fixed?"}, {ID: "typo", Reason: "x"}},
		Scenarios: []Scenario{
			{Name: "a1", Requirements: []string{"REQ-A-001"}, Status: ExpectedFailure},
			{Name: "a2", Requirements: []string{"REQ-A-001"}, Status: Passed},
			{Name: "b1", Requirements: []string{"REQ-B-001"}, Status: Passed},
			{Name: "b2", Requirements: []string{"REQ-B-001"}, Status: Passed},
		},
	}
	r.Finish()
	assert.Equal(t, Passed, r.Scenarios[1].Status, "REQ-A-001 still fails in a1")
	assert.Equal(t, UnexpectedPass, r.Scenarios[2].Status, "every scenario of REQ-B-001 passed")
	assert.Equal(t, UnexpectedPass, r.Scenarios[3].Status)
	assert.Equal(t, "fixed?", r.Scenarios[2].Reason)
	assert.Equal(t, []Expectation{{ID: "typo", Reason: "x"}}, r.Unmatched)
}

func TestJUnit(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteJUnit(&buf, sampleRun()))
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Type string `xml:"type,attr"`
					Text string `xml:",chardata"`
				} `xml:"failure"`
				Skipped *struct {
					Message string `xml:"message,attr"`
				} `xml:"skipped"`
				SystemOut string `xml:"system-out"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &doc), buf.String())
	assert.Equal(t, 7, doc.Tests, "5 scenarios and 2 interactions")
	assert.Equal(t, 2, doc.Failures, "a scenario and an interaction")
	assert.Equal(t, 2, doc.Skipped, "a skipped scenario and an expected failure")
	var names []string
	for _, s := range doc.Suites {
		names = append(names, s.Name)
	}
	assert.Equal(t, []string{"general_tradeno.feature", "idempotency.feature", "preauth_tradeno.feature", "signatures.feature", "pact wallet-merchant.json", "requirements coverage"}, names)
	dup := doc.Suites[1].Cases[0]
	assert.Equal(t, "A duplicate notification [REQ-IDEM-004]", dup.Name)
	require.NotNil(t, dup.Failure)
	assert.Equal(t, "REQ-IDEM-004", dup.Failure.Type)
	assert.Contains(t, dup.Failure.Text, "step: the merchant acknowledges every delivery")
	assert.Contains(t, dup.Failure.Text, "POST http://127.0.0.1:9/conformance/orders")
	gap := doc.Suites[1].Cases[1]
	require.NotNil(t, gap.Skipped)
	assert.Equal(t, "expected failure: PAY-42 bug, PAY-42", gap.Skipped.Message)
	assert.Contains(t, doc.Suites[3].Cases[0].SystemOut, "WARNING (SHOULD) the merchant should sign its answer")
}

func TestHTML(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteHTML(&buf, sampleRun()))
	html := buf.String()
	for _, want := range []string{
		`<span class="badge verdict failed">FAIL</span>`,
		"v1.2.3", "2026-03-01 10:00:00 UTC", "http://127.0.0.1:9",
		"<h3>REQ-IDEM-004: A duplicate notification</h3>",
		"A duplicate notification is acknowledged &lt;S&gt;.",
		"the merchant acknowledges every delivery",
		"&#34;HTTP_500&#34;",
		"&lt;script&gt;alert(1)&lt;/script&gt;",
		"wallet mock → merchant notify endpoint",
		"signature of the answer: none (signing it is a SHOULD)",
		"StatusMismatch: expected 200 but was 500",
		"the target does not support pre-authorization",
		"PAY-42",
		"the merchant should sign its answer",
	} {
		assert.Contains(t, html, want)
	}
	assert.NotContains(t, html, "<script", "bodies are escaped, and the page runs no script")
	for _, external := range []string{"<link", "src=", `href="http`, "@import", "url("} {
		assert.NotContains(t, html, external, "self-contained: no external resource")
	}
}

func TestMergeCucumber(t *testing.T) {
	dir := t.TempDir()
	a, b, out := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json"), filepath.Join(dir, "out.json")
	require.NoError(t, os.WriteFile(a, []byte(`[{"uri":"x.feature","elements":[{"name":"1"}]},{"uri":"y.feature","elements":[{"name":"2"}]}]`), 0o644))
	require.NoError(t, os.WriteFile(b, []byte(`[{"uri":"x.feature","elements":[{"name":"3"}]}]`), 0o644))
	require.NoError(t, MergeCucumber(out, []string{a, b}))
	raw, err := os.ReadFile(out)
	require.NoError(t, err)
	var got []struct {
		URI      string `json:"uri"`
		Elements []struct {
			Name string `json:"name"`
		} `json:"elements"`
	}
	require.NoError(t, json.Unmarshal(raw, &got))
	require.Len(t, got, 2)
	assert.Equal(t, "x.feature", got[0].URI)
	assert.Len(t, got[0].Elements, 2)
	assert.True(t, strings.HasPrefix(string(raw), "["))
}
