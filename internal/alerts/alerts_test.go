package alerts_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// The test sector: two trusts, a third customer, and a supplier serving RXA and RXC.
const (
	ownOrg      = "RXA"   // the organisation of orgAdmin and orgMember, a customer of supOrg
	otherOrg    = "RXB"   // an organisation nobody but otherAdmin and the centre sees
	customerOrg = "RXC"   // supOrg's other customer
	supOrg      = "SUP01" // the supplier
)

// The callers, one per role (and one for the other organisation).
var (
	sectorAdmin   = vigil.Principal{Email: "admin@centre.example", Role: vigil.RoleSectorAdmin}
	sectorAnalyst = vigil.Principal{Email: "analyst@centre.example", Role: vigil.RoleSectorAnalyst}
	orgAdmin      = vigil.Principal{Email: "admin@rxa.example", Role: vigil.RoleOrgAdmin, Org: ownOrg}
	orgMember     = vigil.Principal{Email: "member@rxa.example", Role: vigil.RoleOrgMember, Org: ownOrg}
	namedMember   = vigil.Principal{Email: "dpo@rxa.example", Role: vigil.RoleOrgMember, Org: ownOrg} // one of RXA's contacts
	otherAdmin    = vigil.Principal{Email: "admin@rxb.example", Role: vigil.RoleOrgAdmin, Org: otherOrg}
	supplier      = vigil.Principal{Email: "staff@supplier.example", Role: vigil.RoleSupplier, Org: supOrg}
	sensor        = vigil.Principal{Email: "RXA zeek", Role: vigil.RoleSensor, Org: ownOrg, TokenID: 1}
)

type fixture struct {
	t   *testing.T
	s   *store.Store
	svc *alerts.Service
	seq int
}

// newFixture seeds s with the test sector and builds the service over it.
func newFixture(t *testing.T, s *store.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	for _, o := range []vigil.Org{
		{ODSCode: ownOrg, Name: "Own Trust", Kind: vigil.OrgTrust, Region: "North West",
			Contacts: []vigil.Contact{{Name: "Data protection officer", Email: "DPO@rxa.example"}, {Name: "Switchboard", Phone: "0100"}}},
		{ODSCode: otherOrg, Name: "Other Trust", Kind: vigil.OrgTrust, Region: "North West"},
		{ODSCode: customerOrg, Name: "Care Home", Kind: vigil.OrgCareProvider, Region: "North West"},
		{ODSCode: supOrg, Name: "Supplier", Kind: vigil.OrgSupplier, Region: "North West"},
	} {
		if _, _, err := s.CreateOrg(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []string{ownOrg, customerOrg} {
		if err := s.LinkSupplier(ctx, supOrg, c); err != nil {
			t.Fatal(err)
		}
	}
	return &fixture{t: t, s: s, svc: alerts.New(alerts.Deps{Store: s})}
}

// raise stores a fresh open alert for org and returns its id.
func (f *fixture) raise(org string, tlp vigil.TLP) int64 {
	f.t.Helper()
	f.seq++
	id, _, err := f.s.RaiseAlert(context.Background(), vigil.Alert{Org: org, Kind: vigil.AlertEarlyWarning,
		Severity: vigil.SeverityHigh, Title: "Your address is on a botnet list", Observable: "192.0.2.10", TLP: tlp,
		DedupKey: fmt.Sprintf("test|%d", f.seq)})
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

// get reads alert id as the centre sees it.
func (f *fixture) get(id int64) vigil.Alert {
	f.t.Helper()
	al, err := f.svc.Get(context.Background(), sectorAdmin, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return al
}

// audits returns the audit entries with action about alert id.
func (f *fixture) audits(action string, id int64) []vigil.AuditEntry {
	f.t.Helper()
	es, _, err := f.s.ListAudit(context.Background(), vigil.AuditFilter{Action: action, Target: fmt.Sprintf("alert/%d", id)})
	if err != nil {
		f.t.Fatal(err)
	}
	return es
}

// checkErr fails the test unless err has the code want ("" for no error), and, when
// msg is not empty, that message.
func checkErr(t *testing.T, err error, want, msg string) {
	t.Helper()
	if got := vigil.ErrorCode(err); got != want {
		t.Fatalf("error %v; want code %q", err, want)
	}
	if msg != "" && vigil.ErrorMessage(err) != msg {
		t.Fatalf("error message %q; want %q", vigil.ErrorMessage(err), msg)
	}
}

// eachWithSQL is storetest.Each with a second, raw connection to the same database, for
// tests that break the schema behind the store's back.
func eachWithSQL(t *testing.T, fn func(t *testing.T, s *store.Store, db *sql.DB)) {
	t.Run(store.EngineSQLite, func(t *testing.T) {
		dir := t.TempDir()
		fn(t, open(t, store.Config{DataDir: dir}), openSQL(t, "sqlite", "file:"+filepath.Join(dir, "vigil.db")+"?_busy_timeout=5000"))
	})
	t.Run(store.EnginePostgres, func(t *testing.T) {
		dsn := storetest.PostgresDSN(t)
		fn(t, open(t, store.Config{DSN: dsn}), openSQL(t, "pgx", dsn))
	})
}

func open(t *testing.T, c store.Config) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func openSQL(t *testing.T, driver, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
