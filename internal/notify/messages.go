package notify

import (
	"context"
	"strings"

	"github.com/vigil-health/vigil"
)

// Message is an outbox message as people read it: what it says, and how each of its
// e-mails went.
type Message struct {
	vigil.OutboxEntry
	// Emails are the message's e-mails that the reader may see, in the order they were
	// planned (none before the message is due): every one for the sector centre and the
	// organisation's admins, the reader's own alone for an organisation's member.
	Emails []vigil.Delivery
}

// Messages returns a page of the messages f selects, in f.Sort's order, with their e-mails,
// and the cursor of the next page ("" on the last). Who sees what follows the outbox's
// rule (alerts' Notifications): sector roles every organisation's messages (f.Org picks
// one); an organisation's people their own, and of those addressed to named recipients
// (TLP:RED, TLP:AMBER+STRICT) only the ones that name them. A member sees how the e-mail
// to them went, not who else got it or why another address failed.
func (s *Service) Messages(ctx context.Context, p vigil.Principal, f vigil.OutboxFilter) ([]Message, string, error) {
	if err := p.Need(vigil.AlertWorkers...); err != nil {
		return nil, "", err
	}
	if f.Kind != "" && f.Kind != vigil.OutboxImmediate && f.Kind != vigil.OutboxDigest && f.Kind != vigil.OutboxEscalation && f.Kind != vigil.OutboxReminder {
		return nil, "", vigil.Errorf(vigil.EINVALID, "kind %q must be immediate, digest, escalation or reminder", f.Kind)
	}
	if !p.Role.Sector() {
		if p.Org == "" {
			return nil, "", vigil.Errorf(vigil.EFORBIDDEN, "your account belongs to no organisation")
		}
		if f.Org != "" {
			if code, err := vigil.NormalizeODS(f.Org); err != nil || code != p.Org {
				return nil, "", vigil.OrgNotFound(f.Org)
			}
		}
		f.Org, f.Recipient = p.Org, p.Email
	}
	es, next, err := s.store.ListOutbox(ctx, f)
	if err != nil {
		return nil, "", err
	}
	ids := make([]int64, len(es))
	for i, e := range es {
		ids[i] = e.ID
	}
	ds, err := s.store.EmailsOf(ctx, ids)
	if err != nil {
		return nil, "", err
	}
	byMessage := map[int64][]vigil.Delivery{}
	for _, d := range ds {
		if p.Role == vigil.RoleOrgMember && !strings.EqualFold(d.Recipient, p.Email) {
			continue
		}
		byMessage[d.OutboxID] = append(byMessage[d.OutboxID], d)
	}
	out := make([]Message, len(es))
	for i, e := range es {
		out[i] = Message{OutboxEntry: e, Emails: byMessage[e.ID]}
	}
	return out, next, nil
}
