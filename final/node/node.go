package node

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"time"

	peers "peerchain/chapters/03-peers"
	simulation "peerchain/chapters/04-simulation"
	discovery "peerchain/chapters/05-discovery"
	broadcast "peerchain/chapters/06-broadcast"
	chainsync "peerchain/chapters/11-sync"
	"peerchain/final/api"
	"peerchain/final/store"
)

// connectionSlack is how many outbound connections the real driver
// allows beyond the connection manager's target: one feeler and one
// seed connection may be open beside the full set.
const connectionSlack = 2

// Node is one running final node.
type Node struct {
	cfg      Config
	log      *slog.Logger
	db       *store.Store
	ln       net.Listener // peers
	apiLn    net.Listener
	machine  *Machine
	real     *simulation.RealNode
	hub      *api.Hub
	server   *api.Server
	cookie   string // the cookie file's path
	started  time.Time
	saveSoon chan struct{} // a ban or new anchors: save them now
	// tipChanged tells the miner of a new tip, from onEmit: room for
	// one, since one is as good as many.
	tipChanged chan struct{}
	ran        bool
}

// New opens what a node needs (its database, its two listeners, its
// cookie file) and builds its machine; Run runs it. Every failure here
// is one the operator can fix, and says how: a data directory in use, a
// corrupt database, a port taken.
func New(cfg Config) (_ *Node, err error) {
	cfg, err = cfg.check()
	if err != nil {
		return nil, err
	}
	n := &Node{cfg: cfg, log: cfg.Logger, hub: api.NewHub(), saveSoon: make(chan struct{}, 1),
		tipChanged: make(chan struct{}, 1)}
	defer func() {
		if err != nil {
			n.close()
		}
	}()
	if n.db, err = store.Open(cfg.DataDir); err != nil {
		if errors.Is(err, store.ErrLocked) {
			return nil, fmt.Errorf("%w: another node runs on data directory %s; stop it, or give this one another --datadir", err, cfg.DataDir)
		}
		if errors.Is(err, store.ErrCorrupt) {
			return nil, fmt.Errorf("%w; move the file away to start this node afresh (it loses its address book and bans)", err)
		}
		return nil, err
	}
	n.started = time.Now()
	id, err := n.db.Identity(n.started)
	if err != nil {
		return nil, err
	}
	old, err := load(n.db)
	if err != nil {
		return nil, err
	}
	if n.ln, err = net.Listen("tcp", cfg.Listen); err != nil {
		return nil, fmt.Errorf("--listen %s: %w", cfg.Listen, err)
	}
	if n.apiLn, err = net.Listen("tcp", cfg.API); err != nil {
		return nil, fmt.Errorf("--api %s: %w", cfg.API, err)
	}
	self := n.ln.Addr().(*net.TCPAddr).AddrPort()
	seeds := make([]simulation.Addr, len(cfg.Seeds))
	for i, s := range cfg.Seeds {
		seeds[i] = simulation.Addr(s)
	}
	n.machine, err = NewMachine(MachineConfig{
		Self: simulation.Addr(self.String()), Seeds: seeds,
		OutboundTarget: cfg.OutboundTarget, MaxInbound: cfg.MaxInbound, SeedTimeout: cfg.SeedTimeout,
		BookKey: id.BookKey, Book: old.book, Bans: old.bans, Anchors: old.anchors,
		Lab: cfg.Lab,
	}, newRand())
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	height, err := restoreChain(n.db, n.machine, n.started)
	if err != nil {
		if errors.Is(err, store.ErrCorrupt) {
			return nil, fmt.Errorf("%w; move the file away to start this node afresh", err)
		}
		return nil, fmt.Errorf("%w (a --lab 09 retarget that disagrees with the one that mined them? run without it, or give this node another --datadir)", err)
	}
	restored := restore(n.machine, old.mempool, n.started) // on the chain's state
	if n.real, err = n.driver(self); err != nil {
		return nil, err
	}
	n.cookie = filepath.Join(cfg.DataDir, api.CookieFile)
	token, err := api.WriteCookie(n.cookie)
	if err != nil {
		return nil, err
	}
	n.server, err = api.New(api.Config{Backend: n, Events: n.hub, Token: token, Logger: n.log,
		MaxItemBytes: broadcast.BlobMaxSize})
	if err != nil {
		return nil, err
	}
	n.log.Info("node ready", "listen", self, "api", n.apiLn.Addr(), "datadir", cfg.DataDir,
		"book", len(old.book), "bans", len(old.bans), "anchors", len(old.anchors), "seeds", len(seeds),
		"height", height, "mempool", restored, "mine", cfg.Mine)
	return n, nil
}

// docs:begin driver

// driver makes chapter 04's real driver for the machine, over chapter
// 03's peers, with the messages of chapters 02 and 05 to 08 and 11.
func (n *Node) driver(self netip.AddrPort) (*simulation.RealNode, error) {
	reg, err := chainsync.Registry()
	if err != nil {
		return nil, err
	}
	pc := peers.DefaultConfig()
	pc.Registry = reg
	pc.Nonce = peers.RandomNonce()
	pc.ListenAddr = self
	maxIn := n.cfg.MaxInbound
	if maxIn == 0 {
		maxIn = discovery.DefaultMaxInbound
	}
	return simulation.NewRealNode(simulation.RealConfig{
		Peers:       pc,
		MaxInbound:  maxIn,
		MaxOutbound: n.machine.OutboundTarget() + connectionSlack,
		OnEmit:      n.onEmit,
	}, n.machine)
}

// docs:end driver

// newRand is the machine's random source, seeded from crypto/rand: a
// real node must not be predictable (its feelers, its relay choices).
func newRand() *rand.Rand {
	var b [16]byte
	_, _ = crand.Read(b[:]) // never fails on the platforms Go supports
	return rand.New(rand.NewPCG(binary.LittleEndian.Uint64(b[:8]), binary.LittleEndian.Uint64(b[8:])))
}

// Listen is where the node takes peer connections.
func (n *Node) Listen() string { return n.ln.Addr().String() }

// APIAddr is where the node serves its API.
func (n *Node) APIAddr() string { return n.apiLn.Addr().String() }

// Run runs the node until ctx ends, then stops it: connections close,
// the API shuts down, and what the node keeps is saved. It closes
// everything New opened, and runs once.
func (n *Node) Run(ctx context.Context) error {
	if n.ran {
		return errors.New("node: Run called twice")
	}
	n.ran = true
	defer n.close()
	if err := writeEndpoints(n.cfg.DataDir, Endpoints{PID: os.Getpid(), Listen: n.Listen(), API: n.APIAddr()}); err != nil {
		return err
	}
	defer os.Remove(filepath.Join(n.cfg.DataDir, EndpointsFile))
	defer os.Remove(n.cookie)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var apiErr error
	if n.cfg.Mine {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n.mine(ctx)
		}()
	}
	wg.Add(2)
	go func() {
		defer wg.Done()
		if apiErr = n.server.Serve(ctx, n.apiLn); apiErr != nil {
			cancel() // a node nobody can see is no use
		}
	}()
	go func() {
		defer wg.Done()
		n.saver(ctx)
	}()
	n.log.Info("node running", "listen", n.Listen(), "api", n.APIAddr())
	err := n.real.Run(ctx, n.ln)
	cancel()
	wg.Wait()
	// The loop has stopped: the machine is ours to read.
	if serr := save(n.db, snapshot(n.machine, time.Now())); serr != nil {
		err = errors.Join(err, serr)
	}
	n.log.Info("node stopped", "saved", n.db.Path())
	return errors.Join(err, apiErr)
}

// saver saves the address book every SaveInterval, everything at once
// when a ban or new anchors ask for it, and the mempool every
// MempoolSaveInterval if it changed.
func (n *Node) saver(ctx context.Context) {
	tick := time.NewTicker(SaveInterval)
	defer tick.Stop()
	poolTick := time.NewTicker(MempoolSaveInterval)
	defer poolTick.Stop()
	var savedChanges uint64 // the mempool's, when it was last saved
	type snap struct {
		sv      saved
		changes uint64
	}
	for {
		all := true
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-n.saveSoon:
		case <-poolTick.C:
			all = false
		}
		last := savedChanges
		st, err := simulation.Query(ctx, n.real, func(simulation.Machine) snap {
			s := snap{changes: n.machine.txChanges}
			switch {
			case all:
				s.sv = snapshot(n.machine, time.Now())
			case s.changes != last:
				s.sv.mempool = mempoolSnapshot(n.machine)
			}
			return s
		})
		if err != nil {
			return // stopping: Run saves
		}
		switch {
		case all:
			err = save(n.db, st.sv)
		case st.changes == last:
			continue
		default:
			err = n.db.SaveMempool(st.sv.mempool)
		}
		if err != nil {
			n.log.Error("save failed", "err", err)
			continue
		}
		savedChanges = st.changes
	}
}

// close closes what New opened.
func (n *Node) close() {
	if n.apiLn != nil {
		n.apiLn.Close()
	}
	if n.ln != nil {
		n.ln.Close()
	}
	if n.db != nil {
		n.db.Close()
	}
}
