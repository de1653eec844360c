package merchant

import (
	"encoding/json"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// The dialect defects (issue 18): mistakes of a merchant that gets its own dialect wrong,
// each showing only under the preset its catalog entry names (DefectInfo.Preset). They bend
// the dialect the merchant speaks at one seam: the dialect its wallet client writes requests
// in, or the reader of notifications. Under another preset most change nothing a judge of
// that preset may fail (a kit merchant sending no partnerId is not wrong), which is why the
// kill test starts each with its preset. A v2 merchant that refuses notifications without
// partnerId is left out: a verify run against it waits in vain for notifications to settle
// its orders, and its verdict took over a minute (61 s).

// The merchant's dialect defects.
const (
	// Wallet client (requests the merchant sends).
	DefectPayWithoutPartnerID Defect = "pay-without-partner-id"
	DefectPayWithoutAppID     Defect = "pay-without-app-id"
	DefectTitleInV1Field      Defect = "title-in-payment-order-title"
	DefectPayWithoutCode      Defect = "pay-without-product-code"
	DefectRefundUnderV2Name   Defect = "refund-instead-of-refund-apply"
	DefectPrefixLeftOut       Defect = "wallet-prefix-left-out"
	// Reader of notifications.
	DefectNotifyStatusOnly Defect = "notify-reads-payment-status-only"
)

// dialectCatalog is the catalog's part about dialects, each entry with the preset it shows
// under.
var dialectCatalog = []DefectInfo{
	{DefectPayWithoutPartnerID, "REQ-GEN-001", "a v1-alipay merchant sends pay and inquiryPayment without partnerId, which v1-alipay requires", "v1-alipay"},
	{DefectPayWithoutAppID, "REQ-GEN-001", "a v2 merchant sends pay without appId, which v2 requires", "v2"},
	{DefectTitleInV1Field, "REQ-GEN-001", "a v2 merchant sends the title as paymentOrderTitle, the v1 field, instead of order.orderDescription", "v2"},
	{DefectPayWithoutCode, "REQ-GEN-001", "a v1-qi merchant sends pay without productCode, optional on the Alipay v1 pages but required by Qi", "v1-qi"},
	{DefectRefundUnderV2Name, "REQ-REF-002", "a v1-alipay merchant calls /v1/payments/refund, the v2 name, where its wallet serves refundApply", "v1-alipay"},
	{DefectPrefixLeftOut, "REQ-GEN-001", "a v1-tng merchant calls /v1/payments/* without the /acl/api prefix Touch 'n Go serves them under", "v1-tng"},
	{DefectNotifyStatusOnly, "REQ-GEN-007", "a v2 merchant reads a notification's outcome from paymentStatus only: a FAIL, which v2 reports in paymentResult, settles the order as paid", "v2"},
}

// clientDialect is the dialect the wallet client writes requests in, and the product codes
// the merchant asks for: as configured, unless a defect forgets one of the dialect's rules.
func (d defects) clientDialect(c dialect.Dialect, p fixtures.WalletProfile) (dialect.Dialect, fixtures.WalletProfile) {
	if d.on(DefectPayWithoutPartnerID) {
		c.PartnerID = dialect.Absent
	}
	if d.on(DefectPayWithoutAppID) && c.AppID == dialect.Required {
		c.AppID = dialect.Optional
	}
	if d.on(DefectTitleInV1Field) {
		c.OrderTitle = dialect.TitlePaymentOrderTitle
	}
	if d.on(DefectPayWithoutCode) {
		c.ProductCode, c.ProductCodes = dialect.Optional, dialect.ProductCodes{}
		p.GeneralProductCode, p.PreAuthProductCode = "", ""
	}
	if d.on(DefectRefundUnderV2Name) {
		c.RefundAPI = dialect.RefundAPIRefund
	}
	if d.on(DefectPrefixLeftOut) {
		c.BasePath = ""
	}
	return c, p
}

// misreadOutcome is the outcome the merchant settles by: the one read in its dialect, unless
// a defect reads paymentStatus only and takes anything but FAIL there for a success.
func (s *Server) misreadOutcome(body []byte, n *openapi.Notification) {
	if !s.defects.on(DefectNotifyStatusOnly) {
		return
	}
	var w struct {
		PaymentStatus string `json:"paymentStatus"`
	}
	_ = json.Unmarshal(body, &w) // decoded already
	switch w.PaymentStatus {
	case openapi.PaymentFail, openapi.PaymentAuthSuccess:
		n.PaymentStatus = w.PaymentStatus
	default:
		n.PaymentStatus = openapi.PaymentSuccess
	}
}
