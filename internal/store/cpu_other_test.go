//go:build !unix

package store

import "time"

// ProcessCPU is 0 where getrusage is missing: the CPU metrics read 0.
func ProcessCPU() time.Duration { return 0 }
