package docs

import (
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// repoRoot is the repository, one level above this package.
const repoRoot = ".."

// skipDir reports whether a directory holds no document of the repository: hidden folders
// (.git, .tools with the fetched Pact CLI and its npm packages), build output and reports.
func skipDir(name string) bool {
	return name != "." && name != ".." && strings.HasPrefix(name, ".") ||
		name == "bin" || name == "reports" || name == "node_modules"
}

// markdownFiles returns every Markdown file of the repository, slash-separated and relative
// to its root.
func markdownFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(repoRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != repoRoot && skipDir(d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.EqualFold(filepath.Ext(p), ".md") {
			rel, err := filepath.Rel(repoRoot, p)
			if err != nil {
				return err
			}
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no Markdown file found under the repository root")
	}
	return files
}

var (
	fence = regexp.MustCompile("(?m)^ {0,3}(```|~~~)")
	// Code spans: double-backtick spans first, so that a span holding a backtick goes whole.
	codeSpan2 = regexp.MustCompile("``[^\n]*?``")
	codeSpan1 = regexp.MustCompile("`[^`\n]*`")
	// An inline link or image: [text](target "title"); the target may sit in <...>.
	inlineLink = regexp.MustCompile(`\]\(\s*(<[^>\n]*>|[^)\s]+)(?:\s+"[^"\n]*")?\s*\)`)
	// A reference definition: [label]: target
	refDef = regexp.MustCompile(`(?m)^ {0,3}\[[^\]\n]+\]:\s*(<[^>\n]*>|\S+)`)
	// An HTML link or image in the Markdown.
	htmlLink = regexp.MustCompile(`(?i)<(?:a|img)\s[^>]*?(?:href|src)\s*=\s*"([^"]*)"`)
)

// stripCode blanks fenced code blocks and code spans, where link syntax is only text.
func stripCode(md string) string {
	var b strings.Builder
	in := false
	for _, line := range strings.SplitAfter(md, "\n") {
		if fence.MatchString(line) {
			in = !in
			b.WriteString("\n")
			continue
		}
		if in {
			b.WriteString("\n")
			continue
		}
		b.WriteString(line)
	}
	s := codeSpan2.ReplaceAllString(b.String(), "``")
	return codeSpan1.ReplaceAllString(s, "``")
}

// links returns the targets of every link in a Markdown text, in order.
func links(md string) []string {
	md = stripCode(md)
	var out []string
	for _, re := range []*regexp.Regexp{inlineLink, refDef, htmlLink} {
		for _, m := range re.FindAllStringSubmatch(md, -1) {
			out = append(out, strings.TrimSuffix(strings.TrimPrefix(m[1], "<"), ">"))
		}
	}
	return out
}

var linkInHeading = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)

// slug is the anchor a heading gets on the repository's host: links read as their text, lower
// case, punctuation dropped except hyphens and underscores, spaces turned into hyphens.
func slug(heading string) string {
	heading = linkInHeading.ReplaceAllString(heading, "$1")
	heading = strings.ReplaceAll(heading, "`", "")
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

var (
	heading          = regexp.MustCompile(`^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$`)
	setextUnderline  = regexp.MustCompile(`^ {0,3}(=+|-+)\s*$`)
	notSetextHeading = regexp.MustCompile(`^\s*$|^ {0,3}([#|>*+-]|\d+[.)])`)
)

// anchors returns the anchors of a Markdown text's headings (# lines, and lines underlined
// with = or -), numbered as the host numbers repeated ones (x, x-1, x-2).
func anchors(md string) map[string]bool {
	out := map[string]bool{}
	seen := map[string]int{}
	lines := strings.Split(stripFences(md), "\n")
	for i, line := range lines {
		text := ""
		if m := heading.FindStringSubmatch(line); m != nil {
			text = m[1]
		} else if i+1 < len(lines) && setextUnderline.MatchString(lines[i+1]) && !notSetextHeading.MatchString(line) {
			text = strings.TrimSpace(line)
		} else {
			continue
		}
		s := slug(text)
		if n := seen[s]; n > 0 {
			out[s+"-"+strconv.Itoa(n)] = true
		} else {
			out[s] = true
		}
		seen[s]++
	}
	return out
}

// stripFences blanks fenced code blocks only: a '#' line inside one is not a heading.
func stripFences(md string) string {
	var b strings.Builder
	in := false
	for _, line := range strings.SplitAfter(md, "\n") {
		if fence.MatchString(line) {
			in = !in
			b.WriteString("\n")
			continue
		}
		if in {
			b.WriteString("\n")
			continue
		}
		b.WriteString(line)
	}
	return b.String()
}

var scheme = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)

// checkLink says what is wrong with the link target in the Markdown file from (both
// slash-separated, relative to the repository root), or "" when nothing is. read returns a
// repository file's content, or an error when it does not exist.
func checkLink(from, target string, read func(string) (string, error)) string {
	if strings.Contains(target, "shared/") || strings.HasSuffix(target, "/shared") || target == "../shared" {
		return "points at the team's shared folder, outside the repository"
	}
	if scheme.MatchString(target) || strings.HasPrefix(target, "//") {
		return "" // a web page or a mail address: not checked here
	}
	p, frag, _ := strings.Cut(target, "#")
	p, _, _ = strings.Cut(p, "?")
	if unescaped, err := url.PathUnescape(p); err == nil {
		p = unescaped
	}
	if unescaped, err := url.PathUnescape(frag); err == nil {
		frag = unescaped
	}
	var file string
	switch {
	case p == "":
		file = from
	case strings.HasPrefix(p, "/"):
		file = path.Clean(strings.TrimPrefix(p, "/"))
	default:
		file = path.Clean(path.Join(path.Dir(from), p))
	}
	if file == ".." || strings.HasPrefix(file, "../") {
		return "leads outside the repository"
	}
	content, err := read(file)
	if err != nil {
		return "leads to " + file + ", which does not exist"
	}
	if frag != "" && strings.EqualFold(path.Ext(file), ".md") && !anchors(content)[strings.ToLower(frag)] {
		return "names the heading #" + frag + ", which " + file + " does not have"
	}
	return ""
}

// readRepo reads a file or lists a directory of the repository; a directory reads as "".
func readRepo(file string) (string, error) {
	full := filepath.Join(repoRoot, filepath.FromSlash(file))
	info, err := os.Stat(full)
	if err != nil {
		return "", err
	}
	if info.IsDir() {
		return "", nil
	}
	b, err := os.ReadFile(full)
	return string(b), err
}

// TestMarkdownLinksLeadSomewhere fails when a Markdown file of the repository links to a
// relative path that does not exist, to a heading its target does not have, to a place
// outside the repository, or to the team's shared folder: users read only the repository.
func TestMarkdownLinksLeadSomewhere(t *testing.T) {
	checked := 0
	for _, file := range markdownFiles(t) {
		content, err := readRepo(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, target := range links(content) {
			checked++
			if why := checkLink(file, target, readRepo); why != "" {
				t.Errorf("%s: the link (%s) %s", file, target, why)
			}
		}
	}
	t.Logf("%d links checked", checked)
	if checked < 20 {
		t.Errorf("only %d links found in the repository's Markdown: is the link scanner broken?", checked)
	}
}

// TestDocsDoNotNameTheTeamsFolder fails when a Markdown file mentions ../shared at all, even
// outside a link: what users need is written in the repository.
func TestDocsDoNotNameTheTeamsFolder(t *testing.T) {
	for _, file := range markdownFiles(t) {
		content, err := readRepo(file)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(content, "../shared") {
			t.Errorf("%s mentions ../shared, a folder outside the repository", file)
		}
	}
}

var (
	goDirective  = regexp.MustCompile(`(?m)^go (\d+)\.(\d+)(?:\.\d+)?\s*$`)
	readmeGoNeed = regexp.MustCompile(`\bGo (\d+)\.(\d+)(?:\.\d+)? or later\b`)
)

// TestREADMEAsksForTheGoVersionOfGoMod fails when the README's "Go X.Y or later" is not the
// language version go.mod declares.
func TestREADMEAsksForTheGoVersionOfGoMod(t *testing.T) {
	mod, err := readRepo("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := goDirective.FindStringSubmatch(mod)
	if m == nil {
		t.Fatal("go.mod has no go directive")
	}
	want := m[1] + "." + m[2]
	readme, err := readRepo("README.md")
	if err != nil {
		t.Fatal(err)
	}
	found := readmeGoNeed.FindAllStringSubmatch(readme, -1)
	if len(found) == 0 {
		t.Fatal(`README.md does not say which Go it needs ("Go X.Y or later")`)
	}
	for _, f := range found {
		if got := f[1] + "." + f[2]; got != want {
			t.Errorf("README.md asks for Go %s or later; go.mod says go %s", got, want)
		}
	}
}

// TestLinkScanner checks the scanner itself on small documents, so that a link it stops
// seeing cannot pass unnoticed.
func TestLinkScanner(t *testing.T) {
	md := "# Title\n\nSee [`docs/x.md`](docs/x.md#a-b) and ![img](<pic one.png>).\n" +
		"```\n[not](a-link.md)\n```\n" +
		"Inline `[not](either.md)` code. [ref]: ref/target.md\n" +
		"[ref]: ref/target.md \"title\"\n<a href=\"html/target.md\">x</a> [web](https://example.com/x)\n"
	got := links(md)
	want := []string{"docs/x.md#a-b", "pic one.png", "https://example.com/x", "ref/target.md", "html/target.md"}
	if !slices.Equal(got, want) {
		t.Errorf("links:\n got %q\nwant %q", got, want)
	}
	for heading, want := range map[string]string{
		"POST /conformance/tradePay":                "post-conformancetradepay",
		"my.tradePay results":                       "mytradepay-results",
		"capture, cancel, refund":                   "capture-cancel-refund",
		"The wallet's test control":                 "the-wallets-test-control",
		"For Go users: the kit in `go test`":        "for-go-users-the-kit-in-go-test",
		"POST /conformance/orders/{orderId}/cancel": "post-conformanceordersorderidcancel",
		"See [the hooks](hooks.md) & more":          "see-the-hooks--more",
		"Dialects: v1 / v2 (ECC224)":                "dialects-v1--v2-ecc224",
	} {
		if got := slug(heading); got != want {
			t.Errorf("slug(%q) = %q, want %q", heading, got, want)
		}
	}
	files := map[string]string{
		"docs/a.md":   "# One\n## Two\n## Two\n```\n# not a heading\n```\nUnderlined\n----------\n\n- item\n---\n",
		"docs/b.go":   "package b",
		"README.md":   "",
		"fixtures/kd": "",
	}
	read := func(f string) (string, error) {
		if c, ok := files[f]; ok {
			return c, nil
		}
		return "", os.ErrNotExist
	}
	for _, c := range []struct {
		from, target string
		ok           bool
	}{
		{"README.md", "docs/a.md", true},
		{"README.md", "docs/a.md#two-1", true},
		{"README.md", "docs/a.md#not-a-heading", false},
		{"README.md", "docs/a.md#three", false},
		{"README.md", "docs/a.md#underlined", true},
		{"README.md", "docs/a.md#--item", false},
		{"docs/a.md", "b.go", true},
		{"docs/a.md", "../README.md", true},
		{"docs/a.md", "#one", true},
		{"docs/a.md", "#none", false},
		{"docs/a.md", "c.md", false},
		{"docs/a.md", "../../outside.md", false},
		{"docs/a.md", "../shared/PROTOCOL.md", false},
		{"README.md", "/docs/a.md", true},
		{"README.md", "https://example.com/missing.md", true},
	} {
		why := checkLink(c.from, c.target, read)
		if (why == "") != c.ok {
			t.Errorf("checkLink(%q, %q) = %q, want ok=%v", c.from, c.target, why, c.ok)
		}
	}
}
