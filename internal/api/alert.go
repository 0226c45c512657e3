package api

import (
	"time"

	"github.com/vigil-health/vigil"
)

// Alert tells one organisation about one thing it should act on.
type Alert struct {
	// ID is the alert's number.
	ID int64 `json:"id"`
	// Org is the ODS code of the organisation the alert is for.
	Org string `json:"org"`
	// Kind says what raised it.
	Kind vigil.AlertKind `json:"kind" enum:"early_warning,sighting,retro_hunt,vulnerability"`
	// Severity says how urgent it is.
	Severity vigil.Severity `json:"severity" enum:"low,medium,high,critical"`
	// Status is where it is in its life.
	Status vigil.AlertStatus `json:"status" enum:"open,acknowledged,resolved"`
	// Title is a one-line summary.
	Title string `json:"title"`
	// Body explains what was seen and what to do.
	Body string `json:"body"`
	// Observable is the organisation's own value involved: its IP, domain or host.
	Observable string `json:"observable,omitempty"`
	// Indicator is the matched indicator, when one was matched.
	Indicator string `json:"indicator,omitempty"`
	// Sources are the intel sources or reporters behind it: the feeds it came through.
	Sources []string `json:"sources"`
	// Publishers are who published it inside the data (a STIX identity, a MISP event's
	// creator organisation) when that is not the source itself; empty when none is named.
	Publishers []string `json:"publishers" nullable:"false"`
	// TLP is how far its content may be shared.
	TLP vigil.TLP `json:"tlp,omitempty"`
	// Count is how many times the same thing was seen.
	Count int `json:"count"`
	// FirstSeen is when it was first seen.
	FirstSeen time.Time `json:"first_seen"`
	// LastSeen is when it was last seen.
	LastSeen time.Time `json:"last_seen"`
	// CreatedAt is when it was raised.
	CreatedAt time.Time `json:"created_at"`
	// AckedAt is when it was acknowledged.
	AckedAt *time.Time `json:"acked_at,omitempty"`
	// AckedBy is who acknowledged it.
	AckedBy string `json:"acked_by,omitempty"`
	// ResolvedAt is when it was resolved.
	ResolvedAt *time.Time `json:"resolved_at,omitempty"`
	// ResolvedBy is who resolved it.
	ResolvedBy string `json:"resolved_by,omitempty"`
	// ResolutionNote says how it was dealt with.
	ResolutionNote string `json:"resolution_note,omitempty"`
	// AckDueAt is when it should be acknowledged by; absent when its severity has no such deadline.
	AckDueAt *time.Time `json:"ack_due_at,omitempty"`
	// RemediateDueAt is when it should be resolved by; absent when there is no such deadline.
	RemediateDueAt *time.Time `json:"remediate_due_at,omitempty"`
	// Overdue lists the deadlines it has missed and not yet met.
	Overdue []vigil.Overdue `json:"overdue" nullable:"false" enum:"acknowledge,remediate" doc:"The deadlines it has missed and not yet met: acknowledge (still open), remediate (still unresolved)."`
}

func alertOut(a vigil.Alert) Alert {
	return Alert{ID: a.ID, Org: a.Org, Kind: a.Kind, Severity: a.Severity, Status: a.Status, Title: a.Title,
		Body: a.Body, Observable: a.Observable, Indicator: a.Indicator, Sources: nonNil(a.Sources), Publishers: nonNil(a.Publishers), TLP: a.TLP,
		Count: a.Count, FirstSeen: a.FirstSeen, LastSeen: a.LastSeen, CreatedAt: a.CreatedAt,
		AckedAt: timePtr(a.AckedAt), AckedBy: a.AckedBy, ResolvedAt: timePtr(a.ResolvedAt), ResolvedBy: a.ResolvedBy,
		ResolutionNote: a.ResolutionNote, AckDueAt: timePtr(a.AckDueAt), RemediateDueAt: timePtr(a.FixDueAt),
		Overdue: nonNil(a.Overdue())}
}

type alertIDIn struct {
	ID int64 `path:"id" minimum:"1" doc:"The alert's number."`
}

type alertResult struct {
	Body Alert
}
