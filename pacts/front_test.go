package pacts

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
)

// A Pact verifier gives up on a state call after 5 s by default and then prints no reason;
// the front answers every state call of the kit's own set-up within its budget. These tests
// shrink the budget and drive the front as a verifier would, over HTTP.

// budgetFront is a merchant-side front whose kit set-up is setup, before a provider that
// records the requests it gets.
func budgetFront(t *testing.T, setup func(ctx context.Context, state string) (map[string]any, func(context.Context) error, error)) (*front, *providerLog) {
	t.Helper()
	log := &providerLog{failed: make(chan struct{}, 16)}
	provider := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		log.add(string(body))
		writeJSON(w, map[string]any{"result": map[string]string{"resultStatus": "S"}})
	}))
	t.Cleanup(provider.Close)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	f := &front{
		ctx: ctx, client: &http.Client{Timeout: 10 * time.Second}, clientID: fixtures.ClientID,
		key: fixtures.PrivateKey(fixtures.WalletPrivateKey), kitState: StateUnknownWalletKey,
		target: func(*http.Request) string { return provider.URL },
		setup:  setup, answerWithin: 100 * time.Millisecond, waitWithin: 5 * time.Second,
		stateFailedHook: log.stateFailed,
	}
	require.NoError(t, f.start(nil))
	t.Cleanup(f.close)
	return f, log
}

type providerLog struct {
	mu       sync.Mutex
	requests []string
	failures []string
	failed   chan struct{} // a value per failure heard
}

func (l *providerLog) add(body string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.requests = append(l.requests, body)
}

func (l *providerLog) stateFailed(state, reason string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failures = append(l.failures, state+": "+reason)
	l.failed <- struct{}{}
}

func (l *providerLog) snapshot() (requests, failures []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string{}, l.requests...), append([]string{}, l.failures...)
}

// post sends body to url as JSON with client and returns the answer's status and body.
func post(t *testing.T, client *http.Client, url, body string) (int, string, error) {
	t.Helper()
	resp, err := client.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b), nil
}

func stateCall(state string) string {
	b, _ := json.Marshal(stateChangeRequest{State: state, Action: "setup"})
	return string(b)
}

// TestFrontAnswersAStateBeforeItHoldsAndTheRequestWaits: a state that holds only once the
// provider acted (the merchant acknowledged) is answered within the budget with its values;
// the interaction's request waits for the state and is not passed on while it does not hold.
func TestFrontAnswersAStateBeforeItHoldsAndTheRequestWaits(t *testing.T) {
	acked := make(chan struct{})
	f, log := budgetFront(t, func(context.Context, string) (map[string]any, func(context.Context) error, error) {
		return map[string]any{"paymentId": "P-1"}, func(ctx context.Context) error {
			select {
			case <-acked:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}, nil
	})
	f.waitWithin = 300 * time.Millisecond
	verifier := &http.Client{Timeout: 2 * time.Second}

	// Not acknowledged: the request waits, then gets the reason; the provider sees nothing.
	start := time.Now()
	status, body, err := post(t, verifier, f.url+stateChangePath, stateCall(StateOrderPaidAndNotified))
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, `{"paymentId":"P-1"}`, body, "the values, before the state holds")
	assert.Less(t, time.Since(start), time.Second)
	_, body, err = post(t, verifier, f.url+"/notify", `{"n":1}`)
	require.NoError(t, err)
	assert.Contains(t, body, "could not be set up: did not hold within 400ms of the state call")
	requests, failures := log.snapshot()
	assert.Empty(t, requests, "nothing reaches the provider while the state does not hold")
	assert.Len(t, failures, 1)

	// Acknowledged after the state call was answered: the request is passed on.
	_, _, err = post(t, verifier, f.url+stateChangePath, stateCall(StateOrderPaidAndNotified))
	require.NoError(t, err)
	close(acked)
	_, body, err = post(t, verifier, f.url+"/notify", `{"n":2}`)
	require.NoError(t, err)
	assert.Contains(t, body, `"resultStatus":"S"`)
	requests, failures = log.snapshot()
	assert.Equal(t, []string{`{"n":2}`}, requests)
	assert.Len(t, failures, 1)
}

// TestFrontExplainsAStateThatNeverHolds: when the state does not come to hold, the request
// is not passed on; the verifier gets the reason as a mismatch, and the hook hears it.
func TestFrontExplainsAStateThatNeverHolds(t *testing.T) {
	answered := make(chan struct{})
	f, log := budgetFront(t, func(context.Context, string) (map[string]any, func(context.Context) error, error) {
		return map[string]any{"paymentId": "P-1"}, func(ctx context.Context) error {
			<-answered // the check ends after the state call was answered
			return errors.New("the merchant did not acknowledge the SUCCESS notification of P-1")
		}, nil
	})
	verifier := &http.Client{Timeout: 2 * time.Second}

	_, body, err := post(t, verifier, f.url+stateChangePath, stateCall(StateOrderPaidAndNotified))
	require.NoError(t, err)
	require.JSONEq(t, `{"paymentId":"P-1"}`, body)
	close(answered)
	_, body, err = post(t, verifier, f.url+"/notify", `{"n":1}`)
	require.NoError(t, err)

	assert.Contains(t, body, `could not be set up: the merchant did not acknowledge the SUCCESS notification of P-1`)
	requests, failures := log.snapshot()
	assert.Empty(t, requests)
	assert.Equal(t, []string{StateOrderPaidAndNotified + ": the merchant did not acknowledge the SUCCESS notification of P-1"}, failures)
}

// TestFrontAnswersASlowSetUpWithinTheBudget: a set-up slower than the budget is answered in
// time with the reason, which the interaction's request then carries.
func TestFrontAnswersASlowSetUpWithinTheBudget(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	f, log := budgetFront(t, func(context.Context, string) (map[string]any, func(context.Context) error, error) {
		<-release
		return map[string]any{}, nil, nil
	})
	verifier := &http.Client{Timeout: 2 * time.Second}

	status, _, err := post(t, verifier, f.url+stateChangePath, stateCall(StateOrderAwaiting))
	require.NoError(t, err, "the state call is answered before the verifier gives up")
	assert.Equal(t, http.StatusOK, status)
	_, body, err := post(t, verifier, f.url+"/notify", `{"n":1}`)
	require.NoError(t, err)

	assert.Contains(t, body, "could not be set up: not set up within 100ms")
	requests, failures := log.snapshot()
	assert.Empty(t, requests)
	assert.Len(t, failures, 1)
}

// TestFrontKeepsNoReasonForAStateCallTheVerifierGaveUpOn: a verifier that gave up on a state
// call fails that interaction itself and goes on; the next interaction, with its own state,
// reaches the provider, and the reason is still heard.
func TestFrontKeepsNoReasonForAStateCallTheVerifierGaveUpOn(t *testing.T) {
	var calls sync.WaitGroup
	calls.Add(1)
	gaveUp := make(chan struct{})
	var first sync.Once
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		failed := false
		first.Do(func() {
			defer calls.Done()
			<-gaveUp // answers only once the verifier has gone
			http.Error(w, "no such order table", http.StatusInternalServerError)
			failed = true
		})
		if !failed {
			writeJSON(w, map[string]any{}) // the next interaction's state holds
		}
	}))
	t.Cleanup(slow.Close)
	f, log := budgetFront(t, nil)
	f.stateURL = slow.URL
	impatient := &http.Client{Timeout: 100 * time.Millisecond}

	_, _, err := post(t, impatient, f.url+stateChangePath, stateCall(StateOrderAwaiting))
	require.Error(t, err, "the verifier gives up")
	close(gaveUp)
	calls.Wait()
	select {
	case <-log.failed:
	case <-time.After(5 * time.Second):
		t.Fatal("the front did not record why the state failed")
	}
	verifier := &http.Client{Timeout: 2 * time.Second}
	status, _, err := post(t, verifier, f.url+stateChangePath, stateCall(StateOrderAwaiting))
	require.NoError(t, err, "the next interaction's state call")
	assert.Equal(t, http.StatusOK, status)
	_, body, err := post(t, verifier, f.url+"/notify", `{"n":2}`)
	require.NoError(t, err)

	assert.Contains(t, body, `"resultStatus":"S"`, "the next interaction is passed on")
	requests, failures := log.snapshot()
	assert.Equal(t, []string{`{"n":2}`}, requests)
	require.Len(t, failures, 1, "the reason is still heard")
	assert.Contains(t, failures[0], "state change URL answered HTTP 500: no such order table")
}
