package devnet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"peerchain/final/api"
)

// supervisor runs one devnet. Only Run's goroutine touches its fields,
// but for the channels.
type supervisor struct {
	cfg      Config
	kids     []*child // the running process of each node; nil while down
	states   []NodeState
	restarts []int           // each node's restarts so far
	delays   []time.Duration // each node's next restart delay
	// stopped are the nodes the operator killed: no restart until
	// asked; restarting, those with a restart under way.
	stopped, restarting []bool
	control             chan controlRequest
	exits               chan *child    // a child exited
	respawned           chan respawn   // a restart finished, well or not
	quit                chan struct{}  // closed when the devnet stops
	pending             sync.WaitGroup // restarts under way
	client              *http.Client
	published           int // test items so far
	rng                 *rand.Rand
	// The transfer generator's: the next nonce of each devnet wallet
	// the devnet has had accepted, and its outcomes so far.
	nonces              map[int]uint64
	sent, refused, held int
}

// maxStatusBytes bounds a status answer the supervisor reads: a few
// hundred bytes, in practice.
const maxStatusBytes = 64 << 10

type respawn struct {
	i   int
	ch  *child
	err error
}

// Run starts the devnet, runs it until ctx ends, then stops every node:
// an interrupt, Grace to exit, then a kill. It returns an error only if
// the network could not start.
func Run(ctx context.Context, cfg Config) (Result, error) {
	cfg, err := cfg.check()
	if err != nil {
		return Result{}, err
	}
	n := cfg.Nodes
	s := &supervisor{
		cfg:        cfg,
		kids:       make([]*child, n),
		states:     make([]NodeState, n),
		restarts:   make([]int, n),
		delays:     make([]time.Duration, n),
		stopped:    make([]bool, n),
		restarting: make([]bool, n),
		control:    make(chan controlRequest),
		exits:      make(chan *child, n),
		respawned:  make(chan respawn, n),
		quit:       make(chan struct{}),
		client:     &http.Client{Timeout: PollTimeout},
		rng:        rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())),
		nonces:     make(map[int]uint64),
	}
	for i := range s.states {
		s.states[i] = NodeState{Node: i, Name: Name(i), Err: "starting"}
		s.delays[i] = RestartDelay
	}
	old, err := readLayout(cfg.Dir)
	if err != nil {
		return Result{}, err
	}
	if err := s.startAll(old); err != nil {
		res := s.stop()
		return res, err
	}
	if err := writeLayout(cfg.Dir, s.states); err != nil {
		s.stop()
		return Result{}, fmt.Errorf("devnet layout: %w", err)
	}
	stopControl, err := s.serveControl()
	if err != nil {
		s.stop()
		return Result{}, err
	}
	defer stopControl()
	tick := time.NewTicker(cfg.Poll)
	defer tick.Stop()
	var items <-chan time.Time // nil, never ready, unless asked for
	if cfg.ItemsEvery > 0 {
		t := time.NewTicker(cfg.ItemsEvery)
		defer t.Stop()
		items = t.C
	}
	var transfers <-chan time.Time
	if cfg.TxRate > 0 {
		t := time.NewTicker(time.Duration(float64(time.Second) / cfg.TxRate))
		defer t.Stop()
		transfers = t.C
	}
	s.poll(ctx)
	for {
		select {
		case <-ctx.Done():
			return s.stop(), nil
		case ch := <-s.exits:
			s.exited(ch)
		case r := <-s.respawned:
			s.restarted(r)
		case req := <-s.control:
			req.reply <- s.handleControl(req)
		case <-tick.C:
			s.poll(ctx)
		case <-items:
			s.publish(ctx)
		case <-transfers:
			s.transfer(ctx)
		}
	}
}

// startAll starts the seed, then every other node at once, each with
// the seed's address: each where it listened last time, if the
// directory has a layout, else on free ports.
func (s *supervisor) startAll(old map[string]place) error {
	seed, err := s.spawnAt(0, old, nil)
	if err != nil {
		return err
	}
	s.started(seed)
	results := make(chan respawn, s.cfg.Nodes)
	for i := 1; i < s.cfg.Nodes; i++ {
		seeds := s.seeds(i)
		go func() {
			ch, err := s.spawnAt(i, old, seeds)
			results <- respawn{i: i, ch: ch, err: err}
		}()
	}
	var errs []error
	for range s.cfg.Nodes - 1 {
		r := <-results
		if r.err != nil {
			errs = append(errs, r.err)
			continue
		}
		s.started(r.ch)
	}
	return errors.Join(errs...)
}

// anyPort is a loopback address on a free port.
const anyPort = "127.0.0.1:0"

// spawnAt starts node i where the old layout says it listened, falling
// back to free ports when those are taken now.
func (s *supervisor) spawnAt(i int, old map[string]place, seeds []string) (*child, error) {
	if p, ok := old[Name(i)]; ok {
		if ch, err := s.cfg.spawn(i, p.Listen, p.API, seeds); err == nil {
			return ch, nil
		}
	}
	return s.cfg.spawn(i, anyPort, anyPort, seeds)
}

// seeds are node i's seeds: the seed's address, for all but the seed.
func (s *supervisor) seeds(i int) []string {
	if i == 0 || s.kids[0] == nil && s.states[0].Listen == "" {
		return nil
	}
	return []string{s.states[0].Listen}
}

// started takes a running child in.
func (s *supervisor) started(ch *child) {
	s.kids[ch.i] = ch
	st := &s.states[ch.i]
	st.PID, st.Listen, st.API, st.Err = ch.cmd.Process.Pid, ch.ends.Listen, ch.ends.API, ""
	st.Restarts = s.restarts[ch.i]
	go func() {
		<-ch.exited
		select {
		case s.exits <- ch:
		case <-s.quit:
		}
	}()
	s.cfg.OnEvent(Event{Node: ch.i, Name: Name(ch.i), Kind: Started, PID: st.PID})
}

// exited reports a child that died, and restarts it if asked.
func (s *supervisor) exited(ch *child) {
	if s.kids[ch.i] != ch {
		return // stopped already
	}
	s.kids[ch.i] = nil
	st := &s.states[ch.i]
	st.PID, st.Up = 0, false
	st.Err = fmt.Sprintf("exited: %v", exitReason(ch.err))
	ch.stdin.Close()
	s.cfg.OnEvent(Event{Node: ch.i, Name: Name(ch.i), Kind: Exited, PID: ch.cmd.Process.Pid, Err: exitReason(ch.err)})
	if !s.cfg.Restart || s.stopped[ch.i] {
		return
	}
	if time.Since(ch.since) > StableAfter {
		s.delays[ch.i] = RestartDelay
	}
	s.restart(ch.i, ch.ends.Listen, ch.ends.API)
}

// restart starts node i again after its delay, on the same addresses,
// so that the others' address books still find it.
func (s *supervisor) restart(i int, listen, apiAddr string) {
	delay := s.delays[i]
	s.delays[i] = min(2*delay, MaxRestartDelay)
	s.restartAfter(i, listen, apiAddr, delay)
}

// restartAfter starts node i again after delay.
func (s *supervisor) restartAfter(i int, listen, apiAddr string, delay time.Duration) {
	s.restarting[i] = true
	s.cfg.OnEvent(Event{Node: i, Name: Name(i), Kind: Restarting, Delay: delay})
	seeds := s.seeds(i)
	s.pending.Add(1)
	go func() {
		defer s.pending.Done()
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-s.quit:
			return
		}
		ch, err := s.cfg.spawn(i, listen, apiAddr, seeds)
		s.respawned <- respawn{i: i, ch: ch, err: err} // room for one per node
	}()
}

func (s *supervisor) restarted(r respawn) {
	s.restarting[r.i] = false
	if r.err != nil {
		s.states[r.i].Err = r.err.Error()
		s.cfg.OnEvent(Event{Node: r.i, Name: Name(r.i), Kind: Exited, Err: r.err})
		s.restart(r.i, s.states[r.i].Listen, s.states[r.i].API)
		return
	}
	s.restarts[r.i]++
	s.started(r.ch)
}

// poll asks every running node for its status, all at once.
func (s *supervisor) poll(ctx context.Context) {
	var wg sync.WaitGroup
	for i, ch := range s.kids {
		st := &s.states[i]
		if ch == nil {
			st.Up = false
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, err := s.status(ctx, st.API)
			st.Up, st.Status, st.Err = err == nil, status, ""
			if err != nil {
				st.Err = err.Error()
			}
		}()
	}
	wg.Wait()
	s.cfg.OnSummary(append([]NodeState(nil), s.states...))
}

// status asks one node's API for its status.
func (s *supervisor) status(ctx context.Context, addr string) (api.Status, error) {
	var st api.Status
	req, err := http.NewRequestWithContext(ctx, "GET", "http://"+addr+api.Version+"/status", nil)
	if err != nil {
		return st, err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return st, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return st, fmt.Errorf("status: %s", resp.Status)
	}
	return st, json.NewDecoder(io.LimitReader(resp.Body, maxStatusBytes)).Decode(&st)
}

// stop interrupts every node, gives them Grace to exit, kills the rest,
// and returns how they ended.
func (s *supervisor) stop() Result {
	close(s.quit)
	s.pending.Wait()
	close(s.respawned)
	for r := range s.respawned {
		if r.err == nil {
			s.kids[r.i] = r.ch
		}
	}
	s.poll(context.Background())
	res := Result{Nodes: append([]NodeState(nil), s.states...), // the closing summary's numbers
		Published: s.published, Transfers: s.sent, Refused: s.refused, Held: s.held}
	sent := time.Now()
	for _, ch := range s.kids {
		if ch != nil {
			ch.interrupt()
		}
	}
	deadline := time.NewTimer(s.cfg.Grace)
	defer deadline.Stop()
	expired := false
	for i, ch := range s.kids {
		if ch == nil {
			continue
		}
		ev := Event{Node: i, Name: Name(i), PID: ch.cmd.Process.Pid, Kind: Stopped}
		if !expired {
			select {
			case <-ch.exited:
			case <-deadline.C:
				expired = true
			}
		}
		if expired {
			select {
			case <-ch.exited:
			default:
				ch.kill()
				ev.Kind = Killed
			}
		}
		ev.Err = ch.err
		if ev.Kind == Killed {
			ev.Err = fmt.Errorf("still running after %v", s.cfg.Grace)
		}
		ch.stdin.Close()
		ev.Took = time.Since(sent)
		s.kids[i] = nil
		s.states[i].Up, s.states[i].PID = false, 0
		res.Stops = append(res.Stops, ev)
		s.cfg.OnEvent(ev)
	}
	return res
}

// exitReason is an exit error, or a plain word for none.
func exitReason(err error) error {
	if err == nil {
		return errors.New("exit status 0")
	}
	return err
}
