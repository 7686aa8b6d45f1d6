// Command experiments runs the project's simulation experiments and prints
// what they found.
//
//	go run ./tools/experiments                 list the experiments
//	go run ./tools/experiments help            the same, with the flags
//	go run ./tools/experiments pittel          print its table
//	go run ./tools/experiments pittel -json    print it as one JSON object
//	go run ./tools/experiments pittel -svg F   also write its chart to F
//	go run ./tools/experiments -docs           regenerate every table and
//	                                           chart the docs show
//
// Every experiment is seeded, so a run prints the same numbers every time.
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

// Experiment is one question the simulator answers.
type Experiment struct {
	Name    string
	Summary string
	// Docs is the base name of its files in docs/chapters/img/, or
	// empty for a measurement of time, which no run repeats byte for
	// byte: its page shows a run's figures with the command instead.
	Docs string
	Run  func(Options) (*Result, error)
}

// Options tune a run.
type Options struct {
	Runs    int // seeded runs per setting; 0: the experiment's own choice
	Minutes int // virtual minutes, for an experiment that runs in time; 0: its own
}

// experiments is every experiment, in chapter order.
var experiments = []Experiment{pittel, discoveryBootstrap, discoveryEclipse, discoveryChurn,
	broadcastFlood, broadcastResidue, broadcastPartition, broadcastGlomers,
	broadcastGlomersVariants, transactionsOrigin, powMining, forkchoiceForks, syncIBD}

// docsImages is where -docs writes, from the repository root.
const docsImages = "docs/chapters/img"

func main() { command.Main(run) }

func run(ctx context.Context, args []string, stdout io.Writer) error {
	// usageError shows the help, then a blank line, then the error (which
	// command.Main prints), so the two do not run together.
	usageError := func(c *cli.Context, err error, _ bool) error {
		cli.ShowSubcommandHelp(c)
		fmt.Fprintln(stdout)
		return err
	}
	runFlags := func() []cli.Flag {
		return []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object instead of a table"},
			&cli.StringFlag{Name: "svg", Usage: "also write the chart to `FILE`"},
			&cli.IntFlag{Name: "runs", Usage: "seeded runs per setting (default: the experiment's own)"},
			&cli.IntFlag{Name: "minutes", Usage: "virtual minutes to run, for churn (default: the experiment's own)"},
		}
	}
	var commands []*cli.Command
	for _, e := range experiments {
		commands = append(commands, &cli.Command{
			Name:            e.Name,
			Usage:           e.Summary,
			ArgsUsage:       " ",
			HideHelpCommand: true,
			Flags: append(runFlags(),
				&cli.BoolFlag{Name: "no-color", Usage: "plain output (NO_COLOR works too)"}),
			OnUsageError: usageError,
			Action: func(c *cli.Context) error {
				if c.Bool("no-color") {
					color.NoColor = true
				}
				if c.NArg() > 0 {
					return fmt.Errorf("%s takes no arguments, got %q (one experiment at a time)", e.Name, c.Args().Slice())
				}
				return runOne(c, stdout, e)
			},
		})
	}
	app := command.Setup(stdout, &cli.App{
		Name:         "experiments",
		Usage:        "run a simulation experiment and print what it found",
		UsageText:    "experiments NAME [-json] [-svg FILE] [-runs N] [-minutes N]\nexperiments -docs\nexperiments help",
		Commands:     commands,
		OnUsageError: usageError,
		// The flags of a run may come before its name too, as in
		// `experiments -json pittel`.
		Flags: append(runFlags(),
			&cli.BoolFlag{Name: "docs", Usage: "regenerate the table and chart of every experiment in " + docsImages},
			&cli.StringFlag{Name: "root", Usage: "repository root for -docs (default: the module's)", Hidden: true},
		),
		Action: func(c *cli.Context) error {
			if c.Bool("docs") {
				root := c.String("root")
				if root == "" {
					var err error
					if root, err = repo.Root(c.Context); err != nil {
						return err
					}
				}
				return regenerateDocs(stdout, root, Options{Runs: c.Int("runs")})
			}
			if c.NArg() == 0 {
				return list(stdout)
			}
			_, err := find(c.Args().First()) // not a command: say which there are
			return err
		},
	})
	app.HideHelpCommand = false // `experiments help` lists them, one line each
	return app.RunContext(ctx, args)
}

// runOne runs an experiment with the flags given after its name or,
// failing that, before it.
func runOne(c *cli.Context, stdout io.Writer, e Experiment) error {
	top := c.Lineage()[1]
	pick := func(name string) *cli.Context {
		if c.IsSet(name) {
			return c
		}
		return top
	}
	opts := Options{Runs: pick("runs").Int("runs"), Minutes: pick("minutes").Int("minutes")}
	res, err := e.Run(opts)
	if err != nil {
		return fmt.Errorf("%s: %w", e.Name, err)
	}
	if path := pick("svg").String("svg"); path != "" {
		if err := writeSVG(path, res); err != nil {
			return err
		}
	}
	if pick("json").Bool("json") {
		return res.WriteJSON(stdout)
	}
	return res.WriteTable(stdout)
}

func list(w io.Writer) error {
	fmt.Fprintln(w, "Experiments (run one with: go run ./tools/experiments NAME):")
	for _, e := range experiments {
		fmt.Fprintf(w, "  %-10s %s\n", e.Name, e.Summary)
	}
	return nil
}

func find(name string) (Experiment, error) {
	var names []string
	for _, e := range experiments {
		if e.Name == name {
			return e, nil
		}
		names = append(names, e.Name)
	}
	return Experiment{}, fmt.Errorf("no experiment %q; there are: %s", name, strings.Join(names, ", "))
}

func writeSVG(path string, res *Result) error {
	if res.Chart == nil {
		return errors.New("this experiment draws no chart")
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := res.Chart.WriteSVG(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// regenerateDocs writes each experiment's table (NAME.txt) and chart
// (NAME.svg) where the docs pages include them.
func regenerateDocs(w io.Writer, root string, opts Options) error {
	dir := filepath.Join(root, docsImages)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, e := range experiments {
		if e.Docs == "" {
			continue
		}
		res, err := e.Run(opts)
		if err != nil {
			return fmt.Errorf("%s: %w", e.Name, err)
		}
		var table strings.Builder
		if err := res.WriteTable(&table); err != nil {
			return err
		}
		txt := filepath.Join(dir, e.Docs+".txt")
		if err := os.WriteFile(txt, []byte(table.String()), 0o644); err != nil {
			return err
		}
		svg := filepath.Join(dir, e.Docs+".svg")
		if err := writeSVG(svg, res); err != nil {
			return err
		}
		fmt.Fprintf(w, "%s: wrote %s and %s\n", e.Name, rel(root, txt), rel(root, svg))
	}
	return nil
}

func rel(root, path string) string {
	r, err := filepath.Rel(root, path)
	if err != nil {
		return path
	}
	return r
}
