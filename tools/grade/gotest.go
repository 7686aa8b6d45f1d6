package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
)

// event is one line of `go test -json` (see `go doc test2json`).
type event struct {
	Action     string // start, run, output, pass, fail, skip, build-output, build-fail, ...
	Package    string
	Test       string
	Output     string
	ImportPath string // build-output and build-fail: "pkg [pkg.test]"
}

// testResult is what one test or subtest did.
type testResult struct {
	action string   // "pass", "fail", "skip", or "" if it never finished
	output []string // its lines, "=== RUN" and the like left out
}

// packageRun is what `go test -json` said about one package.
type packageRun struct {
	path        string
	listed      []string               // top-level tests, from -list
	tests       map[string]*testResult // by full name, subtests included
	failed      bool
	buildOutput []string // compiler messages when the package did not build
}

func newPackageRun(path string) *packageRun {
	return &packageRun{path: path, tests: make(map[string]*testResult)}
}

// goTest runs `go test -json` with extra arguments in dir, adding env to
// the environment, and returns each package's results in the order the go
// command first mentions them. A failing test is not an error; an error
// means the go command itself could not run or printed something that is
// not test2json.
type goTest func(ctx context.Context, dir string, env []string, args ...string) ([]*packageRun, error)

func runGoTest(ctx context.Context, dir string, env []string, args ...string) ([]*packageRun, error) {
	cmd := exec.CommandContext(ctx, "go", append([]string{"test", "-json"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	runs, perr := parseEvents(bytes.NewReader(out))
	if perr != nil {
		return nil, perr
	}
	// go test exits 1 when a test or a build fails; both are in runs.
	// Anything else, or an exit with nothing to show, is a real error.
	var exit *exec.ExitError
	if err != nil && (!errors.As(err, &exit) || exit.ExitCode() != 1 || len(runs) == 0) {
		return nil, fmt.Errorf("go test %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return runs, nil
}

// buildTarget turns "pkg [pkg.test]" into "pkg".
func buildTarget(importPath string) string {
	path, _, _ := strings.Cut(importPath, " ")
	return path
}

// listedTest matches a line of `go test -list` output: a test's name.
var listedTest = regexp.MustCompile(`^Test\w*$`)

// parseEvents reads a `go test -json` stream, from a run or a -list.
func parseEvents(r io.Reader) ([]*packageRun, error) {
	var order []*packageRun
	byPath := make(map[string]*packageRun)
	get := func(path string) *packageRun {
		p, ok := byPath[path]
		if !ok {
			p = newPackageRun(path)
			byPath[path] = p
			order = append(order, p)
		}
		return p
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20) // a long panic line is fine
	for line := 1; sc.Scan(); line++ {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("go test -json output, line %d: %w: %q", line, err, sc.Text())
		}
		switch {
		case e.Action == "build-output":
			p := get(buildTarget(e.ImportPath))
			p.buildOutput = append(p.buildOutput, strings.TrimSuffix(e.Output, "\n"))
		case e.Action == "build-fail":
			get(buildTarget(e.ImportPath)).failed = true
		case e.Package == "":
			// nothing else comes without a package
		case e.Test == "":
			p := get(e.Package)
			switch e.Action {
			case "fail":
				p.failed = true
			case "output":
				if name := strings.TrimSpace(e.Output); listedTest.MatchString(name) {
					p.listed = append(p.listed, name)
				}
			}
		default:
			p := get(e.Package)
			t, ok := p.tests[e.Test]
			if !ok {
				t = &testResult{}
				p.tests[e.Test] = t
			}
			switch e.Action {
			case "pass", "fail", "skip":
				t.action = e.Action
			case "output":
				if !isFrame(e.Output) {
					t.output = append(t.output, strings.TrimRight(e.Output, "\n"))
				}
			}
		}
	}
	return order, sc.Err()
}

// isFrame reports whether a line of test output is go test's own framing,
// not something the test said.
func isFrame(line string) bool {
	for _, prefix := range []string{"=== RUN", "=== PAUSE", "=== CONT", "=== NAME"} {
		if strings.HasPrefix(line, prefix) {
			return true
		}
	}
	return false
}
