package sync

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	simulation "peerchain/chapters/04-simulation"
	chapter "peerchain/chapters/11-sync"
	"peerchain/tools/exercise"
)

// stPerPeer is the rows' perPeer: small, so that rooms are easy to
// read.
const stPerPeer = 4

// The rows' peers.
const (
	stA simulation.PeerID = iota + 1
	stB
	stC
	stD
)

// win is a window of blocks from height 101 up, each asked of the peer
// given (0: nobody), or come ('c' in come).
func win(peers []simulation.PeerID, come string) []Slot {
	out := make([]Slot, len(peers))
	for i, p := range peers {
		out[i] = Slot{Height: 101 + uint64(i), Peer: p, Come: i < len(come) && come[i] == 'c'}
	}
	return out
}

func load(p simulation.PeerID, inFlight int, has uint64) chapter.PeerLoad {
	return chapter.PeerLoad{Peer: p, InFlight: inFlight, Has: has}
}

// The window of most rows: five blocks, 101 to 105, all asked; A holds
// the first.
var stFull = []simulation.PeerID{stA, stA, stB, stB, stC}

type stRow struct {
	name   string
	window []Slot
	peers  []chapter.PeerLoad
	want   simulation.PeerID // 0: nobody stalls
}

var stRows = []stRow{
	{name: "an empty window: nobody", peers: []chapter.PeerLoad{load(stD, 0, 200)}},
	{name: "a peer with room and nothing left to ask: the first block's holder stalls",
		window: win(stFull, ""),
		peers:  []chapter.PeerLoad{load(stA, 2, 200), load(stB, 2, 200), load(stC, 1, 200), load(stD, 0, 200)},
		want:   stA},
	{name: "the first block nobody is asked for: nobody to blame",
		window: win([]simulation.PeerID{0, stA, stB, stB, stC}, ""),
		peers:  []chapter.PeerLoad{load(stD, 0, 200)}},
	{name: "the first block has come: nobody, whoever holds the next",
		window: win([]simulation.PeerID{stA, stB, stB, stC, stC}, "c"),
		peers:  []chapter.PeerLoad{load(stD, 0, 200)}},
	{name: "the holder itself has room: it holds up nobody but itself",
		window: win(stFull, ""),
		peers:  []chapter.PeerLoad{load(stA, 2, 200)}},
	{name: "the only other peer is full: it is not held up",
		window: win(stFull, ""),
		peers:  []chapter.PeerLoad{load(stA, 2, 200), load(stB, stPerPeer, 200)}},
	{name: "a room of one is room",
		window: win(stFull, ""),
		peers:  []chapter.PeerLoad{load(stA, 2, 200), load(stB, stPerPeer-1, 200)},
		want:   stA},
	{name: "a block left to ask for: the peer with room is not held up",
		window: win([]simulation.PeerID{stA, stA, stB, 0, stC}, ""),
		peers:  []chapter.PeerLoad{load(stA, 2, 200), load(stD, 0, 200)}},
	{name: "blocks come wait their turn: nothing left to ask, so held up",
		window: win([]simulation.PeerID{stA, stB, 0, 0, stC}, "__cc"),
		peers:  []chapter.PeerLoad{load(stD, 0, 200)},
		want:   stA},
	{name: "a peer whose headers end at the window's end has nothing more to give",
		window: win(stFull, ""),
		peers:  []chapter.PeerLoad{load(stA, 2, 200), load(stD, 0, 105)}},
	{name: "one block past the window's end is more to give",
		window: win(stFull, ""),
		peers:  []chapter.PeerLoad{load(stA, 2, 200), load(stD, 0, 106)},
		want:   stA},
	{name: "the holder is resting, not among the peers: still the holder",
		window: win([]simulation.PeerID{stC, stA, stB, stB, stA}, ""),
		peers:  []chapter.PeerLoad{load(stA, 2, 200), load(stD, 0, 200)},
		want:   stC},
	{name: "one held up among several is enough",
		window: win(stFull, ""),
		peers: []chapter.PeerLoad{load(stA, 2, 200), load(stB, stPerPeer, 200),
			load(stC, 1, 105), load(stD, 0, 300)},
		want: stA},
}

// stFunc is a Stalling, the learner's or a wrong one.
type stFunc func(window []Slot, peers []chapter.PeerLoad, perPeer int) (simulation.PeerID, bool)

// check is what stalling does wrong on the row, if anything.
func (row stRow) check(_ testing.TB, stalling stFunc) []string {
	got, ok := stalling(row.window, row.peers, stPerPeer)
	switch {
	case row.want == 0 && ok:
		return []string{fmt.Sprintf("peer %d stalls, want nobody", got)}
	case row.want != 0 && !ok:
		return []string{fmt.Sprintf("nobody stalls, want peer %d", row.want)}
	case got != row.want:
		return []string{fmt.Sprintf("peer %d stalls, want peer %d", got, row.want)}
	}
	return nil
}

func TestStalling(t *testing.T) {
	for _, tt := range stRows {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			assert.Empty(t, tt.check(t, Stalling))
		})
	}
}

// TestStalling_Judge checks the rows themselves: each of these wrong
// versions must fail the rows named. It runs once you have started
// the exercise.
func TestStalling_Judge(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	Stalling(nil, nil, stPerPeer) // skips the test until you start
	var rows []exercise.Row[stFunc]
	for _, row := range stRows {
		rows = append(rows, exercise.Row[stFunc]{Name: row.name, Check: row.check})
	}
	exercise.Judge(t, rows, stWrong(0), []exercise.Wrong[stFunc]{
		{Name: "blames the holder of the first block, held up or not", Impl: stWrong(stAnyHolder), MustFail: []string{
			"the holder itself has room: it holds up nobody but itself",
			"a block left to ask for: the peer with room is not held up"}},
		{Name: "the holder counts as held up by itself", Impl: stWrong(stSelf), MustFail: []string{
			"the holder itself has room: it holds up nobody but itself"}},
		{Name: "room not looked at", Impl: stWrong(stNoRoom), MustFail: []string{
			"the only other peer is full: it is not held up"}},
		{Name: "room off by one: a room of one is none", Impl: stWrong(stRoomOff), MustFail: []string{
			"a room of one is room"}},
		{Name: "free blocks not looked at", Impl: stWrong(stNoFree), MustFail: []string{
			"a block left to ask for: the peer with room is not held up"}},
		{Name: "blocks come count as free", Impl: stWrong(stComeFree), MustFail: []string{
			"blocks come wait their turn: nothing left to ask, so held up"}},
		{Name: "headers up to the window's end count as more to give", Impl: stWrong(stEndOff), MustFail: []string{
			"a peer whose headers end at the window's end has nothing more to give"}},
		{Name: "the oldest block not come, not the first", Impl: stWrong(stOldestNotCome), MustFail: []string{
			"the first block has come: nobody, whoever holds the next"}},
		{Name: "the holder must be among the peers", Impl: stWrong(stHolderOffered), MustFail: []string{
			"the holder is resting, not among the peers: still the holder"}},
		{Name: "only the first other peer looked at", Impl: stWrong(stFirstOnly), MustFail: []string{
			"one held up among several is enough"}},
	})
}

// The ways stWrong decides wrong.
const (
	stAnyHolder = 1 << iota
	stSelf
	stNoRoom
	stRoomOff
	stNoFree
	stComeFree
	stEndOff
	stOldestNotCome
	stHolderOffered
	stFirstOnly
)

// stWrong is a Stalling with the mistakes in flags; with none it is
// right.
func stWrong(flags int) stFunc {
	return func(window []Slot, peers []chapter.PeerLoad, perPeer int) (simulation.PeerID, bool) {
		if flags&stOldestNotCome != 0 {
			for len(window) > 0 && window[0].Come {
				window = window[1:]
			}
		}
		if len(window) == 0 || window[0].Peer == 0 || window[0].Come {
			return 0, false
		}
		holder, end := window[0].Peer, window[len(window)-1].Height
		if flags&stAnyHolder != 0 {
			return holder, true
		}
		offered := false
		for _, p := range peers {
			offered = offered || p.Peer == holder
		}
		if flags&stHolderOffered != 0 && !offered {
			return 0, false
		}
		room := func(p chapter.PeerLoad) bool {
			switch {
			case flags&stNoRoom != 0:
				return true
			case flags&stRoomOff != 0:
				return p.InFlight < perPeer-1
			}
			return p.InFlight < perPeer
		}
		more := func(p chapter.PeerLoad) bool {
			if flags&stEndOff != 0 {
				return p.Has >= end
			}
			return p.Has > end
		}
		looked := false
		for _, p := range peers {
			if p.Peer == holder && flags&stSelf == 0 {
				continue
			}
			if looked && flags&stFirstOnly != 0 {
				break
			}
			looked = true
			if !room(p) || !more(p) {
				continue
			}
			free := false
			for _, s := range window {
				isFree := s.Peer == 0 && (!s.Come || flags&stComeFree != 0)
				free = free || (isFree && s.Height <= p.Has && flags&stNoFree == 0)
			}
			if !free {
				return holder, true
			}
		}
		return 0, false
	}
}
