package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"time"
)

// event is one threat event as POST /api/v1/events takes it.
type event struct {
	Type        string `json:"type"`
	Observable  string `json:"observable"`
	Time        string `json:"time"`
	Source      string `json:"source"`
	Severity    string `json:"severity"`
	Port        int    `json:"port,omitempty"`
	Service     string `json:"service,omitempty"`
	Description string `json:"description,omitempty"`
}

var eventSeverities = []weighted[string]{{"low", 40}, {"medium", 35}, {"high", 20}, {"critical", 5}}

// writeEvents writes n events for the sector's organisations to path as NDJSON: most
// name an address, domain or IPv6 address an organisation registered (so they route to
// it), one in ten an address nobody did (so it lands in the unrouted list).
func writeEvents(path string, sc *sector, n int, seed uint64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	enc := json.NewEncoder(w)
	rng := rand.New(rand.NewPCG(seed, 16))
	now := time.Now().UTC()
	for i := range n {
		if err := enc.Encode(newEvent(rng, sc, now.Add(-time.Duration(n-i)*time.Millisecond))); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func newEvent(rng *rand.Rand, sc *sector, at time.Time) event {
	e := event{Type: eventTypes[rng.IntN(len(eventTypes))], Time: at.Format(time.RFC3339),
		Source: feeds[rng.IntN(len(feeds))], Severity: pick(rng, eventSeverities)}
	o := sc.orgs[rng.IntN(len(sc.orgs))]
	switch r := rng.IntN(10); {
	case r == 0:
		e.Observable = fmt.Sprintf("203.0.113.%d", rng.IntN(256))
	case r <= 5:
		e.Observable = hostIn(o.v4, rng.IntN(1<<(32-o.v4.Bits()))).String()
	case r <= 7:
		e.Observable = []string{"mail.", "vpn.", "www.", "remote."}[rng.IntN(4)] + o.domain
	default:
		a := o.v6.Addr().As16()
		a[15] = byte(1 + rng.IntN(250))
		e.Observable = netip.AddrFrom16(a).String()
	}
	if e.Type == "open_port" || e.Type == "vulnerable_service" {
		e.Port, e.Service = 3389, "rdp"
		e.Description = "RDP reachable from the internet"
	}
	return e
}
