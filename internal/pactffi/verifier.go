//go:build pact

// Package pactffi is a minimal binding of the HTTP provider verifier in libpact_ffi (the
// library pact-go links; TOOLING.md, "Pact FFI"). pact-go's own verifier only runs under a
// *testing.T and reports pass or fail, while the kit's runner verifies external providers
// outside `go test` and must name each failing interaction and each mismatch: the FFI returns
// both as JSON (pactffi_verifier_json), which this package hands back.
package pactffi

/*
#cgo LDFLAGS: -lpact_ffi
#include <stdlib.h>

typedef struct VerifierHandle VerifierHandle;

VerifierHandle *pactffi_verifier_new_for_application(const char *name, const char *version);
void pactffi_verifier_shutdown(VerifierHandle *handle);
void pactffi_verifier_set_provider_info(VerifierHandle *handle, const char *name, const char *scheme,
	const char *host, unsigned short port, const char *path);
void pactffi_verifier_set_provider_state(VerifierHandle *handle, const char *url,
	unsigned char teardown, unsigned char body);
int pactffi_verifier_set_verification_options(VerifierHandle *handle,
	unsigned char disable_ssl_verification, unsigned long request_timeout);
int pactffi_verifier_set_coloured_output(VerifierHandle *handle, unsigned char coloured_output);
int pactffi_verifier_set_no_pacts_is_error(VerifierHandle *handle, unsigned char is_error);
void pactffi_verifier_add_file_source(VerifierHandle *handle, const char *file);
int pactffi_verifier_execute(VerifierHandle *handle);
const char *pactffi_verifier_output(const VerifierHandle *handle, unsigned char strip_ansi);
const char *pactffi_verifier_json(const VerifierHandle *handle);
void pactffi_string_delete(char *string);
*/
import "C"

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"time"
	"unsafe"
)

// Request is one verification run: the pact files, where the provider answers and where
// provider states are set up.
type Request struct {
	// ProviderName is matched against the pacts' provider names.
	ProviderName string
	// ProviderURL is where the verifier sends each interaction's request ("http://127.0.0.1:8080").
	ProviderURL string
	// StateChangeURL receives POST {"state","params","action":"setup"|"teardown"} before and
	// after each interaction; its JSON answer holds the values injected into the request.
	// Empty means no state changes.
	StateChangeURL string
	PactFiles      []string
	// RequestTimeout bounds each request and state change; zero means 30 seconds.
	RequestTimeout time.Duration
}

// Run is what the verifier produced.
type Run struct {
	// Passed is true when every interaction verified.
	Passed bool
	// JSON is the verifier's result document ("result", "errors", "output", ...).
	JSON []byte
	// Output is the verifier's readable report, without colour codes.
	Output string
}

// ErrFailedToRun means the verifier could not produce a result (bad configuration, pact file
// unreadable): no verdict on the provider.
var ErrFailedToRun = errors.New("pactffi: the verifier failed to run")

// Verify runs the verifier once. A failed verification is a Run with Passed false and a nil
// error; an error means no verdict.
func Verify(req Request) (*Run, error) {
	u, err := url.Parse(req.ProviderURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return nil, fmt.Errorf("pactffi: provider URL %q is not an absolute http(s) URL", req.ProviderURL)
	}
	port := 80
	if u.Scheme == "https" {
		port = 443
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil || port <= 0 || port > 65535 {
			return nil, fmt.Errorf("pactffi: provider URL %q has a bad port", req.ProviderURL)
		}
	}
	if len(req.PactFiles) == 0 {
		return nil, errors.New("pactffi: no pact file to verify")
	}
	timeout := req.RequestTimeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	// The library sends usage metrics unless told not to; the kit never phones home.
	if os.Getenv("PACT_DO_NOT_TRACK") == "" {
		if err := os.Setenv("PACT_DO_NOT_TRACK", "true"); err != nil {
			return nil, fmt.Errorf("pactffi: %w", err)
		}
	}

	// The verifier copies every string it is given; they are freed when the run is over.
	var held []*C.char
	cstr := func(s string) *C.char {
		p := C.CString(s)
		held = append(held, p)
		return p
	}
	defer func() {
		for _, p := range held {
			C.free(unsafe.Pointer(p))
		}
	}()

	h := C.pactffi_verifier_new_for_application(cstr("tradepaykit"), cstr("1"))
	if h == nil {
		return nil, fmt.Errorf("%w: no verifier handle", ErrFailedToRun)
	}
	defer C.pactffi_verifier_shutdown(h)

	C.pactffi_verifier_set_provider_info(h, cstr(req.ProviderName), cstr(u.Scheme), cstr(u.Hostname()),
		C.ushort(port), cstr(u.Path))
	if req.StateChangeURL != "" {
		C.pactffi_verifier_set_provider_state(h, cstr(req.StateChangeURL), 1, 1)
	}
	C.pactffi_verifier_set_verification_options(h, 0, C.ulong(timeout.Milliseconds()))
	C.pactffi_verifier_set_coloured_output(h, 0)
	C.pactffi_verifier_set_no_pacts_is_error(h, 1)
	for _, f := range req.PactFiles {
		C.pactffi_verifier_add_file_source(h, cstr(f))
	}

	rc := C.pactffi_verifier_execute(h)
	run := &Run{
		JSON:   []byte(take(C.pactffi_verifier_json(h))),
		Output: take(C.pactffi_verifier_output(h, 1)),
	}
	switch rc {
	case 0:
		run.Passed = true
		return run, nil
	case 1:
		return run, nil
	default:
		return run, fmt.Errorf("%w (code %d): %s", ErrFailedToRun, int(rc), run.Output)
	}
}

// take copies a string the library allocated and frees it.
func take(p *C.char) string {
	if p == nil {
		return ""
	}
	defer C.pactffi_string_delete(p)
	return C.GoString(p)
}
