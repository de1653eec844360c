package orderstr

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Sign types: RSA2 is the profile's; RSA (SHA-1) is accepted because real orderStrs such as
// seed 000's sample still use it.
const (
	SignTypeRSA2 = "RSA2"
	SignTypeRSA  = "RSA"
)

// hashOf maps sign_type (case-insensitive) to its digest.
func hashOf(signType string) (crypto.Hash, error) {
	switch {
	case strings.EqualFold(signType, SignTypeRSA2):
		return crypto.SHA256, nil
	case strings.EqualFold(signType, SignTypeRSA):
		return crypto.SHA1, nil
	case signType == "":
		return 0, fieldErr(KeySignType, ErrMissing)
	}
	return 0, fieldErr(KeySignType, fmt.Errorf("%w %q (want RSA2 or RSA)", ErrUnknownSignType, truncate(printable(signType))))
}

func digest(h crypto.Hash, content []byte) []byte {
	if h == crypto.SHA1 {
		d := sha1.Sum(content)
		return d[:]
	}
	d := sha256.Sum256(content)
	return d[:]
}

// SigningContent returns the bytes a signature covers: every parameter but sign and the
// empty ones, keys in byte order, "k=v" joined with "&", values raw (not URL-encoded), in
// the declared charset. sign_type is included.
func SigningContent(p Params) ([]byte, error) {
	cs, err := charsetOf(p)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	for _, k := range p.sortedKeys() {
		v := p[k]
		if k == KeySign || v == "" {
			continue
		}
		kb, err := cs.encode(k)
		if err != nil {
			return nil, fieldErr(k, err)
		}
		vb, err := cs.encode(v)
		if err != nil {
			return nil, fieldErr(k, err)
		}
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.Write(kb)
		b.WriteByte('=')
		b.Write(vb)
	}
	return b.Bytes(), nil
}

// Sign returns a copy of p with sign set: PKCS#1 v1.5 over SigningContent with the digest
// sign_type names (RSA2: SHA-256, RSA: SHA-1), Base64. PKCS#1 v1.5 is deterministic, so the
// same parameters and key always give the same sign.
func Sign(p Params, key *rsa.PrivateKey) (Params, error) {
	if key == nil {
		return nil, errors.New("orderstr: sign: no private key")
	}
	h, err := hashOf(p[KeySignType])
	if err != nil {
		return nil, err
	}
	content, err := SigningContent(p)
	if err != nil {
		return nil, err
	}
	sig, err := rsa.SignPKCS1v15(nil, key, h, digest(h, content))
	if err != nil {
		return nil, fmt.Errorf("orderstr: sign: %w", err)
	}
	signed := p.Clone()
	signed[KeySign] = base64.StdEncoding.EncodeToString(sig)
	return signed, nil
}

// Verify checks the sign of p against the signer's public key. The error wraps ErrNoSign,
// ErrUnknownSignType or ErrBadSignature, or names the parameter that cannot be encoded.
func Verify(p Params, pub *rsa.PublicKey) error {
	if pub == nil {
		return errors.New("orderstr: verify: no public key")
	}
	if p[KeySign] == "" {
		return ErrNoSign
	}
	h, err := hashOf(p[KeySignType])
	if err != nil {
		return err
	}
	sig, err := base64.StdEncoding.DecodeString(p[KeySign])
	if err != nil {
		return fmt.Errorf("%w: not Base64: %v", ErrBadSignature, err)
	}
	content, err := SigningContent(p)
	if err != nil {
		return err
	}
	if err := rsa.VerifyPKCS1v15(pub, h, digest(h, content), sig); err != nil {
		return fmt.Errorf("%w (sign_type %s)", ErrBadSignature, p[KeySignType])
	}
	return nil
}
