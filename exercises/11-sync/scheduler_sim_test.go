package sync

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	simulation "peerchain/chapters/04-simulation"
	blocks "peerchain/chapters/08-blocks"
	chapter "peerchain/chapters/11-sync"
	"peerchain/tools/exercise"
	"peerchain/tools/testseed"
)

// The simulated downloads: how long the chain is, how many peers, each
// link's latency, how many seeds, and the most rule breaks of one kind
// a run keeps to show.
const (
	labBlocks    = 400
	labPeers     = 4
	labSeeds     = 3
	labShowBreak = 3
	labSlowBy    = 200 * time.Millisecond // added to each of the slow peer's blocks
	labShortAt   = 300                    // where the short peer's headers stop
	labRunLimit  = 10 * time.Minute       // of virtual time, synced or not
)

var labLatency = simulation.Uniform{Min: 20 * time.Millisecond, Max: 80 * time.Millisecond}

// labScenario is a fresh node, node 0, that syncs labBlocks from
// labPeers peers, nodes 1 up: staller, if not 0, never sends a block
// (it answers headers); slow's blocks each take labSlowBy more; short
// shows headers only up to labShortAt. It is the first peer the node
// asks for headers, so that it shows those and not nothing. The node
// must be synced within limit of virtual time.
type labScenario struct {
	name                 string
	staller, slow, short simulation.NodeID
	limit                time.Duration
}

// labRecorder is a Scheduler that checks every answer of the one it
// wraps.
type labRecorder struct {
	inner  chapter.Scheduler
	calls  int
	broken map[string]int      // by rule, how many times
	shown  map[string][]string // by rule, the first labShowBreak
}

func (r *labRecorder) Schedule(want []chapter.Wanted, peers []chapter.PeerLoad,
	perPeer int) []chapter.Request {
	r.calls++
	reqs := r.inner.Schedule(slices.Clone(want), slices.Clone(peers), perPeer)
	for _, b := range labRules(want, peers, perPeer, reqs) {
		if r.broken[b.rule]++; len(r.shown[b.rule]) < labShowBreak {
			r.shown[b.rule] = append(r.shown[b.rule], fmt.Sprintf("call %d: %s", r.calls, b.how))
		}
	}
	return reqs
}

// labOutcome is what a simulated download did.
type labOutcome struct {
	synced  bool
	elapsed time.Duration
	heights []uint64 // of the blocks connected, in order
	from    map[simulation.PeerID]int
	rec     *labRecorder
}

// run is the scenario with impl's scheduler in the fresh node.
func (sc labScenario) run(impl labFactory, seed uint64) (labOutcome, error) {
	out := labOutcome{from: map[simulation.PeerID]int{},
		rec: &labRecorder{inner: impl(), broken: map[string]int{}, shown: map[string][]string{}}}
	s, err := chapter.NewSim(chapter.SimConfig{Blocks: labBlocks, Peers: labPeers,
		Seed: seed, Latency: labLatency,
		OnEmit: func(e simulation.Emitted) {
			if f, ok := e.Value.(chapter.Fetched); ok && e.Node == 0 {
				out.heights = append(out.heights, f.Height)
				out.from[f.From]++
			}
		}})
	if err != nil {
		return out, err
	}
	s.Syncs[0].SetScheduler(out.rec)
	s.Net.SetHook(func(m *simulation.InFlight) {
		if m.To != 0 {
			return
		}
		switch msg := m.Msg.(type) {
		case *blocks.MsgBlock:
			if m.From == sc.staller {
				m.Drop = true // as NewSim's stallers
			} else if m.From == sc.slow {
				m.Delay = labSlowBy
			}
		case *blocks.MsgHeaders:
			if m.From == sc.short {
				var keep []blocks.Header
				for _, h := range msg.Headers {
					if height, ok := s.Trees[sc.short].Chain().HeightOf(h.BlockHash()); ok && height <= labShortAt {
						keep = append(keep, h)
					}
				}
				m.Msg = &blocks.MsgHeaders{Headers: keep}
			}
		}
	})
	out.synced, err = s.Run(labRunLimit)
	out.elapsed = s.Net.Elapsed()
	return out, err
}

// problems is what went wrong in the download: not synced in time, a
// block missing or out of order, or (if rules) a rule broken.
func (o labOutcome) problems(sc labScenario) []string {
	var out []string
	if !o.synced || o.elapsed > sc.limit {
		out = append(out, fmt.Sprintf("synced %v after %v of virtual time, want within %v (%d of %d blocks connected)",
			o.synced, o.elapsed.Round(time.Millisecond), sc.limit, len(o.heights), labBlocks))
	}
	for i, h := range o.heights {
		if h != uint64(i+1) {
			out = append(out, fmt.Sprintf("block %d connected was #%d: not in order", i+1, h))
			break
		}
	}
	if o.synced && len(o.heights) != labBlocks {
		out = append(out, fmt.Sprintf("%d blocks connected, want %d", len(o.heights), labBlocks))
	}
	return out
}

// broke is the scenario's breaks of one rule.
func (o labOutcome) broke(rule string) []string {
	if o.rec.broken[rule] == 0 {
		return nil
	}
	return []string{fmt.Sprintf("%d times in %d calls, first %s", o.rec.broken[rule], o.rec.calls,
		strings.Join(o.rec.shown[rule], "; "))}
}

// summary is the outcome in one line, for the grader.
func (o labOutcome) summary() string {
	peers := slices.Sorted(maps.Keys(o.from))
	var by []string
	for _, p := range peers {
		by = append(by, fmt.Sprintf("%d from peer %d", o.from[p], p))
	}
	state := "synced"
	if !o.synced {
		state = "not synced"
	}
	return fmt.Sprintf("%s, %d of %d blocks in %v virtual: %s", state, len(o.heights), labBlocks,
		o.elapsed.Round(time.Millisecond), strings.Join(by, ", "))
}

// The scenarios. Each limit is about twice what the chapter's InOrder
// and the reference solution take on the slowest of seeds 1 to 5
// (1.14 s, 3.91 s, 1.55 s, 1.22 s and 4.65 s).
var (
	labHonest  = labScenario{name: "four honest peers", limit: 2500 * time.Millisecond}
	labStaller = labScenario{name: "a staller among four", staller: 2, limit: 8 * time.Second}
	labSlow    = labScenario{name: "a slow peer among four", slow: 1, limit: 3500 * time.Millisecond}
	labShort   = labScenario{name: "a peer whose headers stop at 300", short: 1,
		limit: 2500 * time.Millisecond}
	labMixed = labScenario{name: "a staller, a slow peer and a short one", short: 1, staller: 2,
		slow: 3, limit: 9 * time.Second}
)

// labSimRow is a row checked on a simulated download.
type labSimRow struct {
	name  string
	sc    labScenario
	check func(sc labScenario, o labOutcome) []string
}

// inTime is a row that the download finishes, every block in order,
// in time.
func inTime(sc labScenario, o labOutcome) []string { return o.problems(sc) }

// keeps is a row that the answers in the mixed scenario keep rule.
func keeps(rule string) labSimRow {
	return labSimRow{name: rule, sc: labMixed,
		check: func(_ labScenario, o labOutcome) []string { return o.broke(rule) }}
}

var labSimRows = []labSimRow{
	{name: "four honest peers: every block, in order, in time", sc: labHonest, check: inTime},
	{name: "four honest peers: every peer sends blocks", sc: labHonest,
		check: func(_ labScenario, o labOutcome) []string {
			if len(o.from) < labPeers {
				return []string{fmt.Sprintf("blocks came from %d of %d peers: %s", len(o.from), labPeers, o.summary())}
			}
			return nil
		}},
	{name: "a staller among four: synced in time", sc: labStaller, check: inTime},
	{name: "a slow peer among four: synced in time", sc: labSlow, check: inTime},
	{name: "a peer whose headers stop at 300: synced in time", sc: labShort, check: inTime},
	keeps(ruleRoom), keeps(ruleWanted), keeps(ruleHas), keeps(ruleOffer),
}

// simRows are labSimRows as rows of the Judge, each on seed 1.
func simRows() []exercise.Row[labFactory] {
	var rows []exercise.Row[labFactory]
	for _, row := range labSimRows {
		rows = append(rows, exercise.Row[labFactory]{Name: row.name,
			Check: func(t testing.TB, impl labFactory) []string {
				o, err := row.sc.run(impl, 1)
				require.NoError(t, err)
				return row.check(row.sc, o)
			}})
	}
	return rows
}

// TestLabScheduler_Sim runs your LabScheduler in the chapter's
// simulator, each scenario on labSeeds seeds; a failing seed prints
// the command that replays it alone.
func TestLabScheduler_Sim(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	yours().Schedule(nil, nil, labPerPeer) // skips the test until you start
	testseed.Run(t, labSeeds, func(t *testing.T, seed uint64) {
		outcomes := map[string]labOutcome{}
		for _, row := range labSimRows {
			t.Run(row.name, func(t *testing.T) {
				defer exercise.SkipIfNotAttempted(t)
				o, ok := outcomes[row.sc.name]
				if !ok {
					var err error
					o, err = row.sc.run(yours, seed)
					require.NoError(t, err)
					outcomes[row.sc.name] = o
					if seed == 1 {
						exercise.Report(t, "%s: %s (bound %v)", row.sc.name, o.summary(), row.sc.limit)
					}
				}
				assert.Empty(t, row.check(row.sc, o))
			})
		}
	})
}
