package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/urfave/cli/v2"

	"peerchain/final/api"
	"peerchain/final/node"
)

// statusTimeout bounds each request `peerchain status` makes.
const statusTimeout = 5 * time.Second

// maxStatusBody bounds an answer it reads.
const maxStatusBody = 1 << 20

var statusCommand = &cli.Command{
	Name:  "status",
	Usage: "show a running node's state, through its API",
	Description: "Asks a node for its status and peers: by --api address, or by --datadir, where\n" +
		"a running node says where its API is.\n\n" +
		"   peerchain status --datadir /tmp/peerchain-devnet-123/node0\n" +
		"   peerchain status --api 127.0.0.1:18445 --json",
	Before: setColor,
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "api", EnvVars: []string{"PEERCHAIN_API"},
			Usage: "the node's API `IP:PORT` (default: the one its --datadir names)"},
		&cli.StringFlag{Name: "datadir", EnvVars: []string{"PEERCHAIN_DATADIR"}, DefaultText: "$HOME/.peerchain",
			Usage: "the node's data `DIR`, to find its API"},
		&cli.BoolFlag{Name: "json", Usage: "print the API's JSON: {\"status\": ..., \"peers\": [...]}"},
		noColorFlag,
	},
	Action: func(c *cli.Context) error {
		addr := c.String("api")
		if addr == "" {
			e, err := node.ReadEndpoints(dataDir(c))
			if err != nil {
				return fmt.Errorf("no --api given, and %w", err)
			}
			addr = e.API
		}
		var st api.Status
		if err := getJSON(c.Context, addr, "/status", &st); err != nil {
			return err
		}
		var ps []api.Peer
		if err := getJSON(c.Context, addr, "/peers", &ps); err != nil {
			return err
		}
		if c.Bool("json") {
			enc := json.NewEncoder(c.App.Writer)
			enc.SetIndent("", "  ")
			return enc.Encode(map[string]any{"status": st, "peers": ps})
		}
		printStatus(c.App.Writer, st, ps)
		return nil
	},
}

// getJSON gets an API path and decodes its answer.
func getJSON(ctx context.Context, addr, path string, v any) error {
	ctx, cancel := context.WithTimeout(ctx, statusTimeout)
	defer cancel()
	url := "http://" + addr + api.Version + path
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return fmt.Errorf("--api %q: %w", addr, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("no node answers at %s: %w (is it running? see --api and --datadir)", addr, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxStatusBody))
	if err != nil {
		return fmt.Errorf("%s: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e api.Error
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			return fmt.Errorf("%s: %s: %s", url, resp.Status, e.Error)
		}
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("%s: not the API's JSON: %w", url, err)
	}
	return nil
}

// printStatus prints a node's status and its peers as tables.
func printStatus(w io.Writer, st api.Status, ps []api.Peer) {
	name := st.Name
	if name == "" {
		name = "node"
	}
	fmt.Fprintf(w, "%s %s, %s network, up %s\n", name, st.UserAgent, st.Network, st.Uptime)
	fmt.Fprintf(w, "  listen    %s\n  api       %s\n", st.Listen, st.API)
	fmt.Fprintf(w, "  peers     %d (%d outbound of a target of %d, %d inbound)\n", st.Peers(), st.Outbound, st.OutboundTarget, st.Inbound)
	fmt.Fprintf(w, "  addrbook  %d new, %d tried\n  bans      %d\n", st.Book.New, st.Book.Tried, st.Bans)
	fmt.Fprintf(w, "  items     %d\n  mempool   %d\n", st.Items, st.Mempool)
	fmt.Fprintf(w, "  height    %d, tip %s, mined %s\n", st.Height, shortHash(st.Tip),
		st.TipTime.UTC().Format(time.DateTime))
	mining := "no"
	if st.Mining {
		mining = "yes"
	}
	fmt.Fprintf(w, "  mining    %s\n  aside     %d valid blocks off the chain\n", mining, st.Aside)
	fmt.Fprintf(w, "  reorgs    %d, the deepest %d blocks off\n", st.Reorgs, st.DeepestReorg)
	if len(ps) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%-4s %-9s %-22s %-22s %-16s %5s  %s\n", "ID", "KIND", "ADDR", "REMOTE", "AGENT", "SCORE", "SINCE")
	for _, p := range ps {
		fmt.Fprintf(w, "%-4d %-9s %-22s %-22s %-16s %5d  %s\n", p.ID, p.Kind, p.Addr, p.Remote, p.UserAgent, p.Score,
			time.Since(p.Since).Truncate(time.Second))
	}
}

// shortHash is a hash's first 12 hex digits: enough to tell blocks
// apart on a screen, as block explorers shorten them.
func shortHash(h string) string { return h[:min(len(h), 12)] }
