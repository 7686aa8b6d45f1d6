package sync

import (
	"encoding/binary"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	simulation "peerchain/chapters/04-simulation"
	blocks "peerchain/chapters/08-blocks"
	chapter "peerchain/chapters/11-sync"
	"peerchain/tools/exercise"
)

// labPerPeer is the download's bound on a peer's blocks in flight.
const labPerPeer = chapter.MaxInFlightPerPeer

// labFactory makes a fresh Scheduler for one node: yours, or a wrong
// one. A scheduler may keep state, so each row has its own.
type labFactory func() chapter.Scheduler

func yours() chapter.Scheduler { return &LabScheduler{} }

// The rules a Scheduler's answer must keep, each the name of a row.
const (
	ruleRoom   = "never more than MaxInFlightPerPeer in flight to a peer"
	ruleWanted = "only the window's blocks, each asked of one peer"
	ruleHas    = "never a block a peer's headers do not show"
	ruleOffer  = "only peers the download offered"
)

// labBreak is one rule an answer broke, and how.
type labBreak struct{ rule, how string }

// labRules is what reqs, the answer to want, peers and perPeer, break.
func labRules(want []chapter.Wanted, peers []chapter.PeerLoad, perPeer int,
	reqs []chapter.Request) []labBreak {
	height := map[blocks.Hash]uint64{}
	for _, w := range want {
		height[w.Hash] = w.Height
	}
	load := map[simulation.PeerID]chapter.PeerLoad{}
	for _, p := range peers {
		load[p.Peer] = p
	}
	var out []labBreak
	asked := map[blocks.Hash]simulation.PeerID{}
	total := map[simulation.PeerID]int{}
	for _, r := range reqs {
		p, ok := load[r.Peer]
		if !ok {
			out = append(out, labBreak{ruleOffer, fmt.Sprintf("asks peer %d, not offered", r.Peer)})
			continue
		}
		for _, h := range r.Hashes {
			hh, isWanted := height[h]
			switch {
			case !isWanted:
				out = append(out, labBreak{ruleWanted, fmt.Sprintf("asks peer %d for %s, not in want", r.Peer, h.Short())})
			case asked[h] != 0:
				out = append(out, labBreak{ruleWanted, fmt.Sprintf("asks for #%d twice, of peers %d and %d",
					hh, asked[h], r.Peer)})
			case hh > p.Has:
				out = append(out, labBreak{ruleHas, fmt.Sprintf("asks peer %d for #%d, its headers stop at #%d",
					r.Peer, hh, p.Has)})
			}
			if isWanted && asked[h] == 0 {
				asked[h] = r.Peer
			}
		}
		total[r.Peer] += len(r.Hashes)
	}
	for _, p := range peers {
		if n := total[p.Peer]; n > 0 && p.InFlight+n > perPeer {
			out = append(out, labBreak{ruleRoom, fmt.Sprintf("asks peer %d for %d with %d in flight: more than %d",
				p.Peer, n, p.InFlight, perPeer)})
		}
	}
	return out
}

// labHash is the rows' made-up hash of a height.
func labHash(height uint64) blocks.Hash {
	var h blocks.Hash
	binary.BigEndian.PutUint64(h[:], height)
	h[31] = 0xab
	return h
}

// wants is the blocks from to to, oldest first.
func wants(from, to uint64) []chapter.Wanted {
	var out []chapter.Wanted
	for h := from; h <= to; h++ {
		out = append(out, chapter.Wanted{Height: h, Hash: labHash(h)})
	}
	return out
}

func pl(p simulation.PeerID, inFlight int, has uint64) chapter.PeerLoad {
	return chapter.PeerLoad{Peer: p, InFlight: inFlight, Has: has}
}

// labRow is one call of Schedule and what its answer must hold,
// beside the rules.
type labRow struct {
	name   string
	want   []chapter.Wanted
	peers  []chapter.PeerLoad
	asked  int      // blocks asked in all; -1: not checked
	oldest []uint64 // heights that must be asked
}

var labRows = []labRow{
	{name: "nothing wanted: nothing asked", peers: []chapter.PeerLoad{pl(1, 0, 200), pl(2, 3, 200)}},
	{name: "no peer offered: nothing asked", want: wants(101, 110)},
	{name: "one peer with room for all: all", want: wants(101, 105),
		peers: []chapter.PeerLoad{pl(1, 0, 200)}, asked: 5},
	{name: "room for three of five: the three oldest", want: wants(101, 105),
		peers: []chapter.PeerLoad{pl(1, labPerPeer-3, 200)}, asked: 3, oldest: []uint64{101, 102, 103}},
	{name: "a full peer: nothing asked", want: wants(101, 105),
		peers: []chapter.PeerLoad{pl(1, labPerPeer, 200)}},
	{name: "a peer behind: only what it has", want: wants(101, 110),
		peers: []chapter.PeerLoad{pl(1, 0, 105)}, asked: 5, oldest: []uint64{101, 105}},
	{name: "a peer with none of them: the other peer gets them", want: wants(101, 110),
		peers: []chapter.PeerLoad{pl(1, 0, 100), pl(2, 0, 200)}, asked: 10},
	{name: "three peers share forty: all asked", want: wants(101, 140),
		peers: []chapter.PeerLoad{pl(1, 0, 200), pl(2, 0, 200), pl(3, 0, 200)}, asked: 40},
	{name: "four peers have eight: each asked of one", want: wants(101, 108),
		peers: []chapter.PeerLoad{pl(1, 0, 200), pl(2, 0, 200), pl(3, 0, 200), pl(4, 0, 200)}, asked: 8},
	{name: "the oldest goes out first, to whoever has room", want: wants(101, 130),
		peers: []chapter.PeerLoad{pl(1, labPerPeer, 200), pl(2, 10, 200), pl(3, 0, 120)},
		asked: -1, oldest: []uint64{101, 102, 103}},
}

// check is what impl's answer to the row gets wrong, if anything.
func (row labRow) check(_ testing.TB, impl labFactory) []string {
	reqs := impl().Schedule(slices.Clone(row.want), slices.Clone(row.peers), labPerPeer)
	var problems []string
	for _, b := range labRules(row.want, row.peers, labPerPeer, reqs) {
		problems = append(problems, b.rule+": "+b.how)
	}
	asked := map[blocks.Hash]bool{}
	for _, r := range reqs {
		for _, h := range r.Hashes {
			asked[h] = true
		}
	}
	if row.asked >= 0 && len(asked) != row.asked {
		problems = append(problems, fmt.Sprintf("%d blocks asked, want %d", len(asked), row.asked))
	}
	for _, h := range row.oldest {
		if !asked[labHash(h)] {
			problems = append(problems, fmt.Sprintf("#%d not asked", h))
		}
	}
	return problems
}

func TestLabScheduler_Rows(t *testing.T) {
	for _, tt := range labRows {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			assert.Empty(t, tt.check(t, yours))
		})
	}
}

// TestLabScheduler_Judge checks the rows themselves: each of these
// wrong schedulers must fail the rows named. It runs once you have
// started the lab.
func TestLabScheduler_Judge(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	yours().Schedule(nil, nil, labPerPeer) // skips the test until you start
	var rows []exercise.Row[labFactory]
	for _, row := range labRows {
		rows = append(rows, exercise.Row[labFactory]{Name: row.name, Check: row.check})
	}
	rows = append(rows, simRows()...)
	exercise.Judge(t, rows, labWrong(0), []exercise.Wrong[labFactory]{
		{Name: "everything to the first peer", Impl: labWrong(labOnePeer), MustFail: []string{
			"three peers share forty: all asked", "four honest peers: every peer sends blocks",
			"a slow peer among four: synced in time"}},
		{Name: "in-flight blocks not counted: perPeer more each call", Impl: labWrong(labNoInFlight), MustFail: []string{
			"room for three of five: the three oldest", "a full peer: nothing asked", ruleRoom}},
		{Name: "one more than perPeer", Impl: labWrong(labRoomOff), MustFail: []string{
			"room for three of five: the three oldest", ruleRoom}},
		{Name: "headers not looked at: any block of any peer", Impl: labWrong(labNoHas), MustFail: []string{
			"a peer behind: only what it has", ruleHas, "a peer whose headers stop at 300: synced in time"}},
		{Name: "every peer asked for the oldest blocks", Impl: labWrong(labEveryPeer), MustFail: []string{
			"four peers have eight: each asked of one", ruleWanted}},
		{Name: "the first call's window, kept for good", Impl: labWrong(labStale), MustFail: []string{
			ruleWanted, "four honest peers: every block, in order, in time"}},
		{Name: "newest first", Impl: labWrong(labNewest), MustFail: []string{
			"room for three of five: the three oldest", "the oldest goes out first, to whoever has room"}},
		{Name: "its own count of requests, never freed", Impl: labWrong(labOwnCount), MustFail: []string{
			"four honest peers: every block, in order, in time", "a staller among four: synced in time"}},
		{Name: "one block a peer a call", Impl: labWrong(labOneEach), MustFail: []string{
			"one peer with room for all: all", "three peers share forty: all asked"}},
	})
}

// The ways labWrong schedules wrong.
const (
	labOnePeer = 1 << iota
	labNoInFlight
	labRoomOff
	labNoHas
	labEveryPeer
	labStale
	labNewest
	labOwnCount
	labOneEach
)

// labWrongScheduler is chapter.InOrder written again, with the
// mistakes in flags; with none it is right.
type labWrongScheduler struct {
	flags int
	stale []chapter.Wanted          // labStale: the window kept
	own   map[simulation.PeerID]int // labOwnCount: blocks ever asked
}

func labWrong(flags int) labFactory {
	return func() chapter.Scheduler {
		return &labWrongScheduler{flags: flags, own: map[simulation.PeerID]int{}}
	}
}

func (w *labWrongScheduler) Schedule(want []chapter.Wanted, peers []chapter.PeerLoad,
	perPeer int) []chapter.Request {
	if w.flags&labStale != 0 {
		if w.stale == nil {
			w.stale = slices.Clone(want)
		}
		want = w.stale
	}
	if w.flags&labNewest != 0 {
		want = slices.Clone(want)
		slices.Reverse(want)
	}
	taken := map[blocks.Hash]bool{}
	var out []chapter.Request
	if w.flags&labOnePeer != 0 {
		peers = peers[:min(1, len(peers))]
	}
	for _, p := range peers {
		room := perPeer - p.InFlight
		switch {
		case w.flags&labNoInFlight != 0:
			room = perPeer
		case w.flags&labRoomOff != 0:
			room++
		case w.flags&labOwnCount != 0:
			room = perPeer - w.own[p.Peer]
		}
		if w.flags&labOneEach != 0 {
			room = min(room, 1)
		}
		r := chapter.Request{Peer: p.Peer}
		for _, b := range want {
			if len(r.Hashes) >= room {
				break
			}
			if (b.Height > p.Has && w.flags&labNoHas == 0) || (taken[b.Hash] && w.flags&labEveryPeer == 0) {
				continue
			}
			taken[b.Hash] = true
			r.Hashes = append(r.Hashes, b.Hash)
		}
		if len(r.Hashes) == 0 {
			continue
		}
		w.own[p.Peer] += len(r.Hashes)
		out = append(out, r)
	}
	return out
}
