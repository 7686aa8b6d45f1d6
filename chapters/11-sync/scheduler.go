package sync

import (
	"errors"
	"fmt"

	simulation "peerchain/chapters/04-simulation"
	blocks "peerchain/chapters/08-blocks"
)

// maxScheduleErrs is how many of a Scheduler's mistakes one Fault
// lists; it says how many more there were.
const maxScheduleErrs = 4

// ErrSchedule is a Scheduler's answer the download cannot follow: a
// request of a peer it was not offered, of a block not wanted or
// asked twice, or past a peer's room. What can be followed is; the
// rest is dropped and reported in a Fault.
var ErrSchedule = errors.New("scheduler asked for what it may not")

// Wanted is a block of the window that nobody is fetching and that has
// not come: its height on the best header chain, and its hash.
type Wanted struct {
	Height uint64
	Hash   blocks.Hash
}

// PeerLoad is a peer the download may ask for blocks now: how many it
// is fetching, and how far its headers show it has the best chain
// (every block up to height Has, none above).
type PeerLoad struct {
	Peer     simulation.PeerID
	InFlight int
	Has      uint64
}

// Request is the blocks to ask of one peer, in one getblockdata.
type Request struct {
	Peer   simulation.PeerID
	Hashes []blocks.Hash
}

// docs:begin scheduler

// Scheduler decides who fetches what. The download calls it after
// every event with the blocks the window wants, oldest first, and
// the peers it may ask, in the order they came. Each block may go to
// one peer that has it, and a peer may hold at most perPeer
// (MaxInFlightPerPeer) blocks in flight.
type Scheduler interface {
	Schedule(want []Wanted, peers []PeerLoad, perPeer int) []Request
}

// InOrder is the chapter's Scheduler: each peer, in the order they
// came, takes the next blocks of the window it has, as many as it has
// room for. The window's oldest blocks go out first.
type InOrder struct{}

func (InOrder) Schedule(want []Wanted, peers []PeerLoad,
	perPeer int) []Request {
	taken := make([]bool, len(want))
	var out []Request
	for _, p := range peers {
		r := Request{Peer: p.Peer}
		for i, w := range want {
			if len(r.Hashes) >= perPeer-p.InFlight || w.Height > p.Has {
				break
			}
			if !taken[i] {
				taken[i] = true
				r.Hashes = append(r.Hashes, w.Hash)
			}
		}
		if len(r.Hashes) > 0 {
			out = append(out, r)
		}
	}
	return out
}

// docs:end scheduler

// SetScheduler makes sc the download's Scheduler, as Config.Scheduler
// does; nil is InOrder. A simulation sets it on a node it has built.
func (s *Sync) SetScheduler(sc Scheduler) {
	if sc == nil {
		sc = InOrder{}
	}
	s.cfg.Scheduler = sc
}

// followable is what of reqs the download can follow, and what it
// cannot, as an error: each request of an offered peer, within its
// room, of wanted blocks it has, each block once.
func followable(want []Wanted, peers []PeerLoad, perPeer int,
	reqs []Request) ([]Request, error) {
	wanted := make(map[blocks.Hash]uint64, len(want))
	for _, w := range want {
		wanted[w.Hash] = w.Height
	}
	load := make(map[simulation.PeerID]PeerLoad, len(peers))
	for _, p := range peers {
		load[p.Peer] = p
	}
	var errs []error
	mistakes := 0
	bad := func(format string, args ...any) {
		if mistakes++; len(errs) < maxScheduleErrs {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	asked := make(map[blocks.Hash]bool)
	var out []Request
	for _, r := range reqs {
		p, ok := load[r.Peer]
		if !ok {
			bad("peer %d: not offered", r.Peer)
			continue
		}
		keep := Request{Peer: r.Peer}
		for _, h := range r.Hashes {
			height, isWanted := wanted[h]
			switch {
			case !isWanted:
				bad("block %s: not wanted", h.Short())
			case asked[h]:
				bad("block %s: asked twice", h.Short())
			case height > p.Has:
				bad("block %s (#%d): peer %d has only to #%d",
					h.Short(), height, p.Peer, p.Has)
			case p.InFlight >= perPeer:
				bad("block %s: peer %d has %d in flight, the most",
					h.Short(), p.Peer, p.InFlight)
			default:
				asked[h] = true
				p.InFlight++
				keep.Hashes = append(keep.Hashes, h)
			}
		}
		load[r.Peer] = p
		if len(keep.Hashes) > 0 {
			out = append(out, keep)
		}
	}
	if mistakes > len(errs) {
		errs = append(errs, fmt.Errorf("and %d more", mistakes-len(errs)))
	}
	if len(errs) > 0 {
		return out, fmt.Errorf("%w: %w", ErrSchedule, errors.Join(errs...))
	}
	return out, nil
}
