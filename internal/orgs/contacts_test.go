package orgs_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/orgs"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestEditContact runs a sequence of edits to RXA's contacts (it starts with Ada) and
// checks who may make them, what a refused edit says, and the list each leaves.
func TestEditContact(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc, _ := sector(t, s)
		ctx := context.Background()
		ada := vigil.Contact{Name: "Ada", Email: "ada@rxa.example"}
		bea := vigil.Contact{Name: "Bea Jones", Role: "IT lead", Email: "bea@rxa.example", Phone: "0100 000 000", Notify: vigil.NotifyDigest}
		steps := []struct {
			name     string
			p        vigil.Principal
			ods      string
			edit     orgs.ContactEdit
			wantCode string
			field    string // the ContactError's field, for an invalid contact
			want     []vigil.Contact
		}{
			{"member may not", orgMember, "RXA", orgs.ContactEdit{Contact: &bea}, vigil.EFORBIDDEN, "", nil},
			{"supplier may not", supplier, "RXA", orgs.ContactEdit{Contact: &bea}, vigil.EFORBIDDEN, "", nil},
			{"another organisation's admin", orgAdmin, "RXB", orgs.ContactEdit{Contact: &bea}, vigil.ENOTFOUND, "", nil},
			{"a contact without a name", orgAdmin, "RXA", orgs.ContactEdit{Contact: &vigil.Contact{Name: " ", Email: "x@rxa.example"}}, vigil.EINVALID, "name", nil},
			{"a contact with a bad email", orgAdmin, "RXA", orgs.ContactEdit{Contact: &vigil.Contact{Name: "X", Email: "not an address"}}, vigil.EINVALID, "email", nil},
			{"a contact with a choice there is not", orgAdmin, "RXA", orgs.ContactEdit{Contact: &vigil.Contact{Name: "X", Notify: "weekly"}}, vigil.EINVALID, "notify", nil},
			{"admin adds", orgAdmin, "RXA", orgs.ContactEdit{Contact: &vigil.Contact{Name: " Bea Jones ", Role: "IT lead", Email: "Bea@RXA.example", Phone: "0100 000 000", Notify: " Digest "}}, "", "",
				[]vigil.Contact{ada, bea}},
			{"a change to someone who moved", orgAdmin, "RXA", orgs.ContactEdit{At: 1, Was: bea, Contact: &bea}, vigil.ECONFLICT, "", nil},
			{"a change past the end", orgAdmin, "RXA", orgs.ContactEdit{At: 3, Was: bea, Contact: &bea}, vigil.ECONFLICT, "", nil},
			{"analyst changes", analyst, "RXA", orgs.ContactEdit{At: 1, Was: ada, Contact: &vigil.Contact{Name: "Ada Lovelace", Email: "ada@rxa.example"}}, "", "",
				[]vigil.Contact{{Name: "Ada Lovelace", Email: "ada@rxa.example"}, bea}},
			{"admin removes", orgAdmin, "RXA", orgs.ContactEdit{At: 2, Was: bea}, "", "", []vigil.Contact{{Name: "Ada Lovelace", Email: "ada@rxa.example"}}},
		}
		for _, tt := range steps {
			t.Run(tt.name, func(t *testing.T) {
				before := len(storetest.Audits(t, s, vigil.AuditFilter{Action: "org.update"}))
				o, err := svc.EditContact(ctx, tt.p, tt.ods, tt.edit)
				if vigil.ErrorCode(err) != tt.wantCode && !(tt.wantCode == "" && err == nil) {
					t.Fatalf("EditContact: %v, want code %q", err, tt.wantCode)
				}
				var ce *orgs.ContactError
				if tt.field != "" && (!errors.As(err, &ce) || ce.Field != tt.field) {
					t.Errorf("EditContact: %v, want a ContactError about the %s", err, tt.field)
				}
				after := storetest.Audits(t, s, vigil.AuditFilter{Action: "org.update"})
				if tt.wantCode != "" {
					if len(after) != before {
						t.Error("refused, yet audited")
					}
					return
				}
				if len(after) != before+1 || after[0].Actor != tt.p.Email || after[0].Target != "RXA" {
					t.Errorf("audit entries %+v, want one org.update of RXA by %s", after, tt.p.Email)
				}
				if diff := cmp.Diff(tt.want, o.Contacts); diff != "" {
					t.Errorf("contacts (-want +got):\n%s", diff)
				}
			})
		}
	})
}
