// Package features embeds the Gherkin scenarios of the kit, so the runner binary carries
// them. Tags on every scenario: the side it checks (@wallet, @merchant), the seed flow steps
// it covers (@step-...), the requirement it proves (@REQ-...; see README.md), and what it
// needs of a target: a flow (@flow-tradeNO, @flow-orderStr, @flow-paymentUrl),
// pre-authorization (@preauth, @flow-preauth), refunds (@refunds), and the kit's extensions
// (@clock, @wallet-mock, @reference-merchant).
package features

import "embed"

// FS holds every *.feature file of this folder at its root.
//
//go:embed *.feature
var FS embed.FS
