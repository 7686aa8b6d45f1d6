package main

import (
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
)

// A region of a source file is the lines between a pair of markers, in
// whatever comment syntax the file uses:
//
//	// docs:begin read-line
//	func readLine(...) { ... }
//	// docs:end read-line
//
// Regions may nest or overlap; marker lines never appear in a region's
// text.
var marker = regexp.MustCompile(`docs:(begin|end) ([A-Za-z0-9_.-]+)`)

// extract returns the text of the named region of src, or of the whole
// file when name is empty, without marker lines, dedented, and with no
// blank lines at either end.
func extract(src, name string) (string, error) {
	lines := strings.Split(strings.TrimRight(src, "\n"), "\n")
	var kept []string
	open := map[string]int{} // region name -> line it began on (1-based)
	found := name == ""
	dropped := false // the line before was a marker, now gone
	for i, line := range lines {
		m := marker.FindStringSubmatch(line)
		if m == nil {
			blankAfterBlank := dropped && strings.TrimSpace(line) == "" &&
				(len(kept) == 0 || strings.TrimSpace(kept[len(kept)-1]) == "")
			if (name == "" || open[name] > 0) && !blankAfterBlank {
				kept = append(kept, line)
			}
			dropped = false
			continue
		}
		dropped = true
		switch kind, region := m[1], m[2]; {
		case kind == "begin" && open[region] > 0:
			return "", fmt.Errorf("line %d: region %q begins again; it began on line %d", i+1, region, open[region])
		case kind == "begin":
			open[region] = i + 1
			found = found || region == name
		case open[region] == 0:
			return "", fmt.Errorf("line %d: region %q ends but never began", i+1, region)
		default:
			delete(open, region)
		}
	}
	for _, region := range slices.Sorted(maps.Keys(open)) {
		return "", fmt.Errorf("line %d: region %q never ends", open[region], region)
	}
	if !found {
		return "", fmt.Errorf("no region %q (mark it with docs:begin %s and docs:end %s)", name, name, name)
	}
	return dedent(trimBlankLines(kept)), nil
}

// checkGoMarkers rejects a marker at the top level of a Go file that sits
// directly above the next line: a comment there becomes part of the doc
// comment below it, and go doc would show "docs:begin NAME".
func checkGoMarkers(src string) error {
	lines := strings.Split(src, "\n")
	for i, line := range lines[:len(lines)-1] {
		if strings.HasPrefix(line, "//") && marker.MatchString(line) &&
			strings.TrimSpace(lines[i+1]) != "" {
			return fmt.Errorf("line %d: leave a blank line after %q, "+
				"or go doc shows it as documentation",
				i+1, strings.TrimSpace(line))
		}
	}
	return nil
}

func trimBlankLines(lines []string) []string {
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// dedent removes the leading whitespace every non-blank line shares, so
// a region cut from inside a function starts at the left margin.
func dedent(lines []string) string {
	prefix := ""
	first := true
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		indent := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if first {
			prefix, first = indent, false
			continue
		}
		for !strings.HasPrefix(indent, prefix) {
			prefix = prefix[:len(prefix)-1]
		}
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.TrimPrefix(l, prefix)
		if strings.TrimSpace(out[i]) == "" {
			out[i] = ""
		}
	}
	return strings.Join(out, "\n")
}

// language names the code block's language for a source file.
func language(file string) string {
	switch path.Ext(file) {
	case ".go":
		return "go"
	case ".sh":
		return "bash"
	case ".yml", ".yaml":
		return "yaml"
	case ".json":
		return "json"
	case ".md":
		return "markdown"
	}
	return "text"
}
