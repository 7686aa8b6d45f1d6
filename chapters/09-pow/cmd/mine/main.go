// Command mine is chapter 09's demo. It checks the proof of work of
// Bitcoin's genesis block, then mines blocks on the devnet's genesis
// with the chapter's miner, on every core, printing each block as it
// is found (hashes, rate, the time its target should take) and each
// retarget as it happens:
//
//	go run ./chapters/09-pow/cmd/mine
//	go run ./chapters/09-pow/cmd/mine -blocks 30 -threads 1
//	go run ./chapters/09-pow/cmd/mine -lab
//
// -lab retargets with your NextWorkRequired from exercises/09-pow.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"runtime"
	"time"

	"github.com/urfave/cli/v2"

	transactions "peerchain/chapters/07-transactions"
	blocks "peerchain/chapters/08-blocks"
	pow "peerchain/chapters/09-pow"
	labpow "peerchain/exercises/09-pow"
	"peerchain/tools/command"
	"peerchain/tools/exercise"
)

func main() { command.Main(run) }

// defaultBlocks is enough for the devnet's first retarget, at 12.
const defaultBlocks = 15

// progressEvery is how often a long block's search says how far it is.
const progressEvery = time.Second

func run(ctx context.Context, args []string, stdout io.Writer) error {
	app := command.Setup(stdout, &cli.App{
		Name:      "mine",
		Usage:     "check Bitcoin's genesis proof of work, then mine devnet blocks (peerchain chapter 09)",
		UsageText: "mine [-blocks N] [-threads N] [-lab]",
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "blocks", Value: defaultBlocks, Usage: "how many devnet blocks to mine"},
			&cli.IntFlag{Name: "threads", Usage: "goroutines hashing (0: every core)"},
			&cli.BoolFlag{Name: "lab", Usage: "retarget with your NextWorkRequired from exercises/09-pow"},
			&cli.BoolFlag{Name: "easy", Hidden: true, Usage: "mine on a devnet of the easiest bits (tests)"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return fmt.Errorf("mine takes no arguments, got %q", c.Args().Slice())
			}
			if c.Int("blocks") < 0 || c.Int("threads") < 0 {
				return errors.New("-blocks and -threads cannot be negative")
			}
			next := pow.RetargetFunc(pow.NextWorkRequired)
			if c.Bool("lab") {
				if err := checkLab(); err != nil {
					return err
				}
				next = labpow.NextWorkRequired
			}
			if err := genesis(stdout); err != nil {
				return err
			}
			return mineBlocks(c.Context, stdout, c.Int("blocks"), c.Int("threads"), next, c.Bool("easy"))
		},
	})
	return app.RunContext(ctx, args)
}

// checkLab says plainly when the lab is not attempted yet.
func checkLab() error {
	v := chainOf(blocks.DevNet.Genesis.Header)
	err := exercise.Try(func() { labpow.NextWorkRequired(pow.DevNetParams, v) })
	if err != nil {
		return fmt.Errorf("-lab retargets with your NextWorkRequired from exercises/09-pow, but %w", err)
	}
	return nil
}

// chainOf is a one-header ChainView.
type chainOf blocks.Header

func (c chainOf) Height() uint64 { return 0 }
func (c chainOf) HeaderAt(h uint64) (blocks.Header, bool) {
	return blocks.Header(c), h == 0
}

// bitcoinGenesis is Bitcoin's block 0 header, 3 January 2009.
func bitcoinGenesis() (blocks.Header, error) {
	root, err := blocks.ParseHash("4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b")
	return blocks.Header{Version: 1, MerkleRoot: root, Time: 1231006505,
		Bits: 0x1d00ffff, Nonce: 2083236893}, err
}

// genesis checks and prints Bitcoin's genesis proof of work.
func genesis(w io.Writer) error {
	h, err := bitcoinGenesis()
	if err != nil {
		return err
	}
	target, _, _ := pow.CompactToBig(h.Bits)
	fmt.Fprintln(w, "Bitcoin's genesis block")
	fmt.Fprintf(w, "  hash    %s\n", h.BlockHash())
	fmt.Fprintf(w, "  bits    %08x\n", h.Bits)
	fmt.Fprintf(w, "  target  %064x\n", target)
	fmt.Fprintf(w, "  work    %s hashes on average\n", pow.Work(h.Bits))
	if err := pow.CheckProofOfWork(h.BlockHash(), h.Bits, pow.BitcoinParams.PowLimit); err != nil {
		return fmt.Errorf("the genesis block of Bitcoin: %w", err)
	}
	fmt.Fprintln(w, "  proof of work: valid")
	fmt.Fprintln(w)
	return nil
}

// mineBlocks mines n blocks on the devnet and connects each.
func mineBlocks(ctx context.Context, w io.Writer, n, threads int, next pow.RetargetFunc, easy bool) error {
	net, p := blocks.DevNet, pow.DevNetParams
	if easy {
		net = easyDevNet()
		p.PowLimit, _, _ = pow.CompactToBig(0x207fffff)
	}
	state := transactions.NewState(net.Magic, nil)
	c, err := blocks.NewChain(blocks.ChainConfig{Network: net, State: state,
		Rules: []blocks.HeaderRule{pow.HeaderRuleWith(p, next)}})
	if err != nil {
		return err
	}
	pool, err := transactions.NewMempool(transactions.MempoolConfig{Chain: net.Magic}, state)
	if err != nil {
		return err
	}
	cores := threads
	if cores == 0 {
		cores = runtime.NumCPU()
	}
	fmt.Fprintf(w, "Mining %d blocks on the %s genesis, %d threads; a retarget every %d blocks,\n",
		n, net.Name, cores, p.RetargetInterval())
	fmt.Fprintf(w, "aiming at %s a block; blocks here come as fast as the miner finds them,\n", p.TargetSpacing)
	fmt.Fprintf(w, "each timed by the clock, so the first interval spans the time since the\n")
	fmt.Fprintf(w, "genesis block's date (%s)\n\n", net.Genesis.Header.Timestamp().Format(time.DateOnly))
	fmt.Fprintln(w, "height  bits      expected         hashes     time    rate       hash")
	fmt.Fprintln(w, "        (expected: the target's work, and its time at the rate so far)")
	miner := transactions.KeyFromSeed([32]byte{9}).Address()
	var total uint64
	start := time.Now()
	for range n {
		now := time.Now()
		b, err := pow.NewTemplate(c, pool, p, next, miner, now)
		if err != nil {
			return err
		}
		if parent := c.TipHeader(); b.Header.Bits != parent.Bits {
			fmt.Fprintf(w, "retarget at %d: bits %08x -> %08x, %s as hard\n", c.Height()+1,
				parent.Bits, b.Header.Bits, ratio(parent.Bits, b.Header.Bits))
		}
		expected := count(pow.Work(b.Header.Bits))
		if total > 0 {
			secs := new(big.Float).SetInt(pow.Work(b.Header.Bits))
			s, _ := secs.Quo(secs, big.NewFloat(float64(total)/time.Since(start).Seconds())).Float64()
			expected += " " + time.Duration(s*float64(time.Second)).Round(time.Millisecond).String()
		}
		t0 := time.Now()
		shown := t0
		res, err := pow.MineBlock(ctx, b, pow.Config{Threads: threads, Now: time.Now,
			Progress: func(h uint64) {
				if now := time.Now(); now.Sub(shown) >= progressEvery {
					shown = now
					fmt.Fprintf(w, "        ... %s hashes, %s\n", count(new(big.Int).SetUint64(h)), rate(h, now.Sub(t0)))
				}
			}})
		if err != nil {
			return err
		}
		took := time.Since(t0)
		if err := c.Connect(b, time.Now()); err != nil {
			return fmt.Errorf("block %d: %w", c.Height()+1, err)
		}
		total += res.Hashes
		fmt.Fprintf(w, "%6d  %08x  %-15s  %-9s  %-6s  %-9s  %s\n", c.Height(), b.Header.Bits,
			expected, count(new(big.Int).SetUint64(res.Hashes)),
			took.Round(time.Millisecond), rate(res.Hashes, took), b.Hash().Short())
	}
	elapsed := time.Since(start)
	fmt.Fprintf(w, "\n%d blocks, %s hashes in %s (%s); chain work %s; tip %s\n", n,
		count(new(big.Int).SetUint64(total)), elapsed.Round(time.Millisecond), rate(total, elapsed),
		count(pow.ChainWork(c)), c.Tip().Short())
	return nil
}

// easyDevNet is the devnet with a genesis of the easiest bits.
func easyDevNet() *blocks.Network {
	n := *blocks.DevNet
	n.Genesis.Header.Bits = 0x207fffff
	for !n.Genesis.Header.BlockHash().IsZero() {
		if pow.CheckProofOfWork(n.Genesis.Header.BlockHash(), 0x207fffff, big.NewInt(0).Lsh(big.NewInt(1), 255)) == nil {
			break
		}
		n.Genesis.Header.Nonce++
	}
	return &n
}

// ratio says how much harder to bits is than from.
func ratio(from, to uint32) string {
	f := new(big.Float).SetInt(pow.Work(to))
	f.Quo(f, new(big.Float).SetInt(pow.Work(from)))
	v, _ := f.Float64()
	return fmt.Sprintf("%.2f×", v)
}

// count writes a number of hashes short: 1.05M.
func count(n *big.Int) string {
	f, _ := new(big.Float).SetInt(n).Float64()
	switch {
	case f >= 1e9:
		return fmt.Sprintf("%.2fG", f/1e9)
	case f >= 1e6:
		return fmt.Sprintf("%.2fM", f/1e6)
	case f >= 1e3:
		return fmt.Sprintf("%.1fk", f/1e3)
	}
	return fmt.Sprintf("%.0f", f)
}

// rate is hashes a second.
func rate(hashes uint64, d time.Duration) string {
	if d <= 0 {
		return "-"
	}
	return count(big.NewInt(int64(float64(hashes)/d.Seconds()))) + "/s"
}
