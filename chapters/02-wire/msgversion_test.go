package wire

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"peerchain/tools/testbytes"
)

// wikiVersionPayload is the payload of the version message in the "version"
// section of the Bitcoin wiki's Protocol documentation
// (https://en.bitcoin.it/wiki/Protocol_documentation#version): Bitcoin
// 0.7.2 (protocol 60002) dialing a local peer in December 2012. It predates
// BIP 37 and has no relay flag. (The wiki's field-by-field breakdown says
// the sender's services are 1, but its hex dump, which the checksum
// 358d4932 matches, has 0.)
var wikiVersionPayload = testbytes.MustHex(`
	62ea0000                                          # protocol 60002
	0100000000000000                                  # services: NODE_NETWORK
	11b2d05000000000                                  # 2012-12-18 18:12:33 UTC
	0100000000000000 00000000000000000000ffff00000000 0000   # addr recv
	0000000000000000 00000000000000000000ffff00000000 0000   # addr from
	3b2eb35d8ce61765                                  # nonce
	0f 2f5361746f7368693a302e372e322f                 # "/Satoshi:0.7.2/"
	c03e0300                                          # start height 212672
`)

// core22VersionPayload is the payload of a version message sent by Bitcoin
// Core 22.0 in October 2021, from the test data of bitcodec-bitcoin-p2p
// (github.com/22388o/bitcodec-bitcoin-p2p, tests/data/version_message.ts).
// It carries the relay flag, and an addr from of [::]:0.
var core22VersionPayload = testbytes.MustHex(`
	80110100                                          # protocol 70016
	0904000000000000                                  # services 0x409
	e577646100000000                                  # 2021-10-11 17:44:05 UTC
	0000000000000000 00000000000000000000ffff1fdf0364 085e   # 31.223.3.100:2142
	0904000000000000 00000000000000000000000000000000 0000   # [::]:0
	72036dbc6d407f7f                                  # nonce
	10 2f5361746f7368693a32322e302e302f               # "/Satoshi:22.0.0/"
	26c00a00                                          # start height 704550
	01                                                # relay
`)

var (
	wikiVersion = &MsgVersion{
		ProtocolVersion: 60002,
		Services:        1,
		Timestamp:       1355854353,
		AddrRecv:        NetAddress{Services: 1, Addr: netip.MustParseAddrPort("0.0.0.0:0")},
		AddrFrom:        NetAddress{Services: 0, Addr: netip.MustParseAddrPort("0.0.0.0:0")},
		Nonce:           0x6517e68c5db32e3b,
		UserAgent:       "/Satoshi:0.7.2/",
		StartHeight:     212672,
		Relay:           true, // absent, so true
	}
	core22Version = &MsgVersion{
		ProtocolVersion: 70016,
		Services:        0x409,
		Timestamp:       1633974245,
		AddrRecv:        NetAddress{Services: 0, Addr: netip.MustParseAddrPort("31.223.3.100:2142")},
		AddrFrom:        NetAddress{Services: 0x409, Addr: netip.MustParseAddrPort("[::]:0")},
		Nonce:           0x7f7f406dbc6d0372,
		UserAgent:       "/Satoshi:22.0.0/",
		StartHeight:     704550,
		Relay:           true,
	}
	// peerchainVersion is what a devnet node on 127.0.0.1:7001 sent to
	// one on 127.0.0.1:7002 when peerchain numbered its protocol from 1,
	// before it took Bitcoin's numbers: still a valid version message.
	peerchainVersion = &MsgVersion{
		ProtocolVersion: 1,
		Timestamp:       1735689600, // 2025-01-01 00:00:00 UTC
		AddrRecv:        NetAddress{Addr: netip.MustParseAddrPort("127.0.0.1:7002")},
		AddrFrom:        NetAddress{Addr: netip.MustParseAddrPort("127.0.0.1:7001")},
		Nonce:           0x1122334455667788,
		UserAgent:       "/peerchain:0.2.0/",
		Relay:           true,
	}
)

// devnetVersion is what a devnet node on 127.0.0.1:7001 sends to one on
// 127.0.0.1:7002 today.
var devnetVersion = &MsgVersion{
	ProtocolVersion: ProtocolVersion,
	Timestamp:       1735689600, // 2025-01-01 00:00:00 UTC
	AddrRecv:        NetAddress{Addr: netip.MustParseAddrPort("127.0.0.1:7002")},
	AddrFrom:        NetAddress{Addr: netip.MustParseAddrPort("127.0.0.1:7001")},
	Nonce:           0x1122334455667788,
	UserAgent:       "/peerchain:0.2.0/",
	Relay:           true,
}

var devnetVersionPayload = testbytes.MustHex(`
	80110100                                          # protocol 70016
	0000000000000000                                  # no services
	8085746700000000                                  # 2025-01-01 00:00:00 UTC
	0000000000000000 00000000000000000000ffff7f000001 1b5a   # 127.0.0.1:7002
	0000000000000000 00000000000000000000ffff7f000001 1b59   # 127.0.0.1:7001
	8877665544332211                                  # nonce
	11 2f70656572636861696e3a302e322e302f             # "/peerchain:0.2.0/"
	00000000                                          # start height 0
	01                                                # relay
`)

var peerchainVersionPayload = testbytes.MustHex(`
	01000000                                          # protocol 1
	0000000000000000                                  # no services
	8085746700000000                                  # 2025-01-01 00:00:00 UTC
	0000000000000000 00000000000000000000ffff7f000001 1b5a   # 127.0.0.1:7002
	0000000000000000 00000000000000000000ffff7f000001 1b59   # 127.0.0.1:7001
	8877665544332211                                  # nonce
	11 2f70656572636861696e3a302e322e302f             # "/peerchain:0.2.0/"
	00000000                                          # start height 0
	01                                                # relay
`)

func newVersion() Message { return new(MsgVersion) }

var versionTests = []payloadTest{
	{
		name:    "bitcoin wiki, no relay flag",
		msg:     wikiVersion,
		payload: wikiVersionPayload,
		encoded: cat(wikiVersionPayload, []byte{1}), // we always send it
	},
	{
		name:     "bitcoin core 22.0",
		msg:      core22Version,
		payload:  core22VersionPayload,
		optional: 1, // the relay flag
	},
	{
		name:     "peerchain devnet",
		msg:      devnetVersion,
		payload:  devnetVersionPayload,
		optional: 1,
	},
	{
		name:     "peerchain, protocol 1",
		msg:      peerchainVersion,
		payload:  peerchainVersionPayload,
		optional: 1,
	},
	{
		name: "ipv6, relay off, negative fields",
		msg: &MsgVersion{
			ProtocolVersion: 0xffffffff,
			Services:        1<<64 - 1,
			Timestamp:       -1,
			AddrRecv:        NetAddress{Services: 1, Addr: netip.MustParseAddrPort("[2001:db8::1]:8333")},
			AddrFrom:        NetAddress{Services: 2, Addr: netip.MustParseAddrPort("[::1]:65535")},
			StartHeight:     -1,
		},
		payload: testbytes.MustHex(`
			ffffffff ffffffffffffffff ffffffffffffffff
			0100000000000000 20010db8000000000000000000000001 208d
			0200000000000000 00000000000000000000000000000001 ffff
			0000000000000000 00 ffffffff 00`),
		optional: 1,
	},
	{
		name: "longest user agent",
		msg: &MsgVersion{
			AddrRecv:  NetAddress{Addr: netip.MustParseAddrPort("0.0.0.0:0")},
			AddrFrom:  NetAddress{Addr: netip.MustParseAddrPort("0.0.0.0:0")},
			UserAgent: strings.Repeat("x", MaxUserAgentLen),
		},
		payload: cat(
			testbytes.MustHex(`00000000 0000000000000000 0000000000000000
				0000000000000000 00000000000000000000ffff00000000 0000
				0000000000000000 00000000000000000000ffff00000000 0000
				0000000000000000 fd0001`),
			bytes.Repeat([]byte("x"), MaxUserAgentLen),
			testbytes.MustHex("00000000 00")),
		optional: 1,
	},
}

func TestMsgVersionWire(t *testing.T)       { testPayloadWire(t, newVersion, versionTests) }
func TestMsgVersionWireErrors(t *testing.T) { testPayloadWireErrors(t, newVersion, versionTests) }
func FuzzMsgVersion(f *testing.F)           { fuzzPayload(f, newVersion, versionTests, []byte{1}) }

// TestProtocolVersions checks the numbers against Bitcoin's: a Bitcoin
// node must accept ours, and we must accept every Bitcoin node whose pong
// answers our ping.
func TestProtocolVersions(t *testing.T) {
	const (
		btcdMin      = 209   // btcd's peer.MinAcceptableProtocolVersion
		coreMin      = 31800 // Bitcoin Core's MIN_PEER_PROTO_VERSION
		bip31Version = 60001 // BIP 31: pong
		core21       = 70016 // Bitcoin Core 0.21 and later
	)
	assert.GreaterOrEqual(t, ProtocolVersion, uint32(max(btcdMin, coreMin)), "Bitcoin nodes accept us")
	assert.Equal(t, uint32(core21), ProtocolVersion)
	assert.Equal(t, uint32(bip31Version), MinProtocolVersion)
	assert.LessOrEqual(t, MinProtocolVersion, ProtocolVersion, "we accept ourselves")
	assert.GreaterOrEqual(t, WtxidRelayVersion, MinProtocolVersion)
}

func TestMsgVersionMaxPayload(t *testing.T) {
	longest := versionTests[len(versionTests)-1]
	require.Equal(t, MaxUserAgentLen, len(longest.msg.(*MsgVersion).UserAgent))
	assert.Equal(t, len(longest.payload), maxVersionPayload)
	assert.Equal(t, uint32(maxVersionPayload), new(MsgVersion).MaxPayload())
}

func TestMsgVersionDecodeErrors(t *testing.T) {
	// fixed is the part of a version payload before the user agent.
	fixed := wikiVersionPayload[:versionFixedLen]
	tests := []struct {
		name    string
		payload []byte
		wantErr error
	}{
		{name: "user agent one byte too long", payload: cat(fixed, testbytes.MustHex("fd0101")), wantErr: ErrTooLong},
		{name: "user agent claims 4 GiB", payload: cat(fixed, testbytes.MustHex("feffffffff")), wantErr: ErrTooLong},
		{name: "user agent length not minimal", payload: cat(fixed, testbytes.MustHex("fd0f00")), wantErr: ErrNonCanonical},
		{name: "relay flag 2", payload: cat(peerchainVersionPayload[:len(peerchainVersionPayload)-1], []byte{2}), wantErr: ErrNonCanonical},
		{name: "relay flag ff", payload: cat(peerchainVersionPayload[:len(peerchainVersionPayload)-1], []byte{0xff}), wantErr: ErrNonCanonical},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := new(MsgVersion).Decode(bytes.NewReader(tt.payload))
			assert.ErrorIs(t, err, tt.wantErr)
		})
	}
}

func TestMsgVersionEncodeErrors(t *testing.T) {
	msg := &MsgVersion{UserAgent: strings.Repeat("x", MaxUserAgentLen+1)}
	var buf bytes.Buffer
	err := msg.Encode(&buf)
	assert.ErrorIs(t, err, ErrTooLong)
	assert.Zero(t, buf.Len(), "nothing written")
}
