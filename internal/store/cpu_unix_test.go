//go:build unix

package store

import (
	"syscall"
	"time"
)

// ProcessCPU is the CPU time (user and system) the test process has used so far, for
// benchmarks that report CPU per row: on a shared machine wall time says more about the
// neighbours than about the code.
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
