// Package features embeds the Gherkin scenarios of the kit, so the runner binary carries
// them. Tags on every scenario: the side it checks (@wallet, @merchant), the seed flow steps
// it covers (@step-...), the requirement it proves (@REQ-...; see README.md), and the
// capabilities it needs (@clock, @wallet-mock).
package features

import "embed"

// FS holds every *.feature file of this folder at its root.
//
//go:embed *.feature
var FS embed.FS
