package api

import (
	"context"

	"github.com/vigil-health/vigil"
)

// feedCheckBody is the part of a feed that says where its source is and how to sign in.
type feedCheckBody struct {
	Kind       string `json:"kind" enum:"url,misp_feed,taxii,upload"`
	URL        string `json:"url,omitempty" maxLength:"2000" doc:"For taxii, an API root or the server's discovery address (…/taxii2/)."`
	Collection string `json:"collection,omitempty" maxLength:"200" doc:"The TAXII collection to check; leave out to list the collections."`
	Username   string `json:"username,omitempty" maxLength:"200"`
	Password   string `json:"password,omitempty" maxLength:"1000"`
	Token      string `json:"token,omitempty" maxLength:"4000"`
}

type feedCheckIn struct {
	Body feedCheckBody
}

// FeedCheck is what a source answered when tried.
type FeedCheck struct {
	OK          bool             `json:"ok" doc:"Whether a pull of the feed as set up would work."`
	Message     string           `json:"message" doc:"What was found, or what to change."`
	APIRoot     string           `json:"api_root,omitempty" doc:"The TAXII API root read."`
	Collections []FeedCollection `json:"collections,omitempty" doc:"The TAXII API root's collections."`
	Indicators  int64            `json:"indicators" doc:"How many indicators one pull of a list or MISP feed would import."`
	Problems    int64            `json:"problems" doc:"Entries of a list or MISP feed that could not be read."`
}

// FeedCollection is one TAXII collection a feed could read.
type FeedCollection struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	CanRead bool   `json:"can_read"`
}

type feedCheckResult struct {
	Body FeedCheck
}

// feedCheck tries a source before it is registered; nothing is stored. The check has
// its own bound (30 s, inside a reverse proxy's usual 60 s): a source slower than that
// answers 200 with ok false and a message saying a pull may still work.
func (a *API) feedCheck(ctx context.Context, in *feedCheckIn) (*feedCheckResult, error) {
	b := in.Body
	c, err := a.app.ThreatIntel.CheckFeed(ctx, principal(ctx), vigil.Feed{Kind: b.Kind, URL: b.URL, Collection: b.Collection,
		Username: b.Username, Password: b.Password, Token: b.Token})
	if err != nil {
		return nil, err
	}
	out := FeedCheck{OK: c.OK, Message: c.Message, APIRoot: c.APIRoot, Indicators: c.Indicators, Problems: c.Problems}
	for _, col := range c.Collections {
		out.Collections = append(out.Collections, FeedCollection{ID: col.ID, Title: col.Title, CanRead: col.CanRead})
	}
	return &feedCheckResult{Body: out}, nil
}
