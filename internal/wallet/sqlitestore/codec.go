package sqlitestore

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/tradepaykit/tradepaykit/internal/openapi"
	"github.com/tradepaykit/tradepaykit/internal/wallet/records"
)

// Payments and pending deliveries, the records a clock move reads and writes by the ten
// thousand, are kept in a compact binary form (schema 2): decoding a payment from JSON was
// the largest cost of a move's reads, and encoding it a third of its write. The form opens
// with recordFormat; each field follows in a fixed order, a string as its length (uvarint)
// and bytes, an integer as a varint, a time as time.Time's binary form (nothing for the zero
// time). A record that opens with '{' is JSON, as schema 1 wrote it: a file from that version
// is read as it is, and each record it rewrites takes the binary form. Captures, refunds and
// merchants stay JSON.
const recordFormat byte = 1

var errShort = errors.New("record ends early")

type encoder struct{ b []byte }

func (e *encoder) str(s string) {
	e.b = binary.AppendUvarint(e.b, uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *encoder) int(v int64) { e.b = binary.AppendVarint(e.b, v) }

func (e *encoder) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

func (e *encoder) time(t time.Time) error {
	if t.IsZero() {
		e.b = append(e.b, 0)
		return nil
	}
	b, err := t.MarshalBinary()
	if err != nil {
		return err
	}
	e.b = append(e.b, byte(len(b)))
	e.b = append(e.b, b...)
	return nil
}

func (e *encoder) amount(a records.Amount) {
	e.str(a.Currency)
	e.int(a.Value)
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
	d.b = nil
}

func (d *decoder) bytes() []byte {
	n, k := binary.Uvarint(d.b)
	if k <= 0 || n > uint64(len(d.b)-k) {
		d.fail(errShort)
		return nil
	}
	b := d.b[k : k+int(n)]
	d.b = d.b[k+int(n):]
	return b
}

func (d *decoder) str() string { return string(d.bytes()) }

func (d *decoder) int() int64 {
	v, k := binary.Varint(d.b)
	if k <= 0 {
		d.fail(errShort)
		return 0
	}
	d.b = d.b[k:]
	return v
}

func (d *decoder) bool() bool {
	if len(d.b) == 0 {
		d.fail(errShort)
		return false
	}
	v := d.b[0] != 0
	d.b = d.b[1:]
	return v
}

func (d *decoder) time() time.Time {
	if len(d.b) == 0 {
		d.fail(errShort)
		return time.Time{}
	}
	n := int(d.b[0])
	if n == 0 || len(d.b) < 1+n {
		if n != 0 {
			d.fail(errShort)
		} else {
			d.b = d.b[1:]
		}
		return time.Time{}
	}
	var t time.Time
	if err := t.UnmarshalBinary(d.b[1 : 1+n]); err != nil {
		d.fail(err)
		return time.Time{}
	}
	d.b = d.b[1+n:]
	return t
}

func (d *decoder) amount() records.Amount {
	return records.Amount{Currency: d.str(), Value: d.int()}
}

// done is the decoder's error, or one for bytes left over.
func (d *decoder) done() error {
	if d.err == nil && len(d.b) != 0 {
		d.err = fmt.Errorf("%d bytes left over", len(d.b))
	}
	return d.err
}

// appendPayment appends p's binary form to b.
func appendPayment(b []byte, p *records.Payment) ([]byte, error) {
	e := encoder{append(b, recordFormat)}
	for _, s := range []string{p.ID, p.RequestID, p.ClientID, p.Kind} {
		e.str(s)
	}
	e.amount(p.Amount)
	for _, s := range []string{p.Title, p.ProductCode, p.PartnerID, p.NotifyURL, p.Source, p.Fingerprint, p.RawBody, p.Status} {
		e.str(s)
	}
	for _, t := range []time.Time{p.CreatedAt, p.Deadline, p.PaidAt, p.AuthExpiry} {
		if err := e.time(t); err != nil {
			return nil, err
		}
	}
	e.str(p.FailReason)
	if err := e.time(p.CancelTime); err != nil {
		return nil, err
	}
	e.str(p.Payer)
	e.amount(p.Captured)
	e.amount(p.Released)
	e.bool(p.Closed)
	e.amount(p.Refunded)
	if p.PayResponse == nil {
		e.str("")
	} else {
		// Kept whole as JSON: it is the answer a repeated pay gets, read back once.
		pr, err := json.Marshal(p.PayResponse)
		if err != nil {
			return nil, err
		}
		e.str(string(pr))
	}
	e.int(int64(len(p.Notifications)))
	for _, a := range p.Notifications {
		e.int(int64(a.Attempt))
		if err := e.time(a.At); err != nil {
			return nil, err
		}
		for _, s := range []string{a.PaymentStatus, a.Outcome, a.ResultCode, a.Detail} {
			e.str(s)
		}
		e.bool(a.Signed)
		e.str(a.AnswerSignature)
	}
	e.bool(p.NotifyDue)
	return e.b, nil
}

// decodePayment reads a payment in either form.
func decodePayment(data []byte) (*records.Payment, error) {
	var p records.Payment
	var err error
	if len(data) > 0 && data[0] == '{' {
		err = json.Unmarshal(data, &p)
	} else {
		err = decodePaymentBinary(data, &p)
	}
	if err != nil {
		return nil, fmt.Errorf("data file: a payment record does not decode: %w", err)
	}
	return &p, nil
}

func decodePaymentBinary(data []byte, p *records.Payment) error {
	if len(data) == 0 || data[0] != recordFormat {
		return errors.New("not a record of this version")
	}
	d := decoder{b: data[1:]}
	p.ID, p.RequestID, p.ClientID, p.Kind = d.str(), d.str(), d.str(), d.str()
	p.Amount = d.amount()
	p.Title, p.ProductCode, p.PartnerID, p.NotifyURL = d.str(), d.str(), d.str(), d.str()
	p.Source, p.Fingerprint, p.RawBody, p.Status = d.str(), d.str(), d.str(), d.str()
	p.CreatedAt, p.Deadline, p.PaidAt, p.AuthExpiry = d.time(), d.time(), d.time(), d.time()
	p.FailReason = d.str()
	p.CancelTime = d.time()
	p.Payer = d.str()
	p.Captured, p.Released = d.amount(), d.amount()
	p.Closed = d.bool()
	p.Refunded = d.amount()
	if pr := d.bytes(); len(pr) > 0 {
		p.PayResponse = new(openapi.PayResponse)
		if err := json.Unmarshal(pr, p.PayResponse); err != nil {
			return fmt.Errorf("payResponse: %w", err)
		}
	}
	n := d.int()
	if n < 0 || n > int64(len(d.b)) { // every attempt takes a few bytes
		d.fail(errShort)
	} else if n > 0 {
		p.Notifications = make([]records.Attempt, n)
		for i := range p.Notifications {
			a := &p.Notifications[i]
			a.Attempt = int(d.int())
			a.At = d.time()
			a.PaymentStatus, a.Outcome, a.ResultCode, a.Detail = d.str(), d.str(), d.str(), d.str()
			a.Signed = d.bool()
			a.AnswerSignature = d.str()
		}
	}
	p.NotifyDue = d.bool()
	return d.done()
}

// appendDelivery appends d's binary form to b.
func appendDelivery(b []byte, d *records.Delivery) ([]byte, error) {
	e := encoder{append(b, recordFormat)}
	for _, s := range []string{d.PaymentID, d.RequestID, d.ClientID, d.URL, d.Status, d.Body} {
		e.str(s)
	}
	e.int(int64(d.Attempt))
	if err := e.time(d.Due); err != nil {
		return nil, err
	}
	return e.b, nil
}

// decodeDelivery reads a pending delivery in either form.
func decodeDelivery(data []byte) (records.Delivery, error) {
	var r records.Delivery
	if len(data) > 0 && data[0] == '{' {
		if err := json.Unmarshal(data, &r); err != nil {
			return r, fmt.Errorf("data file: a pending notification does not decode: %w", err)
		}
		return r, nil
	}
	if len(data) == 0 || data[0] != recordFormat {
		return r, errors.New("data file: a pending notification does not decode: not a record of this version")
	}
	d := decoder{b: data[1:]}
	r.PaymentID, r.RequestID, r.ClientID, r.URL, r.Status, r.Body = d.str(), d.str(), d.str(), d.str(), d.str(), d.str()
	r.Attempt = int(d.int())
	r.Due = d.time()
	if err := d.done(); err != nil {
		return r, fmt.Errorf("data file: a pending notification does not decode: %w", err)
	}
	return r, nil
}
