// Package command holds what the main function of every peerchain command
// does, so that each command's main is one line and the rest of it, a run
// function, can be tested.
//
//	func main() { command.Main(run) }
//
//	func run(ctx context.Context, args []string, stdout io.Writer) error
package command

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/fatih/color"
	"github.com/urfave/cli/v2"
)

// ErrReported is wrapped by an error whose command has already printed
// what went wrong (a report that ends "2 exercises failing", say): Main
// exits with status 1 without printing it again.
var ErrReported = errors.New("reported")

// Run is a command: its arguments (os.Args), where it prints, and a
// context that Ctrl-C cancels.
type Run func(ctx context.Context, args []string, stdout io.Writer) error

// Main runs a command and exits: status 0 if it returned nil, else 1,
// after printing its error in red on stderr, prefixed with its name.
func Main(run Run) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args, os.Stdout)
	stop()
	os.Exit(exit(err, filepath.Base(os.Args[0]), os.Stderr))
}

// exit prints err, if it needs printing, and returns the exit status.
func exit(err error, name string, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	if !errors.Is(err, ErrReported) {
		fmt.Fprintln(stderr, color.RedString("%s: %v", name, err))
	}
	return 1
}

// Setup fills in what every peerchain command's cli.App has in common,
// and returns it: it prints help and errors to stdout, has no "help"
// subcommand (-h does that), and takes -no-color, which turns colour off
// before the command runs (NO_COLOR in the environment does the same:
// fatih/color reads it, and so does a stdout that is not a terminal).
func Setup(stdout io.Writer, app *cli.App) *cli.App {
	app.Writer, app.ErrWriter = stdout, stdout
	app.HideHelpCommand = true
	app.Flags = append(app.Flags, &cli.BoolFlag{Name: "no-color", Usage: "plain output (NO_COLOR works too)"})
	before := app.Before
	app.Before = func(c *cli.Context) error {
		if c.Bool("no-color") {
			color.NoColor = true
		}
		if before != nil {
			return before(c)
		}
		return nil
	}
	return app
}
