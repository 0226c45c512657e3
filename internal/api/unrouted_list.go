package api

import (
	"context"
	"time"

	"github.com/vigil-health/vigil"
)

type unroutedListIn struct {
	Type string             `query:"type" maxLength:"40" pattern:"^[a-z_]*$" doc:"Only events of this type, e.g. open_port."`
	Sort vigil.UnroutedSort `query:"sort" enum:"newest,last_seen,count,type" doc:"The order: newest received first (the default), last_seen (most recently reported again first), count (reported most often first), type; ties newest first. A cursor continues only the order it came from."`
	PageParams
}

// UnroutedEvent is a partner's event about something no organisation has registered.
type UnroutedEvent struct {
	// ID is the entry's number.
	ID int64 `json:"id"`
	// Type is what was seen.
	Type string `json:"type" example:"open_port"`
	// Observable is the IP address, domain or URL.
	Observable string `json:"observable" example:"203.0.113.9"`
	// ObservableType is ipv4, ipv6, domain or url.
	ObservableType string `json:"observable_type" example:"ipv4"`
	// Source is the partner or scanner.
	Source string `json:"source"`
	// Severity is the reporter's view of urgency.
	Severity string `json:"severity" enum:"low,medium,high,critical"`
	// Port, Service and CVE are what the event named, when it did.
	Port    int    `json:"port,omitempty"`
	Service string `json:"service,omitempty"`
	CVE     string `json:"cve,omitempty"`
	// Description is the reporter's text.
	Description string `json:"description,omitempty"`
	// TLP is how far the reporter lets it be shared; empty for events kept before vigil
	// recorded it.
	TLP string `json:"tlp,omitempty" example:"GREEN"`
	// Reporter is who uploaded it.
	Reporter string `json:"reporter"`
	// Count is how many times it was reported that day.
	Count int `json:"count"`
	// FirstSeen and LastSeen bound when it was seen.
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	// ReceivedAt is when vigil first received it.
	ReceivedAt time.Time `json:"received_at"`
}

// unroutedList lists the events that matched nobody's assets, in the order asked for.
func (a *API) unroutedList(ctx context.Context, in *unroutedListIn) (*pageOut[UnroutedEvent], error) {
	us, next, err := a.app.EarlyWarning.ListUnrouted(ctx, principal(ctx), vigil.UnroutedFilter{Type: in.Type, Sort: in.Sort, Cursor: in.Cursor, Limit: in.Limit})
	if err != nil {
		return nil, err
	}
	return newPage(mapSlice(us, unroutedOut), next), nil
}

func unroutedOut(u vigil.UnroutedEvent) UnroutedEvent {
	ev := u.Event
	return UnroutedEvent{ID: u.ID, Type: ev.Type, Observable: ev.Observable, ObservableType: string(ev.ObservableType),
		Source: ev.Source, Severity: string(ev.Severity), Port: ev.Port, Service: ev.Service, CVE: ev.CVE,
		Description: ev.Description, TLP: string(ev.TLP), Reporter: u.Reporter, Count: u.Count, FirstSeen: ev.Time, LastSeen: u.LastSeen,
		ReceivedAt: u.ReceivedAt}
}
