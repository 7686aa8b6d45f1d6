package forkchoice

import (
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	transactions "peerchain/chapters/07-transactions"
	blocks "peerchain/chapters/08-blocks"
	chapter "peerchain/chapters/10-forkchoice"
	"peerchain/tools/exercise"
)

// The lab's scenarios run a real chapter.Tree on the devnet, without
// proof of work (Rules nil), so that any block counts with the work of
// its bits.
var labNet = blocks.DevNet

// labCoin is a coin; labSubsidy a block's new money on the devnet.
const (
	labCoin    = blocks.Coin
	labSubsidy = blocks.InitialSubsidy
)

// labNow is the clock the trees are given: a month after genesis, so
// that no block of a scenario is from the future.
var labNow = time.Unix(int64(labNet.Genesis.Header.Time), 0).Add(30 * 24 * time.Hour)

// labBlockSpacing is the seconds between heights in a scenario's
// block times; a block's index among those made is added, so that two
// blocks on one parent differ and times rise with height.
const labBlockSpacing = 600

// labAlice is funded at genesis, labAliceFunds; bob is who she pays.
var labAlice = transactions.KeyFromSeed([32]byte{'a', 'l', 'i', 'c', 'e'})

const labAliceFunds = 100 * labCoin

// labAddr is the address called name: a miner's or bob's; "alice" is
// labAlice's.
func labAddr(name string) transactions.Address {
	if name == "alice" {
		return labAlice.Address()
	}
	var a transactions.Address
	h := blocks.DoubleSHA256([]byte(name))
	copy(a[:], h[:])
	return a
}

// labPay is alice's transfer to bob of amount with fee, her nonce-th.
func labPay(nonce, amount, fee uint64) *transactions.Tx {
	tx := &transactions.Tx{Chain: labNet.Magic, From: labAlice.Public(), To: labAddr("bob"),
		Amount: amount, Fee: fee, Nonce: nonce}
	tx.Sign(labAlice)
	return tx
}

// labBlock is a block of a scenario: its name, its parent's ("g" is
// genesis), its bits, who mines it, and what it holds. An overpaying
// coinbase pays one unit more than the subsidy and fees: a rule of
// the state, found only when the block is connected.
type labBlock struct {
	name, parent string
	bits         uint32
	miner        string
	txs          []*transactions.Tx
	overpay      bool
}

// labWorld is a scenario's blocks, made before any is given to a
// tree, so that they can come in any order.
type labWorld struct {
	blocks map[string]*blocks.Block
	names  map[blocks.Hash]string
}

// newLabWorld makes the blocks, each on its parent, in order.
func newLabWorld(list []labBlock) (*labWorld, error) {
	g := &chapter.Node{Hash: labNet.Genesis.Hash()}
	w := &labWorld{blocks: map[string]*blocks.Block{"g": &labNet.Genesis},
		names: map[blocks.Hash]string{g.Hash: "g"}}
	made := map[string]*chapter.Node{"g": g}
	for i, lb := range list {
		parent, ok := made[lb.parent]
		if !ok {
			return nil, fmt.Errorf("block %s: no parent %s made before it", lb.name, lb.parent)
		}
		if _, dup := made[lb.name]; dup {
			return nil, fmt.Errorf("two blocks %s", lb.name)
		}
		at := time.Unix(int64(labNet.Genesis.Header.Time)+
			int64(parent.Height+1)*labBlockSpacing+int64(i), 0)
		b := chapter.BlockOn(parent, labNet, labAddr(lb.miner), lb.txs, at, lb.bits)
		if lb.overpay {
			b.Coinbase.Amount++
			b.Header.MerkleRoot, _ = b.ComputeMerkleRoot()
		}
		n := &chapter.Node{Hash: b.Hash(), Height: parent.Height + 1}
		made[lb.name] = n
		w.blocks[lb.name] = b
		w.names[n.Hash] = lb.name
	}
	return w, nil
}

// name is the block's name in the world, or its short hash.
func (w *labWorld) name(h blocks.Hash) string {
	if n, ok := w.names[h]; ok {
		return n
	}
	return h.Short()
}

// nodeNames names nodes.
func (w *labWorld) nodeNames(ns []*chapter.Node) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = w.name(n.Hash)
	}
	return out
}

// blockNames names blocks.
func (w *labWorld) blockNames(bs []*blocks.Block) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = w.name(b.Hash())
	}
	return out
}

// labTree is a tree of the devnet with choice in it, alice funded.
func labTree(choice chapter.Choice, maxReorg uint64) (*chapter.Tree, error) {
	return chapter.New(chapter.Config{
		Network:       labNet,
		State:         transactions.NewState(labNet.Magic, map[transactions.Address]uint64{labAlice.Address(): labAliceFunds}),
		Choice:        choice,
		MaxReorgDepth: maxReorg,
	})
}

// labWant is what a tree must believe after one block: the Change, or
// the error, and the tip.
type labWant struct {
	err          error    // errors.Is; nil: Add succeeds
	orphaned     bool     // the block waits for its parent
	added        []string // the blocks new to the tree, in order
	disconnected int
	connected    int
	invalid      []string // blocks found breaking a state rule
	tip          string
	balances     map[string]uint64 // if set: these accounts' balances at the tip
}

// labStep is one block given to the tree, and what must follow.
type labStep struct {
	block string
	want  labWant
}

// give adds the step's block to tree and says what differs from want.
func (w *labWorld) give(tree *chapter.Tree, s labStep) []string {
	b, ok := w.blocks[s.block]
	if !ok {
		return []string{fmt.Sprintf("no block %s in the scenario", s.block)}
	}
	c, err := labAdd(tree, b)
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	switch {
	case errors.Is(err, errLabPanic):
		return []string{err.Error()}
	case s.want.err != nil && !errors.Is(err, s.want.err):
		bad("Add: error %v, want %v", err, s.want.err)
	case s.want.err == nil && err != nil:
		bad("Add: %v", err)
	}
	if c != nil { // with an error too: the block given was invalid
		if c.Orphaned != s.want.orphaned {
			bad("Orphaned %v, want %v", c.Orphaned, s.want.orphaned)
		}
		if got := w.nodeNames(c.Added); s.want.added != nil && !slices.Equal(got, s.want.added) {
			bad("Added %v, want %v", got, s.want.added)
		}
		if len(c.Disconnected) != s.want.disconnected || len(c.Connected) != s.want.connected {
			bad("%d disconnected %v and %d connected %v, want %d and %d",
				len(c.Disconnected), w.blockNames(c.Disconnected), len(c.Connected),
				w.blockNames(c.Connected), s.want.disconnected, s.want.connected)
		}
		if got := w.invalidNames(c.Invalid); !slices.Equal(got, s.want.invalid) {
			bad("Invalid %v, want %v", got, s.want.invalid)
		}
	}
	out = append(out, w.believes(tree, s.want.tip, s.want.balances)...)
	return out
}

// errLabPanic is a panic in Tree.Add, most likely in the Choice.
var errLabPanic = errors.New("the tree panicked in Add")

// labPanicFrames bounds the lines of the stack a panic is shown with.
const labPanicFrames = 16

// labAdd is tree.Add(b, labNow), with a panic in it turned into an
// error that shows where, so that one wrong row does not stop the
// others. A stub's NotAttempted goes on as a panic, for the test to
// skip.
func labAdd(tree *chapter.Tree, b *blocks.Block) (c *chapter.Change, err error) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if e, ok := r.(error); ok && errors.Is(e, exercise.ErrNotAttempted) {
			panic(r)
		}
		stack := strings.Split(string(debug.Stack()), "\n")
		// From the frame that panicked: the lines after panic's own.
		if i := slices.IndexFunc(stack, func(l string) bool { return strings.HasPrefix(l, "panic(") }); i >= 0 {
			stack = stack[i+2:]
		}
		c, err = nil, fmt.Errorf("%w: %v\n%s", errLabPanic, r,
			strings.Join(stack[:min(len(stack), labPanicFrames)], "\n"))
	}()
	return tree.Add(b, labNow)
}

// believes says where the tree's tip and state differ from tip and
// balances.
func (w *labWorld) believes(tree *chapter.Tree, tip string, balances map[string]uint64) []string {
	var out []string
	if got := w.name(tree.Tip().Hash); got != tip {
		out = append(out, fmt.Sprintf("tip %s at height %d, want %s", got, tree.Tip().Height, tip))
	}
	if tree.Chain().Tip() != tree.Tip().Hash || tree.Chain().Height() != tree.Tip().Height {
		out = append(out, fmt.Sprintf("the chain is at %s, height %d, the tree's tip %s, height %d",
			w.name(tree.Chain().Tip()), tree.Chain().Height(), w.name(tree.Tip().Hash), tree.Tip().Height))
	}
	if want, ok := w.blocks[tip]; ok {
		if h, ok := tree.Chain().HeightOf(want.Hash()); !ok || h != want.Coinbase.Height {
			out = append(out, fmt.Sprintf("%s is not on the chain at height %d", tip, want.Coinbase.Height))
		}
	}
	names := make([]string, 0, len(balances))
	for n := range balances {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if got := tree.Chain().State().Account(labAddr(n)).Balance; got != balances[n] {
			out = append(out, fmt.Sprintf("%s has %s, want %s", n, labAmount(got), labAmount(balances[n])))
		}
	}
	return out
}

// labAmount writes units as coins and units.
func labAmount(u uint64) string {
	s := fmt.Sprintf("%d.%08d", u/labCoin, u%labCoin)
	return strings.TrimRight(strings.TrimRight(s, "0"), ".") + " coins"
}
