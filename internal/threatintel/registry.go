package threatintel

import (
	"context"
	"log/slog"
	"strconv"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/feeds"
	"github.com/vigil-health/vigil/internal/store"
)

// The feeds registry: only the sector centre's people curate the sources of intel.

// CreateFeed registers a feed for the sector centre's p; Run pulls it within a minute.
func (s *Service) CreateFeed(ctx context.Context, p vigil.Principal, f vigil.Feed) (vigil.Feed, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return vigil.Feed{}, err
	}
	var created vigil.Feed
	err := s.store.Tx(ctx, func(tx *store.Store) (err error) {
		if created, err = tx.CreateFeed(ctx, f); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "feed.create", feedTarget(created), map[string]any{
			"name": created.Name, "kind": created.Kind, "url": vigil.RedactURL(created.URL)})
		return err
	})
	return created, err
}

// UpdateFeed changes a feed's settings for the sector centre's p. The new marking and
// grade apply from the next pull; indicators already stored keep theirs until then. A
// new URL on another scheme, host or port drops the stored credentials that the patch
// does not give again (vigil.Feed.Patched); the URL as vigil shows it (redacted) keeps
// the stored one. The audit entry says whether the URL changed and names the old and new
// one, redacted (a new key alone shows as two equal URLs).
func (s *Service) UpdateFeed(ctx context.Context, p vigil.Principal, id int64, patch vigil.FeedPatch) (vigil.Feed, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return vigil.Feed{}, err
	}
	var f vigil.Feed
	err := s.store.Tx(ctx, func(tx *store.Store) (err error) {
		old, err := tx.GetFeed(ctx, id)
		if err != nil {
			return err
		}
		_, dropped := old.Patched(patch)
		if f, err = tx.UpdateFeed(ctx, id, patch); err != nil {
			return err
		}
		detail := map[string]any{"name": f.Name, "credentials_dropped": dropped, "url_changed": f.URL != old.URL,
			"credentials_changed": dropped || patch.Username != nil || patch.Password != nil || patch.Token != nil}
		if f.URL != old.URL {
			detail["old_url"], detail["new_url"] = vigil.RedactURL(old.URL), vigil.RedactURL(f.URL)
		}
		_, err = tx.Audit(ctx, p.Email, "feed.update", feedTarget(f), detail)
		return err
	})
	return f, err
}

// DeleteFeed removes a feed for the sector centre's p, withdraws its indicators and
// recompiles the matcher; indicators other sources also hold stay with those sources.
// A pull of the feed under way stops: at once on this server, at its next lease renewal
// or batch on another (its job fails saying the feed was deleted); the store keeps any
// batch it stores after the delete out (store.SourceImport.OfFeed).
func (s *Service) DeleteFeed(ctx context.Context, p vigil.Principal, id int64) error {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return err
	}
	var f vigil.Feed
	var withdrawn int
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		var err error
		if f, withdrawn, err = tx.DeleteFeed(ctx, id); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "feed.delete", "feed/"+f.Name, map[string]any{"kind": f.Kind,
			"url": vigil.RedactURL(f.URL), "withdrawn": withdrawn})
		return err
	})
	if err != nil {
		return err
	}
	s.pulls.stop(id, store.FeedDeletedError(f.Name))
	if withdrawn > 0 {
		return s.Recompile(ctx)
	}
	return nil
}

// GetFeed returns one feed with how its last pull went.
func (s *Service) GetFeed(ctx context.Context, p vigil.Principal, id int64) (vigil.Feed, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return vigil.Feed{}, err
	}
	return s.store.GetFeed(ctx, id)
}

// ListFeeds lists every registered feed, in sort's order (by name when empty), with how
// its last pull went.
func (s *Service) ListFeeds(ctx context.Context, p vigil.Principal, sort vigil.FeedSort) ([]vigil.Feed, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return nil, err
	}
	return s.store.ListFeeds(ctx, sort)
}

// feedTarget is a feed as the audit log names it.
func feedTarget(f vigil.Feed) string { return "feed/" + strconv.FormatInt(f.ID, 10) }

// CheckFeed tries f's source for the sector centre's p before it is added or saved,
// storing nothing: a TAXII feed lists its API root's collections, a list or MISP feed
// counts what one pull would import. Name and collection may still be blank: the check
// is how an analyst finds the collection to pick. A source that cannot be reached is a
// Check that says so; the error is for a feed set up wrongly.
func (s *Service) CheckFeed(ctx context.Context, p vigil.Principal, f vigil.Feed) (feeds.Check, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return feeds.Check{}, err
	}
	v := f
	if strings.TrimSpace(v.Name) == "" {
		v.Name = "feed-check"
	}
	if v.Kind == vigil.FeedTAXII && strings.TrimSpace(v.Collection) == "" {
		v.Collection = "-"
	}
	if err := v.Validate(); err != nil {
		return feeds.Check{}, err
	}
	c := s.checkSource(ctx, f)
	if c.Err != nil {
		// The answer says only what to do; the log keeps what happened, for the operator.
		s.log.WarnContext(ctx, "feed check failed", slog.String("kind", f.Kind),
			slog.String("url", vigil.RedactURL(f.URL)), slog.Any("error", c.Err))
	}
	return c, nil
}
