package broadcast

import wire "peerchain/chapters/02-wire"

// Commands of this chapter's messages.
const (
	CmdInv      = "inv"
	CmdGetData  = "getdata"
	CmdNotFound = "notfound"
	CmdItems    = "items"
	CmdPrune    = "prune"
)

// Messages returns the factories of this chapter's messages, to
// register beside chapter 02's and 05's:
//
//	reg, err := wire.NewRegistry(append(append(wire.BaseMessages(),
//		discovery.Messages()...), broadcast.Messages()...)...)
func Messages() []func() wire.Message {
	return []func() wire.Message{
		func() wire.Message { return new(MsgInv) },
		func() wire.Message { return new(MsgGetData) },
		func() wire.Message { return new(MsgNotFound) },
		func() wire.Message { return new(MsgItems) },
		func() wire.Message { return new(MsgPrune) },
	}
}
