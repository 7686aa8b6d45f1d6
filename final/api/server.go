package api

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	broadcast "peerchain/chapters/06-broadcast"
)

// Bounds on the server: every phase of a request has a deadline, and
// every body a size.
const (
	ReadHeaderTimeout = 5 * time.Second  // the request line and headers
	ReadTimeout       = 10 * time.Second // the whole request, body included
	WriteTimeout      = 10 * time.Second // an answer; for the stream, each event
	IdleTimeout       = 60 * time.Second // a kept-alive connection between requests
	// RequestTimeout bounds a Backend call: the node answers between
	// two events, so a slow answer means a node in trouble.
	RequestTimeout = 5 * time.Second
	// ShutdownTimeout is how long Serve waits for requests under way
	// when it stops, before it closes their connections.
	ShutdownTimeout = 2 * time.Second
	MaxHeaderBytes  = 16 << 10
	// MaxBodyBytes bounds a request body: the largest, a ban, is a
	// few hundred bytes.
	MaxBodyBytes = 4 << 10
	// StreamKeepalive is how often an idle event stream gets a comment
	// line, so that proxies and clients know it is alive.
	StreamKeepalive = 15 * time.Second
	// MaxReasonLen bounds the reason of a ban a client asks for.
	MaxReasonLen = 256
	// DefaultMaxItemBytes bounds an item POST /api/v1/items takes:
	// chapter 06's blob limit.
	DefaultMaxItemBytes = broadcast.BlobMaxSize
	// jsonItemSlack is room in a JSON item body beside its data: the
	// braces, the key, the quotes.
	jsonItemSlack = 64
)

// ErrBadRequest is what a Backend error that is the caller's fault
// matches (errors.Is): the server answers it with 400 instead of 500.
// Make one with BadRequest.
var ErrBadRequest = errors.New("bad request")

// BadRequest is err as the caller's fault: its message unchanged, and
// errors.Is(it, ErrBadRequest).
func BadRequest(err error) error { return badRequest{err} }

type badRequest struct{ error }

func (badRequest) Is(target error) bool { return target == ErrBadRequest }
func (e badRequest) Unwrap() error      { return e.error }

// ErrNotFound is what a Backend error for a thing the node does not
// have matches: 404. Make one with NotFound.
var ErrNotFound = errors.New("not found")

// NotFound is err as a thing the node does not have: its message
// unchanged, and errors.Is(it, ErrNotFound).
func NotFound(err error) error { return notFound{err} }

type notFound struct{ error }

func (notFound) Is(target error) bool { return target == ErrNotFound }
func (e notFound) Unwrap() error      { return e.error }

// Config configures a Server.
type Config struct {
	Backend Backend
	Events  *Hub
	// Token is what mutating calls must send as "Authorization: Bearer
	// TOKEN"; it must not be empty.
	Token string
	// Logger gets a line for each request that failed on the node's
	// side (500). Nil: none.
	Logger *slog.Logger
	// MaxItemBytes bounds an item POST /api/v1/items takes; 0:
	// DefaultMaxItemBytes.
	MaxItemBytes int
}

// Server serves the API.
type Server struct {
	cfg   Config
	mux   *http.ServeMux
	allow map[string][]string // path -> its methods, for 405s
}

// New returns a server for cfg.
func New(cfg Config) (*Server, error) {
	switch {
	case cfg.Backend == nil:
		return nil, errors.New("api: no Backend")
	case cfg.Events == nil:
		return nil, errors.New("api: no Events hub")
	case cfg.Token == "":
		return nil, errors.New("api: no Token")
	case cfg.MaxItemBytes < 0:
		return nil, errors.New("api: negative MaxItemBytes")
	}
	if cfg.MaxItemBytes == 0 {
		cfg.MaxItemBytes = DefaultMaxItemBytes
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, mux: http.NewServeMux(), allow: make(map[string][]string)}
	s.route("GET", "/status", s.status)
	s.route("GET", "/peers", s.peers)
	s.route("GET", "/addrbook", s.book)
	s.route("GET", "/bans", s.bans)
	s.route("POST", "/bans", s.auth(s.ban))
	s.route("DELETE", "/bans/{addr}", s.auth(s.unban))
	s.route("POST", "/connect", s.auth(s.connect))
	s.route("GET", "/items", s.items)
	s.route("POST", "/items", s.auth(s.publish))
	s.route("GET", "/items/{id}", s.item)
	s.route("POST", "/tx", s.auth(s.submitTx))
	s.route("GET", "/mempool", s.mempool)
	s.route("GET", "/accounts/{address}", s.account)
	s.route("GET", "/blocks", s.blocks)
	s.route("GET", "/blocks/{id}", s.block)
	s.route("GET", "/headers", s.headers)
	s.route("GET", "/events", s.events)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, fmt.Errorf("no such endpoint: %s (the API is under %s/)", r.URL.Path, Version))
	})
	return s, nil
}

// Handler is the server's handler, for tests and for mounting it.
func (s *Server) Handler() http.Handler { return s.mux }

// Serve serves the API on ln until ctx ends, then shuts down: requests
// under way get ShutdownTimeout to finish, and event streams end.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.mux,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.cfg.Logger.Handler(), slog.LevelDebug),
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.cfg.Events.Close() // streams end, so Shutdown need not wait for them
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = srv.Close()
	}
	<-errc
	return err
}

// route adds a handler for method and path (under Version). A path's
// other methods get 405, in JSON.
func (s *Server) route(method, path string, h http.HandlerFunc) {
	full := Version + path
	s.mux.Handle(method+" "+full, h)
	if method == "GET" {
		s.mux.Handle("HEAD "+full, h)
	}
	allowed, seen := s.allow[full]
	s.allow[full] = append(allowed, method)
	if seen {
		return
	}
	s.mux.HandleFunc(full, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", strings.Join(s.allow[full], ", "))
		writeError(w, http.StatusMethodNotAllowed, fmt.Errorf("%s %s: method not allowed (allowed: %s)",
			r.Method, full, strings.Join(s.allow[full], ", ")))
	})
}

// auth lets a request through only with the right token.
func (s *Server) auth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !checkToken(r.Header.Get("Authorization"), s.cfg.Token) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="peerchain"`)
			writeError(w, http.StatusUnauthorized, errToken)
			return
		}
		h(w, r)
	}
}

func (s *Server) status(w http.ResponseWriter, r *http.Request) {
	answer(s, w, r, s.cfg.Backend.Status)
}

func (s *Server) peers(w http.ResponseWriter, r *http.Request) {
	answer(s, w, r, func(ctx context.Context) ([]Peer, error) {
		ps, err := s.cfg.Backend.Peers(ctx)
		if ps == nil {
			ps = []Peer{} // [] rather than null
		}
		return ps, err
	})
}

func (s *Server) book(w http.ResponseWriter, r *http.Request) {
	answer(s, w, r, s.cfg.Backend.Book)
}

func (s *Server) bans(w http.ResponseWriter, r *http.Request) {
	answer(s, w, r, func(ctx context.Context) ([]Ban, error) {
		bs, err := s.cfg.Backend.Bans(ctx)
		if bs == nil {
			bs = []Ban{}
		}
		return bs, err
	})
}

func (s *Server) ban(w http.ResponseWriter, r *http.Request) {
	var req BanRequest
	if !readBody(w, r, &req) {
		return
	}
	if err := req.check(); err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	answer(s, w, r, func(ctx context.Context) (Ban, error) { return s.cfg.Backend.Ban(ctx, req) })
}

func (s *Server) unban(w http.ResponseWriter, r *http.Request) {
	addr := r.PathValue("addr")
	answer(s, w, r, func(ctx context.Context) (Unbanned, error) { return s.cfg.Backend.Unban(ctx, addr) })
}

func (req BanRequest) check() error {
	if req.Addr == "" {
		return errors.New(`ban: "addr" is missing`)
	}
	if len(req.Reason) > MaxReasonLen {
		return fmt.Errorf("ban: reason longer than %d bytes", MaxReasonLen)
	}
	return nil
}

func (s *Server) connect(w http.ResponseWriter, r *http.Request) {
	var req ConnectRequest
	if !readBody(w, r, &req) {
		return
	}
	if req.Addr == "" {
		writeError(w, http.StatusBadRequest, errors.New(`connect: "addr" is missing`))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), RequestTimeout)
	defer cancel()
	if err := s.cfg.Backend.Connect(ctx, req.Addr); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, req)
}

// publish takes an item: the body itself, or JSON {"data": "..."} with
// Content-Type: application/json.
func (s *Server) publish(w http.ResponseWriter, r *http.Request) {
	limit := s.cfg.MaxItemBytes
	var data []byte
	if isJSON(r) {
		// Escapes make JSON text up to 6 bytes a byte ("\u0001").
		var req PublishRequest
		if !readBodyMax(w, r, &req, 6*int64(limit)+jsonItemSlack) {
			return
		}
		data = []byte(req.Data)
	} else {
		var err error
		if data, err = io.ReadAll(http.MaxBytesReader(w, r.Body, int64(limit))); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				writeError(w, http.StatusRequestEntityTooLarge, errItemSize(limit))
			} else {
				writeError(w, http.StatusBadRequest, fmt.Errorf("request body: %v", err))
			}
			return
		}
	}
	switch {
	case len(data) == 0:
		writeError(w, http.StatusBadRequest, errEmptyItem)
		return
	case len(data) > limit:
		writeError(w, http.StatusRequestEntityTooLarge, errItemSize(limit))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), RequestTimeout)
	defer cancel()
	p, err := s.cfg.Backend.Publish(ctx, data)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	code := http.StatusAccepted // on its way to the others
	if !p.New {
		code = http.StatusOK // held already: nothing is sent
	}
	writeJSON(w, code, p)
}

func errItemSize(limit int) error {
	return fmt.Errorf("item over %d bytes, the most an item may be", limit)
}

var errEmptyItem = errors.New("item is empty: send its bytes as the body, " +
	`or {"data": "..."} with Content-Type: application/json`)

// isJSON reports whether a request says its body is JSON.
func isJSON(r *http.Request) bool {
	t, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && t == "application/json"
}

func (s *Server) items(w http.ResponseWriter, r *http.Request) {
	answer(s, w, r, func(ctx context.Context) (Items, error) {
		it, err := s.cfg.Backend.Items(ctx)
		if len(it.Recent) > MaxRecentItems {
			it.Recent = it.Recent[:MaxRecentItems]
		}
		if it.Recent == nil {
			it.Recent = []Item{}
		}
		return it, err
	})
}

func (s *Server) item(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	answer(s, w, r, func(ctx context.Context) (Item, error) { return s.cfg.Backend.Item(ctx, id) })
}

// submitTx takes a signed transaction: {"tx": "HEX"}, the hex of its
// encoding.
func (s *Server) submitTx(w http.ResponseWriter, r *http.Request) {
	var req TxRequest
	if !readBody(w, r, &req) {
		return
	}
	raw, err := txBytes(req.Tx)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), RequestTimeout)
	defer cancel()
	a, err := s.cfg.Backend.SubmitTx(ctx, raw)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, a) // on its way to the others
}

// txBytes decodes the hex of a transaction's encoding.
func txBytes(h string) ([]byte, error) {
	if h == "" {
		return nil, errors.New(`tx: "tx" is missing: want {"tx": "HEX"}, ` +
			"the hex of a signed transaction's encoding")
	}
	raw, err := hex.DecodeString(h)
	if err != nil {
		return nil, fmt.Errorf("tx: not hex: %v", err)
	}
	return raw, nil
}

func (s *Server) mempool(w http.ResponseWriter, r *http.Request) {
	answer(s, w, r, func(ctx context.Context) (Mempool, error) {
		m, err := s.cfg.Backend.Mempool(ctx)
		if len(m.Txs) > MaxMempoolTxs {
			m.Txs = m.Txs[:MaxMempoolTxs]
		}
		if m.Txs == nil {
			m.Txs = []Tx{}
		}
		return m, err
	})
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) {
	addr := r.PathValue("address")
	answer(s, w, r, func(ctx context.Context) (Account, error) {
		return s.cfg.Backend.Account(ctx, addr)
	})
}

func (s *Server) blocks(w http.ResponseWriter, r *http.Request) {
	answer(s, w, r, func(ctx context.Context) (Blocks, error) {
		b, err := s.cfg.Backend.Blocks(ctx)
		if len(b.Blocks) > MaxRecentBlocks {
			b.Blocks = b.Blocks[:MaxRecentBlocks]
		}
		if b.Blocks == nil {
			b.Blocks = []BlockSummary{}
		}
		return b, err
	})
}

// block answers GET /blocks/{id}; the backend tells a height from a
// hash.
func (s *Server) block(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	answer(s, w, r, func(ctx context.Context) (Block, error) {
		b, err := s.cfg.Backend.Block(ctx, id)
		if b.Transactions == nil {
			b.Transactions = []Tx{}
		}
		return b, err
	})
}

// headers answers GET /headers?from=HEIGHT&count=N.
func (s *Server) headers(w http.ResponseWriter, r *http.Request) {
	from, count, err := headersQuery(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	answer(s, w, r, func(ctx context.Context) (Headers, error) {
		h, err := s.cfg.Backend.Headers(ctx, from, count)
		if len(h.Headers) > count {
			h.Headers = h.Headers[:count]
		}
		if h.Headers == nil {
			h.Headers = []Header{}
		}
		return h, err
	})
}

// headersQuery reads from (default 0) and count (default
// DefaultHeaders, 1 to MaxHeaders).
func headersQuery(q url.Values) (from uint64, count int, err error) {
	count = DefaultHeaders
	if v := q.Get("from"); v != "" {
		if from, err = strconv.ParseUint(v, 10, 64); err != nil {
			return 0, 0, fmt.Errorf("headers: from=%q: want a height, a whole number from 0", v)
		}
	}
	if v := q.Get("count"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxHeaders {
			return 0, 0, fmt.Errorf("headers: count=%q: want 1 to %d", v, MaxHeaders)
		}
		count = n
	}
	return from, count, nil
}

// events streams what the node publishes, as server-sent events:
//
//	id: 7
//	event: banned
//	data: {"seq":7,"at":"...","type":"banned","data":{...}}
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	sub, err := s.cfg.Events.Subscribe()
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, err)
		return
	}
	defer sub.Close()
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{}) // the request is read; the stream is long
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	send := func(format string, args ...any) bool {
		if err := rc.SetWriteDeadline(time.Now().Add(WriteTimeout)); err != nil {
			return false
		}
		if _, err := fmt.Fprintf(w, format, args...); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !send(": peerchain events\n\n") {
		return
	}
	keepalive := time.NewTicker(StreamKeepalive)
	defer keepalive.Stop()
	for {
		select {
		case ev := <-sub.ch:
			raw, _ := json.Marshal(ev) // an Event always encodes
			if !send("id: %d\nevent: %s\ndata: %s\n\n", ev.Seq, ev.Type, raw) {
				return
			}
		case <-keepalive.C:
			if !send(": keepalive\n\n") {
				return
			}
		case <-sub.done:
			return
		case <-r.Context().Done():
			return
		}
	}
}

// answer runs a Backend call with RequestTimeout and writes its result.
func answer[T any](s *Server, w http.ResponseWriter, r *http.Request, call func(context.Context) (T, error)) {
	ctx, cancel := context.WithTimeout(r.Context(), RequestTimeout)
	defer cancel()
	v, err := call(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// fail writes a Backend error: 400 if it is the caller's, 404 for
// what the node does not have, 503 if the node is too busy or
// stopping, 500 otherwise.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := http.StatusInternalServerError
	switch {
	case errors.Is(err, ErrBadRequest):
		code = http.StatusBadRequest
	case errors.Is(err, ErrNotFound):
		code = http.StatusNotFound
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, ErrUnavailable):
		code = http.StatusServiceUnavailable
	}
	if code != http.StatusBadRequest && code != http.StatusNotFound {
		s.cfg.Logger.Warn("api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeError(w, code, err)
}

// ErrUnavailable is wrapped by a Backend error that says the node cannot
// answer now (it is stopping): 503.
var ErrUnavailable = errors.New("node unavailable")

// readBody decodes a JSON body of at most MaxBodyBytes into v, or
// answers the error itself and returns false.
func readBody(w http.ResponseWriter, r *http.Request, v any) bool {
	return readBodyMax(w, r, v, MaxBodyBytes)
}

// readBodyMax is readBody with a limit of max bytes.
func readBodyMax(w http.ResponseWriter, r *http.Request, v any, max int64) bool {
	body := http.MaxBytesReader(w, r.Body, max)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if dec.More() {
			err = errors.New("more than one JSON value")
		} else if _, e := io.Copy(io.Discard, body); e != nil {
			err = e
		}
	}
	var tooBig *http.MaxBytesError
	switch {
	case err == nil:
		return true
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Errorf("request body over %d bytes", max))
	case errors.Is(err, io.EOF):
		writeError(w, http.StatusBadRequest, errors.New("request body is empty: want JSON"))
	default:
		writeError(w, http.StatusBadRequest, fmt.Errorf("request body: %v", err))
	}
	return false
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // the client went away, or the deadline passed: nothing to do
}

func writeError(w http.ResponseWriter, code int, err error) {
	writeJSON(w, code, Error{Error: err.Error()})
}
