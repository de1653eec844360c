package wallet

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/signing"
)

// Forged and inconsistent answers (kit extension of POST /conformance/answers, "forge"): the
// wallet does the call as usual, then answers with something a merchant must not trust
// (PROTOCOL.md, "Signing": the merchant verifies the wallet's signature and the Client-Id
// echo; "inquiryPayment": the answer is about the merchant's payment). An inquiryPayment
// answer claims SUCCESS, so that a merchant which trusts it marks an unpaid order paid.
const (
	// ForgeSignature: the body is changed after the wallet signed it (a tampered answer).
	ForgeSignature = "SIGNATURE"
	// ForgeClientID: a correctly signed answer addressed to another client id.
	ForgeClientID = "CLIENT_ID"
	// ForgeAmount, ForgeCurrency, ForgePaymentID: a correctly signed inquiryPayment answer
	// about another amount, currency or payment.
	ForgeAmount    = "AMOUNT"
	ForgeCurrency  = "CURRENCY"
	ForgePaymentID = "PAYMENT_ID"
	// ForgeNoAnswer: the call is done, then the connection is closed without an answer (a
	// wallet the merchant cannot reach, as far as it can tell).
	ForgeNoAnswer = "NO_ANSWER"
)

// forgedClientID is the client id a ForgeClientID answer is addressed to.
const forgedClientID = "2026FORGEDCLIENT0001"

// checkForgery refuses a forge script that makes no sense.
func checkForgery(f answerFault) error {
	if f.ResultCode != "" {
		return fmt.Errorf("a forged answer takes no resultCode (got %q)", f.ResultCode)
	}
	switch f.Forge {
	case ForgeSignature, ForgeClientID, ForgeNoAnswer:
		return nil
	case ForgeAmount, ForgeCurrency, ForgePaymentID:
		if f.API != "inquiryPayment" {
			return fmt.Errorf("forge %s applies to inquiryPayment only, not %s", f.Forge, f.API)
		}
		return nil
	}
	return fmt.Errorf("forge %q is not SIGNATURE, CLIENT_ID, AMOUNT, CURRENCY, PAYMENT_ID or NO_ANSWER", f.Forge)
}

// writeForged does the call, then sends the forged answer the script asks for.
func (s *Server) writeForged(w http.ResponseWriter, r *http.Request, clientID string, body []byte, h apiHandler, f answerFault) {
	var resp any
	out, err := h(clientID, body)
	if err != nil {
		resp = envelope(err)
	} else {
		resp = s.wireAnswer(out)
	}
	if f.Forge == ForgeNoAnswer {
		closeWithoutAnswer(w)
		return
	}
	truthful, err := json.Marshal(resp)
	if err != nil {
		truthful, _ = json.Marshal(envelope(err))
	}
	answer := truthful
	if f.API == "inquiryPayment" {
		answer = claimPaid(truthful, f.Forge)
	}
	signedBody, signedFor := answer, clientID
	switch f.Forge {
	case ForgeSignature:
		// Signed as the wallet would, over the truthful bytes; then changed on the way.
		signedBody = truthful
		if f.API != "inquiryPayment" {
			answer = append([]byte(" "), truthful...)
		}
	case ForgeClientID:
		signedFor = forgedClientID
	}
	if err := s.cfg.Signatures.SignResponseHeaders(s.cfg.SignatureStyle, w.Header(), r.Method, signing.PathOf(r), signedFor, signedBody, s.cfg.PrivateKey, time.Now()); err != nil {
		s.log.Error("wallet: sign forged response", "err", err)
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(answer)
}

// claimPaid rewrites an inquiryPayment answer to claim SUCCESS, and about another amount,
// currency or payment when forge says so. An answer that is not a successful query is left
// as it is but for the claim.
func claimPaid(body []byte, forge string) []byte {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return body
	}
	m["result"] = openapi.SuccessResult()
	m["paymentStatus"] = openapi.PaymentSuccess
	m["paymentTime"] = time.Now().UTC().Format(time.RFC3339)
	delete(m, "paymentFailReason")
	amount, _ := m["paymentAmount"].(map[string]any)
	switch forge {
	case ForgeAmount:
		if a, err := wireOf(amount); err == nil {
			a.Value++
			m["paymentAmount"] = openapi.WireAmount(a)
		}
	case ForgeCurrency:
		if a, err := wireOf(amount); err == nil {
			cur := "EUR"
			if a.Currency == cur {
				cur = "USD"
			}
			m["paymentAmount"] = openapi.Amount{Currency: cur, Value: fmt.Sprint(a.Value)}
		}
	case ForgePaymentID:
		m["paymentId"] = fmt.Sprintf("FORGED%s", m["paymentId"])
	}
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return out
}

func wireOf(m map[string]any) (money.Amount, error) {
	cur, _ := m["currency"].(string)
	val, _ := m["value"].(string)
	return openapi.Amount{Currency: cur, Value: val}.Money("paymentAmount")
}

// closeWithoutAnswer drops the connection of a request without writing an answer.
func closeWithoutAnswer(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	// Not hijackable (HTTP/2): abort the handler, which resets the stream.
	panic(http.ErrAbortHandler)
}
