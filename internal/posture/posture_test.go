package posture

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

var (
	admin    = vigil.Principal{Email: "admin@centre.example", Role: vigil.RoleSectorAdmin}
	analyst  = vigil.Principal{Email: "analyst@centre.example", Role: vigil.RoleSectorAnalyst}
	manager  = vigil.Principal{Email: "manager@rose.example", Role: vigil.RoleOrgAdmin, Org: "VN001"}
	carer    = vigil.Principal{Email: "carer@rose.example", Role: vigil.RoleOrgMember, Org: "VN001"}
	other    = vigil.Principal{Email: "manager@oak.example", Role: vigil.RoleOrgAdmin, Org: "VN002"}
	supplier = vigil.Principal{Email: "help@careplan.example", Role: vigil.RoleSupplier, Org: "YSP01"}
	sensor   = vigil.Principal{Email: "sensor", Role: vigil.RoleSensor, Org: "VN001"}
)

// setup is two care homes (Rose with a contact, Oak without) and a supplier, and the
// Service over them on a fixed clock.
func setup(t *testing.T, s *store.Store) *Service {
	t.Helper()
	for _, o := range []vigil.Org{
		{ODSCode: "VN001", Name: "Rose Care", Kind: vigil.OrgCareProvider, Contacts: []vigil.Contact{{Name: "Ann", Email: "ann@rose.example"}}},
		{ODSCode: "VN002", Name: "Oak House", Kind: vigil.OrgCareProvider},
		{ODSCode: "YSP01", Name: "CarePlan", Kind: vigil.OrgSupplier},
	} {
		if _, _, err := s.CreateOrg(t.Context(), o); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.CreateUser(t.Context(), vigil.NewUser{Email: manager.Email, Name: "M", Role: vigil.RoleOrgAdmin, Org: "VN001"}); err != nil {
		t.Fatal(err)
	}
	return New(Deps{Store: s, Now: func() time.Time { return now }})
}

var now = time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)

// Who may read and answer an organisation's assessment.
func TestPostureAccess(t *testing.T) {
	s := storetest.Open(t)
	svc := setup(t, s)
	for _, tc := range []struct {
		who         vigil.Principal
		org         string
		read, write string // error code, "" for allowed
	}{
		{admin, "VN001", "", ""},
		{analyst, "VN001", "", vigil.EFORBIDDEN},
		{manager, "VN001", "", ""},
		{carer, "VN001", "", ""},
		{manager, "", "", ""},
		{other, "VN001", vigil.ENOTFOUND, vigil.ENOTFOUND},
		{supplier, "VN001", vigil.EFORBIDDEN, vigil.EFORBIDDEN},
		{sensor, "VN001", vigil.EFORBIDDEN, vigil.EFORBIDDEN},
		{admin, "VN999", vigil.ENOTFOUND, vigil.ENOTFOUND},
	} {
		_, err := svc.Assessment(t.Context(), tc.who, tc.org, "checklist")
		if vigil.ErrorCode(err) != tc.read {
			t.Errorf("%s reads %q: %v, want %q", tc.who.Role, tc.org, err, tc.read)
		}
		_, err = svc.SetAnswer(t.Context(), tc.who, Answer{Org: tc.org, Framework: "checklist", Item: "insurance", Grade: vigil.GradeDone})
		if vigil.ErrorCode(err) != tc.write {
			t.Errorf("%s answers for %q: %v, want %q", tc.who.Role, tc.org, err, tc.write)
		}
		_, err = svc.Plan(t.Context(), tc.who, tc.org)
		if vigil.ErrorCode(err) != tc.read {
			t.Errorf("%s reads the plan of %q: %v, want %q", tc.who.Role, tc.org, err, tc.read)
		}
	}
}

// Answering moves the score, records its history and the audit entry; vigil's facts
// answer their items (a contact exists; the plan's restore test date) and stay current.
func TestAnswersScoreAndFacts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		svc := setup(t, s)
		a, err := svc.Assessment(ctx, manager, "VN001", "checklist")
		if err != nil {
			t.Fatal(err)
		}
		if a.Result.Score.Percent != 13 || a.Result.Score.Status != vigil.StandardsNotMet {
			t.Errorf("start: %+v, want 13%% (the contact vigil knows) and not met", a.Result.Score)
		}
		if it, _ := itemOf(a.Result, "report-incidents"); !it.ByVigil || it.Grade != vigil.GradeDone {
			t.Errorf("report-incidents = %+v, want done by vigil", it)
		}
		if it, _ := itemOf(a.Result, "products-of-concern"); it.ByVigil || it.Known == nil || it.Known.State != vigil.KnownUnknown {
			t.Errorf("products-of-concern = %+v, want not known yet", it)
		}
		for _, item := range []string{"dspt", "tell-it", "continuity-plan", "insurance", "products-of-concern", "long-haul"} {
			if a, err = svc.SetAnswer(ctx, manager, Answer{Framework: "checklist", Item: item, Grade: vigil.GradeDone, Evidence: "seen"}); err != nil {
				t.Fatal(err)
			}
		}
		if a.Result.Score.Percent != 88 || a.Result.Score.Open != 1 {
			t.Errorf("after six answers: %+v, want 88%% with backups open", a.Result.Score)
		}
		v, err := svc.SavePlan(ctx, manager, PlanInput{Backups: "Cloud, by CarePlan", LastRestoreTest: "2026-11-20"})
		if err != nil || v.Plan.Backups != "Cloud, by CarePlan" {
			t.Fatalf("SavePlan = %+v, %v", v, err)
		}
		a, err = svc.Assessment(ctx, carer, "VN001", "checklist")
		if err != nil || a.Result.Score.Status != vigil.StandardsMet || a.Result.Score.Percent != 100 {
			t.Errorf("after the restore test: %+v, %v, want met", a.Result.Score, err)
		}
		if len(a.History) != 6+1 || a.History[0].Status != vigil.StandardsMet || a.History[1].Percent != 88 {
			t.Errorf("history has %d scores: %+v; want 7 (six answers, the plan), newest met", len(a.History), a.History)
		}
		if es := storetest.Audits(t, s, vigil.AuditFilter{Action: "posture.answer"}); len(es) != 6 || es[0].Actor != manager.Email {
			t.Errorf("audit = %+v", es)
		}
	})
}

// Bad answers and plans are refused naming the field, and change nothing.
func TestRefusesBadInput(t *testing.T) {
	s := storetest.Open(t)
	svc := setup(t, s)
	ctx := t.Context()
	for _, tc := range []struct {
		in          Answer
		code, field string
	}{
		{Answer{Framework: "nope", Item: "x"}, vigil.ENOTFOUND, ""},
		{Answer{Framework: "checklist", Item: "nope"}, vigil.ENOTFOUND, ""},
		{Answer{Framework: "checklist", Item: "dspt", Grade: "achieved"}, vigil.EINVALID, "grade"},
		{Answer{Framework: "checklist", Item: "dspt", Grade: vigil.GradeNotApplicable}, vigil.EINVALID, "grade"},
		{Answer{Framework: "dspt", Item: "3.1.2", Grade: vigil.GradeNotApplicable, ReviewDate: "31/12/2026"}, vigil.EINVALID, "review_date"},
		{Answer{Framework: "checklist", Item: "insurance", Grade: vigil.GradeInProgress, ReviewDate: "1999-01-01"}, vigil.EINVALID, "review_date"},
		{Answer{Framework: "checklist", Item: "insurance", Grade: vigil.GradeInProgress, ReviewDate: "2026-12-05"}, vigil.EINVALID, "review_date"},
		{Answer{Framework: "checklist", Item: "dspt", Grade: vigil.GradeDone, Owner: "a\x00b"}, vigil.EINVALID, "owner"},
	} {
		_, err := svc.SetAnswer(ctx, manager, tc.in)
		var fe *vigil.FieldError
		errors.As(err, &fe)
		if vigil.ErrorCode(err) != tc.code || (tc.field != "" && (fe == nil || fe.Field != tc.field)) {
			t.Errorf("SetAnswer(%+v) = %v, want %s on %q", tc.in, err, tc.code, tc.field)
		}
	}
	for _, tc := range []struct {
		in    PlanInput
		field string
	}{
		{PlanInput{LastRestoreTest: "2027-01-01"}, "last_restore_test"},
		{PlanInput{LastRestoreTest: "yesterday"}, "last_restore_test"},
		{PlanInput{Systems: []vigil.PlanSystem{{}, {Phone: "0300"}}}, "systems[1]"},
		{PlanInput{Contacts: make([]vigil.PlanContact, 11)}, ""},
	} {
		_, err := svc.SavePlan(ctx, manager, tc.in)
		var fe *vigil.FieldError
		errors.As(err, &fe)
		if tc.field == "" {
			if err != nil {
				t.Errorf("empty rows are dropped, but SavePlan = %v", err)
			}
			continue
		}
		if fe == nil || fe.Field != tc.field {
			t.Errorf("SavePlan(%+v) = %v, want a field error on %s", tc.in, err, tc.field)
		}
	}
}

// A passed review date writes one reminder to the outbox, to the organisation's named
// recipients, and none again for the same date.
func TestRemindersOncePerReviewDate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		setup(t, s)
		clock := now.AddDate(0, 0, -7) // the dates are set a week before, when they were ahead
		svc := New(Deps{Store: s, Now: func() time.Time { return clock }})
		if _, err := svc.SetAnswer(ctx, manager, Answer{Framework: "checklist", Item: "insurance", Grade: vigil.GradeInProgress,
			Owner: "Owner", ReviewDate: "2026-12-05"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SetAnswer(ctx, manager, Answer{Framework: "checklist", Item: "dspt", Grade: vigil.GradeInProgress,
			Owner: "Owner", ReviewDate: "2026-12-06"}); err != nil {
			t.Fatal(err)
		}
		clock = now
		// Saved again, overdue, with its date unchanged: allowed while the review is arranged.
		if _, err := svc.SetAnswer(ctx, manager, Answer{Framework: "checklist", Item: "insurance", Grade: vigil.GradeInProgress,
			Owner: "Owner", Evidence: "Broker called back", ReviewDate: "2026-12-05"}); err != nil {
			t.Fatalf("re-saving an overdue answer with its date: %v", err)
		}
		for pass, want := range []int{1, 0} {
			n, err := svc.RemindDue(ctx)
			if err != nil || n != want {
				t.Fatalf("pass %d: RemindDue = %d, %v; want %d", pass, n, err, want)
			}
		}
		out, _, err := s.ListOutbox(ctx, vigil.OutboxFilter{Org: "VN001", Kind: vigil.OutboxReminder})
		if err != nil || len(out) != 1 {
			t.Fatalf("outbox = %+v, %v", out, err)
		}
		if e := out[0]; !slices.Equal(e.Recipients, []string{"ann@rose.example", manager.Email}) || e.Subject != "Review due: Elevated-threat checklist item insurance for Rose Care" {
			t.Errorf("reminder = %+v", e)
		}
	})
}

// An evidence file is kept as sent, its kind found by content, shown with its item and
// downloaded by those who may read the posture; anything else is refused on "file".
func TestEvidenceFiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		svc := setup(t, s)
		pdf := []byte("%PDF-1.7\nthe insurance policy")
		ef, err := svc.AttachEvidence(ctx, manager, "", "checklist", "insurance", `C:\scans\policy.pdf`, pdf)
		if err != nil || ef.Name != "policy.pdf" || ef.ContentType != "application/pdf" || ef.Size != int64(len(pdf)) || len(ef.SHA256) != 64 {
			t.Fatalf("AttachEvidence = %+v, %v", ef, err)
		}
		a, err := svc.Assessment(ctx, carer, "VN001", "checklist")
		if it, _ := itemOf(a.Result, "insurance"); err != nil || it.Answer.File == nil || it.Answer.File.SHA256 != ef.SHA256 || it.Grade != vigil.GradeNone {
			t.Errorf("the item after the upload: %+v, %v", it, err)
		}
		got, data, err := svc.Evidence(ctx, analyst, "VN001", "checklist", "insurance")
		if err != nil || string(data) != string(pdf) || got.Name != "policy.pdf" {
			t.Errorf("Evidence = %+v, %q, %v", got, data, err)
		}
		if _, _, err := svc.Evidence(ctx, other, "VN001", "checklist", "insurance"); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("another organisation downloads it: %v", err)
		}
		var fe *vigil.FieldError
		if _, err := svc.AttachEvidence(ctx, manager, "", "checklist", "insurance", "run.exe", []byte("MZ\x90\x00")); !errors.As(err, &fe) || fe.Field != "file" {
			t.Errorf("an executable: %v", err)
		}
		if es := storetest.Audits(t, s, vigil.AuditFilter{Action: "posture.evidence"}); len(es) != 1 {
			t.Errorf("audit: %d entries", len(es))
		}
	})
}

// vigil fills in "inventory uploaded in the last 90 days" from the inventories it
// holds: none, a current one, one too old.
func TestInventoryFact(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		svc := setup(t, s)
		fact := func() vigil.Known {
			t.Helper()
			a, err := svc.Assessment(ctx, manager, "VN001", "dspt")
			if err != nil {
				t.Fatal(err)
			}
			it, ok := itemOf(a.Result, "8.1.1")
			if !ok || it.Known == nil {
				t.Fatalf("item 8.1.1 = %+v", it)
			}
			return *it.Known
		}
		if k := fact(); k.State != vigil.KnownNo || !strings.Contains(k.Detail, "no software inventory") {
			t.Errorf("with none: %+v", k)
		}
		put := func(source string, at time.Time) {
			t.Helper()
			inv := vigil.Inventory{Org: "VN001", Source: source, Format: "csv", UploadedAt: at, UploadedBy: manager.Email}
			if err := s.PutInventory(ctx, inv, []vigil.Component{{Name: "Windows", Vendor: "Microsoft"}}, []string{""}, false); err != nil {
				t.Fatal(err)
			}
		}
		put("old", now.AddDate(0, 0, -100))
		if k := fact(); k.State != vigil.KnownNo || !strings.Contains(k.Detail, "more than 90 days ago") {
			t.Errorf("with one 100 days old: %+v", k)
		}
		put("office", now.AddDate(0, 0, -10))
		if k := fact(); k.State != vigil.KnownYes || !strings.Contains(k.Detail, "26 November 2026") {
			t.Errorf("with one 10 days old: %+v", k)
		}
	})
}
