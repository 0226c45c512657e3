package api

import (
	"context"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/threatintel"
)

type indicatorListIn struct {
	Value  string              `query:"value" maxLength:"2000" example:"evil.example" doc:"Indicators whose value contains this, in any case."`
	Exact  bool                `query:"exact" doc:"Match the value exactly instead of as a substring."`
	Type   vigil.IndicatorType `query:"type" enum:"ipv4,ipv6,cidr,domain,url,email,md5,sha1,sha256,sha512,filename,x509-sha1,x509-sha256,ja3,ja3s,ja4"`
	Source string              `query:"source" maxLength:"100" doc:"Only indicators this source holds."`
	Label  string              `query:"label" maxLength:"200" example:"emotet" doc:"Only indicators a source labels so (malware family, campaign), in any case."`
	TLP    vigil.TLP           `query:"tlp" enum:"CLEAR,GREEN,AMBER,AMBER+STRICT,RED" doc:"Only indicators a source marks so."`
	Sort   vigil.IndicatorSort `query:"sort" enum:"newest,oldest,value,type,confidence,last_seen,last_sighted" doc:"The order: newest stored first (the default), oldest, value (A to Z), type, confidence (the highest any source states first), last_seen (the latest any source saw it first), last_sighted (most recently matched in telemetry first); ties newest first. A cursor continues only the order it came from."`
	PageParams
}

// Indicator is a stored indicator with every source's claim and whether it matches.
type Indicator struct {
	Type        vigil.IndicatorType `json:"type"`
	Value       string              `json:"value"`
	Matching    bool                `json:"matching" doc:"Whether telemetry is matched against it."`
	Why         string              `json:"why,omitempty" doc:"Why it does not match, when it does not."`
	Score       float64             `json:"score" doc:"Decay score in (0, 1]; below 0.2 it stops matching. Reset when a source re-publishes it or it is sighted."`
	LastSighted *time.Time          `json:"last_sighted,omitempty"`
	Sources     []IndicatorSource   `json:"sources" nullable:"false"`
}

// IndicatorSource is one source's claim on an indicator.
type IndicatorSource struct {
	Source         string     `json:"source"`
	Publisher      string     `json:"publisher,omitempty" doc:"Who published it inside the data (a STIX identity, a MISP event's creator), when the data says."`
	TLP            vigil.TLP  `json:"tlp,omitempty"`
	Grade          string     `json:"grade,omitempty" example:"B2" doc:"Admiralty code of this claim."`
	Confidence     *int       `json:"confidence,omitempty" doc:"The publisher's confidence 0–100, when stated."`
	Labels         []string   `json:"labels,omitempty"`
	ValidFrom      *time.Time `json:"valid_from,omitempty"`
	ValidUntil     *time.Time `json:"valid_until,omitempty"`
	FirstSeen      *time.Time `json:"first_seen,omitempty" doc:"When the source says it first saw it."`
	LastSeen       *time.Time `json:"last_seen,omitempty" doc:"When the source says it last saw it."`
	Added          time.Time  `json:"added" doc:"When the source first published it to us."`
	Published      time.Time  `json:"published" doc:"When the source last published it to us."`
	NotForMatching string     `json:"not_for_matching,omitempty"`
}

// indicatorList searches the stored indicators. Whether each matches is judged now,
// as the next recompile would.
func (a *API) indicatorList(ctx context.Context, in *indicatorListIn) (*pageOut[Indicator], error) {
	list, next, err := a.app.ThreatIntel.SearchIndicators(ctx, principal(ctx), vigil.IndicatorFilter{Value: in.Value, Exact: in.Exact,
		Type: in.Type, Source: in.Source, Label: in.Label, TLP: in.TLP, Sort: in.Sort, Cursor: in.Cursor, Limit: in.Limit})
	if err != nil {
		return nil, err
	}
	return newPage(mapSlice(list, indicatorOut), next), nil
}

func indicatorOut(ind threatintel.Indicator) Indicator {
	si, as := ind.StoredIndicator, ind.Assessment
	return Indicator{Type: si.Type, Value: si.Value, Matching: as.Matching, Why: as.Why, Score: as.Score,
		LastSighted: timePtr(si.LastSighted), Sources: mapSlice(si.Sources, indicatorSourceOut)}
}

func indicatorSourceOut(s vigil.IndicatorSource) IndicatorSource {
	out := IndicatorSource{Source: s.Source, Publisher: s.Publisher, TLP: s.TLP, Grade: s.Grade(),
		Labels: s.Labels, ValidFrom: timePtr(s.ValidFrom), ValidUntil: timePtr(s.ValidUntil),
		FirstSeen: timePtr(s.FirstSeen), LastSeen: timePtr(s.LastSeen), Added: s.Added, Published: s.Published,
		NotForMatching: s.NotForMatching}
	if s.Confidence >= 0 {
		c := s.Confidence
		out.Confidence = &c
	}
	return out
}
