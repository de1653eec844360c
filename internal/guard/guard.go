// Package guard hardens the kit's HTTP servers, the wallet mock and the reference merchant,
// for days of use on a developer's machine, where a careless or hostile client shares the
// loopback interface: every connection has read, write and idle deadlines, request bodies
// are capped, idle keep-alive connections are dropped first when too many are open, and the
// unsigned test-control hooks under /conformance/ take JSON only, from programs or pages of
// the same origin, never from a web page on another origin.
package guard

import (
	"cmp"
	"encoding/json"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Limits bound what one client can hold of a server.
type Limits struct {
	// ReadHeaderTimeout bounds reading a request's headers.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included: a client that trickles its
	// body is cut off.
	ReadTimeout time.Duration
	// WriteTimeout bounds a request from the end of its headers to the end of its answer. It
	// is long: a clock move or a scripted notification waits for deliveries to merchants.
	WriteTimeout time.Duration
	// IdleTimeout closes a keep-alive connection that sends no new request.
	IdleTimeout time.Duration
	// MaxHeaderBytes caps request headers.
	MaxHeaderBytes int
	// MaxBodyBytes caps every request body; handlers may cap lower.
	MaxBodyBytes int64
	// MaxConns is how many connections may be open before the server closes idle keep-alive
	// connections, oldest first, to make room. Busy connections are never cut for it.
	MaxConns int
}

// DefaultLimits are the limits of the kit's servers.
func DefaultLimits() Limits {
	return Limits{
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       30 * time.Second,
		MaxHeaderBytes:    64 << 10,
		MaxBodyBytes:      64 << 10,
		MaxConns:          256,
	}
}

// withDefaults fills the zero fields of l from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	return Limits{
		ReadHeaderTimeout: cmp.Or(l.ReadHeaderTimeout, d.ReadHeaderTimeout),
		ReadTimeout:       cmp.Or(l.ReadTimeout, d.ReadTimeout),
		WriteTimeout:      cmp.Or(l.WriteTimeout, d.WriteTimeout),
		IdleTimeout:       cmp.Or(l.IdleTimeout, d.IdleTimeout),
		MaxHeaderBytes:    cmp.Or(l.MaxHeaderBytes, d.MaxHeaderBytes),
		MaxBodyBytes:      cmp.Or(l.MaxBodyBytes, d.MaxBodyBytes),
		MaxConns:          cmp.Or(l.MaxConns, d.MaxConns),
	}
}

// NewServer returns an http.Server for h with the limits applied: deadlines, header and body
// caps, and the connection cap. Zero fields of l take DefaultLimits.
func NewServer(h http.Handler, l Limits) *http.Server {
	l = l.withDefaults()
	conns := &connTracker{max: l.MaxConns, state: map[net.Conn]http.ConnState{}}
	return &http.Server{
		Handler:           BodyCap(l.MaxBodyBytes, h),
		ReadHeaderTimeout: l.ReadHeaderTimeout,
		ReadTimeout:       l.ReadTimeout,
		WriteTimeout:      l.WriteTimeout,
		IdleTimeout:       l.IdleTimeout,
		MaxHeaderBytes:    l.MaxHeaderBytes,
		ConnState:         conns.track,
	}
}

// BodyCap limits every request body to max bytes: a handler reading more gets an error, and
// the connection is closed after the answer.
func BodyCap(max int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, max)
		next.ServeHTTP(w, r)
	})
}

// connTracker closes the oldest idle connection when a new one would exceed the cap: a
// thousand idle keep-alive connections must not use up the process's file descriptors and
// stop it from accepting.
type connTracker struct {
	max   int
	mu    sync.Mutex
	state map[net.Conn]http.ConnState
	idle  []net.Conn // oldest first
}

func (t *connTracker) track(c net.Conn, s http.ConnState) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.dropIdle(c)
	switch s {
	case http.StateClosed, http.StateHijacked:
		delete(t.state, c)
		return
	case http.StateIdle:
		t.idle = append(t.idle, c)
	}
	t.state[c] = s
	if s == http.StateNew {
		for len(t.state) > t.max && len(t.idle) > 0 {
			oldest := t.idle[0]
			t.idle = t.idle[1:]
			delete(t.state, oldest)
			_ = oldest.Close()
		}
	}
}

func (t *connTracker) dropIdle(c net.Conn) {
	for i, x := range t.idle {
		if x == c {
			t.idle = append(t.idle[:i], t.idle[i+1:]...)
			return
		}
	}
}

// ControlPrefix is where the kit's unsigned test hooks live.
const ControlPrefix = "/conformance/"

// Control guards the test hooks under /conformance/: a request from a browser on another
// origin is refused (403), and a request with a body must say application/json (415), which
// no HTML form can send and no page on another origin can send without a CORS preflight that
// the kit's servers never grant. Other paths pass through untouched.
func Control(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, ControlPrefix) {
			next.ServeHTTP(w, r)
			return
		}
		if err := SameOrigin(r); err != nil {
			refuse(w, http.StatusForbidden, err.Error())
			return
		}
		if err := jsonBody(r); err != nil {
			refuse(w, http.StatusUnsupportedMediaType, err.Error())
			return
		}
		next.ServeHTTP(w, r)
	})
}

// SameOrigin refuses a request a browser sent on behalf of a page of another origin. Browsers
// say so in Sec-Fetch-Site (anything but same-origin, or none for what the user typed) and in
// Origin; a program such as the kit's runner sends neither and passes.
func SameOrigin(r *http.Request) error {
	switch site := r.Header.Get("Sec-Fetch-Site"); site {
	case "same-origin", "none":
		// The browser's own verdict; Origin is checked only for browsers that send no
		// Sec-Fetch-Site, since a proxy or tunnel in front (--advertise-url) may change Host.
		return nil
	case "":
	default:
		return fmt.Errorf("cross-origin browser request refused (Sec-Fetch-Site: %s): the test hooks take requests from programs or from this server's own pages only", site)
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return nil
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || !strings.EqualFold(u.Host, r.Host) {
		return fmt.Errorf("cross-origin browser request refused (Origin %q is not %s): the test hooks take requests from programs or from this server's own pages only", origin, r.Host)
	}
	return nil
}

// jsonBody refuses a request with a body that is not declared application/json. A request
// without a body (a GET, an empty POST) needs no Content-Type.
func jsonBody(r *http.Request) error {
	if r.ContentLength == 0 {
		return nil
	}
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return fmt.Errorf("Content-Type %q refused: the test hooks take application/json only", ct)
	}
	return nil
}

func refuse(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
