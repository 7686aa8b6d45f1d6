// Package pow is chapter 09: proof of work, as Bitcoin does it. A
// header's bits are a target in Bitcoin's compact form; the header's
// double SHA-256, read as a little-endian number, must be at or below
// it. Each block's work is the number of hashes its target takes on
// average, and the chain with the most work, not the most blocks, is
// the one to follow. Every RetargetInterval blocks the target is
// recomputed from how long the last interval took, by at most a factor
// of four either way, so blocks keep coming every TargetSpacing however
// much hashing power joins or leaves.
//
// The rules plug into chapter 08's chain as a HeaderRule; the miner
// searches nonces for a header that keeps them.
package pow
