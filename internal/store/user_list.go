package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/vigil-health/vigil"
)

// userOrders are the orders of the list of people (vigil.UserSort).
var userOrders = sortedList[vigil.UserSort, vigil.User]{kind: "user", tie: "email", tieArg: textArg,
	tieKey: func(u vigil.User) string { return u.Email },
	orders: map[vigil.UserSort]keyOrder[vigil.User]{
		vigil.UserByEmail: {col: "email", keyAsc: true, key: func(u vigil.User) string { return u.Email }, arg: textArg},
		vigil.UserByName:  {col: "name", keyAsc: true, tieAsc: true, key: func(u vigil.User) string { return u.Name }, arg: textArg},
		vigil.UserByRole:  {col: "role", keyAsc: true, tieAsc: true, key: func(u vigil.User) string { return string(u.Role) }, arg: textArg},
		vigil.UserByOrg: {col: "COALESCE(org, '')", keyAsc: true, tieAsc: true, key: func(u vigil.User) string { return u.Org },
			arg: textArg},
		// People are numbered as they are added.
		vigil.UserByNewest: {col: "id", key: func(u vigil.User) string { return idText(u.ID) }, arg: idArg},
		vigil.UserByLastSignIn: {col: orNever("last_sign_in_at"), tieAsc: true, key: func(u vigil.User) string { return timeKey(u.LastSignIn) },
			arg: maybeTimeArg},
	}}

// ListUsers returns the users f selects in f.Sort's order, and the cursor of the next
// page ("" on the last page). Password hashes are never read.
func (s *Store) ListUsers(ctx context.Context, f vigil.UserFilter) ([]vigil.User, string, error) {
	if err := f.Sort.Check(); err != nil {
		return nil, "", err
	}
	sort := f.Sort.Or()
	if f.Role != "" && !f.Role.Valid() {
		return nil, "", vigil.Errorf(vigil.EINVALID, "role %q is not one of sector_admin, sector_analyst, org_admin, org_member, supplier", f.Role)
	}
	var w where
	if err := userOrders.after(&w, sort, f.Cursor); err != nil {
		return nil, "", err
	}
	w.add(f.Org != "", "org = ?", strings.ToUpper(strings.TrimSpace(f.Org)))
	w.add(f.Role != "", "role = ?", string(f.Role))
	if e := strings.ToLower(strings.TrimSpace(f.Email)); e != "" {
		w.add(true, `email LIKE ? ESCAPE '\'`, "%"+likeEscape(e)+"%")
	}
	limit := vigil.PageLimit(f.Limit)
	rows, err := s.rdb().query(ctx, `SELECT `+userColumns+` FROM users`+w.String()+userOrders.orderBy(sort)+` LIMIT ?`,
		append(w.args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []vigil.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, "", fmt.Errorf("list users: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list users: %w", err)
	}
	out, next := userOrders.page(sort, out, limit)
	return out, next, nil
}
