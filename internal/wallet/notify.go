package wallet

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/signing"
)

// notifyJob is one notification to deliver, with the body fixed when the payment settled:
// every retry sends the same content.
type notifyJob struct {
	paymentID string
	clientID  string
	url       string
	status    string
	body      []byte
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
	body, _ := json.Marshal(n) // plain structs always marshal
	return &notifyJob{paymentID: p.ID, clientID: p.ClientID, url: p.NotifyURL, status: p.Status, body: body}
}

// notify starts delivering job in the background: the first attempt now, then one after each
// delay of the profile's retry schedule until the merchant answers S or the schedule ends.
func (s *Server) notify(job *notifyJob) {
	if job == nil {
		return
	}
	s.schedule(job, 1, 0)
}

// schedule arms one delivery attempt. It may be called with s.mu held (lock order: the
// server's lock, then the clock's).
func (s *Server) schedule(job *notifyJob, attempt int, delay time.Duration) {
	s.clock.AfterFunc(delay, func() {
		if !s.beginDelivery() {
			return
		}
		defer s.notifyWG.Done()
		a := s.deliver(job, attempt)
		// Arm the retry before the attempt becomes visible, under the same lock: whoever
		// sees attempt n can move the clock and be sure attempt n+1 is waiting for it.
		s.mu.Lock()
		defer s.mu.Unlock()
		sched := s.cfg.Profile.NotifyRetrySchedule
		if a.Outcome != string(openapi.StatusSuccess) && attempt < len(sched) {
			s.schedule(job, attempt+1, sched[attempt])
		}
		if p, ok := s.payments[job.paymentID]; ok {
			p.notifications = append(p.notifications, a)
		}
	})
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

// deliver makes one signed POST of the notification and classifies the merchant's answer.
func (s *Server) deliver(job *notifyJob, attempt int) Attempt {
	a := Attempt{Attempt: attempt, At: s.clock.Now(), PaymentStatus: job.status}
	if job.url == "" {
		a.Outcome, a.Detail = "UNREACHABLE", "no paymentNotifyUrl and no registered notify URL"
		return a
	}
	u, err := url.Parse(job.url)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		a.Outcome, a.Detail = "UNREACHABLE", fmt.Sprintf("notify URL %q is not an http(s) URL", job.url)
		return a
	}
	if !s.cfg.AllowRemoteNotify && !isLoopback(u.Hostname()) {
		a.Outcome, a.Detail = "UNREACHABLE", fmt.Sprintf("notify URL host %q is not a loopback address (AllowRemoteNotify is off)", u.Hostname())
		return a
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.NotifyTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, job.url, bytes.NewReader(job.body))
	if err != nil {
		a.Outcome, a.Detail = "UNREACHABLE", err.Error()
		return a
	}
	if err := (signing.Style{}).SignRequest(req, job.body, job.clientID, s.cfg.PrivateKey, time.Now()); err != nil {
		a.Outcome, a.Detail = "UNREACHABLE", err.Error()
		return a
	}
	resp, err := s.client.Do(req)
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
	body, err := io.ReadAll(io.LimitReader(resp.Body, openapi.MaxBodyBytes))
	if err != nil {
		a.Outcome, a.Detail = "TIMEOUT", err.Error()
		return a
	}
	a.Signed = resp.Header.Get(signing.HeaderSignature) != ""
	if resp.StatusCode != http.StatusOK {
		a.Outcome, a.Detail = fmt.Sprintf("HTTP_%d", resp.StatusCode), clip(string(body))
		return a
	}
	var answer openapi.NotifyPaymentResponse
	if err := json.Unmarshal(body, &answer); err != nil || answer.Result.ResultStatus == "" {
		a.Outcome, a.Detail = "GARBAGE", clip(string(body))
		return a
	}
	a.Outcome = string(answer.Result.ResultStatus)
	a.ResultCode = string(answer.Result.ResultCode)
	a.Detail = answer.Result.ResultMessage
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
