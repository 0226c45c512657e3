package accounts_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/accounts"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestChangePassword walks a person changing their own password: what is refused
// (and leaves the password and sessions alone), and what a change does — the new
// password works, the old one does not, every other session ends and a new one starts.
func TestChangePassword(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sc := newSector(t, s)
		ctx := context.Background()
		u := sc.users[vigil.RoleOrgAdmin]
		const next = "seven mossy lanterns drift home"
		other, err := sc.svc.SignIn(ctx, u.Email, password, "192.0.2.40")
		if err != nil {
			t.Fatal(err)
		}
		refused := []struct {
			name             string
			p                vigil.Principal
			current, newPass string
			code             string
			wrong            bool // the answer is ErrWrongPassword
		}{
			{"an API token may not", vigil.Principal{UserID: u.ID, Email: u.Email, Role: u.Role, Org: u.Org, TokenID: 7}, password, next, vigil.EFORBIDDEN, false},
			{"a sensor may not", vigil.Principal{Email: "zeek", Role: vigil.RoleSensor, Org: "RXA"}, password, next, vigil.EFORBIDDEN, false},
			{"the current password is needed", as(u), "", next, vigil.EINVALID, false},
			{"the wrong current password", as(u), "not my password at all", next, vigil.EINVALID, true},
			{"the same password again", as(u), password, password, vigil.EINVALID, false},
			{"a short new password", as(u), password, "short", vigil.EINVALID, false},
			{"a common new password", as(u), password, "password1234", vigil.EINVALID, false},
		}
		for _, tt := range refused {
			t.Run(tt.name, func(t *testing.T) {
				before := auditCount(t, s, "user.password_change")
				_, err := sc.svc.ChangePassword(ctx, tt.p, tt.current, tt.newPass, "192.0.2.41")
				if vigil.ErrorCode(err) != tt.code || errors.Is(err, accounts.ErrWrongPassword) != tt.wrong {
					t.Fatalf("ChangePassword = %v, want code %s (wrong password: %v)", err, tt.code, tt.wrong)
				}
				if auditCount(t, s, "user.password_change") != before {
					t.Error("refused, yet a user.password_change entry was written")
				}
				if _, ok, _ := sc.svc.Identify(ctx, "", other.ID); !ok {
					t.Error("a refused change ended the other session")
				}
			})
		}
		if e := lastAudit(t, s, "user.password_change_failed"); e.Actor != u.Email || storetest.AuditDetail(t, e)["reason"] != "bad_credentials" {
			t.Errorf("user.password_change_failed entry %+v", e)
		}

		ses, err := sc.svc.ChangePassword(ctx, as(u), password, next, "192.0.2.41")
		if err != nil {
			t.Fatal(err)
		}
		if e := lastAudit(t, s, "user.password_change"); e.Actor != u.Email || e.Target != "user/"+itoa(u.ID) {
			t.Errorf("user.password_change entry %+v", e)
		}
		if _, ok, _ := sc.svc.Identify(ctx, "", other.ID); ok {
			t.Error("the other session outlived the change")
		}
		if p, ok, err := sc.svc.Identify(ctx, "", ses.ID); !ok || err != nil || p.UserID != u.ID {
			t.Errorf("the new session: %+v %v %v, want signed in as %s", p, ok, err, u.Email)
		}
		if _, err := sc.svc.SignIn(ctx, u.Email, password, "192.0.2.42"); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("sign-in with the old password: %v, want unauthorized", err)
		}
		if _, err := sc.svc.SignIn(ctx, u.Email, next, "192.0.2.42"); err != nil {
			t.Errorf("sign-in with the new password: %v", err)
		}
	})
}

// TestChangePasswordLimits checks that guessing the current password through a stolen
// session is held to the sign-in limits.
func TestChangePasswordLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sc := newSector(t, s)
		ctx := context.Background()
		u := sc.users[vigil.RoleOrgAdmin]
		clk := &clock{t: time.Now()}
		svc := accounts.New(accounts.Deps{Store: s, Now: clk.now, Login: accounts.LoginLimits{PerEmail: 2, MaxDelay: time.Minute}})
		for i := range 2 {
			if _, err := svc.ChangePassword(ctx, as(u), "guess "+itoa(int64(i)), "seven mossy lanterns drift home", "192.0.2.50"); !errors.Is(err, accounts.ErrWrongPassword) {
				t.Fatalf("guess %d: %v, want ErrWrongPassword", i, err)
			}
		}
		_, err := svc.ChangePassword(ctx, as(u), password, "seven mossy lanterns drift home", "192.0.2.50")
		var th *accounts.ThrottledError
		if !errors.As(err, &th) || th.RetryAfter <= 0 {
			t.Fatalf("right password after two wrong guesses: %v, want slowed down", err)
		}
		if _, err := svc.SignIn(ctx, u.Email, password, "192.0.2.50"); !errors.As(err, &th) {
			t.Errorf("sign-in from the guessing address: %v, want slowed down too", err)
		}
		if _, err := svc.SignIn(ctx, u.Email, password, "192.0.2.51"); err != nil {
			t.Errorf("sign-in from another address: %v, want in (the guesses must not keep the owner out)", err)
		}
		clk.advance(th.RetryAfter)
		if _, err := svc.ChangePassword(ctx, as(u), password, "seven mossy lanterns drift home", "192.0.2.50"); err != nil {
			t.Errorf("right password after waiting: %v", err)
		}
	})
}
