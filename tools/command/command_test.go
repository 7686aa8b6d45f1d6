package command

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/fatih/color"
	"github.com/stretchr/testify/assert"
	"github.com/urfave/cli/v2"
)

func TestExit(t *testing.T) {
	color.NoColor = true
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantStderr string
	}{
		{name: "success", err: nil, wantStatus: 0},
		{name: "failure", err: errors.New("no such file"), wantStatus: 1, wantStderr: "grade: no such file\n"},
		{name: "already reported", err: fmt.Errorf("2 failing: %w", ErrReported), wantStatus: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			assert.Equal(t, tt.wantStatus, exit(tt.err, "grade", &stderr))
			assert.Equal(t, tt.wantStderr, stderr.String())
		})
	}
}

func TestSetup(t *testing.T) {
	tests := []struct {
		name        string
		args        []string
		wantNoColor bool
	}{
		{name: "colour by default", args: []string{"x"}, wantNoColor: false},
		{name: "-no-color", args: []string{"x", "-no-color"}, wantNoColor: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			color.NoColor = false
			var out bytes.Buffer
			ownBefore := false
			app := Setup(&out, &cli.App{
				Name:   "x",
				Before: func(*cli.Context) error { ownBefore = true; return nil },
				Action: func(*cli.Context) error { return nil },
			})
			assert.NoError(t, app.Run(tt.args))
			assert.Equal(t, tt.wantNoColor, color.NoColor)
			assert.True(t, ownBefore, "the app's own Before still runs")
		})
	}
	color.NoColor = true
}

func TestSetupPrintsHelpToStdout(t *testing.T) {
	var out bytes.Buffer
	app := Setup(&out, &cli.App{Name: "x", Usage: "does x"})
	assert.NoError(t, app.Run([]string{"x", "-h"}))
	assert.Contains(t, out.String(), "x - does x")
	assert.Contains(t, out.String(), "--no-color")
	assert.NotContains(t, out.String(), "COMMANDS:", "no help subcommand")
}
