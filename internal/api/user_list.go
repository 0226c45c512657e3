package api

import (
	"context"

	"github.com/vigil-health/vigil"
)

type userListIn struct {
	Org   string     `query:"org" maxLength:"20" doc:"Only this organisation's users (its ODS code)."`
	Role  vigil.Role `query:"role" enum:"sector_admin,sector_analyst,org_admin,org_member,supplier" doc:"Only users with this role."`
	Email string     `query:"email" maxLength:"254" doc:"Only users whose address contains this, in any case."`
	PageParams
}

// userList lists the accounts in email order.
func (a *API) userList(ctx context.Context, in *userListIn) (*pageOut[Account], error) {
	us, next, err := a.app.Accounts.ListUsers(ctx, principal(ctx), vigil.UserFilter{Org: in.Org, Role: in.Role,
		Email: in.Email, Cursor: in.Cursor, Limit: in.Limit})
	if err != nil {
		return nil, err
	}
	return newPage(mapSlice(us, accountOut), next), nil
}
