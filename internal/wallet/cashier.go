package wallet

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"time"

	"github.com/tradepaykit/tradepaykit/internal/guard"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// The cashier page behind a paymentUrl (PROTOCOL.md, seed 003 steps 2-4): what a payer sees
// in the wallet app, with the three choices a person has. It is plain HTML with a form, so it
// works in any browser without JavaScript; the buttons do exactly what the test control's
// CONFIRM, CANCEL and DECLINE do. After a choice the browser is sent back to the page
// (POST, then 303 to GET), so reloading it never pays twice.

// maxCashierForm bounds the cashier form's body: one action field.
const maxCashierForm = 1 << 10

// cashierActions are the payer's choices on the page.
var cashierActions = map[string]bool{ActionConfirm: true, ActionCancel: true, ActionDecline: true}

// cashierView is what the page template shows.
type cashierView struct {
	PaymentID  string
	Payee      string
	Title      string
	Amount     string // decimal, in major units
	Currency   string
	PreAuth    bool
	Deadline   string
	Open       bool // the payer can still act
	Heading    string
	Notice     string
	Tone       string // "ok", "warn", "fail" or "" for the notice's colour
	ResultCode string // what my.tradePay returned for the last choice on this page
}

// cashierView builds the page for a payment as it stands; result is the tradePay code of the
// choice the payer just made, if any.
func (s *Server) cashierViewLocked(p *payment, now time.Time, result string) cashierView {
	v := cashierView{
		PaymentID: p.ID, Payee: s.payeeLocked(p.ClientID), Title: p.Title,
		Amount: p.Amount.Decimal(), Currency: p.Amount.Currency, PreAuth: p.Kind == PreAuth,
		Deadline: p.Deadline.UTC().Format("2 Jan 2006 15:04 MST"), Open: p.waitingForPayer(now),
	}
	if _, ok := tradePayResultCodes[result]; ok {
		v.ResultCode = result
	}
	switch {
	case v.Open && result == resultCodes[ActionCancel]:
		v.Heading, v.Tone = "You left without paying", "warn"
		v.Notice = "Nothing was charged. The order stays open: you can still pay until " + v.Deadline + "."
	case v.Open:
		v.Heading = "Confirm your payment"
	case p.Status == openapi.PaymentAuthSuccess:
		v.Heading, v.Tone = "Authorized", "ok"
		v.Notice = v.Amount + " " + v.Currency + " is frozen on your balance. The merchant charges what you use and releases the rest."
	case p.Status == openapi.PaymentSuccess && p.Kind == PreAuth:
		v.Heading, v.Tone = "Charged", "ok"
		v.Notice = "The merchant has captured " + p.Captured.Decimal() + " " + v.Currency + " of this authorization."
	case p.Status == openapi.PaymentSuccess:
		v.Heading, v.Tone = "Paid", "ok"
		v.Notice = "You paid " + v.Amount + " " + v.Currency + ". The wallet notifies the merchant."
	case p.Status == openapi.PaymentCancelled:
		v.Heading, v.Tone = "Cancelled", "fail"
		v.Notice = "The merchant cancelled this order. Nothing was charged."
	default:
		v.Heading, v.Tone = "Payment failed", "fail"
		v.Notice = p.FailReason + ". Nothing was charged."
	}
	return v
}

// tradePayResultCodes are the codes the page explains.
var tradePayResultCodes = map[string]bool{"9000": true, "8000": true, "4000": true, "6001": true, "6002": true, "6004": true}

// payeeLocked is the name the page shows for a merchant.
func (s *Server) payeeLocked(clientID string) string {
	if m, ok := s.merchants[clientID]; ok && m.Name != "" {
		return m.Name
	}
	return "Merchant " + clientID
}

// handleCashierPage shows the page: GET /cashier/{paymentId}[?result=CODE].
func (s *Server) handleCashierPage(w http.ResponseWriter, r *http.Request) {
	now := s.clock.Now()
	s.mu.Lock()
	p := s.paymentLocked(r.PathValue("paymentId"))
	ok := p != nil
	var v cashierView
	var job *notifyJob
	if ok {
		// A payment whose deadline passed closes now, as tradePay would find it.
		if job = s.settleDueLocked(p, now); job != nil {
			_ = s.savePaymentLocked(p) // logged; settling again later gives the same
		}
		v = s.cashierViewLocked(p, now, r.URL.Query().Get("result"))
	}
	s.mu.Unlock()
	s.notify(job)
	if !ok {
		cashierError(w, http.StatusNotFound, "No such payment", "This payment link is not known to the wallet. Ask the merchant for a new one.")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = cashierPage.Execute(w, v)
}

// handleCashierAction is the page's form: POST /cashier/{paymentId} with action CONFIRM,
// CANCEL or DECLINE. It answers 303 to the page, which shows the outcome.
func (s *Server) handleCashierAction(w http.ResponseWriter, r *http.Request) {
	if err := guard.SameOrigin(r); err != nil {
		// Only the page itself may pay: a page of another site must not submit the form.
		cashierError(w, http.StatusForbidden, "Refused", err.Error())
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxCashierForm)
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			cashierError(w, http.StatusRequestEntityTooLarge, "Form too large", "The cashier form takes one field, action.")
			return
		}
		cashierError(w, http.StatusBadRequest, "Malformed form", err.Error())
		return
	}
	action := r.PostForm.Get("action")
	if !cashierActions[action] {
		cashierError(w, http.StatusBadRequest, "Unknown choice", "action must be CONFIRM, CANCEL or DECLINE.")
		return
	}
	id := r.PathValue("paymentId")
	s.mu.Lock()
	known := s.paymentLocked(id) != nil
	s.mu.Unlock()
	if !known {
		cashierError(w, http.StatusNotFound, "No such payment", "This payment link is not known to the wallet. Ask the merchant for a new one.")
		return
	}
	code, _ := s.tradePay(tradePayRequest{TradeNO: id, Action: action, Payer: "cashier-page"})
	http.Redirect(w, r, "/cashier/"+url.PathEscape(id)+"?result="+code, http.StatusSeeOther)
}

func cashierError(w http.ResponseWriter, status int, heading, text string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = cashierErrorPage.Execute(w, struct{ Heading, Text string }{heading, text})
}

const cashierStyle = `<style>
:root{--brand:#1677ff;--ink:#1f2329;--muted:#646a73;--line:#e5e6eb}
*{box-sizing:border-box}
body{margin:0;background:#f2f3f5;color:var(--ink);font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
header{background:var(--brand);color:#fff;padding:14px 20px;font-weight:600;letter-spacing:.2px}
header small{font-weight:400;opacity:.85;margin-left:.5em}
main{max-width:420px;margin:24px auto;padding:0 16px}
.card{background:#fff;border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:24px}
.payee{color:var(--muted);font-size:14px;margin:0}
.payee b{color:var(--ink)}
.title{font-size:17px;margin:6px 0 18px}
.amount{font-size:40px;font-weight:700;margin:0;letter-spacing:-.5px}
.amount .cur{font-size:18px;font-weight:600;color:var(--muted);margin-left:6px}
.kind{display:inline-block;margin-top:6px;font-size:13px;color:var(--muted)}
dl{display:grid;grid-template-columns:auto 1fr;gap:6px 14px;margin:20px 0 0;padding-top:16px;border-top:1px solid var(--line);font-size:14px}
dt{color:var(--muted)}dd{margin:0;text-align:right;word-break:break-all}
h1{font-size:20px;margin:0 0 6px}
.notice{border-radius:8px;padding:12px 14px;margin:18px 0 0;font-size:15px;background:#f7f8fa}
.notice.ok{background:#e8f7ee;color:#126b34}.notice.warn{background:#fff6e5;color:#8a5a00}.notice.fail{background:#fdecee;color:#a1262f}
form{margin-top:22px;display:grid;gap:10px}
button{font:inherit;border-radius:10px;padding:13px;border:1px solid var(--line);background:#fff;cursor:pointer}
button.pay{background:var(--brand);border-color:var(--brand);color:#fff;font-weight:600;font-size:17px}
button.decline{color:#a1262f}
.code{font-size:13px;color:var(--muted);margin-top:14px}
footer{text-align:center;color:var(--muted);font-size:12px;margin:18px 0}
</style>`

var cashierPage = template.Must(template.New("cashier").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pay {{.Amount}} {{.Currency}} · {{.Payee}}</title>
` + cashierStyle + `</head>
<body>
<header>Wallet cashier<small>sandbox</small></header>
<main>
<section class="card">
<h1 id="heading">{{.Heading}}</h1>
<p class="payee">Pay to <b id="payee">{{.Payee}}</b></p>
<p class="title" id="title">{{.Title}}</p>
<p class="amount" id="amount">{{.Amount}}<span class="cur">{{.Currency}}</span></p>
{{if .PreAuth}}<span class="kind">Pre-authorization: the amount is frozen, not charged, until the merchant captures it.</span>{{end}}
{{if .Notice}}<p class="notice {{.Tone}}" id="notice">{{.Notice}}</p>{{end}}
{{if .Open}}<form method="post" action="/cashier/{{.PaymentID}}">
<button class="pay" id="pay" name="action" value="CONFIRM">{{if .PreAuth}}Authorize{{else}}Pay{{end}} {{.Amount}} {{.Currency}}</button>
<button class="cancel" id="cancel" name="action" value="CANCEL">Cancel</button>
<button class="decline" id="decline" name="action" value="DECLINE">Decline (balance too low)</button>
</form>{{end}}
<dl>
<dt>Payment</dt><dd id="paymentId">{{.PaymentID}}</dd>
{{if .Open}}<dt>Pay before</dt><dd>{{.Deadline}}</dd>{{end}}
</dl>
{{if .ResultCode}}<p class="code" id="resultCode">my.tradePay returned {{.ResultCode}} to the mini program.</p>{{end}}
</section>
<footer>tradepaykit wallet mock · a test cashier: no real money moves</footer>
</main>
</body></html>`))

var cashierErrorPage = template.Must(template.New("cashier-error").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Heading}}</title>
` + cashierStyle + `</head>
<body>
<header>Wallet cashier<small>sandbox</small></header>
<main><section class="card"><h1>{{.Heading}}</h1><p class="notice fail">{{.Text}}</p></section></main>
</body></html>`))
