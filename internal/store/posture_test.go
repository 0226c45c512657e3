package store_test

import (
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// A review date is reminded once per passing: a reminder marks it, and only a new
// review date makes it due again.
func TestPostureReviewsDueOncePerDate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		mustCreate(t, s, vigil.Org{ODSCode: "VN001", Name: "Rose Care", Kind: vigil.OrgCareProvider})
		day := func(d int) time.Time { return time.Date(2026, 12, d, 0, 0, 0, 0, time.UTC) }
		a := vigil.PostureAnswer{Org: "VN001", Framework: "checklist", Item: "backups", Grade: vigil.GradeInProgress,
			Owner: "Manager", ReviewDate: day(1), UpdatedBy: "m@rose.example"}
		if err := s.SetPostureAnswer(ctx, a); err != nil {
			t.Fatal(err)
		}
		due := func(today time.Time) []vigil.PostureAnswer {
			t.Helper()
			got, err := s.ReviewsDue(ctx, today, 10)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		if got := due(day(1)); len(got) != 0 {
			t.Errorf("due on the review date itself: %+v", got)
		}
		got := due(day(2))
		if len(got) != 1 || !got[0].ReviewDate.Equal(day(1)) || got[0].Owner != "Manager" {
			t.Fatalf("due the day after = %+v", got)
		}
		if ok, err := s.MarkReminded(ctx, got[0]); !ok || err != nil {
			t.Fatalf("MarkReminded = %v, %v", ok, err)
		}
		if ok, _ := s.MarkReminded(ctx, got[0]); ok {
			t.Error("a second MarkReminded acted again")
		}
		if got := due(day(3)); len(got) != 0 {
			t.Errorf("due again after the reminder: %+v", got)
		}
		a.Evidence = "changed, same date"
		if err := s.SetPostureAnswer(ctx, a); err != nil {
			t.Fatal(err)
		}
		if got := due(day(3)); len(got) != 0 {
			t.Errorf("an edit keeping the date made it due again: %+v", got)
		}
		a.ReviewDate = day(2)
		if err := s.SetPostureAnswer(ctx, a); err != nil {
			t.Fatal(err)
		}
		if got := due(day(3)); len(got) != 1 {
			t.Errorf("a new review date is not due: %+v", got)
		}
	})
}

// Support requests go to the provider's LSO; the LSO's first reply records the
// response time once.
func TestSupportRequestLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		mustCreate(t, s, vigil.Org{ODSCode: "VN001", Name: "Rose Care", Kind: vigil.OrgCareProvider})
		mustCreate(t, s, vigil.Org{ODSCode: "LSO01", Name: "Care Digital Support", Kind: vigil.OrgLSO})
		if err := s.SetLSO(ctx, "VN001", "VN001"); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("a provider as its own LSO: %v", err)
		}
		if err := s.SetLSO(ctx, "LSO01", "LSO01"); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("an LSO served by an LSO: %v", err)
		}
		if err := s.SetLSO(ctx, "VN001", "LSO01"); err != nil {
			t.Fatal(err)
		}
		if l, ok, err := s.LSOOf(ctx, "VN001"); !ok || err != nil || l.ODSCode != "LSO01" {
			t.Fatalf("LSOOf = %v %v %v", l.ODSCode, ok, err)
		}
		if ps, err := s.LSOProviders(ctx, "LSO01"); err != nil || len(ps) != 1 || ps[0].ODSCode != "VN001" {
			t.Fatalf("LSOProviders = %v, %v", ps, err)
		}
		r, err := s.CreateSupportRequest(ctx, vigil.SupportRequest{Org: "VN001", LSO: "LSO01", Subject: "Backups", Body: "Help", CreatedBy: "m"})
		if err != nil || r.ID == 0 || r.Status != vigil.SupportOpen {
			t.Fatalf("create = %+v, %v", r, err)
		}
		for _, rp := range []vigil.SupportReply{{Author: "m", Body: "More"}, {Author: "l", FromLSO: true, Body: "Call us"}, {Author: "l", FromLSO: true, Body: "Again"}} {
			if err := s.AddSupportReply(ctx, r.ID, rp); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.SupportRequest(ctx, r.ID)
		if err != nil || got.Status != vigil.SupportAnswered || len(got.Replies) != 3 || got.FirstReplyAt.IsZero() || !got.Replies[1].FromLSO {
			t.Fatalf("after replies = %+v, %v", got, err)
		}
		first := got.FirstReplyAt
		if err := s.CloseSupportRequest(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
		list, err := s.SupportRequests(ctx, vigil.SupportFilter{LSO: "LSO01", Status: vigil.SupportClosed})
		if err != nil || len(list) != 1 || list[0].ClosedAt.IsZero() || !list[0].FirstReplyAt.Equal(first) {
			t.Fatalf("closed list = %+v, %v", list, err)
		}
		if _, err := s.SupportRequest(ctx, 999); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("unknown request: %v", err)
		}
	})
}

// A continuity plan round-trips, and one never saved comes back empty.
func TestContinuityPlanRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		mustCreate(t, s, vigil.Org{ODSCode: "VN001", Name: "Rose Care", Kind: vigil.OrgCareProvider})
		p, err := s.ContinuityPlan(ctx, "VN001")
		if err != nil || !p.UpdatedAt.IsZero() || p.Org != "VN001" {
			t.Fatalf("unsaved plan = %+v, %v", p, err)
		}
		p.Systems = []vigil.PlanSystem{{Name: "Care records", Supplier: "CarePlan Cloud", Phone: "0300 000 0000"}}
		p.Medication, p.LastRestoreTest, p.UpdatedBy = "Paper MAR charts in the office", time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), "m"
		if _, err := s.SaveContinuityPlan(ctx, p); err != nil {
			t.Fatal(err)
		}
		got, err := s.ContinuityPlan(ctx, "VN001")
		if err != nil || got.Medication != p.Medication || len(got.Systems) != 1 || !got.LastRestoreTest.Equal(p.LastRestoreTest) || got.UpdatedAt.IsZero() {
			t.Fatalf("read back %+v, %v", got, err)
		}
	})
}
