package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"
)

// WriteHTML writes the conformance report: one self-contained page (inline style, no
// script, no external resource) that a certifier can archive and read offline.
func WriteHTML(w io.Writer, r *Run) error {
	tables := r.RequirementTable()
	skipped := map[string][]*Scenario{}
	var reasons []string
	var warned []*Scenario
	for i := range r.Scenarios {
		s := &r.Scenarios[i]
		if s.Status == Skipped {
			if _, ok := skipped[s.Reason]; !ok {
				reasons = append(reasons, s.Reason)
			}
			skipped[s.Reason] = append(skipped[s.Reason], s)
		}
		if len(s.Warnings) > 0 {
			warned = append(warned, s)
		}
	}
	sort.Strings(reasons)
	var groups []skipGroup
	for _, reason := range reasons {
		list := skipped[reason]
		sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
		groups = append(groups, skipGroup{Reason: reason, Scenarios: list})
	}
	all := make([]*Scenario, len(r.Scenarios))
	for i := range r.Scenarios {
		all[i] = &r.Scenarios[i]
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].Feature != all[j].Feature {
			return all[i].Feature < all[j].Feature
		}
		return all[i].Name < all[j].Name
	})
	data := htmlData{
		Run:          r,
		Scenarios:    r.ScenarioCounts(),
		Interactions: r.InteractionCounts(),
		Requirements: tables,
		Coverage:     r.Coverage(),
		Failures:     r.Failures(),
		Expected:     r.withStatus(ExpectedFailure),
		Unexpected:   r.withStatus(UnexpectedPass),
		Skipped:      groups,
		Warned:       warned,
		All:          all,
	}
	var buf bytes.Buffer
	if err := page.Execute(&buf, data); err != nil {
		return fmt.Errorf("report: html: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

type htmlData struct {
	Run                     *Run
	Scenarios, Interactions Counts
	Requirements            []Requirement
	Coverage                Coverage
	Failures                []*Scenario
	Expected, Unexpected    []*Scenario
	Skipped                 []skipGroup
	Warned                  []*Scenario
	All                     []*Scenario
}

type skipGroup struct {
	Reason    string
	Scenarios []*Scenario
}

// maxBody bounds one body in the report; a conformance exchange is a few kilobytes.
const maxBody = 64 << 10

var funcs = template.FuncMap{
	"body": func(b []byte) string {
		if len(b) == 0 {
			return ""
		}
		var out bytes.Buffer
		if json.Valid(b) && json.Indent(&out, b, "", "  ") == nil {
			b = out.Bytes()
		}
		s := strings.ToValidUTF8(string(b), "\uFFFD")
		if len(s) > maxBody {
			s = s[:maxBody] + fmt.Sprintf("\n... (%d bytes in all)", len(b))
		}
		return s
	},
	"headers": func(h http.Header) string {
		if len(h) == 0 {
			return ""
		}
		names := make([]string, 0, len(h))
		for k := range h {
			names = append(names, k)
		}
		sort.Strings(names)
		var b strings.Builder
		for _, k := range names {
			for _, v := range h[k] {
				fmt.Fprintf(&b, "%s: %s\n", k, v)
			}
		}
		return strings.TrimRight(b.String(), "\n")
	},
	"date":     func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 MST") },
	"duration": func(d time.Duration) string { return d.Round(time.Millisecond).String() },
	"join":     strings.Join,
	"class": func(s Status) string {
		return strings.ReplaceAll(string(s), " ", "-")
	},
	"anchor": func(s *Scenario) string {
		var b strings.Builder
		for _, c := range s.Feature + "-" + s.Name {
			if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
				b.WriteRune(c)
			} else {
				b.WriteByte('-')
			}
		}
		return "f-" + b.String()
	},
	"verdictClass": func(r *Run) string {
		if r.Passed() {
			return "passed"
		}
		return "failed"
	},
	"plus": func(a, b int) int { return a + b },
	// A check reads "verified", "of the request: verified", "failed: ...", or "of the answer:
	// none (...)" when the sender need not sign.
	"sigok": func(s string) bool { return strings.HasSuffix(s, "verified") || strings.Contains(s, "none (") },
}

var page = template.Must(template.New("report").Funcs(funcs).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>tradepaykit {{.Run.Command}} (dialect {{.Run.DialectLabel}}): {{.Run.Verdict}}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#1d2430}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #ccd;padding-bottom:.2em}
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #d5d9e0;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f2f4f7}td.n{text-align:right;white-space:nowrap}
pre{background:#f6f8fa;border:1px solid #e1e4e8;padding:.5em;overflow-x:auto;white-space:pre-wrap;word-break:break-all;margin:.3em 0}
.badge{display:inline-block;padding:.05em .5em;border-radius:.8em;font-weight:600;font-size:.9em;white-space:nowrap}
.passed{background:#d8f5dd;color:#135a22}.failed{background:#fddcdc;color:#8a1010}.skipped{background:#eceff3;color:#4a5360}
.expected-failure{background:#fff0c2;color:#6b4d00}.unexpected-pass{background:#dbeafe;color:#153e75}
.verdict{font-size:1.3em;padding:.1em .7em}
.failure{border:1px solid #f0b4b4;border-left:5px solid #c62828;padding:.5em 1em;margin:1em 0;border-radius:4px}
.x{border:1px solid #e1e4e8;border-radius:4px;margin:.4em 0;padding:.2em .6em}.x summary{cursor:pointer;font-family:ui-monospace,monospace;font-size:.92em}
.sig-ok{color:#135a22}.sig-bad{color:#8a1010;font-weight:600}.muted{color:#5f6b7a}
dl.facts{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dl.facts dt{font-weight:600}dl.facts dd{margin:0}
</style>
</head>
<body>
<h1>tradepaykit conformance report: {{.Run.Command}}, dialect {{.Run.DialectLabel}} <span class="badge verdict {{verdictClass .Run}}">{{.Run.Verdict}}</span></h1>
<p class="headline"><b>{{.Run.Verdict}}: {{.Coverage}}</b>{{if .Run.TimeLimit}} ({{.Run.TimeLimit}}){{end}}</p>
<p class="muted">Generated by the tradepaykit runner. Scenarios and contracts: features/ and pacts/ of the kit; requirement texts: features/README.md.</p>

<h2>Run</h2>
<dl class="facts">
{{range .Run.Target}}<dt>{{.Name}}</dt><dd><code>{{.URL}}</code></dd>
{{end}}<dt>kit version</dt><dd><code>{{.Run.KitVersion}}</code></dd>
<dt>dialect</dt><dd><code>{{.Run.DialectLabel}}</code> (docs/dialects.md)</dd>
<dt>profile</dt><dd>{{if .Run.ProfileName}}{{.Run.ProfileName}}{{else}}(defaults){{end}} (in full below)</dd>
<dt>date</dt><dd>{{date .Run.Started}}</dd>
<dt>duration</dt><dd>{{duration .Run.Duration}}</dd>
<dt>scenario filter</dt><dd><code>{{.Run.Tags}}</code></dd>
{{if .Run.Exclusions}}<dt>not supported by the target</dt><dd><code>{{.Run.Exclusions}}</code> (skipped, listed below)</dd>{{end}}
<dt>scenario order</dt><dd>seed {{.Run.Seed}}</dd>
<dt>command</dt><dd><code>tradepaykit {{join .Run.Args " "}}</code></dd>
</dl>
{{range .Run.Notes}}<p class="muted">{{.}}</p>{{end}}

<h2>Summary</h2>
<table>
<tr><th></th><th>total</th><th>passed</th><th>failed</th><th>expected failures</th><th>unexpected passes</th><th>skipped</th></tr>
<tr><th>scenarios</th><td class="n">{{.Scenarios.Total}}</td><td class="n">{{.Scenarios.Passed}}</td><td class="n">{{.Scenarios.Failed}}</td><td class="n">{{.Scenarios.ExpectedFailures}}</td><td class="n">{{.Scenarios.UnexpectedPasses}}</td><td class="n">{{.Scenarios.Skipped}}</td></tr>
<tr><th>pact interactions</th><td class="n">{{.Interactions.Total}}</td><td class="n">{{.Interactions.Passed}}</td><td class="n">{{.Interactions.Failed}}</td><td class="n">{{.Interactions.ExpectedFailures}}</td><td class="n">{{.Interactions.UnexpectedPasses}}</td><td class="n">{{.Interactions.Skipped}}</td></tr>
</table>

<h2>Coverage</h2>
<p>{{len .Coverage.Checked}} of {{.Coverage.Must}} MUST requirements were checked on this target: at least one of their scenarios ran (passed or failed, not skipped).{{if .Run.RequireAll}} The run was made with <code>--require-all</code>: an unchecked MUST requirement fails it.{{end}}</p>
{{if .Coverage.NotChecked}}<table><tr><th>MUST requirement not checked</th><th>why</th></tr>
{{range .Coverage.NotChecked}}<tr><td><code>{{.Name}}</code></td><td>{{.Reason}}</td></tr>
{{end}}</table>{{end}}
{{if .Coverage.NotApplicable}}<p>{{len .Coverage.NotApplicable}} MUST requirements are not applicable under the dialect {{.Run.DialectLabel}}: it rules out every one of their scenarios. They are not gaps.</p>
<table><tr><th>MUST requirement not applicable</th><th>why</th></tr>
{{range .Coverage.NotApplicable}}<tr><td><code>{{.Name}}</code></td><td>{{.Reason}}</td></tr>
{{end}}</table>{{end}}

<h2>Requirements</h2>
<table>
<tr><th>requirement</th><th>text</th><th>result</th><th>scenarios</th></tr>
{{range .Requirements}}<tr><td><code>{{.ID}}</code></td><td>{{.Text}}</td><td><span class="badge {{class .Status}}">{{.Status}}</span></td><td class="n">{{plus .Counts.Passed .Counts.UnexpectedPasses}} of {{.Counts.Total}} passed{{if .Counts.Failed}}, {{.Counts.Failed}} failed{{end}}{{if .Counts.ExpectedFailures}}, {{.Counts.ExpectedFailures}} expected{{end}}{{if .Counts.Skipped}}, {{.Counts.Skipped}} skipped{{end}}
{{range .Scenarios}}{{if eq .Status "failed"}}<br><a href="#{{anchor .}}">{{.Name}}</a>{{end}}{{end}}</td></tr>
{{end}}</table>

<h2>Failures ({{len .Failures}})</h2>
{{if not .Failures}}<p>None.</p>{{end}}
{{range .Failures}}<div class="failure" id="{{anchor .}}">
<h3>{{join .Requirements ", "}}: {{.Name}}</h3>
{{range .Requirements}}{{with index $.Run.Requirements .}}<p><b>Requirement:</b> {{.}}</p>{{end}}{{end}}
<p class="muted">{{.Feature}}, pass "{{.Pass}}", {{duration .Duration}}</p>
{{if .FailedStep}}<p><b>Failed step:</b> <code>{{.FailedStep}}</code></p>{{end}}
<p><b>Expected and got:</b></p>
<pre>{{.Message}}</pre>
{{template "exchanges" .}}
</div>
{{end}}

{{if .Run.Pacts}}<h2>Contracts (Pact)</h2>
{{range .Run.Pacts}}<h3>{{.Name}}: {{.Consumer}} → {{.Provider}}</h3>
{{if .Error}}<p class="{{if .Unavailable}}muted{{else}}sig-bad{{end}}">{{.Error}}</p>{{end}}
{{if .Interactions}}<table><tr><th>interaction</th><th>provider states</th><th>result</th><th>mismatches</th></tr>
{{range .Interactions}}<tr><td>{{.Description}}</td><td>{{join .States "; "}}</td><td><span class="badge {{class .Status}}">{{.Status}}</span>{{if .Reason}}<br><span class="muted">{{.Reason}}{{if .Ticket}} ({{.Ticket}}){{end}}</span>{{end}}</td><td>{{range .Mismatches}}<pre>{{.}}</pre>{{end}}</td></tr>
{{end}}</table>{{end}}
{{if .Output}}<details><summary>verifier output</summary><pre>{{.Output}}</pre></details>{{end}}
{{end}}{{end}}

{{if or .Expected .Unexpected .Run.Unmatched}}<h2>Expected failures</h2>
{{if .Expected}}<table><tr><th>scenario</th><th>requirement</th><th>reason</th><th>ticket</th></tr>
{{range .Expected}}<tr><td>{{.Name}}<details><summary>failure</summary>{{if .FailedStep}}<p><code>{{.FailedStep}}</code></p>{{end}}<pre>{{.Message}}</pre>{{template "exchanges" .}}</details></td><td>{{join .Requirements ", "}}</td><td>{{.Reason}}</td><td>{{.Ticket}}</td></tr>
{{end}}</table>{{end}}
{{if .Unexpected}}<p><b>Unexpected passes</b> (listed as expected failures, but they passed: remove them from the file):</p>
<table><tr><th>scenario</th><th>requirement</th><th>reason given</th><th>ticket</th></tr>
{{range .Unexpected}}<tr><td>{{.Name}}</td><td>{{join .Requirements ", "}}</td><td>{{.Reason}}</td><td>{{.Ticket}}</td></tr>
{{end}}</table>{{end}}
{{if .Run.Unmatched}}<p><b>Entries that matched nothing in this run</b> (stale or misspelt?):</p><ul>
{{range .Run.Unmatched}}<li><code>{{.ID}}</code>: {{.Reason}} {{.Ticket}}</li>{{end}}</ul>{{end}}
{{end}}

{{if .Warned}}<h2>SHOULD rules not followed</h2>
<p class="muted">A SHOULD rule of the protocol profile that the target does not follow is reported, not failed.</p>
<table><tr><th>scenario</th><th>requirement</th><th>warning</th></tr>
{{range .Warned}}<tr><td>{{.Name}}</td><td>{{join .Requirements ", "}}</td><td>{{range .Warnings}}{{.}}<br>{{end}}</td></tr>
{{end}}</table>{{end}}

{{if .Skipped}}<h2>Skipped scenarios</h2>
{{range .Skipped}}<p><b>{{.Reason}}</b> ({{len .Scenarios}})</p><ul>
{{range .Scenarios}}<li>{{.Name}} <span class="muted">({{join .Requirements ", "}}, {{.Feature}})</span></li>
{{end}}</ul>{{end}}{{end}}

<h2>Profile</h2>
<pre>{{.Run.ProfileJSON}}</pre>

<h2>Every scenario</h2>
<details><summary>{{len .All}} scenarios</summary>
<table><tr><th>feature</th><th>scenario</th><th>requirement</th><th>result</th><th>time</th></tr>
{{range .All}}<tr><td>{{.Feature}}</td><td>{{.Name}}</td><td>{{join .Requirements ", "}}</td><td><span class="badge {{class .Status}}">{{.Status}}</span></td><td class="n">{{duration .Duration}}</td></tr>
{{end}}</table></details>
</body>
</html>
{{define "exchanges"}}{{if .Exchanges}}<p><b>Exchanges of the scenario</b> (oldest first; the last one led to the failure):</p>
{{range .Exchanges}}{{template "exchange" .}}{{end}}{{end}}
{{if .Related}}<p><b>Exchanges between the parties about the same payments</b>, as the kit's own party saw them:</p>
{{range .Related}}{{template "exchange" .}}{{end}}{{end}}{{end}}
{{define "exchange"}}<details class="x"><summary>{{if .Party}}<span class="muted">{{.Party}}</span> {{end}}{{if .Method}}{{.Method}} {{.URL}}{{if .StatusCode}} → HTTP {{.StatusCode}}{{else}} → no answer{{end}}{{else}}{{printf "%.160s" .Transcript}}{{end}}{{if .Signature}} · <span class="{{if sigok .Signature}}sig-ok{{else}}sig-bad{{end}}">signature {{.Signature}}</span>{{end}}{{if .Repeats}} · and {{.Repeats}} identical{{end}}</summary>
{{if .Method}}{{with headers .RequestHeader}}<p>request headers</p><pre>{{.}}</pre>{{end}}
{{with body .RequestBody}}<p>request body</p><pre>{{.}}</pre>{{end}}
{{with headers .ResponseHeader}}<p>response headers</p><pre>{{.}}</pre>{{end}}
{{with body .ResponseBody}}<p>response body</p><pre>{{.}}</pre>{{end}}
{{if .Signature}}<p>signature check: <span class="{{if sigok .Signature}}sig-ok{{else}}sig-bad{{end}}">{{.Signature}}</span></p>{{end}}
{{if .Err}}<p>error: <span class="sig-bad">{{.Err}}</span></p>{{end}}{{else}}<pre>{{.Transcript}}</pre>{{end}}
</details>{{end}}
`))
