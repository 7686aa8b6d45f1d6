package discovery

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	simulation "peerchain/chapters/04-simulation"
	"peerchain/tools/testalloc"
	"peerchain/tools/testbytes"
)

func addrEntry(t uint32, services uint64, ap string) AddrEntry {
	return AddrEntry{Time: t, NetAddress: wire.NetAddress{Services: services,
		Addr: netip.MustParseAddrPort(ap)}}
}

// payloadTest is a message and its payload, byte for byte.
type payloadTest struct {
	name    string
	msg     wire.Message
	payload []byte
}

var addrTests = []payloadTest{
	{name: "no addresses", msg: &MsgAddr{}, payload: testbytes.MustHex("00")},
	{name: "one IPv4 address", msg: &MsgAddr{Addrs: []AddrEntry{
		addrEntry(0x495fab29, 1, "203.0.113.7:8333"),
	}}, payload: testbytes.MustHex(`
		01                                  # count
		29ab5f49                            # time 1231006505, LE
		0100000000000000                    # services NODE_NETWORK
		00000000000000000000ffff cb007107   # ::ffff:203.0.113.7
		208d                                # port 8333, big-endian
	`)},
	{name: "IPv6 and a simulator address", msg: &MsgAddr{Addrs: []AddrEntry{
		addrEntry(1, 0x409, "[2001:db8::1]:18444"),
		addrEntry(0xffffffff, 0, "100.64.0.42:0"),
	}}, payload: testbytes.MustHex(`
		02
		01000000 0904000000000000
		20010db8000000000000000000000001 480c
		ffffffff 0000000000000000
		00000000000000000000ffff 6440002a 0000
	`)},
}

var getAddrTests = []payloadTest{
	{name: "empty", msg: &MsgGetAddr{}, payload: []byte{}},
}

func newAddr() wire.Message    { return new(MsgAddr) }
func newGetAddr() wire.Message { return new(MsgGetAddr) }

// TestMsgAddrWire is the first layer: each message encodes to its
// literal bytes and the bytes decode to it.
func TestMsgAddrWire(t *testing.T)    { testPayloadWire(t, newAddr, addrTests) }
func TestMsgGetAddrWire(t *testing.T) { testPayloadWire(t, newGetAddr, getAddrTests) }

// TestMsgAddrWireErrors is the second: a payload cut at any byte fails
// with io.ErrUnexpectedEOF, and a writer failing after any byte fails
// Encode.
func TestMsgAddrWireErrors(t *testing.T) { testPayloadWireErrors(t, newAddr, addrTests) }

func FuzzMsgAddr(f *testing.F)    { fuzzPayload(f, newAddr, addrTests) }
func FuzzMsgGetAddr(f *testing.F) { fuzzPayload(f, newGetAddr, getAddrTests) }

func testPayloadWire(t *testing.T, newMsg func() wire.Message, tests []payloadTest) {
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, tt.msg.Encode(&buf))
			assert.Equal(t, hex.EncodeToString(tt.payload), hex.EncodeToString(buf.Bytes()))
			assert.LessOrEqual(t, len(tt.payload), int(tt.msg.MaxPayload()))
			got := newMsg()
			require.NoError(t, got.Decode(bytes.NewReader(tt.payload)))
			assert.Equal(t, tt.msg, got)

			// And whole, in an envelope, through chapter 02's reader.
			reg, err := wire.NewRegistry(append(wire.BaseMessages(), Messages()...)...)
			require.NoError(t, err)
			var frame bytes.Buffer
			_, err = wire.WriteMessage(&frame, wire.DevNet, tt.msg)
			require.NoError(t, err)
			back, _, err := wire.ReadMessage(&frame, wire.DevNet, reg)
			require.NoError(t, err)
			assert.Equal(t, tt.msg, back)
		})
	}
}

func testPayloadWireErrors(t *testing.T, newMsg func() wire.Message, tests []payloadTest) {
	for _, tt := range tests {
		t.Run(tt.name+"/short reads", func(t *testing.T) {
			for cut := range len(tt.payload) {
				err := newMsg().Decode(bytes.NewReader(tt.payload[:cut]))
				assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "cut at %d", cut)
			}
		})
		t.Run(tt.name+"/short writes", func(t *testing.T) {
			for budget := range len(tt.payload) {
				w := &testbytes.FailWriter{Budget: budget}
				assert.ErrorIs(t, tt.msg.Encode(w), testbytes.ErrWrite, "fail after %d", budget)
				assert.Equal(t, hex.EncodeToString(tt.payload[:budget]), hex.EncodeToString(w.Buf.Bytes()), "fail after %d", budget)
			}
		})
	}
}

// fuzzPayload is the third layer: no payload makes Decode panic, every
// error names a known cause, and whatever decodes re-encodes to the
// bytes it used and decodes again to the same message.
func fuzzPayload(f *testing.F, newMsg func() wire.Message, tests []payloadTest) {
	for _, tt := range tests {
		f.Add(tt.payload)
	}
	f.Add(testbytes.MustHex("fde903")) // a count of 1,001
	f.Add(testbytes.MustHex("fd0100")) // a count not in its shortest form
	f.Fuzz(func(t *testing.T, payload []byte) {
		msg := newMsg()
		r := bytes.NewReader(payload)
		if err := msg.Decode(r); err != nil {
			for _, cause := range []error{io.ErrUnexpectedEOF, ErrTooManyAddrs, wire.ErrNonCanonical} {
				if errors.Is(err, cause) {
					return
				}
			}
			t.Fatalf("error %q has no known cause", err)
		}
		used := payload[:len(payload)-r.Len()]
		var buf bytes.Buffer
		require.NoError(t, msg.Encode(&buf))
		assert.Equal(t, hex.EncodeToString(used), hex.EncodeToString(buf.Bytes()), "re-encoded")
		again := newMsg()
		require.NoError(t, again.Decode(bytes.NewReader(buf.Bytes())))
		assert.Equal(t, msg, again)
	})
}

// TestMsgAddrLimits: more than MaxAddrPerMsg entries is refused both
// ways, and a count that claims many entries costs nothing until they
// arrive.
func TestMsgAddrLimits(t *testing.T) {
	t.Run("decode a count over the limit", func(t *testing.T) {
		var m MsgAddr
		err := m.Decode(bytes.NewReader(testbytes.MustHex("fde903")))
		assert.ErrorIs(t, err, ErrTooManyAddrs)
		assert.ErrorContains(t, err, "1001, limit 1000")
	})
	t.Run("encode over the limit", func(t *testing.T) {
		m := MsgAddr{Addrs: make([]AddrEntry, MaxAddrPerMsg+1)}
		var buf bytes.Buffer
		assert.ErrorIs(t, m.Encode(&buf), ErrTooManyAddrs)
		assert.Zero(t, buf.Len(), "nothing written")
	})
	t.Run("a full message fits MaxPayload", func(t *testing.T) {
		m := MsgAddr{Addrs: make([]AddrEntry, MaxAddrPerMsg)}
		assert.Equal(t, wire.HeaderSize+3+MaxAddrPerMsg*30, wire.EncodedSize(&m))
		assert.LessOrEqual(t, wire.EncodedSize(&m), wire.HeaderSize+int(m.MaxPayload()))
	})
	t.Run("a claimed count allocates nothing", func(t *testing.T) {
		claim := testbytes.MustHex("fde803") // 1,000 entries, then nothing
		var m MsgAddr
		errs := make([]error, 0, 100) // made before, so not counted
		got := testalloc.Bytes(func() {
			for range 100 {
				errs = append(errs, m.Decode(bytes.NewReader(claim)))
			}
		})
		for _, err := range errs {
			assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
		}
		assert.Zero(t, cap(m.Addrs))
		// 1,000 entries made up front would be 40 kB a decode.
		assert.Less(t, got, uint64(100*1024))
	})
	t.Run("non-canonical count", func(t *testing.T) {
		var m MsgAddr
		assert.ErrorIs(t, m.Decode(bytes.NewReader(testbytes.MustHex("fd0100"))), wire.ErrNonCanonical)
	})
}

func TestToWireAndBack(t *testing.T) {
	tests := []struct {
		name   string
		addr   simulation.Addr
		wire   string // "" if it cannot travel
		wantOK bool
	}{
		{name: "IPv4", addr: "203.0.113.7:8333", wire: "203.0.113.7:8333", wantOK: true},
		{name: "IPv6", addr: "[2001:db8::1]:8333", wire: "[2001:db8::1]:8333", wantOK: true},
		{name: "IPv4-mapped comes back as IPv4", addr: "[::ffff:1.2.3.4]:5", wire: "1.2.3.4:5", wantOK: true},
		{name: "loopback", addr: "127.0.0.1:7001", wire: "127.0.0.1:7001", wantOK: true},
		{name: "first simulator address", addr: "sim-0", wire: "100.64.0.0:0", wantOK: true},
		{name: "simulator address", addr: "sim-70000", wire: "100.65.17.112:0", wantOK: true},
		{name: "largest simulator address", addr: "sim-4194303", wire: "100.127.255.255:0", wantOK: true},
		{name: "simulator address too big", addr: "sim-4194304"},
		{name: "simulator address with a sign", addr: "sim-+5"},
		{name: "simulator address with a leading zero", addr: "sim-05"},
		{name: "negative", addr: "sim--1"},
		{name: "no port", addr: "203.0.113.7"},
		{name: "a name", addr: "seed.example.org:8333"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ap, ok := ToWire(tt.addr)
			require.Equal(t, tt.wantOK, ok)
			if !ok {
				return
			}
			assert.Equal(t, tt.wire, ap.String())
			back := FromWire(ap)
			if strings.HasPrefix(string(tt.addr), "sim-") {
				assert.Equal(t, tt.addr, back)
			} else {
				assert.Equal(t, simulation.Addr(tt.wire), back)
			}
		})
	}
	t.Run("100.64/10 with a real port is a real address", func(t *testing.T) {
		assert.Equal(t, simulation.Addr("100.64.0.5:8333"),
			FromWire(netip.MustParseAddrPort("100.64.0.5:8333")))
	})
}
