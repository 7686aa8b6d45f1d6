package sync

import (
	wire "peerchain/chapters/02-wire"
	blocks "peerchain/chapters/08-blocks"
)

// Messages returns the factories of this chapter's messages, to
// register beside the earlier chapters'.
func Messages() []func() wire.Message {
	return []func() wire.Message{
		func() wire.Message { return new(MsgGetBlockData) },
		func() wire.Message { return new(MsgBlockNotFound) },
	}
}

// Registry is chapter 08's registry with this chapter's messages.
func Registry() (*wire.Registry, error) {
	r, err := blocks.Registry()
	if err != nil {
		return nil, err
	}
	if err := r.Register(Messages()...); err != nil {
		return nil, err
	}
	return r, nil
}
