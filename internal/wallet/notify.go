package wallet

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	neturl "net/url"
	"time"

	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/signing"
)

// notifyJob is one notification to deliver, with the body fixed when the payment settled:
// every retry sends the same content.
type notifyJob struct {
	paymentID string
	requestID string
	clientID  string
	url       string
	status    string
	body      string // as the store keeps it, saved at each attempt
	owed      bool   // false: a defective wallet keeps it to itself
}

// jobLocked builds the notification for the payment's current (final) status.
func (s *Server) jobLocked(p *payment) *notifyJob {
	n := openapi.NotifyPaymentRequest{
		PaymentID:         p.ID,
		PaymentRequestID:  p.RequestID,
		PaymentAmount:     openapi.WireAmount(p.Amount),
		PaymentStatus:     p.Status,
		PaymentCreateTime: formatTime(p.CreatedAt),
		PaymentFailReason: p.FailReason,
	}
	if p.Status == openapi.PaymentSuccess || p.Status == openapi.PaymentAuthSuccess {
		n.PaymentTime = formatTime(p.PaidAt)
	}
	s.buildNotification(&n, p)
	owed := s.notificationOwed(p)
	if owed {
		// A notification the wallet does not owe (its dialect or a variant leaves it out) is
		// not awaited: the payment view does not report it pending.
		p.notifyDue = true
	}
	body, err := s.notificationBody(n, p)
	if err != nil {
		// A status the dialect cannot say (AUTH_SUCCESS in paymentResult) is never owed, and
		// the test control refuses to script it; written in the kit's shape, it would only
		// show up as a refusal at the merchant.
		if owed {
			s.log.Error("wallet: notification", "paymentId", p.ID, "err", err)
		}
		body, _ = json.Marshal(n) // plain structs always marshal
	}
	return &notifyJob{paymentID: p.ID, requestID: p.RequestID, clientID: p.ClientID, url: p.NotifyURL, status: p.Status, body: string(body), owed: owed}
}

// notify starts delivering job in the background: the first attempt now, then one after each
// delay of the profile's retry schedule until the merchant answers S or the schedule ends.
func (s *Server) notify(job *notifyJob) {
	if job == nil || !job.owed {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chains[job.paymentID]++
	s.schedule(job, 1, 0)
}

// schedule arms one delivery attempt and notes it in the store, so that a wallet restarted on
// its data file makes it at the same business time. It is called with s.mu held (lock order:
// the server's lock, then the clock's).
func (s *Server) schedule(job *notifyJob, attempt int, delay time.Duration) {
	if err := s.store.savePending(pendingDelivery{Job: *job, Attempt: attempt, Due: s.clock.Now().Add(delay)}); err != nil {
		_ = s.storageError(err) // logged; the attempt is still made by this process
	}
	s.clock.AfterFunc(delay, func() {
		if s.holdIfScripted(job, attempt) {
			return
		}
		if !s.beginDelivery() {
			s.mu.Lock()
			s.endChainLocked(job.paymentID)
			s.mu.Unlock()
			return
		}
		defer s.endDelivery()
		a := s.deliverCapped(context.Background(), job, attempt)
		// Arm the retry before the attempt becomes visible, under the same lock: whoever
		// sees attempt n can move the clock and be sure attempt n+1 is waiting for it.
		s.mu.Lock()
		defer s.mu.Unlock()
		s.afterAttemptLocked(job, attempt, a, true)
	})
}

// afterAttemptLocked arms the next attempt of the schedule when the merchant did not answer S
// (and retry is on), or drops the pending delivery when none follows; then records the
// attempt on the payment.
func (s *Server) afterAttemptLocked(job *notifyJob, attempt int, a Attempt, retry bool) {
	if retry {
		if delay, ok := s.nextAttempt(attempt, a.Outcome); ok {
			s.schedule(job, attempt+1, delay)
		} else {
			if err := s.store.deletePending(job.paymentID); err != nil {
				_ = s.storageError(err)
			}
			s.endChainLocked(job.paymentID)
		}
	}
	if p := s.paymentLocked(job.paymentID); p != nil {
		s.recordLocked(p, a)
	}
}

// endChainLocked notes that a notification of the payment has no attempt left to make.
func (s *Server) endChainLocked(paymentID string) {
	if s.chains[paymentID] <= 1 {
		delete(s.chains, paymentID)
		return
	}
	s.chains[paymentID]--
}

// deliveryPendingLocked reports whether the wallet may still send a notification of the
// payment it has not sent yet: one is being delivered or waits for its next attempt (held
// ones included), or the payment has one due whose first delivery has not been recorded.
func (s *Server) deliveryPendingLocked(p *payment) bool {
	return s.chains[p.ID] > 0 || p.awaitingFirstDelivery()
}

// beginDelivery counts a delivery in flight so Close can wait for it; it refuses once the
// server is closing. Scheduled retries are not counted: Close does not wait for back-off.
func (s *Server) beginDelivery() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.notifyWG.Add(1)
	return true
}

// endDelivery undoes beginDelivery.
func (s *Server) endDelivery() { s.notifyWG.Done() }

// awaitingFirstDeliveryLocked counts the payments that have a notification due whose first
// delivery has not been recorded yet (holds aside).
func (s *Server) awaitingFirstDeliveryLocked() int {
	due, err := s.store.awaitingFirstDelivery()
	if err != nil {
		_ = s.storageError(err)
	}
	n := 0
	for _, p := range due {
		if !s.holds["id:"+p.ID] && !s.holds["req:"+p.RequestID] {
			n++
		}
	}
	return n
}

// recordLocked appends a delivery attempt and wakes whoever waits for deliveries.
func (s *Server) recordLocked(p *payment, a Attempt) {
	p.notifications = append(p.notifications, a)
	_ = s.savePaymentLocked(p) // logged: the attempt was made either way
	close(s.recorded)
	s.recorded = make(chan struct{})
}

// WaitFirstDeliveries returns once the wallet has made the first delivery of every
// notification it owes, or when ctx ends. Load tests call it before they move the clock:
// from then on every retry is a timer that Advance runs.
func (s *Server) WaitFirstDeliveries(ctx context.Context) error {
	for {
		s.mu.Lock()
		n, ch := s.awaitingFirstDeliveryLocked(), s.recorded
		s.mu.Unlock()
		if n == 0 {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("wallet: %d notifications still await their first delivery: %w", n, ctx.Err())
		}
	}
}

// Notifier sends one notifyPayment and classifies the merchant's answer. The wallet mock
// delivers every notification through it; pact consumer tests drive it directly.
type Notifier struct {
	PrivateKey  *rsa.PrivateKey // the wallet's key: notifications are signed by the wallet
	Client      *http.Client
	Timeout     time.Duration
	AllowRemote bool // send to non-loopback hosts
	Style       signing.Style
	// Signatures signs through a memo (nil: signs every notification afresh).
	Signatures *signing.Memo
	// AnswerKeys, when set, check the signature of the merchant's answer (a SHOULD of
	// PROTOCOL.md); the result goes into Attempt.AnswerSignature and never decides the outcome.
	AnswerKeys []*rsa.PublicKey
}

func (s *Server) deliver(ctx context.Context, job *notifyJob, attempt int) Attempt {
	n := Notifier{PrivateKey: s.cfg.PrivateKey, Client: s.client, Timeout: s.cfg.NotifyTimeout, AllowRemote: s.cfg.AllowRemoteNotify, Style: s.cfg.SignatureStyle, Signatures: s.cfg.Signatures}
	if m, ok := s.merchant(job.clientID); ok {
		n.AnswerKeys = []*rsa.PublicKey{m.PublicKey}
		if m.KitKey != nil {
			n.AnswerKeys = append(n.AnswerKeys, m.KitKey)
		}
	}
	a := n.Deliver(ctx, job.url, job.clientID, []byte(job.body))
	a.Attempt, a.At, a.PaymentStatus = attempt, s.clock.Now(), job.status
	s.log.Info("wallet notify", "paymentId", job.paymentID, "paymentStatus", job.status, "attempt", attempt,
		"url", job.url, "outcome", a.Outcome, "resultCode", a.ResultCode, "answerSignature", a.AnswerSignature,
		"detail", a.Detail)
	return a
}

// Deliver makes one signed POST of a notification body to url, under clientID (the client
// id the payment was created under), and classifies the answer: the merchant's resultStatus,
// or HTTP_<code>, TIMEOUT, GARBAGE, UNREACHABLE.
func (n Notifier) Deliver(ctx context.Context, url string, clientID string, body []byte) Attempt {
	var a Attempt
	if url == "" {
		a.Outcome, a.Detail = "UNREACHABLE", "no paymentNotifyUrl and no registered notify URL"
		return a
	}
	u, err := neturl.Parse(url)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https"):
		a.Outcome, a.Detail = "UNREACHABLE", fmt.Sprintf("notify URL %q is not an http(s) URL", url)
		return a
	case !n.AllowRemote && !isLoopback(u.Hostname()):
		a.Outcome, a.Detail = "UNREACHABLE", fmt.Sprintf("notify URL host %q is not a loopback address (remote notification is off)", u.Hostname())
		return a
	}
	if n.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, n.Timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		a.Outcome, a.Detail = "UNREACHABLE", err.Error()
		return a
	}
	if err := n.Signatures.SignRequest(n.Style, req, body, clientID, n.PrivateKey, time.Now()); err != nil {
		a.Outcome, a.Detail = "UNREACHABLE", err.Error()
		return a
	}
	client := n.Client
	if client == nil {
		client = &http.Client{Transport: NotifyTransport(n.AllowRemote)}
	}
	resp, err := withoutRedirects(client).Do(req)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			a.Outcome, a.Detail = "TIMEOUT", err.Error()
		} else {
			a.Outcome, a.Detail = "UNREACHABLE", err.Error()
		}
		return a
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, openapi.MaxBodyBytes))
	if err != nil {
		a.Outcome, a.Detail = "TIMEOUT", err.Error()
		return a
	}
	a.Signed = resp.Header.Get(signing.HeaderSignature) != ""
	a.AnswerSignature = n.checkAnswer(req, resp.Header, answer)
	if resp.StatusCode != http.StatusOK {
		a.Outcome, a.Detail = fmt.Sprintf("HTTP_%d", resp.StatusCode), clip(string(answer))
		if loc := resp.Header.Get("Location"); loc != "" {
			a.Detail = clip("redirect to " + loc + " not followed: the notification goes to the notify URL only")
		}
		return a
	}
	var parsed openapi.NotifyPaymentResponse
	if err := json.Unmarshal(answer, &parsed); err != nil || parsed.Result.ResultStatus == "" {
		a.Outcome, a.Detail = "GARBAGE", clip(string(answer))
		return a
	}
	a.Outcome = string(parsed.Result.ResultStatus)
	a.ResultCode = string(parsed.Result.ResultCode)
	a.Detail = parsed.Result.ResultMessage
	return a
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}

// checkAnswer reports the signature check of a merchant's answer: "absent", "ok", "invalid:
// ..." or "" when the notifier has no key to check with.
func (n Notifier) checkAnswer(req *http.Request, h http.Header, body []byte) string {
	sig := h.Get(signing.HeaderSignature)
	switch {
	case len(n.AnswerKeys) == 0:
		return ""
	case sig == "":
		return "absent"
	}
	msg := signing.ResponseMessage(req.Method, signing.PathOf(req), h, body)
	var err error
	for _, k := range n.AnswerKeys {
		if err = n.Signatures.Verify(k, msg, sig); err == nil {
			return "ok"
		}
	}
	return "invalid: " + err.Error()
}
