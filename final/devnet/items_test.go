package devnet

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"peerchain/final/api"
)

// fakeNode is a node's items API: it takes a POST with the right token
// and records the item.
type fakeNode struct {
	mu    sync.Mutex
	token string
	got   []string
}

func (f *fakeNode) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != "POST" || r.URL.Path != "/api/v1/items" {
		http.NotFound(w, r)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+f.token {
		w.WriteHeader(http.StatusUnauthorized)
		_ = json.NewEncoder(w).Encode(api.Error{Error: "bad token"})
		return
	}
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.got = append(f.got, string(body))
	f.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
	_ = json.NewEncoder(w).Encode(api.Published{ID: "abcd", Size: len(body), New: true})
}

func TestPublish(t *testing.T) {
	tests := []struct {
		name      string
		up        []bool // which of the nodes are up
		cookie    string // what each node's cookie file holds; "": none
		wantNode  int    // where the item goes; -1: nowhere
		wantEvent bool
		wantErr   string
	}{
		{name: "at the one node up", up: []bool{false, true, false}, cookie: "tok", wantNode: 1, wantEvent: true},
		{name: "no node up", up: []bool{false, false}, cookie: "tok", wantNode: -1},
		{name: "a wrong token", up: []bool{true}, cookie: "nope", wantNode: -1, wantEvent: true,
			wantErr: "publish: 401 Unauthorized: bad token"},
		{name: "no cookie", up: []bool{true}, wantNode: -1, wantEvent: true, wantErr: "is the node running"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			var events []Event
			s := &supervisor{cfg: Config{Dir: dir, OnEvent: func(e Event) { events = append(events, e) }},
				client: &http.Client{Timeout: PollTimeout}}
			fakes := make([]*fakeNode, len(tt.up))
			for i, up := range tt.up {
				fakes[i] = &fakeNode{token: "tok"}
				srv := httptest.NewServer(fakes[i])
				t.Cleanup(srv.Close)
				st := NodeState{Node: i, Name: Name(i), Up: up, PID: 100 + i, API: strings.TrimPrefix(srv.URL, "http://")}
				s.states = append(s.states, st)
				var ch *child
				if up {
					ch = &child{i: i}
				}
				s.kids = append(s.kids, ch)
				require.NoError(t, os.MkdirAll(s.cfg.nodeDir(i), 0o700))
				if tt.cookie != "" {
					require.NoError(t, os.WriteFile(filepath.Join(s.cfg.nodeDir(i), api.CookieFile), []byte(tt.cookie+"\n"), api.CookieMode))
				}
			}
			s.publish(context.Background())
			for i, f := range fakes {
				if i == tt.wantNode {
					require.Len(t, f.got, 1, "node %d", i)
					assert.Contains(t, f.got[0], "devnet item 1, published at "+Name(i))
				} else {
					assert.Empty(t, f.got, "node %d", i)
				}
			}
			if !tt.wantEvent {
				assert.Empty(t, events)
				return
			}
			require.Len(t, events, 1)
			e := events[0]
			assert.Equal(t, Published, e.Kind)
			if tt.wantErr != "" {
				assert.ErrorContains(t, e.Err, tt.wantErr)
				return
			}
			require.NoError(t, e.Err)
			assert.Equal(t, tt.wantNode, e.Node)
			assert.Equal(t, "abcd", e.Item)
			assert.Equal(t, len(fakes[tt.wantNode].got[0]), e.Size)
			assert.Equal(t, 1, s.published)
		})
	}
}
