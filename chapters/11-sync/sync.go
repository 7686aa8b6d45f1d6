package sync

import (
	"errors"
	"fmt"
	"slices"
	"time"

	wire "peerchain/chapters/02-wire"
	simulation "peerchain/chapters/04-simulation"
	blocks "peerchain/chapters/08-blocks"
	forkchoice "peerchain/chapters/10-forkchoice"
)

// Name is the protocol's name in a mux.
const Name = "sync"

const tickTimer simulation.TimerID = 0

// Scorer is where bad peers are reported: chapter 05's PeerTable, as
// chapter 06's broadcast does.
type Scorer interface {
	Misbehaving(now time.Time, peer simulation.PeerID, points int,
		reason string) []simulation.Action
}

// peer is what the protocol keeps of one connected peer.
type peer struct {
	id simulation.PeerID
	// best is the header of most work the peer has shown: the last of
	// a headers message it sent.
	best        *forkchoice.Node
	sendHeaders bool      // it asked for new blocks as headers
	asked       time.Time // a getheaders waits since; zero: none
	answered    bool      // it has answered a getheaders
	inFlight    map[blocks.Hash]time.Time
	restUntil   time.Time // not asked for blocks before then
	unconnected int       // headers messages in a row of no parent
	side        int       // side headers it had us store
	announced   *forkchoice.Node
	// waiting: it is not asked for headers until the peer being asked
	// is done, so that one peer, not all, sends the long list.
	waiting bool
}

// buffered is a block that came before its turn.
type buffered struct {
	block *blocks.Block
	from  simulation.PeerID
}

// stall is the peer holding the window's first block, and since when.
type stall struct {
	peer  simulation.PeerID
	hash  blocks.Hash
	since time.Time
}

// Sync is the headers-first sync protocol, one chapter 05 Protocol.
type Sync struct {
	cfg      Config
	tree     *forkchoice.Tree
	headers  *HeaderTree
	scorer   Scorer
	peers    map[simulation.PeerID]*peer
	order    []simulation.PeerID // peers, in the order they came
	inFlight map[blocks.Hash]simulation.PeerID
	buffer   map[blocks.Hash]buffered
	stall    stall
	timeout  time.Duration // the stall timeout now: it doubles
	synced   bool
	ticking  bool
	seenTip  blocks.Hash // the tree's tip, as catchTree last saw it
	toldTip  blocks.Hash // the tip last announced
	count    int         // blocks connected, for Progress
	out      []simulation.Action
}

// New returns a Sync of cfg's tree, its header tree holding the tree's
// main chain.
func New(cfg Config) (*Sync, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	ht, err := NewHeaderTree(cfg.Tree.Chain().Network(), cfg.Rules)
	if err != nil {
		return nil, err
	}
	s := &Sync{cfg: cfg, tree: cfg.Tree, headers: ht,
		peers:    make(map[simulation.PeerID]*peer),
		inFlight: make(map[blocks.Hash]simulation.PeerID),
		buffer:   make(map[blocks.Hash]buffered),
		timeout:  cfg.StallTimeout}
	if err := s.catchTree(); err != nil {
		return nil, err
	}
	s.toldTip = s.seenTip
	return s, nil
}

// SetScorer says where to report bad peers: the connection manager's
// table. Without one, points are only emitted.
func (s *Sync) SetScorer(sc Scorer) { s.scorer = sc }

func (s *Sync) Name() string { return Name }
func (s *Sync) Commands() []string {
	return []string{blocks.CmdGetHeaders, blocks.CmdHeaders,
		blocks.CmdSendHeaders, blocks.CmdBlock, CmdGetBlockData,
		CmdBlockNotFound}
}

// Headers is the header tree.
func (s *Sync) Headers() *HeaderTree { return s.headers }

// Synced says whether the node has caught up (Synced was emitted).
func (s *Sync) Synced() bool { return s.synced }

// Footprint says what the protocol holds.
func (s *Sync) Footprint() Footprint {
	return Footprint{Headers: s.headers.Len(), Buffered: len(s.buffer),
		InFlight: len(s.inFlight), Peers: len(s.peers)}
}

// docs:begin handle

// Handle is the protocol's state machine. Headers are checked and
// stored as they come; after every event the download moves on:
// blocks that came in order are connected, free peers are asked for
// the next ones in the window, and once nothing is left to fetch the
// node says it is synced and announces its tip by headers.
func (s *Sync) Handle(now time.Time, ev simulation.Event) []simulation.Action {
	s.out = s.out[:0]
	if err := s.catchTree(); err != nil {
		s.emit(Fault{Err: err})
	}
	switch ev := ev.(type) {
	case simulation.PeerConnected:
		s.connected(now, ev.Peer)
	case simulation.PeerDisconnected:
		s.forget(ev.Peer)
	case simulation.TimerFired:
		if ev.Timer == tickTimer {
			s.ticking = false
			s.checkTimeouts(now)
		}
	case simulation.Local:
		if nb, ok := ev.Value.(NewBlock); ok {
			s.accept(now, nb.Block, 0)
		}
	case simulation.MessageReceived:
		if p, ok := s.peers[ev.From]; ok {
			s.receive(now, p, ev.Msg)
		}
	}
	s.askWaiting(now)
	s.connectBuffered(now)
	s.schedule(now)
	s.checkSynced()
	s.announce()
	if !s.ticking && s.needTick() {
		s.ticking = true
		s.out = append(s.out,
			simulation.SetTimer{Timer: tickTimer, After: tick})
	}
	return s.out
}

// receive handles one message of a peer.
func (s *Sync) receive(now time.Time, p *peer, msg wire.Message) {
	switch m := msg.(type) {
	case *blocks.MsgSendHeaders:
		p.sendHeaders = true
	case *blocks.MsgGetHeaders:
		hs := LocateFork(s.tree.Chain(), m.Locator, m.Stop)
		s.send(p.id, &blocks.MsgHeaders{Headers: hs})
	case *blocks.MsgHeaders:
		s.onHeaders(now, p, m.Headers)
	case *MsgGetBlockData:
		s.serve(p.id, m.Hashes)
	case *blocks.MsgBlock:
		s.onBlock(p, &m.Block)
	case *MsgBlockNotFound:
		for _, h := range m.Hashes {
			if s.inFlight[h] == p.id {
				s.release(h)
			}
		}
		p.restUntil = now.Add(s.cfg.BlockTimeout)
	}
}

// docs:end handle

// connected greets a new peer: new blocks as headers, please, and
// your headers after ours.
func (s *Sync) connected(now time.Time, id simulation.PeerID) {
	if len(s.peers) >= MaxPeers || s.peers[id] != nil {
		return
	}
	p := &peer{id: id, inFlight: make(map[blocks.Hash]time.Time)}
	s.peers[id] = p
	s.order = append(s.order, id)
	s.send(id, &blocks.MsgSendHeaders{})
	if s.asking() {
		p.waiting = true
		return
	}
	s.askHeaders(now, p, s.headers.Best())
}

// asking says whether a getheaders waits for its answer.
func (s *Sync) asking() bool {
	for _, p := range s.peers {
		if !p.asked.IsZero() {
			return true
		}
	}
	return false
}

// askWaiting asks the peers that waited, once no getheaders is out,
// for the headers after the best one's parent, as Bitcoin Core does:
// a peer with the same chain answers with one header, the best, and
// so says what it has.
func (s *Sync) askWaiting(now time.Time) {
	if s.asking() {
		return
	}
	from := s.headers.Best()
	if from.Parent != nil {
		from = from.Parent
	}
	for _, id := range s.order {
		if p := s.peers[id]; p.waiting {
			p.waiting = false
			s.askHeaders(now, p, from)
		}
	}
}

// forget drops a peer, handing its requests back.
func (s *Sync) forget(id simulation.PeerID) {
	p, ok := s.peers[id]
	if !ok {
		return
	}
	for h := range p.inFlight {
		s.release(h)
	}
	delete(s.peers, id)
	s.order = slices.DeleteFunc(s.order,
		func(o simulation.PeerID) bool { return o == id })
}

// askHeaders asks a peer for the headers after from.
func (s *Sync) askHeaders(now time.Time, p *peer, from *forkchoice.Node) {
	p.asked = now
	s.send(p.id, &blocks.MsgGetHeaders{
		Locator: Locator(s.headers.BranchOf(from))})
}

// floor is the lowest height the block tree could still reorganise
// to: a header branch that leaves the chain below it is refused.
func (s *Sync) floor() uint64 {
	tip := s.tree.Tip().Height
	return tip - min(tip, forkchoice.DefaultMaxReorgDepth)
}

// docs:begin on-headers

// onHeaders stores a peer's headers, each checked against its branch.
// Headers that do not follow one another, or break a rule, cost
// points; so do headers that fork deeper than the tree would follow,
// and side headers past the peer's budget, and then they are not kept.
// Headers of no known parent may be an early announcement: the peer is
// asked for the way there, and scored only when that keeps happening.
func (s *Sync) onHeaders(now time.Time, p *peer, hs []blocks.Header) {
	p.asked = time.Time{}
	p.answered = true
	if len(hs) == 0 {
		return
	}
	for i := 1; i < len(hs); i++ {
		if hs[i].PrevBlock != hs[i-1].BlockHash() {
			s.misbehave(now, p, NonContinuousPoints, fmt.Sprintf(
				"headers %d and %d do not follow each other", i-1, i))
			return
		}
	}
	if _, ok := s.headers.Node(hs[0].PrevBlock); !ok &&
		!s.headers.IsInvalid(hs[0].PrevBlock) {
		if p.unconnected++; p.unconnected%MaxUnconnecting == 0 {
			s.misbehave(now, p, UnconnectingPoints, fmt.Sprintf(
				"%d headers messages in a row that do not connect",
				p.unconnected))
		}
		s.askHeaders(now, p, s.headers.Best())
		return
	}
	p.unconnected = 0
	var last *forkchoice.Node
	stored := 0
	for i := range hs {
		n, isNew, why, points := s.addHeader(now, p, &hs[i])
		if points > 0 {
			s.misbehave(now, p, points, why)
		}
		if n == nil {
			break
		}
		last = n
		if isNew {
			stored++
		}
	}
	if last != nil && (p.best == nil || last.Work.Cmp(p.best.Work) > 0) {
		p.best = last
	}
	if last != nil && len(hs) == blocks.MaxHeadersPerMsg {
		s.askHeaders(now, p, last) // there may be more
	}
	if stored > 0 {
		s.headers.Prune(s.floor(), forkchoice.DefaultMaxReorgDepth/4)
		s.emit(Progress{Headers: s.headers.Best().Height,
			Blocks: s.tree.Tip().Height})
	}
}

// docs:end on-headers

// docs:begin add-header

// addHeader stores one header, charging a side header to the peer's
// budget; nil is a header refused, with the points it costs.
func (s *Sync) addHeader(now time.Time, p *peer, h *blocks.Header) (
	n *forkchoice.Node, isNew bool, why string, points int) {
	hash := h.BlockHash()
	if n, ok := s.headers.Node(hash); ok {
		return n, false, "", 0
	}
	side := false
	if parent, ok := s.headers.Node(h.PrevBlock); ok {
		best := s.headers.Best()
		side = parent != best &&
			WorkAfter(parent, h.Bits).Cmp(best.Work) <= 0
	}
	if side && p.side >= s.cfg.MaxHeadersPerPeer {
		return nil, false, fmt.Sprintf("more than %d headers off the "+
			"best chain", s.cfg.MaxHeadersPerPeer), TooManyHeadersPoint
	}
	n, isNew, err := s.headers.Add(*h, s.cfg.Clock(now), s.floor())
	switch {
	case errors.Is(err, ErrForkTooDeep):
		return nil, false, err.Error(), DeepForkPoints
	case errors.Is(err, ErrHeadersFull):
		s.emit(Fault{Err: err})
		return nil, false, "", 0
	case err != nil:
		return nil, false, err.Error(), InvalidHeaderPoints
	}
	if side {
		p.side++
	}
	return n, isNew, "", 0
}

// docs:end add-header

// serve answers a getblockdata: each block it has, and a notfound of
// the rest.
func (s *Sync) serve(to simulation.PeerID, hashes []blocks.Hash) {
	var missing []blocks.Hash
	for _, h := range hashes[:min(len(hashes), MaxGetBlockData)] {
		if b, ok := s.tree.Block(h); ok {
			s.send(to, &blocks.MsgBlock{Block: *b})
		} else {
			missing = append(missing, h)
		}
	}
	if len(missing) > 0 {
		s.send(to, &MsgBlockNotFound{Hashes: missing})
	}
}

// onBlock keeps a block of the window until its turn. A block of no
// header the node has, off the best chain or past the window, one it
// has already, or one that does not fit the buffer is dropped: it will
// be asked for again when its turn comes.
func (s *Sync) onBlock(p *peer, b *blocks.Block) {
	hash := b.Hash()
	if s.inFlight[hash] != 0 {
		s.release(hash)
	}
	n, ok := s.headers.Node(hash)
	if !ok || !s.headers.OnBest(n) ||
		n.Height > s.base()+uint64(s.cfg.Window) {
		return // not one the window wants
	}
	if _, have := s.tree.Node(hash); have {
		return
	}
	if _, ok := s.buffer[hash]; ok || len(s.buffer) >= s.cfg.Window {
		return
	}
	s.buffer[hash] = buffered{block: b, from: p.id}
}

// release forgets a request, whoever it was asked of.
func (s *Sync) release(h blocks.Hash) {
	if id, ok := s.inFlight[h]; ok {
		if p := s.peers[id]; p != nil {
			delete(p.inFlight, h)
		}
		delete(s.inFlight, h)
	}
}

// accept takes a block into the tree through Accept; from is 0 for
// the node's own.
func (s *Sync) accept(now time.Time, b *blocks.Block, from simulation.PeerID) bool {
	c, err := s.cfg.Accept(b, s.cfg.Clock(now))
	switch {
	case errors.Is(err, forkchoice.ErrDuplicate):
		return true
	case errors.Is(err, forkchoice.ErrForkTooOld):
		s.emit(Fault{Err: err})
		return false
	case err != nil:
		// A body that is not the header's (a wrong merkle root) is a bad
		// copy of a block that may be fine: ask again, elsewhere. Any
		// other rule it breaks makes the header itself invalid.
		if !errors.Is(err, blocks.ErrBadMerkleRoot) &&
			!errors.Is(err, blocks.ErrMutated) {
			s.headers.Invalidate(b.Hash())
		}
		if p := s.peers[from]; p != nil {
			s.misbehave(now, p, InvalidBlockPoints,
				fmt.Sprintf("block %s: %v", b.Hash().Short(), err))
		} else {
			s.emit(Fault{Err: fmt.Errorf("block %s: %w", b.Hash().Short(), err)})
		}
		return false
	}
	if c.Reorg() {
		s.emit(Reorganized{Off: len(c.Disconnected), On: len(c.Connected)})
	}
	if err := s.catchTree(); err != nil {
		s.emit(Fault{Err: err})
	}
	return true
}

// catchTree gives the header tree the headers of the blocks the tree
// took in since it last looked, from Sync or from elsewhere (the
// node's miner, another protocol).
func (s *Sync) catchTree() error {
	tip := s.tree.Tip()
	if tip.Hash == s.seenTip {
		return nil
	}
	var up []*forkchoice.Node
	for n := tip; n != nil; n = n.Parent {
		if _, ok := s.headers.Node(n.Hash); ok {
			break
		}
		up = append(up, n)
	}
	for i := len(up) - 1; i >= 0; i-- {
		if _, err := s.headers.AddTrusted(up[i].Header); err != nil {
			return fmt.Errorf("sync: the tree's block %s: %w", up[i].Hash.Short(), err)
		}
	}
	s.seenTip = tip.Hash
	return nil
}

func (s *Sync) misbehave(now time.Time, p *peer, points int, reason string) {
	s.emit(Misbehaved{Peer: p.id, Points: points, Reason: reason})
	if s.scorer != nil {
		s.out = append(s.out, s.scorer.Misbehaving(now, p.id, points, reason)...)
	}
}

func (s *Sync) send(to simulation.PeerID, m wire.Message) {
	s.out = append(s.out, simulation.Send{To: to, Msg: m})
}

func (s *Sync) emit(v any) { s.out = append(s.out, simulation.Emit{Value: v}) }
