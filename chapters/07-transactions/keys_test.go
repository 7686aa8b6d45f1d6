package transactions

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"peerchain/tools/testbytes"
)

// TestKeyFromSeed: RFC 8032's first test vector, key and signature.
func TestKeyFromSeed(t *testing.T) {
	seed := [32]byte(testbytes.MustHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))
	k := KeyFromSeed(seed)
	require.True(t, k.Valid())
	assert.Equal(t, rfc8032Pub1, hex.EncodeToString(k.Public()))
	addr := k.Address()
	assert.Equal(t, rfc8032Addr1, hex.EncodeToString(addr[:]))
	assert.Equal(t, "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065"+
		"224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
		hex.EncodeToString(ed25519.Sign(k.priv, nil)))
	assert.False(t, Key{}.Valid(), "the zero Key")
}

// TestGenerateKey: a key is made from the random bytes it is given.
func TestGenerateKey(t *testing.T) {
	zeros := bytes.Repeat([]byte{0}, 32)
	ones := bytes.Repeat([]byte{1}, 32)
	tests := []struct {
		name    string
		random  []byte
		want    Key
		wantErr bool
	}{
		{name: "32 zero bytes", random: zeros, want: KeyFromSeed([32]byte(zeros))},
		{name: "32 one bytes", random: ones, want: fxKey(1)},
		{name: "31 bytes", random: ones[:31], wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := GenerateKey(bytes.NewReader(tt.random))
			if tt.wantErr {
				assert.ErrorContains(t, err, "generating a key")
				assert.False(t, k.Valid())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want.Public(), k.Public())
		})
	}
}

// TestSaveKey: a key file is new, its owner's only, and reads back as
// the key.
func TestSaveKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "wallet.key")
	k := fxKey(9)
	require.NoError(t, SaveKey(path, k))

	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o600), info.Mode().Perm())
	text, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "peerchain ed25519 seed\n"+strings.Repeat("09", 32)+"\n", string(text))

	back, err := LoadKey(path)
	require.NoError(t, err)
	assert.Equal(t, k.Public(), back.Public())

	t.Run("never overwrites", func(t *testing.T) {
		err := SaveKey(path, fxKey(10))
		assert.ErrorIs(t, err, ErrKeyFileExists)
		assert.ErrorContains(t, err, path)
		again, err := LoadKey(path)
		require.NoError(t, err)
		assert.Equal(t, k.Public(), again.Public(), "the first key is still there")
	})
	t.Run("no key", func(t *testing.T) {
		p := filepath.Join(dir, "none.key")
		assert.ErrorIs(t, SaveKey(p, Key{}), ErrKeyFile)
		assert.NoFileExists(t, p)
	})
	t.Run("no directory", func(t *testing.T) {
		assert.ErrorIs(t, SaveKey(filepath.Join(dir, "missing", "a.key"), k), fs.ErrNotExist)
	})
}

// TestLoadKeyMode: a key file that its group or others may read is
// refused, and the error says how to fix it.
func TestLoadKeyMode(t *testing.T) {
	tests := []struct {
		name    string
		mode    fs.FileMode
		wantErr bool
	}{
		{name: "0600", mode: 0o600},
		{name: "0400", mode: 0o400},
		{name: "0700", mode: 0o700},
		{name: "0644", mode: 0o644, wantErr: true},
		{name: "0640", mode: 0o640, wantErr: true},
		{name: "0604", mode: 0o604, wantErr: true},
		{name: "0620, group may write", mode: 0o620, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "wallet.key")
			require.NoError(t, SaveKey(path, fxKey(3)))
			require.NoError(t, os.Chmod(path, tt.mode))
			k, err := LoadKey(path)
			if !tt.wantErr {
				require.NoError(t, err)
				assert.Equal(t, fxKey(3).Public(), k.Public())
				return
			}
			assert.ErrorIs(t, err, ErrKeyFileOpen)
			assert.ErrorContains(t, err, path)
			assert.ErrorContains(t, err, "chmod 600 "+path)
			assert.False(t, k.Valid())
		})
	}
}

// TestLoadKeyMalformed: a file that is not a key is ErrKeyFile, naming
// the file, whatever it holds.
func TestLoadKeyMalformed(t *testing.T) {
	seed := strings.Repeat("ab", 32)
	tests := []struct {
		name    string
		text    string
		wantErr bool
		wantMsg string
	}{
		{name: "a key", text: "peerchain ed25519 seed\n" + seed + "\n"},
		{name: "no final newline", text: "peerchain ed25519 seed\n" + seed},
		{name: "empty", text: "", wantErr: true},
		{name: "garbage", text: "\x00\xff\xfe garbage \x01\n\n\x7f", wantErr: true},
		{name: "wrong header", text: "peerchain secp256k1 seed\n" + seed + "\n", wantErr: true},
		{name: "no header", text: seed + "\n", wantErr: true},
		{name: "header only", text: "peerchain ed25519 seed\n", wantErr: true},
		{name: "short seed", text: "peerchain ed25519 seed\n" + seed[:62] + "\n", wantErr: true},
		{name: "long seed", text: "peerchain ed25519 seed\n" + seed + "ab\n", wantErr: true},
		{name: "not hex", text: "peerchain ed25519 seed\n" + strings.Repeat("zz", 32) + "\n", wantErr: true},
		{name: "a line after the seed", text: "peerchain ed25519 seed\n" + seed + "\nmore\n", wantErr: true},
		{name: "a long line", text: "peerchain ed25519 seed\n" + strings.Repeat("a", 1<<20), wantErr: true,
			wantMsg: "is over 1024 bytes"},
		{name: "one long line", text: strings.Repeat("peerchain ed25519 seed", 1<<15), wantErr: true,
			wantMsg: "is over 1024 bytes"},
		{name: "1,024 bytes, the most read",
			text: "peerchain ed25519 seed\n" + seed + strings.Repeat(" ", 1024-23-64)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "wallet.key")
			require.NoError(t, os.WriteFile(path, []byte(tt.text), 0o600))
			k, err := LoadKey(path)
			if !tt.wantErr {
				require.NoError(t, err)
				assert.Equal(t, "ab", hex.EncodeToString(k.priv.Seed()[:1]))
				return
			}
			assert.ErrorIs(t, err, ErrKeyFile)
			assert.ErrorContains(t, err, path)
			assert.ErrorContains(t, err, tt.wantMsg)
			assert.False(t, k.Valid())
		})
	}
	t.Run("no file", func(t *testing.T) {
		_, err := LoadKey(filepath.Join(t.TempDir(), "missing.key"))
		assert.ErrorIs(t, err, fs.ErrNotExist)
	})
}
