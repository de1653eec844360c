package sqlitestore_test

import (
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tradepaykit/tradepaykit/fixtures"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/wallet"
	"github.com/tradepaykit/tradepaykit/internal/wallet/records"
	"github.com/tradepaykit/tradepaykit/internal/wallet/sqlitestore"
)

// newFile makes a data file of the wallet mock's schema holding one merchant.
func newFile(tb testing.TB) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "wallet.db")
	st, err := sqlitestore.Open(path)
	require.NoError(tb, err)
	require.NoError(tb, st.SaveMerchant(records.Merchant{ClientID: fixtures.ClientID, PublicKey: fixtures.PublicKey(fixtures.MerchantPublicKey)}))
	require.NoError(tb, st.Close())
	return path
}

func hashOf(tb testing.TB, path string) string {
	tb.Helper()
	b, err := os.ReadFile(path)
	require.NoError(tb, err)
	return fmt.Sprintf("%x (%d bytes)", sha256.Sum256(b), len(b))
}

// rawSQL runs statements on a SQLite file outside the store.
func rawSQL(tb testing.TB, path string, stmts ...string) {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	require.NoError(tb, err)
	defer db.Close()
	for _, s := range stmts {
		_, err := db.Exec(s)
		require.NoError(tb, err, s)
	}
}

// TestRefusalsNameTheFileAndTheCauseAndWriteNothing opens files the store must refuse: each
// error names the file and why, and the file keeps every byte.
func TestRefusalsNameTheFileAndTheCauseAndWriteNothing(t *testing.T) {
	cases := []struct {
		name  string
		make  func(t *testing.T) string
		cause string
	}{
		{"a directory", func(t *testing.T) string { return t.TempDir() }, "is a directory"},
		{"a text file", func(t *testing.T) string {
			path := filepath.Join(t.TempDir(), "notes.db")
			require.NoError(t, os.WriteFile(path, []byte(strings.Repeat("not a database\n", 20)), 0o644))
			return path
		}, "not a SQLite database"},
		{"a truncated header", func(t *testing.T) string {
			path := filepath.Join(t.TempDir(), "short.db")
			require.NoError(t, os.WriteFile(path, []byte("SQLite format 3\x00\x10\x00"), 0o644))
			return path
		}, "shorter than a SQLite header"},
		{"damage inside", func(t *testing.T) string {
			path := newFile(t)
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			require.Greater(t, len(b), 8192, "the schema spans pages")
			// Page 2 on: b-tree pages of the schema's tables, overwritten with garbage.
			for i := 4096; i < len(b); i++ {
				b[i] = 0xA5
			}
			require.NoError(t, os.WriteFile(path, b, 0o644))
			return path
		}, "damaged"},
		{"another program's database", func(t *testing.T) string {
			path := filepath.Join(t.TempDir(), "app.db")
			rawSQL(t, path, "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)", "INSERT INTO users (name) VALUES ('ann')")
			return path
		}, "another program's SQLite database"},
		{"another version of the mock", func(t *testing.T) string {
			path := newFile(t)
			rawSQL(t, path, "PRAGMA user_version = 99")
			return path
		}, "schema 99"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := c.make(t)
			var before string
			if fi, err := os.Stat(path); err == nil && !fi.IsDir() {
				before = hashOf(t, path)
			}
			st, err := sqlitestore.Open(path)
			if err == nil {
				_ = st.Close()
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), path, "the error names the file")
			assert.Contains(t, err.Error(), c.cause)
			if before != "" {
				assert.Equal(t, before, hashOf(t, path), "a refused file keeps every byte")
			}
		})
	}
}

// TestReadOnlyFileIsRefusedAsReadOnly checks a file the process may not write (skipped as
// root, who may write anything; the runner's tests cover a read-only mount).
func TestReadOnlyFileIsRefusedAsReadOnly(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes read-only files")
	}
	path := newFile(t)
	require.NoError(t, os.Chmod(path, 0o444))
	before := hashOf(t, path)
	_, err := sqlitestore.Open(path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), path)
	assert.Contains(t, err.Error(), "read-only")
	assert.Equal(t, before, hashOf(t, path))
}

// TestAFileIsTakenOnce opens a data file twice: the second open is refused and names the
// process holding the file; once the first closes, the file opens again.
func TestAFileIsTakenOnce(t *testing.T) {
	path := newFile(t)
	first, err := sqlitestore.Open(path)
	require.NoError(t, err)
	_, err = sqlitestore.Open(path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), path)
	assert.Contains(t, err.Error(), "in use by another wallet mock")
	if _, statErr := os.Stat("/proc/locks"); statErr == nil {
		assert.Contains(t, err.Error(), fmt.Sprintf("(process %d)", os.Getpid()))
	}
	require.NoError(t, first.Close())
	again, err := sqlitestore.Open(path)
	require.NoError(t, err)
	require.NoError(t, again.Close())
}

// TestBatchSavesTogether: a batch's saves are visible inside it
// and durable after EndBatch; a capture saved inside a batch keeps its payment with it.
func TestBatchSavesTogether(t *testing.T) {
	path := newFile(t)
	st, err := sqlitestore.Open(path)
	require.NoError(t, err)
	require.NoError(t, st.BeginBatch())
	p := &records.Payment{ID: "P1", ClientID: "c", RequestID: "r1", Status: openapi.PaymentProcessing, Open: true}
	require.NoError(t, st.SavePayment(p))
	require.NoError(t, st.SaveCapture("c", &records.Capture{ID: "C1", RequestID: "cap1", PaymentID: "P1"}, p))
	got, err := st.Payment("P1")
	require.NoError(t, err)
	require.NotNil(t, got)
	require.NoError(t, st.Flush())
	require.NoError(t, st.EndBatch())
	require.Error(t, st.EndBatch(), "EndBatch without BeginBatch")
	require.NoError(t, st.Close())

	st, err = sqlitestore.Open(path)
	require.NoError(t, err)
	defer st.Close()
	got, err = st.Payment("P1")
	require.NoError(t, err)
	require.NotNil(t, got)
	c, err := st.Capture("c", "cap1")
	require.NoError(t, err)
	require.NotNil(t, c)
	assert.Equal(t, "C1", c.ID)
}

// TestNewFilesHaveLargePagesOldFilesKeepTheirs: a new data file is made of 16 KiB pages (a
// clock move writes a quarter as many log frames); a file made by an earlier version, of
// SQLite's default 4 KiB pages, opens, keeps its pages and keeps what is saved in it.
func TestNewFilesHaveLargePagesOldFilesKeepTheirs(t *testing.T) {
	pageSize := func(path string) int {
		t.Helper()
		db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
		require.NoError(t, err)
		defer db.Close()
		var n int
		require.NoError(t, db.QueryRow("PRAGMA page_size").Scan(&n))
		return n
	}
	assert.Equal(t, 16384, pageSize(newFile(t)), "a new file")

	// An earlier version set WAL mode on the new file before anything else: 4 KiB pages.
	old := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", "file:"+old+"?_pragma=journal_mode(WAL)")
	require.NoError(t, err)
	_, err = db.Exec("PRAGMA user_version = 0")
	require.NoError(t, err)
	require.NoError(t, db.Close())
	require.Equal(t, 4096, pageSize(old))
	st, err := sqlitestore.Open(old)
	require.NoError(t, err)
	require.NoError(t, st.SavePayment(&records.Payment{ID: "P1", ClientID: "c", RequestID: "r1", Status: openapi.PaymentProcessing, Open: true}))
	require.NoError(t, st.Close())
	st, err = sqlitestore.Open(old)
	require.NoError(t, err)
	defer st.Close()
	p, err := st.Payment("P1")
	require.NoError(t, err)
	require.NotNil(t, p)
	assert.Equal(t, "r1", p.RequestID)
	assert.Equal(t, 4096, pageSize(old), "an earlier file keeps its pages")
}

// TestSchema1FileOpensAndIsRead: a data file of the previous version (schema 1, every record
// JSON) opens; its payments and pending deliveries read as they were saved, it is marked
// schema 2, and a payment saved again (now in the binary form) reads back after a restart.
func TestSchema1FileOpensAndIsRead(t *testing.T) {
	path := newFile(t)
	at := time.Date(2026, 12, 7, 16, 0, 0, 0, time.UTC)
	p := records.Payment{ID: "P1", RequestID: "R1", ClientID: "C1", Kind: "GENERAL", Amount: records.Amount{Currency: "USD", Value: 1000},
		Status: openapi.PaymentFail, CreatedAt: at, Deadline: at.Add(15 * time.Minute), FailReason: "expired", NotifyDue: true,
		Notifications: []records.Attempt{{Attempt: 1, At: at.Add(16 * time.Minute), PaymentStatus: "FAIL", Outcome: "UNREACHABLE"}}}
	d := records.Delivery{PaymentID: "P1", RequestID: "R1", ClientID: "C1", Status: "FAIL", Body: `{"paymentId":"P1"}`, Attempt: 2, Due: at.Add(18 * time.Minute)}
	pj, err := json.Marshal(p)
	require.NoError(t, err)
	dj, err := json.Marshal(d)
	require.NoError(t, err)
	rawSQL(t, path, "PRAGMA user_version = 1",
		fmt.Sprintf("INSERT INTO payments (id, client_id, request_id, open, awaiting, data) VALUES ('P1', 'C1', 'R1', 0, 0, '%s')", pj),
		fmt.Sprintf("INSERT INTO pending (payment_id, data) VALUES ('P1', '%s')", dj))

	st, err := sqlitestore.Open(path)
	require.NoError(t, err)
	got, err := st.Payment("P1")
	require.NoError(t, err)
	assert.Equal(t, &p, got)
	pending, err := st.Pending()
	require.NoError(t, err)
	assert.Equal(t, []records.Delivery{d}, pending)
	got.Title = "saved again"
	require.NoError(t, st.SavePayment(got))
	require.NoError(t, st.Close())

	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	require.NoError(t, err)
	var version int
	require.NoError(t, db.QueryRow("PRAGMA user_version").Scan(&version))
	require.NoError(t, db.Close())
	assert.Equal(t, 2, version, "marked as the schema its new records are written in")
	st, err = sqlitestore.Open(path)
	require.NoError(t, err)
	defer st.Close()
	got, err = st.Payment("P1")
	require.NoError(t, err)
	require.NotNil(t, got)
	assert.Equal(t, "saved again", got.Title)
	assert.Equal(t, p.Notifications, got.Notifications)
}

// TestBatchReadAheadServesTheNewestRecord: a batch that reads many payments one by one reads
// the open ones at once; a payment saved since, in the batch or in a transaction of its own,
// or kept unwritten when the batch read ahead, is found as last saved, never as read ahead.
func TestBatchReadAheadServesTheNewestRecord(t *testing.T) {
	st, err := sqlitestore.Open(newFile(t))
	require.NoError(t, err)
	defer st.Close()
	open := func(i int, title string) *records.Payment {
		return &records.Payment{ID: fmt.Sprintf("P%03d", i), ClientID: "c", RequestID: fmt.Sprintf("r%03d", i),
			Status: openapi.PaymentProcessing, Title: title, Open: true}
	}
	for i := range 200 {
		require.NoError(t, st.SavePayment(open(i, "v1")))
	}
	title := func(i int) string {
		t.Helper()
		p, err := st.Payment(fmt.Sprintf("P%03d", i))
		require.NoError(t, err)
		require.NotNil(t, p, "payment %d", i)
		return p.Title
	}
	require.NoError(t, st.BeginBatch())
	require.NoError(t, st.SavePayment(open(0, "unwritten")))
	for i := 1; i <= 100; i++ { // more than enough reads one by one to read ahead
		assert.Equal(t, "v1", title(i))
	}
	require.NoError(t, st.SavePayment(open(150, "saved in the batch")))
	require.NoError(t, st.SaveCapture("c", &records.Capture{ID: "C1", RequestID: "cap1", PaymentID: "P160"}, open(160, "captured")))
	_, err = st.OpenPayments() // writes what the batch keeps unwritten
	require.NoError(t, err)
	assert.Equal(t, "unwritten", title(0))
	assert.Equal(t, "saved in the batch", title(150))
	assert.Equal(t, "captured", title(160))
	assert.Equal(t, "v1", title(170))
	require.NoError(t, st.EndBatch())
	assert.Equal(t, "saved in the batch", title(150))
}

// TestClockMoveOverManyPaymentsSavesInOneBatch moves business time past the deadline of
// many payments waiting for the payer, on a data file: every one expires, is notified (twice:
// no notify URL answers) and is saved, and the move's saves go into one transaction.
//
// It moves 20,000 payments, the scale of issue 20's goal (a move under 1 s of wall time on a
// 2-core machine), and bounds the CPU time the process spends on the move rather than the
// wall clock: on a shared machine the CPU time is what stays put. The bound is twice the
// goal, 2 s, room for a loaded machine: measured at 0.79 to 0.87 s (0.62 to 0.67 s wall) at
// load 0.8 to 1.0, where the in-memory mock took 0.26 to 0.27 s; before the last change (the
// timer heap), 0.9 to 1.04 s at load 1.9 to 3 and up to 1.54 s at load 6 to 8. Earlier, at load 14 to 27: 16 s with a transaction per
// save, 2.8 to 4 s batched, 1.6 to 2.1 s with the open payments read at once (1.44 s of CPU,
// 1.37 s wall, on the quiet machine). With a transaction per save it now takes 0.6 ms a
// payment (12 s), and fails. TRADEPAYKIT_ADVANCE_PAYMENTS sets another number of payments
// (bounded in proportion). The race detector slows SQLite's Go code several times: there
// the move is over 5,000 payments and the bound is not checked.
func TestClockMoveOverManyPaymentsSavesInOneBatch(t *testing.T) {
	expiringPayments := 20000
	if raceEnabled {
		expiringPayments = 5000
	}
	if v := os.Getenv("TRADEPAYKIT_ADVANCE_PAYMENTS"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, "TRADEPAYKIT_ADVANCE_PAYMENTS")
		expiringPayments = n
	}
	path := newFile(t)
	st, err := sqlitestore.Open(path)
	require.NoError(t, err)
	require.NoError(t, st.BeginBatch())
	now := time.Now()
	for i := range expiringPayments {
		require.NoError(t, st.SavePayment(&records.Payment{
			ID: fmt.Sprintf("P%06d", i), ClientID: fixtures.ClientID, RequestID: fmt.Sprintf("R%06d", i),
			Kind: string(wallet.General), Amount: records.Amount{Currency: "USD", Value: 1000}, Title: "order",
			Status: openapi.PaymentProcessing, CreatedAt: now, Deadline: now.Add(15 * time.Minute), Open: true,
		}))
	}
	require.NoError(t, st.EndBatch())
	require.NoError(t, st.Close())

	s, err := wallet.NewServer(wallet.Config{
		PrivateKey: fixtures.PrivateKey(fixtures.WalletPrivateKey),
		OpenStore:  func() (records.Store, error) { return sqlitestore.Open(path) },
	})
	require.NoError(t, err)
	require.NoError(t, s.Start("127.0.0.1:0"))
	defer s.Close()

	cpu0 := cpuTime()
	start := time.Now()
	resp, err := http.Post(s.URL()+"/conformance/clock", "application/json", strings.NewReader(`{"advance":"20m"}`))
	took := time.Since(start)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	cpu := cpuTime() - cpu0
	t.Logf("a clock move over %d payments took %s (%s of CPU)", expiringPayments, took, cpu)

	for _, i := range []int{0, expiringPayments - 1} { // the first and the last saved
		var view wallet.PaymentView
		resp, err = http.Get(s.URL() + fmt.Sprintf("/conformance/payments/P%06d", i))
		require.NoError(t, err)
		require.NoError(t, jsonDecode(resp, &view))
		resp.Body.Close()
		assert.Equal(t, fmt.Sprintf("P%06d", i), view.PaymentID, "the record saved under its own id")
		assert.Equal(t, openapi.PaymentFail, view.Status, "payment %d expired", i)
		assert.Len(t, view.Notifications, 2, "payment %d notified at expiry and retried 2 minutes later", i)
	}
	require.NoError(t, s.Close())
	st, err = sqlitestore.Open(path)
	require.NoError(t, err)
	defer st.Close()
	pending, err := st.Pending()
	require.NoError(t, err)
	require.Len(t, pending, expiringPayments, "each payment's third attempt is pending in the file")
	for _, d := range []records.Delivery{pending[0], pending[len(pending)-1]} {
		assert.Equal(t, 3, d.Attempt, d.PaymentID)
		assert.Contains(t, d.Body, d.PaymentID)
	}
	if raceEnabled {
		return
	}
	assert.Less(t, cpu, time.Duration(expiringPayments)*100*time.Microsecond, "2 s of CPU for 20,000 payments")
}

func jsonDecode(resp *http.Response, v any) error { return json.NewDecoder(resp.Body).Decode(v) }

// cpuTime is the CPU time this process used so far: on a loaded machine, a fairer measure
// than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
