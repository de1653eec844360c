package wallet

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"
)

// The notifier's guards. The wallet mock sends nothing off the machine unless told to
// (Config.AllowRemoteNotify), and the rule holds where it matters: at the moment of connect,
// on the address actually dialled, after name resolution. The notifier follows no redirect:
// a notify URL answering 307 elsewhere would otherwise deliver the signed notification to
// another host, and the wallet would record that host's answer as the merchant's.

// DefaultMaxNotifyInFlight is how many deliveries the wallet makes at once to one notify
// target (scheme, host and port) when Config.MaxNotifyInFlight is zero.
const DefaultMaxNotifyInFlight = 64

// errRemoteDial is what the connect-time guard answers for an address off this machine.
var errRemoteDial = errors.New("not a loopback address (remote notification is off)")

// loopbackOnly is a net.Dialer Control function: it runs after the socket exists and before
// connect, with the resolved address, and refuses any that is not loopback.
func loopbackOnly(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("wallet: notify dial %s: %w", address, err)
	}
	if !ap.Addr().Unmap().IsLoopback() {
		return fmt.Errorf("wallet: notify dial %s: %w", address, errRemoteDial)
	}
	return nil
}

// dialFunc is the shape of net.Dialer.DialContext.
type dialFunc func(ctx context.Context, network, address string) (net.Conn, error)

// lookupFunc is the shape of net.Resolver.LookupNetIP.
type lookupFunc func(ctx context.Context, network, host string) ([]netip.Addr, error)

// loopbackDial resolves the host itself and hands dial only loopback addresses, so a name
// that resolves off the machine (or changes its answer between the URL check and the
// connect) is refused before anything is sent.
func loopbackDial(lookup lookupFunc, dial dialFunc) dialFunc {
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(address)
		if err != nil {
			return nil, fmt.Errorf("wallet: notify dial %s: %w", address, err)
		}
		var addrs []netip.Addr
		if ip, err := netip.ParseAddr(host); err == nil {
			addrs = []netip.Addr{ip}
		} else if addrs, err = lookup(ctx, "ip", host); err != nil {
			return nil, fmt.Errorf("wallet: notify dial %s: %w", address, err)
		}
		err = fmt.Errorf("wallet: notify dial %s: no address", address)
		for _, a := range addrs {
			a = a.Unmap()
			if !a.IsLoopback() {
				err = fmt.Errorf("wallet: notify dial %s (%s): %w", address, a, errRemoteDial)
				continue
			}
			c, dialErr := dial(ctx, network, net.JoinHostPort(a.String(), port))
			if dialErr == nil {
				return c, nil
			}
			err = dialErr
		}
		return nil, err
	}
}

// NotifyDialer returns the dial function notifications go through. With allowRemote false it
// connects to loopback addresses only, whatever a host name resolves to: checked on the
// resolved addresses, and again by the socket's Control hook just before connect.
func NotifyDialer(allowRemote bool) func(ctx context.Context, network, address string) (net.Conn, error) {
	d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	if allowRemote {
		return d.DialContext
	}
	d.Control = loopbackOnly
	return loopbackDial(net.DefaultResolver.LookupNetIP, d.DialContext)
}

// NotifyTransport returns a transport for notifications: NotifyDialer's connect-time rule,
// no proxy (a proxy would connect on the wallet's behalf, past the rule), and as many idle
// connections kept per merchant as deliveries may be in flight to it, so notifications sent
// at once do not each pay for a new TCP connection.
func NotifyTransport(allowRemote bool) *http.Transport {
	return &http.Transport{
		DialContext:         NotifyDialer(allowRemote),
		MaxIdleConns:        64,
		MaxIdleConnsPerHost: DefaultMaxNotifyInFlight,
		IdleConnTimeout:     30 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second,
	}
}

// withoutRedirects returns a copy of c that hands a redirect back as the answer instead of
// following it: the notification goes to the notify URL and nowhere else.
func withoutRedirects(c *http.Client) *http.Client {
	cp := *c
	cp.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cp
}

// notifyTarget is the key of the per-target cap: the URL's scheme and host with port.
func notifyTarget(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Scheme + "://" + u.Host
}

// acquireTarget waits for a delivery slot at the target, or for the server to close. It
// returns the release function, or false when the server closed first.
func (s *Server) acquireTarget(target string) (func(), bool) {
	s.mu.Lock()
	slots, ok := s.inFlight[target]
	if !ok {
		max := s.cfg.MaxNotifyInFlight
		if max <= 0 {
			max = DefaultMaxNotifyInFlight
		}
		slots = make(chan struct{}, max)
		s.inFlight[target] = slots
	}
	s.mu.Unlock()
	select {
	case slots <- struct{}{}:
		return func() { <-slots }, true
	case <-s.closed:
		return nil, false
	}
}

// deliverCapped is deliver under the per-target cap: a merchant that answers slowly gets at
// most MaxNotifyInFlight deliveries at once; the others wait their turn. A job without a
// notify URL sends nothing and takes no slot (a clock move notifies thousands so).
func (s *Server) deliverCapped(ctx context.Context, job *notifyJob, attempt int) Attempt {
	if job.url == "" {
		return s.deliver(ctx, job, attempt)
	}
	release, ok := s.acquireTarget(notifyTarget(job.url))
	if !ok {
		return Attempt{Attempt: attempt, At: s.clock.Now(), PaymentStatus: job.status, Outcome: "UNREACHABLE", Detail: "wallet is closing"}
	}
	defer release()
	return s.deliver(ctx, job, attempt)
}
