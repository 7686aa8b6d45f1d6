// Command importrules checks the import rules of DESIGN.md, which keep
// the chapters a book that reads front to back:
//
//   - a chapter imports only chapters before it (and its own packages);
//   - nothing under chapters/ or exercises/ imports final/;
//   - exercises for chapter NN import only chapters up to NN;
//   - a library package (anything but a main package) of the chapters,
//     the exercises or the final node never imports tools/command, which
//     decides presentation and exits: only a main does;
//   - only a chapter's own cmd/ may import its exercises (to run its
//     learner's code), and in final/ only a command may.
//
// It reads the packages with go list, prints each broken rule with the
// import that breaks it, and exits 1 if there is any.
//
//	go run ./tools/importrules
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"peerchain/tools/command"
	"peerchain/tools/internal/repo"
)

func main() { command.Main(run) }

func run(ctx context.Context, args []string, stdout io.Writer) error {
	app := command.Setup(stdout, &cli.App{
		Name:  "importrules",
		Usage: "check that chapters import only earlier chapters, and the other import rules",
		Action: func(c *cli.Context) error {
			pkgs, err := listPackages(c.Context)
			if err != nil {
				return err
			}
			broken := check(pkgs)
			for _, b := range broken {
				fmt.Fprintln(stdout, b)
			}
			if len(broken) > 0 {
				return fmt.Errorf("%d import rules broken", len(broken))
			}
			fmt.Fprintf(stdout, "%d packages follow the import rules\n", len(pkgs))
			return nil
		},
	})
	return app.RunContext(ctx, args)
}

// pkg is what go list says of a package that the rules need.
type pkg struct {
	ImportPath   string
	Name         string
	Imports      []string
	TestImports  []string
	XTestImports []string
}

// module is the module path every rule is about.
const module = "peerchain"

// listPackages lists every package of the module, from its root. With
// -e, a package that does not compile is still listed with its imports.
func listPackages(ctx context.Context) ([]pkg, error) {
	root, err := repo.Root(ctx)
	if err != nil {
		return nil, err
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "go", "list", "-e", "-json", "./...")
	cmd.Dir, cmd.Stderr = root, &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w: %s", err, stderr.String())
	}
	var pkgs []pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			return pkgs, nil
		} else if err != nil {
			return nil, fmt.Errorf("go list output: %w", err)
		}
		pkgs = append(pkgs, p)
	}
}

// place says where in the repository a package lives.
type place struct {
	area    string // "chapters", "exercises", "final", "tools", ...
	chapter int    // its number, under chapters/ or exercises/
	cmd     bool   // under a chapter's cmd/
}

func where(path string) (place, bool) {
	rest, ok := strings.CutPrefix(path, module+"/")
	if !ok {
		return place{}, false // the standard library or a dependency
	}
	parts := strings.Split(rest, "/")
	p := place{area: parts[0]}
	if (p.area == "chapters" || p.area == "exercises") && len(parts) > 1 {
		num, _, _ := strings.Cut(parts[1], "-")
		n, err := strconv.Atoi(num)
		if err != nil {
			return place{}, false
		}
		p.chapter = n
		p.cmd = len(parts) > 2 && parts[2] == "cmd"
	}
	return p, true
}

// check returns one line for every import that breaks a rule.
func check(pkgs []pkg) []string {
	var broken []string
	for _, p := range pkgs {
		from, ok := where(p.ImportPath)
		if !ok {
			continue
		}
		library := p.Name != "main"
		testOnly := slices.Concat(p.TestImports, p.XTestImports)
		for _, imp := range slices.Concat(p.Imports, testOnly) {
			to, ok := where(imp)
			if !ok || imp == p.ImportPath {
				continue
			}
			inCode := slices.Contains(p.Imports, imp)
			if why := rule(from, to, library, inCode, imp); why != "" {
				broken = append(broken, fmt.Sprintf("%s imports %s: %s", p.ImportPath, imp, why))
			}
		}
	}
	slices.Sort(broken)
	return slices.Compact(broken)
}

// rule says which rule an import from one place to another breaks, if
// any. inCode is false for an import only the tests make.
func rule(from, to place, library, inCode bool, imp string) string {
	switch {
	case to.area == "final" && (from.area == "chapters" || from.area == "exercises"):
		return "chapters and exercises never import final/"
	case from.area == "chapters" && to.area == "chapters" && to.chapter > from.chapter:
		return fmt.Sprintf("chapter %02d may import only chapters before it", from.chapter)
	case from.area == "exercises" && to.area == "chapters" && to.chapter > from.chapter:
		return fmt.Sprintf("exercises for chapter %02d may use only chapters up to it", from.chapter)
	case library && inCode && imp == module+"/tools/command" && from.area != "tools":
		return "a library package never imports tools/command: only a main does"
	case from.area == "chapters" && to.area == "exercises" && !(from.cmd && to.chapter == from.chapter):
		return "only a chapter's own cmd/ may import its exercises"
	case from.area == "final" && to.area == "exercises" && library:
		return "only a command may run a learner's code"
	}
	return ""
}
