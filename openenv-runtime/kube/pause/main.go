// Command pause is the sandbox ("infra") container of every pod: it holds the pod's namespaces open,
// reaps orphaned children when it is PID 1, and exits cleanly on SIGINT or SIGTERM. Built static
// (CGO_ENABLED=0) into a one-file image, since no public registry serves registry.k8s.io/pause here.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range signals {
		if s != syscall.SIGCHLD {
			os.Exit(0)
		}
		for {
			var status syscall.WaitStatus
			pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}
