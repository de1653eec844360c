package wallet

import (
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/signing"
)

// The wallet mock speaks one dialect (docs/dialects.md), Config.Dialect or the kit preset:
//
//   - paths: each API at Dialect().PathFor; a call to another dialect's path (another version,
//     or refund where the dialect names it refundApply) gets a signed answer naming both.
//     Behind a prefix, a signature over the path with or without the prefix is accepted.
//   - requests are read with the dialect codecs (openapi.DecodePay, DecodeInquiryPayment,
//     DecodeRefund): partnerId, the title field, appId, productCode, Amount.value as a JSON
//     integer, refund by paymentRequestId, each as the dialect says.
//   - notifications and inquiryPayment answers are written with openapi.EncodeNotifyPayment and
//     EncodeInquiryPaymentResponse.
//   - what is notified beyond a final SUCCESS or FAIL follows the dialect's notifications
//     switch (the kit preset: AUTH_SUCCESS and the deadline's FAIL; every published preset:
//     neither). The profile's "notifications" declare what a target does; the mock does not
//     read them: a profile or command line changes the mock's behaviour through the dialect's
//     notifications switch, or a variant. Declarations reports what the mock then does.
//   - captures: under "one" the first capture, full or partial, closes the authorization (the
//     rest is released) and a second one is refused AUTH_CANCELLED, the code published for an
//     authorization that can no longer be captured; "several" and "oneOrSeveral" take several,
//     isLastCapture defaulting to true.
//
// The URL prefix is the profile's basePath when it sets one (what the target declared), else
// the dialect's.

// effectiveDialect is the dialect a wallet built from cfg speaks.
func effectiveDialect(cfg Config) dialect.Dialect {
	d := dialect.OrDefault(cfg.Dialect)
	if base := strings.TrimRight(cfg.Profile.BasePath, "/"); base != "" {
		d.BasePath = base
	}
	return d
}

// Dialect is the dialect the wallet speaks, its URL prefix included.
func (s *Server) Dialect() dialect.Dialect { return s.dialect }

// servedAPIs are the operations the wallet serves (notifyPayment is the merchant's).
var servedAPIs = []dialect.API{dialect.Pay, dialect.InquiryPayment, dialect.Cancel, dialect.Capture, dialect.Refund, dialect.InquiryRefund}

// APIPaths lists the paths of the wallet's OpenAPI in the protocol's order (pay,
// inquiryPayment, cancel, capture, the refund API under the dialect's name, inquiryRefund),
// prefix included: what a banner or a merchant's configuration names.
func (s *Server) APIPaths() []string {
	paths := make([]string, len(servedAPIs))
	for i, api := range servedAPIs {
		paths[i] = s.dialect.PathFor(api)
	}
	return paths
}

// apiPathPrefix is the common part of the API paths: prefix + /{version}/payments/.
func (s *Server) apiPathPrefix() string {
	return s.dialect.BasePath + "/" + s.dialect.PathVersion + "/payments/"
}

// routes maps each served path to the wallet's internal API name (the kit's: "refund" for
// the refund API whatever the dialect calls it, so that answer scripts and variants name
// APIs one way).
func (s *Server) routes() map[string]string {
	out := make(map[string]string, len(servedAPIs))
	d := s.routeDialect()
	for _, api := range servedAPIs {
		out[d.PathFor(api)] = string(api)
	}
	return out
}

// verifyRequest checks a request's signature with key over each path a signer may have
// signed (dialect.SignedPaths: behind a prefix, with or without it).
func (s *Server) verifyRequest(key *rsa.PublicKey, msg signing.Message, sig string) error {
	var first error
	for _, p := range s.dialect.SignedPaths(msg.Path) {
		m := msg
		m.Path = p
		err := s.cfg.Signatures.Verify(key, m, sig)
		if err == nil {
			return nil
		}
		if first == nil {
			first = err
		}
	}
	return first
}

// otherDialectPath explains a call to a path that is an operation of another dialect: what
// was called and where this wallet serves that operation. ok is false for any other path.
func (s *Server) otherDialectPath(path string) (msg string, ok bool) {
	// The operation is named by the path's tail, /{version}/payments/{apiName}, whatever
	// prefix (another dialect's, or none) comes before it.
	parts := strings.Split(path, "/")
	if len(parts) < 4 {
		return "", false
	}
	tail := "/" + strings.Join(parts[len(parts)-3:], "/")
	_, err := s.dialect.APIOf(tail)
	var pe *dialect.PathError
	if err == nil || !errors.As(err, &pe) || (pe.Version == "" && pe.RefundAPI == "") {
		return "", false
	}
	pe.Path = path
	name := parts[len(parts)-1]
	api := dialect.API(name)
	if pe.RefundAPI != "" || name == string(dialect.RefundAPIRefundApply) {
		api = dialect.Refund
	}
	if api == dialect.NotifyPayment {
		return "", false // the merchant's API: the wallet serves it under no name
	}
	return fmt.Sprintf("%s; this wallet serves %s at %s", pe.Error(), api, s.dialect.PathFor(api)), true
}

// wireAnswer writes an answer in the dialect's shape where the shape differs by dialect (the
// inquiryPayment answer); other answers are the same in every dialect.
func (s *Server) wireAnswer(resp any) any {
	if r, ok := resp.(*openapi.InquiryPaymentResponse); ok {
		body, err := openapi.EncodeInquiryPaymentResponse(s.dialect, *r)
		if err != nil {
			return envelope(err)
		}
		return json.RawMessage(body)
	}
	return resp
}

// notificationBody writes a notification in the dialect's shape. A payment the wallet pays
// under a partnerId names it; else the payment's client id stands for it (the kit's merchant's
// client id is dialect.DefaultPartnerID).
func (s *Server) notificationBody(n openapi.NotifyPaymentRequest, p *payment) ([]byte, error) {
	d := s.notifyDialect()
	if d.CarriesPartnerID() {
		n.PartnerID = p.PartnerID
		if n.PartnerID == "" {
			n.PartnerID = p.ClientID
		}
	}
	out := openapi.Notification{NotifyPaymentRequest: n}
	if n.PaymentStatus == openapi.PaymentFail && p.FailReason == declinedReason {
		out.FailCode = openapi.UserBalanceNotEnough
	}
	return openapi.EncodeNotifyPayment(d, out)
}

// payKind tells a general payment from a pre-authorization by the pay request's productCode
// and paymentFactor.isAuthorization. The wallet takes the profile's codes and, where the
// dialect makes productCode optional, the dialect's own codes too. Without a productCode, or
// with the general code of a dialect that names no pre-authorization code (v2: how an
// authorization is created is not published), isAuthorization says which.
func (s *Server) payKind(req openapi.PayRequest) (Kind, error) {
	d, prof := s.dialect, s.cfg.Profile
	authorization := req.PaymentFactor != nil && req.PaymentFactor.IsAuthorization
	dialectCodes := !d.RequiresProductCode()
	switch {
	case req.ProductCode == "":
		// Only where the dialect makes productCode optional (DecodePay refuses it otherwise).
		if authorization {
			return PreAuth, nil
		}
		return General, nil
	case req.ProductCode == prof.PreAuthProductCode || (dialectCodes && d.ProductCodes.PreAuth != "" && req.ProductCode == d.ProductCodes.PreAuth):
		return PreAuth, nil
	case req.ProductCode == prof.GeneralProductCode || (dialectCodes && req.ProductCode == d.ProductCodes.General):
		if authorization && dialectCodes && d.ProductCodes.PreAuth == "" {
			return PreAuth, nil
		}
		if authorization {
			// The merchant asked for a freeze; taking it as a general payment would charge the
			// payer at once.
			return "", openapi.Errorf(openapi.ParamIllegal, "paymentFactor.isAuthorization is true, but productCode %q is this wallet's general product: a pre-authorization takes productCode %q",
				req.ProductCode, prof.PreAuthProductCode)
		}
		return General, nil
	}
	return "", openapi.Errorf(openapi.ParamIllegal, "productCode %q is not a product of this wallet (general %s, pre-authorization %s)",
		req.ProductCode, prof.GeneralProductCode, prof.PreAuthProductCode)
}

// Declarations returns cfg.Profile declaring what a wallet mock built from cfg does where
// published wallets differ: the notifications its dialect (and variants) send, and its
// captures and partial refunds. A runner gives it to the steps as the mock's profile.
func Declarations(cfg Config) fixtures.WalletProfile {
	d := effectiveDialect(cfg)
	on := map[Variant]bool{}
	for _, v := range cfg.Variants {
		on[v] = true
	}
	authSuccess := d.NotifiesAuthSuccess() && !on[VariantNoAuthSuccessNotification]
	failAtDeadline := d.NotifiesFailAtDeadline() && !on[VariantNoDeadlineFailNotification]
	afterCapture := false // the mock never notifies a capture
	w := cfg.Profile
	w.BasePath = d.BasePath
	w.Notifications = fixtures.Notifications{AuthSuccess: &authSuccess, FailAtDeadline: &failAtDeadline, AfterCapture: &afterCapture}
	w.Captures, w.PartialRefunds = fixtures.CapturesSeveral, fixtures.RefundsSeveral
	if d.Captures == dialect.One || on[VariantOneCapture] {
		w.Captures = fixtures.CapturesOne
	}
	if d.PartialRefunds == dialect.One || on[VariantOnePartialRefund] {
		w.PartialRefunds = fixtures.RefundsOne
	}
	return w
}

// checkDialect refuses a dialect the mock cannot speak.
func checkDialect(cfg Config) error {
	if cfg.Dialect.Preset == "" {
		return nil
	}
	if err := cfg.Dialect.Check(); err != nil {
		return fmt.Errorf("wallet: %w", err)
	}
	if cfg.Dialect.NotifiesAfterCapture() {
		return fmt.Errorf("wallet: the %s dialect notifies captures (notifications.afterCapture), which the wallet mock does not do", cfg.Dialect.Label())
	}
	return nil
}

// unknownPathHint says why a path is not served: another dialect's path, a doubled base path,
// or the OpenAPI under another prefix.
func (s *Server) unknownPathHint(r *http.Request) string {
	base := s.dialect.BasePath
	switch {
	case base != "" && strings.Count(r.URL.Path, base) > 1:
		return "; the base path " + base + " appears twice: give the SDK the gateway URL without it"
	}
	if msg, ok := s.otherDialectPath(r.URL.Path); ok {
		return ": " + msg
	}
	if strings.Contains(r.URL.Path, "/"+s.dialect.PathVersion+"/payments/") && !strings.HasPrefix(r.URL.Path, s.apiPathPrefix()) {
		return "; the OpenAPI lives under " + s.apiPathPrefix()
	}
	return ""
}
