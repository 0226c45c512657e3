package notify

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/feeds"
	"github.com/vigil-health/vigil/internal/store"
)

// Who may do what with webhooks: a sector admin with anyone's, the centre's included;
// an organisation's admin (a supplier's too) with its own organisation's; sector
// analysts read them all.
var (
	webhookManagers = []vigil.Role{vigil.RoleSectorAdmin, vigil.RoleOrgAdmin}
	webhookReaders  = []vigil.Role{vigil.RoleSectorAdmin, vigil.RoleSectorAnalyst, vigil.RoleOrgAdmin}
)

// NewWebhook is what creating a webhook takes.
type NewWebhook struct {
	// Org is the organisation's ODS code: empty means the sector centre for a sector
	// admin, and the caller's own organisation for an organisation admin.
	Org string
	// Kind is json, teams or slack.
	Kind vigil.WebhookKind
	// URL is where to post.
	URL string
	// Description says what it is for.
	Description string
}

// WebhookError is a new webhook refused for one of its parts, so that a form can say
// which field to fix.
type WebhookError struct {
	// Field is the part to fix: org, url, kind or description.
	Field string
	// Err says what is wrong, as a vigil error.
	Err error
}

// Error implements error.
func (e *WebhookError) Error() string { return e.Err.Error() }

// Unwrap returns the vigil error, so that its code and message reach the doors.
func (e *WebhookError) Unwrap() error { return e.Err }

// CreateWebhook registers a webhook for p and returns it with its secret, which is
// shown this once. Its address must be https:// (http:// only into
// webhook_allow_private) and may not name a private address outside that list. A
// refused part is a *WebhookError that names it.
func (s *Service) CreateWebhook(ctx context.Context, p vigil.Principal, nw NewWebhook) (vigil.Webhook, error) {
	if err := p.Need(webhookManagers...); err != nil {
		return vigil.Webhook{}, err
	}
	org, err := s.webhookOrg(p, nw.Org)
	if code := vigil.ErrorCode(err); code == vigil.EINVALID || code == vigil.ENOTFOUND {
		return vigil.Webhook{}, &WebhookError{Field: "org", Err: err}
	} else if err != nil {
		return vigil.Webhook{}, err
	}
	u, err := s.checkURL(nw.URL)
	if err != nil {
		return vigil.Webhook{}, &WebhookError{Field: "url", Err: err}
	}
	if !nw.Kind.Valid() {
		return vigil.Webhook{}, &WebhookError{Field: "kind", Err: vigil.Errorf(vigil.EINVALID, "kind %q must be json (vigil's payload), teams or slack", nw.Kind)}
	}
	desc, err := vigil.Text("the description", nw.Description, 200, false)
	if err != nil {
		return vigil.Webhook{}, &WebhookError{Field: "description", Err: err}
	}
	w := vigil.Webhook{Org: org, Kind: nw.Kind, URL: u, Description: desc, Secret: newSecret(), CreatedBy: p.Email}
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		if org != "" {
			if _, err := tx.GetOrg(ctx, org); err != nil {
				return &WebhookError{Field: "org", Err: vigil.OrgNotFound(org)}
			}
		}
		if w, err = tx.CreateWebhook(ctx, w); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "webhook.create", webhookTarget(w.ID), map[string]any{
			"org": orgOrCentre(org), "kind": w.Kind, "to": vigil.RedactWebhookURL(w.URL), "description": w.Description})
		return err
	})
	return w, err
}

// webhookOrg is the organisation a new webhook of p's is for.
func (s *Service) webhookOrg(p vigil.Principal, org string) (string, error) {
	org = strings.TrimSpace(org)
	if org != "" {
		code, err := vigil.NormalizeODS(org)
		if err != nil {
			return "", err
		}
		org = code
	}
	switch {
	case p.Role == vigil.RoleSectorAdmin:
		return org, nil
	case p.Org == "":
		return "", vigil.Errorf(vigil.EFORBIDDEN, "your account belongs to no organisation")
	case org == "":
		return p.Org, nil
	case org != p.Org:
		return "", vigil.OrgNotFound(org)
	}
	return org, nil
}

// checkURL checks a webhook address: its shape, and that a literal address is not a
// private one outside webhook_allow_private (names are checked when requests are made).
func (s *Service) checkURL(raw string) (string, error) {
	// Plain http:// only to an address the operator allowed, written as such.
	allowed := func(host string) bool {
		a, err := netip.ParseAddr(host)
		return err == nil && slices.ContainsFunc(s.allow, func(p netip.Prefix) bool { return p.Contains(a.Unmap()) })
	}
	u, err := vigil.CheckWebhookURL(raw, allowed)
	if err != nil {
		return "", err
	}
	if a, ok := vigil.WebhookHostAddr(u); ok && feeds.Refused(a, s.allow) {
		return "", vigil.Errorf(vigil.EINVALID, "the webhook address %s is a private, loopback, link-local or cloud metadata address: vigil does not post there unless webhook_allow_private lists it", a)
	}
	return u.String(), nil
}

// newSecret is a fresh webhook secret: 32 random bytes, base64url, with a prefix that
// says what it is.
func newSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return "whsec_" + base64.RawURLEncoding.EncodeToString(b)
}

// Webhooks lists the webhooks f selects that p may see: a sector role every one (f.Org
// or f.Centre pick), an organisation admin its own organisation's. Their addresses are
// redacted (vigil.RedactWebhookURL) and their secrets left out.
func (s *Service) Webhooks(ctx context.Context, p vigil.Principal, f vigil.WebhookFilter) ([]vigil.Webhook, error) {
	if err := p.Need(webhookReaders...); err != nil {
		return nil, err
	}
	if !p.Role.Sector() {
		if f.Centre {
			return nil, vigil.Errorf(vigil.EFORBIDDEN, "the sector centre's webhooks are the centre's to see")
		}
		if f.Org != "" {
			if code, err := vigil.NormalizeODS(f.Org); err != nil || code != p.Org {
				return nil, vigil.OrgNotFound(f.Org)
			}
		}
		f.Orgs = []string{p.Org}
	}
	ws, err := s.store.ListWebhooks(ctx, f)
	for i := range ws {
		ws[i] = shown(ws[i])
	}
	return ws, err
}

// shown is a webhook as people see it: the address redacted, no secret.
func shown(w vigil.Webhook) vigil.Webhook {
	w.URL, w.Secret = vigil.RedactWebhookURL(w.URL), ""
	return w
}

// DeleteWebhook removes a webhook of p's and its deliveries.
func (s *Service) DeleteWebhook(ctx context.Context, p vigil.Principal, id int64) error {
	if err := p.Need(webhookManagers...); err != nil {
		return err
	}
	return s.store.Tx(ctx, func(tx *store.Store) error {
		w, err := managed(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteWebhook(ctx, id); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "webhook.delete", webhookTarget(id), map[string]any{
			"org": orgOrCentre(w.Org), "kind": w.Kind, "to": vigil.RedactWebhookURL(w.URL)})
		return err
	})
}

// managed returns webhook id when p may manage it; not found otherwise, so that
// another organisation's webhooks stay unseen.
func managed(ctx context.Context, tx *store.Store, p vigil.Principal, id int64) (vigil.Webhook, error) {
	w, err := tx.GetWebhook(ctx, id)
	if err != nil {
		return w, err
	}
	if p.Role != vigil.RoleSectorAdmin && (w.Org == "" || w.Org != p.Org) {
		return vigil.Webhook{}, vigil.Errorf(vigil.ENOTFOUND, "no webhook %d: list them with GET /api/v1/webhooks", id)
	}
	return w, nil
}

// TestWebhook sends a ping to a webhook of p's at once and returns its delivery as it
// went. A ping is tried once: a failed one is dead at once, and RetryDelivery sends it
// again.
func (s *Service) TestWebhook(ctx context.Context, p vigil.Principal, id int64) (vigil.Delivery, error) {
	if err := p.Need(webhookManagers...); err != nil {
		return vigil.Delivery{}, err
	}
	now := s.now().UTC()
	var d vigil.Delivery
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		w, err := managed(ctx, tx, p, id)
		if err != nil {
			return err
		}
		ping := Payload{Event: vigil.WebhookPing, Org: w.Org, Subject: "vigil webhook test",
			Body: "This is a test from vigil, sent by " + p.Email + ". Messages for this webhook will arrive like this one.",
			TLP:  vigil.TLPClear, CreatedAt: now}
		body, err := s.render(w.Kind, ping)
		if err != nil {
			return err
		}
		// Due after a lease, as if claimed: it is tried here, now, and by the loop only if
		// this server stops before it records how it went.
		d = vigil.Delivery{WebhookID: w.ID, Event: vigil.WebhookPing, Payload: body, MaxAttempts: 1,
			CreatedAt: now, NextAttemptAt: now.Add(lease)}
		if d.ID, err = tx.AddWebhookDelivery(ctx, d); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "webhook.test", webhookTarget(id), map[string]any{"delivery": d.ID})
		return err
	})
	if err != nil {
		return d, err
	}
	claimed, err := s.store.GetDelivery(ctx, store.WebhookDeliveries, d.ID)
	if err != nil {
		return d, err
	}
	return s.attemptWebhook(ctx, claimed, nil)
}

// Deliveries lists the webhook deliveries f selects that p may see, in f.Sort's order, and
// the cursor of the next page: a sector role every one, an organisation admin its own
// organisation's webhooks'. Payloads are left out.
func (s *Service) Deliveries(ctx context.Context, p vigil.Principal, f vigil.DeliveryFilter) ([]vigil.Delivery, string, error) {
	return s.listDeliveries(ctx, p, store.WebhookDeliveries, f)
}

// Emails lists the e-mail deliveries f selects that p may see, in f.Sort's order, with the
// .eml file each was written to in file mode: a sector role every organisation's, an
// organisation admin its own.
func (s *Service) Emails(ctx context.Context, p vigil.Principal, f vigil.DeliveryFilter) ([]vigil.Delivery, string, error) {
	return s.listDeliveries(ctx, p, store.EmailDeliveries, f)
}

func (s *Service) listDeliveries(ctx context.Context, p vigil.Principal, table string, f vigil.DeliveryFilter) ([]vigil.Delivery, string, error) {
	if err := p.Need(webhookReaders...); err != nil {
		return nil, "", err
	}
	if f.Status != "" && !f.Status.Valid() {
		return nil, "", vigil.Errorf(vigil.EINVALID, "status %q must be pending, delivered or dead", f.Status)
	}
	if !p.Role.Sector() {
		if f.Org != "" {
			if code, err := vigil.NormalizeODS(f.Org); err != nil || code != p.Org {
				return nil, "", vigil.OrgNotFound(f.Org)
			}
		}
		f.Orgs = []string{p.Org}
	}
	ds, next, err := s.store.ListDeliveries(ctx, table, f)
	for i := range ds {
		ds[i].Payload = ""
	}
	return ds, next, err
}

// RetryDelivery puts a dead webhook delivery of p's back: it is tried at once, with
// its attempts counted afresh.
func (s *Service) RetryDelivery(ctx context.Context, p vigil.Principal, id int64) (vigil.Delivery, error) {
	if err := p.Need(webhookManagers...); err != nil {
		return vigil.Delivery{}, err
	}
	var d vigil.Delivery
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		cur, err := tx.GetDelivery(ctx, store.WebhookDeliveries, id)
		if err != nil {
			return err
		}
		if _, err := managed(ctx, tx, p, cur.WebhookID); err != nil {
			return vigil.Errorf(vigil.ENOTFOUND, "no delivery %d", id)
		}
		if d, err = tx.RetryDelivery(ctx, store.WebhookDeliveries, id, s.now().UTC()); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "webhook.retry", webhookTarget(cur.WebhookID), map[string]any{
			"delivery": id, "outbox": cur.OutboxID, "event": cur.Event})
		return err
	})
	if err == nil {
		s.poke()
		d.Payload = ""
	}
	return d, err
}

func webhookTarget(id int64) string { return "webhook/" + strconv.FormatInt(id, 10) }

// orgOrCentre names a webhook's owner in the audit log.
func orgOrCentre(org string) string {
	if org == "" {
		return "centre"
	}
	return org
}
