package auditlog_test

import (
	"context"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/auditlog"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

func TestAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for _, action := range []string{"org.create", "user.login", "org.update"} {
			if _, err := s.Audit(ctx, "admin@centre.example", action, "RXA", nil); err != nil {
				t.Fatal(err)
			}
		}
		svc := auditlog.New(auditlog.Deps{Store: s})
		tests := []struct {
			name     string
			p        vigil.Principal
			wantCode string
		}{
			{"sector admin", vigil.Principal{UserID: 1, Email: "admin@centre.example", Role: vigil.RoleSectorAdmin}, ""},
			{"command line", vigil.CommandLine, ""},
			{"sector analyst", vigil.Principal{UserID: 2, Email: "analyst@centre.example", Role: vigil.RoleSectorAnalyst}, vigil.EFORBIDDEN},
			{"own org admin", vigil.Principal{UserID: 3, Email: "admin@rxa.example", Role: vigil.RoleOrgAdmin, Org: "RXA"}, vigil.EFORBIDDEN},
			{"sensor", vigil.Principal{Email: "RXA zeek", Role: vigil.RoleSensor, Org: "RXA", TokenID: 4}, vigil.EFORBIDDEN},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				es, _, err := svc.List(ctx, tt.p, vigil.AuditFilter{Target: "RXA"})
				if vigil.ErrorCode(err) != tt.wantCode {
					t.Fatalf("List: %v, want code %q", err, tt.wantCode)
				}
				if err == nil && (len(es) != 3 || es[0].Action != "org.update") {
					t.Errorf("List = %+v, want the three rows newest first", es)
				}
				v, err := svc.Verify(ctx, tt.p)
				if vigil.ErrorCode(err) != tt.wantCode {
					t.Fatalf("Verify: %v, want code %q", err, tt.wantCode)
				}
				if err == nil && (!v.OK || v.Rows != 3 || v.HeadSeq != 3 || v.HeadHash == "" || v.FirstBad != 0) {
					t.Errorf("Verify = %+v, want an intact chain of 3", v)
				}
			})
		}
	})
}
