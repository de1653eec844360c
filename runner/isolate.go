package main

import (
	"context"
	"fmt"
	"sync"

	"github.com/cucumber/godog"

	"github.com/tradepaykit/tradepaykit/internal/selection"
	"github.com/tradepaykit/tradepaykit/steps"
)

// The self-test owns its parties, so it can start more of them. A @clock scenario moves the
// wallet's one business clock, which is why a verify run keeps those scenarios for a second
// pass, one at a time, after the others. The self-test instead gives each @clock scenario a
// wallet mock and a reference merchant of its own, with their own clock, and runs them a few
// at a time alongside the first pass: the scenarios do the same things and check the same
// outcomes, and a clock advance no longer runs the timers of every payment the other
// scenarios left behind. (A few leave ten seconds of real time between moving the clock and
// acting, "7 days less ten seconds pass": a step takes tens of milliseconds on a quiet
// machine, over a second at a load of 30.)

// selfTestConcurrency is the self-test's first pass when --concurrency is 0: its scenarios
// spend most of their time waiting, so many at once keep two cores busy (4 at once left
// them idle most of a run).
const selfTestConcurrency = 32

// clockConcurrency is how many @clock scenarios the self-test runs at once, each against its
// own parties.
const clockConcurrency = 4

// startParties starts a fresh wallet mock and reference merchant and returns the targets
// that reach them and a function that stops them.
type startParties func() (steps.Targets, func() error, error)

// isolatedPasses are the self-test's passes: every scenario but the @clock ones, then those
// a few at a time on parties of their own.
func (s *suite) isolatedPasses() []selection.Pass {
	concurrency := s.opts.concurrency
	if concurrency <= 0 {
		concurrency = selfTestConcurrency
	}
	passes := selection.Passes(s.side, s.opts.tags, concurrency)
	passes[1] = selection.Pass{Name: selection.TagClock + ", each on parties of its own", Tags: passes[1].Tags, Concurrency: clockConcurrency, Alongside: true}
	return passes
}

// initializer returns godog's scenario initializer for the run, and a function that stops
// the parties started for single scenarios and says how many there were; call it once the
// passes are over.
func (s *suite) initializer() (func(*godog.ScenarioContext), func() int) {
	if s.clockParties == nil {
		return steps.Initialize(s.targets), func() int { return 0 }
	}
	var mu sync.Mutex
	var stops []func() error
	pick := func(_ context.Context, sn *godog.Scenario) (steps.Targets, error) {
		if !hasTag(sn, steps.TagClock) {
			return s.targets, nil
		}
		t, stop, err := s.clockParties()
		if err != nil {
			return t, fmt.Errorf("starting the parties of a %s scenario: %w", steps.TagClock, err)
		}
		mu.Lock()
		stops = append(stops, stop)
		mu.Unlock()
		return t, nil
	}
	stopAll := func() int {
		mu.Lock()
		defer mu.Unlock()
		var wg sync.WaitGroup
		for _, stop := range stops {
			wg.Go(func() { _ = stop() })
		}
		wg.Wait()
		n := len(stops)
		stops = nil
		return n
	}
	return steps.InitializeEach(pick), stopAll
}

func hasTag(sn *godog.Scenario, tag string) bool {
	for _, t := range sn.Tags {
		if t.Name == tag {
			return true
		}
	}
	return false
}
