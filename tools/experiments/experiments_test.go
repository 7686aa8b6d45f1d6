package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"peerchain/tools/command/commandtest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { commandtest.Main(m) }

func runExperiments(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), append([]string{"experiments"}, args...), &out)
	return out.String(), err
}

// TestPittelJSON runs pittel with few runs and checks the JSON shape and
// that the numbers are what the experiment claims: mean rounds close to
// log2 n + ln n.
func TestPittelJSON(t *testing.T) {
	t.Parallel() // seeded, and shares nothing with the other tests
	tests := []struct {
		name string
		args []string
	}{
		{name: "flags after the name", args: []string{"pittel", "-json", "-runs", "2"}},
		{name: "flags before the name", args: []string{"-json", "-runs", "2", "pittel"}},
		{name: "some before, some after", args: []string{"-runs", "2", "pittel", "-json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runExperiments(t, tt.args...)
			require.NoError(t, err)
			checkPittelJSON(t, out)
		})
	}
}

func checkPittelJSON(t *testing.T, out string) {
	t.Helper()
	var got struct {
		Rows []struct {
			N, Runs, Rounds, SD, Theory float64
		} `json:"rows"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	require.Len(t, got.Rows, 3)
	for i, want := range []struct{ n, theory float64 }{{100, 11.25}, {1000, 16.87}, {10000, 22.5}} {
		row := got.Rows[i]
		assert.Equal(t, want.n, row.N)
		assert.Equal(t, 2.0, row.Runs)
		assert.Equal(t, want.theory, row.Theory)
		assert.InDelta(t, want.theory, row.Rounds, 3, "n=%v", row.N)
	}
}

func TestPittelTableAndSVG(t *testing.T) {
	svg := filepath.Join(t.TempDir(), "p.svg")
	out, err := runExperiments(t, "-runs", "1", "-svg", svg, "pittel")
	require.NoError(t, err)
	assert.Contains(t, out, "     n  runs  rounds    sd  log2 n + ln n\n")
	assert.Contains(t, out, "10,000     1")
	data, err := os.ReadFile(svg)
	require.NoError(t, err)
	assert.Contains(t, string(data), "<svg")
	assert.Contains(t, string(data), "measured (mean ± sd)")
}

func TestDocsRegeneration(t *testing.T) {
	// Pittel alone keeps the test quick: .ci/run regenerates every
	// experiment's figures and checks them against the committed ones.
	all := experiments
	experiments = []Experiment{pittel}
	t.Cleanup(func() { experiments = all })
	root := t.TempDir()
	out, err := runExperiments(t, "-docs", "-root", root, "-runs", "1")
	require.NoError(t, err)
	assert.Contains(t, out, "pittel: wrote docs/chapters/img/04-pittel.txt and docs/chapters/img/04-pittel.svg")
	for _, f := range []string{"04-pittel.txt", "04-pittel.svg"} {
		assert.FileExists(t, filepath.Join(root, docsImages, f))
	}
}

func TestExperimentsErrors(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{name: "unknown", args: []string{"nope"}, wantErr: `no experiment "nope"; there are: pittel, bootstrap, eclipse, churn`},
		{name: "two at once", args: []string{"pittel", "pittel"}, wantErr: "one experiment at a time"},
		{name: "an unknown flag after the name", args: []string{"pittel", "-bogus"}, wantErr: "flag provided but not defined: -bogus"},
		{name: "svg into a missing directory", args: []string{"-runs", "1", "-svg", "/nonexistent/dir/x.svg", "pittel"}, wantErr: "no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runExperiments(t, tt.args...)
			assert.ErrorContains(t, err, tt.wantErr)
		})
	}
}

func TestList(t *testing.T) {
	out, err := runExperiments(t)
	require.NoError(t, err)
	assert.Contains(t, out, "pittel     push rumor spreading")
	out, err = runExperiments(t, "help")
	require.NoError(t, err)
	assert.Regexp(t, `(?m)^   pittel +push rumor spreading: rounds to inform n nodes`, out, "help lists each experiment on one line")
}

// TestUsageErrorAfterHelp: a bad flag shows the help, then a blank line,
// before the error that command.Main prints.
func TestUsageErrorAfterHelp(t *testing.T) {
	out, err := runExperiments(t, "pittel", "-bogus")
	require.Error(t, err)
	assert.Regexp(t, `--help, -h +show help\n\n$`, out)
}

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		v        float64
		decimals int
		want     string
	}{
		{10000, 0, "10,000"}, {100, 0, "100"}, {1234567, 0, "1,234,567"}, {-1500, 0, "-1,500"},
		{16.8732, 2, "16.87"}, {3, 2, "3.00"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, formatNumber(tt.v, tt.decimals))
		})
	}
}
