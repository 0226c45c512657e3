package api

import (
	"context"

	"github.com/vigil-health/vigil"
)

// feedBody is what registering a feed takes.
type feedBody struct {
	Name            string `json:"name" minLength:"1" maxLength:"100" example:"abuse.ch Feodo Tracker" doc:"The source name its indicators are credited to; unique."`
	Kind            string `json:"kind" enum:"url,misp_feed,taxii,upload" doc:"url: a list or CSV over HTTP(S); misp_feed: a MISP feed directory; taxii: a TAXII 2.1 API root with a collection; upload: filled by uploads only."`
	URL             string `json:"url,omitempty" maxLength:"2000" example:"https://feodotracker.abuse.ch/downloads/ipblocklist.txt" doc:"http:// or https://; credentials go in username and password, not here. A key in the query is kept but never shown again: answers show the query as ?…."`
	Collection      string `json:"collection,omitempty" maxLength:"200" doc:"The TAXII collection id (taxii only)."`
	Username        string `json:"username,omitempty" maxLength:"200" doc:"HTTP basic auth user; stored, never shown."`
	Password        string `json:"password,omitempty" maxLength:"1000" doc:"HTTP basic auth password; stored, never shown."`
	Token           string `json:"token,omitempty" maxLength:"4000" doc:"Bearer token; stored, never shown."`
	ScheduleSeconds int64  `json:"schedule_seconds,omitempty" minimum:"60" maximum:"604800" doc:"How often to pull (default 3600)."`
	TLP             string `json:"tlp,omitempty" maxLength:"20" example:"green" doc:"Marks indicators the source does not mark itself."`
	Grade           string `json:"grade,omitempty" maxLength:"2" example:"B2" doc:"Admiralty code: reliability A–F, credibility 1–6."`
	Enabled         *bool  `json:"enabled,omitempty" doc:"Pull on schedule (default true)."`
}

type feedCreateIn struct {
	Body feedBody
}

// feedCreate registers a feed; the background loop pulls it within a minute.
func (a *API) feedCreate(ctx context.Context, in *feedCreateIn) (*feedResult, error) {
	b := in.Body
	tlp, rel, cred, err := feedTerms(&b.TLP, &b.Grade)
	if err != nil {
		return nil, err
	}
	enabled := b.Enabled == nil || *b.Enabled
	f := vigil.Feed{Name: b.Name, Kind: b.Kind, URL: b.URL, Collection: b.Collection, Username: b.Username,
		Password: b.Password, Token: b.Token, Schedule: *scheduleOf(&b.ScheduleSeconds), TLP: *tlp,
		Reliability: *rel, Credibility: *cred, Enabled: enabled}
	created, err := a.app.ThreatIntel.CreateFeed(ctx, principal(ctx), f)
	if err != nil {
		return nil, err
	}
	return &feedResult{Body: feedOut(created)}, nil
}
