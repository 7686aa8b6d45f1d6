package devnet

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"time"

	"peerchain/final/api"
)

// PublishTimeout bounds one POST of a test item.
const PublishTimeout = time.Second

// maxPublishAnswer bounds the answer the devnet reads.
const maxPublishAnswer = 64 << 10

// docs:begin devnet-publish

// publish posts a test item to a node chosen at random among those up,
// with the token from its cookie file, as a user would with curl. It
// reports the outcome as a Published event; with no node up, it waits
// for the next tick.
func (s *supervisor) publish(ctx context.Context) {
	var up []int
	for i, st := range s.states {
		if st.Up && s.kids[i] != nil {
			up = append(up, i)
		}
	}
	if len(up) == 0 {
		return
	}
	i := up[rand.IntN(len(up))]
	s.published++
	data := fmt.Sprintf("devnet item %d, published at %s at %s",
		s.published, Name(i), time.Now().Format(time.RFC3339Nano))
	p, err := s.post(ctx, i, []byte(data))
	if ctx.Err() != nil {
		s.published-- // stopping: cut short, not published
		return
	}
	s.cfg.OnEvent(Event{Node: i, Name: Name(i), Kind: Published,
		PID: s.states[i].PID, Item: p.ID, Size: p.Size, Err: err})
}

// docs:end devnet-publish

// post sends one item to node i's API.
func (s *supervisor) post(ctx context.Context, i int, data []byte) (api.Published, error) {
	var p api.Published
	token, err := api.ReadCookie(filepath.Join(s.cfg.nodeDir(i), api.CookieFile))
	if err != nil {
		return p, err
	}
	ctx, cancel := context.WithTimeout(ctx, PublishTimeout)
	defer cancel()
	url := "http://" + s.states[i].API + api.Version + "/items"
	req, err := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(data))
	if err != nil {
		return p, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := s.client.Do(req)
	if err != nil {
		return p, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxPublishAnswer))
	if err != nil {
		return p, err
	}
	if resp.StatusCode != http.StatusAccepted && resp.StatusCode != http.StatusOK {
		var e api.Error
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			return p, fmt.Errorf("publish: %s: %s", resp.Status, e.Error)
		}
		return p, fmt.Errorf("publish: %s", resp.Status)
	}
	return p, json.Unmarshal(body, &p)
}
