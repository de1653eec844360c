package wallet

import (
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Renewable serves a wallet mock that can be swapped for a fresh one (a fresh business clock,
// no payments) behind the same listener. A merchant's server runs on real time: once a
// scenario moved the wallet's clock ahead, the merchant would ask for deadlines the wallet
// sees in the past, so a verify-merchant run and kittest renew the wallet before such
// scenarios and before the pacts.
type Renewable struct {
	config func() Config // the configuration of each fresh wallet

	mu      sync.Mutex
	current *Server
	handler http.Handler
}

// NewRenewable starts the first wallet with config().
func NewRenewable(config func() Config) (*Renewable, error) {
	r := &Renewable{config: config}
	if err := r.Renew(); err != nil {
		return nil, err
	}
	return r, nil
}

// ServeHTTP hands the request to the current wallet.
func (r *Renewable) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	h := r.handler
	r.mu.Unlock()
	h.ServeHTTP(w, req)
}

// Current is the wallet serving now.
func (r *Renewable) Current() *Server {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.current
}

// Renew puts a fresh wallet behind the listener and closes the one it replaces.
func (r *Renewable) Renew() error {
	s, err := NewServer(r.config())
	if err != nil {
		return fmt.Errorf("wallet mock: %w", err)
	}
	r.mu.Lock()
	old := r.current
	r.current, r.handler = s, s.Handler()
	r.mu.Unlock()
	if old != nil {
		return old.Close()
	}
	return nil
}

// RenewIfAhead renews the wallet when its business clock runs a second or more ahead of the
// wall clock: a scenario moved it.
func (r *Renewable) RenewIfAhead() error {
	if v := r.Current().Clock(); v == nil || time.Until(v.Now()) < time.Second {
		return nil
	}
	return r.Renew()
}

// Close closes the current wallet.
func (r *Renewable) Close() error { return r.Current().Close() }
