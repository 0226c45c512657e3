// Package demo seeds a believable health and care sector for `vigil serve --demo`: a
// security centre, NHS trusts, GP practices, care providers and their suppliers, one
// login per role, and bundled sample intel, threat events and telemetry (embedded, so a
// fresh clone needs nothing else) that raise real alerts. Every address is in a
// documentation range and every name ends in .example.
package demo

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/app"
	"github.com/vigil-health/vigil/internal/earlywarning"
	"github.com/vigil-health/vigil/internal/intel"
	"github.com/vigil-health/vigil/internal/sightings"
	"github.com/vigil-health/vigil/internal/store"
)

// Options control Seed.
type Options struct {
	// Password is every demo user's password (at least 12 characters).
	Password string
	// ResetPasswords sets Password on the demo users of a store seeded earlier, so that
	// an explicit --demo-password works on a restart too.
	ResetPasswords bool
	// Now is the clock the sample data's times are relative to; nil means time.Now.
	Now func() time.Time
	// Logger receives progress; nil discards it.
	Logger *slog.Logger
	// AdvisoryDir is the server's advisory directory: the demo's Log4Shell record is
	// written there and pulled as an advisory source; empty leaves advisories out.
	AdvisoryDir string
}

// Login is one demo account.
type Login struct {
	// Role is the account's role.
	Role vigil.Role
	// Email is the sign-in address.
	Email string
	// Name is the made-up person behind the account.
	Name string
	// Org is the ODS code of the account's organisation; empty for sector roles.
	Org string
	// Sees says, in a few words, what this person sees in vigil.
	Sees string
}

// Logins returns the demo accounts, one per role (two organisation admins: a trust's and
// a care home's).
func Logins() []Login {
	return []Login{
		{vigil.RoleSectorAdmin, "admin@hccc.example", "Sam Okafor", "", "everything, plus accounts and the audit log"},
		{vigil.RoleSectorAnalyst, "analyst@hccc.example", "Priya Shah", "", "every organisation's alerts, intel and events"},
		{vigil.RoleOrgAdmin, "it.lead@northbrook-hospitals.example", "Gareth Jones", TrustODS, "a trust's alerts, assets and tokens"},
		{vigil.RoleOrgMember, "ward.manager@northbrook-hospitals.example", "Aisha Begum", TrustODS, "a trust's alerts, to acknowledge and resolve"},
		{vigil.RoleOrgAdmin, "manager@oakleigh-house-care-home.example", "Linda Marsh", CareHomeODS, "one care home's alerts (no IT staff there)"},
		{vigil.RoleSupplier, "security@careplancloud.example", "Tom Reid", SupplierODS, "alerts of the 25 care homes it serves"},
		{vigil.RoleOrgMember, "help@nw-care-digital.example", "Jo Patel", LSOODS, "a Local Support Organisation's help requests from the North West's care homes"},
	}
}

// Result is what Seed did.
type Result struct {
	// Seeded is false when the store already had organisations and was left alone.
	Seeded bool
	// HasDemoUsers says the demo logins exist (always after seeding).
	HasDemoUsers bool
	// Orgs counts the organisations created, by kind.
	Orgs map[vigil.OrgKind]int
	// SensorToken pushes telemetry for TrustODS; only set when seeded (tokens are
	// stored hashed and cannot be shown again).
	SensorToken string
	// Intel, Events and Telemetry report the sample data's import.
	Intel     []*intel.Report
	Events    earlywarning.EventsResult
	Telemetry []sightings.TelemetryResult
}

// RandomPassword returns 16 random base32 characters (80 bits).
func RandomPassword() string { return rand.Text()[:16] }

// Seed fills an empty store with the demo sector and replays the sample data through a's flows,
// so that Early Warning, sighting and retro-hunt alerts exist. A store that already has
// organisations is not touched (beyond ResetPasswords).
func Seed(ctx context.Context, s *store.Store, a *app.App, o Options) (Result, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	orgs, _, err := s.ListOrgs(ctx, vigil.OrgFilter{Limit: 1})
	if err != nil {
		return Result{}, fmt.Errorf("demo: %w", err)
	}
	if len(orgs) > 0 {
		return existing(ctx, s, o)
	}
	res := Result{Seeded: true, HasDemoUsers: true}
	if res.Orgs, res.SensorToken, err = seedSector(ctx, s, o.Password); err != nil {
		return res, err
	}
	if err := a.EarlyWarning.Reroute(ctx); err != nil {
		return res, fmt.Errorf("demo: %w", err)
	}
	if err := replay(ctx, a, o, &res); err != nil {
		return res, err
	}
	if err := seedPosture(ctx, a); err != nil {
		return res, err
	}
	if err := seedInventories(ctx, a); err != nil {
		return res, err
	}
	return res, seedAdvisories(ctx, a, o.AdvisoryDir)
}

// existing handles a store seeded before: it checks the demo users are there and sets
// their password when asked.
func existing(ctx context.Context, s *store.Store, o Options) (Result, error) {
	res := Result{HasDemoUsers: true}
	for _, l := range Logins() {
		u, err := s.GetUserByEmail(ctx, l.Email)
		if vigil.ErrorCode(err) == vigil.ENOTFOUND {
			res.HasDemoUsers = false
			continue
		}
		if err != nil {
			return res, fmt.Errorf("demo: %w", err)
		}
		if o.ResetPasswords {
			if err := s.SetPassword(ctx, u, o.Password); err != nil {
				return res, fmt.Errorf("demo: set password of %s: %w", u.Email, err)
			}
		}
	}
	return res, nil
}

// seedSector creates the organisations, supplier links, users and the sensor token in
// one transaction, so that a crash leaves either everything or an empty store to seed
// again.
func seedSector(ctx context.Context, s *store.Store, password string) (map[vigil.OrgKind]int, string, error) {
	counts := map[vigil.OrgKind]int{}
	var token string
	err := s.Tx(ctx, func(tx *store.Store) error {
		for _, org := range sector() {
			if _, _, err := tx.CreateOrg(ctx, org); err != nil {
				return fmt.Errorf("demo: organisation %s: %w", org.ODSCode, err)
			}
			counts[org.Kind]++
		}
		for sup, customers := range supplierLinks() {
			for _, cus := range customers {
				if err := tx.LinkSupplier(ctx, sup, cus); err != nil {
					return fmt.Errorf("demo: link %s to %s: %w", sup, cus, err)
				}
			}
		}
		if err := seedLSO(ctx, tx); err != nil {
			return err
		}
		counts[vigil.OrgLSO]++
		for _, l := range Logins() {
			u := vigil.NewUser{Email: l.Email, Name: l.Name, Role: l.Role, Org: l.Org, Password: password}
			if _, err := tx.CreateUser(ctx, u); err != nil {
				return fmt.Errorf("demo: user %s: %w", l.Email, err)
			}
		}
		raw, _, err := tx.CreateToken(ctx, vigil.NewToken{Name: "demo Zeek sensor, main site", SensorOrg: TrustODS})
		token = raw
		if err != nil {
			return fmt.Errorf("demo: sensor token: %w", err)
		}
		_, err = tx.Audit(ctx, "system", "demo.seed", CentreODS, map[string]any{"orgs": len(sector()) + 1})
		return err
	})
	return counts, token, err
}
