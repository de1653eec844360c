// Package bench measures how fast the kit is, with figures a user can reproduce on their own
// machine: `make bench` runs its benchmarks (bench_test.go) against the built binary and
// prints the self-test's wall and CPU time, scenarios per second and signatures per run, the
// verify commands against the kit's parties as processes, the wallet mock's signed pay
// answers per second next to Go's RSA-2048 signing rate on one core, the time to run a
// notification's whole retry schedule on the virtual clock, and the peak memory of a
// 10,000-payment wallet mock. It holds no code of the kit; the README quotes its output.
package bench
