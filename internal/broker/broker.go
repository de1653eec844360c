// Package broker is a small client of the Pact Broker's HTTP API (docs.pact.io, "Pact Broker"
// API docs): it publishes the kit's contracts under a consumer version and branch, and the
// results of verifying them under a provider version and branch. No broker runs on the kit's
// machines; the package's tests check every request against a local recorder.
package broker

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Client talks to one Pact Broker.
type Client struct {
	// BaseURL is the broker's root ("https://broker.example.com").
	BaseURL string
	// Token, when set, is sent as a bearer token; otherwise Username and Password, when set,
	// as basic authentication.
	Token              string
	Username, Password string
	// HTTPClient carries the requests; default http.DefaultClient.
	HTTPClient *http.Client
}

// New checks the base URL and returns a client.
func New(baseURL string) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("broker: %q is not an absolute http(s) URL", baseURL)
	}
	return &Client{BaseURL: strings.TrimRight(baseURL, "/")}, nil
}

// PublishPact publishes a pact file's content as the pact between consumer and provider for
// the consumer's version (PUT /pacts/provider/{provider}/consumer/{consumer}/version/{version}),
// and, when branch is set, puts that version on the branch
// (PUT /pacticipants/{consumer}/branches/{branch}/versions/{version}).
func (c *Client) PublishPact(ctx context.Context, consumer, provider, version, branch string, pact []byte) error {
	if consumer == "" || provider == "" || version == "" {
		return errors.New("broker: publishing a pact needs the consumer, the provider and the consumer version")
	}
	if !json.Valid(pact) {
		return errors.New("broker: the pact is not JSON")
	}
	path := "/pacts/provider/" + seg(provider) + "/consumer/" + seg(consumer) + "/version/" + seg(version)
	if _, err := c.do(ctx, http.MethodPut, c.BaseURL+path, pact); err != nil {
		return err
	}
	return c.branch(ctx, consumer, branch, version)
}

// branch puts a pacticipant version on a branch; nothing when branch is empty.
func (c *Client) branch(ctx context.Context, pacticipant, branch, version string) error {
	if branch == "" {
		return nil
	}
	path := "/pacticipants/" + seg(pacticipant) + "/branches/" + seg(branch) + "/versions/" + seg(version)
	_, err := c.do(ctx, http.MethodPut, c.BaseURL+path, []byte("{}"))
	return err
}

// Verification is the outcome of verifying one pact, as the broker records it.
type Verification struct {
	// ProviderVersion is the provider application version verified (required); Branch, when
	// set, is its repository branch; BuildURL, when set, links the CI build.
	ProviderVersion string
	Branch          string
	BuildURL        string
	// Verifier names the tool and its version (verifiedBy).
	Verifier, VerifierVersion string
	Results                   []InteractionResult
}

// InteractionResult is the verdict on one interaction.
type InteractionResult struct {
	Description string
	Success     bool
	Mismatches  []string
}

// Success is true when every interaction verified.
func (v Verification) Success() bool {
	for _, r := range v.Results {
		if !r.Success {
			return false
		}
	}
	return len(v.Results) > 0
}

// verificationBody is the documented body of a verification result.
type verificationBody struct {
	Success                    bool         `json:"success"`
	ProviderApplicationVersion string       `json:"providerApplicationVersion"`
	BuildURL                   string       `json:"buildUrl,omitempty"`
	VerifiedBy                 *verifiedBy  `json:"verifiedBy,omitempty"`
	TestResults                []testResult `json:"testResults"`
}

type verifiedBy struct {
	Implementation string `json:"implementation"`
	Version        string `json:"version,omitempty"`
}

type testResult struct {
	InteractionDescription string     `json:"interactionDescription"`
	Success                bool       `json:"success"`
	Mismatches             []mismatch `json:"mismatches,omitempty"`
}

type mismatch struct {
	Description string `json:"description"`
}

// PublishVerification records the verification of the latest pact between consumer and
// provider: it puts the provider version on its branch (when set), reads the pact
// (GET /pacts/provider/{provider}/consumer/{consumer}/latest), checks that its interactions are
// the ones verified, and posts the result to the pact's pb:publish-verification-results link.
func (c *Client) PublishVerification(ctx context.Context, consumer, provider string, v Verification) error {
	if consumer == "" || provider == "" || v.ProviderVersion == "" {
		return errors.New("broker: publishing a verification needs the consumer, the provider and the provider version")
	}
	if err := c.branch(ctx, provider, v.Branch, v.ProviderVersion); err != nil {
		return err
	}
	raw, err := c.do(ctx, http.MethodGet, c.BaseURL+"/pacts/provider/"+seg(provider)+"/consumer/"+seg(consumer)+"/latest", nil)
	if err != nil {
		return err
	}
	var pact struct {
		Interactions []struct {
			Description string `json:"description"`
		} `json:"interactions"`
		Links map[string]struct {
			Href string `json:"href"`
		} `json:"_links"`
	}
	if err := json.Unmarshal(raw, &pact); err != nil {
		return fmt.Errorf("broker: the latest pact between %s and %s is not JSON: %w", consumer, provider, err)
	}
	published := map[string]bool{}
	for _, i := range pact.Interactions {
		published[i.Description] = true
	}
	for _, r := range v.Results {
		if !published[r.Description] {
			return fmt.Errorf("broker: the latest pact between %s and %s has no interaction %q: it is not the contract verified (publish this kit's contracts first)", consumer, provider, r.Description)
		}
	}
	link := pact.Links["pb:publish-verification-results"].Href
	if link == "" {
		return fmt.Errorf("broker: the latest pact between %s and %s has no pb:publish-verification-results link", consumer, provider)
	}
	body := verificationBody{Success: v.Success(), ProviderApplicationVersion: v.ProviderVersion, BuildURL: v.BuildURL, TestResults: []testResult{}}
	if v.Verifier != "" {
		body.VerifiedBy = &verifiedBy{Implementation: v.Verifier, Version: v.VerifierVersion}
	}
	for _, r := range v.Results {
		tr := testResult{InteractionDescription: r.Description, Success: r.Success}
		for _, m := range r.Mismatches {
			tr.Mismatches = append(tr.Mismatches, mismatch{Description: m})
		}
		body.TestResults = append(body.TestResults, tr)
	}
	b, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("broker: %w", err)
	}
	_, err = c.do(ctx, http.MethodPost, link, b)
	return err
}

// seg escapes one path segment (participant names and versions may hold spaces or slashes).
func seg(s string) string { return url.PathEscape(s) }

// do sends one request and returns the body of a 2xx answer.
func (c *Client) do(ctx context.Context, method, target string, body []byte) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return nil, fmt.Errorf("broker: %w", err)
	}
	req.Header.Set("Accept", "application/hal+json, application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	switch {
	case c.Token != "":
		req.Header.Set("Authorization", "Bearer "+c.Token)
	case c.Username != "" || c.Password != "":
		req.SetBasicAuth(c.Username, c.Password)
	}
	hc := c.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("broker: %s %s: %w", method, target, err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return nil, fmt.Errorf("broker: %s %s: %w", method, target, err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("broker: %s %s answered HTTP %d: %s", method, target, resp.StatusCode, bytes.TrimSpace(answer))
	}
	return answer, nil
}
