package api

import (
	"context"

	"github.com/vigil-health/vigil"
)

type feedUpdateIn struct {
	ID   int64 `path:"id" minimum:"1" doc:"The feed's id."`
	Body struct {
		Name            *string `json:"name,omitempty" minLength:"1" maxLength:"100" doc:"Renaming re-credits the feed's indicators."`
		URL             *string `json:"url,omitempty" maxLength:"2000" doc:"The url exactly as vigil shows it (query as ?…) keeps the stored one, key included; any other url replaces it, and one still holding ?… where the query was is refused: type it in full."`
		Collection      *string `json:"collection,omitempty" maxLength:"200"`
		Username        *string `json:"username,omitempty" maxLength:"200" doc:"Empty clears it."`
		Password        *string `json:"password,omitempty" maxLength:"1000" doc:"Empty clears it."`
		Token           *string `json:"token,omitempty" maxLength:"4000" doc:"Empty clears it."`
		ScheduleSeconds *int64  `json:"schedule_seconds,omitempty" minimum:"60" maximum:"604800"`
		TLP             *string `json:"tlp,omitempty" maxLength:"20" doc:"Empty clears it."`
		Grade           *string `json:"grade,omitempty" maxLength:"2" doc:"Empty clears it."`
		Enabled         *bool   `json:"enabled,omitempty"`
	}
}

// feedUpdate changes a feed's settings. The new marking and grade apply from the next
// pull; indicators already stored keep theirs until then.
func (a *API) feedUpdate(ctx context.Context, in *feedUpdateIn) (*feedResult, error) {
	b := in.Body
	tlp, rel, cred, err := feedTerms(b.TLP, b.Grade)
	if err != nil {
		return nil, err
	}
	patch := vigil.FeedPatch{Name: b.Name, URL: b.URL, Collection: b.Collection, Username: b.Username,
		Password: b.Password, Token: b.Token, Schedule: scheduleOf(b.ScheduleSeconds), TLP: tlp,
		Reliability: rel, Credibility: cred, Enabled: b.Enabled}
	f, err := a.app.ThreatIntel.UpdateFeed(ctx, principal(ctx), in.ID, patch)
	if err != nil {
		return nil, err
	}
	return &feedResult{Body: feedOut(f)}, nil
}
