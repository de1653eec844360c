package pacts

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Report is the outcome of verifying one pact against one provider.
type Report struct {
	Consumer     string
	Provider     string
	Interactions []InteractionResult
	// Output is the Pact verifier's own readable report.
	Output string
}

// KindStateSetup is the Kind of a Mismatch that says why a provider state could not be set
// up, so the interaction was never tried.
const KindStateSetup = "StateSetup"

// KindAnswer is the Kind of a Mismatch that quotes the result of the provider's answer to a
// failed interaction (resultStatus, resultCode and resultMessage): the pacts match the
// message by type only, so it is where a provider's own reason shows.
const KindAnswer = "Answer"

// InteractionResult is the verdict on one interaction of the pact.
type InteractionResult struct {
	Description string
	States      []string
	Passed      bool
	Mismatches  []Mismatch
}

// Mismatch is one difference between what the pact expects and what the provider answered,
// or an error that kept the interaction from being checked (Kind "Error").
type Mismatch struct {
	// Kind is the verifier's mismatch type: StatusMismatch, HeaderMismatch, BodyMismatch,
	// BodyTypeMismatch; or Error, or KindStateSetup.
	Kind string
	// Path names the field: a JSON path such as $.result.resultStatus, or a header name; for
	// KindStateSetup, the state.
	Path     string
	Expected string
	Actual   string
	Message  string
}

// Passed reports whether every interaction verified.
func (r *Report) Passed() bool {
	for _, i := range r.Interactions {
		if !i.Passed {
			return false
		}
	}
	return len(r.Interactions) > 0
}

// Failed returns the interactions that did not verify.
func (r *Report) Failed() []InteractionResult {
	var out []InteractionResult
	for _, i := range r.Interactions {
		if !i.Passed {
			out = append(out, i)
		}
	}
	return out
}

// String writes one line per interaction and one indented line per mismatch.
func (r *Report) String() string {
	var b strings.Builder
	failed := len(r.Failed())
	fmt.Fprintf(&b, "pact %s -> %s: %d interactions, %d failed\n", r.Consumer, r.Provider, len(r.Interactions), failed)
	for _, i := range r.Interactions {
		verdict := "ok  "
		if !i.Passed {
			verdict = "FAIL"
		}
		fmt.Fprintf(&b, "  %s %s\n", verdict, i.Description)
		for _, m := range i.Mismatches {
			fmt.Fprintf(&b, "         %s\n", m)
		}
	}
	return b.String()
}

// String writes the mismatch on one line.
func (m Mismatch) String() string {
	if m.Kind == KindStateSetup {
		return fmt.Sprintf("state %q could not be set up: %s", m.Path, m.Message)
	}
	if m.Kind == KindAnswer {
		return "the provider answered " + m.Message
	}
	var b strings.Builder
	b.WriteString(m.Kind)
	if m.Path != "" {
		b.WriteString(" at " + m.Path)
	}
	if m.Message != "" {
		b.WriteString(": " + m.Message)
	}
	if m.Expected != "" || m.Actual != "" {
		fmt.Fprintf(&b, " (expected %s, actual %s)", m.Expected, m.Actual)
	}
	return b.String()
}

// VerifyWallet replays merchant-wallet.json against the wallet at opts.WalletURL: each
// interaction's provider states are set up, its request is signed with the merchant key and
// sent, and the answer is matched against the pact. A provider that fails the contract gives
// a Report whose Passed is false; an error means there is no verdict (bad options, the
// verifier could not run, or there is none: see ErrNoVerifier). The verifier is the official
// Pact CLI when opts.PactCLI names it, else libpact_ffi, linked in builds with the pact tag,
// which also prints its readable report (Report.Output) on the process's standard output;
// the library offers no way to keep it quiet.
func VerifyWallet(ctx context.Context, opts WalletOptions) (*Report, error) {
	f, err := walletFront(ctx, opts)
	if err != nil {
		return nil, err
	}
	pair := PairOf(opts.Dialect)
	return verify(ctx, f, opts.PactCLI, pair.Wallet, opts.PactFile, pair.MerchantWallet)
}

// VerifyMerchant replays wallet-merchant.json against the merchant's notify endpoint at
// opts.NotifyURL, signing each notification with the wallet key. See VerifyWallet for the
// meaning of the results.
func VerifyMerchant(ctx context.Context, opts MerchantOptions) (*Report, error) {
	f, err := merchantFront(ctx, opts)
	if err != nil {
		return nil, err
	}
	pair := PairOf(opts.Dialect)
	return verify(ctx, f, opts.PactCLI, pair.Merchant, opts.PactFile, pair.WalletMerchant)
}

// verify runs the Pact verifier (the CLI at cli, or the linked library when cli is empty)
// against the front, which stands before the provider.
func verify(ctx context.Context, f *front, cli, provider, pactFile, embedded string) (*Report, error) {
	raw, path, cleanup, err := pactSource(pactFile, embedded)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	var p pactDoc
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, fmt.Errorf("pacts: %s is not a pact file: %w", path, err)
	}
	if p.Provider.Name != provider {
		return nil, fmt.Errorf("pacts: %s is a pact for provider %q, not %q", path, p.Provider.Name, provider)
	}

	if err := f.start(f.listener); err != nil {
		return nil, err
	}
	defer f.close()
	req := verifierRequest{ProviderName: provider, ProviderURL: f.url, StateChangeURL: f.url + stateChangePath, PactFile: path}
	var run *verifierRun
	if cli != "" {
		run, err = verifyWithCLI(ctx, cli, req)
	} else {
		run, err = verifyWithLibrary(req)
	}
	if err != nil {
		return nil, fmt.Errorf("pacts: verify %s: %w", path, err)
	}
	return report(p, run, f.stateError, f.replayedAnswers())
}

// verifierRequest is one run of a Pact verifier: one pact file against the front.
type verifierRequest struct {
	ProviderName   string
	ProviderURL    string // the front: http://127.0.0.1:port
	StateChangeURL string
	PactFile       string
}

// verifierRun is what a verifier produced: its verdict, its JSON result (the same document
// from the library and the CLI: "interactionResults", ...) and its readable report.
type verifierRun struct {
	Passed bool
	JSON   []byte
	Output string
}

// pactSource returns the pact's bytes and a file the verifier can read: the caller's file,
// or the embedded copy written to a temporary file.
func pactSource(pactFile, embedded string) (raw []byte, path string, cleanup func(), err error) {
	if pactFile != "" {
		raw, err = os.ReadFile(pactFile)
		if err != nil {
			return nil, "", nil, fmt.Errorf("pacts: %w", err)
		}
		return raw, pactFile, func() {}, nil
	}
	raw, err = Files.ReadFile(embedded)
	if err != nil {
		return nil, "", nil, fmt.Errorf("pacts: embedded %s: %w", embedded, err)
	}
	dir, err := os.MkdirTemp("", "tradepaykit-pact-")
	if err != nil {
		return nil, "", nil, fmt.Errorf("pacts: %w", err)
	}
	path = filepath.Join(dir, filepath.Base(embedded))
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		_ = os.RemoveAll(dir)
		return nil, "", nil, fmt.Errorf("pacts: %w", err)
	}
	return raw, path, func() { _ = os.RemoveAll(dir) }, nil
}

// pactDoc is the part of a pact file a report needs.
type pactDoc struct {
	Consumer     struct{ Name string } `json:"consumer"`
	Provider     struct{ Name string } `json:"provider"`
	Interactions []struct {
		Description    string `json:"description"`
		ProviderStates []struct {
			Name string `json:"name"`
		} `json:"providerStates"`
	} `json:"interactions"`
}

// verifierResult is the part of the verifier's JSON result a report needs: one entry per
// interaction verified, with its mismatches or the error that stopped it.
type verifierResult struct {
	InteractionResults []struct {
		Description    string   `json:"description"`
		ProviderStates []string `json:"providerStates"`
		Result         string   `json:"result"` // "OK" or "Error"
		Mismatch       *struct {
			Type       string `json:"type"` // "mismatches" or "error"
			Message    string `json:"message"`
			Mismatches []struct {
				Type     string          `json:"type"`
				Path     string          `json:"path"`
				Key      string          `json:"key"`
				Expected json.RawMessage `json:"expected"`
				Actual   json.RawMessage `json:"actual"`
				Mismatch string          `json:"mismatch"`
			} `json:"mismatches"`
		} `json:"mismatch"`
	} `json:"interactionResults"`
}

// report builds the Report from the verifier's result; stateError says why a state failed to
// set up, which the verifier does not. answers are the results the provider's answers
// carried, one per replayed request in the verifier's order: when there is exactly one per
// interaction verified, a failed interaction's mismatches end with its answer's (KindAnswer).
func report(p pactDoc, run *verifierRun, stateError func(state string) string, answers []string) (*Report, error) {
	var res verifierResult
	if err := json.Unmarshal(run.JSON, &res); err != nil {
		return nil, fmt.Errorf("pacts: the verifier's result is not JSON: %w\n%s", err, run.Output)
	}
	r := &Report{Consumer: p.Consumer.Name, Provider: p.Provider.Name, Output: run.Output}
	// The CLI's result names no states: the pact does.
	states := map[string][]string{}
	for _, i := range p.Interactions {
		for _, s := range i.ProviderStates {
			states[i.Description] = append(states[i.Description], s.Name)
		}
	}
	seen := map[string]bool{}
	if len(answers) != len(res.InteractionResults) {
		answers = nil // not one replay per interaction: no answer can be told apart
	}
	for n, ir := range res.InteractionResults {
		if len(ir.ProviderStates) == 0 {
			ir.ProviderStates = states[ir.Description]
		}
		out := InteractionResult{Description: ir.Description, States: ir.ProviderStates, Passed: ir.Result == "OK"}
		seen[ir.Description] = true
		if m := ir.Mismatch; m != nil {
			if len(m.Mismatches) == 0 {
				out.Mismatches = append(out.Mismatches, Mismatch{Kind: "Error", Message: m.Message})
			}
			for _, mm := range m.Mismatches {
				path := mm.Path
				if path == "" {
					path = mm.Key
				}
				out.Mismatches = append(out.Mismatches, Mismatch{
					Kind: mm.Type, Path: path, Message: mm.Mismatch,
					Expected: textOf(mm.Expected), Actual: textOf(mm.Actual),
				})
			}
		}
		if !out.Passed {
			for _, st := range ir.ProviderStates {
				if reason := stateError(st); reason != "" {
					out.Mismatches = append(out.Mismatches, Mismatch{Kind: KindStateSetup, Path: st, Message: reason})
				}
			}
		}
		if !out.Passed && len(out.Mismatches) == 0 {
			out.Mismatches = []Mismatch{{Kind: "Error", Message: "the verifier reported " + ir.Result}}
		}
		if !out.Passed && answers != nil && answers[n] != "" {
			out.Mismatches = append(out.Mismatches, Mismatch{Kind: KindAnswer, Message: answers[n]})
		}
		r.Interactions = append(r.Interactions, out)
	}
	// An interaction of the pact the verifier did not report on was not verified.
	for _, i := range p.Interactions {
		if !seen[i.Description] {
			r.Interactions = append(r.Interactions, InteractionResult{
				Description: i.Description,
				Mismatches:  []Mismatch{{Kind: "Error", Message: "not verified"}},
			})
		}
	}
	sort.SliceStable(r.Interactions, func(a, b int) bool { return r.Interactions[a].Description < r.Interactions[b].Description })
	if !run.Passed && r.Passed() {
		// The verifier failed without naming an interaction: keep its verdict.
		r.Interactions = append(r.Interactions, InteractionResult{
			Description: "(verification)",
			Mismatches:  []Mismatch{{Kind: "Error", Message: "the verifier reported a failure; see Output"}},
		})
	}
	return r, nil
}

// textOf renders a JSON value from the verifier's result: strings without quotes.
func textOf(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}
