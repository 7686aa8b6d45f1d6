package devnet

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"peerchain/final/api"
)

// ControlFile is where a running devnet says, in its directory, how to
// reach its control: the address of a small HTTP server on loopback and
// a token, readable by its owner only. `peerchain devnet kill` and
// `restart` read it.
const ControlFile = "control.json"

// Bounds of the control server.
const (
	// ControlTimeout is how long a control request may take.
	ControlTimeout = 10 * time.Second
	// maxControlFile bounds what ReadControl reads.
	maxControlFile = 4 << 10
)

// ErrControl is a control request the devnet refused: the caller's to
// fix.
var ErrControl = errors.New("devnet refused")

// Control is how to reach a running devnet's control.
type Control struct {
	Addr  string `json:"addr"`
	Token string `json:"token"`
}

// controlRequest is one operator request, handled on Run's goroutine.
type controlRequest struct {
	op    string // "kill" or "restart"
	node  int
	reply chan controlReply
}

type controlReply struct {
	text string
	err  error
}

// serveControl starts the control server and writes ControlFile. The
// server stops when the devnet does.
func (s *supervisor) serveControl() (func(), error) {
	token, err := api.NewToken()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("devnet control: %w", err)
	}
	raw, _ := json.Marshal(Control{Addr: ln.Addr().String(), Token: token})
	path := filepath.Join(s.cfg.Dir, ControlFile)
	if err := os.WriteFile(path, raw, api.CookieMode); err != nil {
		ln.Close()
		return nil, fmt.Errorf("devnet control: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /{op}/{node}", func(w http.ResponseWriter, r *http.Request) {
		got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
			http.Error(w, "this needs the devnet's token, from "+ControlFile, http.StatusUnauthorized)
			return
		}
		op := r.PathValue("op")
		i, err := strconv.Atoi(strings.TrimPrefix(r.PathValue("node"), "node"))
		if (op != "kill" && op != "restart") || err != nil {
			http.Error(w, "want POST /kill/N or /restart/N", http.StatusBadRequest)
			return
		}
		req := controlRequest{op: op, node: i, reply: make(chan controlReply, 1)}
		select {
		case s.control <- req:
		case <-s.quit:
			http.Error(w, "the devnet is stopping", http.StatusServiceUnavailable)
			return
		case <-r.Context().Done():
			return
		}
		rep := <-req.reply
		if rep.err != nil {
			http.Error(w, rep.err.Error(), http.StatusConflict)
			return
		}
		fmt.Fprintln(w, rep.text)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: ControlTimeout}
	go func() { _ = srv.Serve(ln) }()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		os.Remove(path)
	}, nil
}

// docs:begin control

// handleControl kills or restarts a node. A node the operator killed
// stays down, --restart or not, until the operator restarts it.
func (s *supervisor) handleControl(req controlRequest) controlReply {
	i := req.node
	if i < 0 || i >= s.cfg.Nodes {
		return controlReply{err: fmt.Errorf("no node%d: the nodes are node0 to node%d",
			i, s.cfg.Nodes-1)}
	}
	switch {
	case req.op == "kill" && s.kids[i] == nil:
		return controlReply{err: fmt.Errorf("%s is down already", Name(i))}
	case req.op == "kill":
		s.stopped[i] = true
		pid := s.kids[i].cmd.Process.Pid
		s.kids[i].kill() // SIGKILL: no goodbye, as a crash
		return controlReply{text: fmt.Sprintf("%s killed (pid %d)", Name(i), pid)}
	case s.kids[i] != nil:
		return controlReply{err: fmt.Errorf("%s is running (pid %d)",
			Name(i), s.kids[i].cmd.Process.Pid)}
	case s.restarting[i]:
		return controlReply{err: fmt.Errorf("%s is restarting already", Name(i))}
	}
	s.stopped[i] = false
	s.restartAfter(i, s.states[i].Listen, s.states[i].API, 0)
	return controlReply{text: fmt.Sprintf("%s restarting on %s", Name(i), s.states[i].Listen)}
}

// docs:end control

// ReadControl reads a running devnet's ControlFile from its directory.
func ReadControl(dir string) (Control, error) {
	path := filepath.Join(dir, ControlFile)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return Control{}, fmt.Errorf("no devnet runs on %s (no %s)", dir, ControlFile)
	}
	if err != nil {
		return Control{}, err
	}
	defer f.Close()
	var c Control
	raw, err := io.ReadAll(io.LimitReader(f, maxControlFile))
	if err == nil {
		err = json.Unmarshal(raw, &c)
	}
	if err != nil || c.Addr == "" {
		return Control{}, fmt.Errorf("%s: not a devnet's control file: %v", path, err)
	}
	return c, nil
}

// Do asks the devnet to kill or restart node i, and returns what it
// said.
func (c Control) Do(ctx context.Context, op string, i int) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, ControlTimeout)
	defer cancel()
	url := fmt.Sprintf("http://%s/%s/%d", c.Addr, op, i)
	req, err := http.NewRequestWithContext(ctx, "POST", url, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("the devnet does not answer at %s: %w (is it running?)", c.Addr, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxControlFile))
	text := strings.TrimSpace(string(body))
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%w: %s", ErrControl, text)
	}
	return text, nil
}
