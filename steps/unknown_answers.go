package steps

import (
	"context"

	"github.com/stretchr/testify/require"
)

// Unknown answers (PROTOCOL.md, "Result codes": U means query or retry, never failure). The
// wallet mock answers a capture or refund with CAPTURE_IN_PROCESS / REFUND_IN_PROCESS although
// it did the work (or, for a capture, before doing it); a correct merchant queries and retries with the same request id, so the
// payer is charged or refunded once. Needs the kit's answer scripting (@wallet-mock).
func registerUnknownAnswerSteps(sc stepScope) {
	sc.Step(sc.pattern(`^the wallet answers the next capture with "([^"]*)" (after|before) making it$`), func(ctx context.Context, code, when string) error {
		return scriptUnknownAnswer(ctx, "capture", code, when == "after")
	})
	sc.Step(sc.pattern(`^the wallet answers the next refund with "([^"]*)" after making it$`), func(ctx context.Context, code string) error {
		return scriptUnknownAnswer(ctx, "refund", code, true)
	})
}

func scriptUnknownAnswer(ctx context.Context, api, code string, apply bool) error {
	w := world(ctx)
	require.NoError(checks(ctx), w.control.ScriptAnswer(ctx, api, knownPaymentID(ctx), code, apply), "scripting the wallet's next %s answer", api)
	return nil
}
