package main

import (
	"fmt"
	"regexp"
	"strings"
)

// A page ties a code block to its source with an HTML comment on the line
// before the block, which Markdown renderers do not show:
//
//	<!-- code: chapters/01-sockets/line.go#read-line -->
//	```go
//	...the region's text...
//	```
//
// "code: FILE" without "#REGION" shows the whole file. "output: COMMAND"
// shows a shell command, run from the repository root, and what it prints.
var directiveLine = regexp.MustCompile(`^(\s*)<!--\s*(code|output):\s*(.*?)\s*-->\s*$`)

// directive is one such comment and the block after it.
type directive struct {
	line   int    // the comment's line, 1-based
	kind   string // "code" or "output"
	arg    string // "FILE#REGION", or the command
	indent string // the comment's indentation, which the block shares
	// The block is lines[blockStart:blockEnd] of the page, its fences
	// included; blockStart == blockEnd when no block follows yet.
	blockStart, blockEnd int
}

// page is a Markdown file split into lines.
type page struct {
	path       string
	lines      []string
	directives []directive
}

func parsePage(path, text string) (*page, error) {
	p := &page{path: path, lines: strings.Split(text, "\n")}
	for i := 0; i < len(p.lines); i++ {
		if fence := openingFence(p.lines[i]); fence != "" {
			// A directive inside a code block is an example of one.
			if end := closingFence(p.lines, i+1, fence); end >= 0 {
				i = end
			}
			continue
		}
		m := directiveLine.FindStringSubmatch(p.lines[i])
		if m == nil {
			continue
		}
		d := directive{line: i + 1, indent: m[1], kind: m[2], arg: m[3], blockStart: i + 1, blockEnd: i + 1}
		if d.arg == "" {
			return nil, fmt.Errorf("%s:%d: %s: says nothing after the colon", path, d.line, d.kind)
		}
		if i+1 < len(p.lines) {
			if fence := openingFence(p.lines[i+1]); fence != "" {
				end := closingFence(p.lines, i+2, fence)
				if end < 0 {
					return nil, fmt.Errorf("%s:%d: the code block never closes", path, i+2)
				}
				d.blockEnd = end + 1
				i = end
			}
		}
		p.directives = append(p.directives, d)
	}
	return p, nil
}

// openingFence returns the backticks that open a fenced block on line, or
// "" if it opens none.
func openingFence(line string) string {
	t := strings.TrimLeft(line, " \t")
	n := len(t) - len(strings.TrimLeft(t, "`"))
	if n < 3 {
		return ""
	}
	return t[:n]
}

// closingFence returns the index of the line, from i on, that closes a
// block opened with fence, or -1.
func closingFence(lines []string, i int, fence string) int {
	for ; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		if strings.HasPrefix(t, fence) && strings.Trim(t, "`") == "" {
			return i
		}
	}
	return -1
}

// fenced renders body as a code block in lang, indented like the
// directive, with a fence longer than any run of backticks in body.
func fenced(indent, lang, body string) []string {
	fence := "```"
	for strings.Contains(body, fence) {
		fence += "`"
	}
	lines := []string{indent + fence + lang}
	for _, l := range strings.Split(body, "\n") {
		if l == "" {
			lines = append(lines, "")
		} else {
			lines = append(lines, indent+l)
		}
	}
	return append(lines, indent+fence)
}

// block returns the lines of d's block as the page has them now.
func (p *page) block(d directive) []string {
	return p.lines[d.blockStart:d.blockEnd]
}

// withBlocks returns the page's text with each directive's block replaced
// by want[i], or inserted after it where it had none.
func (p *page) withBlocks(want [][]string) string {
	var out []string
	last := 0
	for i, d := range p.directives {
		out = append(out, p.lines[last:d.blockStart]...)
		out = append(out, want[i]...)
		last = d.blockEnd
	}
	out = append(out, p.lines[last:]...)
	return strings.Join(out, "\n")
}
