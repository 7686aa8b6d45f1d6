package devnet

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	wire "peerchain/chapters/02-wire"
	transactions "peerchain/chapters/07-transactions"
	"peerchain/final/api"
	"peerchain/final/node"
)

// The transfer generator's bounds.
const (
	// MaxTxRate bounds Config.TxRate: a hundred transfers a second
	// fill every devnet wallet's share of a mempool in ten seconds.
	MaxTxRate = 100
	// TransferTimeout bounds each request of one transfer.
	TransferTimeout = time.Second
	// maxTransferAmount bounds what one test transfer moves: a
	// devnet wallet pays a billion of them before it runs dry.
	maxTransferAmount = 1000
	// maxAnswer bounds an answer the generator reads.
	maxAnswer = 64 << 10
	// transferFeeRate is what a test transfer pays a byte: the
	// wallet's default, twice the least a mempool takes.
	transferFeeRate = 2 * transactions.DefaultMinFeeRate
)

// WalletsDir is where, in a devnet's directory, its wallets' key files
// are.
const WalletsDir = "wallets"

// WalletFile is devnet wallet i's key file's name.
func WalletFile(i int) string { return fmt.Sprintf("wallet-%d.key", i) }

// WriteWallets writes the devnet wallets' keys (node.DevnetKey) to
// dir/wallets, each in a file only its owner can read, and returns
// their paths. A file there already must hold its wallet's key: one
// kept from an earlier run on the same directory.
func WriteWallets(dir string) ([]string, error) {
	wdir := filepath.Join(dir, WalletsDir)
	if err := os.MkdirAll(wdir, 0o700); err != nil {
		return nil, err
	}
	paths := make([]string, 0, node.DevnetWallets)
	for i := 1; i <= node.DevnetWallets; i++ {
		path := filepath.Join(wdir, WalletFile(i))
		k := node.DevnetKey(i)
		err := transactions.SaveKey(path, k)
		if errors.Is(err, transactions.ErrKeyFileExists) {
			old, lerr := transactions.LoadKey(path)
			if lerr != nil {
				return nil, lerr
			}
			if old.Address() != k.Address() {
				return nil, fmt.Errorf("%s holds the key of %s, not devnet wallet %d's; move it away",
					path, old.Address(), i)
			}
			err = nil
		}
		if err != nil {
			return nil, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// docs:begin devnet-transfer

// transfer sends a test transfer between two devnet wallets chosen at
// random, through a node chosen at random among those up, as `peerchain
// wallet send` would: it asks the node for the sender's next nonce,
// signs, and posts. It reports the outcome as an event.
func (s *supervisor) transfer(ctx context.Context) {
	up := s.upNodes()
	if len(up) == 0 {
		return
	}
	from := 1 + s.rng.IntN(node.DevnetWallets)
	to := 1 + s.rng.IntN(node.DevnetWallets-1)
	if to >= from {
		to++
	}
	at, acc, err := s.entry(ctx, up, from)
	if ctx.Err() != nil {
		return // stopping: a request cut short is nobody's refusal
	}
	if err != nil {
		s.held++
		s.cfg.OnEvent(Event{Kind: TransferHeld, Wallet: from, Payee: to,
			Err: err})
		return
	}
	tx := &transactions.Tx{Chain: wire.DevNet, Nonce: acc.NextNonce,
		To:     node.DevnetKey(to).Address(),
		Amount: 1 + s.rng.Uint64N(maxTransferAmount),
		Memo:   fmt.Appendf(nil, "devnet transfer %d", s.sent+s.refused+1)}
	tx.Fee = transferFeeRate * uint64(tx.Size())
	tx.Sign(node.DevnetKey(from))
	err = s.postTx(ctx, at, tx)
	if ctx.Err() != nil {
		return // stopping, as above
	}
	if err != nil {
		s.refused++
	} else {
		s.sent++
		s.nonces[from] = tx.Nonce + 1
	}
	s.cfg.OnEvent(Event{Node: at, Name: Name(at), Kind: Transferred,
		PID: s.states[at].PID, Item: tx.ID().Hex(), Wallet: from, Payee: to,
		Amount: tx.Amount, Nonce: tx.Nonce, Err: err})
}

// entry picks the node to send wallet from's transfer to, and asks it
// for the wallet's account. A node whose next nonce is below what the
// devnet has had accepted already (it restarted and lacks some, or has
// not heard of the last yet) would take a transfer the others refuse:
// the devnet asks another. A sender the mempool will take no more of is
// held back.
func (s *supervisor) entry(ctx context.Context, up []int, from int) (
	int, api.Account, error) {
	addr := node.DevnetKey(from).Address()
	var askErr error
	behind := false
	for _, i := range shuffled(up, s.rng) {
		acc, err := s.account(ctx, i, addr)
		switch {
		case err != nil:
			askErr = fmt.Errorf("%s: %w", Name(i), err)
		case acc.NextNonce < s.nonces[from]:
			behind = true
		case acc.Pending >= transactions.DefaultMaxPerSender:
			return 0, acc, fmt.Errorf("wallet-%d has %d transfers pending, "+
				"the most a mempool takes of one sender", from, acc.Pending)
		default:
			return i, acc, nil
		}
	}
	if !behind {
		return 0, api.Account{}, fmt.Errorf("no node up could say wallet-%d's "+
			"next nonce: %w", from, askErr)
	}
	return 0, api.Account{}, fmt.Errorf("no node up has seen wallet-%d's "+
		"transfer of nonce %d yet", from, s.nonces[from]-1)
}

// docs:end devnet-transfer

// upNodes are the nodes running whose API answered the last poll.
func (s *supervisor) upNodes() []int {
	var up []int
	for i, st := range s.states {
		if st.Up && s.kids[i] != nil {
			up = append(up, i)
		}
	}
	return up
}

// shuffled is a copy of list in random order.
func shuffled(list []int, r interface{ Perm(int) []int }) []int {
	out := make([]int, len(list))
	for i, j := range r.Perm(len(list)) {
		out[i] = list[j]
	}
	return out
}

// account asks node i for an account.
func (s *supervisor) account(ctx context.Context, i int, a transactions.Address) (api.Account, error) {
	var acc api.Account
	err := s.request(ctx, i, "GET", "/accounts/"+a.String(), nil, &acc)
	return acc, err
}

// postTx posts a transaction to node i, with the token from its cookie
// file.
func (s *supervisor) postTx(ctx context.Context, i int, tx *transactions.Tx) error {
	raw, err := tx.Bytes()
	if err != nil {
		return err
	}
	body, err := json.Marshal(api.TxRequest{Tx: hex.EncodeToString(raw)})
	if err != nil {
		return err
	}
	var got api.TxAccepted
	return s.request(ctx, i, "POST", "/tx", body, &got)
}

// request makes one call to node i's API, with its token if there is a
// body, and decodes a 2xx answer into out.
func (s *supervisor) request(ctx context.Context, i int, method, path string, body []byte, out any) error {
	ctx, cancel := context.WithTimeout(ctx, TransferTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, "http://"+s.states[i].API+api.Version+path,
		bytes.NewReader(body))
	if err != nil {
		return err
	}
	if body != nil {
		token, err := api.ReadCookie(filepath.Join(s.cfg.nodeDir(i), api.CookieFile))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		var e api.Error
		if json.Unmarshal(raw, &e) == nil && e.Error != "" {
			return fmt.Errorf("%s: %s", resp.Status, e.Error)
		}
		return errors.New(resp.Status)
	}
	return json.Unmarshal(raw, out)
}
