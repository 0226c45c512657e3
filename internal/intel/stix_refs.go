package intel

import (
	"encoding/json"
	"io"
	"maps"
	"slices"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel/stixpattern"
)

// STIXRefs are the identities and TLP marking-definitions seen so far, and the indicators
// waiting for one they refer to. One STIXRefs lets objects refer to each other across
// the pages of a TAXII pull, and an indicator refer to an identity or marking that comes
// after it in a bundle: such an indicator is held until Flush, when whatever has been
// seen by then applies. Memory stays bounded: at most maxRemembered identities and
// markings are kept, and at most maxPending indicators wait (past that the oldest go
// out with what is known).
type STIXRefs struct {
	names   map[string]string    // identity id → name, for created_by_ref
	tlps    map[string]vigil.TLP // marking-definition id → TLP
	pending []pendingIndicator
}

// maxPending caps the indicators held for a later identity or marking-definition.
const maxPending = 50_000

// pendingIndicator is an indicator whose creator or a marking was not yet known.
type pendingIndicator struct {
	loc      Location
	matches  []stixpattern.Match
	p        vigil.Provenance
	creator  string   // created_by_ref, when not yet known
	markings []string // object_marking_refs not yet known
}

// NewSTIXRefs returns an empty STIXRefs.
func NewSTIXRefs() *STIXRefs {
	return &STIXRefs{names: map[string]string{}, tlps: map[string]vigil.TLP{}}
}

// Remember adds identities (id → name) and TLP markings (id → TLP) learnt earlier, such
// as by a previous pull of the same feed; markings that are not TLPs are ignored.
func (r *STIXRefs) Remember(names, markings map[string]string) {
	for id, n := range names {
		r.addName(id, n)
	}
	for id, m := range markings {
		if t, ok := vigil.ParseTLP(m); ok {
			r.addTLP(id, t)
		}
	}
}

// Known returns copies of the identities and TLP markings seen, to Remember next time.
func (r *STIXRefs) Known() (names, markings map[string]string) {
	markings = make(map[string]string, len(r.tlps))
	for id, t := range r.tlps {
		markings[id] = string(t)
	}
	return maps.Clone(r.names), markings
}

// addName learns an identity's name, cleaned (see cleanPublisher). One whose name cleans
// to nothing is still known, so indicators it created need not wait for it: they have
// no publisher. One without an id cannot be referred to.
func (r *STIXRefs) addName(id, name string) {
	if id != "" && len(r.names) < maxRemembered {
		r.names[id] = cleanPublisher(name)
	}
}

func (r *STIXRefs) addTLP(id string, t vigil.TLP) {
	if len(r.tlps) < maxRemembered {
		r.tlps[id] = t
	}
}

// ParseSTIXWith is ParseSTIX sharing refs with other inputs: identities and markings in
// them apply to indicators in this one and the other way round. Indicators that refer
// to ones not yet seen wait in refs; call refs.Flush once the last input is parsed.
func ParseSTIXWith(refs *STIXRefs, rd io.Reader, file string, s *Sink) error {
	body, bom := skipBOM(rd)
	src := &lineCounter{r: body}
	sr := &stixReader{dec: json.NewDecoder(src), src: src, bom: bom, file: file, s: s, refs: refs}
	return sr.run()
}

// Flush hands every waiting indicator to s, with the identities and markings known now;
// a marking never defined leaves the Sink's default TLP to apply, and a creator never
// named leaves no publisher (its bare id would tell a reader nothing).
func (r *STIXRefs) Flush(s *Sink) {
	for _, w := range r.pending {
		r.emit(s, w)
	}
	r.pending = nil
}

// Waiting reports how many indicators wait for an identity or marking not yet seen.
func (r *STIXRefs) Waiting() int { return len(r.pending) }

// add hands an indicator's values to s, or holds them while a reference is unknown.
func (r *STIXRefs) add(s *Sink, loc Location, matches []stixpattern.Match, o *stixObject) {
	w := pendingIndicator{loc: loc, matches: matches, p: r.provenance(o)}
	if o.CreatedByRef != "" {
		if _, ok := r.names[o.CreatedByRef]; !ok {
			w.creator = o.CreatedByRef
		}
	}
	for _, ref := range o.MarkingRefs {
		if _, ok := r.tlp(ref); !ok {
			w.markings = append(w.markings, ref)
		}
	}
	if w.creator == "" && len(w.markings) == 0 {
		r.emit(s, w)
		return
	}
	w.p.Labels = slices.Clone(w.p.Labels) // the decoder reuses the slice for the next object
	if len(r.pending) >= maxPending {
		r.emit(s, r.pending[0])
		r.pending = r.pending[1:]
	}
	r.pending = append(r.pending, w)
}

// emit resolves what it can of w's references and hands its values to s.
func (r *STIXRefs) emit(s *Sink, w pendingIndicator) {
	if name, ok := r.names[w.creator]; ok {
		w.p.Publisher = name
	}
	for _, ref := range w.markings {
		t, _ := r.tlp(ref)
		w.p.TLP = vigil.Stricter(w.p.TLP, t)
	}
	for _, m := range w.matches {
		s.Add(w.loc, m.Type, m.Value, w.p)
	}
}

// tlp is the marking a marking-definition id stands for: a standard TLP id, or one
// defined in the input.
func (r *STIXRefs) tlp(ref string) (vigil.TLP, bool) {
	if t, ok := standardTLP[ref]; ok {
		return t, true
	}
	t, ok := r.tlps[ref]
	return t, ok
}

// provenance builds the provenance of an indicator from what is known so far.
func (r *STIXRefs) provenance(o *stixObject) vigil.Provenance {
	p := vigil.Provenance{
		Confidence: -1,
		Labels:     o.Labels,
		Ref:        o.ID,
		ValidFrom:  parseTime(o.ValidFrom),
		ValidUntil: parseTime(o.ValidUntil),
	}
	if o.Confidence.ok {
		p.Confidence = o.Confidence.value
	}
	if name, ok := r.names[o.CreatedByRef]; ok {
		p.Publisher = name
	}
	for _, ref := range o.MarkingRefs {
		t, _ := r.tlp(ref)
		p.TLP = vigil.Stricter(p.TLP, t)
	}
	return p
}
