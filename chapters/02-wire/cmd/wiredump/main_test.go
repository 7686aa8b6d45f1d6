package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"io"
	"peerchain/tools/command/commandtest"
	"strings"
	"testing"
	"time"

	"github.com/fatih/color"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
)

func TestMain(m *testing.M) { commandtest.Main(m) }

// Messages as hex, as a learner would paste them.
const (
	// The Bitcoin wiki's verack, and its version (Bitcoin 0.7.2, 2012).
	bitcoinVerack  = "f9beb4d9 76657261636b000000000000 00000000 5df6e0e2"
	bitcoinVersion = "f9beb4d9 76657273696f6e0000000000 64000000 358d4932" +
		" 62ea0000 0100000000000000 11b2d05000000000" +
		" 0100000000000000 00000000000000000000ffff00000000 0000" +
		" 0000000000000000 00000000000000000000ffff00000000 0000" +
		" 3b2eb35d8ce61765 0f2f5361746f7368693a302e372e322f c03e0300"
	peerchainPing = "fec3b0d1 70696e670000000000000000 08000000 33bc15e5 efcdab8967452301"
	devnetPong    = "fc8ed5b6 706f6e670000000000000000 08000000 33bc15e5 efcdab8967452301"
	unknownMsg    = "fec3b0d1 6d656d706f6f6c0000000000 03000000 00000000 010203"
)

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	require.NoError(t, err)
	return b
}

// wiredumpRun runs the command and returns what it printed and its error.
func wiredumpRun(t *testing.T, stdin io.Reader, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), append([]string{"wiredump"}, args...), stdin, &out)
	return out.String(), err
}

func TestWiredump(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		stdin string
		want  []string // lines, or parts of lines, in this order
	}{
		{
			name: "bitcoin verack as one argument",
			args: []string{strings.ReplaceAll(bitcoinVerack, " ", "")},
			want: []string{
				"message 1 at byte 0",
				"network           bitcoin main (magic f9beb4d9)",
				"command           verack",
				"length            0 bytes",
				"checksum          5df6e0e2",
				"1 message, 24 bytes",
			},
		},
		{
			name: "bitcoin version in pieces",
			args: strings.Fields(bitcoinVersion),
			want: []string{
				"command           version",
				"length            100 bytes",
				"protocol version  60002",
				"services          0x1",
				"timestamp         1355854353 (2012-12-18 18:12:33 UTC)",
				"addr recv         0.0.0.0:0, services 0x1",
				"addr from         0.0.0.0:0, services 0x0",
				"nonce             0x6517e68c5db32e3b",
				`user agent        "/Satoshi:0.7.2/"`,
				"start height      212672",
				"relay             true (not sent: a version from before BIP 37)",
				"1 message, 124 bytes",
			},
		},
		{
			name:  "hex on stdin, across lines",
			stdin: peerchainPing + "\n" + devnetPong + "\n",
			want: []string{
				"message 1 at byte 0",
				"network           peerchain main (magic fec3b0d1)",
				"command           ping",
				"nonce             0x0123456789abcdef",
				"message 2 at byte 32",
				"network           peerchain devnet (magic fc8ed5b6)",
				"command           pong",
				"2 messages, 64 bytes",
			},
		},
		{
			name: "unknown command shown and skipped",
			args: []string{unknownMsg, peerchainPing},
			want: []string{
				"command           mempool",
				"payload           010203 (unknown command: not decoded)",
				"message 2 at byte 27",
				"command           ping",
				"2 messages, 59 bytes",
			},
		},
		{
			name:  "no input",
			stdin: " \n",
			want:  []string{"0 messages, 0 bytes"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := wiredumpRun(t, strings.NewReader(tt.stdin), tt.args...)
			require.NoError(t, err, "output:\n%s", out)
			assertInOrder(t, out, tt.want)
		})
	}
}

// assertInOrder checks that each of want appears in out, after the one
// before it.
func assertInOrder(t *testing.T, out string, want []string) {
	t.Helper()
	rest := out
	for _, w := range want {
		i := strings.Index(rest, w)
		if !assert.GreaterOrEqual(t, i, 0, "%q missing, or out of order, in:\n%s", w, out) {
			return
		}
		rest = rest[i+len(w):]
	}
}

func TestWiredumpRaw(t *testing.T) {
	stream := append(unhex(t, bitcoinVerack), unhex(t, bitcoinVersion)...)
	out, err := wiredumpRun(t, bytes.NewReader(stream), "--raw")
	require.NoError(t, err)
	assertInOrder(t, out, []string{
		"command           verack",
		"message 2 at byte 24",
		"command           version",
		"2 messages, 148 bytes",
	})
}

func TestWiredumpErrors(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		stdin   string
		wantErr error  // nil: no sentinel to check
		wantMsg string // the error's text
		wantOut []string
	}{
		{
			name:    "bad checksum",
			args:    []string{"fec3b0d1 70696e670000000000000000 08000000 33bc15e5 efcdab8967452300"},
			wantErr: wire.ErrBadChecksum,
			wantMsg: "byte 20: bad checksum: header says 33bc15e5, payload hashes to 96c4e680",
			wantOut: []string{"command           ping", "checksum          33bc15e5"},
		},
		{
			name:    "bad magic",
			args:    []string{"01020304 70696e670000000000000000 08000000 33bc15e5 efcdab8967452301"},
			wantErr: wire.ErrBadMagic,
			wantMsg: "byte 0: bad magic: 01020304 is no network wiredump knows",
		},
		{
			name:    "bad magic before a bad command",
			args:    []string{"01020304 0000000000000000000000ff"},
			wantErr: wire.ErrBadMagic,
			wantMsg: "byte 0: bad magic",
		},
		{
			name:    "bad command",
			args:    []string{"fec3b0d1 70690a670000000000000000 00000000 5df6e0e2"},
			wantErr: wire.ErrBadCommand,
			wantMsg: "byte 6: bad command: byte 0x0a is not visible ASCII",
		},
		{
			name:    "second message cut off",
			args:    []string{peerchainPing, "fec3b0d1 706f6e670000000000000000 08000000 33bc15e5 efcd"},
			wantErr: io.ErrUnexpectedEOF,
			wantMsg: "byte 58: unexpected EOF: the payload ends after 2 of 8 bytes",
			wantOut: []string{"message 2 at byte 32"},
		},
		{
			name:    "header cut off",
			args:    []string{"fec3b0d1 7069"},
			wantErr: io.ErrUnexpectedEOF,
			wantMsg: "byte 6: unexpected EOF: the header ends after 6 of 24 bytes",
		},
		{
			name:    "too large",
			args:    []string{"fec3b0d1 70696e670000000000000000 ffffffff 00000000"},
			wantErr: wire.ErrPayloadTooLarge,
			wantMsg: "byte 16: payload too large: header claims 4294967295 bytes, limit 4194304",
		},
		{
			name:    "not hex",
			args:    []string{"f9be", "b4dz"},
			wantMsg: `hex digit 8 is "z", not a hex digit`,
		},
		{
			name:    "odd number of digits",
			stdin:   "f9beb4d97",
			wantMsg: "9 hex digits: an odd number, so one is missing or extra",
		},
		{
			name:    "raw with arguments",
			args:    []string{"--raw", "f9beb4d9"},
			wantMsg: "--raw reads stdin: give no hex arguments",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := wiredumpRun(t, strings.NewReader(tt.stdin), tt.args...)
			require.Error(t, err)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
			}
			assert.Contains(t, err.Error(), tt.wantMsg)
			assertInOrder(t, out, tt.wantOut)
		})
	}
}

func TestWiredumpColor(t *testing.T) {
	t.Cleanup(func() { color.NoColor = true })
	tests := []struct {
		name      string
		args      []string
		wantColor bool
	}{
		{name: "in colour", args: []string{bitcoinVerack}, wantColor: true},
		{name: "no-color flag", args: []string{"--no-color", bitcoinVerack}, wantColor: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			color.NoColor = false // as on a terminal without NO_COLOR
			out, err := wiredumpRun(t, strings.NewReader(""), tt.args...)
			require.NoError(t, err)
			assert.Equal(t, tt.wantColor, strings.Contains(out, "\x1b["), "escape codes in:\n%q", out)
			assert.Contains(t, out, "bitcoin main")
		})
	}
}

// TestWiredumpInterrupt: Ctrl-C while a raw dump waits for input ends it
// quietly, and leaves no goroutine behind.
func TestWiredumpInterrupt(t *testing.T) {
	stdin, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var out bytes.Buffer
	go func() { done <- run(ctx, []string{"wiredump", "--raw"}, stdin, &out) }()

	_, err := w.Write(unhex(t, peerchainPing)) // one message, then silence
	require.NoError(t, err)
	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
		assert.Contains(t, out.String(), "command           ping")
	case <-time.After(5 * time.Second):
		t.Fatal("wiredump did not stop when interrupted")
	}
}

func TestWiredumpHelp(t *testing.T) {
	out, err := wiredumpRun(t, strings.NewReader(""), "--help")
	require.NoError(t, err)
	assert.Contains(t, out, "--raw")
	assert.Contains(t, out, "--no-color")
}
