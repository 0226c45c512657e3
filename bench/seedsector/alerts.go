package main

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"time"

	"github.com/vigil-health/vigil"
)

// alertRow is one generated alert, in the alerts table's column order.
type alertRow struct {
	org, kind, severity, status, title, body, observable, indicator, sources, tlp string
	count                                                                         int32
	firstSeen, lastSeen, createdAt, ackedAt                                       time.Time
	ackedBy                                                                       string
	resolvedAt                                                                    time.Time
	resolvedBy, note, dedupKey                                                    string
}

// alertColumns are the columns the bulk paths fill; ids come from the table.
var alertColumns = []string{"org", "kind", "severity", "status", "title", "body", "observable", "indicator",
	"sources", "tlp", "count", "first_seen", "last_seen", "created_at", "acked_at", "acked_by",
	"resolved_at", "resolved_by", "resolution_note", "dedup_key"}

// weighted is a value with a relative weight.
type weighted[T any] struct {
	v T
	w int
}

// pick returns one of ws with probability proportional to its weight.
func pick[T any](rng *rand.Rand, ws []weighted[T]) T {
	total := 0
	for _, x := range ws {
		total += x.w
	}
	n := rng.IntN(total)
	for _, x := range ws {
		if n -= x.w; n < 0 {
			return x.v
		}
	}
	return ws[len(ws)-1].v
}

// The alert mix: trusts, with the largest estates, get the most alerts per organisation;
// most alerts are early warnings; few are critical; old alerts are mostly resolved.
var (
	ownerKinds = []weighted[vigil.OrgKind]{{vigil.OrgTrust, 40}, {vigil.OrgGP, 35}, {vigil.OrgCareProvider, 20}, {vigil.OrgSupplier, 5}}
	alertKinds = []weighted[vigil.AlertKind]{{vigil.AlertEarlyWarning, 55}, {vigil.AlertSighting, 35}, {vigil.AlertRetroHunt, 10}}
	severities = []weighted[vigil.Severity]{{vigil.SeverityLow, 35}, {vigil.SeverityMedium, 35}, {vigil.SeverityHigh, 22}, {vigil.SeverityCritical, 8}}
	oldStatus  = []weighted[vigil.AlertStatus]{{vigil.AlertResolved, 90}, {vigil.AlertAcknowledged, 7}, {vigil.AlertOpen, 3}}
	newStatus  = []weighted[vigil.AlertStatus]{{vigil.AlertResolved, 30}, {vigil.AlertAcknowledged, 30}, {vigil.AlertOpen, 40}}
	tlps       = []weighted[vigil.TLP]{{vigil.TLPClear, 30}, {vigil.TLPGreen, 50}, {vigil.TLPAmber, 20}}
	feeds      = []string{"Shadowserver", "abuse.ch Feodo Tracker", "abuse.ch URLhaus", "NCSC CiSP", "Spamhaus DROP", "partner MISP"}
	eventTypes = []string{"compromise", "open_port", "vulnerable_service", "abuse"}
)

// alertGen generates the alerts of a sector, oldest first, over the year before now.
type alertGen struct {
	sc    *sector
	rng   *rand.Rand
	n     int
	start time.Time
	now   time.Time
	step  time.Duration
}

func newAlertGen(sc *sector, n int, seed uint64, now time.Time) *alertGen {
	year := 365 * 24 * time.Hour
	return &alertGen{sc: sc, rng: rand.New(rand.NewPCG(seed, 8)), n: n, start: now.Add(-year), now: now.UTC().Truncate(time.Microsecond), step: year / time.Duration(max(n, 1))}
}

// row returns the i-th alert.
func (g *alertGen) row(i int) alertRow {
	r := g.rng
	o := g.owner()
	kind := pick(r, alertKinds)
	sev := pick(r, severities)
	created := g.start.Add(time.Duration(i) * g.step).UTC().Truncate(time.Microsecond)
	obs, ind := g.observable(o, kind)
	typ := eventTypes[r.IntN(len(eventTypes))]
	a := alertRow{org: o.code, kind: string(kind), severity: string(sev), observable: obs, indicator: ind,
		title:     fmt.Sprintf("%s reported for %s", typ, obs),
		body:      fmt.Sprintf("A partner reported %s involving %s, which %s has registered. Check the host and follow the steps in the advisory.", typ, obs, o.name),
		sources:   fmt.Sprintf(`[%q]`, feeds[r.IntN(len(feeds))]),
		tlp:       string(pick(r, tlps)),
		count:     int32(1 + r.IntN(20)),
		firstSeen: created, createdAt: created,
		lastSeen: g.before(created.Add(time.Duration(r.IntN(72)) * time.Hour)),
		dedupKey: fmt.Sprintf("seed:%s:%d", typ, i)}
	g.lifecycle(&a, o)
	return a
}

// owner picks the organisation an alert belongs to.
func (g *alertGen) owner() seedOrg {
	idx := g.sc.byKind[pick(g.rng, ownerKinds)]
	return g.sc.orgs[idx[g.rng.IntN(len(idx))]]
}

// observable returns what was seen: an address of the organisation's own for an early
// warning, an outside indicator (a documentation address or domain) for a sighting.
func (g *alertGen) observable(o seedOrg, kind vigil.AlertKind) (obs, ind string) {
	if kind == vigil.AlertEarlyWarning {
		v := hostIn(o.v4, g.rng.IntN(1<<(32-o.v4.Bits()))).String()
		return v, v
	}
	if g.rng.IntN(2) == 0 {
		v := fmt.Sprintf("203.0.113.%d", g.rng.IntN(256))
		return v, v
	}
	v := fmt.Sprintf("c2-%d.bad.example", g.rng.IntN(100_000))
	return v, v
}

// lifecycle sets the status, older alerts being mostly dealt with, and who moved it.
func (g *alertGen) lifecycle(a *alertRow, o seedOrg) {
	table := newStatus
	if g.now.Sub(a.createdAt) > 30*24*time.Hour {
		table = oldStatus
	}
	a.status = string(pick(g.rng, table))
	who := "it@" + o.domain
	switch vigil.AlertStatus(a.status) {
	case vigil.AlertResolved:
		a.resolvedAt, a.resolvedBy, a.note = g.before(a.createdAt.Add(48*time.Hour)), who, "Patched and checked; no further activity."
		fallthrough
	case vigil.AlertAcknowledged:
		a.ackedAt, a.ackedBy = g.before(a.createdAt.Add(2*time.Hour)), who
	}
}

// before returns t, or the generator's now if t is later: nothing happens in the future.
func (g *alertGen) before(t time.Time) time.Time {
	if t.After(g.now) {
		return g.now
	}
	return t
}

// hostIn returns the n-th address of an IPv4 network.
func hostIn(p netip.Prefix, n int) netip.Addr {
	a := p.Addr().As4()
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3]) + uint32(n)
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}
