package transactions

import (
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// Key is a signing key: an ed25519 private key, whose public half
// every transaction it signs carries.
type Key struct{ priv ed25519.PrivateKey }

// GenerateKey makes a key from random bytes: crypto/rand.Reader for a
// real wallet, a seeded source in tests and simulations.
func GenerateKey(random io.Reader) (Key, error) {
	_, priv, err := ed25519.GenerateKey(random)
	if err != nil {
		return Key{}, fmt.Errorf("generating a key: %w", err)
	}
	return Key{priv: priv}, nil
}

// KeyFromSeed is the key of a 32-byte seed: the same seed, the same key.
func KeyFromSeed(seed [ed25519.SeedSize]byte) Key {
	return Key{priv: ed25519.NewKeyFromSeed(seed[:])}
}

// Public is the key's public half.
func (k Key) Public() ed25519.PublicKey { return k.priv.Public().(ed25519.PublicKey) }

// Address is the address of the key's public half.
func (k Key) Address() Address { return AddressOf(k.Public()) }

// Valid reports whether the key was made by GenerateKey or KeyFromSeed.
func (k Key) Valid() bool { return len(k.priv) == ed25519.PrivateKeySize }

// Errors of key files.
var (
	ErrKeyFile       = errors.New("invalid key file")
	ErrKeyFileExists = errors.New("key file exists")
	ErrKeyFileOpen   = errors.New("key file readable by others")
)

// keyFileHeader starts a key file, so that a file of anything else is
// told apart from a key.
const keyFileHeader = "peerchain ed25519 seed"

// maxKeyFileSize bounds what LoadKey reads: a key file is a header
// and 64 hex digits, so anything much longer is something else.
const maxKeyFileSize = 1 << 10

// keyFileMode is a key file's permissions: its owner's only.
const keyFileMode fs.FileMode = 0o600

// docs:begin save-key

// SaveKey writes a key to a new file that only its owner can read. It
// never overwrites a file: a key lost is money lost.
func SaveKey(path string, k Key) error {
	if !k.Valid() {
		return fmt.Errorf("%w: no key to save", ErrKeyFile)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, keyFileMode)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%w: %s", ErrKeyFileExists, path)
	}
	if err != nil {
		return err
	}
	text := fmt.Sprintf("%s\n%s\n", keyFileHeader, hex.EncodeToString(k.priv.Seed()))
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// LoadKey reads a key written by SaveKey. A file that its group or
// others may read is refused: the key may be known to someone else.
func LoadKey(path string) (Key, error) {
	f, err := os.Open(path)
	if err != nil {
		return Key{}, err
	}
	defer f.Close()
	info, err := f.Stat() // the file read, not one swapped in since
	if err != nil {
		return Key{}, err
	}
	if mode := info.Mode().Perm(); mode&0o077 != 0 {
		return Key{}, fmt.Errorf("%w: %s has mode %04o: run chmod 600 %s",
			ErrKeyFileOpen, path, mode, path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFileSize+1))
	if err != nil {
		return Key{}, err
	}
	if len(data) > maxKeyFileSize {
		return Key{}, fmt.Errorf("%w: %s is over %d bytes",
			ErrKeyFile, path, maxKeyFileSize)
	}
	header, seedHex, _ := strings.Cut(strings.TrimSpace(string(data)), "\n")
	if header != keyFileHeader {
		return Key{}, fmt.Errorf("%w: %s does not start with %q", ErrKeyFile, path, keyFileHeader)
	}
	var seed [ed25519.SeedSize]byte
	seedHex = strings.TrimSpace(seedHex)
	if len(seedHex) != 2*len(seed) {
		return Key{}, fmt.Errorf("%w: %s: the seed is not %d hex digits", ErrKeyFile, path, 2*len(seed))
	}
	if _, err := hex.Decode(seed[:], []byte(seedHex)); err != nil {
		return Key{}, fmt.Errorf("%w: %s: the seed is not hex", ErrKeyFile, path)
	}
	return KeyFromSeed(seed), nil
}

// docs:end save-key
