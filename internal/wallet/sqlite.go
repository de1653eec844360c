package wallet

import (
	"crypto/rsa"
	"crypto/x509"
	"database/sql"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	// The pure-Go SQLite driver: no cgo, so the runner still builds with CGO_ENABLED=0.
	_ "modernc.org/sqlite"

	"github.com/tradepaykit/tradepaykit/internal/money"
	"github.com/tradepaykit/tradepaykit/internal/openapi"
)

// schemaVersion is written to PRAGMA user_version; a file of another version is refused rather
// than misread.
const schemaVersion = 1

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

// sqliteStore keeps the records in one SQLite file (modernc.org/sqlite, pure Go). Each record
// is a JSON document beside the columns it is looked up by. Nothing is cached in Go: memory
// stays what SQLite's page cache takes, however many payments the file holds.
//
// Every save is its own transaction in WAL mode with synchronous=NORMAL: a commit is in the
// log before the call returns, so a process killed at any moment (SIGKILL) loses nothing it
// answered; only a power loss may lose the last commits.
type sqliteStore struct {
	db *sql.DB
}

// openSQLite opens (or creates) the data file at path.
func openSQLite(path string) (*sqliteStore, error) {
	if path == "" {
		return nil, errors.New("wallet: data file: empty path")
	}
	q := url.Values{}
	for _, p := range []string{"busy_timeout(5000)", "journal_mode(WAL)", "synchronous(NORMAL)", "foreign_keys(ON)"} {
		q.Add("_pragma", p)
	}
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("wallet: data file %s: %w", path, err)
	}
	// One connection: the server serializes its calls anyway, and SQLite allows one writer.
	db.SetMaxOpenConns(1)
	st := &sqliteStore{db: db}
	if err := st.init(); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("wallet: data file %s: %w", path, err)
	}
	return st, nil
}

func (st *sqliteStore) init() error {
	var version int
	if err := st.db.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("not a SQLite database: %w", err)
	}
	if version != 0 && version != schemaVersion {
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

func (st *sqliteStore) close() error { return st.db.Close() }

// amountRecord keeps an amount as it is in memory; the zero amount (no currency yet) is
// allowed, which the wire form refuses.
type amountRecord struct {
	Currency string `json:"c,omitempty"`
	Value    int64  `json:"v,omitempty"`
}

func toAmountRecord(a money.Amount) amountRecord { return amountRecord{a.Currency, a.Value} }
func (a amountRecord) amount() money.Amount {
	return money.Amount{Currency: a.Currency, Value: a.Value}
}

// paymentRecord is a payment as the data file holds it.
type paymentRecord struct {
	ID            string               `json:"id"`
	RequestID     string               `json:"requestId"`
	ClientID      string               `json:"clientId"`
	Kind          Kind                 `json:"kind"`
	Amount        amountRecord         `json:"amount"`
	Title         string               `json:"title"`
	ProductCode   string               `json:"productCode"`
	NotifyURL     string               `json:"notifyUrl"`
	Source        string               `json:"source"`
	Fingerprint   string               `json:"fingerprint"`
	RawBody       string               `json:"rawBody,omitempty"`
	Status        string               `json:"status"`
	CreatedAt     time.Time            `json:"createdAt,omitzero"`
	Deadline      time.Time            `json:"deadline,omitzero"`
	PaidAt        time.Time            `json:"paidAt,omitzero"`
	AuthExpiry    time.Time            `json:"authExpiry,omitzero"`
	FailReason    string               `json:"failReason,omitempty"`
	CancelTime    time.Time            `json:"cancelTime,omitzero"`
	Payer         string               `json:"payer,omitempty"`
	Captured      amountRecord         `json:"captured"`
	Released      amountRecord         `json:"released"`
	Closed        bool                 `json:"closed,omitempty"`
	Refunded      amountRecord         `json:"refunded"`
	PayResponse   *openapi.PayResponse `json:"payResponse,omitempty"`
	Notifications []Attempt            `json:"notifications,omitempty"`
	NotifyDue     bool                 `json:"notifyDue,omitempty"`
}

func toPaymentRecord(p *payment) paymentRecord {
	return paymentRecord{
		ID: p.ID, RequestID: p.RequestID, ClientID: p.ClientID, Kind: p.Kind, Amount: toAmountRecord(p.Amount),
		Title: p.Title, ProductCode: p.ProductCode, NotifyURL: p.NotifyURL, Source: p.Source, Fingerprint: p.fingerprint, RawBody: p.rawBody,
		Status: p.Status, CreatedAt: p.CreatedAt, Deadline: p.Deadline, PaidAt: p.PaidAt,
		AuthExpiry: p.AuthExpiry, FailReason: p.FailReason, CancelTime: p.CancelTime, Payer: p.Payer,
		Captured: toAmountRecord(p.Captured), Released: toAmountRecord(p.Released), Closed: p.Closed,
		Refunded: toAmountRecord(p.Refunded), PayResponse: p.payResponse, Notifications: p.notifications, NotifyDue: p.notifyDue,
	}
}

func (r paymentRecord) payment() *payment {
	return &payment{
		ID: r.ID, RequestID: r.RequestID, ClientID: r.ClientID, Kind: r.Kind, Amount: r.Amount.amount(),
		Title: r.Title, ProductCode: r.ProductCode, NotifyURL: r.NotifyURL, Source: r.Source, fingerprint: r.Fingerprint, rawBody: r.RawBody,
		Status: r.Status, CreatedAt: r.CreatedAt, Deadline: r.Deadline, PaidAt: r.PaidAt,
		AuthExpiry: r.AuthExpiry, FailReason: r.FailReason, CancelTime: r.CancelTime, Payer: r.Payer,
		Captured: r.Captured.amount(), Released: r.Released.amount(), Closed: r.Closed,
		Refunded: r.Refunded.amount(), payResponse: r.PayResponse, notifications: r.Notifications, notifyDue: r.NotifyDue,
	}
}

func (st *sqliteStore) scanPayment(row *sql.Row) (*payment, error) {
	var data []byte
	if err := row.Scan(&data); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		return nil, fmt.Errorf("wallet: data file: reading a payment: %w", err)
	}
	var r paymentRecord
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("wallet: data file: a payment record does not decode: %w", err)
	}
	return r.payment(), nil
}

func (st *sqliteStore) payments(query string, args ...any) ([]*payment, error) {
	rows, err := st.db.Query(query, args...)
	if err != nil {
		return nil, fmt.Errorf("wallet: data file: listing payments: %w", err)
	}
	defer rows.Close()
	var out []*payment
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return nil, fmt.Errorf("wallet: data file: listing payments: %w", err)
		}
		var r paymentRecord
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, fmt.Errorf("wallet: data file: a payment record does not decode: %w", err)
		}
		out = append(out, r.payment())
	}
	return out, rows.Err()
}

func (st *sqliteStore) payment(id string) (*payment, error) {
	return st.scanPayment(st.db.QueryRow("SELECT data FROM payments WHERE id = ?", id))
}

func (st *sqliteStore) paymentByRequest(clientID, requestID string) (*payment, error) {
	return st.scanPayment(st.db.QueryRow("SELECT data FROM payments WHERE client_id = ? AND request_id = ?", clientID, requestID))
}

func (st *sqliteStore) paymentByAnyClient(requestID string) (*payment, error) {
	return st.scanPayment(st.db.QueryRow("SELECT data FROM payments WHERE request_id = ? LIMIT 1", requestID))
}

// execer is a database or a transaction.
type execer interface {
	Exec(query string, args ...any) (sql.Result, error)
}

func (st *sqliteStore) savePayment(p *payment) error { return savePayment(st.db, p) }

func savePayment(db execer, p *payment) error {
	data, err := json.Marshal(toPaymentRecord(p))
	if err != nil {
		return fmt.Errorf("wallet: data file: encoding payment %s: %w", p.ID, err)
	}
	_, err = db.Exec(`INSERT INTO payments (id, client_id, request_id, open, awaiting, data) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET open = excluded.open, awaiting = excluded.awaiting, data = excluded.data`,
		p.ID, p.ClientID, p.RequestID, p.open(), p.awaitingFirstDelivery(), data)
	if err != nil {
		return fmt.Errorf("wallet: data file: saving payment %s: %w", p.ID, err)
	}
	return nil
}

func (st *sqliteStore) openPayments() ([]*payment, error) {
	return st.payments("SELECT data FROM payments WHERE open = 1")
}

func (st *sqliteStore) awaitingFirstDelivery() ([]*payment, error) {
	return st.payments("SELECT data FROM payments WHERE awaiting = 1")
}

// captureRecord and refundRecord are a capture and a refund as the data file holds them.
type captureRecord struct {
	ID          string                   `json:"id"`
	RequestID   string                   `json:"requestId"`
	PaymentID   string                   `json:"paymentId"`
	Amount      amountRecord             `json:"amount"`
	Time        time.Time                `json:"time"`
	Fingerprint string                   `json:"fingerprint"`
	Response    *openapi.CaptureResponse `json:"response"`
}

type refundRecord struct {
	ID          string                  `json:"id"`
	RequestID   string                  `json:"requestId"`
	ClientID    string                  `json:"clientId"`
	PaymentID   string                  `json:"paymentId"`
	Amount      amountRecord            `json:"amount"`
	Reason      string                  `json:"reason,omitempty"`
	Time        time.Time               `json:"time"`
	Fingerprint string                  `json:"fingerprint"`
	Response    *openapi.RefundResponse `json:"response"`
}

func (st *sqliteStore) capture(clientID, requestID string) (*capture, error) {
	var r captureRecord
	if ok, err := st.scanJSON(&r, "SELECT data FROM captures WHERE client_id = ? AND request_id = ?", clientID, requestID); !ok {
		return nil, err
	}
	return &capture{ID: r.ID, RequestID: r.RequestID, PaymentID: r.PaymentID, Amount: r.Amount.amount(), Time: r.Time,
		fingerprint: r.Fingerprint, response: r.Response}, nil
}

func (st *sqliteStore) saveCapture(clientID string, c *capture, p *payment) error {
	return st.inTx(func(tx *sql.Tx) error {
		if err := savePayment(tx, p); err != nil {
			return err
		}
		return execJSON(tx, "saving capture "+c.ID, captureRecord{ID: c.ID, RequestID: c.RequestID, PaymentID: c.PaymentID,
			Amount: toAmountRecord(c.Amount), Time: c.Time, Fingerprint: c.fingerprint, Response: c.response},
			"INSERT OR REPLACE INTO captures (client_id, request_id, data) VALUES (?, ?, ?)", clientID, c.RequestID)
	})
}

// inTx runs f in one transaction.
func (st *sqliteStore) inTx(f func(tx *sql.Tx) error) error {
	tx, err := st.db.Begin()
	if err != nil {
		return fmt.Errorf("wallet: data file: %w", err)
	}
	if err := f(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("wallet: data file: %w", err)
	}
	return nil
}

func (st *sqliteStore) refundFrom(query string, args ...any) (*refund, error) {
	var r refundRecord
	if ok, err := st.scanJSON(&r, query, args...); !ok {
		return nil, err
	}
	return &refund{ID: r.ID, RequestID: r.RequestID, ClientID: r.ClientID, PaymentID: r.PaymentID, Amount: r.Amount.amount(),
		Reason: r.Reason, Time: r.Time, fingerprint: r.Fingerprint, response: r.Response}, nil
}

func (st *sqliteStore) refund(id string) (*refund, error) {
	return st.refundFrom("SELECT data FROM refunds WHERE id = ?", id)
}

func (st *sqliteStore) refundByRequest(clientID, requestID string) (*refund, error) {
	return st.refundFrom("SELECT data FROM refunds WHERE client_id = ? AND request_id = ?", clientID, requestID)
}

func (st *sqliteStore) saveRefund(r *refund, p *payment) error {
	return st.inTx(func(tx *sql.Tx) error {
		if err := savePayment(tx, p); err != nil {
			return err
		}
		return execJSON(tx, "saving refund "+r.ID, refundRecord{ID: r.ID, RequestID: r.RequestID, ClientID: r.ClientID, PaymentID: r.PaymentID,
			Amount: toAmountRecord(r.Amount), Reason: r.Reason, Time: r.Time, Fingerprint: r.fingerprint, Response: r.response},
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

func (st *sqliteStore) merchants() ([]Merchant, error) {
	rows, err := st.db.Query("SELECT data FROM merchants ORDER BY client_id")
	if err != nil {
		return nil, fmt.Errorf("wallet: data file: listing merchants: %w", err)
	}
	defer rows.Close()
	var out []Merchant
	for rows.Next() {
		var data []byte
		var r merchantRecord
		if err := rows.Scan(&data); err != nil {
			return nil, fmt.Errorf("wallet: data file: listing merchants: %w", err)
		}
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, fmt.Errorf("wallet: data file: a merchant record does not decode: %w", err)
		}
		m := Merchant{ClientID: r.ClientID, AppID: r.AppID, NotifyURL: r.NotifyURL}
		if m.PublicKey, err = parsePublicPEM(r.PublicKey); err != nil {
			return nil, fmt.Errorf("wallet: data file: merchant %s: public key: %w", r.ClientID, err)
		}
		if r.KitKey != "" {
			if m.KitKey, err = parsePublicPEM(r.KitKey); err != nil {
				return nil, fmt.Errorf("wallet: data file: merchant %s: kit key: %w", r.ClientID, err)
			}
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func (st *sqliteStore) saveMerchant(m Merchant) error {
	r := merchantRecord{ClientID: m.ClientID, AppID: m.AppID, NotifyURL: m.NotifyURL}
	var err error
	if r.PublicKey, err = publicPEM(m.PublicKey); err != nil {
		return fmt.Errorf("wallet: data file: merchant %s: %w", m.ClientID, err)
	}
	if m.KitKey != nil {
		if r.KitKey, err = publicPEM(m.KitKey); err != nil {
			return fmt.Errorf("wallet: data file: merchant %s: %w", m.ClientID, err)
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

// pendingRecord is a pending delivery as the data file holds it.
type pendingRecord struct {
	PaymentID string    `json:"paymentId"`
	RequestID string    `json:"requestId"`
	ClientID  string    `json:"clientId"`
	URL       string    `json:"url"`
	Status    string    `json:"status"`
	Body      string    `json:"body"`
	Attempt   int       `json:"attempt"`
	Due       time.Time `json:"due"`
}

func (st *sqliteStore) pending() ([]pendingDelivery, error) {
	rows, err := st.db.Query("SELECT data FROM pending ORDER BY payment_id")
	if err != nil {
		return nil, fmt.Errorf("wallet: data file: listing pending notifications: %w", err)
	}
	defer rows.Close()
	var out []pendingDelivery
	for rows.Next() {
		var data []byte
		var r pendingRecord
		if err := rows.Scan(&data); err != nil {
			return nil, fmt.Errorf("wallet: data file: listing pending notifications: %w", err)
		}
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, fmt.Errorf("wallet: data file: a pending notification does not decode: %w", err)
		}
		out = append(out, pendingDelivery{
			Job: notifyJob{paymentID: r.PaymentID, requestID: r.RequestID, clientID: r.ClientID, url: r.URL,
				status: r.Status, body: []byte(r.Body)},
			Attempt: r.Attempt, Due: r.Due,
		})
	}
	return out, rows.Err()
}

func (st *sqliteStore) savePending(d pendingDelivery) error {
	j := d.Job
	return st.exec("saving the pending notification of "+j.paymentID, pendingRecord{
		PaymentID: j.paymentID, RequestID: j.requestID, ClientID: j.clientID, URL: j.url, Status: j.status,
		Body: string(j.body), Attempt: d.Attempt, Due: d.Due,
	}, "INSERT OR REPLACE INTO pending (payment_id, data) VALUES (?, ?)", j.paymentID)
}

func (st *sqliteStore) deletePending(paymentID string) error {
	if _, err := st.db.Exec("DELETE FROM pending WHERE payment_id = ?", paymentID); err != nil {
		return fmt.Errorf("wallet: data file: dropping the pending notification of %s: %w", paymentID, err)
	}
	return nil
}

func (st *sqliteStore) clockOffset() (time.Duration, error) {
	var v string
	err := st.db.QueryRow("SELECT value FROM meta WHERE key = 'clock_offset'").Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("wallet: data file: reading the clock offset: %w", err)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("wallet: data file: clock offset %q: %w", v, err)
	}
	return time.Duration(n), nil
}

func (st *sqliteStore) saveClockOffset(d time.Duration) error {
	if _, err := st.db.Exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('clock_offset', ?)", strconv.FormatInt(int64(d), 10)); err != nil {
		return fmt.Errorf("wallet: data file: saving the clock offset: %w", err)
	}
	return nil
}

// scanJSON reads one JSON document into v; ok is false when there is none or on error.
func (st *sqliteStore) scanJSON(v any, query string, args ...any) (ok bool, err error) {
	var data []byte
	if err := st.db.QueryRow(query, args...).Scan(&data); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return false, fmt.Errorf("wallet: data file: %w", err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return false, fmt.Errorf("wallet: data file: a record does not decode: %w", err)
	}
	return true, nil
}

// exec writes v as JSON in the last parameter of query.
func (st *sqliteStore) exec(what string, v any, query string, args ...any) error {
	return execJSON(st.db, what, v, query, args...)
}

func execJSON(db execer, what string, v any, query string, args ...any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("wallet: data file: %s: %w", what, err)
	}
	if _, err := db.Exec(query, append(args, data)...); err != nil {
		return fmt.Errorf("wallet: data file: %s: %w", what, err)
	}
	return nil
}
