package wallet

import (
	"github.com/tradepaykit/tradepaykit/internal/dialect"
)

// The dialect defects (issue 18): mistakes of a wallet that gets its own dialect wrong, each
// showing only under the preset its catalog entry names (DefectInfo.Preset). They bend the
// dialect the wallet speaks at one seam, not the rules around it: the reader of requests, the
// routes, the writer of notifications, the capture rule. Under another preset most of them
// change nothing, or nothing a judge of that preset may fail (a kit wallet leaving out an
// optional paymentCreateTime is not wrong), which is why the kill test starts each with its
// preset.

// The wallet's dialect defects.
const (
	// Request reader.
	DefectPayTitleV1Field      Defect = "pay-requires-payment-order-title"
	DefectAppIDNotRequired     Defect = "pay-without-app-id-accepted"
	DefectPartnerIDNotRequired Defect = "pay-without-partner-id-accepted"
	DefectPartnerIDRequired    Defect = "pay-requires-partner-id"
	// Routes.
	DefectRefundApplyNotServed Defect = "refund-apply-not-served"
	// Notification writer.
	DefectNotifyOutcomeInStatus Defect = "notify-outcome-in-payment-status"
	DefectNotifyNoCreateTime    Defect = "notify-without-payment-create-time"
	DefectNotifyNoPartnerID     Defect = "notify-without-partner-id"
	// Capture rule.
	DefectSecondCaptureTaken Defect = "second-capture-taken"
)

// dialectCatalog is the catalog's part about dialects, each entry with the preset it shows
// under.
var dialectCatalog = []DefectInfo{
	{DefectPayTitleV1Field, "REQ-GEN-025", "a v2 wallet reads the title from paymentOrderTitle, as v1 does: a pay with order.orderDescription only is refused PARAM_ILLEGAL", "v2"},
	{DefectAppIDNotRequired, "REQ-GEN-020", "a v2 wallet accepts a pay without appId, which v2 requires", "v2"},
	{DefectPartnerIDNotRequired, "REQ-GEN-020", "a v1-alipay wallet never checks partnerId: a pay without it is accepted", "v1-alipay"},
	{DefectPartnerIDRequired, "REQ-GEN-025", "a v1-tng wallet built from the Alipay v1 pages requires partnerId in pay, which Touch 'n Go's merchants do not send: every pay is refused PARAM_ILLEGAL", "v1-tng"},
	{DefectRefundApplyNotServed, "REQ-REF-004", "a v1-alipay wallet serves the refund API as /v1/payments/refund, the v2 name, not refundApply", "v1-alipay"},
	{DefectNotifyOutcomeInStatus, "REQ-WAL-001", "a v2 wallet reports a notification's outcome in paymentStatus, the v1 shape, instead of paymentResult", "v2"},
	{DefectNotifyNoCreateTime, "REQ-WAL-001", "a v2 wallet leaves paymentCreateTime, which v2 requires, out of its notifications", "v2"},
	{DefectNotifyNoPartnerID, "REQ-WAL-001", "a v1-alipay wallet leaves partnerId, which v1-alipay requires, out of its notifications", "v1-alipay"},
	{DefectSecondCaptureTaken, "REQ-PRE-005", "a v1-qi wallet takes a second capture of an authorization, where Qi takes exactly one", "v1-qi"},
}

// readerDialect is the dialect the request reader reads an API's request in (pay,
// inquiryPayment, refund): the wallet's, unless a defect forgets one of its rules.
func (s *Server) readerDialect(api dialect.API) dialect.Dialect {
	d := s.dialect
	if s.defects.on(DefectPayTitleV1Field) {
		d.OrderTitle = dialect.TitlePaymentOrderTitle
	}
	if s.defects.on(DefectAppIDNotRequired) {
		d.AppID = dialect.Optional
	}
	if s.defects.on(DefectPartnerIDNotRequired) && d.PartnerID == dialect.Required {
		d.PartnerID = dialect.Optional
	}
	if s.defects.on(DefectPartnerIDRequired) && api == dialect.Pay {
		d.PartnerID = dialect.Required
	}
	return d
}

// routeDialect is the dialect the wallet's routes are built from: the wallet's, unless a
// defect serves the refund API under the other dialect's name.
func (s *Server) routeDialect() dialect.Dialect {
	d := s.dialect
	if s.defects.on(DefectRefundApplyNotServed) {
		d.RefundAPI = dialect.RefundAPIRefund
	}
	return d
}

// notifyDialect is the dialect notifications are written in: the wallet's, unless a defect
// writes the outcome in the other shape or leaves out a field the dialect requires.
func (s *Server) notifyDialect() dialect.Dialect {
	d := s.dialect
	if s.defects.on(DefectNotifyOutcomeInStatus) {
		d.NotifyOutcome = dialect.OutcomePaymentStatus
	}
	if s.defects.on(DefectNotifyNoCreateTime) {
		d.PaymentCreateTime = dialect.Optional
	}
	if s.defects.on(DefectNotifyNoPartnerID) {
		d.PartnerID = dialect.Absent
	}
	return d
}

// oneCapture reports whether an authorization takes one capture only: as the dialect says,
// unless a defect takes a second one all the same.
func (s *Server) oneCapture() bool {
	return s.dialect.Captures == dialect.One && !s.defects.on(DefectSecondCaptureTaken)
}
