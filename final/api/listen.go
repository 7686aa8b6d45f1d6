package api

import (
	"fmt"
	"net"
	"net/netip"
)

// CheckListen refuses to serve the API on an address other machines can
// reach, unless public is set: the API tells anyone who asks which
// peers the node has, and a stolen token would let them ban its peers.
func CheckListen(addr string, public bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--api %q: want HOST:PORT, such as 127.0.0.1:8334: %v", addr, err)
	}
	if public || isLoopback(host) {
		return nil
	}
	return fmt.Errorf("--api %s is not a loopback address: the API would be open to other machines; "+
		"use 127.0.0.1, or add --api-public if you mean it", addr)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}
