// Command grade checks the exercises in exercises/ and prints where each
// one stands.
//
//	go run ./tools/grade                every exercise: solved, failing or not attempted
//	go run ./tools/grade 01             the exercises of chapter 01
//	go run ./tools/grade -solutions     the reference solutions pass, the stubs fail
//
// It exits 0 only when everything it checked is as it should be. Output is
// plain text when NO_COLOR is set or stdout is not a terminal.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"peerchain/tools/command"
	"peerchain/tools/exercise"
	"peerchain/tools/internal/repo"
)

// errNotAllGood makes the command exit 1 after its report says why.
var errNotAllGood = fmt.Errorf("not all exercises are as they should be: %w", command.ErrReported)

func main() {
	command.Main(func(ctx context.Context, args []string, stdout io.Writer) error {
		return run(ctx, args, stdout, runGoTest)
	})
}

func run(ctx context.Context, args []string, stdout io.Writer, gt goTest) error {
	app := command.Setup(stdout, &cli.App{
		Name:      "grade",
		Usage:     "check the exercises: solved, failing or not attempted",
		ArgsUsage: "[CHAPTER]",
		Description: "With no CHAPTER it grades every chapter's exercises; CHAPTER is a\n" +
			"number such as 01. With -solutions it checks the exercises themselves:\n" +
			"every reference solution must pass its tests and every unsolved stub\n" +
			"must fail them.",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "solutions", Usage: "check the reference solutions and the stubs instead of your work"},
			&cli.BoolFlag{Name: "race", Value: true, Usage: "use the race detector where it can run (it needs cgo)"},
			&cli.StringFlag{Name: "exercises", Value: "exercises", Usage: "directory of the exercises, from the module root", Hidden: true},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 1 {
				return fmt.Errorf("one chapter at most, got %q", c.Args().Slice())
			}
			root, err := repo.Root(c.Context)
			if err != nil {
				return err
			}
			pkgs, err := findChapters(root, c.String("exercises"), c.Args().First())
			if err != nil {
				return err
			}
			g := grader{goTest: gt, dir: root, race: c.Bool("race") && raceAvailable(c.Context)}
			if c.Bool("solutions") {
				return checkSolutions(c.Context, stdout, g, pkgs)
			}
			return gradeWork(c.Context, stdout, g, pkgs)
		},
	})
	return app.RunContext(ctx, args)
}

// raceAvailable reports whether the race detector can run here: it needs
// cgo, which the go command turns off when it finds no C compiler.
func raceAvailable(ctx context.Context) bool {
	out, err := exec.CommandContext(ctx, "go", "env", "CGO_ENABLED").Output()
	return err == nil && strings.TrimSpace(string(out)) == "1"
}

// findChapters returns the package patterns ("./exercises/01-sockets") of
// the exercise directories below root/dir, only chapter's if it is set.
func findChapters(root, dir, chapter string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(root, dir))
	if err != nil {
		return nil, fmt.Errorf("finding exercises: %w", err)
	}
	var all, pkgs []string
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "-")
		if !e.IsDir() || !ok {
			continue
		}
		all = append(all, num)
		if chapter == "" || sameChapter(chapter, num) || chapter == e.Name() {
			pkgs = append(pkgs, "./"+filepath.ToSlash(filepath.Join(dir, e.Name())))
		}
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("no exercises for chapter %q; chapters with exercises: %s", chapter, strings.Join(all, " "))
	}
	return pkgs, nil
}

// sameChapter compares chapter numbers, so that "1" finds "01".
func sameChapter(a, b string) bool {
	return strings.TrimLeft(a, "0") == strings.TrimLeft(b, "0")
}

// gradeWork grades the learner's exercises as they are.
func gradeWork(ctx context.Context, w io.Writer, g grader, pkgs []string) error {
	results, err := g.grade(ctx, pkgs)
	if err != nil {
		return err
	}
	var rows [][]cell
	count := map[Status]int{}
	for _, r := range results {
		count[r.status]++
		rows = append(rows, []cell{
			{text: r.chapter},
			{text: nameOrBuild(r)},
			{text: r.status.String(), color: statusColor(r.status)},
			{text: exercise.DocsPage(r.chapter), color: faint},
		})
	}
	printTable(w, []string{"chapter", "exercise", "status", "read"}, rows)
	summary := fmt.Sprintf("%d of %d solved, %d failing, %d not attempted.",
		count[Solved], len(results), count[Failing], count[NotAttempted])
	fmt.Fprintf(w, "\n%s\n", summary)
	for _, r := range results {
		if len(r.report) > 0 && r.status != NotAttempted {
			fmt.Fprintf(w, "\n%s\n", bold.Sprintf("%s %s:", r.chapter, r.name))
			for _, l := range r.report {
				fmt.Fprintln(w, "  "+l)
			}
		}
	}
	for _, r := range results {
		if r.status != Failing {
			continue
		}
		what := "fails"
		if r.buildFailed {
			what = "does not compile"
		}
		fmt.Fprintf(w, "\n%s\n", red.Sprintf("%s %s %s:", r.chapter, nameOrBuild(r), what))
		for _, l := range r.detail {
			fmt.Fprintln(w, "  "+l)
		}
		if r.rerun != "" {
			fmt.Fprintln(w, faint.Sprint("  to see it all: "+r.rerun))
		}
	}
	if count[Solved] != len(results) {
		if count[NotAttempted] > 0 {
			fmt.Fprintln(w, "\nTo start an exercise, delete the exercise.NotAttempted() call in its stub.")
		}
		fmt.Fprintln(w, notAllSolved(summary))
		return errNotAllGood
	}
	fmt.Fprintln(w, green.Sprint("\nEvery exercise is solved."))
	return nil
}

// notAllSolved is the report's last line when it exits 1, so that the
// "exit status 1" go run prints after it reads as what it is.
func notAllSolved(summary string) string {
	return fmt.Sprintf("\ngrade: %s Exit status 1: not everything is solved yet.", summary)
}

func nameOrBuild(r result) string {
	if r.name == "" {
		return "(does not compile)"
	}
	return r.name
}

// checkSolutions checks the exercises themselves: each reference solution
// passes its tests, and each unsolved stub, run to its trivial return,
// fails them. A test that a stub passes cannot tell a learner anything.
func checkSolutions(ctx context.Context, w io.Writer, g grader, pkgs []string) error {
	withSolutions, withStubs := g, g
	withSolutions.tags = "solution"
	withStubs.env = []string{exercise.StubCheckEnv + "=1"}
	solutions, err := withSolutions.grade(ctx, pkgs)
	if err != nil {
		return err
	}
	stubs, err := withStubs.grade(ctx, pkgs)
	if err != nil {
		return err
	}
	var rows [][]cell
	var problems []string
	for _, sol := range solutions {
		stub := matching(stubs, sol)
		solCell := cell{text: "passes", color: green}
		if sol.status != Solved {
			solCell = cell{text: "FAILS", color: red}
			problems = append(problems, fmt.Sprintf("%s %s: the reference solution fails its tests:\n    %s",
				sol.chapter, nameOrBuild(sol), strings.Join(sol.detail, "\n    ")))
		}
		stubCell := cell{text: "fails", color: green}
		switch {
		case stub == nil:
			stubCell = cell{text: "MISSING", color: red}
			problems = append(problems, fmt.Sprintf("%s %s: has a solution but no stub", sol.chapter, nameOrBuild(sol)))
		case stub.status == Solved:
			stubCell = cell{text: "PASSES", color: red}
			problems = append(problems, fmt.Sprintf("%s %s: its tests pass against the unsolved stub, so they cannot tell a stub from a solution",
				sol.chapter, nameOrBuild(sol)))
		case stub.status == NotAttempted || stub.name == "" || stub.buildFailed:
			stubCell = cell{text: "BROKEN", color: red}
			problems = append(problems, fmt.Sprintf("%s %s: the stub does not compile or its tests skip with %s=1",
				sol.chapter, nameOrBuild(sol), exercise.StubCheckEnv))
		}
		rows = append(rows, []cell{{text: sol.chapter}, {text: nameOrBuild(sol)}, solCell, stubCell})
	}
	for _, stub := range stubs {
		if matching(solutions, stub) == nil {
			rows = append(rows, []cell{{text: stub.chapter}, {text: nameOrBuild(stub)}, {text: "MISSING", color: red}, {text: stub.status.String()}})
			problems = append(problems, fmt.Sprintf("%s %s: has a stub but no reference solution", stub.chapter, nameOrBuild(stub)))
		}
	}
	printTable(w, []string{"chapter", "exercise", "reference solution", "unsolved stub"}, rows)
	if len(problems) > 0 {
		fmt.Fprintln(w)
		for _, p := range problems {
			fmt.Fprintln(w, red.Sprint(p))
		}
		fmt.Fprintf(w, "\ngrade -solutions: %d problems with the exercises themselves. Exit status 1.\n", len(problems))
		return errNotAllGood
	}
	fmt.Fprintln(w, green.Sprintf("\nAll %d reference solutions pass; all %d stubs fail.", len(solutions), len(stubs)))
	return nil
}

// matching finds the result for the same exercise as r.
func matching(results []result, r result) *result {
	for i := range results {
		if results[i].chapter == r.chapter && results[i].name == r.name {
			return &results[i]
		}
	}
	return nil
}
