// Package load holds the kit's "nothing lost under load" test: thousands of payments through
// the embedded wallet mock and reference merchant over real HTTP, with notifications failing
// at random (seeded), checked order by order against the wallet's truth.
package load
