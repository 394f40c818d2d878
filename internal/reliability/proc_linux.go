package reliability

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes the server die with the process that started it, so a test that
// times out leaves no sgul running.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
