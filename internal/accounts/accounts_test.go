package accounts_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/accounts"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

const password = "correct horse battery staple"

// sector is a store with two trusts and a user of each role that signs in.
type sector struct {
	s     *store.Store
	svc   *accounts.Service
	users map[vigil.Role]vigil.User
	other vigil.User // an org_admin of RXB
}

func newSector(t *testing.T, s *store.Store) *sector {
	t.Helper()
	ctx := context.Background()
	for _, ods := range []string{"RXA", "RXB"} {
		if _, _, err := s.CreateOrg(ctx, vigil.Org{ODSCode: ods, Name: "Trust " + ods, Kind: vigil.OrgTrust}); err != nil {
			t.Fatal(err)
		}
	}
	sc := &sector{s: s, svc: accounts.New(accounts.Deps{Store: s}), users: map[vigil.Role]vigil.User{}}
	for _, nu := range []vigil.NewUser{
		{Email: "admin@centre.example", Role: vigil.RoleSectorAdmin},
		{Email: "analyst@centre.example", Role: vigil.RoleSectorAnalyst},
		{Email: "admin@rxa.example", Role: vigil.RoleOrgAdmin, Org: "RXA"},
		{Email: "admin@rxb.example", Role: vigil.RoleOrgAdmin, Org: "RXB"},
	} {
		nu.Name, nu.Password = nu.Email, password
		u, err := s.CreateUser(ctx, nu)
		if err != nil {
			t.Fatal(err)
		}
		if u.Org == "RXB" {
			sc.other = u
		} else {
			sc.users[u.Role] = u
		}
	}
	return sc
}

// as is the principal of u signed in with a session.
func as(u vigil.User) vigil.Principal {
	return vigil.Principal{UserID: u.ID, Email: u.Email, Role: u.Role, Org: u.Org}
}

// lastAudit returns the newest audit entry with action, failing when there is none.
func lastAudit(t *testing.T, s *store.Store, action string) vigil.AuditEntry {
	t.Helper()
	es := storetest.Audits(t, s, vigil.AuditFilter{Action: action, Limit: 1})
	if len(es) == 0 {
		t.Fatalf("no %s audit entry", action)
	}
	return es[0]
}

// auditCount counts the audit entries with action.
func auditCount(t *testing.T, s *store.Store, action string) int {
	t.Helper()
	return len(storetest.Audits(t, s, vigil.AuditFilter{Action: action}))
}

func TestSignIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sc := newSector(t, s)
		ctx := context.Background()
		admin := sc.users[vigil.RoleSectorAdmin]
		svc := accounts.New(accounts.Deps{Store: s, SessionTTL: time.Hour, Login: accounts.LoginLimits{PerEmail: 2}})

		ses, err := svc.SignIn(ctx, "Admin@Centre.example", password, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		if ses.User.ID != admin.ID || time.Until(ses.ExpiresAt) > time.Hour || time.Until(ses.ExpiresAt) < 59*time.Minute {
			t.Errorf("session %+v, want admin's for an hour", ses)
		}
		if e := lastAudit(t, s, "user.login"); e.Actor != admin.Email || e.Target != "user/"+itoa(admin.ID) || storetest.AuditDetail(t, e)["ip"] != "192.0.2.1" {
			t.Errorf("user.login entry %+v", e)
		}
		p, ok, err := svc.Identify(ctx, "", ses.ID)
		if err != nil || !ok || p.UserID != admin.ID {
			t.Fatalf("Identify(session) = %+v %v %v", p, ok, err)
		}

		for i := range 2 {
			if _, err := svc.SignIn(ctx, admin.Email, "wrong password", "192.0.2.2"); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
				t.Fatalf("wrong password %d: %v, want unauthorized", i, err)
			}
		}
		if e := lastAudit(t, s, "user.login_failed"); e.Actor != admin.Email || storetest.AuditDetail(t, e)["reason"] != "bad_credentials" {
			t.Errorf("user.login_failed entry %+v", e)
		}
		_, err = svc.SignIn(ctx, admin.Email, password, "192.0.2.2")
		var th *accounts.ThrottledError
		if !errors.As(err, &th) || th.RetryAfter <= 0 || th.RetryAfter > time.Second ||
			th.Message != "too many failed sign-ins to this account from this address: wait 1 second and try again, or ask your administrator to reset your password" {
			t.Fatalf("third sign-in from the address after two failures: %v, want slowed down by a second", err)
		}
		if _, err := svc.SignIn(ctx, admin.Email, password, "192.0.2.3"); err != nil {
			t.Fatalf("sign-in from another address after two failures: %v, want in", err)
		}

		if err := svc.SignOut(ctx, as(admin), ses.ID); err != nil {
			t.Fatal(err)
		}
		if e := lastAudit(t, s, "user.logout"); e.Actor != admin.Email {
			t.Errorf("user.logout entry %+v", e)
		}
		if _, ok, err := svc.Identify(ctx, "", ses.ID); ok || err != nil {
			t.Errorf("Identify(ended session) = %v %v, want anonymous", ok, err)
		}
		if err := svc.SignOut(ctx, vigil.Principal{UserID: admin.ID, TokenID: 9}, ses.ID); err != nil || auditCount(t, s, "user.logout") != 1 {
			t.Errorf("signing out with a token: %v, %d logout entries, want nothing done", err, auditCount(t, s, "user.logout"))
		}
		if _, _, err := svc.Identify(ctx, "vgl_nope", ""); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("Identify(bad token) = %v, want unauthorized", err)
		}
	})
}

// clock is a settable clock for the login limits.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// holds notes the answers to wrong passwords the login limits hold back, and moves
// the clock on instead of waiting.
type holds struct {
	mu  sync.Mutex
	clk *clock
	d   []time.Duration
}

func (h *holds) sleep(_ context.Context, d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.d = append(h.d, d)
	h.clk.advance(d)
}

func (h *holds) take() []time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	d := h.d
	h.d = nil
	return d
}

// TestSignInLimits checks that the sign-in limits cannot be dodged: by sending wrong
// passwords in parallel, by spelling the address another way, or by guessing from many
// addresses; and that nobody can use them to keep a colleague out.
func TestSignInLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sc := newSector(t, s)
		ctx := context.Background()
		admin := sc.users[vigil.RoleSectorAdmin]
		analyst := sc.users[vigil.RoleSectorAnalyst]
		clk := &clock{t: time.Now().Truncate(time.Second)} // as precise as every database
		held := &holds{clk: clk}
		svc := accounts.New(accounts.Deps{Store: s, Now: clk.now, Sleep: held.sleep,
			Login: accounts.LoginLimits{PerEmail: 5, PerIP: 20, PerAccount: 10, MaxDelay: time.Minute}})

		t.Run("parallel wrong passwords", func(t *testing.T) {
			var wg sync.WaitGroup
			var mu sync.Mutex
			codes := map[string]int{}
			for i := range 30 {
				wg.Go(func() {
					_, err := svc.SignIn(ctx, admin.Email, "wrong password "+itoa(int64(i)), "192.0.2.10")
					code := vigil.ErrorCode(err)
					if th := (*accounts.ThrottledError)(nil); errors.As(err, &th) {
						code = "throttled"
					}
					mu.Lock()
					codes[code]++
					mu.Unlock()
				})
			}
			wg.Wait()
			if codes[vigil.EUNAUTHORIZED] > 5 || codes[vigil.EUNAUTHORIZED]+codes["throttled"] != 30 {
				t.Errorf("30 parallel wrong passwords: %v; want at most 5 checked and the rest throttled", codes)
			}
		})

		for _, spelling := range []string{"admin@centre.example.", "<admin@centre.example>", "mailto:admin@centre.example",
			"ａｄｍｉｎ@centre.example", "admin@ｃｅｎｔｒｅ.example", "admin@centre.example\x00"} {
			t.Run("spelling "+spelling, func(t *testing.T) {
				_, err := svc.SignIn(ctx, spelling, password, "192.0.2.10")
				if vigil.ErrorCode(err) != vigil.EINVALID || !strings.Contains(vigil.ErrorMessage(err), "is not an email address as vigil writes them") {
					t.Errorf("SignIn(%q) with the right password while slowed down = %v; want invalid", spelling, err)
				}
			})
		}

		t.Run("the failing address is slowed down, not locked out", func(t *testing.T) {
			for range 5 { // the parallel attempts may have left fewer than 5 failures
				if _, err := svc.SignIn(ctx, admin.Email, "wrong password", "192.0.2.10"); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
					break
				}
			}
			_, err := svc.SignIn(ctx, admin.Email, password, "192.0.2.10")
			th := (*accounts.ThrottledError)(nil)
			if !errors.As(err, &th) || th.RetryAfter > time.Minute {
				t.Fatalf("right password from the failing address = %v; want throttled for at most a minute", err)
			}
			clk.advance(th.RetryAfter)
			if _, err := svc.SignIn(ctx, admin.Email, password, "192.0.2.10"); err != nil {
				t.Errorf("right password after waiting %v: %v", th.RetryAfter, err)
			}
			// A refused attempt does not count: waiting once is enough.
			if _, err := svc.SignIn(ctx, admin.Email, "wrong again", "192.0.2.10"); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
				t.Fatalf("wrong password after waiting: %v, want unauthorized", err)
			}
			_, err = svc.SignIn(ctx, admin.Email, password, "192.0.2.10")
			if !errors.As(err, &th) || th.RetryAfter > time.Minute || th.RetryAfter <= 0 {
				t.Fatalf("right password straight after a failure = %v; want throttled for at most a minute", err)
			}
			clk.advance(time.Minute)
			if _, err := svc.SignIn(ctx, admin.Email, password, "192.0.2.10"); err != nil {
				t.Errorf("right password a minute later: %v", err)
			}
		})

		t.Run("nobody can keep a colleague out", func(t *testing.T) {
			// Someone fails for the analyst from one address, again each time a wait ends.
			for round := range 4 {
				for range 5 {
					if _, err := svc.SignIn(ctx, analyst.Email, "wrong password", "192.0.2.30"); err == nil {
						t.Fatal("a wrong password signed in")
					}
				}
				if _, err := svc.SignIn(ctx, analyst.Email, password, "192.0.2.31"); err != nil {
					t.Fatalf("round %d: the analyst's right password from her own address = %v; want in", round, err)
				}
				clk.advance(time.Minute)
			}
		})

		t.Run("guessing from many addresses is slowed down", func(t *testing.T) {
			clk.advance(time.Hour) // past the window: a fresh count
			held.take()
			for i := range 14 {
				if _, err := svc.SignIn(ctx, admin.Email, "guess "+itoa(int64(i)), "198.51.100."+itoa(int64(i))); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
					t.Fatalf("guess %d from a fresh address: %v, want unauthorized", i, err)
				}
			}
			want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}
			if got := held.take(); !slices.Equal(got, want) {
				t.Errorf("answers held back for %v; want nothing for the first 10 wrong passwords, then %v", got, want)
			}
			if _, err := svc.SignIn(ctx, admin.Email, password, "198.51.100.99"); err != nil {
				t.Errorf("the right password meanwhile: %v, want in at once", err)
			}
			if got := held.take(); len(got) != 0 {
				t.Errorf("the right password was held back %v", got)
			}
		})
	})
}

func TestSignInHashSlots(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		newSector(t, s)
		ctx := context.Background()
		svc := accounts.New(accounts.Deps{Store: s, HashConcurrency: 1, HashWait: 10 * time.Millisecond})
		done := accounts.TakeHashSlots(svc)
		_, err := svc.SignIn(ctx, "admin@centre.example", password, "192.0.2.20")
		th := (*accounts.ThrottledError)(nil)
		if !errors.As(err, &th) || th.RetryAfter != time.Second || !strings.Contains(th.Message, "busy") {
			t.Fatalf("sign-in with every hashing slot taken = %v; want throttled, retry after a second", err)
		}
		c, err := s.LoginAttempts(ctx, "admin@centre.example", "192.0.2.20", time.Unix(0, 0), 0)
		if err != nil || c.Email.N != 0 {
			t.Errorf("attempts after a busy refusal = %+v, %v; want none counted", c, err)
		}
		done()
		if _, err := svc.SignIn(ctx, "admin@centre.example", password, "192.0.2.20"); err != nil {
			t.Errorf("sign-in with a free slot: %v", err)
		}
	})
}

func TestSessionIdleTimeout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		newSector(t, s)
		ctx := context.Background()
		svc := accounts.New(accounts.Deps{Store: s, SessionTTL: 8 * time.Hour, IdleTimeout: 200 * time.Millisecond})
		ses, err := svc.SignIn(ctx, "analyst@centre.example", password, "192.0.2.30")
		if err != nil {
			t.Fatal(err)
		}
		if _, ok, err := svc.Identify(ctx, "", ses.ID); !ok || err != nil {
			t.Fatalf("fresh session: %v %v, want signed in", ok, err)
		}
		time.Sleep(250 * time.Millisecond)
		if _, ok, err := svc.Identify(ctx, "", ses.ID); ok || err != nil {
			t.Errorf("session unused for longer than the idle timeout: %v %v, want ended", ok, err)
		}
	})
}

func TestCreateToken(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sc := newSector(t, s)
		admin, orgAdmin := sc.users[vigil.RoleSectorAdmin], sc.users[vigil.RoleOrgAdmin]
		viaToken := as(orgAdmin)
		viaToken.TokenID = 1
		tests := []struct {
			name     string
			p        vigil.Principal
			r        accounts.TokenRequest
			wantCode string
			wantUser int64
			wantOrg  string
		}{
			{"own token", as(orgAdmin), accounts.TokenRequest{Name: "SIEM"}, "", orgAdmin.ID, ""},
			{"a token cannot make tokens", viaToken, accounts.TokenRequest{}, vigil.EFORBIDDEN, 0, ""},
			{"sector admin makes a sensor token", as(admin), accounts.TokenRequest{Sensor: true, Org: "rxa"}, "", 0, "RXA"},
			{"org admin makes a sensor token for their organisation", as(orgAdmin), accounts.TokenRequest{Sensor: true, Org: "rxa"}, "", 0, "RXA"},
			{"org admin's sensor token is their organisation's by default", as(orgAdmin), accounts.TokenRequest{Sensor: true}, "", 0, "RXA"},
			{"org admin may not make another organisation's sensor token", as(orgAdmin), accounts.TokenRequest{Sensor: true, Org: "RXB"}, vigil.EFORBIDDEN, 0, ""},
			{"org member may not make a sensor token", vigil.Principal{UserID: orgAdmin.ID, Email: "member@rxa.example", Role: vigil.RoleOrgMember, Org: "RXA"},
				accounts.TokenRequest{Sensor: true}, vigil.EFORBIDDEN, 0, ""},
			{"sensor token needs an org", as(admin), accounts.TokenRequest{Sensor: true}, vigil.EINVALID, 0, ""},
			{"org is for sensors only", as(admin), accounts.TokenRequest{Org: "RXA"}, vigil.EINVALID, 0, ""},
			{"command line makes a user's token", vigil.CommandLine, accounts.TokenRequest{User: orgAdmin.Email}, "", orgAdmin.ID, ""},
			{"org admin may not make another's token", as(orgAdmin), accounts.TokenRequest{User: admin.Email}, vigil.EFORBIDDEN, 0, ""},
			{"unknown user", vigil.CommandLine, accounts.TokenRequest{User: "ghost@centre.example"}, vigil.ENOTFOUND, 0, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := auditCount(t, s, "token.create")
				raw, tok, err := sc.svc.CreateToken(context.Background(), tt.p, tt.r)
				if vigil.ErrorCode(err) != tt.wantCode {
					t.Fatalf("CreateToken: %v, want code %q", err, tt.wantCode)
				}
				if tt.wantCode != "" {
					if n := auditCount(t, s, "token.create"); n != before {
						t.Errorf("refused, yet %d token.create entries were written", n-before)
					}
					return
				}
				if tok.UserID != tt.wantUser || tok.SensorOrg != tt.wantOrg || len(raw) < 10 {
					t.Errorf("token %+v, want user %d org %q", tok, tt.wantUser, tt.wantOrg)
				}
				e := lastAudit(t, s, "token.create")
				want := map[string]any{"name": tok.Name, "hint": tok.Hint, "user_id": float64(tok.UserID), "sensor_org": tok.SensorOrg}
				if e.Actor != tt.p.Email || e.Target != "token/"+itoa(tok.ID) || !cmp.Equal(storetest.AuditDetail(t, e), want) {
					t.Errorf("token.create entry %+v, want actor %s and detail %v", e, tt.p.Email, want)
				}
			})
		}
	})
}

func TestRevokeAndListTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sc := newSector(t, s)
		ctx := context.Background()
		admin, orgAdmin := sc.users[vigil.RoleSectorAdmin], sc.users[vigil.RoleOrgAdmin]
		mint := func(u vigil.User) int64 {
			_, tok, err := sc.svc.CreateToken(ctx, as(u), accounts.TokenRequest{})
			if err != nil {
				t.Fatal(err)
			}
			return tok.ID
		}
		tests := []struct {
			name     string
			p        vigil.Principal
			owner    vigil.User
			wantCode string
		}{
			{"own token", as(orgAdmin), orgAdmin, ""},
			{"another organisation's user's token is not found", as(sc.other), orgAdmin, vigil.ENOTFOUND},
			{"sector admin revokes anyone's", as(admin), orgAdmin, ""},
			{"analyst may not revoke another's", as(sc.users[vigil.RoleSectorAnalyst]), admin, vigil.ENOTFOUND},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				id := mint(tt.owner)
				before := auditCount(t, s, "token.revoke")
				err := sc.svc.RevokeToken(ctx, tt.p, id)
				if vigil.ErrorCode(err) != tt.wantCode {
					t.Fatalf("RevokeToken: %v, want code %q", err, tt.wantCode)
				}
				want := before
				if tt.wantCode == "" {
					want++
					if err := sc.svc.RevokeToken(ctx, tt.p, id); err != nil {
						t.Fatalf("revoking again: %v", err)
					}
				}
				if n := auditCount(t, s, "token.revoke"); n != want {
					t.Errorf("%d token.revoke entries, want %d (one, however often it is revoked)", n-before, want-before)
				}
			})
		}
		if _, err := sc.svc.ListTokens(ctx, as(orgAdmin), "RXB", false); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("org admin listing another organisation's tokens: %v, want forbidden", err)
		}
		ts, err := sc.svc.ListTokens(ctx, as(admin), "RXA", true)
		if err != nil || len(ts) == 0 {
			t.Errorf("sector admin listing RXA's tokens: %d, %v", len(ts), err)
		}
		for _, tok := range ts {
			if tok.UserID != orgAdmin.ID {
				t.Errorf("RXA's tokens include %+v", tok)
			}
		}
	})
}

// TestOrgAdminManagesSensorTokens: a trust's IT lead sees their organisation's sensor
// tokens, whoever made them (never the secret), and can revoke a leaked one, audited;
// another organisation's admin can do neither.
func TestOrgAdminManagesSensorTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sc := newSector(t, s)
		ctx := context.Background()
		admin, orgAdmin := sc.users[vigil.RoleSectorAdmin], sc.users[vigil.RoleOrgAdmin]
		zeek, own := sensorAndOwnToken(t, sc)
		ts, err := sc.svc.ListTokens(ctx, as(orgAdmin), "", false)
		if err != nil || len(ts) != 2 || ts[0].ID != own.ID || ts[1].ID != zeek.ID || ts[1].CreatedBy != admin.Email || ts[0].CreatedBy != orgAdmin.Email {
			t.Fatalf("the org admin's list: %+v, %v; want their own token, then the sensor's made by %s", ts, err, admin.Email)
		}
		if ts, err := sc.svc.ListTokens(ctx, as(sc.other), "", false); err != nil || len(ts) != 0 {
			t.Errorf("another organisation's admin lists %+v, %v; want none", ts, err)
		}
		if err := sc.svc.RevokeToken(ctx, as(sc.other), zeek.ID); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("another organisation's admin revokes the sensor token: %v, want not found", err)
		}
		if err := sc.svc.RevokeToken(ctx, as(orgAdmin), zeek.ID); err != nil {
			t.Fatalf("the org admin revokes their sensor's token: %v", err)
		}
		if e := lastAudit(t, s, "token.revoke"); e.Actor != orgAdmin.Email || e.Target != "token/"+itoa(zeek.ID) {
			t.Errorf("token.revoke entry %+v, want by %s", e, orgAdmin.Email)
		}
		if ts, _ := sc.svc.ListTokens(ctx, as(orgAdmin), "RXA", true); len(ts) != 2 || ts[1].RevokedAt.IsZero() {
			t.Errorf("the org admin's list with revoked tokens: %+v, want the sensor's revoked", ts)
		}
	})
}

func TestAddUser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sc := newSector(t, s)
		ctx := context.Background()
		tests := []struct {
			name     string
			p        vigil.Principal
			nu       vigil.NewUser
			wantCode string
		}{
			{"command line adds a member", vigil.CommandLine, vigil.NewUser{Email: "Member@RXA.example", Role: vigil.RoleOrgMember, Org: "RXA"}, ""},
			{"sector admin adds an analyst", as(sc.users[vigil.RoleSectorAdmin]), vigil.NewUser{Email: "new@centre.example", Name: "New", Role: vigil.RoleSectorAnalyst}, ""},
			{"org admin may not", as(sc.users[vigil.RoleOrgAdmin]), vigil.NewUser{Email: "x@rxa.example", Role: vigil.RoleOrgMember, Org: "RXA"}, vigil.EFORBIDDEN},
			{"duplicate", vigil.CommandLine, vigil.NewUser{Email: "admin@rxa.example", Role: vigil.RoleOrgMember, Org: "RXA"}, vigil.ECONFLICT},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := auditCount(t, s, "user.create")
				u, err := sc.svc.AddUser(ctx, tt.p, tt.nu)
				if vigil.ErrorCode(err) != tt.wantCode {
					t.Fatalf("AddUser: %v, want code %q", err, tt.wantCode)
				}
				if tt.wantCode != "" {
					if n := auditCount(t, s, "user.create"); n != before {
						t.Errorf("refused, yet a user.create entry was written")
					}
					return
				}
				if tt.nu.Name == "" && u.Name != tt.nu.Email {
					t.Errorf("name %q, want the email as given", u.Name)
				}
				e := lastAudit(t, s, "user.create")
				if e.Actor != tt.p.Email || e.Target != u.Email || !cmp.Equal(storetest.AuditDetail(t, e), map[string]any{"role": string(u.Role), "org": u.Org}) {
					t.Errorf("user.create entry %+v", e)
				}
				me, err := sc.svc.Me(ctx, as(u))
				if err != nil || me.ID != u.ID {
					t.Errorf("Me = %+v, %v", me, err)
				}
			})
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Only a sector admin resets passwords and disables accounts; each ends the user's
// sessions and writes its audit entry, and a refused call writes none.
func TestResetPasswordAndDisable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sc := newSector(t, s)
		ctx := context.Background()
		target := sc.users[vigil.RoleOrgAdmin]
		const newPassword = "a brand new passphrase for ann"
		tests := []struct {
			name     string
			p        vigil.Principal
			action   string
			do       func(vigil.Principal) error
			wantCode string
		}{
			{"org admin may not reset a password", as(target), "user.password", func(p vigil.Principal) error {
				_, err := sc.svc.ResetPassword(ctx, p, target.Email, newPassword)
				return err
			}, vigil.EFORBIDDEN},
			{"analyst may not disable", as(sc.users[vigil.RoleSectorAnalyst]), "user.disable", func(p vigil.Principal) error {
				_, err := sc.svc.SetDisabled(ctx, p, target.Email, true)
				return err
			}, vigil.EFORBIDDEN},
			{"unknown user", vigil.CommandLine, "user.password", func(p vigil.Principal) error {
				_, err := sc.svc.ResetPassword(ctx, p, "nobody@rxa.example", newPassword)
				return err
			}, vigil.ENOTFOUND},
			{"a common password is refused", vigil.CommandLine, "user.password", func(p vigil.Principal) error {
				_, err := sc.svc.ResetPassword(ctx, p, target.Email, "password")
				return err
			}, vigil.EINVALID},
			{"an admin may not disable their own account", as(sc.users[vigil.RoleSectorAdmin]), "user.disable", func(p vigil.Principal) error {
				_, err := sc.svc.SetDisabled(ctx, p, p.Email, true)
				return err
			}, vigil.EINVALID},
			{"sector admin resets a password", as(sc.users[vigil.RoleSectorAdmin]), "user.password", func(p vigil.Principal) error {
				_, err := sc.svc.ResetPassword(ctx, p, target.Email, newPassword)
				return err
			}, ""},
			{"command line disables", vigil.CommandLine, "user.disable", func(p vigil.Principal) error {
				u, err := sc.svc.SetDisabled(ctx, p, target.Email, true)
				if err == nil && !u.Disabled {
					t.Error("SetDisabled(true) left the account enabled")
				}
				return err
			}, ""},
			{"command line enables again", vigil.CommandLine, "user.enable", func(p vigil.Principal) error {
				_, err := sc.svc.SetDisabled(ctx, p, target.Email, false)
				return err
			}, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				sess, err := sc.svc.SignIn(ctx, target.Email, currentPassword(t, sc, target), "192.0.2.1")
				wasDisabled := vigil.ErrorCode(err) == vigil.EFORBIDDEN
				if err != nil && !wasDisabled {
					t.Fatal(err)
				}
				before := auditCount(t, s, tt.action)
				err = tt.do(tt.p)
				if vigil.ErrorCode(err) != tt.wantCode && !(tt.wantCode == "" && err == nil) {
					t.Fatalf("%v, want code %q", err, tt.wantCode)
				}
				_, signedIn, _ := sc.svc.Identify(ctx, "", sess.ID)
				if tt.wantCode != "" {
					if n := auditCount(t, s, tt.action); n != before {
						t.Errorf("refused, yet a %s entry was written", tt.action)
					}
					if !signedIn && !wasDisabled {
						t.Error("a refused change ended the session")
					}
					return
				}
				if e := lastAudit(t, s, tt.action); e.Actor != tt.p.Email || e.Target != target.Email {
					t.Errorf("%s entry %+v", tt.action, e)
				}
				if signedIn {
					t.Error("the user's session outlived the change")
				}
				if _, err := sc.svc.SignIn(ctx, target.Email, currentPassword(t, sc, target), "192.0.2.1"); wasDisabled && err != nil {
					t.Errorf("enabled again, yet sign-in says %v", err)
				}
			})
		}
	})
}

// currentPassword is the target's password as the table has left it.
func currentPassword(t *testing.T, sc *sector, u vigil.User) string {
	t.Helper()
	if _, err := sc.s.Authenticate(context.Background(), u.Email, password); err == nil {
		return password
	}
	return "a brand new passphrase for ann"
}

// Only a sector admin lists accounts; the filters and pages keep to what they say.
func TestListUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sc := newSector(t, s)
		ctx := context.Background()
		admin := as(sc.users[vigil.RoleSectorAdmin])
		emails := func(us []vigil.User) []string {
			var out []string
			for _, u := range us {
				out = append(out, u.Email)
			}
			return out
		}
		tests := []struct {
			name     string
			p        vigil.Principal
			f        vigil.UserFilter
			want     []string
			wantCode string
		}{
			{"everyone, in email order", admin, vigil.UserFilter{}, []string{"admin@centre.example", "admin@rxa.example", "admin@rxb.example", "analyst@centre.example"}, ""},
			{"one organisation", admin, vigil.UserFilter{Org: "rxb"}, []string{"admin@rxb.example"}, ""},
			{"one role", admin, vigil.UserFilter{Role: vigil.RoleSectorAnalyst}, []string{"analyst@centre.example"}, ""},
			{"part of an address", admin, vigil.UserFilter{Email: "CENTRE"}, []string{"admin@centre.example", "analyst@centre.example"}, ""},
			{"an unknown role", admin, vigil.UserFilter{Role: "boss"}, nil, vigil.EINVALID},
			{"an analyst may not", as(sc.users[vigil.RoleSectorAnalyst]), vigil.UserFilter{}, nil, vigil.EFORBIDDEN},
			{"an org admin may not", as(sc.users[vigil.RoleOrgAdmin]), vigil.UserFilter{Org: "RXA"}, nil, vigil.EFORBIDDEN},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				us, _, err := sc.svc.ListUsers(ctx, tt.p, tt.f)
				if vigil.ErrorCode(err) != tt.wantCode {
					t.Fatalf("ListUsers: %v, want code %q", err, tt.wantCode)
				}
				if !cmp.Equal(emails(us), tt.want) {
					t.Errorf("got %v, want %v", emails(us), tt.want)
				}
			})
		}
		t.Run("pages", func(t *testing.T) {
			var all []vigil.User
			f := vigil.UserFilter{Limit: 3}
			for range 5 {
				us, next, err := sc.svc.ListUsers(ctx, admin, f)
				if err != nil {
					t.Fatal(err)
				}
				all = append(all, us...)
				if f.Cursor = next; next == "" {
					break
				}
			}
			if len(all) != 4 {
				t.Errorf("paged through %v, want the 4 users once", emails(all))
			}
		})
	})
}

// NewPassword is long, random and accepted as a password.
func TestNewPassword(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sc := newSector(t, s)
		a, b := accounts.NewPassword(), accounts.NewPassword()
		if a == b || len(a) != 24 {
			t.Fatalf("NewPassword gave %q and %q, want two different 24-character passwords", a, b)
		}
		u := sc.users[vigil.RoleOrgAdmin]
		if _, err := sc.svc.ResetPassword(context.Background(), vigil.CommandLine, u.Email, a); err != nil {
			t.Fatalf("ResetPassword(%q): %v", a, err)
		}
		if _, err := sc.svc.SignIn(context.Background(), u.Email, a, "192.0.2.1"); err != nil {
			t.Errorf("sign in with the new password: %v", err)
		}
	})
}

// TestAPITokenManagesOnlyItself: a leaked personal token must not switch off the
// organisation's sensors nor its user's other tokens; only a signed-in session manages
// tokens. The token may still revoke itself, audited with the token it was done with.
func TestAPITokenManagesOnlyItself(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sc := newSector(t, s)
		ctx := context.Background()
		orgAdmin := sc.users[vigil.RoleOrgAdmin]
		zeek, other := sensorAndOwnToken(t, sc)
		_, script, err := sc.svc.CreateToken(ctx, as(orgAdmin), accounts.TokenRequest{Name: "script"})
		if err != nil {
			t.Fatal(err)
		}
		viaToken := as(orgAdmin)
		viaToken.TokenID = script.ID

		for _, id := range []int64{zeek.ID, other.ID} {
			if err := sc.svc.RevokeToken(ctx, viaToken, id); vigil.ErrorCode(err) != vigil.EFORBIDDEN || !strings.Contains(vigil.ErrorMessage(err), "sign in") {
				t.Errorf("an API token revoking token %d: %v, want forbidden saying to sign in", id, err)
			}
		}
		if n := auditCount(t, s, "token.revoke"); n != 0 {
			t.Errorf("%d token.revoke entries after refused revocations, want none", n)
		}
		ts, err := sc.svc.ListTokens(ctx, viaToken, "", true)
		if err != nil || len(ts) != 1 || ts[0].ID != script.ID {
			t.Errorf("an API token's list: %+v, %v; want only itself", ts, err)
		}
		if _, err := sc.svc.ListTokens(ctx, viaToken, "RXA", false); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("an API token listing its organisation's tokens: %v, want forbidden", err)
		}

		if err := sc.svc.RevokeToken(ctx, viaToken, script.ID); err != nil {
			t.Fatalf("an API token revoking itself: %v", err)
		}
		e := lastAudit(t, s, "token.revoke")
		if d := storetest.AuditDetail(t, e); e.Actor != orgAdmin.Email || d["via_token"] != float64(script.ID) || d["via_token_hint"] != script.Hint {
			t.Errorf("token.revoke entry %+v (detail %v), want it to name the API token %d (%s) it was made with", e, d, script.ID, script.Hint)
		}
		if err := sc.svc.RevokeToken(ctx, as(orgAdmin), zeek.ID); err != nil {
			t.Fatalf("the signed-in org admin revokes the sensor's token: %v", err)
		}
		if d := storetest.AuditDetail(t, lastAudit(t, s, "token.revoke")); d["via_token"] != nil {
			t.Errorf("a signed-in revocation's detail %v names a token", d)
		}
	})
}

// sensorAndOwnToken makes, for the sector, a sensor token of RXA's made by the sector
// admin ("Zeek, main site") and a personal token of RXA's org admin ("SIEM").
func sensorAndOwnToken(t *testing.T, sc *sector) (zeek, own vigil.Token) {
	t.Helper()
	ctx := context.Background()
	_, zeek, err := sc.svc.CreateToken(ctx, as(sc.users[vigil.RoleSectorAdmin]), accounts.TokenRequest{Name: "Zeek, main site", Sensor: true, Org: "RXA"})
	if err != nil {
		t.Fatal(err)
	}
	_, own, err = sc.svc.CreateToken(ctx, as(sc.users[vigil.RoleOrgAdmin]), accounts.TokenRequest{Name: "SIEM"})
	if err != nil {
		t.Fatal(err)
	}
	return zeek, own
}
