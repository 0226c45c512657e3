package api

import (
	"context"

	"github.com/vigil-health/vigil"
)

type userListIn struct {
	Org   string         `query:"org" maxLength:"20" doc:"Only this organisation's users (its ODS code)."`
	Role  vigil.Role     `query:"role" enum:"sector_admin,sector_analyst,org_admin,org_member,supplier" doc:"Only users with this role."`
	Email string         `query:"email" maxLength:"254" doc:"Only users whose address contains this, in any case."`
	Sort  vigil.UserSort `query:"sort" enum:"email,name,role,org,newest,last_sign_in" doc:"The order: email (the default), name (A to Z), role, org (by ODS code, the sector centre's people first), newest added first, last_sign_in (most recently signed in first, those who never did last); ties by e-mail address. A cursor continues only the order it came from."`
	PageParams
}

// userList lists the accounts in the order asked for.
func (a *API) userList(ctx context.Context, in *userListIn) (*pageOut[Account], error) {
	us, next, err := a.app.Accounts.ListUsers(ctx, principal(ctx), vigil.UserFilter{Org: in.Org, Role: in.Role,
		Email: in.Email, Sort: in.Sort, Cursor: in.Cursor, Limit: in.Limit})
	if err != nil {
		return nil, err
	}
	return newPage(mapSlice(us, accountOut), next), nil
}
