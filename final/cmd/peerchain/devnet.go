package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	discovery "peerchain/chapters/05-discovery"
	transactions "peerchain/chapters/07-transactions"
	pow "peerchain/chapters/09-pow"
	"peerchain/final/devnet"
	"peerchain/final/node"
)

// The devnet's test items: one every 5 s by default, gentle enough to
// watch each spread in the summary; never more than 100 a second.
const (
	defaultItemsEvery = 5 * time.Second
	minItemsEvery     = 10 * time.Millisecond
	// defaultTxRate is one test transfer a second: the MEMPOOL column
	// grows as a class watches, and each wallet's hundred pending
	// transfers (a mempool's limit of one sender) last about a quarter
	// of an hour before there are blocks to mine them.
	defaultTxRate = 1
	// defaultMiners is one: with two, blocks found at once fork the
	// network, and nothing before chapter 10 chooses between branches.
	defaultMiners = 1
)

var devnetCommand = &cli.Command{
	Name:  "devnet",
	Usage: "run a local network of nodes, with a live summary, until Ctrl-C",
	Description: "Starts -n node processes on 127.0.0.1 (this same program, as `peerchain node`),\n" +
		"node0 the seed of the others, each with its own data directory under --dir (a\n" +
		"fresh temporary one unless you give it). Each node's lines come prefixed with\n" +
		"its name, in its colour; below them, a summary of every node's peers and\n" +
		"items, from their APIs. Every --items-every it publishes a test item at a\n" +
		"node chosen at random, through its API, and the ITEMS column shows it spread;\n" +
		"--tx-rate times a second it sends a transfer between two of the devnet's\n" +
		"funded wallets (their keys in DIR/wallets), and the MEMPOOL column shows it\n" +
		"spread. The first --miners nodes mine (node0 by default): HEIGHT and TIP show\n" +
		"each node's chain, INTERVAL the time between its last two blocks, REORGS how\n" +
		"often it moved to a heavier branch (chapter 10's fork choice). Ctrl-C\n" +
		"stops every node cleanly and prints a closing summary.",
	Before: setColor,
	Flags: []cli.Flag{
		&cli.IntFlag{Name: "nodes", Aliases: []string{"n"}, EnvVars: []string{"PEERCHAIN_NODES"},
			Value: devnet.DefaultNodes, Usage: "how many nodes, 1 to " + strconv.Itoa(devnet.MaxNodes)},
		&cli.StringFlag{Name: "dir", EnvVars: []string{"PEERCHAIN_DEVNET_DIR"},
			Usage: "keep the nodes' data directories in `DIR` (default: a temporary one, removed at the end)"},
		&cli.BoolFlag{Name: "restart", EnvVars: []string{"PEERCHAIN_RESTART"},
			Usage: "restart a node that dies"},
		&cli.DurationFlag{Name: "grace", EnvVars: []string{"PEERCHAIN_GRACE"}, Value: devnet.DefaultGrace,
			Usage: "how long nodes get to stop after Ctrl-C before they are killed"},
		&cli.DurationFlag{Name: "poll", EnvVars: []string{"PEERCHAIN_POLL"}, Value: devnet.DefaultPollInterval,
			Usage: "how often to ask every node for its status"},
		&cli.IntFlag{Name: "outbound", EnvVars: []string{"PEERCHAIN_OUTBOUND"},
			DefaultText: strconv.Itoa(discovery.DefaultOutboundTarget), Usage: "each node keeps `N` outbound connections"},
		&cli.DurationFlag{Name: "items-every", EnvVars: []string{"PEERCHAIN_ITEMS_EVERY"}, Value: defaultItemsEvery,
			Usage: "publish a test item at a random node every `D` (0: never)"},
		&cli.Float64Flag{Name: "tx-rate", EnvVars: []string{"PEERCHAIN_TX_RATE"}, Value: defaultTxRate,
			Usage: "send `N` test transfers a second between the devnet's wallets, each at a random node (0: none)"},
		&cli.IntFlag{Name: "miners", EnvVars: []string{"PEERCHAIN_MINERS"}, Value: defaultMiners,
			Usage: "how many nodes mine, from node0 up, each on one thread (0: none)"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, EnvVars: []string{"PEERCHAIN_QUIET"},
			Usage: "show the summary and the devnet's own events, not the nodes' log lines"},
		labFlag, logJSONFlag, noColorFlag,
	},
	Action:      runDevnet,
	Subcommands: []*cli.Command{partitionCommand, healCommand, killCommand, restartCommand},
}

func runDevnet(c *cli.Context) error {
	if c.NArg() > 0 {
		return fmt.Errorf("devnet takes no arguments but its commands (partition, heal, kill, restart): for 3 nodes, say -n 3")
	}
	if n := c.Int("nodes"); n < 1 || n > devnet.MaxNodes {
		return fmt.Errorf("-n %d: want 1 to %d nodes", n, devnet.MaxNodes)
	}
	if c.Int("outbound") < 0 {
		return fmt.Errorf("--outbound %d: must not be negative", c.Int("outbound"))
	}
	if d := c.Duration("items-every"); d < 0 || d > 0 && d < minItemsEvery {
		return fmt.Errorf("--items-every %v: want 0 (never) or at least %v", d, minItemsEvery)
	}
	if r := c.Float64("tx-rate"); r < 0 || r > devnet.MaxTxRate {
		return fmt.Errorf("--tx-rate %v: want 0 (none) to %d transfers a second", r, devnet.MaxTxRate)
	}
	if m := c.Int("miners"); m < 0 || m > c.Int("nodes") {
		return fmt.Errorf("--miners %d: want 0 to %d, the nodes there are", m, c.Int("nodes"))
	}
	if _, err := lab(c.StringSlice("lab")); err != nil {
		return err // say so once, not once a node
	}
	bin, err := os.Executable()
	if err != nil {
		return fmt.Errorf("cannot find this program to start nodes with: %w", err)
	}
	dir, keep := c.String("dir"), c.IsSet("dir")
	if !keep {
		if dir, err = devnet.MkTemp(); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	}
	var nodeArgs []string
	if c.Bool("log-json") {
		nodeArgs = append(nodeArgs, "--log-json")
	}
	if o := c.Int("outbound"); o > 0 {
		nodeArgs = append(nodeArgs, "--outbound", strconv.Itoa(o))
	}
	for _, ch := range c.StringSlice("lab") {
		nodeArgs = append(nodeArgs, "--lab", ch)
	}
	out := c.App.Writer
	p := newPrinter(out, isTerminal(out), c.Int("nodes"), c.Bool("quiet"))
	start := time.Now()
	p.note(fmt.Sprintf("devnet: %d nodes in %s; Ctrl-C stops them", c.Int("nodes"), dir))
	switch m := c.Int("miners"); {
	case m == 1:
		p.note(fmt.Sprintf("devnet: node0 mines, paying wallet 1; a block every %v once the difficulty settles",
			pow.DevNetParams.TargetSpacing))
	case m > 1:
		p.note(fmt.Sprintf("devnet: %s to %s mine, paying wallets 1 to %d; a block every %v once the difficulty settles",
			devnet.Name(0), devnet.Name(m-1), devnet.MinerWallet(m-1), pow.DevNetParams.TargetSpacing))
	}
	if c.Int("miners") > 1 {
		p.note("devnet: two blocks found at once fork the chain for a moment; chapter 10's fork choice ends it (REORGS)")
		p.note(fmt.Sprintf("devnet: to split it in two, each side with a miner: peerchain devnet partition --dir %s %s;"+
			" to end it: peerchain devnet heal --dir %s", dir, evenOdd(c.Int("nodes")), dir))
	}
	if labs := c.StringSlice("lab"); len(labs) > 0 {
		p.note("devnet: every node runs your code of chapters " + strings.Join(labs, ", "))
	}
	wallets, err := devnet.WriteWallets(dir)
	if err != nil {
		return fmt.Errorf("devnet wallets: %w", err)
	}
	p.note(fmt.Sprintf("devnet: wallets 1 to %d, %d each at genesis; their keys: %s",
		len(wallets), node.DevnetBalance, filepath.Join(dir, devnet.WalletsDir)))
	p.note(fmt.Sprintf("  peerchain wallet balance --wallet %s --datadir %s",
		wallets[0], filepath.Join(dir, devnet.Name(0))))
	var tally transferTally
	rowsOf := func(states []devnet.NodeState) []row {
		rows := make([]row, len(states))
		for i, s := range states {
			rows[i] = row{name: s.Name, up: s.Up, status: s.Status, note: s.Err, paint: nodeColor(i)}
		}
		return rows
	}
	res, err := devnet.Run(c.Context, devnet.Config{
		Nodes: c.Int("nodes"), Dir: dir, Binary: bin, NodeArgs: nodeArgs, Miners: c.Int("miners"),
		Restart: c.Bool("restart"), Grace: c.Duration("grace"), Poll: c.Duration("poll"),
		ItemsEvery: c.Duration("items-every"), TxRate: c.Float64("tx-rate"),
		OnLine: func(i int, line string) { p.line(i, devnet.Name(i), line) },
		OnEvent: func(e devnet.Event) {
			if !tally.count(e) {
				return
			}
			text, bad := describeEvent(e)
			if e.Kind == devnet.TransferHeld {
				p.note("devnet: " + text) // of no node
				return
			}
			p.event(e.Node, e.Name, text, bad)
		},
		OnSummary: func(states []devnet.NodeState) {
			lines := summary(time.Since(start), rowsOf(states))
			if c.Float64("tx-rate") > 0 {
				lines = slices.Insert(lines, len(lines)-1, tally.String())
			}
			p.summary(lines)
		},
	})
	if len(res.Stops) > 0 {
		lines := append([]string{"", "closing summary, each node as last seen:"}, summary(time.Since(start), rowsOf(res.Nodes))...)
		clean := 0
		for _, s := range res.Stops {
			if s.Kind == devnet.Stopped && s.Err == nil {
				clean++
			}
		}
		lines = append(lines, fmt.Sprintf("%d of %d nodes stopped cleanly", clean, len(res.Stops)))
		if res.Published > 0 {
			lines = append(lines, fmt.Sprintf("%d test items published", res.Published))
		}
		if n := res.Transfers + res.Refused + res.Held; n > 0 {
			lines = append(lines, fmt.Sprintf("%d test transfers sent, %d refused, %d held back",
				res.Transfers, res.Refused, res.Held))
		}
		if keep {
			lines = append(lines, "data directories kept in "+dir)
		}
		p.final(lines)
	}
	if err != nil {
		return fmt.Errorf("devnet: %w", err)
	}
	return nil
}

// describeEvent is an event's line, and whether it is bad news.
func describeEvent(e devnet.Event) (string, bool) {
	switch e.Kind {
	case devnet.Started:
		return fmt.Sprintf("started, pid %d", e.PID), false
	case devnet.Exited:
		return fmt.Sprintf("died: %v", e.Err), true
	case devnet.Restarting:
		return fmt.Sprintf("restarting in %v", e.Delay), false
	case devnet.Stopped:
		if e.Err != nil {
			return fmt.Sprintf("stopped after %v: %v", e.Took.Truncate(time.Millisecond), e.Err), true
		}
		return fmt.Sprintf("stopped cleanly in %v", e.Took.Truncate(time.Millisecond)), false
	case devnet.Killed:
		return fmt.Sprintf("killed: %v", e.Err), true
	case devnet.Published:
		if e.Err != nil {
			return fmt.Sprintf("publish failed: %v", e.Err), true
		}
		return fmt.Sprintf("published item %s (%d bytes)", e.Item, e.Size), false
	case devnet.Transferred:
		what := fmt.Sprintf("transfer %s: wallet-%d pays wallet-%d %d, nonce %d",
			e.Item, e.Wallet, e.Payee, e.Amount, e.Nonce)
		if e.Err != nil {
			return fmt.Sprintf("refused %s: %v", what, e.Err), true
		}
		return "sent " + what, false
	case devnet.TransferHeld:
		return fmt.Sprintf("test transfers held back: %v, until blocks (chapter 08) or "+
			"expiry (after %v) clear some; the summary counts the rest", e.Err, transactions.DefaultMaxAge), false
	}
	return e.Kind.String(), false
}

// transferTally counts the devnet's test transfers for the summary. Its
// methods run on the devnet's goroutine (OnEvent and OnSummary).
type transferTally struct {
	sent, refused, held int
}

// count notes an event, and reports whether to print it: every event
// but the transfers a node took (the summary counts those) and held
// ones after the first (one line says why).
func (t *transferTally) count(e devnet.Event) bool {
	switch e.Kind {
	case devnet.Transferred:
		if e.Err != nil {
			t.refused++
			return true
		}
		t.sent++
		return false
	case devnet.TransferHeld:
		t.held++
		return t.held == 1
	}
	return true
}

func (t *transferTally) String() string {
	return fmt.Sprintf("test transfers: %d sent, %d refused, %d held back", t.sent, t.refused, t.held)
}

// isTerminal reports whether w is a terminal, where the summary can be
// redrawn in place.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
