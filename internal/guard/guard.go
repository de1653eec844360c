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
	"math"
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
	// MaxConns is how many connections may be open before the server closes idle
	// connections, oldest first, to make room: keep-alive connections between requests, then
	// connections that have not sent a request yet. Busy connections are never cut for it.
	MaxConns int
	// MaxOpen bounds the connections open at once: at the bound the server stops accepting,
	// and new connections wait in the kernel's accept queue until one closes, rather than
	// the process running out of file descriptors (then it could accept nothing, not even
	// the connection that would let it evict an idle one). Zero means below the process's
	// open-file limit (RLIMIT_NOFILE), keeping an eighth of it, at least 32, for everything
	// else the process opens: data files, notification sockets, logs.
	MaxOpen int
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
		MaxOpen:           cmp.Or(l.MaxOpen, openBound()),
	}
}

// openBound is how many connections a server may hold open: below the process's open-file
// limit, with room for the rest; no bound where the system has no such limit.
func openBound() int {
	n := fileLimit()
	if n <= 0 {
		return math.MaxInt
	}
	return max(8, n-max(32, n/8))
}

// NewServer returns an http.Server for h with the limits applied: deadlines, header and body
// caps, and the connection cap. Zero fields of l take DefaultLimits.
func NewServer(h http.Handler, l Limits) *http.Server {
	l = l.withDefaults()
	conns := &connTracker{max: min(l.MaxConns, l.MaxOpen), open: l.MaxOpen, state: map[net.Conn]http.ConnState{}}
	conns.closed = sync.NewCond(&conns.mu)
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
// thousand idle keep-alive connections, or connections that never send a request, must not
// use up the process's file descriptors and stop it from accepting. At the hard bound (busy
// connections) it holds up the accept loop: http.Server calls ConnState(StateNew) there,
// before it accepts the next connection.
type connTracker struct {
	max    int // evict idle connections above it
	open   int // accept no more above it
	mu     sync.Mutex
	closed *sync.Cond // signalled when a connection changes state
	state  map[net.Conn]http.ConnState
	idle   []net.Conn // keep-alive, between requests; oldest first
	fresh  []net.Conn // no request yet; oldest first
}

func (t *connTracker) track(c net.Conn, s http.ConnState) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed.Broadcast() // a close, or a connection gone idle, may let a waiting accept go on
	t.idle = drop(t.idle, c)
	t.fresh = drop(t.fresh, c)
	switch s {
	case http.StateClosed, http.StateHijacked:
		delete(t.state, c)
		return
	case http.StateIdle:
		t.idle = append(t.idle, c)
	}
	t.state[c] = s
	if s != http.StateNew {
		return
	}
	for len(t.state) > t.max && t.evictLocked() {
	}
	for len(t.state) > t.open {
		if !t.evictLocked() {
			t.closed.Wait()
		}
	}
	t.fresh = append(t.fresh, c) // after the loops: c itself is never the one evicted
}

// evictLocked closes the oldest idle connection, else the oldest that sent nothing yet; it
// reports false when every connection is busy.
func (t *connTracker) evictLocked() bool {
	var victim net.Conn
	switch {
	case len(t.idle) > 0:
		victim, t.idle = t.idle[0], t.idle[1:]
	case len(t.fresh) > 0:
		victim, t.fresh = t.fresh[0], t.fresh[1:]
	default:
		return false
	}
	delete(t.state, victim)
	_ = victim.Close()
	return true
}

func drop(conns []net.Conn, c net.Conn) []net.Conn {
	for i, x := range conns {
		if x == c {
			return append(conns[:i], conns[i+1:]...)
		}
	}
	return conns
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
