//go:build !unix

package devnet

import "syscall"

// sysProcAttr: nothing to set; the child's --watch-stdin stops it when
// the devnet dies.
func sysProcAttr() *syscall.SysProcAttr { return nil }
