// Package sqlitestore keeps the wallet mock's records in one SQLite file (modernc.org/sqlite,
// pure Go): the back end of `wallet-mock --data`. Only the command that offers --data imports
// it; the wallet mock itself knows the records.Store interface alone, so a Go test that
// starts a wallet mock does not compile SQLite.
//
// Each record is a document beside the columns it is looked up by: payments and pending
// deliveries in a compact binary form (codec.go), the others JSON. A new file has 16 KiB
// pages (pageSize); one made by an earlier version keeps its own, and its JSON records. Outside a batch
// nothing is cached in Go: memory stays what SQLite's page cache takes, however many payments
// the file holds. A batch keeps the payments it changed until it writes them (at most
// maxUnwritten), and, once it has read many one by one, the open payments read in one query
// (at most as many), as the wallet's start reads them all anyway.
//
// Every save is its own transaction in WAL mode with synchronous=NORMAL: a commit is in the
// log before the call returns, so a process killed at any moment (SIGKILL) loses nothing it
// answered; only a power loss may lose the last commits. A batch (a clock move) is one
// transaction, committed early whenever the wallet is about to answer anyone; its write
// encodes the payments on a second goroutine while SQLite inserts them, and the checkpoint
// its commit leaves (copying the write-ahead log into the file) runs after the commit, not
// in it, so the answer waiting for the batch does not wait for it.
//
// The file is taken exclusively: Open locks it (flock) for as long as the store is open, and
// refuses a file another process holds, naming that process where the system reports it. Open
// refuses, before writing anything, a file it cannot write, a directory, a damaged file and
// another program's database.
package sqlitestore

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"database/sql"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	// The pure-Go SQLite driver: no cgo, so the runner still builds with CGO_ENABLED=0.
	_ "modernc.org/sqlite"

	"github.com/tradepaykit/tradepaykit/internal/wallet/records"
)

// schemaVersion is written to PRAGMA user_version; a file of another version is refused rather
// than misread. Schema 2 keeps payments and pending deliveries in a binary form (codec.go);
// a file of schema 1, whose records are all JSON, is read as it is and marked schema 2 when
// it opens, as the records it rewrites take the binary form (an earlier wallet mock then
// refuses it, naming both versions, rather than misread it).
const schemaVersion = 2

// readableSchema reports whether this version reads a file of schema version v.
func readableSchema(v int) bool { return v == 1 || v == schemaVersion }

// tables are the tables the schema creates; a database holding others is another program's.
var tables = []string{"captures", "merchants", "meta", "payments", "pending", "refunds"}

const schema = `
CREATE TABLE IF NOT EXISTS payments (
	id         TEXT PRIMARY KEY,
	client_id  TEXT NOT NULL,
	request_id TEXT NOT NULL,
	open       INTEGER NOT NULL,
	awaiting   INTEGER NOT NULL,
	data       BLOB NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS payments_by_request ON payments (client_id, request_id);
CREATE INDEX IF NOT EXISTS payments_by_request_id ON payments (request_id);
CREATE INDEX IF NOT EXISTS payments_open ON payments (open) WHERE open = 1;
CREATE INDEX IF NOT EXISTS payments_awaiting ON payments (awaiting) WHERE awaiting = 1;
CREATE TABLE IF NOT EXISTS captures (
	client_id  TEXT NOT NULL,
	request_id TEXT NOT NULL,
	data       BLOB NOT NULL,
	PRIMARY KEY (client_id, request_id)
);
CREATE TABLE IF NOT EXISTS refunds (
	id         TEXT PRIMARY KEY,
	client_id  TEXT NOT NULL,
	request_id TEXT NOT NULL,
	data       BLOB NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS refunds_by_request ON refunds (client_id, request_id);
CREATE TABLE IF NOT EXISTS merchants (
	client_id TEXT PRIMARY KEY,
	data      BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS pending (
	payment_id TEXT PRIMARY KEY,
	data       BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
`

// Store keeps the wallet mock's records in one SQLite file; it implements records.Store.
type Store struct {
	path string
	lock *os.File // holds the file's lock while the store is open
	db   *sql.DB

	mu    sync.Mutex           // guards what follows, and orders Flush against the other calls
	tx    *sql.Tx              // the open batch, if any
	depth int                  // BeginBatch calls not ended yet
	stmts map[string]*sql.Stmt // by query
	// In a batch, the payments and pending deliveries saved and not written yet, by payment
	// id (a nil delivery: deleted). A payment a clock move saves three times is written
	// once; at most maxUnwritten payments wait, so memory stays bounded.
	unwritten        map[string]*records.Payment
	unwrittenPending map[string]*records.Delivery
	// In a batch that has read readAheadAfter payments one by one (a clock move firing
	// deadlines), the open payments' records read at once, by id: those the batch neither
	// saved nor read since. misses counts the payments read one by one; readAheadDone, that
	// the batch read ahead already.
	readAhead     map[string][]byte
	misses        int
	readAheadDone bool
	// txStmts are the prepared statements bound to the open batch's transaction.
	txStmts map[string]*sql.Stmt
	// enc writes records as JSON into buf, and scratch holds a record's binary form, reused
	// from one save to the next (the driver copies what it binds).
	buf     bytes.Buffer
	enc     *json.Encoder
	scratch []byte
	// inBatch is whether tx is set, for Flush to read without the lock; closed, that Close
	// was called.
	inBatch atomic.Bool
	closed  bool
}

var _ records.Store = (*Store)(nil)

// Open opens (or creates) the data file at path, and locks it until Close. It refuses a
// file that another process holds, that it could not write, that is not the wallet mock's
// SQLite database, or that is damaged, with an error naming the file and the cause; a
// refused file is left byte for byte as it was.
func Open(path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("data file: empty path")
	}
	lock, err := lockFile(path)
	if err != nil {
		return nil, fmt.Errorf("data file %s: %w", path, err)
	}
	st := &Store{path: path, lock: lock, stmts: map[string]*sql.Stmt{},
		unwritten: map[string]*records.Payment{}, unwrittenPending: map[string]*records.Delivery{}}
	st.enc = json.NewEncoder(&st.buf)
	if err := st.open(); err != nil {
		_ = lock.Close()
		return nil, fmt.Errorf("data file %s: %w", path, err)
	}
	return st, nil
}

func (st *Store) open() error {
	fi, err := st.lock.Stat()
	if err != nil {
		return err
	}
	if err := check(st.path, st.lock); err != nil {
		return err
	}
	if fi.Size() == 0 {
		if err := create(st.path); err != nil {
			return fmt.Errorf("creating the database: %w", err)
		}
	}
	db, err := sql.Open("sqlite", dsn(st.path, "busy_timeout(5000)", "journal_mode(WAL)", "synchronous(NORMAL)", "foreign_keys(ON)"))
	if err != nil {
		return err
	}
	// One connection: the server serializes its calls anyway, and SQLite allows one writer.
	db.SetMaxOpenConns(1)
	st.db = db
	if err := st.init(); err != nil {
		_ = db.Close()
		return err
	}
	for _, q := range hotQueries {
		s, err := db.Prepare(q)
		if err != nil {
			_ = db.Close()
			return fmt.Errorf("preparing %q: %w", q, err)
		}
		st.stmts[q] = s
	}
	return nil
}

// pageSize is the page size of a new data file: four times SQLite's default. A clock move's
// batch writes each page it changed into the write-ahead log as one frame, two write calls a
// frame; with 16 KiB pages a 20,000-payment move writes a quarter as many frames, and its
// commit took a quarter less CPU. A save outside a batch writes a few frames, four times
// larger, which costs little. A file made before keeps its 4 KiB pages (SQLite fixes the size
// when it creates the file): it opens as it did, its clock moves slower.
const pageSize = 16384

// create makes the empty file at path a SQLite database of pageSize pages in WAL mode. The
// driver sets the connection's pragmas in name order, journal_mode first, and WAL mode
// written to a new file fixes its page size: so the page size is set alone, first.
func create(path string) error {
	db, err := sql.Open("sqlite", dsn(path, "busy_timeout(5000)"))
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	for _, q := range []string{"PRAGMA page_size = " + strconv.Itoa(pageSize), "PRAGMA journal_mode = WAL"} {
		if _, err := db.Exec(q); err != nil {
			_ = db.Close()
			return err
		}
	}
	return db.Close()
}

// dsn is the driver's name for the file at path with these pragmas.
func dsn(path string, pragmas ...string) string {
	q := url.Values{}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

func (st *Store) init() error {
	var version int
	if err := st.db.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("not a SQLite database: %w", err)
	}
	if version != 0 && !readableSchema(version) {
		return fmt.Errorf("written by another version of the wallet mock (schema %d, want %d): use a new file", version, schemaVersion)
	}
	if _, err := st.db.Exec(schema); err != nil {
		return fmt.Errorf("creating the tables: %w", err)
	}
	if _, err := st.db.Exec(fmt.Sprintf("PRAGMA user_version = %d", schemaVersion)); err != nil {
		return err
	}
	return nil
}

// Close ends any batch, closes the database and releases the file.
func (st *Store) Close() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.closed = true
	var err error
	if st.tx != nil {
		err = st.commitLocked()
	}
	// The lock goes last: closing another descriptor of the file would drop SQLite's own
	// (POSIX) locks under it.
	for _, s := range st.stmts {
		_ = s.Close()
	}
	return errors.Join(err, st.db.Close(), st.lock.Close())
}

// conn is the database or a transaction, with the store's prepared statements.
type conn interface {
	Exec(query string, args ...any) (sql.Result, error)
	Query(query string, args ...any) (*sql.Rows, error)
	QueryRow(query string, args ...any) *sql.Row
}

// connLocked is the open batch, or the database.
func (st *Store) connLocked() conn { return prepared{st, st.tx} }

// prepared runs each query through a statement prepared once: preparing costs as much as
// running a small statement, and a clock move runs tens of thousands.
type prepared struct {
	st *Store
	tx *sql.Tx // nil: the database
}

// stmt is the prepared statement of query, or nil when it is not prepared yet and a
// transaction holds the one connection (the caller runs the query unprepared).
func (p prepared) stmt(query string) (*sql.Stmt, error) {
	s, ok := p.st.stmts[query]
	if !ok {
		if p.tx != nil {
			return nil, nil
		}
		var err error
		if s, err = p.st.db.Prepare(query); err != nil {
			return nil, err
		}
		p.st.stmts[query] = s
	}
	if p.tx == nil {
		return s, nil
	}
	if p.tx != p.st.tx {
		return p.tx.Stmt(s), nil
	}
	// The batch's transaction: bind each statement to it once, not once a call.
	ts, ok := p.st.txStmts[query]
	if !ok {
		ts = p.tx.Stmt(s)
		p.st.txStmts[query] = ts
	}
	return ts, nil
}

func (p prepared) Exec(query string, args ...any) (sql.Result, error) {
	s, err := p.stmt(query)
	switch {
	case err != nil:
		return nil, err
	case s == nil:
		return p.tx.Exec(query, args...)
	}
	return s.Exec(args...)
}

func (p prepared) Query(query string, args ...any) (*sql.Rows, error) {
	s, err := p.stmt(query)
	switch {
	case err != nil:
		return nil, err
	case s == nil:
		return p.tx.Query(query, args...)
	}
	return s.Query(args...)
}

func (p prepared) QueryRow(query string, args ...any) *sql.Row {
	s, err := p.stmt(query)
	switch {
	case s == nil && p.tx != nil:
		return p.tx.QueryRow(query, args...)
	case err != nil:
		// A *sql.Row carrying the error: the database's own, for a statement that failed to
		// prepare.
		return p.st.db.QueryRow(query, args...)
	}
	return s.QueryRow(args...)
}

// hotQueries are prepared when the store opens: a clock move runs them in a batch, where no
// statement can be prepared on the database.
var hotQueries = []string{queryPayment, queryOpenPaymentsAhead, querySavePayment, queryUpdatePayment, querySavePending, queryDeletePending}

const (
	queryPayment     = "SELECT data FROM payments WHERE id = ?"
	querySavePayment = `INSERT INTO payments (id, client_id, request_id, open, awaiting, data) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET open = excluded.open, awaiting = excluded.awaiting, data = excluded.data`
	queryUpdatePayment = "UPDATE payments SET open = ?, awaiting = ?, data = ? WHERE id = ?"
	querySavePending   = "INSERT OR REPLACE INTO pending (payment_id, data) VALUES (?, ?)"
	queryDeletePending = "DELETE FROM pending WHERE payment_id = ?"
)

// queryOpenPaymentsAhead reads the open payments ahead, at most maxUnwritten of them.
var queryOpenPaymentsAhead = "SELECT id, data FROM payments WHERE open = 1 LIMIT " + strconv.Itoa(maxUnwritten)

// BeginBatch starts a transaction that the saves until the matching EndBatch join.
func (st *Store) BeginBatch() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.depth++
	if st.tx != nil {
		return nil
	}
	// SQLite's page cache stays at its default: a larger one saved no work (the batch's
	// writes go in key order) and cost a tenth of a clock move to give back.
	return st.beginLocked()
}

func (st *Store) beginLocked() error {
	tx, err := st.db.Begin()
	if err != nil {
		return fmt.Errorf("data file %s: %w", st.path, err)
	}
	st.tx = tx
	st.inBatch.Store(true)
	st.txStmts = map[string]*sql.Stmt{}
	return nil
}

// maxUnwritten bounds the payments a batch keeps in memory before writing them (a record is
// about a kilobyte): a clock move over twenty thousand payments reads and writes each once.
const maxUnwritten = 1 << 15

// writeLocked writes what the batch keeps unwritten into its transaction.
func (st *Store) writeLocked() error {
	if st.tx == nil {
		return nil
	}
	c := st.connLocked()
	// In key order: the b-tree pages are visited once each, not at random.
	ids := slices.Sorted(maps.Keys(st.unwritten))
	if len(ids) < encodeAheadFrom {
		for _, id := range ids {
			if err := st.savePaymentLocked(c, st.unwritten[id]); err != nil {
				return err
			}
			delete(st.unwritten, id)
		}
	} else if err := st.savePaymentsEncodedAheadLocked(c, ids); err != nil {
		return err
	}
	for _, id := range slices.Sorted(maps.Keys(st.unwrittenPending)) {
		d := st.unwrittenPending[id]
		var err error
		if d == nil {
			_, err = c.Exec(queryDeletePending, id)
		} else {
			err = st.savePendingLocked(c, d)
		}
		if err != nil {
			return fmt.Errorf("data file: pending notification of %s: %w", id, err)
		}
		delete(st.unwrittenPending, id)
	}
	return nil
}

// encodeAheadFrom is how many unwritten payments a write encodes on a goroutine of its own,
// ahead of the inserts: on a second core encoding overlaps SQLite's work instead of adding to
// it.
const encodeAheadFrom = 256

// savePaymentsEncodedAheadLocked writes the unwritten payments ids, in that order, while a
// goroutine encodes them ahead. The payments in st.unwritten are the store's own copies, and
// st.mu is held throughout: nothing changes them meanwhile.
func (st *Store) savePaymentsEncodedAheadLocked(c conn, ids []string) error {
	type encoded struct {
		data []byte
		err  error
	}
	queue := make(chan encoded, 512)
	stop := make(chan struct{})
	defer func() { // the goroutine is done with st.unwritten before it changes
		close(stop)
		for range queue {
		}
	}()
	go func() {
		defer close(queue)
		for _, id := range ids {
			data, err := appendPayment(nil, st.unwritten[id])
			select {
			case queue <- encoded{data, err}:
			case <-stop:
				return
			}
		}
	}()
	for _, id := range ids {
		e := <-queue
		p := st.unwritten[id]
		if e.err != nil {
			return fmt.Errorf("data file: encoding payment %s: %w", id, e.err)
		}
		r, err := c.Exec(queryUpdatePayment, p.Open, p.AwaitingFirstDelivery, e.data, p.ID)
		var n int64
		if err == nil {
			n, err = r.RowsAffected()
		}
		if err == nil && n == 0 {
			_, err = c.Exec(querySavePayment, p.ID, p.ClientID, p.RequestID, p.Open, p.AwaitingFirstDelivery, e.data)
		}
		if err != nil {
			return fmt.Errorf("data file: saving payment %s: %w", id, err)
		}
	}
	for _, id := range ids {
		delete(st.unwritten, id)
	}
	return nil
}

func (st *Store) commitLocked() error {
	if err := st.writeLocked(); err != nil {
		_ = st.tx.Rollback()
		st.tx = nil
		st.inBatch.Store(false)
		st.txStmts = nil
		return fmt.Errorf("data file %s: %w", st.path, err)
	}
	tx := st.tx
	st.tx = nil
	st.inBatch.Store(false)
	st.txStmts = nil
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("data file %s: %w", st.path, err)
	}
	return nil
}

// Flush commits the open batch, if any, and goes on in a new one.
func (st *Store) Flush() error {
	// Without a batch every save was durable when it returned: nothing to wait for, not even
	// the checkpoint that may follow a batch (checkpointLater).
	if !st.inBatch.Load() {
		return nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.tx == nil {
		return nil
	}
	if err := st.commitLocked(); err != nil {
		return err
	}
	return st.beginLocked()
}

// EndBatch commits the batch once every BeginBatch has ended.
func (st *Store) EndBatch() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.depth == 0 {
		return errors.New("sqlitestore: EndBatch without BeginBatch")
	}
	st.depth--
	if st.depth > 0 || st.tx == nil {
		return nil
	}
	st.readAhead, st.misses, st.readAheadDone = nil, 0, false
	// The batch's commit leaves the write-ahead log to copy into the database file (SQLite
	// would do it in the commit, the log being over its 1,000 pages): that is done after, off
	// the path of the answer that waits for the batch. What the batch saved is durable once
	// the commit returns, checkpoint or not.
	_, _ = st.tx.Exec("PRAGMA wal_autocheckpoint = 0") // at worst, the commit checkpoints
	err := st.commitLocked()
	st.checkpointLater()
	return err
}

// walAutoCheckpoint is SQLite's default: a commit that leaves the write-ahead log over this
// many pages copies it into the database file.
const walAutoCheckpoint = 1000

// checkpointLater copies the write-ahead log into the database file on a goroutine, once no
// one else holds the store, and sets SQLite's automatic checkpoints on again. In a batch begun
// meanwhile it only sets them on: that batch's commit checkpoints.
func (st *Store) checkpointLater() {
	go func() {
		st.mu.Lock()
		defer st.mu.Unlock()
		if st.closed {
			return // closing the database checkpointed it
		}
		c := st.connLocked()
		if st.tx == nil {
			_, _ = c.Exec("PRAGMA wal_checkpoint(PASSIVE)")
		}
		_, _ = c.Exec("PRAGMA wal_autocheckpoint = " + strconv.Itoa(walAutoCheckpoint))
	}()
}

// inTx runs f in one transaction: its own, or a savepoint of the open batch.
func (st *Store) inTx(f func(c conn) error) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.tx != nil {
		if err := st.writeLocked(); err != nil {
			return err
		}
		if _, err := st.tx.Exec("SAVEPOINT save"); err != nil {
			return fmt.Errorf("data file: %w", err)
		}
		if err := f(st.connLocked()); err != nil {
			_, _ = st.tx.Exec("ROLLBACK TO save")
			_, _ = st.tx.Exec("RELEASE save")
			return err
		}
		if _, err := st.tx.Exec("RELEASE save"); err != nil {
			return fmt.Errorf("data file: %w", err)
		}
		return nil
	}
	tx, err := st.db.Begin()
	if err != nil {
		return fmt.Errorf("data file: %w", err)
	}
	if err := f(prepared{st, tx}); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("data file: %w", err)
	}
	return nil
}

// onePayment reads one payment; by id, a payment the batch keeps unwritten is found
// first, and other queries see the batch's payments written.
func (st *Store) onePayment(query string, args ...any) (*records.Payment, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if query == queryPayment {
		id := args[0].(string)
		if p, ok := st.unwritten[id]; ok {
			c := *p
			return &c, nil
		}
		if data, ok, err := st.readAheadLocked(id); ok || err != nil {
			if err != nil {
				return nil, err
			}
			return decodePayment(data)
		}
	} else if err := st.writeLocked(); err != nil {
		return nil, err
	}
	var data []byte
	if err := st.connLocked().QueryRow(query, args...).Scan(&data); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		return nil, fmt.Errorf("data file: reading a payment: %w", err)
	}
	return decodePayment(data)
}

// readAheadAfter is how many payments a batch reads one by one before it reads the open
// ones at once: a clock move that fires a few timers reads only what they need.
const readAheadAfter = 64

// readAheadLocked finds payment id among the open payments a batch read ahead; once the
// batch has read readAheadAfter payments one by one, it reads the open ones (at most
// maxUnwritten) in one query first. ok is false when the payment is not there: the caller
// reads it alone. A payment found is dropped from the read-ahead: once read, the caller saves
// it (or not), and a later read finds it saved.
func (st *Store) readAheadLocked(id string) (data []byte, ok bool, err error) {
	if st.tx == nil {
		return nil, false, nil
	}
	if data, ok := st.readAhead[id]; ok {
		delete(st.readAhead, id)
		return data, true, nil
	}
	st.misses++
	if st.readAheadDone || st.misses < readAheadAfter {
		return nil, false, nil
	}
	st.readAheadDone = true
	rows, err := st.connLocked().Query(queryOpenPaymentsAhead)
	if err != nil {
		return nil, false, fmt.Errorf("data file: reading open payments: %w", err)
	}
	defer rows.Close()
	st.readAhead = map[string][]byte{}
	for rows.Next() {
		var pid string
		var pdata []byte
		if err := rows.Scan(&pid, &pdata); err != nil {
			return nil, false, fmt.Errorf("data file: reading open payments: %w", err)
		}
		// A payment the batch keeps unwritten is newer than its row.
		if _, ok := st.unwritten[pid]; !ok {
			st.readAhead[pid] = pdata
		}
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("data file: reading open payments: %w", err)
	}
	if data, ok := st.readAhead[id]; ok {
		delete(st.readAhead, id)
		return data, true, nil
	}
	return nil, false, nil
}

func (st *Store) payments(query string, args ...any) ([]*records.Payment, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := st.writeLocked(); err != nil {
		return nil, err
	}
	rows, err := st.connLocked().Query(query, args...)
	if err != nil {
		return nil, fmt.Errorf("data file: listing payments: %w", err)
	}
	defer rows.Close()
	var out []*records.Payment
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return nil, fmt.Errorf("data file: listing payments: %w", err)
		}
		p, err := decodePayment(data)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Payment finds a payment by id.
func (st *Store) Payment(id string) (*records.Payment, error) {
	return st.onePayment(queryPayment, id)
}

// PaymentByRequest finds a payment by its client's request id.
func (st *Store) PaymentByRequest(clientID, requestID string) (*records.Payment, error) {
	return st.onePayment("SELECT data FROM payments WHERE client_id = ? AND request_id = ?", clientID, requestID)
}

// PaymentByAnyClient finds a payment by request id alone.
func (st *Store) PaymentByAnyClient(requestID string) (*records.Payment, error) {
	return st.onePayment("SELECT data FROM payments WHERE request_id = ? LIMIT 1", requestID)
}

// SavePayment saves a payment.
func (st *Store) SavePayment(p *records.Payment) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.tx == nil {
		return st.savePaymentLocked(st.connLocked(), p)
	}
	delete(st.readAhead, p.ID)
	// Kept as given (records.Store): the caller does not change it. Its attempts are clipped,
	// so that an append to a copy read back never writes into this record's array.
	p.Notifications = slices.Clip(p.Notifications)
	st.unwritten[p.ID] = p
	if len(st.unwritten) >= maxUnwritten {
		return st.writeLocked()
	}
	return nil
}

func (st *Store) savePaymentLocked(c conn, p *records.Payment) error {
	data, err := appendPayment(st.scratch[:0], p)
	st.scratch = data
	if err != nil {
		return fmt.Errorf("data file: encoding payment %s: %w", p.ID, err)
	}
	_, err = c.Exec(querySavePayment, p.ID, p.ClientID, p.RequestID, p.Open, p.AwaitingFirstDelivery, data)
	if err != nil {
		return fmt.Errorf("data file: saving payment %s: %w", p.ID, err)
	}
	return nil
}

// encodeLocked is v as JSON (as json.Marshal writes it), in the store's buffer: valid until
// the next call.
func (st *Store) encodeLocked(v any) ([]byte, error) {
	st.buf.Reset()
	if err := st.enc.Encode(v); err != nil {
		return nil, err
	}
	b := st.buf.Bytes()
	return b[:len(b)-1], nil // Encode ends the document with a newline
}

// OpenPayments lists the payments saved with Open set.
func (st *Store) OpenPayments() ([]*records.Payment, error) {
	return st.payments("SELECT data FROM payments WHERE open = 1")
}

// AwaitingFirstDelivery lists the payments saved with AwaitingFirstDelivery set.
func (st *Store) AwaitingFirstDelivery() ([]*records.Payment, error) {
	return st.payments("SELECT data FROM payments WHERE awaiting = 1")
}

// Capture finds a capture by its client's request id.
func (st *Store) Capture(clientID, requestID string) (*records.Capture, error) {
	var c records.Capture
	if ok, err := st.scanJSON(&c, "SELECT data FROM captures WHERE client_id = ? AND request_id = ?", clientID, requestID); !ok {
		return nil, err
	}
	return &c, nil
}

// SaveCapture saves a capture and the payment it changed, at once.
func (st *Store) SaveCapture(clientID string, c *records.Capture, p *records.Payment) error {
	return st.inTx(func(tx conn) error {
		delete(st.readAhead, p.ID)
		if err := st.savePaymentLocked(tx, p); err != nil {
			return err
		}
		return st.execJSONLocked(tx, "saving capture "+c.ID, c,
			"INSERT OR REPLACE INTO captures (client_id, request_id, data) VALUES (?, ?, ?)", clientID, c.RequestID)
	})
}

func (st *Store) refundFrom(query string, args ...any) (*records.Refund, error) {
	var r records.Refund
	if ok, err := st.scanJSON(&r, query, args...); !ok {
		return nil, err
	}
	return &r, nil
}

// Refund finds a refund by id.
func (st *Store) Refund(id string) (*records.Refund, error) {
	return st.refundFrom("SELECT data FROM refunds WHERE id = ?", id)
}

// RefundByRequest finds a refund by its client's request id.
func (st *Store) RefundByRequest(clientID, requestID string) (*records.Refund, error) {
	return st.refundFrom("SELECT data FROM refunds WHERE client_id = ? AND request_id = ?", clientID, requestID)
}

// SaveRefund saves a refund and the payment it changed, at once.
func (st *Store) SaveRefund(r *records.Refund, p *records.Payment) error {
	return st.inTx(func(tx conn) error {
		delete(st.readAhead, p.ID)
		if err := st.savePaymentLocked(tx, p); err != nil {
			return err
		}
		return st.execJSONLocked(tx, "saving refund "+r.ID, r,
			"INSERT OR REPLACE INTO refunds (id, client_id, request_id, data) VALUES (?, ?, ?, ?)", r.ID, r.ClientID, r.RequestID)
	})
}

// merchantRecord is a registered merchant; keys as PEM (PKIX).
type merchantRecord struct {
	ClientID  string `json:"clientId"`
	PublicKey string `json:"publicKey"`
	AppID     string `json:"appId,omitempty"`
	NotifyURL string `json:"notifyUrl,omitempty"`
	KitKey    string `json:"kitKey,omitempty"`
}

// Merchants lists the registered merchants.
func (st *Store) Merchants() ([]records.Merchant, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	rows, err := st.connLocked().Query("SELECT data FROM merchants ORDER BY client_id")
	if err != nil {
		return nil, fmt.Errorf("data file: listing merchants: %w", err)
	}
	defer rows.Close()
	var out []records.Merchant
	for rows.Next() {
		var data []byte
		var r merchantRecord
		if err := rows.Scan(&data); err != nil {
			return nil, fmt.Errorf("data file: listing merchants: %w", err)
		}
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, fmt.Errorf("data file: a merchant record does not decode: %w", err)
		}
		m := records.Merchant{ClientID: r.ClientID, AppID: r.AppID, NotifyURL: r.NotifyURL}
		if m.PublicKey, err = parsePublicPEM(r.PublicKey); err != nil {
			return nil, fmt.Errorf("data file: merchant %s: public key: %w", r.ClientID, err)
		}
		if r.KitKey != "" {
			if m.KitKey, err = parsePublicPEM(r.KitKey); err != nil {
				return nil, fmt.Errorf("data file: merchant %s: kit key: %w", r.ClientID, err)
			}
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// SaveMerchant registers a merchant, or replaces the one with the same client id.
func (st *Store) SaveMerchant(m records.Merchant) error {
	r := merchantRecord{ClientID: m.ClientID, AppID: m.AppID, NotifyURL: m.NotifyURL}
	var err error
	if r.PublicKey, err = publicPEM(m.PublicKey); err != nil {
		return fmt.Errorf("data file: merchant %s: %w", m.ClientID, err)
	}
	if m.KitKey != nil {
		if r.KitKey, err = publicPEM(m.KitKey); err != nil {
			return fmt.Errorf("data file: merchant %s: %w", m.ClientID, err)
		}
	}
	return st.exec("saving merchant "+m.ClientID, r, "INSERT OR REPLACE INTO merchants (client_id, data) VALUES (?, ?)", m.ClientID)
}

func publicPEM(k *rsa.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(k)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
}

func parsePublicPEM(s string) (*rsa.PublicKey, error) {
	b, _ := pem.Decode([]byte(s))
	if b == nil {
		return nil, errors.New("not PEM")
	}
	k, err := x509.ParsePKIXPublicKey(b.Bytes)
	if err != nil {
		return nil, err
	}
	rk, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, errors.New("not an RSA key")
	}
	return rk, nil
}

// Pending lists the notification deliveries armed and not finished.
func (st *Store) Pending() ([]records.Delivery, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := st.writeLocked(); err != nil {
		return nil, err
	}
	rows, err := st.connLocked().Query("SELECT data FROM pending ORDER BY payment_id")
	if err != nil {
		return nil, fmt.Errorf("data file: listing pending notifications: %w", err)
	}
	defer rows.Close()
	var out []records.Delivery
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return nil, fmt.Errorf("data file: listing pending notifications: %w", err)
		}
		d, err := decodeDelivery(data)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// SavePending saves the next delivery of a payment's notification.
func (st *Store) SavePending(d records.Delivery) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.tx != nil {
		st.unwrittenPending[d.PaymentID] = &d
		return nil
	}
	return st.savePendingLocked(st.connLocked(), &d)
}

func (st *Store) savePendingLocked(c conn, d *records.Delivery) error {
	data, err := appendDelivery(st.scratch[:0], d)
	st.scratch = data
	if err == nil {
		_, err = c.Exec(querySavePending, d.PaymentID, data)
	}
	if err != nil {
		return fmt.Errorf("data file: saving the pending notification of %s: %w", d.PaymentID, err)
	}
	return nil
}

// DeletePending drops a payment's pending delivery.
func (st *Store) DeletePending(paymentID string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.tx != nil {
		st.unwrittenPending[paymentID] = nil
		return nil
	}
	if _, err := st.connLocked().Exec(queryDeletePending, paymentID); err != nil {
		return fmt.Errorf("data file: dropping the pending notification of %s: %w", paymentID, err)
	}
	return nil
}

// ClockOffset is how far business time was moved ahead of the wall clock.
func (st *Store) ClockOffset() (time.Duration, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	var v string
	err := st.connLocked().QueryRow("SELECT value FROM meta WHERE key = 'clock_offset'").Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("data file: reading the clock offset: %w", err)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("data file: clock offset %q: %w", v, err)
	}
	return time.Duration(n), nil
}

// SaveClockOffset saves how far business time was moved ahead.
func (st *Store) SaveClockOffset(d time.Duration) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, err := st.connLocked().Exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('clock_offset', ?)", strconv.FormatInt(int64(d), 10)); err != nil {
		return fmt.Errorf("data file: saving the clock offset: %w", err)
	}
	return nil
}

// scanJSON reads one JSON document into v; ok is false when there is none or on error.
func (st *Store) scanJSON(v any, query string, args ...any) (ok bool, err error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	var data []byte
	if err := st.connLocked().QueryRow(query, args...).Scan(&data); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return false, fmt.Errorf("data file: %w", err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return false, fmt.Errorf("data file: a record does not decode: %w", err)
	}
	return true, nil
}

// exec writes v as JSON in the last parameter of query.
func (st *Store) exec(what string, v any, query string, args ...any) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.execJSONLocked(st.connLocked(), what, v, query, args...)
}

func (st *Store) execJSONLocked(c conn, what string, v any, query string, args ...any) error {
	data, err := st.encodeLocked(v)
	if err != nil {
		return fmt.Errorf("data file: %s: %w", what, err)
	}
	if _, err := c.Exec(query, append(args, data)...); err != nil {
		return fmt.Errorf("data file: %s: %w", what, err)
	}
	return nil
}
