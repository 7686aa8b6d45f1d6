// Package commandtest holds what every peerchain command's tests repeat:
// colour off, run the command's run function with arguments, and capture
// what it printed.
//
//	func TestMain(m *testing.M) { commandtest.Main(m) }
//
//	out, err := commandtest.Run(t, run, "spread", "-nodes", "64")
package commandtest

import (
	"bytes"
	"context"
	"testing"

	"github.com/fatih/color"
	"go.uber.org/goleak"

	"peerchain/tools/command"
)

// Main turns colour off, so that output compares as plain text, then runs
// the package's tests and exits with their status, failing them if a
// goroutine outlives them: a command that stops must leave nothing
// running.
func Main(m *testing.M) {
	color.NoColor = true
	goleak.VerifyTestMain(m)
}

// Run runs a command with args (args[0] is its name, as in os.Args) until
// it returns or the test ends, and returns what it printed and its error.
func Run(t testing.TB, run command.Run, args ...string) (string, error) {
	t.Helper()
	return RunContext(t.Context(), run, args...)
}

// RunContext is Run with a context of the caller's, for a command that
// runs until it is stopped.
func RunContext(ctx context.Context, run command.Run, args ...string) (string, error) {
	var out bytes.Buffer
	err := run(ctx, args, &out)
	return out.String(), err
}
