package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// commandTimeout bounds one output command, so a command that hangs
// fails the check instead of stalling it.
const commandTimeout = 2 * time.Minute

// site is the repository whose docs are checked.
type site struct {
	root string
}

func newSite(root string) *site { return &site{root: root} }

// pages reads and parses every page.
func (s *site) pages() ([]*page, error) {
	paths, err := pagePaths(s.root)
	if err != nil {
		return nil, err
	}
	var pages []*page
	for _, path := range paths {
		text, err := os.ReadFile(filepath.Join(s.root, path))
		if err != nil {
			return nil, err
		}
		p, err := parsePage(path, string(text))
		if err != nil {
			return nil, err
		}
		pages = append(pages, p)
	}
	return pages, nil
}

// want returns the block a directive should have: the lines of its
// region, or its command and what the command prints.
func (s *site) want(ctx context.Context, d directive) ([]string, error) {
	if d.kind == "output" {
		out, err := s.output(ctx, d.arg)
		if err != nil {
			return nil, err
		}
		return fenced(d.indent, "text", "$ "+d.arg+"\n"+out), nil
	}
	file, region, _ := strings.Cut(d.arg, "#")
	src, err := os.ReadFile(filepath.Join(s.root, filepath.FromSlash(file)))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no file %s", file)
	}
	if err != nil {
		return nil, err
	}
	if strings.HasSuffix(file, ".go") {
		if err := checkGoMarkers(string(src)); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
	}
	body, err := extract(string(src), region)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return fenced(d.indent, language(file), body), nil
}

// output runs a shell command from the repository root, without colour,
// and returns what it printed, stdout and stderr together. A command may
// fail on purpose (to show an error message); one that cannot start, or
// runs past commandTimeout, is an error.
func (s *site) output(ctx context.Context, command string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", command)
	cmd.Dir = s.root
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "TERM=dumb")
	var out strings.Builder
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	if ctx.Err() != nil {
		return "", fmt.Errorf("command ran past %v", commandTimeout)
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return "", err
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.Join(lines, "\n"), nil
}
