package exposure_test

import (
	"bufio"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// cpuMeter measures the CPU time of this process and of the PostgreSQL backends that
// serve its connections: a store-heavy benchmark spends much of its work in them.
type cpuMeter struct {
	self  time.Duration
	pg    map[int]time.Duration // backend pid → CPU at the start
	on    bool
	store *store.Store
	// paused is what was used while paused, to leave out.
	pausedSelf, pausedPG float64
	at                   *cpuMeter
}

// pause starts leaving out what is used until resume.
func (m *cpuMeter) pause(tb testing.TB) { m.at = startCPU(tb, m.store) }

func (m *cpuMeter) resume(tb testing.TB) {
	self, pg := m.at.stop(tb)
	m.pausedSelf += self
	m.pausedPG += pg
}

func startCPU(tb testing.TB, s *store.Store) *cpuMeter {
	m := &cpuMeter{self: processCPU(), on: s.Engine() == store.EnginePostgres, store: s}
	if m.on {
		m.pg = backendCPU(tb)
	}
	return m
}

// stop returns the CPU seconds used since start, by this process and by its backends.
// A backend that closed in between is missed; the pool keeps them open, so few do.
func (m *cpuMeter) stop(tb testing.TB) (self, pg float64) {
	self = (processCPU() - m.self).Seconds() - m.pausedSelf
	if !m.on {
		return self, 0
	}
	var total time.Duration
	for pid, now := range backendCPU(tb) {
		total += now - m.pg[pid]
	}
	return self, total.Seconds() - m.pausedPG
}

// processCPU returns the user and system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// backendCPU reads the CPU time of each PostgreSQL backend connected to one of this
// process's TCP sockets (matched by the client port pg_stat_activity shows). The
// server must run on this machine, as the test database does.
func backendCPU(tb testing.TB) map[int]time.Duration {
	ports := ownPorts()
	db, err := sql.Open("pgx", os.Getenv(storetest.PostgresEnv))
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT pid, client_port FROM pg_stat_activity WHERE client_port IS NOT NULL`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	out := map[int]time.Duration{}
	for rows.Next() {
		var pid, port int
		if err := rows.Scan(&pid, &port); err != nil {
			tb.Fatal(err)
		}
		if ports[port] {
			out[pid] = pidCPU(pid)
		}
	}
	return out
}

// ownPorts are the local ports of this process's TCP sockets.
func ownPorts() map[int]bool {
	inodes := map[string]bool{}
	fds, _ := filepath.Glob("/proc/self/fd/*")
	for _, fd := range fds {
		if link, err := os.Readlink(fd); err == nil && strings.HasPrefix(link, "socket:[") {
			inodes[strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]")] = true
		}
	}
	ports := map[int]bool{}
	for _, table := range []string{"/proc/self/net/tcp", "/proc/self/net/tcp6"} {
		f, err := os.Open(table)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 10 || !inodes[fields[9]] {
				continue
			}
			local := fields[1]
			if port, err := strconv.ParseInt(local[strings.LastIndexByte(local, ':')+1:], 16, 32); err == nil {
				ports[int(port)] = true
			}
		}
		f.Close()
	}
	return ports
}

// pidCPU is a process's user and system CPU time from /proc (clock ticks of 10 ms).
func pidCPU(pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The fields after the command name (which may hold spaces) start after ")".
	fields := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+1:]))
	if len(fields) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}
