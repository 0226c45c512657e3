package api

import (
	"encoding/json"
	"time"

	"github.com/vigil-health/vigil"
)

// Feed is a registered intel source as the API shows it: its credentials are never
// shown, only whether it has any, nor its URL's query and fragment, which often hold a
// key (vigil.RedactURL).
type Feed struct {
	ID              int64          `json:"id"`
	Name            string         `json:"name" doc:"The source name its indicators are credited to."`
	Kind            string         `json:"kind" enum:"url,misp_feed,taxii,upload"`
	URL             string         `json:"url,omitempty" example:"https://partner.example/list.txt?…" doc:"Where it is pulled from. Its query and fragment are shown as ?… and #… (they often hold a key) and never in full; send the url back as shown to keep the stored one."`
	Collection      string         `json:"collection,omitempty" doc:"The TAXII collection id."`
	HasCredentials  bool           `json:"has_credentials" doc:"Whether a username, password or token is set; they are never shown."`
	ScheduleSeconds int64          `json:"schedule_seconds" doc:"How often it is pulled."`
	TLP             vigil.TLP      `json:"tlp,omitempty" doc:"Marks indicators the source does not mark itself."`
	Grade           string         `json:"grade,omitempty" example:"B2" doc:"Admiralty code: source reliability A–F, information credibility 1–6."`
	Enabled         bool           `json:"enabled" doc:"Enabled feeds are pulled on their schedule."`
	Status          string         `json:"status" enum:"ok,error,never" doc:"How the last pull went."`
	LastError       string         `json:"last_error,omitempty" doc:"Why the last pull failed; the previous indicators are kept."`
	LastPullAt      *time.Time     `json:"last_pull_at,omitempty"`
	LastSuccessAt   *time.Time     `json:"last_success_at,omitempty"`
	Counts          map[string]any `json:"counts,omitempty" doc:"What the last pull or upload found and changed."`
	Indicators      int64          `json:"indicators" doc:"How many indicators the source holds now."`
	CreatedAt       time.Time      `json:"created_at"`
}

func feedOut(f vigil.Feed) Feed {
	out := Feed{ID: f.ID, Name: f.Name, Kind: f.Kind, URL: vigil.RedactURL(f.URL), Collection: f.Collection,
		HasCredentials: f.HasCredentials(), ScheduleSeconds: int64(f.Schedule / time.Second), TLP: f.TLP,
		Grade: f.Grade(), Enabled: f.Enabled, Status: f.Status, LastError: f.LastError,
		LastPullAt: timePtr(f.LastPullAt), LastSuccessAt: timePtr(f.LastSuccessAt), Indicators: f.Indicators,
		CreatedAt: f.CreatedAt}
	if len(f.Counts) > 0 && string(f.Counts) != "{}" {
		_ = json.Unmarshal(f.Counts, &out.Counts)
	}
	return out
}

type feedIDIn struct {
	ID int64 `path:"id" minimum:"1" doc:"The feed's id."`
}

type feedResult struct {
	Body Feed
}

// feedTerms reads the marking and grade a feed's body gives.
func feedTerms(tlp, grade *string) (*vigil.TLP, *byte, *uint8, error) {
	var t *vigil.TLP
	if tlp != nil {
		v := vigil.TLP("")
		if *tlp != "" {
			p, ok := vigil.ParseTLP(*tlp)
			if !ok {
				return nil, nil, nil, vigil.Errorf(vigil.EINVALID, "tlp %q is not a TLP 2.0 marking: use CLEAR, GREEN, AMBER, AMBER+STRICT or RED", *tlp)
			}
			v = p
		}
		t = &v
	}
	if grade == nil {
		return t, nil, nil, nil
	}
	rel, cred, ok := vigil.ParseAdmiralty(*grade)
	if !ok && *grade != "" {
		return nil, nil, nil, vigil.Errorf(vigil.EINVALID, "grade %q is not an Admiralty code: a letter A–F for the source's reliability and a digit 1–6 for the information's credibility, e.g. B2", *grade)
	}
	return t, &rel, &cred, nil
}

// scheduleOf converts an optional schedule in seconds.
func scheduleOf(secs *int64) *time.Duration {
	if secs == nil {
		return nil
	}
	d := time.Duration(*secs) * time.Second
	return &d
}
