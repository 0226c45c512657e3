package sightings

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"slices"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/ioc"
	"github.com/vigil-health/vigil/internal/store"
)

// Retro-hunts look keys up in groups of about this many, so that memory stays flat
// whatever the number of new indicators.
const retroGroupKeys = 4096

// retroTarget is one new indicator and the index keys that find what it covers.
type retroTarget struct {
	listing *alerts.Listing
	keys    map[indexKey]string // key → what was seen, for the alert ("192.0.2.7")
}

// RetroHunt looks new indicators up in the keyed observable index and raises retro-hunt
// alerts for organisations that saw them within the retention period. Organisations
// whose live telemetry already matched the indicator in that period are not told again.
// Failures are logged: the indicators are stored whatever happens here.
func (s *Service) RetroHunt(ctx context.Context, added []vigil.Indicator) {
	since := vigil.DayOf(s.now()).AddDate(0, 0, -s.retention)
	keys := newKeyer(s.secret)
	var group []*retroTarget
	n := 0
	for _, l := range alerts.MergeListings(added) {
		t := &retroTarget{listing: l, keys: map[indexKey]string{}}
		if !indicatorKeys(keys, l.Type, l.Value, func(k indexKey, what string) { t.keys[k] = what }) {
			s.log.InfoContext(ctx, "retro-hunt skipped a network too wide to enumerate", slog.String("indicator", l.Value))
			continue
		}
		group, n = append(group, t), n+len(t.keys)
		if n >= retroGroupKeys {
			s.retroHuntGroup(ctx, group, since)
			group, n = group[:0], 0
		}
	}
	if len(group) > 0 {
		s.retroHuntGroup(ctx, group, since)
	}
}

// retroHit is what the index says about one indicator and one organisation.
type retroHit struct {
	first, last time.Time
	what        []string
}

// retroHuntGroup looks a group of indicators up and alerts the organisations found.
func (s *Service) retroHuntGroup(ctx context.Context, group []*retroTarget, since time.Time) {
	owner := map[indexKey]*retroTarget{}
	var hashes [][]byte
	for _, t := range group {
		for k := range t.keys {
			owner[k] = t
			hashes = append(hashes, k[:])
		}
	}
	found, err := s.store.FindObservables(ctx, hashes, since)
	if err != nil {
		s.log.ErrorContext(ctx, "retro-hunt lookup", slog.Any("error", err))
		return
	}
	hits := map[*retroTarget]map[string]*retroHit{}
	for _, f := range found {
		if len(f.Hash) != len(indexKey{}) {
			continue
		}
		t := owner[indexKey(f.Hash)]
		if t == nil {
			continue
		}
		if hits[t] == nil {
			hits[t] = map[string]*retroHit{}
		}
		h := hits[t][f.Org]
		if h == nil {
			h = &retroHit{first: f.FirstDay, last: f.LastDay}
			hits[t][f.Org] = h
		}
		h.first, h.last = minTime(h.first, f.FirstDay), maxTime(h.last, f.LastDay)
		if w := t.keys[indexKey(f.Hash)]; !slices.Contains(h.what, w) {
			h.what = append(h.what, w)
		}
	}
	for t, byOrg := range hits {
		for org, h := range byOrg {
			s.raiseRetroHunt(ctx, org, t.listing, h, since)
		}
	}
}

// raiseRetroHunt alerts org that it saw l's indicator, unless live hunting already did.
func (s *Service) raiseRetroHunt(ctx context.Context, org string, l *alerts.Listing, h *retroHit, since time.Time) {
	live, err := s.store.SightedSince(ctx, org, l.Type, l.Value, since)
	if err == nil && live {
		return
	}
	o, err := s.store.GetOrg(ctx, org)
	if err != nil {
		s.log.ErrorContext(ctx, "retro-hunt organisation", slog.String("org", org), slog.Any("error", err))
		return
	}
	slices.Sort(h.what)
	a := retroAlert(org, orgName(o), l, h, s.now())
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		_, _, err := s.alerts.Raise(ctx, tx, a)
		return err
	})
	if err != nil {
		s.log.ErrorContext(ctx, "retro-hunt alert", slog.String("org", org), slog.Any("error", err))
		return
	}
	s.alerts.Counted(vigil.AlertRetroHunt, 1)
}

// retroAlert is the alert telling org that it saw a newly listed indicator earlier. A
// repeat listed by other sources or publishers, or marked more strictly, is worded again
// from the merged sources, publishers and TLP.
func retroAlert(org, name string, l *alerts.Listing, h *retroHit, now time.Time) alerts.Raising {
	what := alerts.AndList(h.what[:min(len(h.what), 3)], l.Value)
	if len(h.what) > 3 {
		what += fmt.Sprintf(" and %d more", len(h.what)-3)
	}
	if l.Type == vigil.TypeCIDR && what != l.Value {
		what += " (" + within(l.Type) + " " + l.Value + ")"
	}
	title := clipText(fmt.Sprintf("Earlier telemetry from %s shows contact with newly listed %s", name, l.Value), 300)
	listing := *l
	words := func(m vigil.Alert) (string, string) {
		l := listing
		l.Sources, l.Publishers, l.TLP = m.Sources, m.Publishers, m.TLP
		have := "has"
		if len(l.Sources) > 1 {
			have = "have"
		}
		body := fmt.Sprintf("%s a device at %s %s %s, which %s %s just listed as %s. This was found by looking the "+
			"new indicator up in the record of what your telemetry held; vigil keeps no copy of the events themselves. %s",
			capitalise(dayRange(h.first, h.last)), name, action(l.Type), what, l.Who(), have, l.As(), nextSteps(l.Value, l.Type))
		return title, withSharing(body, l.TLP)
	}
	return alerts.Worded(vigil.Alert{Org: org, Kind: vigil.AlertRetroHunt, Severity: l.Severity(),
		Observable: h.what[0], Indicator: l.Value, Sources: l.Sources, Publishers: l.Publishers, TLP: l.TLP,
		FirstSeen: h.first, LastSeen: h.last.Add(24*time.Hour - time.Microsecond),
		DedupKey: dedupKey("retro_hunt", string(l.Type), l.Value)}, words)
}

func capitalise(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// The widest networks a retro-hunt enumerates: /16 (IPv4, 256 /24s) and /32 (IPv6,
// 65,536 /48s). Wider networks are not looked for; they are rare as indicators.
const (
	widestRetroV4 = 16
	widestRetroV6 = 32
)

// indicatorKeys calls add with the index keys that find what an indicator covers, and
// what each one means in an alert. It returns false for a network too wide to enumerate.
//   - a domain: its own key, which every subdomain seen was also indexed under;
//   - an address: its own key;
//   - an IPv4 network: a /24 its own key; longer ones each address in them; /16 to /23
//     each /24 in them;
//   - an IPv6 network: a /48 its own key; /120 and longer each address; /32 to /47 each
//     /48 in them; /49 to /119 the /48 holding them, which can only say "an address in
//     that /48", not in the indicator itself;
//   - anything else: its own key.
func indicatorKeys(k *keyer, t vigil.IndicatorType, v string, add func(indexKey, string)) bool {
	switch t {
	case vigil.TypeDomain:
		add(k.key(string(t), v), v+" or a name under it")
		return true
	case vigil.TypeCIDR:
	default:
		add(k.key(string(t), v), v)
		return true
	}
	p, err := ioc.Prefix(v)
	if err != nil {
		return false
	}
	if p.Addr().Is4() {
		return networkKeys(k, p, 24, widestRetroV4, 25, add)
	}
	return networkKeys(k, p, 48, widestRetroV6, 120, add)
}

// networkKeys enumerates p as index keys, given the length of the indexed networks
// (net), the widest p enumerated and the length from which addresses are enumerated.
func networkKeys(k *keyer, p netip.Prefix, net, widest, exact int, add func(indexKey, string)) bool {
	bits := p.Bits()
	switch {
	case bits < widest:
		return false
	case bits == net:
		add(k.key(string(vigil.TypeCIDR), p.String()), "an address in "+p.String())
	case bits >= exact:
		for a := p.Addr(); p.Contains(a); a = a.Next() {
			add(k.key(string(addrType(a)), a.String()), a.String())
		}
	case bits > net:
		outer, _ := p.Addr().Prefix(net)
		add(k.key(string(vigil.TypeCIDR), outer.String()), "an address in "+outer.String())
	default:
		step := netip.PrefixFrom(p.Addr(), net)
		for range 1 << (net - bits) {
			add(k.key(string(vigil.TypeCIDR), step.String()), "an address in "+step.String())
			step = nextPrefix(step)
		}
	}
	return true
}

// nextPrefix returns the network of the same length right after p.
func nextPrefix(p netip.Prefix) netip.Prefix {
	b := p.Addr().AsSlice()
	bit := p.Bits() - 1
	for i := bit / 8; i >= 0; i-- {
		inc := byte(1)
		if i == bit/8 {
			inc = 1 << (7 - bit%8)
		}
		old := b[i]
		b[i] += inc
		if b[i] > old {
			break
		}
	}
	a, _ := netip.AddrFromSlice(b)
	return netip.PrefixFrom(a, p.Bits())
}

func addrType(a netip.Addr) vigil.IndicatorType {
	if a.Is4() {
		return vigil.TypeIPv4
	}
	return vigil.TypeIPv6
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
