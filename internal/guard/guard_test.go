package guard_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/internal/guard"
)

// serve starts h under guard.NewServer with l on 127.0.0.1:0.
func serve(t *testing.T, h http.Handler, l guard.Limits) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := guard.NewServer(h, l)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

func readAll(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	fmt.Fprintf(w, "read %d", len(b))
}

// closedWithin reports whether the server closed c within d: a read returns EOF or a reset.
func closedWithin(c net.Conn, d time.Duration) bool {
	_ = c.SetReadDeadline(time.Now().Add(d))
	buf := make([]byte, 4096)
	for {
		_, err := c.Read(buf)
		if err == nil {
			continue // an answer (408, 400) before the close
		}
		var ne net.Error
		return !(errors.As(err, &ne) && ne.Timeout())
	}
}

func TestSlowBodyIsCutOffAtTheReadTimeout(t *testing.T) {
	addr := serve(t, http.HandlerFunc(readAll), guard.Limits{ReadTimeout: 300 * time.Millisecond})
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	_, err = io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nx")
	require.NoError(t, err)
	// It trickles one byte now and then; the server must not wait for the rest.
	assert.True(t, closedWithin(c, 5*time.Second), "a slow body holds its connection past the read timeout")
}

func TestIdleKeepAliveIsClosedAtTheIdleTimeout(t *testing.T) {
	addr := serve(t, http.HandlerFunc(readAll), guard.Limits{IdleTimeout: 200 * time.Millisecond})
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	_, err = io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.True(t, closedWithin(c, 5*time.Second), "an idle keep-alive connection stays open")
}

func TestTooManyConnectionsCloseTheOldestIdleOnes(t *testing.T) {
	const limit, opened = 4, 12
	addr := serve(t, http.HandlerFunc(readAll), guard.Limits{MaxConns: limit, IdleTimeout: time.Hour})
	var conns []net.Conn
	for range opened {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		defer c.Close()
		_, err = io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		require.NoError(t, err)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		require.NoError(t, err, "the server still answers")
		resp.Body.Close()
		conns = append(conns, c)
	}
	closed := 0
	for _, c := range conns {
		if closedWithin(c, 200*time.Millisecond) {
			closed++
		}
	}
	assert.GreaterOrEqual(t, closed, opened-limit, "idle connections over the cap are closed")
	assert.True(t, closedWithin(conns[0], time.Millisecond), "the oldest goes first")
	assert.False(t, closedWithin(conns[opened-1], 50*time.Millisecond), "the newest stays")
}

func TestBodiesAreCapped(t *testing.T) {
	addr := serve(t, http.HandlerFunc(readAll), guard.Limits{MaxBodyBytes: 1024})
	resp, err := http.Post("http://"+addr+"/", "application/octet-stream", strings.NewReader(strings.Repeat("x", 1024)))
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, "read 1024", string(body))

	var sent atomic.Int64
	big := io.TeeReader(strings.NewReader(strings.Repeat("x", 10<<20)), counter{&sent})
	resp, err = http.Post("http://"+addr+"/", "application/octet-stream", big)
	if err == nil {
		resp.Body.Close()
		assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	}
	assert.Less(t, sent.Load(), int64(10<<20), "the server stopped reading: the rest of 10 MB was never taken")
}

type counter struct{ n *atomic.Int64 }

func (c counter) Write(p []byte) (int, error) { c.n.Add(int64(len(p))); return len(p), nil }

func TestControlTakesJSONFromTheSameOriginOnly(t *testing.T) {
	var reached atomic.Int32
	h := guard.Control(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { reached.Add(1) }))
	addr := serve(t, h, guard.Limits{})
	base := "http://" + addr
	cases := []struct {
		name         string
		method, path string
		header       map[string]string
		body         string
		want         int
	}{
		{"program, JSON", "POST", "/conformance/clock", map[string]string{"Content-Type": "application/json; charset=UTF-8"}, `{}`, 200},
		{"program, no body", "POST", "/conformance/reset", nil, "", 200},
		{"program, GET", "GET", "/conformance/payments/p1", nil, "", 200},
		{"same-origin page", "POST", "/conformance/clock", map[string]string{"Content-Type": "application/json", "Sec-Fetch-Site": "same-origin", "Origin": base}, `{}`, 200},
		{"text/plain body (a simple CORS request)", "POST", "/conformance/clock", map[string]string{"Content-Type": "text/plain"}, `{"advance":"48h"}`, 415},
		{"form body", "POST", "/conformance/answers", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, `api=pay`, 415},
		{"body without Content-Type", "POST", "/conformance/clock", nil, `{}`, 415},
		{"page of another local origin", "POST", "/conformance/clock", map[string]string{"Content-Type": "application/json", "Origin": "http://127.0.0.1:3000"}, `{}`, 403},
		{"same-site page (another port)", "POST", "/conformance/clock", map[string]string{"Content-Type": "application/json", "Sec-Fetch-Site": "same-site"}, `{}`, 403},
		{"cross-site page", "GET", "/conformance/payments/p1", map[string]string{"Sec-Fetch-Site": "cross-site"}, "", 403},
		{"same-origin page behind a proxy that rewrote Host", "POST", "/conformance/clock", map[string]string{"Content-Type": "application/json", "Sec-Fetch-Site": "same-origin", "Origin": "https://tunnel.example"}, `{}`, 200},
		{"opaque origin", "POST", "/conformance/clock", map[string]string{"Content-Type": "application/json", "Origin": "null"}, `{}`, 403},
		{"not a hook: passes", "POST", "/v1/payments/pay", map[string]string{"Content-Type": "text/plain", "Origin": "http://evil.test"}, `x`, 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := reached.Load()
			req, err := http.NewRequest(tc.method, base+tc.path, strings.NewReader(tc.body))
			require.NoError(t, err)
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			assert.Equal(t, tc.want, resp.StatusCode, string(body))
			if tc.want == 200 {
				assert.Equal(t, before+1, reached.Load())
			} else {
				assert.Equal(t, before, reached.Load(), "refused before the hook")
				assert.Contains(t, string(body), `"error"`)
			}
		})
	}
}

// answeredWithin sends a request on c and reports whether an answer comes within d.
func answeredWithin(t *testing.T, c net.Conn, d time.Duration) bool {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(d))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return true
}

// TestConnectionsOverTheOpenBoundWaitInTheKernelQueue holds MaxOpen connections busy: the
// next one is not accepted (its request gets no answer) until a busy one is done.
func TestConnectionsOverTheOpenBoundWaitInTheKernelQueue(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/busy" {
			entered <- struct{}{}
			<-release
		}
		readAll(w, r)
	})
	addr := serve(t, h, guard.Limits{MaxConns: 2, MaxOpen: 2, IdleTimeout: time.Hour})
	var busy []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		defer c.Close()
		_, err = io.WriteString(c, "GET /busy HTTP/1.1\r\nHost: x\r\n\r\n")
		require.NoError(t, err)
		select {
		case <-entered:
		case <-time.After(5 * time.Second):
			t.Fatal("the busy request did not reach its handler")
		}
		busy = append(busy, c)
	}
	waiting, err := net.Dial("tcp", addr)
	require.NoError(t, err, "the kernel queues it")
	defer waiting.Close()
	_, err = io.WriteString(waiting, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	assert.False(t, answeredWithin(t, waiting, 300*time.Millisecond), "not accepted while the bound is reached")
	release <- struct{}{} // one busy request ends: its connection goes idle, and is evicted
	assert.True(t, answeredWithin(t, waiting, 5*time.Second), "accepted once a connection was done")
}

// TestSilentConnectionsAreEvictedOverTheCap opens connections that send nothing, more than
// MaxConns: the oldest are closed, and a new client is still answered.
func TestSilentConnectionsAreEvictedOverTheCap(t *testing.T) {
	const limit, opened = 4, 12
	addr := serve(t, http.HandlerFunc(readAll), guard.Limits{MaxConns: limit, IdleTimeout: time.Hour, ReadHeaderTimeout: time.Hour})
	var silent []net.Conn
	for range opened {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		defer c.Close()
		silent = append(silent, c)
	}
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	_, err = io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	assert.True(t, answeredWithin(t, c, 5*time.Second), "a new client is answered")
	assert.True(t, closedWithin(silent[0], 5*time.Second), "the oldest silent connection is closed")
}
