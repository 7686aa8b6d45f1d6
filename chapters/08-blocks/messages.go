package blocks

import (
	wire "peerchain/chapters/02-wire"
	transactions "peerchain/chapters/07-transactions"
)

// BlockItem is the broadcast item type of blocks: Bitcoin's MSG_BLOCK.
// A block's item ID is broadcast.ID(b.Hash()).
const BlockItem = 2

// Messages returns the factories of this chapter's messages, to
// register beside the earlier chapters'.
func Messages() []func() wire.Message {
	return []func() wire.Message{
		func() wire.Message { return new(MsgBlock) },
		func() wire.Message { return new(MsgHeaders) },
		func() wire.Message { return new(MsgGetHeaders) },
		func() wire.Message { return new(MsgSendHeaders) },
	}
}

// Registry is chapter 07's registry with this chapter's messages.
func Registry() (*wire.Registry, error) {
	r, err := transactions.Registry()
	if err != nil {
		return nil, err
	}
	if err := r.Register(Messages()...); err != nil {
		return nil, err
	}
	return r, nil
}
