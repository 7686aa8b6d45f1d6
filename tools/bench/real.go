package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"testing"
	"time"

	wire "peerchain/chapters/02-wire"
	peers "peerchain/chapters/03-peers"
	simulation "peerchain/chapters/04-simulation"
)

// realFigures measures the real driver against bare TCP on loopback,
// and wire decode's allocations.
func realFigures(o options) ([]Figure, error) {
	var thr, hop, realHop, bareHop []float64
	for range o.runs {
		real, err := realThroughput(o.msgs)
		if err != nil {
			return nil, err
		}
		bare, err := bareThroughput(o.msgs)
		if err != nil {
			return nil, err
		}
		thr = append(thr, real/bare)
		rh, err := realHopTime(o.hops)
		if err != nil {
			return nil, err
		}
		bh, err := bareHopTime(o.hops)
		if err != nil {
			return nil, err
		}
		realHop, bareHop = append(realHop, rh), append(bareHop, bh)
		hop = append(hop, rh/bh)
	}
	t, h := stat(thr), stat(hop)
	d := decodeAllocs()
	return []Figure{
		{Name: "real driver: messages/s to one peer ÷ bare buffered TCP", Value: t, Unit: "×", Goal: "≥ 0.25", Met: met(t.Median >= 0.25)},
		{Name: "real driver hop latency ÷ bare TCP hop", Value: h, Unit: "×", Goal: "≤ 1.3×", Met: met(h.Median <= 1.3),
			Note: fmt.Sprintf("real %s, bare %s", fmtStat(stat(realHop), "µs"), fmtStat(stat(bareHop), "µs"))},
		{Name: "wire decode of a 1 MiB payload: bytes allocated", Value: Stat{d, d, d}, Unit: "MB", Goal: "≤ 1.1 MB", Met: met(d <= 1.1)},
	}, nil
}

var benchMagic = wire.DevNet

func registry() *wire.Registry {
	reg, err := wire.NewRegistry(append(wire.BaseMessages(), append(simulation.RumorMessages(),
		func() wire.Message { return &blob{} })...)...)
	if err != nil {
		panic(err) // the messages are this file's own: a bug, not input
	}
	return reg
}

// blob is a message of up to 2 MiB of bytes, for the decode figure.
type blob struct{ data []byte }

func (*blob) Command() string            { return "blob" }
func (*blob) MaxPayload() uint32         { return 2 << 20 }
func (b *blob) Encode(w io.Writer) error { return wire.WriteVarBytes(w, b.data) }

// Decode reads the bytes as any message's byte field is read: with
// wire.ReadVarBytes, which takes them from the payload without a copy.
func (b *blob) Decode(r io.Reader) error {
	var err error
	b.data, err = wire.ReadVarBytes(r, blobMax)
	return err
}

// blobMax is the most bytes a blob carries: its payload limit, less the
// length in front of them.
const blobMax = 2<<20 - 5

// decodeAllocs is the MB wire.ReadMessage allocates to read one message
// with a 1 MiB payload.
func decodeAllocs() float64 {
	var buf bytes.Buffer
	if _, err := wire.WriteMessage(&buf, benchMagic, &blob{data: make([]byte, 1<<20)}); err != nil {
		panic(err)
	}
	raw, reg := buf.Bytes(), registry()
	res := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := wire.ReadMessage(bytes.NewReader(raw), benchMagic, reg); err != nil {
				b.Fatal(err)
			}
		}
	})
	return float64(res.AllocedBytesPerOp()) / 1e6
}

// machine is a Machine made of a function.
type machine func(now time.Time, ev simulation.Event) []simulation.Action

func (f machine) Handle(now time.Time, ev simulation.Event) []simulation.Action { return f(now, ev) }

// pair runs two real nodes on loopback, a and b, until done closes or
// the time runs out; a dials b at its start.
func pair(a func(dial simulation.Addr) simulation.Machine, b simulation.Machine, done <-chan struct{}) error {
	lnA, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	lnB, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		lnA.Close()
		return err
	}
	mk := func(ln net.Listener, m simulation.Machine) (*simulation.RealNode, error) {
		pc := peers.DefaultConfig()
		pc.Registry = registry()
		pc.Nonce = peers.RandomNonce()
		pc.SendQueueSize = peers.MaxSendQueueSize
		pc.ListenAddr = netip.MustParseAddrPort(ln.Addr().String())
		return simulation.NewRealNode(simulation.RealConfig{Peers: pc}, m)
	}
	nb, err := mk(lnB, b)
	if err != nil {
		return err
	}
	na, err := mk(lnA, a(simulation.Addr(lnB.Addr().String())))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 2)
	go func() { errs <- nb.Run(ctx, lnB) }()
	go func() { errs <- na.Run(ctx, lnA) }()
	var out error
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		out = fmt.Errorf("real driver pair: no result in 60 s")
	}
	cancel()
	<-errs
	<-errs
	return out
}

// realThroughput is messages/s from one real node to another.
func realThroughput(k int) (float64, error) {
	done := make(chan struct{})
	var start time.Time
	msg := &simulation.MsgRumor{ID: 1, Body: []byte("hello")}
	sender := func(to simulation.Addr) simulation.Machine {
		return machine(func(_ time.Time, ev simulation.Event) []simulation.Action {
			switch ev := ev.(type) {
			case simulation.Start:
				return []simulation.Action{simulation.Dial{Addr: to}}
			case simulation.PeerConnected:
				start = time.Now()
				out := make([]simulation.Action, k)
				for i := range out {
					out[i] = simulation.Send{To: ev.Peer, Msg: msg}
				}
				return out
			}
			return nil
		})
	}
	got := 0
	var took time.Duration
	receiver := machine(func(_ time.Time, ev simulation.Event) []simulation.Action {
		if _, ok := ev.(simulation.MessageReceived); ok {
			if got++; got == k {
				took = time.Since(start)
				close(done)
			}
		}
		return nil
	})
	if err := pair(sender, receiver, done); err != nil {
		return 0, err
	}
	return float64(k) / took.Seconds(), nil
}

// realHopTime is the mean one-way time of a message bounced between two
// real nodes, in µs.
func realHopTime(rounds int) (float64, error) {
	done := make(chan struct{})
	msg := &simulation.MsgRumor{ID: 1, Body: []byte("hello")}
	var start time.Time
	var took time.Duration
	n := 0
	pinger := func(to simulation.Addr) simulation.Machine {
		return machine(func(_ time.Time, ev simulation.Event) []simulation.Action {
			switch ev := ev.(type) {
			case simulation.Start:
				return []simulation.Action{simulation.Dial{Addr: to}}
			case simulation.PeerConnected:
				start = time.Now()
				return []simulation.Action{simulation.Send{To: ev.Peer, Msg: msg}}
			case simulation.MessageReceived:
				if n++; n == rounds {
					took = time.Since(start)
					close(done)
					return nil
				}
				return []simulation.Action{simulation.Send{To: ev.From, Msg: msg}}
			}
			return nil
		})
	}
	ponger := machine(func(_ time.Time, ev simulation.Event) []simulation.Action {
		if m, ok := ev.(simulation.MessageReceived); ok {
			return []simulation.Action{simulation.Send{To: m.From, Msg: m.Msg}}
		}
		return nil
	})
	if err := pair(pinger, ponger, done); err != nil {
		return 0, err
	}
	return float64(took.Microseconds()) / float64(2*rounds), nil
}

// tcpPair is a connected pair of loopback TCP connections.
func tcpPair() (net.Conn, net.Conn, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	a, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return nil, nil, err
	}
	b := <-accepted
	if b == nil {
		a.Close()
		return nil, nil, fmt.Errorf("accept failed")
	}
	return a, b, nil
}

// bareThroughput is messages/s over bare TCP: the same messages, framed
// by chapter 02's envelope, through a bufio.Writer flushed at the end.
func bareThroughput(k int) (float64, error) {
	a, b, err := tcpPair()
	if err != nil {
		return 0, err
	}
	defer a.Close()
	defer b.Close()
	msg := &simulation.MsgRumor{ID: 1, Body: []byte("hello")}
	reg := registry()
	start := time.Now()
	werr := make(chan error, 1)
	go func() {
		w := bufio.NewWriter(a)
		for range k {
			if _, err := wire.WriteMessage(w, benchMagic, msg); err != nil {
				werr <- err
				return
			}
		}
		werr <- w.Flush()
	}()
	r := bufio.NewReader(b)
	for range k {
		if _, _, err := wire.ReadMessage(r, benchMagic, reg); err != nil {
			return 0, err
		}
	}
	took := time.Since(start)
	if err := <-werr; err != nil {
		return 0, err
	}
	return float64(k) / took.Seconds(), nil
}

// bareHopTime is bareThroughput's ping-pong: the mean one-way time, µs.
func bareHopTime(rounds int) (float64, error) {
	a, b, err := tcpPair()
	if err != nil {
		return 0, err
	}
	defer a.Close()
	defer b.Close()
	msg := &simulation.MsgRumor{ID: 1, Body: []byte("hello")}
	reg := registry()
	go func() {
		r, w := bufio.NewReader(b), bufio.NewWriter(b)
		for range rounds {
			m, _, err := wire.ReadMessage(r, benchMagic, reg)
			if err != nil {
				return
			}
			if _, err := wire.WriteMessage(w, benchMagic, m); err != nil || w.Flush() != nil {
				return
			}
		}
	}()
	r, w := bufio.NewReader(a), bufio.NewWriter(a)
	start := time.Now()
	for range rounds {
		if _, err := wire.WriteMessage(w, benchMagic, msg); err != nil {
			return 0, err
		}
		if err := w.Flush(); err != nil {
			return 0, err
		}
		if _, _, err := wire.ReadMessage(r, benchMagic, reg); err != nil {
			return 0, err
		}
	}
	return float64(time.Since(start).Microseconds()) / float64(2*rounds), nil
}
