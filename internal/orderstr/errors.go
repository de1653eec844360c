package orderstr

import "errors"

// Errors a caller can test with errors.Is: a wallet maps the first two to PARAM_ILLEGAL and
// the signature errors to INVALID_SIGNATURE.
var (
	// ErrMissing marks a required parameter or biz_content field that is absent or empty.
	ErrMissing = errors.New("missing")
	// ErrNoSign: the parameters carry no sign.
	ErrNoSign = errors.New("orderstr: sign: missing")
	// ErrUnknownSignType: sign_type is neither RSA2 nor RSA.
	ErrUnknownSignType = errors.New("unknown sign_type")
	// ErrBadSignature: sign does not verify against the public key.
	ErrBadSignature = errors.New("orderstr: sign: signature does not verify")
)

// FieldError reports a parameter or biz_content field that is missing or malformed. Field is
// the parameter name, or "biz_content.<name>" for a field inside biz_content.
type FieldError struct {
	Field string
	Err   error
}

// Error reads "orderstr: <field>: <problem>".
func (e *FieldError) Error() string { return "orderstr: " + truncate(e.Field) + ": " + e.Err.Error() }

// Unwrap gives errors.Is access to ErrMissing and wrapped causes.
func (e *FieldError) Unwrap() error { return e.Err }

func fieldErr(field string, err error) error { return &FieldError{Field: field, Err: err} }

func bizErr(field string, err error) error { return fieldErr(KeyBizContent+"."+field, err) }
