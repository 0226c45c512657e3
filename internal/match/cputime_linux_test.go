package match

import (
	"syscall"
	"time"
)

// threadCPUTime returns the CPU time the calling OS thread has used. Benchmarks lock
// their goroutine to its thread and divide by b.N: unlike wall time, this hardly
// changes when other processes compete for the machine's cores.
func threadCPUTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_THREAD, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}

// processCPUTime returns the CPU time the process has used on all its threads.
func processCPUTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
