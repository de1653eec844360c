package features

import _ "embed"

// README is this folder's README.md: its requirement tables ("| REQ-... | text |") give the
// conformance report the text of each requirement id the scenarios name.
//
//go:embed README.md
var README string
