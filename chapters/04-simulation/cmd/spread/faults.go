package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	simulation "peerchain/chapters/04-simulation"
)

// fault is something done to the network at a moment of virtual time.
type fault struct {
	at   time.Duration
	what string // for the output: "partition 0-49 | rest"
	do   func(net *simulation.Network, down map[simulation.NodeID]bool) error
}

// parseFaults reads the -partition, -heal, -crash and -restart flags:
//
//	-partition 10s:0-49          nodes 0 to 49 apart from the rest, from 10 s
//	-partition 0s:0-9,20-29/30-39 three sides: two groups and the rest
//	-heal 40s                    the partition ends at 40 s
//	-crash 5s:3,7-9              nodes 3, 7, 8 and 9 crash at 5 s
//	-restart 20s:3               node 3 starts again, knowing nothing, at 20 s
func parseFaults(partitions, heals, crashes, restarts []string, nodes int) ([]fault, error) {
	var faults []fault
	for _, p := range partitions {
		at, spec, err := parseAt("-partition", p)
		if err != nil {
			return nil, err
		}
		var groups [][]simulation.NodeID
		for _, g := range strings.Split(spec, "/") {
			ids, err := parseNodes("-partition", g, nodes)
			if err != nil {
				return nil, err
			}
			groups = append(groups, ids)
		}
		faults = append(faults, fault{at: at, what: "partition " + strings.ReplaceAll(spec, "/", " | ") + " | the rest",
			do: func(net *simulation.Network, _ map[simulation.NodeID]bool) error { return net.Partition(groups...) }})
	}
	for _, h := range heals {
		at, err := parseDuration("-heal", h)
		if err != nil {
			return nil, err
		}
		faults = append(faults, fault{at: at, what: "heal",
			do: func(net *simulation.Network, _ map[simulation.NodeID]bool) error { net.Heal(); return nil }})
	}
	for _, c := range crashes {
		at, spec, err := parseAt("-crash", c)
		if err != nil {
			return nil, err
		}
		ids, err := parseNodes("-crash", spec, nodes)
		if err != nil {
			return nil, err
		}
		faults = append(faults, fault{at: at, what: "crash " + spec,
			do: func(net *simulation.Network, down map[simulation.NodeID]bool) error {
				for _, id := range ids {
					if err := net.Crash(id); err != nil {
						return err
					}
					down[id] = true
				}
				return nil
			}})
	}
	for _, r := range restarts {
		at, spec, err := parseAt("-restart", r)
		if err != nil {
			return nil, err
		}
		ids, err := parseNodes("-restart", spec, nodes)
		if err != nil {
			return nil, err
		}
		faults = append(faults, fault{at: at, what: "restart " + spec,
			do: func(net *simulation.Network, down map[simulation.NodeID]bool) error {
				for _, id := range ids {
					if err := net.Restart(id); err != nil {
						return err
					}
					delete(down, id)
				}
				return nil
			}})
	}
	slices.SortStableFunc(faults, func(a, b fault) int { return int(a.at - b.at) })
	return faults, nil
}

// parseAt splits "10s:0-49" into a time and the rest.
func parseAt(flag, s string) (time.Duration, string, error) {
	at, rest, ok := strings.Cut(s, ":")
	if !ok || rest == "" {
		return 0, "", fmt.Errorf("%s %q: want TIME:NODES, such as 10s:0-49", flag, s)
	}
	d, err := parseDuration(flag, at)
	return d, rest, err
}

func parseDuration(flag, s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%s %q: %q is not a time such as 10s", flag, s, s)
	}
	return d, nil
}

// parseNodes reads "3,7-9" as nodes 3, 7, 8 and 9.
func parseNodes(flag, s string, nodes int) ([]simulation.NodeID, error) {
	var ids []simulation.NodeID
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		if !isRange {
			hi = lo
		}
		a, errA := strconv.Atoi(lo)
		b, errB := strconv.Atoi(hi)
		if errA != nil || errB != nil || a < 0 || b < a || b >= nodes {
			return nil, fmt.Errorf("%s: %q is not a node or a range of nodes in 0..%d", flag, part, nodes-1)
		}
		for id := a; id <= b; id++ {
			ids = append(ids, simulation.NodeID(id))
		}
	}
	return ids, nil
}
