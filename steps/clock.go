package steps

import (
	"context"
	"time"

	"github.com/stretchr/testify/require"
)

// Business time in the wallet (a kit extension, @clock): deadlines pass in a call instead of
// in minutes of waiting.
func registerClockSteps(sc stepScope) {
	sc.Step(sc.pattern(`^(\d+) minutes pass in the wallet$`), func(ctx context.Context, minutes int) error {
		world(ctx).clockMoved = true
		_, err := world(ctx).control.AdvanceClock(ctx, time.Duration(minutes)*time.Minute)
		require.NoError(checks(ctx), err, "moving the wallet's clock by %d minutes", minutes)
		return nil
	})
	sc.Step(sc.pattern(`^(\d+) days pass in the wallet$`), func(ctx context.Context, days int) error {
		world(ctx).clockMoved = true
		_, err := world(ctx).control.AdvanceClock(ctx, time.Duration(days)*24*time.Hour)
		require.NoError(checks(ctx), err, "moving the wallet's clock by %d days", days)
		return nil
	})
}
