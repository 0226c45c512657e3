package alerts

import (
	"context"

	"github.com/vigil-health/vigil"
)

// Notifications returns a page of the messages in the outbox that match f, newest
// first, and the cursor of the next page ("" on the last): every organisation's for
// sector roles (f.Org, as given, picks one), their own for organisation roles. A
// message is addressed to one organisation's contacts, so no one else reads it: naming
// another organisation is not found. A message for named recipients (vigil.NamedOnly)
// is listed, outside the sector, only to the people it names.
func (s *Service) Notifications(ctx context.Context, p vigil.Principal, f vigil.OutboxFilter) ([]vigil.OutboxEntry, string, error) {
	if err := p.Need(vigil.AlertWorkers...); err != nil {
		return nil, "", err
	}
	aud, err := s.store.Audience(ctx, p)
	if err != nil {
		return nil, "", err
	}
	if !aud.All {
		if f.Org != "" {
			if code, err := vigil.NormalizeODS(f.Org); err != nil || code != aud.Own {
				return nil, "", vigil.OrgNotFound(f.Org)
			}
		}
		f.Org, f.Recipient = aud.Own, p.Email
	}
	return s.store.ListOutbox(ctx, f)
}
