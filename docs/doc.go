// Package docs holds the kit's user documentation (Markdown: README.md, protocol.md,
// hooks.md, dialects.md) and no code. Its tests keep the repository's documents honest: every
// relative link in a Markdown file of the repository leads to a file that exists (and, when
// it names a heading of a Markdown file, to a heading that exists), no document points at a
// file outside the repository, the Go version the README asks for is the one go.mod says, and
// the worked examples of protocol.md are the golden vectors of fixtures/.
package docs
