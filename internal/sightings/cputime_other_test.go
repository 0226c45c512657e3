//go:build !unix

package sightings

import "time"

// cpuTime is not measured on this platform; benchmarks then report wall-clock throughput only.
func cpuTime() time.Duration { return 0 }
