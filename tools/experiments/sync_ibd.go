package main

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	peers "peerchain/chapters/03-peers"
	simulation "peerchain/chapters/04-simulation"
	transactions "peerchain/chapters/07-transactions"
	blocks "peerchain/chapters/08-blocks"
	pow "peerchain/chapters/09-pow"
	forkchoice "peerchain/chapters/10-forkchoice"
	chainsync "peerchain/chapters/11-sync"
)

// ibd (chapter 11) measures how fast a fresh node syncs a chain of
// signed transfers from 4 peers, against the limit its signatures set:
// ed25519 verifications a second on all cores, measured in the same
// run. In the simulator (chapter 04's bandwidth model) it says whether
// the network could keep up; for real, between processes on loopback,
// how close the node comes to the limit. Timed on the wall clock, it
// has no docs files: the page shows a run's figures and its command.
//
// Its size is the issue's, 10,000 blocks of 100 transfers, unless
// PEERCHAIN_IBD_BLOCKS and PEERCHAIN_IBD_TXS say otherwise:
//
//	PEERCHAIN_IBD_BLOCKS=2000 go run ./tools/experiments ibd
var syncIBD = Experiment{
	Name:    "ibd",
	Summary: "initial block download speed against ed25519 on all cores (chapter 11)",
	Run: func(o Options) (*Result, error) {
		spec, err := ibdSpecFromEnv()
		if err != nil {
			return nil, err
		}
		return ibdTable(spec, o.Runs)
	},
}

const (
	ibdRuns    = 3
	ibdBlocks  = 10_000
	ibdTxs     = 100
	ibdPeers   = 4
	ibdSeed    = 11
	ibdSimRate = 100e6 / 8 // bytes a second: 100 Mbit/s links
	// ibdSample is how many distinct signatures the limit is measured
	// on, per run: about a second of two cores.
	ibdSample = 40_000
	// ibdTimeout bounds a serving process's start and a real sync.
	ibdTimeout = 10 * time.Minute
	// ibdSimLimit bounds a simulated sync's virtual time.
	ibdSimLimit = time.Hour
)

// The environment of the experiment's own processes: the experiments
// binary runs again as a serving peer or as the syncing node when
// ibdRoleEnv is set (see init).
const (
	ibdRoleEnv  = "PEERCHAIN_IBD_ROLE" // "serve" or "sync"
	ibdSpecEnv  = "PEERCHAIN_IBD_SPEC" // blocks,txs,seed
	ibdFileEnv  = "PEERCHAIN_IBD_FILE" // the chain, for a server
	ibdPeersEnv = "PEERCHAIN_IBD_PEERS"
	ibdTipEnv   = "PEERCHAIN_IBD_TIP"
	// ibdProfileEnv, if set, is where the syncing process writes a CPU
	// profile of its sync (go tool pprof reads it).
	ibdProfileEnv = "PEERCHAIN_IBD_CPUPROFILE"
)

func ibdSpecFromEnv() (chainsync.IBDSpec, error) {
	spec := chainsync.IBDSpec{Blocks: ibdBlocks, Txs: ibdTxs, Seed: ibdSeed}
	for _, f := range []struct {
		env string
		to  *int
	}{{"PEERCHAIN_IBD_BLOCKS", &spec.Blocks}, {"PEERCHAIN_IBD_TXS", &spec.Txs}} {
		if s := os.Getenv(f.env); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				return spec, fmt.Errorf("%s=%q: %w", f.env, s, err)
			}
			*f.to = n
		}
	}
	return spec, nil
}

// ibdRun is one run's figures.
type ibdRun struct {
	Limit     float64 `json:"verifications_per_s"` // all cores
	Before    float64 `json:"limit_before"`        // measured before the sync
	After     float64 `json:"limit_after"`         // and after
	Seconds   float64 `json:"seconds"`
	BlocksPer float64 `json:"blocks_per_s"`
	TxsPer    float64 `json:"txs_per_s"`
	Ratio     float64 `json:"ratio"` // TxsPer ÷ Limit
	Load      float64 `json:"load_average"`
	// CPU is the syncing process's CPU time ÷ (cores × its seconds):
	// under 1, it waited: for blocks to come, or for the machine's
	// other load.
	CPU float64 `json:"cpu_share"`
	// ServersCPU is the same of the four serving processes, together.
	ServersCPU float64 `json:"servers_cpu_share"`
}

// ibdSim is a simulated sync's figures.
type ibdSim struct {
	Latency   string  `json:"latency"`
	Modelled  bool    `json:"verification_modelled"`
	Seconds   float64 `json:"virtual_seconds"`
	BlocksPer float64 `json:"blocks_per_s"`
	// Share is the network's time ÷ the time the signatures take at the
	// limit: under 1, the network is not the bottleneck.
	Share float64 `json:"network_share"`
	Ratio float64 `json:"ratio"` // transactions a second ÷ the limit
}

type ibdFigures struct {
	Blocks int      `json:"blocks"`
	Txs    int      `json:"txs_per_block"`
	Peers  int      `json:"peers"`
	Cores  int      `json:"cores"`
	Ratio  float64  `json:"ratio"` // the real runs' median
	Sims   []ibdSim `json:"sim"`
	Runs   []ibdRun `json:"runs"`
}

func ibdTable(spec chainsync.IBDSpec, runs int) (*Result, error) {
	if runs <= 0 {
		runs = ibdRuns
	}
	cores := runtime.GOMAXPROCS(0)
	chain, err := chainsync.NewIBDChain(spec, cores)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "peerchain-ibd-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "chain")
	if err := writeChain(file, chain); err != nil {
		return nil, err
	}
	tip := chain[len(chain)-1].Hash()
	var all []ibdRun
	err = withServers(spec, file, func(addrs []string, pids []int) error {
		for range runs {
			// The limit is measured right before and right after the
			// sync, and the two averaged: a shared machine's load
			// changes from one second to the next.
			r := ibdRun{Before: measureLimit0(spec, file, cores)}
			served := cpuSeconds(pids)
			secs, cpu, err := syncOnce(spec, addrs, tip)
			if err != nil {
				return err
			}
			r.CPU = cpu / secs / float64(cores)
			r.ServersCPU = (cpuSeconds(pids) - served) / secs / float64(cores)
			r.After = measureLimit0(spec, file, cores)
			r.Limit = (r.Before + r.After) / 2
			r.Seconds = secs
			r.BlocksPer = float64(spec.Blocks) / secs
			r.TxsPer = float64(spec.Blocks*spec.Txs) / secs
			r.Ratio = r.TxsPer / r.Limit
			r.Load = loadAverage()
			all = append(all, r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The simulated syncs come last, at the real runs' median limit,
	// so that every figure of the table is of one limit.
	limits := make([]float64, 0, len(all))
	for _, r := range all {
		limits = append(limits, r.Limit)
	}
	slices.Sort(limits)
	sims, err := ibdSims(spec, chain, limits[len(limits)/2])
	if err != nil {
		return nil, err
	}
	return ibdResult(spec, cores, sims, all), nil
}

func ibdResult(spec chainsync.IBDSpec, cores int, sims []ibdSim, all []ibdRun) *Result {
	figure := func(f func(ibdRun) float64) []float64 {
		var v []float64
		for _, r := range all {
			v = append(v, f(r))
		}
		slices.Sort(v)
		return []float64{v[0], v[len(v)/2], v[len(v)-1]}
	}
	same := func(v float64) []float64 { return []float64{v, v, v} }
	const k = 1e3
	var rows [][]float64
	add := func(vals []float64) {
		rows = append(rows, append([]float64{float64(len(rows) + 1)}, vals...))
	}
	notes := []string{fmt.Sprintf("1 the limit: thousands of ed25519 verifications a second "+
		"on all %d cores (distinct signatures of the chain), the mean of "+
		"one measurement right before each real sync and one right after", cores)}
	add(figure(func(r ibdRun) float64 { return r.Limit / k }))
	for _, s := range sims {
		n := len(rows) + 1
		add(same(s.BlocksPer))
		if s.Modelled {
			add(same(s.Ratio))
			notes = append(notes,
				fmt.Sprintf("%d sim, %d peers, 100 Mbit/s links, %s latency, each "+
					"block busying the node len(Txs) ÷ the limit: blocks a "+
					"second of virtual time", n, ibdPeers, s.Latency),
				fmt.Sprintf("%d   its transactions a second ÷ the limit", n+1))
			continue
		}
		add(same(s.Share))
		notes = append(notes,
			fmt.Sprintf("%d sim, %d peers, 100 Mbit/s links, %s latency, the "+
				"network alone (signatures cost no virtual time): blocks a "+
				"second of virtual time", n, ibdPeers, s.Latency),
			fmt.Sprintf("%d   the network's time ÷ the signatures' at the limit "+
				"(under 1: not the bottleneck)", n+1))
	}
	n := len(rows) + 1
	add(figure(func(r ibdRun) float64 { return r.BlocksPer }))
	add(figure(func(r ibdRun) float64 { return r.TxsPer / k }))
	ratioRow := len(rows)
	add(figure(func(r ibdRun) float64 { return r.Ratio }))
	add(figure(func(r ibdRun) float64 { return r.CPU }))
	add(figure(func(r ibdRun) float64 { return r.ServersCPU }))
	add(figure(func(r ibdRun) float64 { return r.Load }))
	notes = append(notes,
		fmt.Sprintf("%d real, %d serving processes and 1 syncing on loopback: "+
			"blocks a second, wall clock", n, ibdPeers),
		fmt.Sprintf("%d real: thousands of transactions a second", n+1),
		fmt.Sprintf("%d real: transactions a second ÷ the limit: goal ≥ 0.8", n+2),
		fmt.Sprintf("%d real: the syncing process's CPU time ÷ (%d cores × "+
			"its wall time): under 1, it waited (for blocks, or for other load)", n+3, cores),
		fmt.Sprintf("%d real: the serving processes' CPU time, together, "+
			"÷ the same", n+4),
		fmt.Sprintf("%d the load average (1 min) as each run ended", n+5),
		"min / median / max of the runs; the simulated figures are the same "+
			"each run (seeded)")
	return &Result{
		Title: fmt.Sprintf("Initial block download: %d blocks × %d transfers "+
			"from %d peers, %d runs on %d cores (%s)",
			spec.Blocks, spec.Txs, ibdPeers, len(all), cores, runtime.GOARCH),
		Columns: []Column{
			{Key: "figure", Header: "#"},
			{Key: "min", Header: "min", Decimals: 2},
			{Key: "median", Header: "median", Decimals: 2},
			{Key: "max", Header: "max", Decimals: 2},
		},
		Rows:  rows,
		Notes: notes,
		JSON: ibdFigures{Blocks: spec.Blocks, Txs: spec.Txs, Peers: ibdPeers,
			Cores: cores, Ratio: rows[ratioRow][2], Sims: sims, Runs: all},
	}
}

// measureLimit is ed25519 verifications a second on cores goroutines,
// each verifying its share of up to ibdSample distinct signatures of
// the chain, their IDs computed beforehand: the bare arithmetic.
func measureLimit(chain []*blocks.Block, cores int) float64 {
	type sig struct {
		pub     ed25519.PublicKey
		id, sig []byte
	}
	var sample []sig
	for _, b := range chain {
		for _, tx := range b.Txs {
			if len(sample) == ibdSample {
				break
			}
			id := tx.ID()
			sample = append(sample, sig{tx.From, id[:], tx.Sig})
		}
	}
	if len(sample) == 0 {
		return 0
	}
	done := make(chan struct{}, cores)
	start := time.Now()
	for w := range cores {
		go func() {
			for i := w; i < len(sample); i += cores {
				ed25519.Verify(sample[i].pub, sample[i].id, sample[i].sig)
			}
			done <- struct{}{}
		}()
	}
	for range cores {
		<-done
	}
	return float64(len(sample)) / time.Since(start).Seconds()
}

// measureLimit0 measures the limit again, right before a real run, on
// the chain's first blocks read back from its file.
func measureLimit0(spec chainsync.IBDSpec, file string, cores int) float64 {
	want := 1
	if spec.Txs > 0 {
		want = ibdSample/spec.Txs + 1
	}
	chain, err := readChain(file, want)
	if err != nil {
		return 0
	}
	return measureLimit(chain, cores)
}

// ibdSims runs the simulated syncs: the network alone at 1 ms and
// 50 ms, then 50 ms with the signatures' time modelled at the limit.
func ibdSims(spec chainsync.IBDSpec, chain []*blocks.Block, limit float64) ([]ibdSim, error) {
	src, err := chainsync.LoadTree(spec, chain)
	if err != nil {
		return nil, err
	}
	txs := float64(spec.Blocks * spec.Txs)
	var out []ibdSim
	for _, c := range []struct {
		latency time.Duration
		model   bool
	}{{time.Millisecond, false}, {50 * time.Millisecond, false}, {50 * time.Millisecond, true}} {
		cfg := chainsync.IBDSimConfig{Peers: ibdPeers, Seed: ibdSeed,
			Latency: simulation.Constant{D: c.latency}, Bandwidth: ibdSimRate,
			Check: chainsync.CheckTrusted}
		if c.model {
			cfg.VerifyRate = limit
		}
		s, closeFn, err := chainsync.NewIBDSim(src, spec, cfg)
		if err != nil {
			return nil, err
		}
		done, err := s.Run(ibdSimLimit)
		closeFn()
		if err != nil {
			return nil, err
		}
		if !done {
			return nil, fmt.Errorf("simulated sync at %v: not synced in %v", c.latency, ibdSimLimit)
		}
		secs := s.Net.Elapsed().Seconds()
		r := ibdSim{Latency: c.latency.String(), Modelled: c.model, Seconds: secs,
			BlocksPer: float64(spec.Blocks) / secs}
		if limit > 0 && txs > 0 {
			r.Share = secs / (txs / limit)
			r.Ratio = txs / secs / limit
		}
		out = append(out, r)
	}
	return out, nil
}

// writeChain writes blocks to a file, each after its length.
func writeChain(path string, chain []*blocks.Block) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	var buf strings.Builder
	for _, b := range chain {
		buf.Reset()
		if err := b.Encode(&buf); err != nil {
			f.Close()
			return err
		}
		if err := binary.Write(w, binary.LittleEndian, uint32(buf.Len())); err != nil {
			f.Close()
			return err
		}
		w.WriteString(buf.String())
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// readChain reads up to n blocks that writeChain wrote.
func readChain(path string, n int) ([]*blocks.Block, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := bufio.NewReader(f)
	var chain []*blocks.Block
	for len(chain) < n {
		var size uint32
		if err := binary.Read(r, binary.LittleEndian, &size); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, err
		}
		if size > blocks.MaxBlockSize {
			return nil, fmt.Errorf("%s: block %d of %d bytes", path, len(chain)+1, size)
		}
		raw := make([]byte, size)
		if _, err := io.ReadFull(r, raw); err != nil {
			return nil, fmt.Errorf("%s: block %d: %w", path, len(chain)+1, err)
		}
		b, err := blocks.ParseBlock(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: block %d: %w", path, len(chain)+1, err)
		}
		chain = append(chain, b)
	}
	return chain, nil
}

func specEnv(s chainsync.IBDSpec) string {
	return fmt.Sprintf("%s=%d,%d,%d", ibdSpecEnv, s.Blocks, s.Txs, s.Seed)
}

func parseSpec(s string) (chainsync.IBDSpec, error) {
	var spec chainsync.IBDSpec
	_, err := fmt.Sscanf(s, "%d,%d,%d", &spec.Blocks, &spec.Txs, &spec.Seed)
	return spec, err
}

// withServers starts ibdPeers serving processes of the chain in file,
// runs f with their addresses and process ids, and stops them.
func withServers(spec chainsync.IBDSpec, file string,
	f func(addrs []string, pids []int) error) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	type server struct {
		cmd   *exec.Cmd
		stdin io.WriteCloser
	}
	var servers []server
	defer func() {
		for _, s := range servers {
			s.stdin.Close() // a server stops at the end of its input
			if err := s.cmd.Wait(); err != nil {
				s.cmd.Process.Kill()
			}
		}
	}()
	addrs := make(chan string, ibdPeers)
	fails := make(chan error, ibdPeers)
	for range ibdPeers {
		cmd := exec.Command(self)
		cmd.Env = append(os.Environ(), ibdRoleEnv+"=serve", specEnv(spec), ibdFileEnv+"="+file)
		cmd.Stderr = os.Stderr
		stdin, err := cmd.StdinPipe()
		if err != nil {
			return err
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			return err
		}
		if err := cmd.Start(); err != nil {
			return err
		}
		servers = append(servers, server{cmd, stdin})
		go func() {
			sc := bufio.NewScanner(stdout)
			if sc.Scan() {
				if a, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
					addrs <- a
					io.Copy(io.Discard, stdout)
					return
				}
			}
			fails <- fmt.Errorf("a serving process did not say where it listens")
		}()
	}
	var got []string
	for len(got) < ibdPeers {
		select {
		case a := <-addrs:
			got = append(got, a)
		case err := <-fails:
			return err
		case <-time.After(ibdTimeout):
			return fmt.Errorf("serving processes not listening after %v", ibdTimeout)
		}
	}
	pids := make([]int, 0, len(servers))
	for _, s := range servers {
		pids = append(pids, s.cmd.Process.Pid)
	}
	return f(got, pids)
}

// userHZ is the unit of /proc's CPU times: USER_HZ, 100 on Linux.
const userHZ = 100

// cpuSeconds is the CPU time, user and system, that the processes have
// used so far, from /proc; 0 where there is no /proc.
func cpuSeconds(pids []int) float64 {
	var ticks uint64
	for _, pid := range pids {
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return 0
		}
		// The command may hold spaces: fields count from after its ")".
		_, rest, ok := strings.Cut(string(raw), ") ")
		f := strings.Fields(rest)
		if !ok || len(f) < 13 {
			return 0
		}
		for _, s := range f[11:13] { // utime, stime
			v, err := strconv.ParseUint(s, 10, 64)
			if err != nil {
				return 0
			}
			ticks += v
		}
	}
	return float64(ticks) / userHZ
}

// syncOnce runs the syncing process and returns its seconds, and the
// CPU seconds it used, user and system.
func syncOnce(spec chainsync.IBDSpec, addrs []string, tip blocks.Hash) (
	secs, cpu float64, err error) {
	self, err := os.Executable()
	if err != nil {
		return 0, 0, err
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), ibdRoleEnv+"=sync", specEnv(spec),
		ibdPeersEnv+"="+strings.Join(addrs, ","), ibdTipEnv+"="+tip.String())
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return 0, 0, fmt.Errorf("the syncing process: %w", err)
	}
	var res struct{ Seconds float64 }
	if err := json.Unmarshal(out, &res); err != nil {
		return 0, 0, fmt.Errorf("the syncing process said %q: %w", out, err)
	}
	ps := cmd.ProcessState
	return res.Seconds, (ps.UserTime() + ps.SystemTime()).Seconds(), nil
}

// loadAverage is the 1-minute load average, or -1 where there is none.
func loadAverage() float64 {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	f := strings.Fields(string(raw))
	if len(f) == 0 {
		return -1
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return -1
	}
	return v
}

// init runs the experiment's own processes: a serving peer, or the
// syncing node, when the parent set ibdRoleEnv. It exits when done.
func init() {
	role := os.Getenv(ibdRoleEnv)
	if role == "" {
		return
	}
	var err error
	switch role {
	case "serve":
		err = ibdServe()
	case "sync":
		err = ibdSync(os.Stdout)
	default:
		err = fmt.Errorf("%s=%q: want serve or sync", ibdRoleEnv, role)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "ibd %s: %v\n", role, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// ibdPeerConfig is chapter 03's defaults with chapter 11's messages, a
// send queue that holds a peer's MaxInFlightPerPeer blocks, and where
// ln listens.
// ibdEndpoint is chapter 11's Sync over tree, taking blocks in with
// accept, and a loopback listener with its peer config: what a serving
// and the syncing process each run.
func ibdEndpoint(tree *forkchoice.Tree, accept func(*blocks.Block, time.Time) (
	*forkchoice.Change, error)) (*chainsync.Sync, net.Listener, peers.Config, error) {
	sy, err := chainsync.New(chainsync.Config{Tree: tree, Accept: accept,
		Clock: chainsync.IBDClock,
		Rules: []blocks.HeaderRule{pow.HeaderRule(chainsync.SimParams)}})
	if err != nil {
		return nil, nil, peers.Config{}, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, peers.Config{}, err
	}
	pc, err := ibdPeerConfig(ln)
	if err != nil {
		ln.Close()
		return nil, nil, peers.Config{}, err
	}
	return sy, ln, pc, nil
}

func ibdPeerConfig(ln net.Listener) (peers.Config, error) {
	reg, err := chainsync.Registry()
	if err != nil {
		return peers.Config{}, err
	}
	pc := peers.DefaultConfig()
	pc.Registry, pc.Nonce = reg, peers.RandomNonce()
	pc.ListenAddr = netip.MustParseAddrPort(ln.Addr().String())
	return pc, nil
}

// ibdServe serves the chain of its file until its input ends.
func ibdServe() error {
	spec, err := parseSpec(os.Getenv(ibdSpecEnv))
	if err != nil {
		return err
	}
	chain, err := readChain(os.Getenv(ibdFileEnv), spec.Blocks)
	if err != nil {
		return err
	}
	tree, err := chainsync.LoadTree(spec, chain)
	if err != nil {
		return err
	}
	sy, ln, pc, err := ibdEndpoint(tree, tree.Add)
	if err != nil {
		return err
	}
	node, err := simulation.NewRealNode(simulation.RealConfig{Peers: pc}, sy)
	if err != nil {
		ln.Close()
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		io.Copy(io.Discard, os.Stdin)
		cancel()
	}()
	fmt.Printf("listening %s\n", ln.Addr())
	return node.Run(ctx, ln) // nil once its input ends
}

// dialer is a machine that dials its peers at the start.
type dialer struct {
	simulation.Machine
	addrs []string
}

func (d dialer) Handle(now time.Time, ev simulation.Event) []simulation.Action {
	out := d.Machine.Handle(now, ev)
	if _, ok := ev.(simulation.Start); ok {
		for _, a := range d.addrs {
			out = append(out, simulation.Dial{Addr: simulation.Addr(a)})
		}
	}
	return out
}

// ibdSync is the syncing node: it checks every signature, on all
// cores ahead of the loop (chapter 11's Verifier), and prints the
// seconds it took from its start to synced at the chain's tip.
func ibdSync(w io.Writer) error {
	spec, err := parseSpec(os.Getenv(ibdSpecEnv))
	if err != nil {
		return err
	}
	v := chainsync.NewVerifier(transactions.NewSigCache(0), chainsync.SimNetwork.Magic,
		runtime.GOMAXPROCS(0))
	defer v.Close()
	tree, err := spec.Tree(v.Check)
	if err != nil {
		return err
	}
	sy, ln, pc, err := ibdEndpoint(tree, v.Accept(tree.Add))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), ibdTimeout)
	defer cancel()
	synced := false // OnEmit runs on Run's loop, this goroutine
	node, err := simulation.NewRealNode(simulation.RealConfig{Peers: pc,
		OnEmit: func(e any) {
			if _, ok := e.(chainsync.Synced); ok {
				synced = true
				cancel()
			}
		}}, dialer{Machine: v.Machine(sy), addrs: strings.Split(os.Getenv(ibdPeersEnv), ",")})
	if err != nil {
		ln.Close()
		return err
	}
	if path := os.Getenv(ibdProfileEnv); path != "" {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	err = node.Run(ctx, ln)
	secs := time.Since(start).Seconds()
	if err != nil {
		return err
	}
	if !synced {
		return fmt.Errorf("not synced in %v: at height %d", ibdTimeout, tree.Tip().Height)
	}
	if got := tree.Tip().Hash.String(); got != os.Getenv(ibdTipEnv) {
		return fmt.Errorf("synced at %s (height %d), the chain's tip is %s",
			got, tree.Tip().Height, os.Getenv(ibdTipEnv))
	}
	return json.NewEncoder(w).Encode(struct{ Seconds float64 }{secs})
}
