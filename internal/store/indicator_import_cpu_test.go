package store

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// BackendCPU is the CPU time the PostgreSQL server processes serving s's connections
// have used so far, read from /proc: on PostgreSQL most of an import's cost is the
// server's, not the Go process's. It needs the server on this machine and a DSN whose
// application_name no other client uses (the backends are found by it); ok is false
// when either is missing or on SQLite. A backend that exits takes its time with it, so
// the benchmark reads it while the store's pool keeps its connections.
func BackendCPU(ctx context.Context, s *Store) (time.Duration, bool) {
	if !s.isPG() {
		return 0, false
	}
	pids, err := queryIDs(ctx, s.wdb(), `SELECT pid FROM pg_stat_activity
		WHERE application_name = current_setting('application_name') AND application_name <> ''`)
	if err != nil || len(pids) == 0 {
		return 0, false
	}
	var total time.Duration
	for _, pid := range pids {
		t, err := procCPU(pid)
		if err != nil {
			return 0, false
		}
		total += t
	}
	return total, true
}

// procCPU is a process's user and system time from /proc/PID/stat (fields 14 and 15,
// in the kernel's USER_HZ of 100 ticks a second).
func procCPU(pid int64) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:]) // the name may hold spaces
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: unreadable times", pid)
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}
