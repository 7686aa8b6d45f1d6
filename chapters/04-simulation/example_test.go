package simulation_test

import (
	"fmt"
	"math/rand/v2"
	"time"

	simulation "peerchain/chapters/04-simulation"
)

// docs:begin example-printer

// printer is a machine that prints what happens to its node.
type printer struct{ id simulation.NodeID }

func (p printer) Handle(now time.Time, ev simulation.Event) []simulation.Action {
	fmt.Printf("%6v  node %d: %v\n", now.Sub(simulation.Epoch), p.id, ev)
	return nil
}

func printers(id simulation.NodeID, _ *rand.Rand) simulation.Machine {
	return printer{id: id}
}

// docs:end example-printer

// docs:begin example-connections

// Three nodes that start with no connections, 10 ms apart. Node 0
// dials node 1; nodes 1 and 2 dial each other at the same moment.
func Example_connections() {
	net, _ := simulation.New(simulation.Config{Nodes: 3,
		Topology: simulation.NoLinks(),
		Latency:  simulation.Constant{D: 10 * time.Millisecond}}, printers)
	net.RunFor(0)
	net.Act(0, simulation.Dial{Addr: "sim-1"})
	net.Act(1, simulation.Dial{Addr: "sim-2"})
	net.Act(2, simulation.Dial{Addr: "sim-1"})
	net.RunFor(time.Second)
	// Output:
	//     0s  node 0: start
	//     0s  node 1: start
	//     0s  node 2: start
	//   10ms  node 1: connected peer 1 (sim-0, inbound true)
	//   10ms  node 2: connected peer 1 (sim-1, inbound true)
	//   10ms  node 2: dial sim-1 failed: dial sim-1: already connected: it dialed us at the same time
	//   20ms  node 0: connected peer 1 (sim-1, inbound false)
	//   20ms  node 1: connected peer 2 (sim-2, inbound false)
}

// docs:end example-connections

// docs:begin example-costs

// A 291-byte message on links of 29.1 kB/s takes 10 ms to send, then
// 10 ms to travel. Node 0 sends two to node 1 and one to node 2; node
// 1 spends 50 ms on each message it gets.
func Example_costs() {
	msg := &simulation.MsgRumor{ID: 1, Body: make([]byte, simulation.MaxRumorBody)}
	net, _ := simulation.New(simulation.Config{Nodes: 3,
		Topology: simulation.Complete(),
		Latency:  simulation.Constant{D: 10 * time.Millisecond},
		Cost:     simulation.Bandwidth(29_100),
		Processing: func(id simulation.NodeID, ev simulation.Event) time.Duration {
			if _, ok := ev.(simulation.MessageReceived); ok && id == 1 {
				return 50 * time.Millisecond
			}
			return 0
		}}, printers)
	net.RunFor(time.Second)
	net.Act(0, simulation.Send{To: 1, Msg: msg},
		simulation.Send{To: 1, Msg: msg}, simulation.Send{To: 2, Msg: msg})
	net.RunFor(time.Second)
	// Output:
	//     0s  node 0: start
	//     0s  node 1: start
	//     0s  node 2: start
	//     0s  node 0: connected peer 1 (sim-1, inbound false)
	//     0s  node 1: connected peer 1 (sim-0, inbound true)
	//     0s  node 0: connected peer 2 (sim-2, inbound false)
	//     0s  node 2: connected peer 1 (sim-0, inbound true)
	//     0s  node 1: connected peer 2 (sim-2, inbound false)
	//     0s  node 2: connected peer 2 (sim-1, inbound true)
	//  1.02s  node 1: rumor 1 from peer 1
	//  1.02s  node 2: rumor 1 from peer 1
	//  1.07s  node 1: rumor 1 from peer 1
}

// docs:end example-costs
