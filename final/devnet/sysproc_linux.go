package devnet

import "syscall"

// docs:begin pdeathsig

// sysProcAttr puts a child in its own process group, so that a Ctrl-C
// in the terminal reaches only the devnet, which stops the nodes in
// order; and has the kernel send it SIGTERM if the devnet dies, even by
// SIGKILL, so that no node outlives it.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}

// docs:end pdeathsig
