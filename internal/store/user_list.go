package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/vigil-health/vigil"
)

// ListUsers returns the users f selects in email order, and the cursor of the next page
// ("" on the last page). Password hashes are never read.
func (s *Store) ListUsers(ctx context.Context, f vigil.UserFilter) ([]vigil.User, string, error) {
	after, err := decodeCursor("user", f.Cursor)
	if err != nil {
		return nil, "", err
	}
	if f.Role != "" && !f.Role.Valid() {
		return nil, "", vigil.Errorf(vigil.EINVALID, "role %q is not one of sector_admin, sector_analyst, org_admin, org_member, supplier", f.Role)
	}
	var w where
	w.add(after != "", "email > ?", after)
	w.add(f.Org != "", "org = ?", strings.ToUpper(strings.TrimSpace(f.Org)))
	w.add(f.Role != "", "role = ?", string(f.Role))
	if e := strings.ToLower(strings.TrimSpace(f.Email)); e != "" {
		w.add(true, `email LIKE ? ESCAPE '\'`, "%"+likeEscape(e)+"%")
	}
	limit := vigil.PageLimit(f.Limit)
	rows, err := s.rdb().query(ctx, `SELECT `+userColumns+` FROM users`+w.String()+` ORDER BY email LIMIT ?`,
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
	out, next := page(out, limit, func(u vigil.User) string { return u.Email })
	return out, cursorOf("user", next), nil
}
