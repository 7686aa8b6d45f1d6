package node

import (
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"time"

	transactions "peerchain/chapters/07-transactions"
	"peerchain/final/api"
)

// Defaults of a node run by hand; the devnet gives every node port 0.
const (
	DefaultListen = "127.0.0.1:18444"
	DefaultAPI    = "127.0.0.1:18445"
	// SaveInterval is how often a running node saves its address book;
	// bans and anchors are saved as they change, and everything again
	// when it stops.
	SaveInterval = time.Minute
	// MempoolSaveInterval is how often it saves its mempool, if it
	// changed: a node killed and restarted within chapter 06's sync
	// window (20 s) gets the rest from its peers.
	MempoolSaveInterval = 5 * time.Second
	// StopTimeout bounds the final save and the API's shutdown after
	// the loop has stopped.
	StopTimeout = 5 * time.Second
	// MaxSeeds bounds --seed.
	MaxSeeds = 64
	// MaxMineThreads bounds --mine-threads: more than a machine has
	// cores only take turns.
	MaxMineThreads = 256
)

// ErrConfig is a Config that cannot work.
var ErrConfig = errors.New("invalid node config")

// Config configures a node. Zero values take the defaults noted.
type Config struct {
	DataDir string // required: the database and the API cookie live here
	Listen  string // peer connections; "": DefaultListen; port 0: any free port
	API     string // the HTTP API; "": DefaultAPI
	// APIPublic allows an API address other machines can reach.
	APIPublic bool
	Seeds     []string // IP:PORT of nodes to ask for addresses
	// OutboundTarget and MaxInbound: chapter 05's connection manager's
	// (0: its defaults, 8 and 117).
	OutboundTarget int
	MaxInbound     int
	// SeedTimeout: how long a seed connection waits for the seed's
	// addresses (0: chapter 05's 30 s). A devnet's seed, asked before
	// it knows anyone, has none to give: there, a short one.
	SeedTimeout time.Duration
	Lab         Lab // learner's code to run instead of the chapters'
	// Mine makes the node mine on its tip (chapter 09), paying its
	// blocks to MineTo, on MineThreads threads (0: one).
	Mine        bool
	MineTo      transactions.Address
	MineThreads int
	Name        string       // shown in status: the devnet names its nodes
	Logger      *slog.Logger // nil: no logs
}

// check validates a config and fills in its defaults.
func (c Config) check() (Config, error) {
	if c.DataDir == "" {
		return c, fmt.Errorf("%w: no data directory (--datadir)", ErrConfig)
	}
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if c.API == "" {
		c.API = DefaultAPI
	}
	if _, err := netip.ParseAddrPort(c.Listen); err != nil {
		return c, fmt.Errorf("%w: --listen %q: want IP:PORT, such as %s", ErrConfig, c.Listen, DefaultListen)
	}
	if err := api.CheckListen(c.API, c.APIPublic); err != nil {
		return c, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	if len(c.Seeds) > MaxSeeds {
		return c, fmt.Errorf("%w: %d seeds, at most %d", ErrConfig, len(c.Seeds), MaxSeeds)
	}
	for _, s := range c.Seeds {
		ap, err := netip.ParseAddrPort(s)
		if err != nil || ap.Port() == 0 {
			return c, fmt.Errorf("%w: --seed %q: want IP:PORT, such as 127.0.0.1:18444", ErrConfig, s)
		}
	}
	if c.Mine && c.MineTo == (transactions.Address{}) {
		return c, fmt.Errorf("%w: --mine needs --mine-to, the address its blocks pay", ErrConfig)
	}
	if c.MineThreads < 0 || c.MineThreads > MaxMineThreads {
		return c, fmt.Errorf("%w: --mine-threads %d: want 1 to %d", ErrConfig, c.MineThreads, MaxMineThreads)
	}
	if c.MineThreads == 0 {
		c.MineThreads = 1
	}
	if c.OutboundTarget < 0 || c.MaxInbound < 0 || c.SeedTimeout < 0 {
		return c, fmt.Errorf("%w: --outbound, --max-inbound and --seed-timeout must not be negative", ErrConfig)
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}
