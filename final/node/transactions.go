package node

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	simulation "peerchain/chapters/04-simulation"
	discovery "peerchain/chapters/05-discovery"
	broadcast "peerchain/chapters/06-broadcast"
	transactions "peerchain/chapters/07-transactions"
	"peerchain/final/api"
)

// submitRequest is a transaction from the API, on its way to the
// relay as a transactions.Submit. The machine answers it on reply, which
// has room for its one answer: nil when the mempool took it, else the
// relay's reason.
type submitRequest struct {
	tx    *transactions.Tx
	id    broadcast.ID
	reply chan error
}

// errNoAnswer: the relay said nothing of a Submit, which it always
// answers.
var errNoAnswer = errors.New("the relay did not answer")

// unwrapSubmit turns a submitRequest for the relay into the Submit the
// relay takes, and returns the request to answer; any other event goes
// through as it is.
func unwrapSubmit(ev simulation.Event) (*submitRequest, simulation.Event) {
	local, ok := ev.(simulation.Local)
	if !ok {
		return nil, ev
	}
	in, ok := local.Value.(discovery.Input)
	if !ok {
		return nil, ev
	}
	req, ok := in.Value.(submitRequest)
	if !ok {
		return nil, ev
	}
	return &req, simulation.Local{Value: discovery.Input{To: transactions.Name,
		Value: transactions.Submit{Tx: req.tx}}}
}

// docs:begin submit-tx

// SubmitTx implements api.Backend: the bytes become a transaction,
// handed to the relay as local input; the machine answers with what the
// mempool said of it.
func (n *Node) SubmitTx(ctx context.Context, raw []byte) (api.TxAccepted, error) {
	tx, err := transactions.ParseTx(raw)
	if err != nil {
		return api.TxAccepted{}, api.BadRequest(fmt.Errorf("tx: %w", err))
	}
	id := tx.ID()
	req := submitRequest{tx: tx, id: id, reply: make(chan error, 1)}
	if err := n.inject(ctx, transactions.Name, req); err != nil {
		return api.TxAccepted{}, err
	}
	select {
	case err := <-req.reply:
		if err != nil {
			return api.TxAccepted{}, api.BadRequest(err)
		}
		return api.TxAccepted{ID: id.Hex()}, nil
	case <-ctx.Done():
		return api.TxAccepted{}, ctx.Err()
	}
}

// docs:end submit-tx

// Mempool implements api.Backend.
func (n *Node) Mempool(ctx context.Context) (api.Mempool, error) {
	return query(ctx, n, func(m *Machine, _ time.Time) api.Mempool { return m.MempoolList() })
}

// Account implements api.Backend.
func (n *Node) Account(ctx context.Context, addr string) (api.Account, error) {
	a, err := transactions.ParseAddress(addr)
	if err != nil {
		return api.Account{}, api.BadRequest(err)
	}
	return query(ctx, n, func(m *Machine, _ time.Time) api.Account { return m.AccountOf(a) })
}

// MempoolList is the mempool in the API's terms: the transactions in the
// order its selection (the lab's, with --lab 07) takes the whole pool.
// Only the loop may call it.
func (m *Machine) MempoolList() api.Mempool {
	pool := m.relay.Mempool()
	out := api.Mempool{Count: pool.Len(), Bytes: pool.Bytes(), Txs: []api.Tx{}}
	for _, tx := range pool.Select(transactions.Limit{}) {
		if len(out.Txs) == api.MaxMempoolTxs {
			break
		}
		out.Txs = append(out.Txs, txAPI(tx))
	}
	return out
}

// AccountOf is an address's account and its pending transactions, in
// the API's terms. Only the loop may call it.
func (m *Machine) AccountOf(a transactions.Address) api.Account {
	pool := m.relay.Mempool()
	acc := m.relay.State().Account(a)
	return api.Account{Address: a.String(), Balance: acc.Balance, Nonce: acc.Nonce,
		Pending: len(pool.Pending(a)), Spendable: pool.Spendable(a), NextNonce: pool.NextNonce(a)}
}

// txAPI is a transaction in the API's terms.
func txAPI(tx *transactions.Tx) api.Tx {
	return api.Tx{ID: tx.ID().Hex(), From: tx.Sender().String(), To: tx.To.String(),
		Amount: tx.Amount, Fee: tx.Fee, FeeRate: transactions.RateOf(tx).PerByte(),
		Size: tx.Size(), Nonce: tx.Nonce, Memo: memoText(tx.Memo)}
}

// memoText is a memo as text that is safe to print: Go's quoting,
// without the quotes.
func memoText(memo []byte) string {
	if len(memo) == 0 {
		return ""
	}
	q := strconv.Quote(string(memo))
	return q[1 : len(q)-1]
}
