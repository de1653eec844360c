//go:build race

package load

// raceEnabled is true under -race, where the load test sends fewer payments: the race
// detector slows every HTTP exchange several times, and `make test` also runs the full
// 10,000 without it.
const raceEnabled = true
