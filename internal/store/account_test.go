package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

const goodPassword = "correct horse battery staple"

// accounts registers a trust, a supplier and a user of each kind, and returns the users
// by role.
func accounts(t *testing.T, s *store.Store) map[vigil.Role]vigil.User {
	t.Helper()
	mustCreate(t, s, org("RXA", vigil.OrgTrust))
	mustCreate(t, s, org("SUP01", vigil.OrgSupplier))
	users := map[vigil.Role]vigil.User{}
	for _, nu := range []vigil.NewUser{
		{Email: "Admin@Centre.example", Name: "Ada", Role: vigil.RoleSectorAdmin, Password: goodPassword},
		{Email: "it@trust.example", Name: "Tom", Role: vigil.RoleOrgAdmin, Org: "rxa", Password: goodPassword},
		{Email: "sup@supplier.example", Name: "Sue", Role: vigil.RoleSupplier, Org: "SUP01", Password: goodPassword},
	} {
		u, err := s.CreateUser(t.Context(), nu)
		if err != nil {
			t.Fatalf("CreateUser %s: %v", nu.Email, err)
		}
		users[u.Role] = u
	}
	return users
}

func TestCreateUser(t *testing.T) {
	tests := []struct {
		name      string
		user      vigil.NewUser
		wantEmail string
		wantOrg   string
		code, msg string
	}{
		{name: "analyst", user: vigil.NewUser{Email: " Ann@Centre.Example ", Name: "Ann", Role: vigil.RoleSectorAnalyst, Password: goodPassword}, wantEmail: "ann@centre.example"},
		{name: "org member", user: vigil.NewUser{Email: "m@trust.example", Name: "M", Role: vigil.RoleOrgMember, Org: " rxa ", Password: goodPassword}, wantEmail: "m@trust.example", wantOrg: "RXA"},
		{name: "no password yet", user: vigil.NewUser{Email: "later@trust.example", Name: "L", Role: vigil.RoleOrgMember, Org: "RXA"}, wantEmail: "later@trust.example", wantOrg: "RXA"},
		{name: "email taken in another case", user: vigil.NewUser{Email: "ADMIN@centre.example", Name: "A", Role: vigil.RoleSectorAdmin, Password: goodPassword}, code: vigil.ECONFLICT, msg: "a user with email admin@centre.example already exists"},
		{name: "bad email", user: vigil.NewUser{Email: "admin", Name: "A", Role: vigil.RoleSectorAdmin}, code: vigil.EINVALID, msg: `"admin" is not an email address`},
		{name: "no name", user: vigil.NewUser{Email: "x@centre.example", Role: vigil.RoleSectorAdmin}, code: vigil.EINVALID, msg: "name is required"},
		{name: "sensor is not for people", user: vigil.NewUser{Email: "x@centre.example", Name: "X", Role: vigil.RoleSensor, Org: "RXA"}, code: vigil.EINVALID, msg: "role sensor is for tokens"},
		{name: "unknown role", user: vigil.NewUser{Email: "x@centre.example", Name: "X", Role: "root"}, code: vigil.EINVALID, msg: `role "root" is not one of`},
		{name: "sector role with org", user: vigil.NewUser{Email: "x@centre.example", Name: "X", Role: vigil.RoleSectorAdmin, Org: "RXA"}, code: vigil.EINVALID, msg: "belongs to no organisation"},
		{name: "org role without org", user: vigil.NewUser{Email: "x@centre.example", Name: "X", Role: vigil.RoleOrgAdmin}, code: vigil.EINVALID, msg: "role org_admin needs an organisation"},
		{name: "unknown org", user: vigil.NewUser{Email: "x@centre.example", Name: "X", Role: vigil.RoleOrgAdmin, Org: "RZZ"}, code: vigil.EINVALID, msg: `organisation "RZZ" is not registered`},
		{name: "supplier of a trust", user: vigil.NewUser{Email: "x@centre.example", Name: "X", Role: vigil.RoleSupplier, Org: "RXA"}, code: vigil.EINVALID, msg: "role supplier needs a supplier organisation; RXA is a trust"},
		{name: "short password", user: vigil.NewUser{Email: "x@centre.example", Name: "X", Role: vigil.RoleSectorAdmin, Password: "hunter2"}, code: vigil.EINVALID, msg: "the password is too short"},
		{name: "password with a NUL", user: vigil.NewUser{Email: "x@centre.example", Name: "X", Role: vigil.RoleSectorAdmin, Password: "correct horse\x00battery"}, code: vigil.EINVALID, msg: "the password contains a control character"},
		{name: "common password", user: vigil.NewUser{Email: "x@centre.example", Name: "X", Role: vigil.RoleSectorAdmin, Password: "Qwerty123456"}, code: vigil.EINVALID, msg: "on the list of the most common passwords"},
		{name: "password of the address's own words", user: vigil.NewUser{Email: "ward.manager@northbrook-hospitals.example", Name: "X", Role: vigil.RoleSectorAdmin, Password: "northbrook123"}, code: vigil.EINVALID, msg: `holds "northbrook" from your e-mail address`},
		{name: "common password from SecLists", user: vigil.NewUser{Email: "x@centre.example", Name: "X", Role: vigil.RoleSectorAdmin, Password: "JerkJerkJerk"}, code: vigil.EINVALID, msg: "on the list of the most common passwords"},
		{name: "a common password with digits after it", user: vigil.NewUser{Email: "x@centre.example", Name: "X", Role: vigil.RoleSectorAdmin, Password: "Password123456"}, code: vigil.EINVALID, msg: `is "password", one of the most common passwords, with digits, symbols or a run of letters`},
		{name: "a common password with digits before it", user: vigil.NewUser{Email: "x@centre.example", Name: "X", Role: vigil.RoleSectorAdmin, Password: "123456password"}, code: vigil.EINVALID, msg: `is "password", one of the most common passwords, with digits, symbols or a run of letters`},
		{name: "a common password in a year and symbols", user: vigil.NewUser{Email: "x@centre.example", Name: "X", Role: vigil.RoleSectorAdmin, Password: "2024Dragon!!!"}, code: vigil.EINVALID, msg: `is "dragon", one of the most common passwords, with digits, symbols or a run of letters`},
		{name: "a common password with a keyboard run after it", user: vigil.NewUser{Email: "x@centre.example", Name: "X", Role: vigil.RoleSectorAdmin, Password: "monkeyQWERTY1"}, code: vigil.EINVALID, msg: `is "monkey", one of the most common passwords, with digits, symbols or a run of letters`},
		{name: "a common password after a repeated letter", user: vigil.NewUser{Email: "x@centre.example", Name: "X", Role: vigil.RoleSectorAdmin, Password: "aaaasunshine99"}, code: vigil.EINVALID, msg: `is "sunshine", one of the most common passwords, with digits, symbols or a run of letters`},
		{name: "a common password before an alphabet run", user: vigil.NewUser{Email: "x@centre.example", Name: "X", Role: vigil.RoleSectorAdmin, Password: "football abcd"}, code: vigil.EINVALID, msg: `is "football", one of the most common passwords, with digits, symbols or a run of letters`},
		{name: "a common password ending in a keyboard run, padded", user: vigil.NewUser{Email: "x@centre.example", Name: "X", Role: vigil.RoleSectorAdmin, Password: "Liberty20241!"}, code: vigil.EINVALID, msg: `is "liberty", one of the most common passwords, with digits, symbols or a run of letters`},
		{name: "a passphrase of common words", user: vigil.NewUser{Email: "words@centre.example", Name: "X", Role: vigil.RoleSectorAdmin, Password: "dragon monkey football sunshine"}, wantEmail: "words@centre.example"},
		{name: "a passphrase opening with a common password", user: vigil.NewUser{Email: "opening@centre.example", Name: "X", Role: vigil.RoleSectorAdmin, Password: "password manager for the ward"}, wantEmail: "opening@centre.example"},
		{name: "words and a year", user: vigil.NewUser{Email: "year@centre.example", Name: "X", Role: vigil.RoleSectorAdmin, Password: "kettle-orchard-1987"}, wantEmail: "year@centre.example"},
		{name: "email with a trailing dot", user: vigil.NewUser{Email: "x@centre.example.", Name: "X", Role: vigil.RoleSectorAdmin}, code: vigil.EINVALID, msg: "without the dot at the end"},
		{name: "email in angle brackets", user: vigil.NewUser{Email: "<x@centre.example>", Name: "X", Role: vigil.RoleSectorAdmin}, code: vigil.EINVALID, msg: "not an email address as vigil writes them"},
		{name: "mailto email", user: vigil.NewUser{Email: "mailto:x@centre.example", Name: "X", Role: vigil.RoleSectorAdmin}, code: vigil.EINVALID, msg: "not an email address as vigil writes them"},
		{name: "full-width email", user: vigil.NewUser{Email: "ｘ@centre.example", Name: "X", Role: vigil.RoleSectorAdmin}, code: vigil.EINVALID, msg: "not an email address as vigil writes them"},
		{name: "control character in name", user: vigil.NewUser{Email: "x@centre.example", Name: "X\x00Y", Role: vigil.RoleSectorAdmin}, code: vigil.EINVALID, msg: "name contains a control character"},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		accounts(t, s)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				u, err := s.CreateUser(t.Context(), tt.user)
				wantError(t, err, tt.code, tt.msg)
				if err != nil {
					return
				}
				if u.ID == 0 || u.Email != tt.wantEmail || u.Org != tt.wantOrg || u.Role != tt.user.Role || u.CreatedAt.IsZero() || u.Disabled {
					t.Errorf("CreateUser = %+v; want email %s, org %q", u, tt.wantEmail, tt.wantOrg)
				}
				got, err := s.GetUserByEmail(t.Context(), strings.ToUpper(tt.wantEmail))
				if err != nil || got != u {
					t.Errorf("GetUserByEmail = %+v, %v; want %+v", got, err, u)
				}
			})
		}
		_, err := s.GetUserByEmail(t.Context(), "nobody@centre.example")
		wantError(t, err, vigil.ENOTFOUND, "no user nobody@centre.example")
		_, err = s.GetUser(t.Context(), 999)
		wantError(t, err, vigil.ENOTFOUND, "no user 999")
	})
}

func TestAuthenticate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		users := accounts(t, s)
		if _, err := s.CreateUser(ctx, vigil.NewUser{Email: "nopw@trust.example", Name: "N", Role: vigil.RoleOrgMember, Org: "RXA"}); err != nil {
			t.Fatal(err)
		}
		off, err := s.CreateUser(ctx, vigil.NewUser{Email: "off@trust.example", Name: "O", Role: vigil.RoleOrgMember, Org: "RXA", Password: goodPassword})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetUserDisabled(ctx, off.ID, true); err != nil {
			t.Fatal(err)
		}
		const wrong = "the email address or password is wrong"
		tests := []struct {
			name, email, password string
			want                  vigil.User
			code, msg             string
		}{
			{name: "right password", email: "it@trust.example", password: goodPassword, want: users[vigil.RoleOrgAdmin]},
			{name: "email in another case", email: "IT@Trust.Example", password: goodPassword, want: users[vigil.RoleOrgAdmin]},
			{name: "wrong password", email: "it@trust.example", password: goodPassword + "!", code: vigil.EUNAUTHORIZED, msg: wrong},
			{name: "unknown email", email: "who@trust.example", password: goodPassword, code: vigil.EUNAUTHORIZED, msg: wrong},
			{name: "not an email", email: "who", password: goodPassword, code: vigil.EUNAUTHORIZED, msg: wrong},
			{name: "trailing dot is another address", email: "it@trust.example.", password: goodPassword, code: vigil.EUNAUTHORIZED, msg: wrong},
			{name: "angle brackets are another address", email: "<it@trust.example>", password: goodPassword, code: vigil.EUNAUTHORIZED, msg: wrong},
			{name: "account without a password", email: "nopw@trust.example", password: "", code: vigil.EUNAUTHORIZED, msg: wrong},
			{name: "disabled, wrong password", email: "off@trust.example", password: "nope", code: vigil.EUNAUTHORIZED, msg: wrong},
			{name: "disabled, right password", email: "off@trust.example", password: goodPassword, code: vigil.EFORBIDDEN, msg: "this account is disabled"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.Authenticate(ctx, tt.email, tt.password)
				wantError(t, err, tt.code, tt.msg)
				if err == nil && got != tt.want {
					t.Errorf("Authenticate = %+v, want %+v", got, tt.want)
				}
				if err != nil && tt.code == vigil.EUNAUTHORIZED && err.Error() != "unauthorized: "+wrong {
					t.Errorf("error = %q; every failed sign-in must read the same", err)
				}
			})
		}
	})
}

func TestSetPassword(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		u := accounts(t, s)[vigil.RoleOrgAdmin]
		sid, _, err := s.CreateSession(ctx, u.ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		wantError(t, s.SetPassword(ctx, u, "short"), vigil.EINVALID, "too short")
		wantError(t, s.SetPassword(ctx, u, "1qaz2wsx3edc"), vigil.EINVALID, "most common passwords")
		// it@trust.example: "trust" is a word of the address a guesser tries first.
		wantError(t, s.SetPassword(ctx, u, "Trust2026-winter!"), vigil.EINVALID, `holds "trust" from your e-mail address`)
		wantError(t, s.SetPassword(ctx, vigil.User{ID: 999, Email: "nobody@trust.example"}, goodPassword), vigil.ENOTFOUND, "no user 999")
		if err := s.SetPassword(ctx, u, "a new and longer passphrase"); err != nil {
			t.Fatal(err)
		}
		_, err = s.Authenticate(ctx, u.Email, goodPassword)
		wantError(t, err, vigil.EUNAUTHORIZED, "wrong")
		if _, err := s.Authenticate(ctx, u.Email, "a new and longer passphrase"); err != nil {
			t.Errorf("Authenticate with the new password: %v", err)
		}
		_, err = s.SessionPrincipal(ctx, sid, 0)
		wantError(t, err, vigil.EUNAUTHORIZED, "your session has ended")
		if found, err := s.TableContains(ctx, "users", "a new and longer passphrase"); err != nil || found {
			t.Errorf("users table holds the password: %v, %v", found, err)
		}
	})
}

func TestSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		clk := fakeClock(s)
		users := accounts(t, s)
		admin, orgAdmin := users[vigil.RoleSectorAdmin], users[vigil.RoleOrgAdmin]
		sid, expires, err := s.CreateSession(ctx, orgAdmin.ID, 8*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if want := clk.now().Add(8 * time.Hour).Truncate(time.Microsecond); !expires.Equal(want) {
			t.Errorf("expires = %v, want %v", expires, want)
		}
		if found, _ := s.TableContains(ctx, "sessions", sid); found {
			t.Error("sessions table holds the session id")
		}
		adminSID, _, err := s.CreateSession(ctx, admin.ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		const ended = "your session has ended: sign in again"
		tests := []struct {
			name    string
			advance time.Duration
			idle    time.Duration
			id      string
			before  func()
			want    vigil.Principal
			code    string
		}{
			{name: "fresh", id: sid, want: vigil.Principal{UserID: orgAdmin.ID, Email: orgAdmin.Email, Role: vigil.RoleOrgAdmin, Org: "RXA"}},
			{name: "sector user", id: adminSID, want: vigil.Principal{UserID: admin.ID, Email: admin.Email, Role: vigil.RoleSectorAdmin}},
			{name: "garbage", id: "not-a-session", code: vigil.EUNAUTHORIZED},
			{name: "unknown", id: strings.Repeat("A", 43), code: vigil.EUNAUTHORIZED},
			{name: "used within the idle timeout", advance: 59 * time.Minute, idle: time.Hour, id: sid, want: vigil.Principal{UserID: orgAdmin.ID, Email: orgAdmin.Email, Role: vigil.RoleOrgAdmin, Org: "RXA"}},
			{name: "idle for the idle timeout", advance: time.Hour, idle: time.Hour, id: sid, code: vigil.EUNAUTHORIZED},
			{name: "nearly expired", advance: 8*time.Hour - time.Second - 119*time.Minute, id: sid, want: vigil.Principal{UserID: orgAdmin.ID, Email: orgAdmin.Email, Role: vigil.RoleOrgAdmin, Org: "RXA"}},
			{name: "expired", advance: time.Second, id: sid, code: vigil.EUNAUTHORIZED},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				clk.advance(tt.advance)
				got, err := s.SessionPrincipal(ctx, tt.id, tt.idle)
				if tt.code != "" {
					wantError(t, err, tt.code, ended)
					return
				}
				if err != nil || got != tt.want {
					t.Errorf("SessionPrincipal = %+v, %v; want %+v", got, err, tt.want)
				}
			})
		}

		// Sign out, and disabling an account, end sessions.
		sid2, _, _ := s.CreateSession(ctx, orgAdmin.ID, time.Hour)
		sid3, _, _ := s.CreateSession(ctx, orgAdmin.ID, time.Hour)
		if err := s.DeleteSession(ctx, sid2); err != nil {
			t.Fatal(err)
		}
		_, err = s.SessionPrincipal(ctx, sid2, 0)
		wantError(t, err, vigil.EUNAUTHORIZED, ended)
		if _, err := s.SessionPrincipal(ctx, sid3, 0); err != nil {
			t.Fatalf("other session after sign-out: %v", err)
		}
		if err := s.SetUserDisabled(ctx, orgAdmin.ID, true); err != nil {
			t.Fatal(err)
		}
		_, err = s.SessionPrincipal(ctx, sid3, 0)
		wantError(t, err, vigil.EUNAUTHORIZED, ended)
		_, _, err = s.CreateSession(ctx, orgAdmin.ID, time.Hour)
		wantError(t, err, vigil.EFORBIDDEN, "disabled")
		_, _, err = s.CreateSession(ctx, admin.ID, 0)
		wantError(t, err, vigil.EINVALID, "a session must last")

		n, err := s.PurgeExpired(ctx, time.Hour)
		if err != nil || n != 1 { // the expired first session; the others were deleted
			t.Errorf("PurgeExpired = %d, %v; want 1", n, err)
		}
	})
}

func TestTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		clk := fakeClock(s)
		users := accounts(t, s)
		orgAdmin, supplier := users[vigil.RoleOrgAdmin], users[vigil.RoleSupplier]

		userTok, ut, err := s.CreateToken(ctx, vigil.NewToken{UserID: orgAdmin.ID, Name: "SIEM export"})
		if err != nil {
			t.Fatal(err)
		}
		sensorTok, st, err := s.CreateToken(ctx, vigil.NewToken{SensorOrg: "rxa"})
		if err != nil {
			t.Fatal(err)
		}
		supTok, _, _ := s.CreateToken(ctx, vigil.NewToken{UserID: supplier.ID})
		expTok, _, _ := s.CreateToken(ctx, vigil.NewToken{SensorOrg: "RXA", Name: "short-lived", ExpiresAt: clk.now().Add(time.Hour)})
		revTok, rt, _ := s.CreateToken(ctx, vigil.NewToken{SensorOrg: "RXA", Name: "old sensor"})

		for _, raw := range []string{userTok, sensorTok, supTok, expTok, revTok} {
			if !strings.HasPrefix(raw, vigil.TokenPrefix) || len(raw) != 47 {
				t.Errorf("token %q: want %s and 43 characters", raw, vigil.TokenPrefix)
			}
			if found, err := s.TableContains(ctx, "api_tokens", strings.TrimPrefix(raw, vigil.TokenPrefix)[:20]); err != nil || found {
				t.Errorf("api_tokens holds (part of) token %s: %v, %v", raw, found, err)
			}
		}
		if ut.Name != "SIEM export" || st.Name != "sensor for RXA" || st.SensorOrg != "RXA" || ut.UserID != orgAdmin.ID || ut.Hint != "vgl_…"+userTok[len(userTok)-4:] {
			t.Errorf("tokens = %+v, %+v", ut, st)
		}
		if err := s.RevokeToken(ctx, rt.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeToken(ctx, rt.ID); err != nil {
			t.Errorf("revoking twice: %v", err)
		}
		wantError(t, s.RevokeToken(ctx, 999), vigil.ENOTFOUND, "no token 999")
		clk.advance(2 * time.Hour)

		tests := []struct {
			name      string
			token     string
			want      vigil.Principal
			code, msg string
		}{
			{name: "user token", token: userTok, want: vigil.Principal{UserID: orgAdmin.ID, Email: orgAdmin.Email, Role: vigil.RoleOrgAdmin, Org: "RXA", TokenID: ut.ID}},
			{name: "sensor token", token: sensorTok, want: vigil.Principal{Email: "sensor for RXA", Role: vigil.RoleSensor, Org: "RXA", TokenID: st.ID}},
			{name: "supplier token", token: supTok, want: vigil.Principal{UserID: supplier.ID, Email: supplier.Email, Role: vigil.RoleSupplier, Org: "SUP01", TokenID: ut.ID + 2}},
			{name: "revoked", token: revTok, code: vigil.EUNAUTHORIZED, msg: "the API token was revoked on 14 March 2025"},
			{name: "expired", token: expTok, code: vigil.EUNAUTHORIZED, msg: "the API token expired on 14 March 2025"},
			{name: "no prefix", token: strings.TrimPrefix(userTok, vigil.TokenPrefix), code: vigil.EUNAUTHORIZED, msg: "tokens start with vgl_"},
			{name: "unknown", token: vigil.TokenPrefix + strings.Repeat("x", 43), code: vigil.EUNAUTHORIZED, msg: "the API token is not valid"},
			{name: "one character changed", token: userTok[:46] + string(userTok[46]^1), code: vigil.EUNAUTHORIZED, msg: "the API token is not valid"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.TokenPrincipal(ctx, tt.token)
				wantError(t, err, tt.code, tt.msg)
				if err == nil && got != tt.want {
					t.Errorf("TokenPrincipal = %+v, want %+v", got, tt.want)
				}
			})
		}

		if got, _ := s.GetToken(ctx, ut.ID); !got.LastUsedAt.Equal(clk.now().Truncate(time.Microsecond)) {
			t.Errorf("LastUsedAt = %v, want %v", got.LastUsedAt, clk.now())
		}
		if err := s.SetUserDisabled(ctx, orgAdmin.ID, true); err != nil {
			t.Fatal(err)
		}
		_, err = s.TokenPrincipal(ctx, userTok)
		wantError(t, err, vigil.EUNAUTHORIZED, "account is disabled")

		lists := []struct {
			name   string
			filter vigil.TokenFilter
			want   int
		}{
			{name: "everything live", filter: vigil.TokenFilter{}, want: 4},
			{name: "everything", filter: vigil.TokenFilter{IncludeRevoked: true}, want: 5},
			{name: "one user", filter: vigil.TokenFilter{UserID: orgAdmin.ID}, want: 1},
			{name: "org: sensors and its users", filter: vigil.TokenFilter{Org: "rxa"}, want: 3},
			{name: "supplier org", filter: vigil.TokenFilter{Org: "SUP01"}, want: 1},
		}
		for _, l := range lists {
			got, err := s.ListTokens(ctx, l.filter)
			if err != nil || len(got) != l.want {
				t.Errorf("ListTokens(%s) = %d tokens, %v; want %d", l.name, len(got), err, l.want)
			}
		}

		bad := []struct {
			name string
			nt   vigil.NewToken
			code string
			msg  string
		}{
			{name: "neither", nt: vigil.NewToken{Name: "x"}, code: vigil.EINVALID, msg: "either for a user or for a sensor"},
			{name: "both", nt: vigil.NewToken{UserID: orgAdmin.ID, SensorOrg: "RXA"}, code: vigil.EINVALID, msg: "either for a user or for a sensor"},
			{name: "unknown user", nt: vigil.NewToken{UserID: 999}, code: vigil.ENOTFOUND, msg: "no user 999"},
			{name: "unknown org", nt: vigil.NewToken{SensorOrg: "RZZ"}, code: vigil.EINVALID, msg: `organisation "RZZ" is not registered`},
			{name: "already expired", nt: vigil.NewToken{SensorOrg: "RXA", ExpiresAt: clk.now().Add(-time.Minute)}, code: vigil.EINVALID, msg: "has passed"},
		}
		for _, b := range bad {
			_, _, err := s.CreateToken(ctx, b.nt)
			wantError(t, err, b.code, b.msg)
		}
	})
}

func TestLoginAttempts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		clk := fakeClock(s)
		start := clk.now().Truncate(time.Microsecond)
		var ids []int64
		for i, f := range []struct{ email, ip string }{
			{"a@trust.example", "192.0.2.1"},
			{"a@trust.example", "192.0.2.2"},
			{"b@trust.example", "192.0.2.1"},
		} {
			id, err := s.ReserveLoginAttempt(ctx, f.email, f.ip, start.Add(time.Duration(i)*time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		at := func(m int) time.Time { return start.Add(time.Duration(m) * time.Minute) }
		count := func(n, m int) store.LoginCount { return store.LoginCount{N: n, Last: at(m)} }
		tests := []struct {
			name      string
			email, ip string
			since     time.Time
			except    int64
			want      store.LoginCounts
		}{
			{name: "all", email: "a@trust.example", ip: "192.0.2.1", since: start,
				want: store.LoginCounts{Email: count(2, 1), IP: count(2, 2), Pair: count(1, 0)}},
			{name: "but the one being decided", email: "a@trust.example", ip: "192.0.2.1", since: start, except: ids[1],
				want: store.LoginCounts{Email: count(1, 0), IP: count(2, 2), Pair: count(1, 0)}},
			{name: "last two minutes", email: "a@trust.example", ip: "192.0.2.1", since: at(1),
				want: store.LoginCounts{Email: count(1, 1), IP: count(1, 2)}},
			{name: "nobody", email: "c@trust.example", ip: "192.0.2.9", since: start},
		}
		same := func(a, b store.LoginCount) bool { return a.N == b.N && a.Last.Equal(b.Last) }
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c, err := s.LoginAttempts(ctx, tt.email, tt.ip, tt.since, tt.except)
				if err != nil || !same(c.Email, tt.want.Email) || !same(c.IP, tt.want.IP) || !same(c.Pair, tt.want.Pair) {
					t.Errorf("LoginAttempts = %+v, %v; want %+v", c, err, tt.want)
				}
			})
		}
		if err := s.ReleaseLoginAttempt(ctx, ids[2]); err != nil {
			t.Fatal(err)
		}
		if c, err := s.LoginAttempts(ctx, "b@trust.example", "", start, 0); err != nil || c.Email.N != 0 {
			t.Errorf("after release: %+v, %v; want none", c, err)
		}
		if err := s.PostponeLoginAttempt(ctx, ids[1], at(5)); err != nil {
			t.Fatal(err)
		}
		if c, err := s.LoginAttempts(ctx, "a@trust.example", "192.0.2.2", start, 0); err != nil || !same(c.Email, count(2, 5)) || !same(c.Pair, count(1, 5)) {
			t.Errorf("after postponing to %v: %+v, %v", at(5), c, err)
		}
		clk.advance(time.Hour)
		if n, err := s.PurgeExpired(ctx, time.Hour-30*time.Second); err != nil || n != 1 {
			t.Errorf("PurgeExpired = %d, %v; want the oldest attempt", n, err)
		}
	})
}
