package wallet

import (
	"fmt"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

func TestZZMemAdvance(t *testing.T) {
	s, err := NewServer(Config{PrivateKey: fixtures.PrivateKey(fixtures.WalletPrivateKey)})
	if err != nil {
		t.Fatal(err)
	}
	now := s.clock.Now()
	for i := range 20000 {
		p := &payment{ID: fmt.Sprintf("P%06d", i), ClientID: fixtures.ClientID, RequestID: fmt.Sprintf("R%06d", i), Kind: General,
			Amount: money.Amount{Currency: "USD", Value: 1000}, Status: openapi.PaymentProcessing, CreatedAt: now, Deadline: now.Add(15 * time.Minute)}
		s.store.savePayment(p)
	}
	s.resume()
	s.Start("127.0.0.1:0")
	defer s.Close()
	var ru syscall.Rusage
	syscall.Getrusage(0, &ru)
	c0 := ru.Utime.Nano() + ru.Stime.Nano()
	start := time.Now()
	resp, err := http.Post(s.URL()+"/conformance/clock", "application/json", strings.NewReader(`{"advance":"20m"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	syscall.Getrusage(0, &ru)
	t.Logf("memory: %s wall, %s cpu", time.Since(start), time.Duration(ru.Utime.Nano()+ru.Stime.Nano()-c0))
}
