// Package devnet is the supervisor of a local network of node
// processes: it starts N copies of the peerchain binary on loopback,
// each with its own data directory, the first of them the others' seed;
// hands every line they print to its caller; polls their APIs for a
// summary; publishes test items and sends test transfers through them
// if asked, so that a class sees items and transactions spread;
// restarts the ones that die if asked; and stops them all, cleanly,
// when its context ends. No child outlives it: on Linux the
// kernel signals a child whose parent dies, and everywhere a child run
// with --watch-stdin stops when the pipe from its parent closes.
package devnet

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"peerchain/final/api"
	"peerchain/final/node"
)

// Defaults and bounds of a devnet.
const (
	DefaultNodes = 5
	// MaxNodes bounds -n: each node is a process with a few MB of
	// memory and a handful of goroutines and sockets.
	MaxNodes = 200
	// DefaultGrace is how long the nodes get to stop after the
	// interrupt before they are killed: a node closes its connections
	// and saves its book in well under a second.
	DefaultGrace = 5 * time.Second
	// DefaultPollInterval is how often the supervisor asks every node
	// for its status.
	DefaultPollInterval = 500 * time.Millisecond
	// PollTimeout bounds one status request.
	PollTimeout = time.Second
	// StartTimeout is how long a node may take to say where it
	// listens (its endpoints file) before the devnet gives up on it.
	StartTimeout = 20 * time.Second
	// RestartDelay is the wait before restarting a node that died;
	// it doubles for each death within StableAfter of the last start,
	// up to MaxRestartDelay, so a node that cannot start does not spin.
	RestartDelay    = time.Second
	MaxRestartDelay = 30 * time.Second
	StableAfter     = 30 * time.Second
	// MaxLineBytes bounds one line of a node's output; a longer one is
	// cut into pieces.
	MaxLineBytes = 64 << 10
	// SeedTimeout is every node's --seed-timeout. The seed is asked
	// for addresses before it knows many, and chapter 05's seed
	// connection waits up to 30 s for an answer of more than one; on
	// loopback an answer takes milliseconds, so a second is plenty.
	SeedTimeout = time.Second
	// endpointsPoll is how often a starting node's endpoints file is
	// looked for.
	endpointsPoll = 20 * time.Millisecond
)

// ErrConfig is a Config that cannot work.
var ErrConfig = errors.New("invalid devnet config")

// Config configures a devnet.
type Config struct {
	Nodes  int    // how many; 0: DefaultNodes
	Dir    string // each node's data directory is Dir/NAME; required
	Binary string // the peerchain executable; required
	// NodeArgs are extra flags for every `peerchain node`.
	NodeArgs []string
	// Miners is how many nodes mine, from node0 up, each paying devnet
	// wallet i+1 (MinerWallet) on one thread; the others do not.
	Miners  int
	Restart bool          // restart nodes that die
	Grace   time.Duration // 0: DefaultGrace
	Poll    time.Duration // 0: DefaultPollInterval
	// ItemsEvery is how often the devnet publishes a test item at a
	// node chosen at random, through its API; 0: never.
	ItemsEvery time.Duration
	// TxRate is how many test transfers a second the devnet sends
	// between its wallets (node.DevnetKey), each at a node chosen at
	// random, through its API; 0: none. At most MaxTxRate.
	TxRate float64

	// What the devnet reports: a line a node printed (from one
	// goroutine per node, so from several at once), a change in a
	// node's life and the state of every node after each poll (both
	// from Run's goroutine).
	OnLine    func(node int, line string)
	OnEvent   func(Event)
	OnSummary func([]NodeState)
}

func (c Config) check() (Config, error) {
	if c.Nodes == 0 {
		c.Nodes = DefaultNodes
	}
	switch {
	case c.Nodes < 1 || c.Nodes > MaxNodes:
		return c, fmt.Errorf("%w: -n %d: want 1 to %d nodes", ErrConfig, c.Nodes, MaxNodes)
	case c.Dir == "":
		return c, fmt.Errorf("%w: no directory", ErrConfig)
	case c.Binary == "":
		return c, fmt.Errorf("%w: no binary", ErrConfig)
	case c.Grace < 0 || c.Poll < 0:
		return c, fmt.Errorf("%w: negative grace or poll interval", ErrConfig)
	case c.Miners < 0 || c.Miners > c.Nodes:
		return c, fmt.Errorf("%w: --miners %d: want 0 to %d, the nodes there are", ErrConfig, c.Miners, c.Nodes)
	case c.ItemsEvery < 0:
		return c, fmt.Errorf("%w: negative item interval", ErrConfig)
	case c.TxRate < 0 || c.TxRate > MaxTxRate:
		return c, fmt.Errorf("%w: %v transfers a second: want 0 to %d", ErrConfig, c.TxRate, MaxTxRate)
	}
	if c.Grace == 0 {
		c.Grace = DefaultGrace
	}
	if c.Poll == 0 {
		c.Poll = DefaultPollInterval
	}
	if c.OnLine == nil {
		c.OnLine = func(int, string) {}
	}
	if c.OnEvent == nil {
		c.OnEvent = func(Event) {}
	}
	if c.OnSummary == nil {
		c.OnSummary = func([]NodeState) {}
	}
	return c, nil
}

// MinerWallet is the devnet wallet (node.DevnetKey) that miner i's
// blocks pay: wallet i+1, and after the last wallet the first again.
func MinerWallet(i int) int { return i%node.DevnetWallets + 1 }

// Name is the name of node i: node0 is the seed.
func Name(i int) string { return fmt.Sprintf("node%d", i) }

// EventKind is what happened to a node.
type EventKind int

const (
	Started      EventKind = iota // it runs, and says where it listens
	Exited                        // it exited while the devnet ran
	Restarting                    // it will be started again after Delay
	Stopped                       // it exited after the devnet's interrupt
	Killed                        // it did not stop within the grace period
	Published                     // the devnet published a test item at it
	Transferred                   // the devnet sent a test transfer through it
	TransferHeld                  // the devnet held a test transfer back: no node would take it now
)

func (k EventKind) String() string {
	return [...]string{"started", "exited", "restarting", "stopped", "killed", "published",
		"transferred", "transfer held"}[k]
}

// Event is a change in a node's life.
type Event struct {
	Node int
	Name string
	Kind EventKind
	PID  int
	// Err is, for Exited, why; Stopped: nil if it exited cleanly;
	// Published, Transferred: nil if it took the item or transfer;
	// TransferHeld: why.
	Err   error
	Delay time.Duration // Restarting: after how long
	Took  time.Duration // Stopped, Killed: since the interrupt
	Item  string        // Published, Transferred: the item's or transfer's ID, in reversed hex
	Size  int           // Published: its bytes
	// Transferred, TransferHeld: the devnet wallets that pay and are
	// paid (1 to node.DevnetWallets); Transferred: how much, and the
	// nonce.
	Wallet, Payee int
	Amount, Nonce uint64
}

// NodeState is what the devnet knows of one node.
type NodeState struct {
	Node     int
	Name     string
	PID      int // 0 while it is down
	Listen   string
	API      string
	Up       bool       // running, and its API answered the last poll
	Status   api.Status // from its API, when Up
	Err      string     // why it is not Up
	Restarts int
}

// Result is how a devnet ended: each node's last state, and how it
// stopped.
type Result struct {
	Nodes     []NodeState
	Stops     []Event // one Stopped or Killed per node that was running
	Published int     // test items the devnet tried to publish
	// Test transfers: taken by a node, refused by one, held back.
	Transfers, Refused, Held int
}

// nodeDir is node i's data directory.
func (c Config) nodeDir(i int) string { return filepath.Join(c.Dir, Name(i)) }

// MkTemp makes a fresh directory for a devnet that is not kept.
func MkTemp() (string, error) { return os.MkdirTemp("", "peerchain-devnet-") }
