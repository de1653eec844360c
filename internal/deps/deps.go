//go:build tools

// Package deps pins modules that the kit uses before code imports them, so `go mod tidy`
// keeps them. It is never built.
package deps

import (
	_ "github.com/cucumber/godog"
	_ "github.com/pact-foundation/pact-go/v2/consumer"
	_ "github.com/pact-foundation/pact-go/v2/provider"
	_ "github.com/stretchr/testify/require"
	_ "golang.org/x/text/encoding/simplifiedchinese"
)
