package main

import (
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/tradepaykit/tradepaykit/steps"
)

// godog runs the features in the order it is given them and shuffles only the scenarios
// inside each (--seed). A scenario that waits on the wall clock (@realtime: a deadline, a
// declared retry schedule, the wallet's notify timeout, a settle window) takes seconds where
// the others take milliseconds, so a pass that reached it last would end seconds after the
// rest. The runner hands godog the features that hold such scenarios first, the most first.

// realTimeTags counts the tag lines of a feature file that carry @realtime (not a step or a
// description that names it).
func realTimeTags(b []byte) int {
	n := 0
	for line := range strings.Lines(string(b)) {
		fields := strings.Fields(line)
		if len(fields) > 0 && strings.HasPrefix(fields[0], "@") && slices.Contains(fields, steps.TagRealTime) {
			n++
		}
	}
	return n
}

// featureOrder lists the feature files of fsys for godog's Paths: those with the most
// @realtime scenarios first, then by name. It falls back to the whole tree (".") when the
// tree cannot be read; godog then says what is wrong with it.
func featureOrder(fsys fs.FS) []string {
	type feature struct {
		path  string
		waits int
	}
	var list []feature
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".feature" {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		list = append(list, feature{p, realTimeTags(b)})
		return nil
	})
	if err != nil || len(list) == 0 {
		return []string{"."}
	}
	slices.SortStableFunc(list, func(a, b feature) int { return b.waits - a.waits })
	out := make([]string, len(list))
	for i, f := range list {
		out[i] = f.path
	}
	return out
}
