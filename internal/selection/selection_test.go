package selection

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPassesSplitClockScenariosOff(t *testing.T) {
	got := Passes("@merchant", " @REQ-GEN-001 ", 3)
	want := []Pass{
		{Name: "concurrent", Tags: "@merchant && @REQ-GEN-001 && ~@clock", Concurrency: 3},
		{Name: "@clock, one at a time", Tags: "@merchant && @REQ-GEN-001 && @clock", Concurrency: 1, Serial: true},
	}
	assert.Equal(t, want, got)
}

func TestPassesWithoutFilters(t *testing.T) {
	got := Passes("", "", 0)
	assert.Equal(t, "~@clock", got[0].Tags)
	assert.Equal(t, DefaultConcurrency(), got[0].Concurrency)
	assert.GreaterOrEqual(t, got[0].Concurrency, 4)
	assert.Equal(t, "@clock", got[1].Tags)
}

func TestFilter(t *testing.T) {
	assert.Equal(t, "", Filter("", "  "))
	assert.Equal(t, "@wallet", Filter("@wallet", ""))
	assert.Equal(t, "@wallet && @a,@b", Filter("@wallet", "@a,@b"))
}
