package node

import (
	"crypto/sha256"
	"fmt"

	wire "peerchain/chapters/02-wire"
	transactions "peerchain/chapters/07-transactions"
)

// The devnet's wallets, after Hardhat's default accounts: keys anyone
// can make again from their number, each funded at genesis, so that
// transfers work before there is mining. They are for a devnet only:
// everyone knows their keys.
const (
	// DevnetWallets is how many there are, numbered from 1.
	DevnetWallets = 10
	// DevnetBalance is what genesis gives each one.
	DevnetBalance = 1_000_000_000_000
	// devnetSeedText, then the wallet's number, hashed, is its seed.
	devnetSeedText = "peerchain devnet wallet "
)

// docs:begin devnet-wallets

// DevnetKey is devnet wallet i's key (1 to DevnetWallets): the seed is
// the SHA-256 of "peerchain devnet wallet i", so the same i always
// gives the same key, on every machine.
func DevnetKey(i int) transactions.Key {
	return transactions.KeyFromSeed(
		sha256.Sum256(fmt.Appendf(nil, "%s%d", devnetSeedText, i)))
}

// DevnetGenesis is the devnet's state at its start: DevnetBalance in
// each devnet wallet, nothing anywhere else.
func DevnetGenesis() map[transactions.Address]uint64 {
	g := make(map[transactions.Address]uint64, DevnetWallets)
	for i := 1; i <= DevnetWallets; i++ {
		g[DevnetKey(i).Address()] = DevnetBalance
	}
	return g
}

// docs:end devnet-wallets

// genesisOf is the genesis of a chain the node runs: the devnet's
// wallets on wire.DevNet, nothing on any other.
func genesisOf(chain wire.Magic) map[transactions.Address]uint64 {
	if chain == wire.DevNet {
		return DevnetGenesis()
	}
	return nil
}
