package api

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// fakeBackend answers from fixed values and records what it was asked.
type fakeBackend struct {
	mu        sync.Mutex
	err       error // every call fails with it, if set
	bans      []BanRequest
	connected []string
	published [][]byte
	submitted [][]byte
}

func (f *fakeBackend) fail() error { f.mu.Lock(); defer f.mu.Unlock(); return f.err }

func (f *fakeBackend) Status(context.Context) (Status, error) {
	return Status{UserAgent: "/peerchain:0.1/", Network: "devnet", Listen: "127.0.0.1:7000",
		Started: t0, Inbound: 1, Outbound: 2, OutboundTarget: 4, Book: Book{New: 3, Tried: 2}, Bans: 1, Items: 7,
		Mempool: 2, Height: 3, Tip: "00ab", TipTime: t0, LastInterval: 4.5, Mining: true}, f.fail()
}
func (f *fakeBackend) Peers(context.Context) ([]Peer, error) {
	return []Peer{{ID: 1, Addr: "127.0.0.1:7001", Remote: "127.0.0.1:7001", Kind: "outbound", UserAgent: "/peerchain:0.1/", Since: t0}}, f.fail()
}
func (f *fakeBackend) Book(context.Context) (Book, error) { return Book{New: 3, Tried: 2}, f.fail() }
func (f *fakeBackend) Bans(context.Context) ([]Ban, error) {
	return nil, f.fail() // none: the API says []
}
func (f *fakeBackend) Ban(_ context.Context, req BanRequest) (Ban, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if req.Addr == "nonsense" {
		return Ban{}, BadRequest(fmt.Errorf("%q is not an address", req.Addr))
	}
	f.bans = append(f.bans, req)
	return Ban{Key: req.Addr, Until: t0.Add(24 * time.Hour), Reason: req.Reason}, f.err
}
func (f *fakeBackend) Unban(_ context.Context, addr string) (Unbanned, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, b := range f.bans {
		if b.Addr == addr {
			f.bans = append(f.bans[:i], f.bans[i+1:]...)
			return Unbanned{Addr: addr}, nil
		}
	}
	return Unbanned{}, NotFound(fmt.Errorf("%s is not banned", addr))
}
func (f *fakeBackend) Connect(_ context.Context, addr string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.connected = append(f.connected, addr)
	return f.err
}

func (f *fakeBackend) Publish(_ context.Context, data []byte) (Published, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.published = append(f.published, data)
	return Published{ID: fmt.Sprintf("%x", data[:min(len(data), 4)]), Size: len(data), New: string(data) != "old"}, f.err
}
func (f *fakeBackend) Items(context.Context) (Items, error) {
	recent := make([]Item, MaxRecentItems+5) // more than the API shows
	for i := range recent {
		recent[i] = Item{ID: fmt.Sprint(i), Size: 1, From: 3, At: t0}
	}
	recent[0] = Item{ID: "0", Size: 5, Here: true, At: t0}
	return Items{Items: 15, Recent: recent}, f.fail()
}
func (f *fakeBackend) Item(_ context.Context, id string) (Item, error) {
	switch id {
	case "beef":
		return Item{ID: id, Size: 5, From: 3, At: t0}, f.fail()
	case "nonsense":
		return Item{}, BadRequest(fmt.Errorf("%q is not an item ID", id))
	}
	return Item{}, NotFound(fmt.Errorf("no item %s here", id))
}

func (f *fakeBackend) SubmitTx(_ context.Context, raw []byte) (TxAccepted, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.submitted = append(f.submitted, raw)
	if raw[0] == 0xbb {
		return TxAccepted{}, BadRequest(errors.New("nonce reused: nonce 0, next is 1"))
	}
	return TxAccepted{ID: fmt.Sprintf("%x", raw)}, f.err
}
func (f *fakeBackend) Mempool(context.Context) (Mempool, error) {
	txs := make([]Tx, MaxMempoolTxs+1) // more than the API shows
	for i := range txs {
		txs[i] = Tx{ID: fmt.Sprint(i)}
	}
	txs[0] = Tx{ID: "ab", From: "pc1a", To: "pc1b", Amount: 5, Fee: 290, FeeRate: 2, Size: 145, Nonce: 3, Memo: `hi\n`}
	return Mempool{Count: len(txs), Bytes: 145 * len(txs), Txs: txs}, f.fail()
}

// The fake's chain: genesis "00", then "01", the tip, at height 1.
var fakeTip = BlockSummary{Hash: "01", Height: 1, PrevBlock: "00", Time: t0, Bits: "207fffff",
	Nonce: 9, Txs: 0, Size: 120, Miner: "pc1m", Reward: 50}

func (f *fakeBackend) Blocks(context.Context) (Blocks, error) {
	return Blocks{Height: 1, Tip: "01", Blocks: []BlockSummary{fakeTip}}, f.fail()
}
func (f *fakeBackend) Block(_ context.Context, id string) (Block, error) {
	switch id {
	case "1", "01":
		return Block{BlockSummary: fakeTip, Version: 1, MerkleRoot: "aa", Confirmations: 1,
			Transactions: []Tx{}}, f.fail()
	case "tip":
		return Block{}, BadRequest(fmt.Errorf("block %q: want a height or a hash", id))
	}
	return Block{}, NotFound(fmt.Errorf("block %s is not on this node's chain", id))
}
func (f *fakeBackend) Headers(_ context.Context, from uint64, count int) (Headers, error) {
	out := Headers{From: from, Height: 1, Headers: []Header{}}
	for h := from; h <= 1 && len(out.Headers) < count; h++ {
		out.Headers = append(out.Headers, Header{Hash: fmt.Sprintf("%02d", h), Height: h, Version: 1,
			Time: t0, Bits: "207fffff", Hex: "00"})
	}
	return out, f.fail()
}

func (f *fakeBackend) Account(_ context.Context, addr string) (Account, error) {
	if addr != "pc1a" {
		return Account{}, BadRequest(fmt.Errorf("invalid address %q", addr))
	}
	return Account{Address: addr, Balance: 100, Nonce: 1, Pending: 2, Spendable: 40, NextNonce: 3}, f.fail()
}

const token = "s3cret"

func newTestServer(t *testing.T, b Backend) (*Server, *Hub) {
	t.Helper()
	hub := NewHub()
	s, err := New(Config{Backend: b, Events: hub, Token: token})
	require.NoError(t, err)
	return s, hub
}

func do(t *testing.T, h http.Handler, method, path, auth, body string) (int, http.Header, string) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w.Code, w.Header(), w.Body.String()
}

func TestEndpoints(t *testing.T) {
	s, _ := newTestServer(t, &fakeBackend{})
	tests := []struct {
		name     string
		method   string
		path     string
		auth     string
		body     string
		wantCode int
		wantJSON string
	}{
		{name: "status", method: "GET", path: "/api/v1/status", wantCode: 200, wantJSON: `{"user_agent":"/peerchain:0.1/","network":"devnet",
			"listen":"127.0.0.1:7000","api":"","started":"2025-03-01T12:00:00Z","uptime":"","inbound":1,"outbound":2,
			"outbound_target":4,"addrbook":{"new":3,"tried":2},"bans":1,"items":7,"mempool":2,
			"height":3,"tip":"00ab","tip_time":"2025-03-01T12:00:00Z","last_interval_s":4.5,"mining":true,"aside":0,"reorgs":0,"deepest_reorg":0,"chain_work":"","headers":0,"synced":false}`},
		{name: "peers", method: "GET", path: "/api/v1/peers", wantCode: 200, wantJSON: `[{"id":1,"addr":"127.0.0.1:7001",
			"remote":"127.0.0.1:7001","inbound":false,"kind":"outbound","user_agent":"/peerchain:0.1/","since":"2025-03-01T12:00:00Z","score":0}]`},
		{name: "address book", method: "GET", path: "/api/v1/addrbook", wantCode: 200, wantJSON: `{"new":3,"tried":2}`},
		{name: "no bans is an empty list", method: "GET", path: "/api/v1/bans", wantCode: 200, wantJSON: `[]`},
		{name: "ban", method: "POST", path: "/api/v1/bans", auth: "Bearer " + token,
			body: `{"addr":"127.0.0.1:7009","reason":"test"}`, wantCode: 200,
			wantJSON: `{"key":"127.0.0.1:7009","until":"2025-03-02T12:00:00Z","reason":"test"}`},
		{name: "unban", method: "DELETE", path: "/api/v1/bans/127.0.0.1:7009", auth: "Bearer " + token,
			wantCode: 200, wantJSON: `{"addr":"127.0.0.1:7009"}`},
		{name: "unban what is not banned", method: "DELETE", path: "/api/v1/bans/127.0.0.1:7009",
			auth: "Bearer " + token, wantCode: 404, wantJSON: `{"error":"127.0.0.1:7009 is not banned"}`},
		{name: "unban without the token", method: "DELETE", path: "/api/v1/bans/127.0.0.1:7009",
			wantCode: 401, wantJSON: `{"error":"this call needs the node's API token: send the contents of api.cookie in its data directory as \"Authorization: Bearer TOKEN\""}`},
		{name: "connect", method: "POST", path: "/api/v1/connect", auth: "Bearer " + token,
			body: `{"addr":"127.0.0.1:7010"}`, wantCode: 202, wantJSON: `{"addr":"127.0.0.1:7010"}`},
		{name: "an unknown path", method: "GET", path: "/api/v1/blocx", wantCode: 404,
			wantJSON: `{"error":"no such endpoint: /api/v1/blocx (the API is under /api/v1/)"}`},
		{name: "a wrong method", method: "DELETE", path: "/api/v1/bans", wantCode: 405,
			wantJSON: `{"error":"DELETE /api/v1/bans: method not allowed (allowed: GET, POST)"}`},
		{name: "POST on a read-only path", method: "POST", path: "/api/v1/status", wantCode: 405,
			wantJSON: `{"error":"POST /api/v1/status: method not allowed (allowed: GET)"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, h, body := do(t, s.Handler(), tt.method, tt.path, tt.auth, tt.body)
			assert.Equal(t, tt.wantCode, code)
			assert.Equal(t, "application/json", h.Get("Content-Type"))
			assert.JSONEq(t, tt.wantJSON, body)
		})
	}
}

func TestToken(t *testing.T) {
	tests := []struct {
		name     string
		auth     string
		wantCode int
	}{
		{name: "missing", auth: "", wantCode: 401},
		{name: "wrong", auth: "Bearer nope", wantCode: 401},
		{name: "not a bearer", auth: "Basic " + token, wantCode: 401},
		{name: "right", auth: "Bearer " + token, wantCode: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &fakeBackend{}
			s, _ := newTestServer(t, b)
			code, h, body := do(t, s.Handler(), "POST", "/api/v1/bans", tt.auth, `{"addr":"127.0.0.1:7009"}`)
			assert.Equal(t, tt.wantCode, code)
			if tt.wantCode == 401 {
				assert.Contains(t, body, "needs the node's API token")
				assert.Contains(t, h.Get("WWW-Authenticate"), "Bearer")
				assert.Empty(t, b.bans, "the backend is not asked")
			} else {
				assert.Len(t, b.bans, 1)
			}
		})
	}
}

func TestBadRequests(t *testing.T) {
	auth := "Bearer " + token
	tests := []struct {
		name     string
		path     string
		body     string
		wantCode int
		wantErr  string
	}{
		{name: "a body over the limit", path: "/api/v1/bans",
			body: `{"addr":"` + strings.Repeat("x", MaxBodyBytes) + `"}`, wantCode: 413, wantErr: "request body over 4096 bytes"},
		{name: "no body", path: "/api/v1/connect", body: "", wantCode: 400, wantErr: "request body is empty"},
		{name: "not JSON", path: "/api/v1/connect", body: "addr=x", wantCode: 400, wantErr: "request body: invalid character"},
		{name: "an unknown field", path: "/api/v1/connect", body: `{"address":"x"}`, wantCode: 400, wantErr: `unknown field "address"`},
		{name: "two values", path: "/api/v1/connect", body: `{"addr":"x"}{"addr":"y"}`, wantCode: 400, wantErr: "more than one JSON value"},
		{name: "connect without an address", path: "/api/v1/connect", body: `{}`, wantCode: 400, wantErr: `"addr" is missing`},
		{name: "ban without an address", path: "/api/v1/bans", body: `{"reason":"x"}`, wantCode: 400, wantErr: `"addr" is missing`},
		{name: "a long reason", path: "/api/v1/bans", body: `{"addr":"a","reason":"` + strings.Repeat("r", MaxReasonLen+1) + `"}`, wantCode: 400, wantErr: "reason longer than 256"},
		{name: "what the node refuses", path: "/api/v1/bans", body: `{"addr":"nonsense"}`, wantCode: 400, wantErr: `"nonsense" is not an address`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTestServer(t, &fakeBackend{})
			code, _, body := do(t, s.Handler(), "POST", tt.path, auth, tt.body)
			assert.Equal(t, tt.wantCode, code)
			var e Error
			require.NoError(t, json.Unmarshal([]byte(body), &e), body)
			assert.Contains(t, e.Error, tt.wantErr)
		})
	}
}

func TestBackendErrors(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		wantCode int
	}{
		{name: "the node fails", err: errors.New("disk on fire"), wantCode: 500},
		{name: "the node is stopping", err: fmt.Errorf("%w: stopped", ErrUnavailable), wantCode: 503},
		{name: "the node is too slow", err: context.DeadlineExceeded, wantCode: 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTestServer(t, &fakeBackend{err: tt.err})
			code, _, body := do(t, s.Handler(), "GET", "/api/v1/status", "", "")
			assert.Equal(t, tt.wantCode, code)
			assert.JSONEq(t, fmt.Sprintf(`{"error":%q}`, tt.err.Error()), body)
		})
	}
}

func TestNewChecksConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{name: "no backend", cfg: Config{Events: NewHub(), Token: "t"}, want: "no Backend"},
		{name: "no hub", cfg: Config{Backend: &fakeBackend{}, Token: "t"}, want: "no Events"},
		{name: "no token", cfg: Config{Backend: &fakeBackend{}, Events: NewHub()}, want: "no Token"},
		{name: "a negative item limit", cfg: Config{Backend: &fakeBackend{}, Events: NewHub(), Token: "t", MaxItemBytes: -1},
			want: "negative MaxItemBytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

// serve runs a server on a free loopback port until the test ends.
func serve(t *testing.T, s *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		assert.NoError(t, <-done)
	})
	return "http://" + ln.Addr().String()
}

// stream opens the event stream and returns its lines.
func stream(t *testing.T, base string) (*bufio.Scanner, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/events", nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	sc := bufio.NewScanner(resp.Body)
	require.True(t, sc.Scan())
	require.Equal(t, ": peerchain events", sc.Text(), "the stream opens with a comment")
	return sc, func() { cancel(); resp.Body.Close() }
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestEventStream(t *testing.T) {
	s, hub := newTestServer(t, &fakeBackend{})
	base := serve(t, s)
	sc, stop := stream(t, base)
	defer stop()
	waitFor(t, "the stream is subscribed", func() bool { return hub.Subscribers() == 1 })

	hub.Publish(t0, "banned", map[string]string{"addr": "127.0.0.1:7666"})
	hub.Publish(t0, "odd", func() {}) // does not encode: sent as text
	var lines []string
	for len(lines) < 7 && sc.Scan() {
		lines = append(lines, sc.Text())
	}
	assert.Equal(t, []string{
		"", // the end of the opening comment's event
		"id: 1",
		"event: banned",
		`data: {"seq":1,"at":"2025-03-01T12:00:00Z","type":"banned","data":{"addr":"127.0.0.1:7666"}}`,
		"",
		"id: 2",
		"event: odd",
	}, lines)
	require.True(t, sc.Scan())
	assert.Contains(t, sc.Text(), `"data":{"text":"0x`)
	stop()
	waitFor(t, "a closed stream unsubscribes", func() bool { return hub.Subscribers() == 0 })
}

func TestEventStreamLimits(t *testing.T) {
	t.Run("too many streams", func(t *testing.T) {
		s, hub := newTestServer(t, &fakeBackend{})
		for range MaxSubscribers {
			_, err := hub.Subscribe()
			require.NoError(t, err)
		}
		code, _, body := do(t, s.Handler(), "GET", "/api/v1/events", "", "")
		assert.Equal(t, 503, code)
		assert.Contains(t, body, "too many event streams")
	})
	t.Run("a stream that falls behind is cut off", func(t *testing.T) {
		hub := NewHub()
		sub, err := hub.Subscribe()
		require.NoError(t, err)
		for range SubscriberBuffer {
			hub.Publish(t0, "x", 1)
		}
		select {
		case <-sub.done:
			t.Fatal("cut off while its buffer still had room")
		default:
		}
		hub.Publish(t0, "x", 1) // one too many: Publish does not wait
		<-sub.done
		assert.Equal(t, 0, hub.Subscribers())
	})
}

func TestServeStopsStreams(t *testing.T) {
	s, hub := newTestServer(t, &fakeBackend{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	sc, stop := stream(t, "http://"+ln.Addr().String())
	defer stop()
	waitFor(t, "the stream is subscribed", func() bool { return hub.Subscribers() == 1 })
	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(2 * ShutdownTimeout):
		t.Fatal("Serve did not stop")
	}
	for sc.Scan() { // the stream ends
	}
	_, err = http.Get("http://" + ln.Addr().String() + "/api/v1/status")
	assert.Error(t, err, "the server is gone")
}

func TestServeAnswers(t *testing.T) {
	s, _ := newTestServer(t, &fakeBackend{})
	base := serve(t, s)
	resp, err := http.Get(base + "/api/v1/status")
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Contains(t, string(body), `"network": "devnet"`)
}

func TestCheckListen(t *testing.T) {
	tests := []struct {
		name    string
		addr    string
		public  bool
		wantErr string
	}{
		{name: "loopback", addr: "127.0.0.1:8334"},
		{name: "another loopback", addr: "127.0.0.2:0"},
		{name: "IPv6 loopback", addr: "[::1]:8334"},
		{name: "localhost", addr: "localhost:8334"},
		{name: "every interface", addr: ":8334", wantErr: "not a loopback address"},
		{name: "every interface, public", addr: ":8334", public: true},
		{name: "a LAN address", addr: "192.168.1.5:8334", wantErr: "--api-public"},
		{name: "a LAN address, public", addr: "192.168.1.5:8334", public: true},
		{name: "no port", addr: "127.0.0.1", wantErr: "want HOST:PORT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckListen(tt.addr, tt.public)
			if tt.wantErr == "" {
				assert.NoError(t, err)
			} else {
				assert.ErrorContains(t, err, tt.wantErr)
			}
		})
	}
}

func TestCookie(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, CookieFile)
	require.NoError(t, os.WriteFile(path, []byte("old\n"), 0o644)) // left by an older run, too open

	tok, err := WriteCookie(path)
	require.NoError(t, err)
	assert.Len(t, tok, 2*tokenBytes)
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, CookieMode, info.Mode().Perm())
	got, err := ReadCookie(path)
	require.NoError(t, err)
	assert.Equal(t, tok, got)

	again, err := WriteCookie(path)
	require.NoError(t, err)
	assert.NotEqual(t, tok, again, "a fresh token each start")

	tests := []struct {
		name    string
		content *string
		wantErr string
	}{
		{name: "missing", wantErr: "is the node running"},
		{name: "empty", content: ptr("\n"), wantErr: "empty"},
		{name: "too long", content: ptr(strings.Repeat("x", maxCookieSize+1)), wantErr: "longer than 1024"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), CookieFile)
			if tt.content != nil {
				require.NoError(t, os.WriteFile(p, []byte(*tt.content), CookieMode))
			}
			_, err := ReadCookie(p)
			assert.ErrorContains(t, err, tt.wantErr)
		})
	}
}

func ptr[T any](v T) *T { return &v }

// doHeaders is do with request headers.
func doHeaders(t *testing.T, h http.Handler, method, path string, headers map[string]string, body string) (int, http.Header, string) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w.Code, w.Header(), w.Body.String()
}

func TestItems(t *testing.T) {
	auth := map[string]string{"Authorization": "Bearer " + token}
	asJSON := map[string]string{"Authorization": "Bearer " + token, "Content-Type": "application/json; charset=utf-8"}
	tests := []struct {
		name          string
		method, path  string
		headers       map[string]string
		body          string
		wantCode      int
		wantJSON      string
		wantPublished []string // what the backend was asked to publish
	}{
		{name: "publish bytes", method: "POST", path: "/api/v1/items", headers: auth, body: "hello",
			wantCode: 202, wantJSON: `{"id":"68656c6c","size":5,"new":true}`, wantPublished: []string{"hello"}},
		{name: "publish JSON", method: "POST", path: "/api/v1/items", headers: asJSON, body: `{"data":"hello"}`,
			wantCode: 202, wantJSON: `{"id":"68656c6c","size":5,"new":true}`, wantPublished: []string{"hello"}},
		{name: "JSON without its content type is bytes", method: "POST", path: "/api/v1/items", headers: auth,
			body: `{"data":"x"}`, wantCode: 202, wantJSON: `{"id":"7b226461","size":12,"new":true}`,
			wantPublished: []string{`{"data":"x"}`}},
		{name: "an item held already", method: "POST", path: "/api/v1/items", headers: auth, body: "old",
			wantCode: 200, wantJSON: `{"id":"6f6c64","size":3,"new":false}`, wantPublished: []string{"old"}},
		{name: "publish without the token", method: "POST", path: "/api/v1/items", body: "hello", wantCode: 401,
			wantJSON: `{"error":"this call needs the node's API token: send the contents of api.cookie in its data directory as \"Authorization: Bearer TOKEN\""}`},
		{name: "what the node holds, the newest bounded", method: "GET", path: "/api/v1/items", wantCode: 200,
			wantJSON: `{"items":15,"recent":[{"id":"0","size":5,"here":true,"at":"2025-03-01T12:00:00Z"},` +
				recentJSON(1, MaxRecentItems) + `]}`},
		{name: "one item", method: "GET", path: "/api/v1/items/beef", wantCode: 200,
			wantJSON: `{"id":"beef","size":5,"from":3,"at":"2025-03-01T12:00:00Z"}`},
		{name: "an item it does not hold", method: "GET", path: "/api/v1/items/cafe", wantCode: 404,
			wantJSON: `{"error":"no item cafe here"}`},
		{name: "not an item ID", method: "GET", path: "/api/v1/items/nonsense", wantCode: 400,
			wantJSON: `{"error":"\"nonsense\" is not an item ID"}`},
		{name: "a wrong method", method: "DELETE", path: "/api/v1/items", wantCode: 405,
			wantJSON: `{"error":"DELETE /api/v1/items: method not allowed (allowed: GET, POST)"}`},
		{name: "a wrong method on one item", method: "POST", path: "/api/v1/items/beef", headers: auth, wantCode: 405,
			wantJSON: `{"error":"POST /api/v1/items/{id}: method not allowed (allowed: GET)"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &fakeBackend{}
			s, _ := newTestServer(t, b)
			code, h, body := doHeaders(t, s.Handler(), tt.method, tt.path, tt.headers, tt.body)
			assert.Equal(t, tt.wantCode, code)
			assert.Equal(t, "application/json", h.Get("Content-Type"))
			assert.JSONEq(t, tt.wantJSON, body)
			var got []string
			for _, p := range b.published {
				got = append(got, string(p))
			}
			assert.Equal(t, tt.wantPublished, got)
			if code == 405 {
				assert.NotEmpty(t, h.Get("Allow"))
			}
		})
	}
}

// recentJSON is the fake backend's recent items from to to-1, as JSON.
func recentJSON(from, to int) string {
	var parts []string
	for i := from; i < to; i++ {
		parts = append(parts, fmt.Sprintf(`{"id":"%d","size":1,"from":3,"at":"2025-03-01T12:00:00Z"}`, i))
	}
	return strings.Join(parts, ",")
}

func TestBadItems(t *testing.T) {
	raw := map[string]string{"Authorization": "Bearer " + token, "Content-Type": "application/octet-stream"}
	asJSON := map[string]string{"Authorization": "Bearer " + token, "Content-Type": "application/json"}
	tests := []struct {
		name     string
		maxItem  int // Config.MaxItemBytes
		headers  map[string]string
		body     string
		wantCode int
		wantErr  string
	}{
		{name: "no bytes", headers: raw, body: "", wantCode: 400, wantErr: "item is empty"},
		{name: "no data", headers: asJSON, body: `{"data":""}`, wantCode: 400, wantErr: "item is empty"},
		{name: "an empty JSON body", headers: asJSON, body: "", wantCode: 400, wantErr: "request body is empty"},
		{name: "not JSON", headers: asJSON, body: "data=x", wantCode: 400, wantErr: "request body: invalid character"},
		{name: "an unknown field", headers: asJSON, body: `{"bytes":"x"}`, wantCode: 400, wantErr: `unknown field "bytes"`},
		{name: "data that is not text", headers: asJSON, body: `{"data":[1,2]}`, wantCode: 400, wantErr: "cannot unmarshal"},
		{name: "two values", headers: asJSON, body: `{"data":"x"}{"data":"y"}`, wantCode: 400, wantErr: "more than one JSON value"},
		{name: "bytes over the blob limit", headers: raw, body: strings.Repeat("x", DefaultMaxItemBytes+1),
			wantCode: 413, wantErr: "item over 100000 bytes, the most an item may be"},
		{name: "data over the blob limit", headers: asJSON, body: `{"data":"` + strings.Repeat("x", DefaultMaxItemBytes+1) + `"}`,
			wantCode: 413, wantErr: "item over 100000 bytes"},
		{name: "a JSON body over its bound", headers: asJSON, body: `{"data":"` + strings.Repeat(`\n`, 3*DefaultMaxItemBytes+jsonItemSlack) + `"}`,
			wantCode: 413, wantErr: "request body over 600064 bytes"},
		{name: "over a smaller limit", maxItem: 8, headers: raw, body: "123456789", wantCode: 413, wantErr: "item over 8 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &fakeBackend{}
			s, err := New(Config{Backend: b, Events: NewHub(), Token: token, MaxItemBytes: tt.maxItem})
			require.NoError(t, err)
			code, _, body := doHeaders(t, s.Handler(), "POST", "/api/v1/items", tt.headers, tt.body)
			assert.Equal(t, tt.wantCode, code)
			var e Error
			require.NoError(t, json.Unmarshal([]byte(body), &e), body)
			assert.Contains(t, e.Error, tt.wantErr)
			assert.Empty(t, b.published, "the backend is not asked")
		})
	}
	t.Run("an item at the limit is taken", func(t *testing.T) {
		b := &fakeBackend{}
		s, _ := newTestServer(t, b)
		code, _, _ := doHeaders(t, s.Handler(), "POST", "/api/v1/items", raw, strings.Repeat("x", DefaultMaxItemBytes))
		assert.Equal(t, 202, code)
		require.Len(t, b.published, 1)
		assert.Len(t, b.published[0], DefaultMaxItemBytes)
	})
}

func TestTransactions(t *testing.T) {
	auth := "Bearer " + token
	tests := []struct {
		name          string
		method, path  string
		auth          string
		body          string
		wantCode      int
		wantJSON      string // the whole answer; "": see wantErr
		wantErr       string
		wantSubmitted []string // hex of what the backend was handed
	}{
		{name: "a transaction", method: "POST", path: "/api/v1/tx", auth: auth, body: `{"tx":"aa01"}`,
			wantCode: 202, wantJSON: `{"id":"aa01"}`, wantSubmitted: []string{"aa01"}},
		{name: "one the node refuses", method: "POST", path: "/api/v1/tx", auth: auth, body: `{"tx":"bb"}`,
			wantCode: 400, wantErr: "nonce reused: nonce 0, next is 1", wantSubmitted: []string{"bb"}},
		{name: "no token", method: "POST", path: "/api/v1/tx", body: `{"tx":"aa"}`, wantCode: 401,
			wantErr: "needs the node's API token"},
		{name: "no tx", method: "POST", path: "/api/v1/tx", auth: auth, body: `{}`, wantCode: 400,
			wantErr: `tx: "tx" is missing: want {"tx": "HEX"}`},
		{name: "not hex", method: "POST", path: "/api/v1/tx", auth: auth, body: `{"tx":"xyz"}`, wantCode: 400,
			wantErr: "tx: not hex: encoding/hex: invalid byte: U+0078 'x'"},
		{name: "odd hex", method: "POST", path: "/api/v1/tx", auth: auth, body: `{"tx":"abc"}`, wantCode: 400,
			wantErr: "tx: not hex: encoding/hex: odd length hex string"},
		{name: "not JSON", method: "POST", path: "/api/v1/tx", auth: auth, body: `aa01`, wantCode: 400,
			wantErr: "request body: invalid character"},
		{name: "a wrong method", method: "GET", path: "/api/v1/tx", wantCode: 405,
			wantErr: "GET /api/v1/tx: method not allowed (allowed: POST)"},
		{name: "the mempool, bounded", method: "GET", path: "/api/v1/mempool", wantCode: 200},
		{name: "an account", method: "GET", path: "/api/v1/accounts/pc1a", wantCode: 200,
			wantJSON: `{"address":"pc1a","balance":100,"nonce":1,"pending":2,"spendable":40,"next_nonce":3}`},
		{name: "not an address", method: "GET", path: "/api/v1/accounts/pc1x", wantCode: 400,
			wantErr: `invalid address "pc1x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &fakeBackend{}
			s, _ := newTestServer(t, b)
			code, _, body := do(t, s.Handler(), tt.method, tt.path, tt.auth, tt.body)
			assert.Equal(t, tt.wantCode, code)
			switch {
			case tt.wantJSON != "":
				assert.JSONEq(t, tt.wantJSON, body)
			case tt.wantErr != "":
				var e Error
				require.NoError(t, json.Unmarshal([]byte(body), &e), body)
				assert.Contains(t, e.Error, tt.wantErr)
			}
			var got []string
			for _, raw := range b.submitted {
				got = append(got, fmt.Sprintf("%x", raw))
			}
			assert.Equal(t, tt.wantSubmitted, got)
		})
	}
	t.Run("the mempool's answer", func(t *testing.T) {
		s, _ := newTestServer(t, &fakeBackend{})
		code, _, body := do(t, s.Handler(), "GET", "/api/v1/mempool", "", "")
		require.Equal(t, 200, code)
		var m Mempool
		require.NoError(t, json.Unmarshal([]byte(body), &m))
		assert.Equal(t, MaxMempoolTxs+1, m.Count, "the count is all of them")
		assert.Len(t, m.Txs, MaxMempoolTxs, "the list is bounded")
		assert.Equal(t, Tx{ID: "ab", From: "pc1a", To: "pc1b", Amount: 5, Fee: 290, FeeRate: 2, Size: 145,
			Nonce: 3, Memo: `hi\n`}, m.Txs[0])
		assert.Contains(t, body, `"fee_rate": 2,`)
	})
}

// TestChainEndpoints: the blocks, a block by height or hash, and the
// headers, with the query's bounds.
func TestChainEndpoints(t *testing.T) {
	s, _ := newTestServer(t, &fakeBackend{})
	tipJSON := `"hash":"01","height":1,"prev_block":"00","time":"2025-03-01T12:00:00Z","bits":"207fffff",
		"nonce":9,"txs":0,"size":120,"miner":"pc1m","reward":50`
	header := func(h int) string {
		return fmt.Sprintf(`{"hash":"%02d","height":%d,"version":1,"prev_block":"","merkle_root":"",
			"time":"2025-03-01T12:00:00Z","bits":"207fffff","nonce":0,"hex":"00"}`, h, h)
	}
	tests := []struct {
		name     string
		path     string
		wantCode int
		wantJSON string
	}{
		{name: "blocks", path: "/api/v1/blocks", wantCode: 200,
			wantJSON: `{"height":1,"tip":"01","blocks":[{` + tipJSON + `}]}`},
		{name: "a block by height", path: "/api/v1/blocks/1", wantCode: 200,
			wantJSON: `{` + tipJSON + `,"version":1,"merkle_root":"aa","confirmations":1,"transactions":[]}`},
		{name: "a block by hash", path: "/api/v1/blocks/01", wantCode: 200,
			wantJSON: `{` + tipJSON + `,"version":1,"merkle_root":"aa","confirmations":1,"transactions":[]}`},
		{name: "a block not on the chain", path: "/api/v1/blocks/7", wantCode: 404,
			wantJSON: `{"error":"block 7 is not on this node's chain"}`},
		{name: "not a block id", path: "/api/v1/blocks/tip", wantCode: 400,
			wantJSON: `{"error":"block \"tip\": want a height or a hash"}`},
		{name: "headers from genesis", path: "/api/v1/headers", wantCode: 200,
			wantJSON: `{"from":0,"height":1,"headers":[` + header(0) + `,` + header(1) + `]}`},
		{name: "headers from 1, one", path: "/api/v1/headers?from=1&count=1", wantCode: 200,
			wantJSON: `{"from":1,"height":1,"headers":[` + header(1) + `]}`},
		{name: "headers above the tip: none", path: "/api/v1/headers?from=5", wantCode: 200,
			wantJSON: `{"from":5,"height":1,"headers":[]}`},
		{name: "count 0", path: "/api/v1/headers?count=0", wantCode: 400,
			wantJSON: `{"error":"headers: count=\"0\": want 1 to 2000"}`},
		{name: "count over the bound", path: "/api/v1/headers?count=2001", wantCode: 400,
			wantJSON: `{"error":"headers: count=\"2001\": want 1 to 2000"}`},
		{name: "count not a number", path: "/api/v1/headers?count=ten", wantCode: 400,
			wantJSON: `{"error":"headers: count=\"ten\": want 1 to 2000"}`},
		{name: "count negative", path: "/api/v1/headers?count=-5", wantCode: 400,
			wantJSON: `{"error":"headers: count=\"-5\": want 1 to 2000"}`},
		{name: "count not whole", path: "/api/v1/headers?count=1.5", wantCode: 400,
			wantJSON: `{"error":"headers: count=\"1.5\": want 1 to 2000"}`},
		{name: "count in hex", path: "/api/v1/headers?count=0x10", wantCode: 400,
			wantJSON: `{"error":"headers: count=\"0x10\": want 1 to 2000"}`},
		{name: "from negative", path: "/api/v1/headers?from=-1", wantCode: 400,
			wantJSON: `{"error":"headers: from=\"-1\": want a height, a whole number from 0"}`},
		{name: "from not a number", path: "/api/v1/headers?from=tip", wantCode: 400,
			wantJSON: `{"error":"headers: from=\"tip\": want a height, a whole number from 0"}`},
		{name: "from over 64 bits", path: "/api/v1/headers?from=18446744073709551616", wantCode: 400,
			wantJSON: `{"error":"headers: from=\"18446744073709551616\": want a height, a whole number from 0"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, h, body := do(t, s.Handler(), "GET", tt.path, "", "")
			assert.Equal(t, tt.wantCode, code)
			assert.Equal(t, "application/json", h.Get("Content-Type"))
			assert.JSONEq(t, tt.wantJSON, body)
		})
	}
}

// sprawlingBackend answers the chain calls with n of everything, more
// than asked for or none at all (nil), to check the server's bounds.
type sprawlingBackend struct {
	fakeBackend
	n int
}

func (b *sprawlingBackend) Blocks(context.Context) (Blocks, error) {
	var out Blocks
	for h := range b.n {
		out.Blocks = append(out.Blocks, BlockSummary{Hash: fmt.Sprint(h)})
	}
	return out, nil
}
func (b *sprawlingBackend) Block(context.Context, string) (Block, error) {
	return Block{BlockSummary: fakeTip}, nil // Transactions nil
}
func (b *sprawlingBackend) Headers(_ context.Context, from uint64, _ int) (Headers, error) {
	out := Headers{From: from}
	for h := range b.n {
		out.Headers = append(out.Headers, Header{Hash: fmt.Sprint(h)})
	}
	return out, nil
}

// TestChainBounds: the server shows at most MaxRecentBlocks blocks and
// count headers whatever the backend gives, and empty lists as [], not
// null.
func TestChainBounds(t *testing.T) {
	tests := []struct {
		name        string
		n           int
		path        string
		wantBlocks  int
		wantHeaders int
		wantTxs     bool
	}{
		{name: "more blocks than shown", n: MaxRecentBlocks + 5, path: "/api/v1/blocks", wantBlocks: MaxRecentBlocks},
		{name: "no blocks", n: 0, path: "/api/v1/blocks", wantBlocks: 0},
		{name: "more headers than asked", n: 10, path: "/api/v1/headers?count=3", wantHeaders: 3},
		{name: "no headers", n: 0, path: "/api/v1/headers", wantHeaders: 0},
		{name: "a block without transactions", path: "/api/v1/blocks/1", wantTxs: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTestServer(t, &sprawlingBackend{n: tt.n})
			code, _, body := do(t, s.Handler(), "GET", tt.path, "", "")
			require.Equal(t, 200, code, body)
			var got map[string]json.RawMessage
			require.NoError(t, json.Unmarshal([]byte(body), &got))
			switch {
			case tt.wantTxs:
				assert.JSONEq(t, `[]`, string(got["transactions"]))
			case strings.HasPrefix(tt.path, "/api/v1/blocks"):
				var bs []BlockSummary
				require.NoError(t, json.Unmarshal(got["blocks"], &bs))
				assert.NotNil(t, bs, "blocks is [], not null")
				assert.Len(t, bs, tt.wantBlocks)
			default:
				var hs []Header
				require.NoError(t, json.Unmarshal(got["headers"], &hs))
				assert.NotNil(t, hs, "headers is [], not null")
				assert.Len(t, hs, tt.wantHeaders)
			}
		})
	}
}
