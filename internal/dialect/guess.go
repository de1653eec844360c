package dialect

import (
	"fmt"
	"strings"
)

// Signals are what a probe saw of a target that may speak another dialect than its profile
// says. A zero field was not observed.
type Signals struct {
	// PathVersion is the version segment of the path the target answered (or, a merchant,
	// called) on: "v2" when /v1 is unknown but /v2 answers.
	PathVersion string
	// BasePath is the URL prefix the target answered (or called) under when the profile's
	// prefix was not it ("/acl/api"); "/" when it used none while the profile names one.
	BasePath string
	// RefundAPI is the refund API name the target answered on when the profile's was unknown.
	RefundAPI RefundAPIName
	// PartnerID is Required when the target refused a request for lacking partnerId (it
	// requires one), Optional when it sent a message carrying one (a reader of any dialect
	// tolerates it), Absent when it sent a message without one.
	PartnerID Presence
	// NotifyOutcome is the shape of a notification the target sent.
	NotifyOutcome Outcome
	// OrderTitle is the title field the target refused pay for lacking, or the only one a
	// merchant's pay carried.
	OrderTitle TitleField
	// AppID is Required when the target refused pay for lacking appId.
	AppID Presence
}

// Guess is the presets that best explain the signals.
type Guess struct {
	// Presets match every signal when Exact, else as many as any preset does; table order.
	Presets []string
	Exact   bool
	// Reasons say what was seen, one short clause each.
	Reasons []string
}

// String is the line a probe prints: "likely v2 (paths under /v2; paymentResult
// notifications)".
func (g Guess) String() string {
	if len(g.Presets) == 0 {
		return "no preset matches what the target did"
	}
	what := strings.Join(g.Presets, " or ")
	if !g.Exact {
		what = "closest " + what
	}
	return fmt.Sprintf("likely %s (%s)", what, strings.Join(g.Reasons, "; "))
}

// signal is one observation and how a preset agrees with it. tolerated, when set, says the
// observation contradicts no dialect even where it does not agree (Contradicts).
type signal struct {
	seen      func(Signals) bool
	agrees    func(Signals, Dialect) bool
	reason    func(Signals) string
	tolerated func(Signals) bool
}

var signals = []signal{
	{
		func(s Signals) bool { return s.PathVersion != "" },
		func(s Signals, d Dialect) bool { return d.PathVersion == s.PathVersion },
		func(s Signals) string { return "paths under /" + s.PathVersion },
		nil,
	},
	{
		func(s Signals) bool { return s.BasePath != "" },
		func(s Signals, d Dialect) bool { return d.BasePath == strings.TrimSuffix(s.BasePath, "/") },
		func(s Signals) string {
			if s.BasePath == "/" {
				return "no URL prefix"
			}
			return "paths under " + s.BasePath
		},
		nil,
	},
	{
		func(s Signals) bool { return s.RefundAPI != "" },
		func(s Signals, d Dialect) bool { return d.RefundAPI == s.RefundAPI },
		func(s Signals) string { return "the refund API " + string(s.RefundAPI) },
		nil,
	},
	{
		func(s Signals) bool { return s.PartnerID != "" },
		func(s Signals, d Dialect) bool {
			switch s.PartnerID {
			case Required:
				return d.PartnerID == Required
			case Optional:
				return d.PartnerID != Absent // a dialect whose senders may write it
			}
			return d.PartnerID != Required
		},
		func(s Signals) string {
			switch s.PartnerID {
			case Required:
				return "requires partnerId"
			case Optional:
				return "carries partnerId"
			}
			return "carries no partnerId"
		},
		func(s Signals) bool { return s.PartnerID == Optional },
	},
	{
		func(s Signals) bool { return s.NotifyOutcome != "" },
		func(s Signals, d Dialect) bool { return d.NotifyOutcome == s.NotifyOutcome },
		func(s Signals) string { return string(s.NotifyOutcome) + " notifications" },
		nil,
	},
	{
		func(s Signals) bool { return s.OrderTitle != "" },
		func(s Signals, d Dialect) bool { return d.OrderTitle == s.OrderTitle },
		func(s Signals) string { return "the order title in " + string(s.OrderTitle) },
		nil,
	},
	{
		func(s Signals) bool { return s.AppID == Required },
		func(s Signals, d Dialect) bool { return d.AppID == Required },
		func(Signals) string { return "requires appId" },
		nil,
	},
}

// GuessPreset names the presets that agree with the most signals. Adding a preset needs no
// change here: it is judged by its switches.
func GuessPreset(s Signals) Guess {
	var g Guess
	seen := 0
	for _, sig := range signals {
		if sig.seen(s) {
			seen++
			g.Reasons = append(g.Reasons, sig.reason(s))
		}
	}
	if seen == 0 {
		return Guess{}
	}
	best := 0
	for _, p := range presets {
		n := 0
		for _, sig := range signals {
			if sig.seen(s) && sig.agrees(s, p) {
				n++
			}
		}
		switch {
		case n > best:
			best, g.Presets = n, []string{p.Preset}
		case n == best && n > 0:
			g.Presets = append(g.Presets, p.Preset)
		}
	}
	g.Exact = best == seen
	return g
}

// Contradicts lists what the target did that d rules out, one short clause each (as in
// Guess.Reasons); empty when d explains every signal. It is stricter than GuessPreset's
// agreement in one way only: a message carrying partnerId contradicts no dialect, since a
// reader of any dialect tolerates it (docs/protocol.md, "Where published wallets differ").
// A probe stops a run when this is not empty: the target speaks another dialect.
func (d Dialect) Contradicts(s Signals) []string {
	var out []string
	for _, sig := range signals {
		if !sig.seen(s) || sig.agrees(s, d) || (sig.tolerated != nil && sig.tolerated(s)) {
			continue
		}
		out = append(out, sig.reason(s))
	}
	return out
}
