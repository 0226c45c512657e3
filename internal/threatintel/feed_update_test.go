package threatintel_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/threatintel"
)

func ptr[T any](v T) *T { return &v }

// Moving a feed to another scheme, host or port drops its stored credentials unless the
// same change gives them again, so a partner's key is never sent to the new address;
// the audit row records the old and new URL without secrets. The URL sent back as shown
// (redacted) keeps the stored one with its key, and the audit row says it did not change.
func TestUpdateFeedURLDropsCredentials(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := threatintel.New(threatintel.Deps{Store: s})
		const base = "https://partner.example/feeds/list.txt?apikey=s3cret-in-url"
		tests := []struct {
			name      string
			patch     vigil.FeedPatch
			wantToken string
			wantUser  string
			dropped   bool
			wantURL   string // "" for the patch's
		}{
			{"same origin, another path", vigil.FeedPatch{URL: ptr("https://partner.example/feeds/other.txt")}, "partner-key", "soc", false, ""},
			{"another host", vigil.FeedPatch{URL: ptr("https://listener.example/list.txt")}, "", "", true, ""},
			{"another port", vigil.FeedPatch{URL: ptr("https://partner.example:8443/feeds/list.txt")}, "", "", true, ""},
			{"another scheme", vigil.FeedPatch{URL: ptr("http://partner.example/feeds/list.txt")}, "", "", true, ""},
			{"host case only", vigil.FeedPatch{URL: ptr("https://PARTNER.example/feeds/list.txt")}, "partner-key", "soc", false, ""},
			{"another host with the token given again", vigil.FeedPatch{URL: ptr("https://mirror.example/list.txt"), Token: ptr("mirror-key")}, "mirror-key", "", true, ""},
			{"no URL change", vigil.FeedPatch{Name: ptr("renamed")}, "partner-key", "soc", false, base},
			{"the URL as shown", vigil.FeedPatch{URL: ptr("https://partner.example/feeds/list.txt?…")}, "partner-key", "soc", false, base},
			{"another key", vigil.FeedPatch{URL: ptr("https://partner.example/feeds/list.txt?apikey=s3cret-new")}, "partner-key", "soc", false, ""},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ctx := t.Context()
				f, err := s.CreateFeed(ctx, vigil.Feed{Name: "partner-" + string(rune('a'+i)), Kind: vigil.FeedURL, URL: base,
					Username: "soc", Password: "pw", Token: "partner-key", Enabled: true})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := c.UpdateFeed(ctx, analyst, f.ID, tt.patch); err != nil {
					t.Fatal(err)
				}
				got, err := s.GetFeed(ctx, f.ID)
				if err != nil {
					t.Fatal(err)
				}
				wantURL := tt.wantURL
				if wantURL == "" {
					wantURL = *tt.patch.URL
				}
				if got.URL != wantURL {
					t.Errorf("URL after the change %q, want %q", got.URL, wantURL)
				}
				if got.Token != tt.wantToken || got.Username != tt.wantUser {
					t.Errorf("credentials after the change: user %q token %q, want user %q token %q", got.Username, got.Token, tt.wantUser, tt.wantToken)
				}
				es := storetest.Audits(t, s, vigil.AuditFilter{Action: "feed.update", Target: "feed/" + strconv.FormatInt(f.ID, 10)})
				if len(es) != 1 {
					t.Fatalf("audit entries %v, want one", es)
				}
				d := storetest.AuditDetail(t, es[0])
				if strings.Contains(es[0].Detail, "s3cret") || strings.Contains(es[0].Detail, "partner-key") || strings.Contains(es[0].Detail, "mirror-key") {
					t.Errorf("audit detail %s holds a secret", es[0].Detail)
				}
				if d["credentials_dropped"] != tt.dropped || (tt.dropped && d["credentials_changed"] != true) {
					t.Errorf("audit detail %s: want credentials_dropped %v", es[0].Detail, tt.dropped)
				}
				if wantURL != base {
					if d["old_url"] != "https://partner.example/feeds/list.txt?…" || d["new_url"] != vigil.RedactURL(wantURL) || d["url_changed"] != true {
						t.Errorf("audit detail %s: want the old and new URL, redacted", es[0].Detail)
					}
				} else if _, ok := d["old_url"]; ok || d["url_changed"] != false {
					t.Errorf("audit detail %s names URLs although the URL did not change", es[0].Detail)
				}
			})
		}
	})
}
