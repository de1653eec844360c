package main

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"

	"github.com/tradepaykit/tradepaykit/features"
)

// The features with the most @realtime scenarios reach godog first, the others keep their
// order by name, and a tree with no feature is left for godog to complain about.
func TestFeatureOrderPutsRealTimeWaitsFirst(t *testing.T) {
	fsys := fstest.MapFS{
		"a.feature":     {Data: []byte("Feature: a\n  @wallet\n  Scenario: quick\n")},
		"b.feature":     {Data: []byte("Feature: b\n  @wallet @realtime\n  Scenario: waits\n    Given the realtime step @realtime in a step\n")},
		"sub/c.feature": {Data: []byte("Feature: c\n  @realtime @wallet\n  Scenario: one\n  @wallet @realtime\n  Scenario: two\n")},
		"notes.md":      {Data: []byte("@realtime\n")},
	}
	assert.Equal(t, []string{"sub/c.feature", "b.feature", "a.feature"}, featureOrder(fsys))
	assert.Equal(t, []string{"."}, featureOrder(fstest.MapFS{}))

	order := featureOrder(features.FS)
	assert.Equal(t, "wallet_truth.feature", order[0], "the embedded feature with the most real-time waits")
	assert.Len(t, order, 19)
}
