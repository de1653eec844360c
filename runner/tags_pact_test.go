//go:build pact

package main

// buildTags are the tags the test binary was built with; the binary the process tests run
// is built with the same, so it verifies the pacts exactly when this test does.
const buildTags = "pact"
