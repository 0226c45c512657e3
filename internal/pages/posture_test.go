package pages_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A refused answer, plan or help request comes back as its form with a 422, the
// problem said at the field, and everything typed still there; a sector analyst cannot
// answer, and an LSO member is not offered "Ask for help".
func TestPostureFormsKeepWhatWasTyped(t *testing.T) {
	s := demoSite(t)
	manager := s.signIn(careManager)
	for _, tc := range []struct {
		name, path string
		form       url.Values
		want       []string
	}{
		{"a date written the British way", "/posture/item?framework=checklist&id=insurance",
			url.Values{"grade": {"in_progress"}, "owner": {"Linda Marsh"}, "evidence": {"Quote from the broker"}, "review_date": {"31/01/2027"}},
			[]string{"write it as YYYY-MM-DD", `value="Linda Marsh"`, "Quote from the broker", `value="31/01/2027"`}},
		{"not applicable on a target item", "/posture/item?framework=checklist&id=dspt",
			url.Values{"grade": {"not_applicable"}, "owner": {"Linda"}},
			[]string{"cannot be not applicable", `value="Linda"`}},
		{"a restore test in the future", "/posture/plan",
			url.Values{"rota": {"Printed rota on the office wall"}, "last_restore_test": {"2099-01-01"}, "systems-0-name": {"Care records"}},
			[]string{"is in the future", "Printed rota on the office wall", `value="Care records"`}},
		{"a system row without its name", "/posture/plan",
			url.Values{"systems-1-phone": {"0300 555 0100"}},
			[]string{"Systems row 2 needs a name", `href="#systems-1-name"`, `value="0300 555 0100"`}},
		{"a help request without a message", "/support",
			url.Values{"subject": {"Backups"}, "body": {""}},
			[]string{"The message is required", `value="Backups"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := manager.post(tc.path, tc.form)
			if r.status != http.StatusUnprocessableEntity || !r.has(tc.want...) {
				t.Errorf("%d; want 422 with %q in:\n%s", r.status, tc.want, r.body)
			}
		})
	}
	if r := s.signIn(analyst).post("/posture/item?framework=checklist&id=dspt&org=1-101000007", url.Values{"grade": {"done"}}); r.status != http.StatusForbidden {
		t.Errorf("an analyst answers for a care home: %d", r.status)
	}
	if r := s.signIn("help@nw-care-digital.example").get("/support"); r.status != http.StatusOK || strings.Contains(r.body, `href="/support/new"`) {
		t.Errorf("the LSO's help page: %d, offers asking: %v", r.status, strings.Contains(r.body, `href="/support/new"`))
	}
}
