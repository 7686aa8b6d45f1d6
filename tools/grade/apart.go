package main

import (
	"context"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// fileSet is one exercise's files in its package directory: the stub,
// the solution and the tests, named for the exercise (relay.go,
// relay_solution.go, relay_test.go).
type fileSet struct {
	base  string   // "relay"
	files []string // absolute paths of those that exist
	names []string // the exercises its tests check, such as "Relay"
}

// exerciseFiles finds the file sets in dir: one per NAME_test.go file.
// Files in no set (doc.go) are shared by all.
func exerciseFiles(dir string) ([]fileSet, error) {
	tests, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil {
		return nil, err
	}
	slices.Sort(tests)
	var sets []fileSet
	for _, test := range tests {
		base := strings.TrimSuffix(filepath.Base(test), "_test.go")
		set := fileSet{base: base, names: testedExercises(test)}
		for _, name := range []string{base + ".go", base + "_solution.go", base + "_test.go"} {
			if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
				set.files = append(set.files, filepath.Join(dir, name))
			}
		}
		if len(set.names) == 0 {
			set.names = []string{base}
		}
		sets = append(sets, set)
	}
	return sets, nil
}

// testedExercises reads the names of the exercises a test file checks
// from its Test functions. It needs only the file's syntax, so it works
// on a package that does not compile.
func testedExercises(file string) []string {
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
	if f == nil {
		return nil
	}
	_ = err // a file with a syntax error still yields what parsed
	var names []string
	for _, d := range f.Decls {
		if name, ok := testName(d); ok {
			if ex := exerciseOf(name); !slices.Contains(names, ex) {
				names = append(names, ex)
			}
		}
	}
	return names
}

// gradeApart grades, one at a time, the exercises of a package that does
// not compile, so that one exercise's compile error does not hide how the
// others stand. For each exercise it runs go test with an overlay that
// leaves the other exercises' files out of the package.
func (g grader) gradeApart(ctx context.Context, list *packageRun) ([]result, error) {
	chapter := filepath.Base(list.path)
	dir := filepath.Join(g.dir, filepath.FromSlash(dirInModule(list.path)))
	sets, err := exerciseFiles(dir)
	if err != nil {
		return nil, err
	}
	broken := func(set fileSet, detail []string) []result {
		var rs []result
		for _, name := range set.names {
			rs = append(rs, result{chapter: chapter, name: name, status: Failing, buildFailed: true,
				detail: detail, rerun: "go vet ./" + dirInModule(list.path)})
		}
		return rs
	}
	if len(sets) < 2 {
		if len(sets) == 0 {
			return []result{{chapter: chapter, status: Failing, buildFailed: true, detail: list.buildOutput}}, nil
		}
		return broken(sets[0], list.buildOutput), nil
	}
	tmp, err := os.MkdirTemp("", "grade-overlay-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	var results []result
	for i, set := range sets {
		replace := map[string]string{}
		for j, other := range sets {
			if j != i {
				for _, f := range other.files {
					replace[f] = "" // as if the file did not exist
				}
			}
		}
		overlay := filepath.Join(tmp, set.base+".json")
		b, err := json.Marshal(map[string]any{"Replace": replace})
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(overlay, b, 0o644); err != nil {
			return nil, err
		}
		alone := g
		alone.overlay = overlay
		sub, err := alone.grade(ctx, []string{list.path})
		if err != nil {
			return nil, err
		}
		for _, r := range sub {
			if r.name == "" { // this exercise is the one that does not compile
				results = append(results, broken(set, r.detail)...)
				continue
			}
			results = append(results, r)
		}
	}
	return results, nil
}

// testName returns the name of a top-level test function.
func testName(d ast.Decl) (string, bool) {
	fn, ok := d.(*ast.FuncDecl)
	if !ok || fn.Recv != nil || !listedTest.MatchString(fn.Name.Name) {
		return "", false
	}
	return fn.Name.Name, true
}
