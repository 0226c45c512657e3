package accounts

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// TokenRequest is what a caller asks CreateToken for.
type TokenRequest struct {
	// Name says what the token is for; the store names it after its user or
	// organisation when empty.
	Name string
	// Sensor asks for a sensor token for Org: a sector_admin's for any organisation, an
	// org_admin's for their own.
	Sensor bool
	// Org is the organisation of a sensor token; only for sensor tokens. An org_admin may
	// leave it out: it is their own.
	Org string
	// User is the email of the user the token acts as, for a sector_admin making a
	// token for someone else (the command line does); empty means the caller.
	User string
	// ExpiresAt is when the token stops working; zero for never.
	ExpiresAt time.Time
}

// CreateToken makes an API token, audited as token.create, and returns it (the only
// time it is shown) with its description. A token acts as the caller, as the user
// r.User names (sector_admin only), or is a sensor token for one organisation: any, for
// a sector_admin; their own, for an org_admin, who runs its sensors and so must be able
// to replace a leaked one without waiting for the sector centre (a sensor token only
// pushes telemetry for its organisation, docs/security.md). An API token cannot make
// tokens: a leaked token must not be able to outlive its revocation.
func (s *Service) CreateToken(ctx context.Context, p vigil.Principal, r TokenRequest) (string, vigil.Token, error) {
	if err := p.Need(vigil.People...); err != nil {
		return "", vigil.Token{}, err
	}
	nt, err := newToken(p, r)
	if err != nil {
		return "", vigil.Token{}, err
	}
	var raw string
	var t vigil.Token
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		if r.User != "" {
			u, err := tx.GetUserByEmail(ctx, r.User)
			if err != nil {
				return err
			}
			nt.UserID = u.ID
		}
		if raw, t, err = tx.CreateToken(ctx, nt); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "token.create", tokenTarget(t.ID),
			map[string]any{"name": t.Name, "hint": t.Hint, "user_id": t.UserID, "sensor_org": t.SensorOrg})
		return err
	})
	if err != nil {
		return "", vigil.Token{}, err
	}
	return raw, t, nil
}

// newToken checks who may make which token; a token for r.User gets its user id from
// the caller.
func newToken(p vigil.Principal, r TokenRequest) (vigil.NewToken, error) {
	nt := vigil.NewToken{Name: r.Name, ExpiresAt: r.ExpiresAt}
	switch {
	case p.TokenID != 0:
		return nt, vigil.Errorf(vigil.EFORBIDDEN, "an API token cannot create tokens: sign in to create one")
	case r.Sensor && r.User != "":
		return nt, vigil.Errorf(vigil.EINVALID, "a sensor token acts for no user: leave out the user")
	case r.Sensor:
		org, err := sensorOrg(p, r.Org)
		nt.SensorOrg = org
		return nt, err
	case r.Org != "":
		return nt, vigil.Errorf(vigil.EINVALID, "org is only for sensor tokens (sensor: true); a user's token acts for the user's own organisation")
	case r.User != "" && p.Role != vigil.RoleSectorAdmin:
		return nt, vigil.Errorf(vigil.EFORBIDDEN, "only a sector_admin may create a token for another user")
	case r.User == "":
		nt.UserID = p.UserID
	}
	return nt, nil
}

// sensorOrg is the organisation a sensor token p asks for pushes telemetry for: org,
// which a sector_admin must name and an org_admin may leave out (their own).
func sensorOrg(p vigil.Principal, org string) (string, error) {
	switch {
	case p.Role == vigil.RoleSectorAdmin && org == "":
		return "", vigil.Errorf(vigil.EINVALID, "a sensor token needs org: the ODS code of the organisation it pushes telemetry for")
	case p.Role == vigil.RoleSectorAdmin:
		return org, nil
	case p.Role != vigil.RoleOrgAdmin:
		return "", vigil.Errorf(vigil.EFORBIDDEN, "%s", sensorTokenMakers)
	case org == "" || strings.EqualFold(strings.TrimSpace(org), p.Org):
		return p.Org, nil
	}
	return "", vigil.Errorf(vigil.EFORBIDDEN, "an org_admin may create sensor tokens for their own organisation (%s) only; leave out org", p.Org)
}

// tokensNeedSession refuses an API token managing other tokens.
const tokensNeedSession = "an API token may list or revoke only itself: sign in to manage other tokens"

// sensorTokenMakers says who may make a sensor token, for whoever may not.
const sensorTokenMakers = "only an organisation's org_admin (for their own organisation) or the sector centre's administrator (sector_admin) may create sensor tokens: ask your organisation's administrator"

// ListTokens lists p's own tokens, newest first, and for an org_admin also their
// organisation's sensor tokens, which they manage; a sector_admin may list an
// organisation's (its sensors' and its users') instead. Each says who made it, from the
// audit log.
// Called with an API token, it lists that token only: tokens are managed from a
// signed-in session, so a leaked token cannot survey the others.
func (s *Service) ListTokens(ctx context.Context, p vigil.Principal, org string, includeRevoked bool) ([]vigil.Token, error) {
	if err := p.Need(vigil.People...); err != nil {
		return nil, err
	}
	var out []vigil.Token
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		var err error
		out, err = s.listTokens(ctx, tx, p, org, includeRevoked)
		if err != nil {
			return err
		}
		return madeBy(ctx, tx, out)
	})
	return out, err
}

func (s *Service) listTokens(ctx context.Context, tx *store.Store, p vigil.Principal, org string, includeRevoked bool) ([]vigil.Token, error) {
	own := vigil.TokenFilter{UserID: p.UserID, IncludeRevoked: includeRevoked}
	switch {
	case p.TokenID != 0 && org != "":
		return nil, vigil.Errorf(vigil.EFORBIDDEN, "%s", tokensNeedSession)
	case p.TokenID != 0:
		t, err := tx.GetToken(ctx, p.TokenID)
		return []vigil.Token{t}, err
	case p.Role == vigil.RoleSectorAdmin && org != "":
		return tx.ListTokens(ctx, vigil.TokenFilter{Org: org, IncludeRevoked: includeRevoked})
	case org != "" && (p.Role != vigil.RoleOrgAdmin || !strings.EqualFold(strings.TrimSpace(org), p.Org)):
		return nil, vigil.Errorf(vigil.EFORBIDDEN, "only a sector_admin may list another organisation's tokens; leave out org to list your own (an org_admin's list has their organisation's sensor tokens too)")
	case p.Role != vigil.RoleOrgAdmin || p.Org == "":
		return tx.ListTokens(ctx, own)
	}
	mine, err := tx.ListTokens(ctx, own)
	if err != nil {
		return nil, err
	}
	sensors, err := tx.ListTokens(ctx, vigil.TokenFilter{SensorsOf: p.Org, IncludeRevoked: includeRevoked})
	if err != nil {
		return nil, err
	}
	all := append(mine, sensors...)
	slices.SortFunc(all, func(a, b vigil.Token) int { return cmp.Compare(b.ID, a.ID) }) // newest first
	return all, nil
}

// madeBy fills each token's CreatedBy from its token.create audit entry.
func madeBy(ctx context.Context, tx *store.Store, ts []vigil.Token) error {
	for i := range ts {
		es, _, err := tx.ListAudit(ctx, vigil.AuditFilter{Action: "token.create", Target: tokenTarget(ts[i].ID), Limit: 1})
		if err != nil {
			return err
		}
		if len(es) > 0 {
			ts[i].CreatedBy = es[0].Actor
		}
	}
	return nil
}

// RevokeToken revokes a token, audited as token.revoke: p's own, their organisation's
// sensor tokens for an org_admin, or any for a sector_admin; another's token is not
// found. Revoking a revoked token changes nothing and writes no audit entry. An API
// token may revoke only itself, and the entry names it: otherwise a leaked personal
// token could switch off every sensor of its organisation, or its user's other tokens.
func (s *Service) RevokeToken(ctx context.Context, p vigil.Principal, id int64) error {
	if err := p.Need(vigil.People...); err != nil {
		return err
	}
	return s.store.Tx(ctx, func(tx *store.Store) error {
		t, err := tx.GetToken(ctx, id)
		if err != nil {
			return err
		}
		if !mayRevoke(p, t) {
			return vigil.Errorf(vigil.ENOTFOUND, "no token %d", id)
		}
		if p.TokenID != 0 && p.TokenID != id {
			return vigil.Errorf(vigil.EFORBIDDEN, "%s", tokensNeedSession)
		}
		if !t.RevokedAt.IsZero() {
			return nil
		}
		if err := tx.RevokeToken(ctx, id); err != nil {
			return err
		}
		detail := map[string]any{"name": t.Name, "hint": t.Hint}
		if p.TokenID != 0 { // only itself, checked above: its hint is t's
			detail["via_token"], detail["via_token_hint"] = p.TokenID, t.Hint
		}
		_, err = tx.Audit(ctx, p.Email, "token.revoke", tokenTarget(id), detail)
		return err
	})
}

// mayRevoke reports whether p may revoke t.
func mayRevoke(p vigil.Principal, t vigil.Token) bool {
	switch {
	case p.Role == vigil.RoleSectorAdmin:
		return true
	case t.SensorOrg != "":
		return p.Role == vigil.RoleOrgAdmin && p.Org != "" && strings.EqualFold(t.SensorOrg, p.Org)
	}
	return p.UserID != 0 && t.UserID == p.UserID
}
