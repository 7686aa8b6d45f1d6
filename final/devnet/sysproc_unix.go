//go:build unix && !linux

package devnet

import "syscall"

// sysProcAttr puts a child in its own process group, so that a Ctrl-C
// in the terminal reaches only the devnet. There is no parent-death
// signal here: the child's --watch-stdin stops it when the devnet dies.
func sysProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }
