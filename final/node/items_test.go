package node

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	simulation "peerchain/chapters/04-simulation"
	broadcast "peerchain/chapters/06-broadcast"
	"peerchain/final/api"
)

// call makes one request to a node's API and returns the status code
// and body.
func call(t *testing.T, n *running, method, path, token, contentType, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+n.APIAddr()+api.Version+path, strings.NewReader(body))
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(raw)
}

func token(t *testing.T, n *running) string {
	t.Helper()
	tok, err := api.ReadCookie(filepath.Join(n.dir, api.CookieFile))
	require.NoError(t, err)
	return tok
}

// events opens a node's event stream and hands its lines to a channel.
func events(t *testing.T, n *running) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", "http://"+n.APIAddr()+api.Version+"/events", nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.Equal(t, 200, resp.StatusCode)
	lines := make(chan string, 1024)
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default: // the test reads what it needs; drop the rest
			}
		}
	}()
	t.Cleanup(func() { cancel(); resp.Body.Close(); <-done })
	eventually(t, "the stream is subscribed", 5*time.Second, func() bool { return n.hub.Subscribers() > 0 })
	return lines
}

func TestItemsSpread(t *testing.T) {
	t.Parallel() // each its own nodes, ports and directories
	root := t.TempDir()
	seed := start(t, filepath.Join(root, "seed"))
	nodes := []*running{seed}
	for i := range 2 {
		nodes = append(nodes, start(t, filepath.Join(root, fmt.Sprint("n", i)), seed.Listen()))
	}
	eventually(t, "every node is connected to every other", 20*time.Second, func() bool {
		for _, n := range nodes {
			if !Ready(status(t, n), len(nodes)) {
				return false
			}
		}
		return true
	})
	from, far := nodes[1], nodes[2]
	stream := events(t, far)

	data := "hello from TestItemsSpread"
	code, body := call(t, from, "POST", "/items", token(t, from), "application/json", `{"data":"`+data+`"}`)
	require.Equal(t, http.StatusAccepted, code, body)
	var pub api.Published
	require.NoError(t, json.Unmarshal([]byte(body), &pub))
	id := broadcast.HashID([]byte(data)).Hex()
	assert.Equal(t, api.Published{ID: id, Size: len(data), New: true}, pub)

	for i, n := range nodes {
		eventually(t, fmt.Sprintf("node %d holds the item", i), 10*time.Second, func() bool {
			code, _ := call(t, n, "GET", "/items/"+id, "", "", "")
			return code == http.StatusOK
		})
		var items api.Items
		code, body := call(t, n, "GET", "/items", "", "", "")
		require.Equal(t, http.StatusOK, code)
		require.NoError(t, json.Unmarshal([]byte(body), &items))
		assert.Equal(t, 1, items.Items, "node %d", i)
		require.Len(t, items.Recent, 1, "node %d", i)
		got := items.Recent[0]
		assert.Equal(t, id, got.ID)
		assert.Equal(t, len(data), got.Size)
		assert.Equal(t, n == from, got.Here, "node %d: published there, or came from a peer", i)
		assert.Equal(t, n != from, got.From != 0, "node %d", i)
		assert.Equal(t, 1, status(t, n).Items, "node %d: the status counts it", i)
	}

	deadline := time.After(5 * time.Second)
	for found := false; !found; {
		select {
		case line := <-stream:
			found = strings.HasPrefix(line, "data: ") && strings.Contains(line, `"type":"item"`) &&
				strings.Contains(line, `"id":"`+id+`"`)
		case <-deadline:
			t.Fatal("the item's event never came on the far node's stream")
		}
	}

	code, body = call(t, far, "POST", "/items", token(t, far), "", data)
	assert.Equal(t, http.StatusOK, code, "the same bytes again: held already")
	assert.JSONEq(t, fmt.Sprintf(`{"id":%q,"size":%d,"new":false}`, id, len(data)), body)
}

func TestItemsBadInput(t *testing.T) {
	t.Parallel() // each its own nodes, ports and directories
	n := start(t, t.TempDir())
	tok := token(t, n)
	tests := []struct {
		name         string
		method, path string
		token        string
		body         string
		wantCode     int
		wantErr      string
	}{
		{name: "not an ID", method: "GET", path: "/items/xyz", wantCode: 400, wantErr: `item ID "xyz": want 64 hex digits`},
		{name: "not hex", method: "GET", path: "/items/" + strings.Repeat("g", 64), wantCode: 400, wantErr: "not hex"},
		{name: "an item it does not hold", method: "GET", path: "/items/" + strings.Repeat("0", 64), wantCode: 404,
			wantErr: "this node does not hold item " + strings.Repeat("0", 64)},
		{name: "publish without the token", method: "POST", path: "/items", body: "x", wantCode: 401, wantErr: "API token"},
		{name: "an empty item", method: "POST", path: "/items", token: tok, wantCode: 400, wantErr: "item is empty"},
		{name: "an item over the blob limit", method: "POST", path: "/items", token: tok,
			body: strings.Repeat("x", broadcast.BlobMaxSize+1), wantCode: 413, wantErr: "item over 100000 bytes"},
		{name: "a wrong method", method: "PUT", path: "/items", token: tok, body: "x", wantCode: 405, wantErr: "allowed: GET, POST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := call(t, n, tt.method, tt.path, tt.token, "", tt.body)
			assert.Equal(t, tt.wantCode, code)
			var e api.Error
			require.NoError(t, json.Unmarshal([]byte(body), &e), body)
			assert.Contains(t, e.Error, tt.wantErr)
		})
	}
	assert.Equal(t, 0, status(t, n).Items, "nothing was published")
	_, err := n.Publish(context.Background(), nil)
	assert.ErrorIs(t, err, api.ErrBadRequest, "the node checks too")
}

func TestItemLogBounded(t *testing.T) {
	l := newItemLog(3)
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	var ids []broadcast.ID
	for i := range 5 {
		it := broadcast.NewBlob([]byte{byte(i)})
		ids = append(ids, it.ID)
		l.add(t0.Add(time.Duration(i)*time.Second), broadcast.Delivered{Item: it, From: simulation.PeerID(i)})
	}
	l.add(t0, broadcast.Delivered{Item: broadcast.NewBlob([]byte{4})}) // again: not twice
	assert.Len(t, l.byID, 3)
	assert.Len(t, l.order, 3)
	got := l.newest(10)
	require.Len(t, got, 3)
	assert.Equal(t, []broadcast.ID{ids[4], ids[3], ids[2]}, []broadcast.ID{got[0].id, got[1].id, got[2].id})
	assert.Equal(t, uint64(4), got[0].from)
	assert.Len(t, l.newest(2), 2)
}
