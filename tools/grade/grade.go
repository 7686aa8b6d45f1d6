package main

import (
	"context"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"peerchain/tools/exercise"
)

// Status is where an exercise stands.
type Status int

// The three states of an exercise.
const (
	NotAttempted Status = iota // its stub still calls exercise.NotAttempted
	Solved                     // every test passes
	Failing                    // a test fails, panics, or does not compile
)

func (s Status) String() string {
	return [...]string{"not attempted", "solved", "failing"}[s]
}

// result is one exercise's status after a run of its tests.
type result struct {
	chapter     string   // "01-sockets"
	name        string   // "SplitLines"; "" if nothing tells which exercise failed to compile
	status      Status   //
	buildFailed bool     // it does not compile
	detail      []string // what failing tests or the compiler said
	report      []string // what its tests logged with exercise.Report
	rerun       string   // a command that runs just this exercise's tests
}

// notAttemptedMark is in the message a stub's tests skip with (see
// tools/exercise).
const notAttemptedMark = "is not attempted yet"

// maxFailuresShown bounds how many failing tests of one exercise the
// report shows; the rerun command shows them all.
const maxFailuresShown = 3

// exerciseOf names the exercise a top-level test checks: TestSplitLines
// and TestSplitLines_Long both check SplitLines.
func exerciseOf(test string) string {
	name, _, _ := strings.Cut(strings.TrimPrefix(test, "Test"), "_")
	return name
}

// grader runs exercises' tests: with build tags (to pick the reference
// solutions) and extra environment (to run the stubs as they are).
type grader struct {
	goTest  goTest
	dir     string   // module root
	tags    string   // "" or "solution"
	env     []string // such as PEERCHAIN_STUB_CHECK=1
	race    bool     // run with the race detector
	overlay string   // go test -overlay file, to grade one exercise apart
}

// dirInModule turns a package path into its directory below the module
// root: "peerchain/exercises/01-sockets" into "exercises/01-sockets".
func dirInModule(pkg string) string {
	_, dir, _ := strings.Cut(pkg, "/")
	return dir
}

func (g grader) args(extra ...string) []string {
	args := []string{"-count=1", "-timeout=2m"}
	if g.tags != "" {
		args = append(args, "-tags="+g.tags)
	}
	if g.race {
		args = append(args, "-race")
	}
	if g.overlay != "" {
		args = append(args, "-overlay="+g.overlay)
	}
	return append(args, extra...)
}

// grade returns a result for every exercise in pkgs, in test order.
func (g grader) grade(ctx context.Context, pkgs []string) ([]result, error) {
	lists, err := g.goTest(ctx, g.dir, g.env, g.args(append([]string{"-list=^Test"}, pkgs...)...)...)
	if err != nil {
		return nil, err
	}
	runs, err := g.goTest(ctx, g.dir, g.env, g.args(pkgs...)...)
	if err != nil {
		return nil, err
	}
	var results []result
	for _, list := range lists {
		chapter := path.Base(list.path)
		if len(list.buildOutput) > 0 {
			if g.overlay != "" { // graded apart already: gradeApart names it
				results = append(results, result{chapter: chapter, status: Failing, buildFailed: true, detail: list.buildOutput})
				continue
			}
			apart, err := g.gradeApart(ctx, list)
			if err != nil {
				return nil, err
			}
			results = append(results, apart...)
			continue
		}
		run := findRun(runs, list.path)
		for _, ex := range groupTests(list.listed) {
			exRun := run
			if run == nil || !finished(run, ex.tests) {
				// The test binary died (a crash, a timeout) before
				// these tests ended: run them alone to see which did.
				alone, err := g.goTest(ctx, g.dir, g.env, g.args("-run="+runPattern(ex.tests), list.path)...)
				if err != nil {
					return nil, err
				}
				exRun = findRun(alone, list.path)
			}
			status, detail := statusOf(exRun, ex.tests)
			results = append(results, result{chapter: chapter, name: ex.name, status: status, detail: detail,
				report: reportOf(exRun, ex.tests),
				rerun:  fmt.Sprintf("go test -run '%s' ./%s", runPattern(ex.tests), dirInModule(list.path))})
		}
	}
	// In chapter order, whatever order the go command reported them in.
	slices.SortStableFunc(results, func(a, b result) int { return strings.Compare(a.chapter, b.chapter) })
	return results, nil
}

// exerciseTests is an exercise and the top-level tests that check it.
type exerciseTests struct {
	name  string
	tests []string
}

func groupTests(listed []string) []exerciseTests {
	var groups []exerciseTests
	for _, test := range listed {
		name := exerciseOf(test)
		i := slices.IndexFunc(groups, func(e exerciseTests) bool { return e.name == name })
		if i < 0 {
			groups = append(groups, exerciseTests{name: name})
			i = len(groups) - 1
		}
		groups[i].tests = append(groups[i].tests, test)
	}
	return groups
}

func findRun(runs []*packageRun, pkg string) *packageRun {
	for _, r := range runs {
		if r.path == pkg {
			return r
		}
	}
	return nil
}

// runPattern is a -run pattern for exactly these top-level tests.
func runPattern(tests []string) string {
	quoted := make([]string, len(tests))
	for i, t := range tests {
		quoted[i] = regexp.QuoteMeta(t)
	}
	return "^(" + strings.Join(quoted, "|") + ")$"
}

// belongs reports whether the test or subtest named full is one of tests
// or below one of them.
func belongs(full string, tests []string) bool {
	top, _, _ := strings.Cut(full, "/")
	return slices.Contains(tests, top)
}

// finished reports whether every one of tests, and all they ran, ended.
func finished(run *packageRun, tests []string) bool {
	for _, t := range tests {
		if r, ok := run.tests[t]; !ok || r.action == "" {
			return false
		}
	}
	for full, r := range run.tests {
		if belongs(full, tests) && r.action == "" {
			return false
		}
	}
	return true
}

// statusOf decides an exercise's status from its tests' results. Only
// leaves count: a parent test passes even when all its subtests skip.
func statusOf(run *packageRun, tests []string) (Status, []string) {
	if run == nil {
		return Failing, []string{"its tests did not run"}
	}
	var passed, notAttempted int
	var failed []string // names of failing leaves
	var detail []string
	names := sortedKeys(run.tests)
	for _, full := range names {
		if !belongs(full, tests) || hasSubtests(names, full) {
			continue
		}
		r := run.tests[full]
		switch r.action {
		case "pass":
			passed++
		case "fail", "": // "" never finished: the binary died in it
			failed = append(failed, full)
			if len(failed) <= maxFailuresShown {
				detail = append(detail, full+":")
				detail = append(detail, said(r.output)...)
			}
		case "skip":
			if slices.ContainsFunc(r.output, func(l string) bool { return strings.Contains(l, notAttemptedMark) }) {
				notAttempted++
			} else {
				passed++ // skipped for a reason of its own
			}
		}
	}
	for _, t := range tests {
		if _, ok := run.tests[t]; !ok {
			failed = append(failed, t)
			detail = append(detail, t+" did not run")
		}
	}
	switch {
	case len(failed) > maxFailuresShown:
		detail = append(detail, fmt.Sprintf("... and %d more failing tests", len(failed)-maxFailuresShown))
		fallthrough
	case len(failed) > 0:
		return Failing, detail
	case passed == 0:
		return NotAttempted, nil
	case notAttempted > 0:
		return Failing, []string{fmt.Sprintf("%d of %d tests still reach a call of exercise.NotAttempted()", notAttempted, notAttempted+passed)}
	}
	return Solved, nil
}

// reportOf collects, in test order, the lines the tests logged with
// exercise.Report.
func reportOf(run *packageRun, tests []string) []string {
	if run == nil {
		return nil
	}
	var lines []string
	for _, full := range sortedKeys(run.tests) {
		if !belongs(full, tests) {
			continue
		}
		for _, l := range run.tests[full].output {
			if _, text, ok := strings.Cut(l, exercise.ReportMark); ok {
				lines = append(lines, strings.TrimRight(text, "\n"))
			}
		}
	}
	return lines
}

// hasSubtests reports whether any of the sorted names is a subtest of name.
func hasSubtests(sorted []string, name string) bool {
	i, _ := slices.BinarySearch(sorted, name+"/")
	return i < len(sorted) && strings.HasPrefix(sorted[i], name+"/")
}

// said keeps what a test itself printed, leaving out go test's result
// lines ("--- FAIL: TestX (0.00s)"), which the table already shows, and
// testify's "Error Trace" and "Test" lines, which repeat what the report
// says already with long paths.
func said(output []string) []string {
	var lines []string
	for _, l := range output {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "--- ") || t == "" || strings.HasPrefix(t, "Error Trace:") || strings.HasPrefix(t, "Test:") {
			continue
		}
		lines = append(lines, "  "+t)
	}
	return lines
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
