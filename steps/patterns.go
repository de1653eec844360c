package steps

import (
	"regexp"
	"sync"

	"github.com/cucumber/godog"
)

// stepPatterns compiles each step pattern once. godog calls the scenario initializer for
// every scenario and compiles the string patterns it is handed each time: some 140 patterns
// times every scenario was an eighth of a self-test's CPU. An Initializer owns one, so
// nothing is shared between suites.
type stepPatterns struct {
	mu       sync.Mutex
	compiled map[string]*regexp.Regexp
}

func (p *stepPatterns) compile(expr string) *regexp.Regexp {
	p.mu.Lock()
	defer p.mu.Unlock()
	re, ok := p.compiled[expr]
	if !ok {
		if p.compiled == nil {
			p.compiled = map[string]*regexp.Regexp{}
		}
		// godog would panic the same way on a pattern that does not compile.
		re = regexp.MustCompile(expr)
		p.compiled[expr] = re
	}
	return re
}

// stepScope is the scenario context the register functions receive: godog's, and the
// patterns compiled once. Register a step as sc.Step(sc.pattern(`^...$`), fn): godog's own
// Step is called from the register function, so reports keep the step's file and line.
type stepScope struct {
	*godog.ScenarioContext
	patterns *stepPatterns
}

// pattern returns the compiled step pattern expr.
func (s stepScope) pattern(expr string) *regexp.Regexp { return s.patterns.compile(expr) }
