package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"peerchain/tools/command/commandtest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { commandtest.Main(m) }

const source = `package x

// docs:begin outer

func A() {
	// docs:begin inner
	if true {
		return
	}
	// docs:end inner
}

// docs:end outer
`

func TestExtract(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		region  string
		want    string
		wantErr string
	}{
		{name: "region", src: source, region: "outer", want: "func A() {\n\tif true {\n\t\treturn\n\t}\n}"},
		{name: "nested region is dedented", src: source, region: "inner", want: "if true {\n\treturn\n}"},
		{name: "whole file drops markers", src: source, want: "package x\n\nfunc A() {\n\tif true {\n\t\treturn\n\t}\n}"},
		{name: "blank lines at the ends go", src: "// docs:begin r\n\nx\n\n// docs:end r\n", region: "r", want: "x"},
		{name: "hash comments", src: "# docs:begin r\necho hi\n# docs:end r\n", region: "r", want: "echo hi"},
		{name: "missing region", src: source, region: "nope", wantErr: `no region "nope"`},
		{name: "never ends", src: "// docs:begin r\nx\n", region: "r", wantErr: `line 1: region "r" never ends`},
		{name: "ends without beginning", src: "x\n// docs:end r\n", region: "r", wantErr: `line 2: region "r" ends but never began`},
		{name: "begins twice", src: "// docs:begin r\n// docs:begin r\n", region: "r", wantErr: `line 2: region "r" begins again; it began on line 1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := extract(tt.src, tt.region)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParsePageErrors(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		wantErr string
	}{
		{name: "unclosed block", text: "<!-- code: a.go -->\n```go\nx\n", wantErr: "p.md:2: the code block never closes"},
		{name: "empty directive", text: "<!-- code: -->\n", wantErr: "p.md:1: code: says nothing after the colon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parsePage("p.md", tt.text)
			assert.EqualError(t, err, tt.wantErr)
		})
	}
}

// repoWith makes a repository in a temporary directory.
func repoWith(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, text := range files {
		path := filepath.Join(root, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	}
	return root
}

// runDocs runs the command on root and returns its error and output.
func runDocs(t *testing.T, root string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), append([]string{"docs", "-root", root}, args...), &out)
	return out.String(), err
}

const samplePage = "# Page\n\nText.\n\n<!-- code: x.go#inner -->\n```go\nif true {\n\treturn\n}\n```\n\nMore text.\n"

func TestCheck(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		wantOK   bool
		wantSays string
	}{
		{name: "matches", files: map[string]string{"x.go": source, "docs/p.md": samplePage}, wantOK: true, wantSays: "1 blocks in 1 pages match"},
		{
			name:     "source line changed",
			files:    map[string]string{"x.go": strings.Replace(source, "return", "return // early", 1), "docs/p.md": samplePage},
			wantSays: "docs/p.md:5: x.go#inner: differs from its source at block line 3:\n    source: \"\\treturn // early\"\n    docs:   \"\\treturn\"",
		},
		{
			name:     "source line added",
			files:    map[string]string{"x.go": strings.Replace(source, "return\n", "return\n\t\tx()\n", 1), "docs/p.md": samplePage},
			wantSays: "block line 4",
		},
		{name: "missing file", files: map[string]string{"docs/p.md": samplePage}, wantSays: "docs/p.md:5: x.go#inner: no file x.go"},
		{name: "missing region", files: map[string]string{"x.go": "package x\n", "docs/p.md": samplePage}, wantSays: `x.go: no region "inner"`},
		{name: "no block yet", files: map[string]string{"x.go": source, "docs/p.md": "<!-- code: x.go#inner -->\ntext\n"}, wantSays: "no code block follows"},
		{name: "README is checked too", files: map[string]string{"x.go": "package x\n", "README.md": samplePage}, wantSays: "README.md:5"},
		{
			name:     "marker glued to a doc comment",
			files:    map[string]string{"x.go": "package x\n\n// docs:begin inner\n// A does it.\nfunc A() {}\n\n// docs:end inner\n", "docs/p.md": samplePage},
			wantSays: `x.go: line 3: leave a blank line after "// docs:begin inner", or go doc shows it as documentation`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := repoWith(t, tt.files)
			out, err := runDocs(t, root, "check")
			if tt.wantOK {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, errProblems)
			}
			assert.Contains(t, out, tt.wantSays)
		})
	}
}

func TestSync(t *testing.T) {
	tests := []struct {
		name  string
		page  string
		want  string
		count string // in the output
	}{
		{
			name:  "rewrites a stale block",
			page:  "<!-- code: x.go#inner -->\n```go\nold\n```\ntail\n",
			want:  "<!-- code: x.go#inner -->\n```go\nif true {\n\treturn\n}\n```\ntail\n",
			count: "docs/p.md: 1 blocks rewritten",
		},
		{
			name:  "adds a missing block",
			page:  "<!-- code: x.go#inner -->\ntail\n",
			want:  "<!-- code: x.go#inner -->\n```go\nif true {\n\treturn\n}\n```\ntail\n",
			count: "docs/p.md: 1 blocks rewritten",
		},
		{
			name: "keeps the indentation of the comment",
			page: "!!! note\n    <!-- code: x.go#inner -->\n    ```go\n    old\n    ```\n",
			want: "!!! note\n    <!-- code: x.go#inner -->\n    ```go\n    if true {\n    \treturn\n    }\n    ```\n",
		},
		{
			name: "leaves a matching page alone",
			page: samplePage,
			want: samplePage,
		},
		{
			name: "a directive inside a code block is an example",
			page: "````markdown\n<!-- code: x.go#inner -->\n````\n",
			want: "````markdown\n<!-- code: x.go#inner -->\n````\n",
		},
		{
			name: "command output",
			page: "<!-- output: echo hello; echo oops >&2; exit 3 -->\n",
			want: "<!-- output: echo hello; echo oops >&2; exit 3 -->\n```text\n$ echo hello; echo oops >&2; exit 3\nhello\noops\n```\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := repoWith(t, map[string]string{"x.go": source, "docs/p.md": tt.page})
			out, err := runDocs(t, root, "sync")
			require.NoError(t, err)
			assert.Contains(t, out, tt.count)
			got, err := os.ReadFile(filepath.Join(root, "docs/p.md"))
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))

			out, err = runDocs(t, root, "check")
			assert.NoError(t, err, "check after sync: %s", out)
		})
	}
}

func TestSyncLeavesABrokenPageAlone(t *testing.T) {
	broken := "<!-- code: x.go#inner -->\n```go\nold\n```\n<!-- code: gone.go -->\n```go\n```\n"
	root := repoWith(t, map[string]string{"x.go": source, "docs/p.md": broken})
	out, err := runDocs(t, root, "sync")
	assert.ErrorIs(t, err, errProblems)
	assert.Contains(t, out, "docs/p.md:5: gone.go: no file gone.go")
	got, err := os.ReadFile(filepath.Join(root, "docs/p.md"))
	require.NoError(t, err)
	assert.Equal(t, broken, string(got))
}
