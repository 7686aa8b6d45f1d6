package peers

import wire "peerchain/chapters/02-wire"

// docs:begin features

// Features are what a peer asked for between its version and its verack.
// peerchain uses neither yet; a later chapter that relays addresses or
// transactions reads them.
type Features struct {
	// AddrV2: it sent sendaddrv2 (BIP 155), and wants addresses in
	// addrv2 messages.
	AddrV2 bool
	// WtxidRelay: it sent wtxidrelay (BIP 339), and wants transactions
	// announced by witness hash. BIP 339 says to ignore the message from
	// a peer whose negotiated version is below wire.WtxidRelayVersion.
	WtxidRelay bool
}

// negotiates reports whether msg may come between version and verack: a
// feature message, or one the registry does not know (nil), which is
// skipped, since a newer node may negotiate features we have never heard
// of.
func negotiates(msg wire.Message) bool {
	switch msg.(type) {
	case nil, *wire.MsgSendAddrV2, *wire.MsgWtxidRelay:
		return true
	}
	return false
}

// note records the feature msg asks for, if we know it; negotiated is
// the protocol version both sides speak.
func (f *Features) note(msg wire.Message, negotiated uint32) {
	switch msg.(type) {
	case *wire.MsgSendAddrV2:
		f.AddrV2 = true
	case *wire.MsgWtxidRelay:
		f.WtxidRelay = negotiated >= wire.WtxidRelayVersion
	}
}

// docs:end features
