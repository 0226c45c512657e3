package threatintel_test

import (
	"context"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/threatintel"
)

// principals are one caller of each role; org roles belong to RXA.
var principals = map[string]vigil.Principal{
	"sector_admin":   {Email: "admin@centre.example", Role: vigil.RoleSectorAdmin},
	"sector_analyst": {Email: "analyst@centre.example", Role: vigil.RoleSectorAnalyst},
	"org_admin":      {Email: "admin@rxa.example", Role: vigil.RoleOrgAdmin, Org: "RXA"},
	"org_member":     {Email: "member@rxa.example", Role: vigil.RoleOrgMember, Org: "RXA"},
	"supplier":       {Email: "ops@supplier.example", Role: vigil.RoleSupplier, Org: "RXS"},
	"sensor":         {Email: "sensor for RXA", Role: vigil.RoleSensor, Org: "RXA"},
}

// Only the sector centre curates intel: every use case refuses the other roles before it
// touches a row, and each change is audited under its author.
func TestAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := threatintel.New(threatintel.Deps{Store: s})
		url, err := s.CreateFeed(t.Context(), vigil.Feed{Name: "unreachable", Kind: vigil.FeedURL, URL: "http://127.0.0.1:1/list.txt", Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
		uses := []struct {
			name   string
			action string // the audit action an allowed call writes; empty for reads
			call   func(ctx context.Context, p vigil.Principal) error
		}{
			{"upload", "intel.upload", func(ctx context.Context, p vigil.Principal) error {
				_, err := c.Import(ctx, p, threatintel.Upload{Source: "partner-" + p.Email, Name: "l.txt"}, strings.NewReader("192.0.2.7\n"))
				return err
			}},
			{"create, update and delete a feed", "feed.delete", func(ctx context.Context, p vigil.Principal) error {
				f, err := c.CreateFeed(ctx, p, vigil.Feed{Name: "uploads-" + p.Email, Kind: vigil.FeedUpload, Enabled: true})
				if err != nil {
					return err
				}
				off := false
				if _, err := c.UpdateFeed(ctx, p, f.ID, vigil.FeedPatch{Enabled: &off}); err != nil {
					return err
				}
				return c.DeleteFeed(ctx, p, f.ID)
			}},
			{"get and pull a feed", "feed.pull", func(ctx context.Context, p vigil.Principal) error {
				if _, err := c.GetFeed(ctx, p, url.ID); err != nil {
					return err
				}
				_, err := c.PullFeed(ctx, p, url.ID) // the address refuses: the pull fails, the call does not
				return err
			}},
			{"list feeds", "", func(ctx context.Context, p vigil.Principal) error {
				_, err := c.ListFeeds(ctx, p, "")
				return err
			}},
			{"search indicators", "", func(ctx context.Context, p vigil.Principal) error {
				_, _, err := c.SearchIndicators(ctx, p, vigil.IndicatorFilter{})
				return err
			}},
		}
		for role, p := range principals {
			allowed := p.Role.Sector()
			for _, u := range uses {
				t.Run(role+" "+u.name, func(t *testing.T) {
					err := u.call(t.Context(), p)
					switch {
					case allowed && err != nil:
						t.Fatalf("want allowed, got %v", err)
					case !allowed && vigil.ErrorCode(err) != vigil.EFORBIDDEN:
						t.Fatalf("want forbidden, got %v", err)
					}
					if u.action == "" {
						return
					}
					es := storetest.Audits(t, s, vigil.AuditFilter{Actor: p.Email, Action: u.action})
					if want := map[bool]int{true: 1, false: 0}[allowed]; len(es) != want {
						t.Errorf("%d %s audit entries by %s, want %d", len(es), u.action, p.Email, want)
					}
				})
			}
		}
	})
}

// A change whose audit write fails is undone with it: they run in one transaction. A
// principal without an email cannot be audited (the actor is required).
func TestFeedChangesAreUndoneWhenTheAuditFails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := threatintel.New(threatintel.Deps{Store: s})
		nameless := vigil.Principal{Role: vigil.RoleSectorAdmin}
		if _, err := c.CreateFeed(t.Context(), nameless, vigil.Feed{Name: "x", Kind: vigil.FeedUpload, Enabled: true}); err == nil {
			t.Fatal("CreateFeed without an auditable actor succeeded")
		}
		if _, err := s.GetFeedByName(t.Context(), "x"); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("create: the feed was kept: %v", err)
		}
		f, err := c.CreateFeed(t.Context(), principals["sector_admin"], vigil.Feed{Name: "y", Kind: vigil.FeedUpload, Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
		off := false
		if _, err := c.UpdateFeed(t.Context(), nameless, f.ID, vigil.FeedPatch{Enabled: &off}); err == nil {
			t.Fatal("UpdateFeed without an auditable actor succeeded")
		}
		if err := c.DeleteFeed(t.Context(), nameless, f.ID); err == nil {
			t.Fatal("DeleteFeed without an auditable actor succeeded")
		}
		if got, err := s.GetFeed(t.Context(), f.ID); err != nil || !got.Enabled {
			t.Errorf("update or delete was kept: %+v, %v", got, err)
		}
	})
}
