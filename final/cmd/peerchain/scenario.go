package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"peerchain/final/api"
	"peerchain/final/devnet"
	"peerchain/final/node"
)

// partitionReason is the reason of the bans that make a partition: heal
// lifts those, and no other.
const partitionReason = "partition"

var scenarioDirFlag = &cli.StringFlag{Name: "dir", EnvVars: []string{"PEERCHAIN_DEVNET_DIR"}, Required: true,
	Usage: "the running devnet's directory, `DIR`, as its first line says"}

var partitionCommand = &cli.Command{
	Name:      "partition",
	Usage:     "split a running devnet into groups of nodes that cannot reach each other",
	ArgsUsage: "GROUP GROUP [GROUP...]",
	Description: "Each GROUP is a comma-separated list of node numbers, and every node is in\n" +
		"one: `partition 0,1 2,3,4` cuts node0 and node1 off from the other three.\n" +
		"Each node bans every node outside its group (reason \"partition\"), which\n" +
		"drops their connections and refuses new ones, as Bitcoin Core's setban does\n" +
		"in its tests. With a miner on each side the chain forks; `heal` ends it.",
	Flags:  []cli.Flag{scenarioDirFlag},
	Action: runPartition,
}

var healCommand = &cli.Command{
	Name:  "heal",
	Usage: "end a partition of a running devnet: lift its bans and reconnect the nodes",
	Description: "Lifts every ban with the reason \"partition\" on every node, then has each\n" +
		"node dial the nodes it had cut off. The branches meet: the one with the most\n" +
		"work wins, and the other side's nodes reorganise onto it (the REORGS column).",
	Flags:  []cli.Flag{scenarioDirFlag},
	Action: runHeal,
}

var killCommand = &cli.Command{
	Name:      "kill",
	Usage:     "kill a node of a running devnet with SIGKILL, as a crash; it stays down until restart",
	ArgsUsage: "N",
	Flags:     []cli.Flag{scenarioDirFlag},
	Action:    func(c *cli.Context) error { return runControl(c, "kill") },
}

var restartCommand = &cli.Command{
	Name:      "restart",
	Usage:     "start a node of a running devnet again, on the addresses it had",
	ArgsUsage: "N",
	Flags:     []cli.Flag{scenarioDirFlag},
	Action:    func(c *cli.Context) error { return runControl(c, "restart") },
}

// runControl asks the running devnet to kill or restart one node.
func runControl(c *cli.Context, op string) error {
	if c.NArg() != 1 {
		return fmt.Errorf("%s takes one node: %s 3", op, op)
	}
	i, err := nodeNumber(c.Args().First())
	if err != nil {
		return fmt.Errorf("%s %q: not a node number", op, c.Args().First())
	}
	ctl, err := devnet.ReadControl(c.String("dir"))
	if err != nil {
		return err
	}
	said, err := ctl.Do(c.Context, op, i)
	if err != nil {
		return err
	}
	fmt.Fprintln(c.App.Writer, said)
	return nil
}

// devnetNode is a running devnet's node, as its directory says.
type devnetNode struct {
	name  string
	ends  node.Endpoints
	token string
}

// readDevnet finds the nodes of a running devnet in dir: node0 up to
// the first missing one.
func readDevnet(dir string) ([]devnetNode, error) {
	var out []devnetNode
	for i := 0; i < devnet.MaxNodes; i++ {
		nd := filepath.Join(dir, devnet.Name(i))
		if _, err := os.Stat(nd); err != nil {
			break
		}
		ends, err := node.ReadEndpoints(nd)
		if err != nil {
			return nil, fmt.Errorf("%s is not running: %w", devnet.Name(i), err)
		}
		token, err := api.ReadCookie(filepath.Join(nd, api.CookieFile))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", devnet.Name(i), err)
		}
		out = append(out, devnetNode{name: devnet.Name(i), ends: ends, token: token})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--dir %s: no devnet nodes there (node0, node1, ...)", dir)
	}
	return out, nil
}

// parseGroups reads GROUP arguments into each node's group number, and
// checks that every one of n nodes is in exactly one.
func parseGroups(args []string, n int) ([]int, error) {
	if len(args) < 2 {
		return nil, fmt.Errorf("want two groups or more, such as 0,1 2,3,4 (got %d)", len(args))
	}
	group := slices.Repeat([]int{-1}, n)
	for g, arg := range args {
		for _, f := range strings.Split(arg, ",") {
			i, err := nodeNumber(f)
			if err != nil || i < 0 || i >= n {
				return nil, fmt.Errorf("group %q: %q is not a node of this devnet (0 to %d)", arg, f, n-1)
			}
			if group[i] >= 0 {
				return nil, fmt.Errorf("group %q: node%d is in two groups", arg, i)
			}
			group[i] = g
		}
	}
	if i := slices.Index(group, -1); i >= 0 {
		return nil, fmt.Errorf("node%d is in no group: list every node", i)
	}
	return group, nil
}

func runPartition(c *cli.Context) error {
	nodes, err := readDevnet(c.String("dir"))
	if err != nil {
		return err
	}
	group, err := parseGroups(c.Args().Slice(), len(nodes))
	if err != nil {
		return err
	}
	for i, nd := range nodes {
		var cut []string
		for j, other := range nodes {
			if group[j] == group[i] {
				continue
			}
			req := api.BanRequest{Addr: other.ends.Listen, Reason: partitionReason}
			var ban api.Ban
			if err := postJSON(c.Context, nd.ends.API, "/bans", nd.token, req, &ban); err != nil {
				return fmt.Errorf("%s: ban %s: %w", nd.name, other.name, err)
			}
			cut = append(cut, other.name)
		}
		fmt.Fprintf(c.App.Writer, "%s cut off from %s\n", nd.name, strings.Join(cut, ", "))
	}
	return nil
}

func runHeal(c *cli.Context) error {
	if c.NArg() > 0 {
		return fmt.Errorf("heal takes no arguments")
	}
	nodes, err := readDevnet(c.String("dir"))
	if err != nil {
		return err
	}
	healed := 0
	for _, nd := range nodes {
		n, err := healNode(c, c.App.Writer, nd, nodes)
		if err != nil {
			return fmt.Errorf("%s: %w", nd.name, err)
		}
		healed += n
	}
	if healed == 0 {
		fmt.Fprintln(c.App.Writer, "no partition to heal")
	}
	return nil
}

// healNode lifts nd's partition bans and dials the nodes they cut off;
// it returns how many.
func healNode(c *cli.Context, w io.Writer, nd devnetNode, nodes []devnetNode) (int, error) {
	var bans []api.Ban
	if err := getJSON(c.Context, nd.ends.API, "/bans", &bans); err != nil {
		return 0, err
	}
	var back []string
	for _, b := range bans {
		if b.Reason != partitionReason {
			continue // a ban for misbehaviour stays
		}
		var un api.Unbanned
		if err := callJSON(c.Context, "DELETE", nd.ends.API, "/bans/"+b.Key, nd.token, nil, &un); err != nil {
			return 0, err
		}
		i := slices.IndexFunc(nodes, func(o devnetNode) bool { return o.ends.Listen == b.Key })
		if i < 0 {
			continue // not a node of this devnet now
		}
		req := api.ConnectRequest{Addr: b.Key}
		if err := postJSON(c.Context, nd.ends.API, "/connect", nd.token, req, &req); err != nil &&
			!connectedTo(c, nd, b.Key) { // the other side may have dialed first: fine
			return 0, fmt.Errorf("connect to %s: %w", nodes[i].name, err)
		}
		back = append(back, nodes[i].name)
	}
	if len(back) > 0 {
		fmt.Fprintf(w, "%s reconnects to %s\n", nd.name, strings.Join(back, ", "))
	}
	return len(back), nil
}

// connectedTo says whether nd has a peer that listens at addr.
func connectedTo(c *cli.Context, nd devnetNode, addr string) bool {
	var ps []api.Peer
	if err := getJSON(c.Context, nd.ends.API, "/peers", &ps); err != nil {
		return false
	}
	return slices.ContainsFunc(ps, func(p api.Peer) bool { return p.Addr == addr })
}

// nodeNumber reads a node as the commands name it: 3, or node3.
func nodeNumber(s string) (int, error) {
	return strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(s), "node"))
}

// evenOdd is the two groups of n nodes, even and odd: with node0 and
// node1 mining, one miner on each side.
func evenOdd(n int) string {
	var groups [2][]string
	for i := range n {
		groups[i%2] = append(groups[i%2], strconv.Itoa(i))
	}
	return strings.Join(groups[0], ",") + " " + strings.Join(groups[1], ",")
}
