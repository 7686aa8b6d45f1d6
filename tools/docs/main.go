// Command docs keeps the code and output shown in the docs true to the
// repository.
//
//	go run ./tools/docs check   fail, naming each block that differs from its source
//	go run ./tools/docs sync    rewrite every block from its source
//
// A block is tied to its source by an HTML comment on the line before it;
// docs/contributing.md describes the format.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/fatih/color"
	"github.com/urfave/cli/v2"

	"peerchain/tools/command"
	"peerchain/tools/internal/repo"
)

// errProblems makes the command exit 1 after it has named the problems.
var errProblems = fmt.Errorf("docs do not match their sources: %w", command.ErrReported)

func main() { command.Main(run) }

func run(ctx context.Context, args []string, stdout io.Writer) error {
	var root string
	before := func(c *cli.Context) error {
		root = c.String("root")
		if root != "" {
			return nil
		}
		var err error
		root, err = repo.Root(c.Context)
		return err
	}
	app := command.Setup(stdout, &cli.App{
		Name:  "docs",
		Usage: "keep the code and output shown in docs/ true to the repository",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "root", Usage: "repository root (default: the module's)", Hidden: true},
		},
		Before: before,
		Commands: []*cli.Command{
			{
				Name:  "check",
				Usage: "fail, naming each block that differs from its source",
				Action: func(c *cli.Context) error {
					return check(c.Context, stdout, newSite(root))
				},
			},
			{
				Name:  "sync",
				Usage: "rewrite every block from its source",
				Action: func(c *cli.Context) error {
					return sync(c.Context, stdout, newSite(root))
				},
			},
		},
	})
	return app.RunContext(ctx, args)
}

var (
	red   = color.New(color.FgRed)
	green = color.New(color.FgGreen)
)

// check reports every block that differs from what its source gives.
func check(ctx context.Context, w io.Writer, s *site) error {
	pages, err := s.pages()
	if err != nil {
		return err
	}
	blocks, bad := 0, 0
	for _, p := range pages {
		for _, d := range p.directives {
			blocks++
			want, err := s.want(ctx, d)
			if err != nil {
				bad++
				fmt.Fprintln(w, red.Sprintf("%s:%d: %s: %v", p.path, d.line, d.arg, err))
				continue
			}
			if diff := firstDifference(want, p.block(d)); diff != "" {
				bad++
				fmt.Fprintln(w, red.Sprintf("%s:%d: %s: %s", p.path, d.line, d.arg, diff))
			}
		}
	}
	if bad > 0 {
		fmt.Fprintf(w, "\n%d of %d blocks do not match; `go run ./tools/docs sync` rewrites them from their sources.\n", bad, blocks)
		return errProblems
	}
	fmt.Fprintln(w, green.Sprintf("%d blocks in %d pages match their sources.", blocks, len(pages)))
	return nil
}

// sync rewrites every block from its source. A page with a block whose
// source cannot be read is left as it is, and named.
func sync(ctx context.Context, w io.Writer, s *site) error {
	pages, err := s.pages()
	if err != nil {
		return err
	}
	failed := false
	for _, p := range pages {
		wants := make([][]string, len(p.directives))
		changed, pageOK := 0, true
		for i, d := range p.directives {
			want, err := s.want(ctx, d)
			if err != nil {
				fmt.Fprintln(w, red.Sprintf("%s:%d: %s: %v", p.path, d.line, d.arg, err))
				pageOK = false
				continue
			}
			if firstDifference(want, p.block(d)) != "" {
				changed++
			}
			wants[i] = want
		}
		if !pageOK {
			failed = true
			continue
		}
		if changed == 0 {
			continue
		}
		if err := os.WriteFile(filepath.Join(s.root, p.path), []byte(p.withBlocks(wants)), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(w, "%s: %d blocks rewritten\n", p.path, changed)
	}
	if failed {
		return errProblems
	}
	return nil
}

// firstDifference describes where the page's block first differs from the
// wanted one, or returns "" when they are the same.
func firstDifference(want, have []string) string {
	if len(have) == 0 {
		return "no code block follows (sync adds it)"
	}
	for i := 0; i < max(len(want), len(have)); i++ {
		var w, h string
		if i < len(want) {
			w = want[i]
		}
		if i < len(have) {
			h = have[i]
		}
		if w != h {
			return fmt.Sprintf("differs from its source at block line %d:\n    source: %q\n    docs:   %q", i+1, w, h)
		}
	}
	return ""
}

// pagePaths lists the Markdown files whose blocks the tool keeps: every
// page of docs/ and the README.
func pagePaths(root string) ([]string, error) {
	var paths []string
	if _, err := os.Stat(filepath.Join(root, "README.md")); err == nil {
		paths = append(paths, "README.md")
	}
	docs := filepath.Join(root, "docs")
	if _, err := os.Stat(docs); errors.Is(err, os.ErrNotExist) {
		return paths, nil
	}
	err := filepath.WalkDir(docs, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".md") {
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			paths = append(paths, filepath.ToSlash(rel))
		}
		return nil
	})
	return paths, err
}
