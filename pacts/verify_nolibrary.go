//go:build !pact

package pacts

// LibraryLinked reports whether this build links libpact_ffi (the pact tag, with cgo), so
// that VerifyWallet and VerifyMerchant verify without a Pact CLI.
const LibraryLinked = false

// verifyWithLibrary has no library to run in a build without the pact tag.
func verifyWithLibrary(verifierRequest) (*verifierRun, error) {
	return nil, ErrNoVerifier
}
