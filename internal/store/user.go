package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/vigil-health/vigil"
)

// normalizeEmail is CanonicalEmail: accounts and contacts keep addresses in one form.
func normalizeEmail(s string) (string, error) { return CanonicalEmail(s) }

// CanonicalEmail returns the one form vigil keeps an email address in, for accounts and
// the sign-in limits alike: plain ASCII, lower case, name@domain with a domain of at
// least two labels and no trailing dot. Surrounding spaces are dropped and capitals
// lowered; any other spelling (angle brackets, "mailto:", a trailing dot, full-width or
// other non-ASCII letters) is invalid, with a message that says how to write it, so that
// one mailbox never has two names.
func CanonicalEmail(s string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(s))
	local, domain, ok := strings.Cut(e, "@")
	if ok && len(e) <= 254 && validLocal(local) && validDomain(domain) {
		return e, nil
	}
	shown := []rune(s)
	if len(shown) > 100 {
		shown = append(shown[:100], '…')
	}
	hint := "write it as name@organisation.example, in plain letters, without angle brackets, \"mailto:\" or a dot at the end"
	if ok && strings.HasSuffix(domain, ".") {
		hint = "write it without the dot at the end"
	}
	return "", vigil.Errorf(vigil.EINVALID, "%q is not an email address as vigil writes them: %s", string(shown), hint)
}

// validLocal reports whether s is a dot-atom of RFC 5322's atext, at most 64 bytes.
func validLocal(s string) bool {
	if s == "" || len(s) > 64 || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || strings.IndexByte("!#$%&'*+/=?^_`{|}~-", c) >= 0) {
			return false
		}
	}
	return true
}

// validDomain reports whether s is a lower-case ASCII host name (internationalised
// names in their xn-- form) of two labels or more, without a trailing dot.
func validDomain(s string) bool {
	labels := strings.Split(s, ".")
	if len(s) > 253 || len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			if c := l[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// CreateUser makes an account. An email already in use is a conflict.
func (s *Store) CreateUser(ctx context.Context, nu vigil.NewUser) (vigil.User, error) {
	u, err := s.checkNewUser(ctx, nu)
	if err != nil {
		return vigil.User{}, err
	}
	hash := ""
	if nu.Password != "" {
		if err := checkPasswordFor(nu.Password, u.Email); err != nil {
			return vigil.User{}, err
		}
		if hash, err = hashPassword(nu.Password, passwordParams); err != nil {
			return vigil.User{}, err
		}
	}
	u.CreatedAt = s.now()
	err = s.wdb().row(ctx, `INSERT INTO users (email, name, role, org, password_hash, disabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, u.Email, u.Name, string(u.Role), nullString(u.Org), hash, false,
		dbTime(u.CreatedAt), dbTime(u.CreatedAt)).Scan(&u.ID)
	if isUniqueViolation(err) {
		return vigil.User{}, vigil.Errorf(vigil.ECONFLICT, "a user with email %s already exists", u.Email)
	}
	if err != nil {
		return vigil.User{}, fmt.Errorf("create user %s: %w", u.Email, err)
	}
	return u, nil
}

// checkNewUser validates nu against the role rules and returns the user to insert.
func (s *Store) checkNewUser(ctx context.Context, nu vigil.NewUser) (vigil.User, error) {
	var u vigil.User
	var err error
	if u.Email, err = normalizeEmail(nu.Email); err != nil {
		return u, err
	}
	if u.Name, err = vigil.Text("name", nu.Name, 200, true); err != nil {
		return u, err
	}
	u.Role = nu.Role
	switch {
	case u.Role == vigil.RoleSensor:
		return u, vigil.Errorf(vigil.EINVALID, "role sensor is for tokens, not people: create a sensor token for the organisation instead")
	case !u.Role.Valid():
		return u, vigil.Errorf(vigil.EINVALID, "role %q is not one of sector_admin, sector_analyst, org_admin, org_member, supplier", u.Role)
	case u.Role.Sector() && strings.TrimSpace(nu.Org) != "":
		return u, vigil.Errorf(vigil.EINVALID, "role %s works for the sector centre and belongs to no organisation: leave the organisation empty", u.Role)
	case u.Role.Sector():
		return u, nil
	case strings.TrimSpace(nu.Org) == "":
		return u, vigil.Errorf(vigil.EINVALID, "role %s needs an organisation", u.Role)
	}
	o, err := s.GetOrg(ctx, nu.Org)
	if vigil.ErrorCode(err) == vigil.ENOTFOUND {
		return u, vigil.Errorf(vigil.EINVALID, "organisation %q is not registered", nu.Org)
	}
	if err != nil {
		return u, err
	}
	if u.Role == vigil.RoleSupplier && o.Kind != vigil.OrgSupplier {
		return u, vigil.Errorf(vigil.EINVALID, "role supplier needs a supplier organisation; %s is a %s", o.ODSCode, o.Kind)
	}
	u.Org = o.ODSCode
	return u, nil
}

const userColumns = `id, email, name, role, org, disabled, created_at, last_sign_in_at`

func scanUser(sc scanner, extra ...any) (vigil.User, error) {
	var u vigil.User
	var org sql.NullString
	err := sc.Scan(append([]any{&u.ID, &u.Email, &u.Name, &u.Role, &org, &u.Disabled, scanTime(&u.CreatedAt), scanTime(&u.LastSignIn)}, extra...)...)
	u.Org = org.String
	return u, err
}

// GetUser returns the user with the given id.
func (s *Store) GetUser(ctx context.Context, id int64) (vigil.User, error) {
	u, err := scanUser(s.rdb().row(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return u, vigil.Errorf(vigil.ENOTFOUND, "no user %d", id)
	}
	if err != nil {
		return u, fmt.Errorf("get user %d: %w", id, err)
	}
	return u, nil
}

// GetUserByEmail returns the user who signs in with email, in any letter case; any
// other spelling than CanonicalEmail's is not found.
func (s *Store) GetUserByEmail(ctx context.Context, email string) (vigil.User, error) {
	u, _, err := s.userByEmail(ctx, email)
	return u, err
}

// userByEmail returns the user and their password hash.
func (s *Store) userByEmail(ctx context.Context, email string) (vigil.User, string, error) {
	e, err := normalizeEmail(email)
	if err != nil {
		return vigil.User{}, "", vigil.Errorf(vigil.ENOTFOUND, "no user %q", email)
	}
	var hash string
	u, err := scanUser(s.rdb().row(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE email = ?`, e), &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return u, "", vigil.Errorf(vigil.ENOTFOUND, "no user %s", e)
	}
	if err != nil {
		return u, "", fmt.Errorf("get user %s: %w", e, err)
	}
	return u, hash, nil
}

// Authenticate checks a sign-in. An unknown email and a wrong password give the same
// unauthorized error and take the same time. A disabled account with the right password
// is forbidden, so that its owner learns why. A hash made with older, weaker parameters
// is replaced on success.
func (s *Store) Authenticate(ctx context.Context, email, password string) (vigil.User, error) {
	bad := vigil.Errorf(vigil.EUNAUTHORIZED, "the email address or password is wrong")
	if len(password) > 4*MaxPasswordLength {
		return vigil.User{}, bad
	}
	u, hash, err := s.userByEmail(ctx, email)
	if vigil.ErrorCode(err) == vigil.ENOTFOUND || err == nil && hash == "" {
		_, _, _ = verifyPassword(dummyHash(), password)
		return vigil.User{}, bad
	}
	if err != nil {
		return vigil.User{}, err
	}
	ok, rehash, err := verifyPassword(hash, password)
	if err != nil {
		return vigil.User{}, fmt.Errorf("user %d: %w", u.ID, err)
	}
	if !ok {
		return vigil.User{}, bad
	}
	if u.Disabled {
		return vigil.User{}, vigil.Errorf(vigil.EFORBIDDEN, "this account is disabled: ask your organisation's administrator or the sector centre")
	}
	if rehash {
		s.rehash(ctx, u.ID, password)
	}
	return u, nil
}

// rehash stores a new hash of a password just verified, made with the current
// parameters. Sessions are kept: the password has not changed. Failure is only logged.
func (s *Store) rehash(ctx context.Context, userID int64, password string) {
	hash, err := hashPassword(password, passwordParams)
	if err == nil {
		_, err = s.wdb().exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID)
	}
	if err != nil {
		s.log.WarnContext(ctx, "rehash password", slog.Int64("user_id", userID), slog.Any("error", err))
	}
}

// SetPassword replaces the password of account u and ends all of its sessions. u is the
// account as its caller read it: the password may not hold u.Email's words, and every
// caller has the account in hand already, so it is not read again.
func (s *Store) SetPassword(ctx context.Context, u vigil.User, password string) error {
	if err := checkPasswordFor(password, u.Email); err != nil {
		return err
	}
	hash, err := hashPassword(password, passwordParams)
	if err != nil {
		return err
	}
	return s.updateUser(ctx, u.ID, `password_hash = ?`, hash)
}

// SetUserDisabled disables or re-enables an account. Disabling ends the user's sessions;
// their tokens stop working while the account is disabled.
func (s *Store) SetUserDisabled(ctx context.Context, userID int64, disabled bool) error {
	return s.updateUser(ctx, userID, `disabled = ?`, disabled)
}

// updateUser sets one column of a user and ends the user's sessions.
func (s *Store) updateUser(ctx context.Context, userID int64, set string, arg any) error {
	return s.inTx(ctx, func(tx *Store, c conn) error {
		res, err := c.exec(ctx, `UPDATE users SET `+set+`, updated_at = ? WHERE id = ?`, arg, dbTime(tx.now()), userID)
		if err != nil {
			return fmt.Errorf("update user %d: %w", userID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return vigil.Errorf(vigil.ENOTFOUND, "no user %d", userID)
		}
		return tx.DeleteUserSessions(ctx, userID)
	})
}
