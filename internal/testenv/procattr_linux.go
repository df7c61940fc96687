package testenv

import "syscall"

// dieWithParent makes the kernel kill the child when the test binary dies, so that no
// server outlives a crashed or killed test run.
func dieWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
