package target

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/tradepaykit/tradepaykit/internal/clock"
)

// ClockFollower is an http.RoundTripper for the kit's calls to a wallet: it watches the
// answers of the wallet's clock control (POST {control}/conformance/clock, a kit extension)
// and moves a business clock to the wallet's time, so the kit's reference merchant asks for
// deadlines the wallet sees in the future after a scenario moved the wallet's clock.
type ClockFollower struct {
	clock *clock.Virtual
	base  http.RoundTripper
}

// NewClockFollower follows the wallet's time on c, sending requests through base (nil:
// http.DefaultTransport).
func NewClockFollower(c *clock.Virtual, base http.RoundTripper) *ClockFollower {
	if base == nil {
		base = http.DefaultTransport
	}
	return &ClockFollower{clock: c, base: base}
}

// RoundTrip sends the request and reads the wallet's time from a clock control answer.
func (f *ClockFollower) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := f.base.RoundTrip(req)
	if err != nil || req.Method != http.MethodPost || !strings.HasSuffix(req.URL.Path, "/conformance/clock") || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if rerr == nil {
		f.follow(body)
	}
	return resp, nil
}

func (f *ClockFollower) follow(body []byte) {
	var v struct {
		Now time.Time `json:"now"`
	}
	if json.Unmarshal(body, &v) != nil || v.Now.IsZero() {
		return
	}
	if d := v.Now.Sub(f.clock.Now()); d > 0 {
		// The wallet's clock is the one that refuses an advance too far; this one only
		// catches up with a time the wallet reached.
		_ = f.clock.Advance(d)
	}
}

// Sync reads the wallet's business time once, before any scenario; hc must send through f.
func (f *ClockFollower) Sync(ctx context.Context, hc *http.Client, controlURL string) error {
	control, err := NewWalletControl(Config{BaseURL: controlURL, HTTPClient: hc})
	if err != nil {
		return err
	}
	_, err = control.AdvanceClock(ctx, 0)
	return err
}
