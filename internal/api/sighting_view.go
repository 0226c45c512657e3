package api

import (
	"time"

	"github.com/vigil-health/vigil"
)

// Sighting says that an organisation's telemetry held a value that matched an indicator,
// in one event field, on one day. The events themselves are not kept.
type Sighting struct {
	// ID is the sighting's number.
	ID int64 `json:"id"`
	// Org is the ODS code of the organisation whose telemetry it was.
	Org string `json:"org"`
	// Day is the UTC day the events happened, by their own time (Zeek ts, Sysmon UtcTime, ECS
	// @timestamp...); the day received for events without a time or timed far in the future.
	Day string `json:"day" format:"date" example:"2025-11-09"`
	// Field is the event field the value came from.
	Field string `json:"field" example:"id.resp_h"`
	// Observable is the value seen.
	Observable string `json:"observable" example:"203.0.113.9"`
	// ObservableType is the kind of value seen.
	ObservableType vigil.IndicatorType `json:"observable_type"`
	// Indicator is the indicator it matched (a parent domain or a network can differ from the value seen).
	Indicator string `json:"indicator" example:"203.0.113.0/24"`
	// IndicatorType is the matched indicator's type.
	IndicatorType vigil.IndicatorType `json:"indicator_type"`
	// Sources are the intel sources that list the indicator.
	Sources []string `json:"sources" nullable:"false"`
	// Publishers are who published the indicator inside the data (a STIX identity, a MISP
	// event's creator) when that is not the source itself: whom to ask about it.
	Publishers []string `json:"publishers" nullable:"false"`
	// Labels are what the sources call it (malware family, campaign).
	Labels []string `json:"labels" nullable:"false"`
	// TLP is how far the sighting may be shared: the strictest of the sources' markings.
	TLP vigil.TLP `json:"tlp,omitempty"`
	// Count is how many events held it that day.
	Count int64 `json:"count"`
	// FirstSeen is the earliest event time holding it that day (the time received for events without one).
	FirstSeen time.Time `json:"first_seen"`
	// LastSeen is the latest event time holding it that day (the time received for events without one).
	LastSeen time.Time `json:"last_seen"`
	// AlertID is the alert the sighting raised or added to, when the caller may see it.
	AlertID int64 `json:"alert_id,omitempty"`
}

func sightingOut(r vigil.Sighting) Sighting {
	return Sighting{ID: r.ID, Org: r.Org, Day: r.Day.Format(time.DateOnly), Field: r.Field, Observable: r.Observable,
		ObservableType: r.ObservableType, Indicator: r.Indicator, IndicatorType: r.IndicatorType,
		Sources: nonNil(r.Sources), Publishers: nonNil(r.Publishers), Labels: nonNil(r.Labels), TLP: r.TLP, Count: r.Count, FirstSeen: r.FirstSeen,
		LastSeen: r.LastSeen, AlertID: r.Alert}
}
