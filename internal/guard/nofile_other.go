//go:build !unix

package guard

// fileLimit: this system has no per-process open-file limit to stay under.
func fileLimit() int { return 0 }
