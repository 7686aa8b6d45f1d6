package blocks

import (
	wire "peerchain/chapters/02-wire"
)

// docs:begin genesis

// The networks. Each genesis block is hard-coded, as Bitcoin's is: its
// coinbase pays nothing to nobody (the devnet's funds are its genesis
// state's, chapter 07's NewState) and carries a message; its header's
// nonce was found once, by trying nonces from 0 until the header's
// double SHA-256, read as a little-endian number, was at or below the
// target of bits 0x1e0fffff (about a million tries: chapter 09 checks
// it), and is a constant from then on.
var (
	MainNet = &Network{
		Name:            "main",
		Magic:           wire.MainNet,
		Subsidy:         InitialSubsidy,
		HalvingInterval: HalvingInterval,
		Genesis: genesisBlock(
			"peerchain main 2026-01-01: a network of our own",
			"1f8fa894d62f5966ac85ed0f304d38f4f791ddefc4dc043aa2a751eece8d506b",
			312683),
	}
	TestNet = &Network{
		Name:            "test",
		Magic:           wire.TestNet,
		Subsidy:         InitialSubsidy,
		HalvingInterval: HalvingInterval,
		Genesis: genesisBlock(
			"peerchain test 2026-01-01: a network to break",
			"401774f63bbb69c20a082a1873a51f8fcbf02f2bbf1933b6c19c2af41cbe0f97",
			1583144),
	}
	DevNet = &Network{
		Name:            "devnet",
		Magic:           wire.DevNet,
		Subsidy:         InitialSubsidy,
		HalvingInterval: DevNetHalvingInterval,
		Genesis: genesisBlock(
			"peerchain devnet 2026-01-01: a network on 127.0.0.1",
			"1da8011e852ec7a8b9967f63d3ce59fd8c320af02691a3bd78a2ce8957f0a0f0",
			1414904),
	}
)

// genesisBlock is a genesis block: a coinbase of height 0 carrying
// message, under a header with the merkle root and nonce given.
func genesisBlock(message, merkleRoot string, nonce uint32) Block {
	root, err := ParseHash(merkleRoot)
	if err != nil {
		panic(err) // a constant above is mistyped
	}
	return Block{
		Header: Header{
			Version:    genesisVersion,
			MerkleRoot: root,
			Time:       genesisTime,
			Bits:       genesisBits,
			Nonce:      nonce,
		},
		Coinbase: Coinbase{Extra: []byte(message)},
	}
}

// docs:end genesis
