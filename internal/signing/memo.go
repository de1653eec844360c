package signing

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Memo signs each distinct message once. RSASSA-PKCS1-v1_5 is deterministic: the same key
// over the same content gives the same signature, so a message signed again (a retried
// notification within the same second, the same S answer to every notification, a replayed
// request) gets the signature remembered from the first time instead of another RSA
// operation, which costs about a millisecond. Every message still carries its own valid
// signature; nothing is skipped. The Memo remembers the last MemoSize messages and counts
// what it did, so a benchmark can report signatures made and verified per run.
//
// A Memo is safe for concurrent use; parties that share one share its memory and counts.
// A nil *Memo signs and verifies without remembering or counting.
type Memo struct {
	mu     sync.Mutex
	recent map[memoKey][]byte
	ring   []memoKey // insertion order, to forget the oldest
	next   int
	size   int

	signed, reused, verified atomic.Int64
}

// MemoSize is how many signatures a Memo remembers: repeats come within the same second
// (the time is part of the content), so a short memory catches them.
const MemoSize = 1024

type memoKey struct {
	key    *rsa.PrivateKey
	digest [sha256.Size]byte
}

// NewMemo returns an empty Memo.
func NewMemo() *Memo { return newMemo(MemoSize) }

func newMemo(size int) *Memo {
	return &Memo{recent: make(map[memoKey][]byte, size), ring: make([]memoKey, 0, size), size: size}
}

// MemoCounts is what a Memo did.
type MemoCounts struct {
	Signed   int64 // RSA signatures computed
	Reused   int64 // signatures taken from memory instead
	Verified int64 // signatures verified
}

// Counts returns what the Memo did so far.
func (m *Memo) Counts() MemoCounts {
	if m == nil {
		return MemoCounts{}
	}
	return MemoCounts{Signed: m.signed.Load(), Reused: m.reused.Load(), Verified: m.verified.Load()}
}

// Sign is Style.Sign, through the memo.
func (m *Memo) Sign(s Style, key *rsa.PrivateKey, msg Message) (string, error) {
	if m == nil || key == nil {
		return s.Sign(key, msg)
	}
	k := memoKey{key: key, digest: sha256.Sum256(msg.Content())}
	m.mu.Lock()
	sig, ok := m.recent[k]
	m.mu.Unlock()
	if ok {
		m.reused.Add(1)
		return s.header(sig), nil
	}
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, k.digest[:])
	if err != nil {
		return "", fmt.Errorf("signing: %w", err)
	}
	m.signed.Add(1)
	m.remember(k, sig)
	return s.header(sig), nil
}

func (m *Memo) remember(k memoKey, sig []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.recent[k]; ok {
		return
	}
	if len(m.ring) < m.size {
		m.ring = append(m.ring, k)
	} else {
		delete(m.recent, m.ring[m.next])
		m.ring[m.next] = k
		m.next = (m.next + 1) % m.size
	}
	m.recent[k] = sig
}

// Verify is the package's Verify, counted.
func (m *Memo) Verify(pub *rsa.PublicKey, msg Message, h string) error {
	if m != nil {
		m.verified.Add(1)
	}
	return Verify(pub, msg, h)
}

// SignRequest is Style.SignRequest, through the memo.
func (m *Memo) SignRequest(s Style, req *http.Request, body []byte, clientID string, key *rsa.PrivateKey, now time.Time) error {
	return s.signRequest(m, req, body, clientID, key, now)
}

// SignResponseHeaders is Style.SignResponseHeaders, through the memo.
func (m *Memo) SignResponseHeaders(s Style, h http.Header, method, path, clientID string, body []byte, key *rsa.PrivateKey, now time.Time) error {
	return s.signResponseHeaders(m, h, method, path, clientID, body, key, now)
}
