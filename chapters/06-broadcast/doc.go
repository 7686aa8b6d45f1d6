// Package broadcast is chapter 06: spreading items (transactions and
// blocks, later) through a network of peers. It floods with a bounded
// seen-cache, announces and fetches with Bitcoin's inv, getdata and
// notfound, batches announcements on a randomized per-peer timer, keeps
// an epidemic broadcast tree (Plumtree) to spend few messages, catches
// up after partitions with a periodic inventory of recent items, and
// scores peers that send bad input through chapter 05's peer table.
//
// The Protocol is a discovery.Protocol: it runs in chapter 05's mux,
// driven by chapter 04's simulator or real driver.
package broadcast
