// Package naive is the node that blockchain articles sketch, written in Go.
// It is wrong on purpose: chapter 01 starts from it, names what goes wrong,
// and builds chapters/01-sockets instead. Do not copy it.
package naive

import "net"

// docs:begin sketch

type Node struct {
	Addr      string // "127.0.0.1:7001"
	Peers     []net.Conn
	OnMessage func(msg string)
}

func (n *Node) Start() {
	ln, _ := net.Listen("tcp", n.Addr)
	for {
		conn, _ := ln.Accept()
		go n.handleClient(conn)
	}
}

func (n *Node) handleClient(conn net.Conn) {
	buf := make([]byte, 1024)
	for {
		k, err := conn.Read(buf)
		if err != nil {
			return
		}
		n.OnMessage(string(buf[:k]))
	}
}

func (n *Node) ConnectToPeer(addr string) {
	conn, _ := net.Dial("tcp", addr)
	n.Peers = append(n.Peers, conn)
}

func (n *Node) Broadcast(msg string) {
	for _, peer := range n.Peers {
		peer.Write([]byte(msg))
	}
}

// docs:end sketch
