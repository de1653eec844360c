package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/tradepaykit/tradepaykit/internal/dialect"
	"github.com/tradepaykit/tradepaykit/internal/profile"
)

// The dialect a command speaks (docs/dialects.md): the profile's "dialect" and switch fields,
// its preset replaced by --dialect.

// registerDialect adds --dialect to a command's flags.
func registerDialect(fs *flag.FlagSet) *string {
	return fs.String("dialect", "", "the `PRESET` of the OpenAPI's shape to speak and judge by: "+strings.Join(dialect.Presets(), ", ")+
		" (docs/dialects.md); replaces the profile's \"dialect\", whose other switch fields still apply; default the profile's, or kit")
}

// withDialect returns the profile under preset (profile.UnderPreset; the declarations of
// kit:wallet-mock hold under the kit preset only) and the dialect it resolves to. An unknown
// preset or a switch value the preset does not take is an error listing the presets or the
// values.
func withDialect(prof profile.Profile, profileValue, preset string) (profile.Profile, dialect.Dialect, error) {
	prof, err := prof.UnderPreset(preset, profileValue == "kit:wallet-mock")
	if err != nil {
		return prof, dialect.Dialect{}, fmt.Errorf("--dialect: %w", err)
	}
	d, err := prof.Dialect()
	if err != nil {
		return prof, dialect.Dialect{}, fmt.Errorf("the profile's dialect: %w", err)
	}
	return prof, d, nil
}

// pactsApply reports whether the kit's contracts can be verified under d: every preset has
// its pair (pacts/, pacts/<preset>/), which pins the preset as published; a profile that
// overrides a preset's switches is held to its preset's pair, whose failures then name the
// difference.
func pactsApply(d dialect.Dialect) (ok bool, note string) {
	if _, err := dialect.Lookup(d.Preset); err != nil {
		return false, err.Error()
	}
	return true, ""
}

// apiNames are the dialect's API names as its paths carry them, in the protocol's order
// (notifyPayment, which the merchant serves, left out).
func apiNames(d dialect.Dialect) []string {
	var names []string
	for _, api := range dialect.APIs {
		if api != dialect.NotifyPayment {
			names = append(names, d.APIName(api))
		}
	}
	return names
}

// dialectSummary names the dialect for a banner: its label, and the partnerId where it
// carries one.
func dialectSummary(d dialect.Dialect, partnerID string) string {
	s := d.Label()
	if d.PartnerID != dialect.Absent && d.PartnerID != dialect.Optional {
		s += ", partnerId " + partnerID
	}
	return s
}
