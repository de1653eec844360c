package wallet

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/guard"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/signing"
)

// openServer starts a wallet mock on 127.0.0.1:0 that knows the fixtures merchant, with
// edit applied to its configuration.
func openServer(tb testing.TB, edit func(*Config)) *Server {
	tb.Helper()
	cfg := Config{
		PrivateKey: fixtures.PrivateKey(fixtures.WalletPrivateKey),
		Merchants: []Merchant{{
			ClientID: fixtures.ClientID, PublicKey: fixtures.PublicKey(fixtures.MerchantPublicKey), AppID: testAppID,
		}},
		NotifyTimeout: 2 * time.Second,
	}
	edit(&cfg)
	s, err := NewServer(cfg)
	require.NoError(tb, err)
	require.NoError(tb, s.Start("127.0.0.1:0"))
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) lines(msg string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, l := range strings.Split(b.buf.String(), "\n") {
		if strings.Contains(l, `msg="`+msg+`"`) {
			out = append(out, l)
		}
	}
	return out
}

func TestVerboseLogHasALinePerRequestAnswerAndNotificationAttempt(t *testing.T) {
	var logs syncBuffer
	s := openServer(t, func(c *Config) { c.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	sink := newNotifySink(t)

	var pay openapi.PayResponse
	require.Equal(t, openapi.Accept, call(t, s, "pay", payBody("log-1", "1000", sink.srv.URL, false), &pay).ResultCode)
	// A request signed with the wrong key.
	body := payBody("log-2", "1000", "", false)
	req, err := http.NewRequest(http.MethodPost, s.URL()+"/v1/payments/pay", strings.NewReader(body))
	require.NoError(t, err)
	require.NoError(t, signing.Style{}.SignRequest(req, []byte(body), fixtures.ClientID, fixtures.PrivateKey(fixtures.WalletPrivateKey), time.Now()))
	assert.Equal(t, openapi.InvalidSignature, send(t, req, nil).ResultCode)
	require.Equal(t, "9000", tradePay(t, s, "tradeNO", pay.PaymentID, ActionConfirm))
	sink.wait(t, 1)
	waitAttempts(t, s, pay.PaymentID, 1)

	requests := logs.lines("wallet request")
	require.Len(t, requests, 3, "pay, pay with a bad signature, tradePay:\n%s", strings.Join(requests, "\n"))
	assert.Contains(t, requests[0], "api=pay")
	assert.Contains(t, requests[0], "signature=ok")
	assert.Contains(t, requests[1], `signature="refused: INVALID_SIGNATURE`)
	assert.Contains(t, requests[2], "path=/conformance/tradePay")
	assert.Contains(t, requests[2], "signature=\"not checked")

	answers := logs.lines("wallet answer")
	require.Len(t, answers, 3, strings.Join(answers, "\n"))
	assert.Contains(t, answers[0], "resultCode=ACCEPT resultStatus=A")
	assert.Contains(t, answers[1], "resultCode=INVALID_SIGNATURE resultStatus=F")
	assert.Contains(t, answers[2], "status=200")

	notes := logs.lines("wallet notify")
	require.Len(t, notes, 1, strings.Join(notes, "\n"))
	assert.Contains(t, notes[0], "paymentId="+pay.PaymentID)
	assert.Contains(t, notes[0], "attempt=1")
	assert.Contains(t, notes[0], "outcome=S")
	// The sink does not sign its answers: the check says so.
	assert.Contains(t, notes[0], "answerSignature=absent")
}

func TestUnknownPathGetsASignedAnswerNamingThePathsServed(t *testing.T) {
	s := openServer(t, func(c *Config) {
		c.Profile = fixtures.DefaultWalletProfile()
		c.Profile.BasePath = "/ams/api"
	})
	// An SDK given the OpenAPI URL as its gateway doubles the base path.
	path := "/ams/api/ams/api/v1/payments/pay"
	body := payBody("unknown-1", "100", "", false)
	req, err := http.NewRequest(http.MethodPost, s.URL()+path, strings.NewReader(body))
	require.NoError(t, err)
	require.NoError(t, signing.Style{}.SignRequest(req, []byte(body), fixtures.ClientID, fixtures.PrivateKey(fixtures.MerchantPrivateKey), time.Now()))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)

	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.True(t, strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json"))
	msg := signing.ResponseMessage(http.MethodPost, path, resp.Header, raw)
	require.NoError(t, signing.Verify(fixtures.PublicKey(fixtures.WalletPublicKey), msg, resp.Header.Get(signing.HeaderSignature)), "the answer is signed")
	assert.Equal(t, fixtures.ClientID, resp.Header.Get(signing.HeaderClientID))
	var got unknownPathAnswer
	require.NoError(t, json.Unmarshal(raw, &got))
	assert.Equal(t, openapi.StatusFail, got.Result.ResultStatus)
	assert.Equal(t, noInterfaceDef, got.Result.ResultCode)
	assert.Contains(t, got.Result.ResultMessage, path)
	assert.Contains(t, got.Result.ResultMessage, "appears twice")
	assert.Contains(t, got.Paths, "POST /ams/api/v1/payments/pay")
	assert.Contains(t, got.Paths, "POST /conformance/tradePay")
	assert.Contains(t, got.Paths, "GET /cashier/{paymentId}")
	assert.Empty(t, s.store.(*memoryStore).payments, "nothing was created")

	// Without a Client-Id the answer is signed all the same.
	resp2, err := http.Get(s.URL() + "/nothing-here")
	require.NoError(t, err)
	defer resp2.Body.Close()
	raw2, _ := io.ReadAll(resp2.Body)
	assert.Equal(t, http.StatusNotFound, resp2.StatusCode)
	require.NoError(t, signing.Verify(fixtures.PublicKey(fixtures.WalletPublicKey),
		signing.ResponseMessage(http.MethodGet, "/nothing-here", resp2.Header, raw2), resp2.Header.Get(signing.HeaderSignature)))
}

func TestIsAuthorizationWithAGeneralProductIsRefusedNotCharged(t *testing.T) {
	s := mustOpenServer(t)
	prof := fixtures.DefaultWalletProfile()
	withAuth := strings.Replace(payBody("auth-1", "5000", "", false), `"paymentFactor":{"isCashierPayment":true}`,
		`"paymentFactor":{"isCashierPayment":true,"isAuthorization":true}`, 1)
	require.Contains(t, withAuth, `"isAuthorization":true`)
	res := call(t, s, "pay", withAuth, nil)
	assert.Equal(t, openapi.ParamIllegal, res.ResultCode)
	assert.Equal(t, openapi.StatusFail, res.ResultStatus)
	assert.Contains(t, res.ResultMessage, "paymentFactor.isAuthorization")
	assert.Contains(t, res.ResultMessage, prof.PreAuthProductCode, "the message names the product code to use")
	assert.Empty(t, s.store.(*memoryStore).payments, "nothing created, nothing charged")
	inq := call(t, s, "inquiryPayment", `{"paymentRequestId":"auth-1"}`, nil)
	assert.Equal(t, openapi.OrderNotExist, inq.ResultCode)

	// With the pre-authorization product it is a freeze.
	withAuth = strings.Replace(withAuth, prof.GeneralProductCode, prof.PreAuthProductCode, 1)
	var pay openapi.PayResponse
	require.Equal(t, openapi.Accept, call(t, s, "pay", withAuth, &pay).ResultCode)
	assert.Equal(t, PreAuth, s.paymentLocked(pay.PaymentID).Kind)
	// isAuthorization false changes nothing for a general product.
	res = call(t, s, "pay", strings.Replace(payBody("auth-2", "5000", "", false), `"isCashierPayment":true`, `"isCashierPayment":true,"isAuthorization":false`, 1), nil)
	assert.Equal(t, openapi.Accept, res.ResultCode)
}

func TestResetClearsScriptedAnswersAndHolds(t *testing.T) {
	s := mustOpenServer(t)
	sink := newNotifySink(t)
	resp, err := http.Post(s.URL()+"/conformance/answers", "application/json", strings.NewReader(`{"api":"pay","resultCode":"UNKNOWN_EXCEPTION","count":5}`))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	code, _ := script(t, s, `{"paymentRequestId":"reset-1","action":"HOLD"}`)
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, openapi.UnknownException, call(t, s, "pay", payBody("reset-0", "100", sink.srv.URL, false), nil).ResultCode, "scripted")

	resp, err = http.Post(s.URL()+"/conformance/reset", "application/json", nil)
	require.NoError(t, err)
	var cleared map[string]int
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&cleared))
	resp.Body.Close()
	assert.Equal(t, map[string]int{"answersCleared": 1, "holdsLifted": 1, "deliveriesReleased": 0}, cleared)

	var pay openapi.PayResponse
	require.Equal(t, openapi.Accept, call(t, s, "pay", payBody("reset-1", "100", sink.srv.URL, false), &pay).ResultCode, "no scripted answer left")
	require.Equal(t, "9000", tradePay(t, s, "tradeNO", pay.PaymentID, ActionConfirm))
	assert.Equal(t, pay.PaymentID, sink.wait(t, 1)[0].PaymentID, "no hold left")
}

func TestResetReleasesHeldDeliveries(t *testing.T) {
	s := mustOpenServer(t)
	sink := newNotifySink(t)
	code, _ := script(t, s, `{"paymentRequestId":"reset-2","action":"HOLD"}`)
	require.Equal(t, http.StatusOK, code)
	var pay openapi.PayResponse
	call(t, s, "pay", payBody("reset-2", "100", sink.srv.URL, false), &pay)
	require.Equal(t, "9000", tradePay(t, s, "tradeNO", pay.PaymentID, ActionConfirm))
	waitHeld(t, s, 1)

	resp, err := http.Post(s.URL()+"/conformance/reset", "application/json", nil)
	require.NoError(t, err)
	var cleared map[string]int
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&cleared))
	resp.Body.Close()
	assert.Equal(t, 1, cleared["deliveriesReleased"])
	assert.Equal(t, pay.PaymentID, sink.wait(t, 1)[0].PaymentID, "what the hold kept back is delivered, not lost")
}

func TestServerRunsUnderTheGuardsLimits(t *testing.T) {
	s := openServer(t, func(c *Config) { c.NotifyTimeout = 3 * time.Minute })
	d := guard.DefaultLimits()
	assert.Equal(t, d.ReadTimeout, s.srv.ReadTimeout)
	assert.Equal(t, d.IdleTimeout, s.srv.IdleTimeout)
	assert.Equal(t, d.ReadHeaderTimeout, s.srv.ReadHeaderTimeout)
	assert.NotNil(t, s.srv.ConnState, "the connection cap")
	assert.GreaterOrEqual(t, s.srv.WriteTimeout, 6*time.Minute, "a scripted RESEND may wait for deliveries of up to the notify timeout")
}
