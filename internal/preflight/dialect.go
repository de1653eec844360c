package preflight

// The dialect probe (docs/dialects.md): before any scenario runs, a verify run looks at how
// the target answers and what it sends, and stops when that is another dialect than its
// profile names: a wallet whose /v1 is unknown while /v2 answers, a notification in
// paymentResult shape under a paymentStatus profile, partnerId refused as missing, a
// merchant paying at /v2/payments/pay. Every scenario would otherwise fail for the same one
// reason. The probe only stops a run on a shape that contradicts the profile's dialect
// (dialect.Dialect.Contradicts); anything else it sees, an error, a refusal, a timeout, is left
// to the scenarios to judge.

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/signing"
	"github.com/tradepaykit/tradepaykit/internal/target"
)

// ErrDialect marks a target that speaks another dialect than its profile names.
var ErrDialect = errors.New("target speaks another dialect")

// DialectBudget bounds the whole dialect probe of one run: a target that gives no evidence
// within it is left to the scenarios. Together with starting the kit's party it keeps a
// mismatched run's stop within 10 s.
const DialectBudget = 7 * time.Second

// Mismatch is a target speaking another dialect than its profile names. Its message's first
// line names the presets the target likely speaks.
type Mismatch struct {
	// Party is "wallet" or "merchant".
	Party string
	// Profile is the dialect the profile names.
	Profile dialect.Dialect
	// Guess is the presets that best explain what was seen.
	Guess dialect.Guess
	// Contradicts says what the target did that the profile's dialect rules out.
	Contradicts []string
	// Seen are the exchanges that showed it, one line each.
	Seen []string
}

func (m *Mismatch) Error() string {
	var b strings.Builder
	likely := "none of the presets (" + strings.Join(dialect.Presets(), ", ") + ")"
	if len(m.Guess.Presets) > 0 {
		likely = strings.Join(m.Guess.Presets, " or ")
		if !m.Guess.Exact {
			likely += " (the closest presets)"
		}
	}
	fmt.Fprintf(&b, "%v: the %s likely speaks %s, not %s as its profile says (%s)", ErrDialect, m.Party, likely,
		m.Profile.Label(), strings.Join(m.Contradicts, "; "))
	for _, s := range m.Seen {
		fmt.Fprintf(&b, "\n  seen: %s", s)
	}
	name := "NAME"
	if len(m.Guess.Presets) > 0 {
		name = m.Guess.Presets[0]
	}
	fmt.Fprintf(&b, "\n  check: name the %s's dialect in its profile (\"dialect\": %q) or with --dialect %s, and override single switches where it differs from the preset (docs/dialects.md)",
		m.Party, name, name)
	return b.String()
}

// Unwrap makes errors.Is(err, ErrDialect) hold.
func (m *Mismatch) Unwrap() error { return ErrDialect }

// mismatch returns a *Mismatch when the signals contradict d, else nil.
func mismatch(party string, d dialect.Dialect, s dialect.Signals, seen []string) error {
	c := d.Contradicts(s)
	if len(c) == 0 {
		return nil
	}
	return &Mismatch{Party: party, Profile: d, Guess: dialect.GuessPreset(s), Contradicts: c, Seen: seen}
}

// merge adds the signals of b that a leaves unset.
func merge(a, b dialect.Signals) dialect.Signals {
	return dialect.Signals{
		PathVersion:   cmp.Or(a.PathVersion, b.PathVersion),
		BasePath:      cmp.Or(a.BasePath, b.BasePath),
		RefundAPI:     cmp.Or(a.RefundAPI, b.RefundAPI),
		PartnerID:     cmp.Or(a.PartnerID, b.PartnerID),
		NotifyOutcome: cmp.Or(a.NotifyOutcome, b.NotifyOutcome),
		OrderTitle:    cmp.Or(a.OrderTitle, b.OrderTitle),
		AppID:         cmp.Or(a.AppID, b.AppID),
	}
}

// ---- wallet side

// Wallet is a wallet under test as the kit's merchant calls it.
type Wallet struct {
	HTTPClient *http.Client
	// URL is the OpenAPI base the kit's merchant calls, with the URL prefix: the dialect's
	// /{version}/payments/{apiName} follows it.
	URL string
	// Root is the wallet's URL without the prefix, where the prefixes of other presets are
	// tried when the profile's paths are unknown; empty means URL.
	Root     string
	Dialect  dialect.Dialect
	ClientID string
	// PartnerID is sent where the dialect carries partnerId; empty means
	// dialect.DefaultPartnerID.
	PartnerID string
	Key       *rsa.PrivateKey
	Style     signing.Style
}

// WalletPaths calls inquiryPayment and the refund API, signed, for a payment that does not
// exist, at the profile dialect's paths. A wallet that does not know the inquiryPayment path
// is tried at the other version and at the other presets' prefixes. A wallet answering only
// there, a refusal naming a field that only other dialects require (partnerId refused as
// missing), or the refund API known only by its other name, is a *Mismatch. Anything else
// returns nil with what was seen (the version the wallet answered on), for WalletPayment: a
// wallet that does not answer at all is for the reachability check (Hook) to report.
func WalletPaths(ctx context.Context, w Wallet) (dialect.Signals, error) {
	d := dialect.OrDefault(w.Dialect)
	switch {
	case !d.CarriesPartnerID():
		w.PartnerID = "" // as the kit's merchant: never where the dialect does not carry it
	case w.PartnerID == "":
		w.PartnerID = dialect.DefaultPartnerID
	}
	id := probeID()
	inquiry, err := openapi.EncodeInquiryPayment(d, openapi.InquiryPaymentRequest{PaymentID: id, PartnerID: w.PartnerID})
	if err != nil {
		return dialect.Signals{}, err
	}
	refund, err := openapi.EncodeRefund(d, openapi.RefundCall{RefundRequest: openapi.RefundRequest{
		RefundRequestID: id, PaymentID: id, RefundAmount: openapi.WireAmount(money.MustNew("USD", 1)), RefundReason: "dialect probe",
	}})
	if err != nil {
		return dialect.Signals{}, err
	}
	base := strings.TrimRight(w.URL, "/")
	version := "/" + d.PathVersion + "/payments/"
	var inq, ref answer
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); inq = w.call(ctx, base+version+string(dialect.InquiryPayment), inquiry) }()
	go func() { defer wg.Done(); ref = w.call(ctx, base+version+d.APIName(dialect.Refund), refund) }()
	wg.Wait()

	if inq.served() {
		s := openapi.SignalsOfRefusal(*inq.result)
		s.PathVersion = d.PathVersion
		seen := []string{inq.String()}
		if !ref.served() && ref.unknown() {
			other := dialect.RefundAPIRefund
			if d.RefundAPI == dialect.RefundAPIRefund {
				other = dialect.RefundAPIRefundApply
			}
			if alt := w.call(ctx, base+version+string(other), refund); alt.served() {
				s.RefundAPI = other
				seen = append(seen, ref.String(), alt.String())
			}
		}
		if err := mismatch("wallet", d, s, seen); err != nil {
			return s, err
		}
		return dialect.Signals{PathVersion: d.PathVersion}, nil
	}
	if !inq.unknown() {
		return dialect.Signals{}, nil // no answer at all: the reachability check says so
	}
	root := strings.TrimRight(w.Root, "/")
	if root == "" {
		root = base
	}
	tried := map[string]bool{inq.url: true}
	for _, c := range candidates(d, base, root) {
		url := c.base + "/" + c.signals.PathVersion + "/payments/" + string(dialect.InquiryPayment)
		if tried[url] || ctx.Err() != nil {
			continue
		}
		tried[url] = true
		if alt := w.call(ctx, url, inquiry); alt.served() {
			s := merge(c.signals, openapi.SignalsOfRefusal(*alt.result))
			seen := []string{inq.String(), alt.String()}
			// The refund API's name there tells the v1 presets from the kit's.
			var served []answer
			for _, name := range []dialect.RefundAPIName{dialect.RefundAPIRefund, dialect.RefundAPIRefundApply} {
				if r := w.call(ctx, c.base+"/"+c.signals.PathVersion+"/payments/"+string(name), refund); r.served() {
					served = append(served, r)
					s.RefundAPI = name
				}
			}
			if len(served) == 1 {
				seen = append(seen, served[0].String())
			} else {
				s.RefundAPI = ""
			}
			if err := mismatch("wallet", d, s, seen); err != nil {
				return s, err
			}
		}
	}
	return dialect.Signals{}, nil
}

// candidate is a base URL where the OpenAPI of another shape may live.
type candidate struct {
	base    string
	signals dialect.Signals
}

// candidates are the other versions under the profile's prefix, then each preset's prefix
// and version under the root.
func candidates(d dialect.Dialect, base, root string) []candidate {
	var out []candidate
	for _, v := range pathVersions {
		if v != d.PathVersion {
			out = append(out, candidate{base, dialect.Signals{PathVersion: v}})
		}
	}
	if root != base {
		for _, v := range []string{d.PathVersion, otherVersion(d.PathVersion)} {
			out = append(out, candidate{root, dialect.Signals{PathVersion: v, BasePath: "/"}})
		}
	}
	for _, name := range dialect.Presets() {
		p := dialect.MustLookup(name)
		if p.BasePath == "" || p.BasePath == d.BasePath {
			continue
		}
		out = append(out, candidate{root + p.BasePath, dialect.Signals{PathVersion: p.PathVersion, BasePath: p.BasePath}})
	}
	return out
}

// pathVersions are the OpenAPI's version segments a probe tries.
var pathVersions = []string{"v1", "v2"}

func otherVersion(v string) string {
	if v == "v1" {
		return "v2"
	}
	return "v1"
}

// answer is what one probe call got.
type answer struct {
	url    string
	status int // 0: no answer
	err    error
	result *openapi.Result // the answer's result, when it is an OpenAPI answer
}

// noInterface are the result codes a wallet answers for a path it does not serve.
var noInterface = map[openapi.Code]bool{"NO_INTERFACE_DEF": true}

// served: the answer is the OpenAPI's, from an operation the wallet serves.
func (a answer) served() bool {
	return a.result != nil && !noInterface[a.result.ResultCode] && a.status != http.StatusNotFound &&
		a.status != http.StatusMethodNotAllowed && a.status != http.StatusNotImplemented
}

// unknown: something answered, but not as an operation of the OpenAPI.
func (a answer) unknown() bool { return a.status != 0 && !a.served() }

func (a answer) String() string {
	switch {
	case a.status == 0:
		return fmt.Sprintf("POST %s: no answer (%v)", a.url, a.err)
	case a.result == nil:
		return fmt.Sprintf("POST %s: HTTP %d, not an OpenAPI answer", a.url, a.status)
	}
	msg := a.result.ResultMessage
	if len(msg) > 160 {
		msg = msg[:160] + "..."
	}
	return fmt.Sprintf("POST %s: HTTP %d, %s %s %q", a.url, a.status, a.result.ResultCode, a.result.ResultStatus, msg)
}

// call posts body to url, signed as the kit's merchant, and reads the answer's result.
func (w Wallet) call(ctx context.Context, url string, body []byte) answer {
	a := answer{url: url}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		a.err = err
		return a
	}
	if err := w.Style.SignRequest(req, body, w.ClientID, w.Key, time.Now()); err != nil {
		a.err = err
		return a
	}
	resp, err := w.HTTPClient.Do(req)
	if err != nil {
		a.err = err
		return a
	}
	defer func() { _ = resp.Body.Close() }()
	a.status = resp.StatusCode
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, openapi.MaxBodyBytes))
	var out struct {
		Result *openapi.Result `json:"result"`
	}
	if json.Unmarshal(raw, &out) == nil && out.Result != nil && out.Result.ResultCode != "" {
		a.result = out.Result
	}
	return a
}

// Payment is how a probe makes one payment through the wallet's hooks: the kit's reference
// merchant creates an order (its pay to the wallet), the wallet's test control confirms it,
// and the reference merchant's received log shows the notification as it arrived.
type Payment struct {
	HTTPClient *http.Client
	// MerchantURL is the root of the kit's reference merchant's test adapter.
	MerchantURL string
	// ControlURL is the root of the wallet's test control.
	ControlURL string
	Dialect    dialect.Dialect
	// Flows are the flows the wallet's profile declares (nil: every flow); the first of
	// tradeNO, paymentUrl, orderStr that it declares is used.
	Flows func(flow string) bool
}

// WalletPayment makes one payment and reads its notification as the kit's merchant received
// it: a notification in another dialect's shape (paymentResult under a paymentStatus
// profile, none of the partnerId the profile requires) is a *Mismatch, named with what
// WalletPaths saw. Any failure on the way, or no notification before ctx ends, returns nil:
// the scenarios judge it.
func WalletPayment(ctx context.Context, p Payment, seen dialect.Signals) error {
	d := dialect.OrDefault(p.Dialect)
	merchant, err := target.NewMerchant(target.Config{BaseURL: p.MerchantURL, HTTPClient: p.HTTPClient})
	if err != nil {
		return nil
	}
	control, err := target.NewWalletControl(target.Config{BaseURL: p.ControlURL, HTTPClient: p.HTTPClient})
	if err != nil {
		return nil
	}
	flow, ok := firstFlow(p.Flows, target.FlowTradeNO, target.FlowPaymentURL, target.FlowOrderStr)
	if !ok {
		return nil
	}
	o, err := merchant.CreateOrder(ctx, target.NewOrder{Flow: flow, Type: target.General, Amount: money.MustNew("USD", 100), Title: "dialect probe"})
	if err != nil || o.Token().IsZero() {
		return nil
	}
	if code, err := control.TradePay(ctx, o.Token(), target.Confirm, ""); err != nil || code != "9000" {
		return nil
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		got, err := merchant.Received(ctx, o.PaymentRequestID, o.PaymentID)
		if err == nil && len(got) > 0 {
			s := merge(openapi.SignalsOfNotification(got[0].Body), seen)
			return mismatch("wallet", d, s, []string{fmt.Sprintf("the notification of a %s payment, as the kit's merchant received it: %s", flow, clip(got[0].Body))})
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

func firstFlow(supports func(string) bool, flows ...target.Flow) (target.Flow, bool) {
	for _, f := range flows {
		if supports == nil || supports(string(f)) {
			return f, true
		}
	}
	return "", false
}

// ---- merchant side

// PayWatch records the pay requests that reach the kit's wallet, as they arrive: the path
// and the body, before the wallet reads them. Wrap the wallet's handler with it.
type PayWatch struct {
	mu   sync.Mutex
	pays []arrivedPay
}

type arrivedPay struct {
	path string
	body []byte
}

// NewPayWatch returns an empty watch.
func NewPayWatch() *PayWatch { return &PayWatch{} }

// Wrap records every POST whose last path segment is "pay", then passes it on unchanged.
func (w *PayWatch) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/"+string(dialect.Pay)) {
			body, err := io.ReadAll(io.LimitReader(r.Body, openapi.MaxBodyBytes+1))
			// What was read goes on to the wallet, followed by any rest (a body over the
			// limit is the wallet's to refuse).
			r.Body = struct {
				io.Reader
				io.Closer
			}{io.MultiReader(bytes.NewReader(body), r.Body), r.Body}
			if err == nil {
				w.add(arrivedPay{path: r.URL.Path, body: body})
			}
		}
		next.ServeHTTP(rw, r)
	})
}

func (w *PayWatch) add(p arrivedPay) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.pays = append(w.pays, p)
}

// mark returns how many pays arrived so far.
func (w *PayWatch) mark() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.pays)
}

// after returns the first pay that arrived after mark n.
func (w *PayWatch) after(n int) (arrivedPay, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.pays) > n {
		return w.pays[n], true
	}
	return arrivedPay{}, false
}

// Merchant is a merchant under test whose pays reach the kit's wallet through a PayWatch.
type Merchant struct {
	HTTPClient *http.Client
	// AdapterURL is the root of the merchant's test adapter.
	AdapterURL string
	// Dialect is the profile's dialect, its BasePath the prefix the kit's wallet serves.
	Dialect dialect.Dialect
	// Flows are the flows the merchant's profile declares (nil: every flow); the first of
	// tradeNO and paymentUrl it declares is used (an orderStr makes no pay).
	Flows func(flow string) bool
	Watch *PayWatch
	// ControlURL is the root of the kit's wallet's test control and Notifications watches
	// the notifications that wallet sends: with both set, a pay that matches the profile is
	// confirmed, and the merchant's answer to its notification read too. Either nil or
	// empty: the pay alone is read.
	ControlURL    string
	Notifications *NotifyWatch
}

// MerchantPay asks the merchant for an order through its test adapter and reads the pay it
// sends the kit's wallet: a pay at another dialect's path (/v2/payments/pay under a v1
// profile, under another preset's prefix) or in another dialect's shape (the title only in
// order.orderDescription, no partnerId where the profile requires it) is a *Mismatch. No pay
// before ctx ends, or a profile with no pay flow, returns nil.
func MerchantPay(ctx context.Context, m Merchant) error {
	d := dialect.OrDefault(m.Dialect)
	flow, ok := firstFlow(m.Flows, target.FlowTradeNO, target.FlowPaymentURL)
	if !ok {
		return nil
	}
	adapter, err := target.NewMerchant(target.Config{BaseURL: m.AdapterURL, HTTPClient: m.HTTPClient})
	if err != nil {
		return nil
	}
	n := m.Watch.mark()
	type creation struct {
		o   *target.Order
		err error
	}
	created := make(chan creation, 1)
	go func() {
		o, err := adapter.CreateOrder(ctx, target.NewOrder{Flow: flow, Type: target.General, Amount: money.MustNew("USD", 100), Title: "dialect probe"})
		created <- creation{o, err}
	}()
	// The adapter's answer is awaited even once the pay has arrived, so that the probe cuts no
	// exchange short: a merchant that lost its answer might act on it. A pay it made has
	// arrived by the time it answers.
	var c creation
	select {
	case c = <-created:
	case <-ctx.Done():
		return nil
	}
	p, ok := m.Watch.after(n)
	if !ok {
		return nil
	}
	s := openapi.SignalsOfPay(p.body)
	s = merge(s, signalsOfPath(d, p.path))
	seen := []string{fmt.Sprintf("the merchant's pay for a %s order came to POST %s with %s", flow, p.path, clip(p.body))}
	if err := mismatch("merchant", d, s, seen); err != nil || c.err != nil || m.Notifications == nil || m.ControlURL == "" {
		return err
	}
	var pay struct {
		NotifyURL string `json:"paymentNotifyUrl"`
	}
	if json.Unmarshal(p.body, &pay) != nil || pay.NotifyURL == "" {
		return nil // no notification is sure to come: the scenarios judge the merchant
	}
	answer, ok := m.notified(ctx, c.o)
	if !ok {
		return nil
	}
	// What the merchant's answer says comes first: it requires the partnerId its pay carried.
	return mismatch("merchant", d, merge(answer.signals(), s), append(seen, answer.String()))
}

// notified confirms the order's payment through the kit's wallet's test control and returns
// the merchant's answer to the notification that follows.
func (m Merchant) notified(ctx context.Context, o *target.Order) (delivered, bool) {
	control, err := target.NewWalletControl(target.Config{BaseURL: m.ControlURL, HTTPClient: m.HTTPClient})
	if err != nil || o == nil || o.Token().IsZero() {
		return delivered{}, false
	}
	n, changed := m.Notifications.mark()
	if code, err := control.TradePay(ctx, o.Token(), target.Confirm, ""); err != nil || code != "9000" {
		return delivered{}, false
	}
	for {
		if got, ok := m.Notifications.about(n, o.PaymentID, o.PaymentRequestID); ok {
			return got, true
		}
		select {
		case <-changed:
			_, changed = m.Notifications.mark()
		case <-ctx.Done():
			return delivered{}, false
		}
	}
}

// NotifyWatch records the notifications the kit's wallet sends a merchant and the
// merchant's answers. Wrap the wallet's notification transport with it.
type NotifyWatch struct {
	mu      sync.Mutex
	list    []delivered
	changed chan struct{} // closed and replaced when a delivery is recorded
}

// delivered is one notification and the merchant's answer.
type delivered struct {
	url     string
	request []byte
	status  int // 0: no answer
	answer  []byte
}

// NewNotifyWatch returns an empty watch.
func NewNotifyWatch() *NotifyWatch { return &NotifyWatch{changed: make(chan struct{})} }

// Wrap records every POST through next with its answer; the request and the answer go on
// unchanged.
func (w *NotifyWatch) Wrap(next http.RoundTripper) http.RoundTripper {
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		if req.Method != http.MethodPost || req.GetBody == nil {
			return next.RoundTrip(req)
		}
		d := delivered{url: req.URL.String()}
		if body, err := req.GetBody(); err == nil {
			d.request, _ = io.ReadAll(io.LimitReader(body, openapi.MaxBodyBytes))
			_ = body.Close()
		}
		resp, err := next.RoundTrip(req)
		if err == nil {
			d.status = resp.StatusCode
			d.answer, _ = io.ReadAll(io.LimitReader(resp.Body, openapi.MaxBodyBytes))
			_ = resp.Body.Close()
			resp.Body = io.NopCloser(bytes.NewReader(d.answer))
		}
		w.add(d)
		return resp, err
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func (w *NotifyWatch) add(d delivered) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.list = append(w.list, d)
	close(w.changed)
	w.changed = make(chan struct{})
}

// mark returns how many deliveries were recorded and the channel closed at the next one.
func (w *NotifyWatch) mark() (int, <-chan struct{}) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.list), w.changed
}

// about returns the first delivery after mark n whose notification names either id.
func (w *NotifyWatch) about(n int, paymentID, paymentRequestID string) (delivered, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, d := range w.list[min(n, len(w.list)):] {
		var ids struct {
			PaymentID        string `json:"paymentId"`
			PaymentRequestID string `json:"paymentRequestId"`
		}
		if json.Unmarshal(d.request, &ids) != nil {
			continue
		}
		if (paymentID != "" && ids.PaymentID == paymentID) || (paymentRequestID != "" && ids.PaymentRequestID == paymentRequestID) {
			return d, true
		}
	}
	return delivered{}, false
}

// signals reads the merchant's refusal of the notification: a field it names that the
// notification did not carry (partnerId, or the outcome field of the other shape) is one the
// merchant's dialect has. An answer S, or a refusal naming only what was sent, says nothing.
func (d delivered) signals() dialect.Signals {
	var answer struct {
		Result *openapi.Result `json:"result"`
	}
	if d.status != http.StatusOK || json.Unmarshal(d.answer, &answer) != nil || answer.Result == nil ||
		answer.Result.ResultStatus != openapi.StatusFail {
		return dialect.Signals{}
	}
	var sent map[string]json.RawMessage
	if json.Unmarshal(d.request, &sent) != nil {
		return dialect.Signals{}
	}
	msg := strings.ToLower(answer.Result.ResultMessage)
	var s dialect.Signals
	if _, ok := sent["partnerId"]; !ok && strings.Contains(msg, "partnerid") {
		s.PartnerID = dialect.Required
	}
	_, status := sent["paymentStatus"]
	_, result := sent["paymentResult"]
	switch {
	case status && !result && strings.Contains(msg, "paymentresult"):
		s.NotifyOutcome = dialect.OutcomePaymentResult
	case result && !status && strings.Contains(msg, "paymentstatus"):
		s.NotifyOutcome = dialect.OutcomePaymentStatus
	}
	return s
}

func (d delivered) String() string {
	return fmt.Sprintf("the kit's wallet notified POST %s with %s; the merchant answered HTTP %d %s", d.url, clip(d.request), d.status, clip(d.answer))
}

// signalsOfPath reads the version and prefix of the path a pay came to.
func signalsOfPath(d dialect.Dialect, path string) dialect.Signals {
	_, err := d.APIOf(path)
	var pe *dialect.PathError
	var s dialect.Signals
	switch {
	case err == nil:
		s.PathVersion = d.PathVersion
	case errors.As(err, &pe) && pe.Version != "":
		s.PathVersion = pe.Version
	}
	if s.PathVersion != "" {
		// APIOf takes a path with or without the prefix (a gateway may strip it); the kit's
		// wallet serves it only with.
		if d.BasePath != "" && !strings.HasPrefix(path, d.BasePath+"/") {
			s.BasePath = "/"
		}
		return s
	}
	for _, name := range dialect.Presets() {
		p := dialect.MustLookup(name)
		if p.BasePath == "" || p.BasePath == d.BasePath {
			continue
		}
		for _, v := range pathVersions {
			if path == p.BasePath+"/"+v+"/payments/"+string(dialect.Pay) {
				return dialect.Signals{PathVersion: v, BasePath: p.BasePath}
			}
		}
	}
	return dialect.Signals{}
}

// probeID is a request and payment id no real payment has.
func probeID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "dialect-probe-" + hex.EncodeToString(b)
}

// clip is a body as one printable line of at most 300 bytes.
func clip(b []byte) string {
	s := strings.Join(strings.Fields(target.Snippet(b)), " ")
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}
