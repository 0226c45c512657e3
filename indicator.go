package vigil

import "time"

// StoredIndicator is one indicator (a type and a value) with the claim of every source
// that publishes it.
type StoredIndicator struct {
	// ID identifies the indicator in the store.
	ID int64
	// Type and Value are the normalised indicator.
	Type  IndicatorType
	Value string
	// LastSighted is when an organisation's telemetry last matched it; zero when never.
	LastSighted time.Time
	// Sources holds one claim per source, in source-name order.
	Sources []IndicatorSource
}

// WarninglistLabel starts the label an indicator carries when a flagging warninglist
// knows it ("warninglist:cdn-and-cloud-shared-addresses"): it still matches, but its
// sightings are weak and its alerts a severity lower.
const WarninglistLabel = "warninglist:"

// IndicatorSource is one source's claim on an indicator.
type IndicatorSource struct {
	// Provenance is the claim as the source made it; Provenance.Source names the source.
	Provenance
	// Added is when the source first published the value to us.
	Added time.Time
	// Published is when the source last published (or re-published) it to us.
	Published time.Time
	// NotForMatching says why this claim is kept as intelligence only; empty when it matches.
	NotForMatching string
}

// IndicatorFilter selects indicators; zero fields match everything.
type IndicatorFilter struct {
	// Value matches indicators whose value contains it, case-insensitively; with Exact,
	// only the value itself.
	Value string
	Exact bool
	// Type matches indicators of that type.
	Type IndicatorType
	// Source matches indicators the named source holds.
	Source string
	// Label matches indicators some source labels so, case-insensitively.
	Label string
	// TLP matches indicators some source marks so.
	TLP TLP
	// Sort is the order of the list (IndicatorByNewest when empty).
	Sort IndicatorSort
	// Cursor continues a previous page; it belongs to one Sort.
	Cursor string
	// Limit is the page size (DefaultLimit when 0, at most MaxLimit).
	Limit int
}

// IndicatorSort is an order a list of indicators can come in; indicators that tie
// follow the order they were first stored in, newest first.
type IndicatorSort string

// The orders of a list of indicators.
const (
	IndicatorByNewest      IndicatorSort = "newest"       // most recently stored first (the default)
	IndicatorByOldest      IndicatorSort = "oldest"       // first stored first
	IndicatorByValue       IndicatorSort = "value"        // by value, A to Z
	IndicatorByType        IndicatorSort = "type"         // by type (domain, ipv4…)
	IndicatorByConfidence  IndicatorSort = "confidence"   // the highest confidence any source states first
	IndicatorByLastSeen    IndicatorSort = "last_seen"    // the latest any source saw it in the wild first
	IndicatorByLastSighted IndicatorSort = "last_sighted" // most recently matched in an organisation's telemetry first
)

// IndicatorSorts are the orders of a list of indicators, the default first.
var IndicatorSorts = []IndicatorSort{IndicatorByNewest, IndicatorByOldest, IndicatorByValue, IndicatorByType,
	IndicatorByConfidence, IndicatorByLastSeen, IndicatorByLastSighted}

// Or returns s, or IndicatorByNewest when s is empty.
func (s IndicatorSort) Or() IndicatorSort { return sortOr(s, IndicatorSorts) }

// Check returns an EINVALID error naming the choices when s is not one of IndicatorSorts.
func (s IndicatorSort) Check() error { return checkSort(s, IndicatorSorts) }

// Grade returns the Admiralty code of this claim, such as "B2", or "" when not graded.
func (s IndicatorSource) Grade() string { return AdmiraltyCode(s.Reliability, s.Credibility) }

// Marking returns the strictest TLP among the sources' claims: how far the indicator
// may be shared.
func (si StoredIndicator) Marking() TLP {
	var t TLP
	for _, s := range si.Sources {
		t = Stricter(t, s.TLP)
	}
	return t
}

// LastPublished returns the latest time any source published the indicator.
func (si StoredIndicator) LastPublished() time.Time {
	var t time.Time
	for _, s := range si.Sources {
		t = later(t, s.Published)
	}
	return t
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
