package store_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

func feed(name string) vigil.Feed {
	return vigil.Feed{Name: name, Kind: vigil.FeedURL, URL: "https://feeds.example/list.txt", TLP: "green",
		Reliability: 'B', Credibility: 2, Enabled: true, Password: "s3cret"}
}

func TestCreateFeedValidates(t *testing.T) {
	tests := []struct {
		name   string
		change func(*vigil.Feed)
		msg    string // part of the message; "" for success
	}{
		{"ok", func(*vigil.Feed) {}, ""},
		{"ftp url", func(f *vigil.Feed) { f.URL = "ftp://feeds.example/x" }, "must start with http:// or https://"},
		{"no url", func(f *vigil.Feed) { f.URL = "" }, "needs a url"},
		{"credentials in url", func(f *vigil.Feed) { f.URL = "https://u:p@feeds.example/" }, "not in the url"},
		{"unknown kind", func(f *vigil.Feed) { f.Kind = "rss" }, "use url, misp_feed, taxii or upload"},
		{"taxii without collection", func(f *vigil.Feed) { f.Kind = vigil.FeedTAXII }, "collection id"},
		{"upload with url", func(f *vigil.Feed) { f.Kind = vigil.FeedUpload }, "has no url"},
		{"bad tlp", func(f *vigil.Feed) { f.TLP = "purple" }, "not a TLP 2.0 marking"},
		{"bad reliability", func(f *vigil.Feed) { f.Reliability = 'G' }, "A (reliable) to F"},
		{"bad credibility", func(f *vigil.Feed) { f.Credibility = 7 }, "1 (confirmed) to 6"},
		{"schedule too short", func(f *vigil.Feed) { f.Schedule = time.Second }, "out of range"},
		{"no name", func(f *vigil.Feed) { f.Name = " " }, "1 to 100 characters"},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				f := feed("feed " + tt.name)
				tt.change(&f)
				got, err := s.CreateFeed(t.Context(), f)
				if tt.msg == "" {
					if err != nil {
						t.Fatal(err)
					}
					if got.TLP != vigil.TLPGreen || got.Grade() != "B2" || got.Schedule != vigil.DefaultFeedSchedule ||
						got.Status != vigil.FeedNever || !got.Enabled || got.CreatedAt.IsZero() {
						t.Errorf("created %+v", got)
					}
					return
				}
				if vigil.ErrorCode(err) != vigil.EINVALID || !strings.Contains(vigil.ErrorMessage(err), tt.msg) {
					t.Errorf("err %v, want invalid saying %q", err, tt.msg)
				}
			})
		}
		t.Run("same name", func(t *testing.T) {
			_, err := s.CreateFeed(t.Context(), feed("feed ok"))
			if vigil.ErrorCode(err) != vigil.ECONFLICT {
				t.Errorf("err %v, want conflict", err)
			}
		})
	})
}

func TestFeedLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f, err := s.CreateFeed(ctx, feed("botnets"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReplaceSourceIndicators(ctx, "botnets", []vigil.Indicator{ind(vigil.TypeIPv4, "192.0.2.7", "")}); err != nil {
			t.Fatal(err)
		}
		t0 := time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC)
		if err := s.RecordPull(ctx, f.ID, vigil.FeedPull{At: t0, State: json.RawMessage(`{"etag":"x"}`), Counts: json.RawMessage(`{"total":1}`)}); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordPull(ctx, f.ID, vigil.FeedPull{At: t0.Add(time.Hour), Err: errors.New("GET https://feeds.example/list.txt: 500 Internal Server Error")}); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetFeed(ctx, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != vigil.FeedError || !strings.Contains(got.LastError, "500") || !got.LastPullAt.Equal(t0.Add(time.Hour)) ||
			!got.LastSuccessAt.Equal(t0) || string(got.State) != `{"etag":"x"}` || string(got.Counts) != `{"total":1}` || got.Indicators != 1 {
			t.Errorf("after a failed pull %+v: want the error shown and the last success, state and counts kept", got)
		}

		name, enabled := "botnet C2", false
		got, err = s.UpdateFeed(ctx, f.ID, vigil.FeedPatch{Name: &name, Enabled: &enabled})
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != name || got.Enabled || got.Indicators != 1 || got.Password != "s3cret" {
			t.Errorf("after rename %+v: want the indicators credited to the new name", got)
		}
		bad := "gopher://x"
		if _, err := s.UpdateFeed(ctx, f.ID, vigil.FeedPatch{URL: &bad}); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("bad url patch: %v, want invalid", err)
		}

		if _, n, err := s.DeleteFeed(ctx, f.ID); err != nil || n != 1 {
			t.Fatalf("delete: %d withdrawn, %v", n, err)
		}
		if _, err := s.GetFeed(ctx, f.ID); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("get deleted feed: %v, want not found", err)
		}
		if n, _ := s.QueryInt(ctx, `SELECT COUNT(*) FROM indicators`); n != 0 {
			t.Errorf("%d indicators left after deleting their only source", n)
		}
	})
}
