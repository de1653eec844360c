package pacts

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/target"
	"github.com/tradepaykit/tradepaykit/internal/walletclient"
)

// The options of a verification and the signing front: no cgo, so the runner serves the
// front (pact-provider) even when it is built without the Pact verifier.

// WalletOptions says how to reach a wallet under test and how its provider states are set up.
type WalletOptions struct {
	// WalletURL is the wallet's OpenAPI base, with any path prefix: the pact's
	// /v1/payments/{api} paths are appended to it.
	WalletURL string
	// ClientID is the merchant client id the wallet knows; default fixtures.ClientID.
	ClientID string
	// MerchantKey signs every replayed request; default the kit's merchant test key.
	MerchantKey *rsa.PrivateKey

	// StateChangeURL, when set, is the wallet's own endpoint for provider states (as Pact's
	// ProviderStatesSetupURL): it receives POST {"state","params","action":"setup"|"teardown"}
	// and answers a JSON object of the values to inject (paymentId, ...). When empty, the kit
	// sets up each state itself through the wallet's OpenAPI (as the merchant) and its test
	// control at ControlURL (as the payer).
	StateChangeURL string
	// ControlURL is the wallet's test control (docs/hooks.md, "The wallet's test control").
	ControlURL string
	// WalletPublicKey verifies the signature of every answer of the wallet (a failure shows
	// as a HeaderMismatch on Signature) and of the answers it gives while the kit sets up
	// states; default the kit's wallet test key.
	WalletPublicKey *rsa.PublicKey
	// Profile gives the product codes the kit uses; zero means fixtures.DefaultWalletProfile
	// under the kit preset, and the preset's own codes (dialect.ProductCodes) under another.
	Profile fixtures.WalletProfile
	// Dialect is the shape the wallet speaks (docs/dialects.md); the zero value means the kit
	// preset. It picks the embedded pact (PairOf(Dialect).MerchantWallet) and the shape in
	// which the kit sets up states. Its URL prefix is not used: WalletURL carries the prefix,
	// and the pacts' paths are /{version}/payments/{apiName}.
	Dialect dialect.Dialect
	// PartnerID and AppID are sent in the kit's own set-up calls where the dialect carries
	// them; defaults dialect.DefaultPartnerID and ExampleAppID.
	PartnerID string
	AppID     string

	// PactFile is the contract to verify; empty means the embedded merchant-wallet.json of
	// the dialect's pair.
	PactFile string
	// PactCLI, when set, is the official Pact CLI binary (`pact`, of @pact-foundation/pact-cli)
	// whose verifier replays the pact, instead of libpact_ffi; a build without the pact tag
	// (no cgo) verifies only this way.
	PactCLI string
	// HTTPClient carries replayed requests and state set-up calls; default a client with a
	// 30 second timeout.
	HTTPClient *http.Client
	// Listener is where the signing front serves (StartWalletFront); nil means 127.0.0.1:0.
	// The front owns it from then on.
	Listener net.Listener
	// StateFailed, when set, is told why each provider state could not be set up, as it
	// happens (the report and the verifier's mismatches say it too); it may be called from
	// several goroutines at once.
	StateFailed func(state, reason string)
	// Refused, when set, hears the result of each answer of the provider whose resultStatus
	// is not S (path, then "resultStatus F, resultCode ...: message"): the Pact verifiers print
	// only the fields that differ from the pact, not a provider's reason.
	Refused func(path, result string)
}

// MerchantOptions says how to reach a merchant under test and how its provider states are
// set up.
type MerchantOptions struct {
	// NotifyURL is the merchant's notify endpoint: every interaction of the pact is sent there,
	// whatever the path the pact records (the reference merchant's /v1/payments/notifyPayment),
	// since the notify path is the merchant's choice.
	NotifyURL string
	// ClientID is the client id the merchant signs under; default fixtures.ClientID.
	ClientID string
	// WalletKey signs every replayed notification; default the kit's wallet test key.
	WalletKey *rsa.PrivateKey

	// StateChangeURL, when set, is the merchant's own endpoint for provider states (see
	// WalletOptions.StateChangeURL). When empty, the kit sets up each state through the
	// merchant's test adapter at MerchantURL, and, for a paid order, through the test control
	// at ControlURL of the wallet the merchant is configured with.
	StateChangeURL string
	MerchantURL    string
	ControlURL     string

	// Dialect is the shape the merchant speaks (docs/dialects.md); the zero value means the
	// kit preset. It picks the embedded pact (PairOf(Dialect).WalletMerchant).
	Dialect dialect.Dialect

	// PactFile is the contract to verify; empty means the embedded wallet-merchant.json of
	// the dialect's pair.
	PactFile string
	// PactCLI: see WalletOptions.PactCLI.
	PactCLI    string
	HTTPClient *http.Client
	// Listener: see WalletOptions.Listener.
	Listener net.Listener
	// StateFailed: see WalletOptions.StateFailed.
	StateFailed func(state, reason string)
	// Refused: see WalletOptions.Refused.
	Refused func(path, result string)
}

func walletFront(ctx context.Context, opts WalletOptions) (*front, error) {
	if opts.ClientID == "" {
		opts.ClientID = fixtures.ClientID
	}
	if opts.MerchantKey == nil {
		opts.MerchantKey = fixtures.PrivateKey(fixtures.MerchantPrivateKey)
	}
	if opts.WalletPublicKey == nil {
		opts.WalletPublicKey = fixtures.PublicKey(fixtures.WalletPublicKey)
	}
	d := dialect.OrDefault(opts.Dialect)
	d.BasePath = "" // WalletURL carries the prefix
	if opts.Profile.GeneralProductCode == "" {
		opts.Profile = fixtures.DefaultWalletProfile()
		if d.Preset != dialect.Default {
			opts.Profile.GeneralProductCode, opts.Profile.PreAuthProductCode = d.ProductCodes.General, d.ProductCodes.PreAuth
		}
	}
	if opts.PartnerID == "" {
		opts.PartnerID = dialect.DefaultPartnerID
	}
	if opts.AppID == "" {
		opts.AppID = ExampleAppID
	}
	hc := opts.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	base, err := absoluteURL("WalletURL", opts.WalletURL)
	if err != nil {
		return nil, err
	}
	f := &front{
		ctx:      ctx,
		client:   hc,
		clientID: opts.ClientID,
		key:      opts.MerchantKey,
		kitState: StateUnknownMerchantKey,
		target: func(r *http.Request) string {
			return strings.TrimRight(base, "/") + r.URL.RequestURI()
		},
		checkAnswer:     walletAnswerCheck(opts.WalletPublicKey, opts.ClientID),
		listener:        opts.Listener,
		stateFailedHook: opts.StateFailed,
		refusedHook:     opts.Refused,
	}
	switch {
	case opts.StateChangeURL != "":
		if f.stateURL, err = absoluteURL("StateChangeURL", opts.StateChangeURL); err != nil {
			return nil, err
		}
	case opts.ControlURL != "":
		api, err := walletclient.New(walletclient.Config{
			BaseURL: base, ClientID: opts.ClientID, PrivateKey: opts.MerchantKey,
			WalletPublicKey: opts.WalletPublicKey, HTTPClient: hc,
			Dialect: d, PartnerID: opts.PartnerID, AppID: opts.AppID,
		})
		if err != nil {
			return nil, fmt.Errorf("pacts: %w", err)
		}
		control, err := target.NewWalletControl(target.Config{BaseURL: opts.ControlURL, HTTPClient: hc})
		if err != nil {
			return nil, fmt.Errorf("pacts: ControlURL: %w", err)
		}
		ws := &walletStates{api: api, control: control, profile: opts.Profile}
		f.setup = func(ctx context.Context, state string) (map[string]any, func(context.Context) error, error) {
			v, err := ws.setup(ctx, state)
			return v, nil, err
		}
	default:
		return nil, errors.New("pacts: WalletOptions needs a StateChangeURL or a ControlURL to set up provider states")
	}
	return f, nil
}

func merchantFront(ctx context.Context, opts MerchantOptions) (*front, error) {
	if opts.ClientID == "" {
		opts.ClientID = fixtures.ClientID
	}
	if opts.WalletKey == nil {
		opts.WalletKey = fixtures.PrivateKey(fixtures.WalletPrivateKey)
	}
	hc := opts.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	notifyURL, err := absoluteURL("NotifyURL", opts.NotifyURL)
	if err != nil {
		return nil, err
	}
	f := &front{
		ctx:             ctx,
		client:          hc,
		clientID:        opts.ClientID,
		key:             opts.WalletKey,
		kitState:        StateUnknownWalletKey,
		target:          func(*http.Request) string { return notifyURL },
		listener:        opts.Listener,
		stateFailedHook: opts.StateFailed,
		refusedHook:     opts.Refused,
	}
	switch {
	case opts.StateChangeURL != "":
		if f.stateURL, err = absoluteURL("StateChangeURL", opts.StateChangeURL); err != nil {
			return nil, err
		}
	case opts.MerchantURL != "":
		adapter, err := target.NewMerchant(target.Config{BaseURL: opts.MerchantURL, HTTPClient: hc})
		if err != nil {
			return nil, fmt.Errorf("pacts: MerchantURL: %w", err)
		}
		ms := &merchantStates{adapter: adapter}
		if opts.ControlURL != "" {
			if ms.control, err = target.NewWalletControl(target.Config{BaseURL: opts.ControlURL, HTTPClient: hc}); err != nil {
				return nil, fmt.Errorf("pacts: ControlURL: %w", err)
			}
		}
		f.setup = ms.begin
	default:
		return nil, errors.New("pacts: MerchantOptions needs a StateChangeURL or a MerchantURL to set up provider states")
	}
	return f, nil
}

// Front is the signing front VerifyWallet and VerifyMerchant put before a provider, left
// running for another Pact verifier, such as the standalone `pact verifier`: that verifier
// replays the pact's example signatures, which a provider refuses. Point it at URL (as the
// provider) and StateChangeURL (with teardown on, state data in the body).
type Front struct{ f *front }

// StartWalletFront starts the front VerifyWallet would use; opts.PactFile is ignored.
func StartWalletFront(ctx context.Context, opts WalletOptions) (*Front, error) {
	f, err := walletFront(ctx, opts)
	if err != nil {
		return nil, err
	}
	if err := f.start(f.listener); err != nil {
		return nil, err
	}
	return &Front{f}, nil
}

// StartMerchantFront starts the front VerifyMerchant would use; opts.PactFile is ignored.
func StartMerchantFront(ctx context.Context, opts MerchantOptions) (*Front, error) {
	f, err := merchantFront(ctx, opts)
	if err != nil {
		return nil, err
	}
	if err := f.start(f.listener); err != nil {
		return nil, err
	}
	return &Front{f}, nil
}

// URL is where the verifier sends the replayed requests ("http://127.0.0.1:port").
func (x *Front) URL() string { return x.f.url }

// StateChangeURL is where the verifier posts provider state changes.
func (x *Front) StateChangeURL() string { return x.f.url + stateChangePath }

// Close stops the front.
func (x *Front) Close() { x.f.close() }

func absoluteURL(field, raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("pacts: %s %q is not an absolute http(s) URL", field, raw)
	}
	return raw, nil
}
