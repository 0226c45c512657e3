package api

import (
	"context"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/vigil-health/vigil"
)

// Access says who may call an operation. Register checks it before the request body is
// read, so that a caller who may not call an operation learns nothing from it. Which
// organisation's resources a caller may see is the use case's check (vigil.Audience).
type Access struct {
	// Anonymous lets callers who have not signed in call the operation, and with them
	// every role but sensor.
	Anonymous bool
	// Roles lists the roles that may call it. A sensor token may call only operations
	// that list RoleSensor.
	Roles []vigil.Role
}

// The access rules of the operations in this package.
var (
	anyone       = Access{Anonymous: true}
	people       = Access{Roles: []vigil.Role{vigil.RoleSectorAdmin, vigil.RoleSectorAnalyst, vigil.RoleOrgAdmin, vigil.RoleOrgMember, vigil.RoleSupplier}}
	sector       = Access{Roles: []vigil.Role{vigil.RoleSectorAdmin, vigil.RoleSectorAnalyst}}
	sectorAdmin  = Access{Roles: []vigil.Role{vigil.RoleSectorAdmin}}
	orgEditors   = Access{Roles: []vigil.Role{vigil.RoleSectorAdmin, vigil.RoleSectorAnalyst, vigil.RoleOrgAdmin}}
	alertWorkers = Access{Roles: []vigil.Role{vigil.RoleSectorAdmin, vigil.RoleSectorAnalyst, vigil.RoleOrgAdmin, vigil.RoleOrgMember}}
)

// check returns nil when the request's principal may call the operation.
func (acc Access) check(ctx context.Context) error {
	p, ok := PrincipalFrom(ctx)
	switch {
	case !ok && acc.Anonymous:
		return nil
	case !ok:
		return vigil.Errorf(vigil.EUNAUTHORIZED, "sign in first, or send an API token as Authorization: Bearer vgl_…")
	case slices.Contains(acc.Roles, p.Role):
		return nil
	case p.Role == vigil.RoleSensor:
		return vigil.Errorf(vigil.EFORBIDDEN, "a sensor token may only push telemetry for its organisation")
	case acc.Anonymous:
		return nil
	case slices.Equal(acc.Roles, []vigil.Role{vigil.RoleSensor}):
		return vigil.Errorf(vigil.EFORBIDDEN, "your role (%s) may not do this: it needs a sensor token, which an organisation's org_admin creates for their own organisation (POST /api/v1/tokens {\"sensor\":true}) or the sector centre's administrator for any", p.Role)
	}
	return vigil.Errorf(vigil.EFORBIDDEN, "your role (%s) may not do this: it needs %s", p.Role, acc.roleList())
}

func (acc Access) roleList() string {
	names := make([]string, len(acc.Roles))
	for i, r := range acc.Roles {
		names[i] = string(r)
	}
	if len(names) == 1 {
		return "the role " + names[0]
	}
	return "one of the roles " + strings.Join(names, ", ")
}

// describe is the rule as the OpenAPI document's x-vigil-access states it.
func (acc Access) describe() map[string]any {
	roles := acc.Roles
	if acc.Anonymous {
		roles = slices.DeleteFunc(slices.Clone(vigil.Roles), func(r vigil.Role) bool {
			return r == vigil.RoleSensor && !slices.Contains(acc.Roles, r)
		})
	}
	return map[string]any{"anonymous": acc.Anonymous, "roles": roles}
}

// guard is the huma middleware that enforces acc.
func (a *API) guard(acc Access) func(huma.Context, func(huma.Context)) {
	return func(hc huma.Context, next func(huma.Context)) {
		err := acc.check(hc.Context())
		if err == nil {
			next(hc)
			return
		}
		p, h := Problem(hc.Context(), a.log, err)
		for k, vs := range h {
			for _, v := range vs {
				hc.AppendHeader(k, v)
			}
		}
		hc.SetHeader("Content-Type", "application/problem+json")
		hc.SetStatus(p.Status)
		if err := a.huma.Marshal(hc.BodyWriter(), "application/json", p); err != nil {
			a.log.WarnContext(hc.Context(), "write problem", "error", err)
		}
	}
}

// principal returns the caller of an operation whose Access has no Anonymous: guard
// has already refused requests without one.
func principal(ctx context.Context) vigil.Principal {
	p, _ := PrincipalFrom(ctx)
	return p
}
