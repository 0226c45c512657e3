package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// Through the API: a manager answers items and sees the score move; bad answers are a
// 4xx naming what to change; an LSO's member sees its provider's request, answers it,
// and the response time is recorded.
func TestPostureAndSupportThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		admin := f.as("org_admin")
		for _, item := range []string{"dspt", "tell-it"} {
			r := f.do("PUT", "/api/v1/orgs/"+ownOrg+"/posture/checklist/items/"+item, map[string]string{"grade": "done"}, admin)
			if r.status != http.StatusOK {
				t.Fatalf("answer %s: %d %s", item, r.status, r.body)
			}
		}
		var got struct {
			Score   vigil.PostureScore   `json:"score"`
			History []vigil.PostureScore `json:"history"`
		}
		f.do("GET", "/api/v1/orgs/"+ownOrg+"/posture/checklist", nil, admin).decode(t, &got)
		if got.Score.Met < 2 || len(got.History) != 2 || got.History[0].Percent <= got.History[1].Percent {
			t.Errorf("assessment %+v", got)
		}
		for _, tc := range []struct {
			body map[string]string
			want string
		}{
			{map[string]string{"grade": "done", "review_date": "31/01/2027"}, "YYYY-MM-DD"},
			{map[string]string{"grade": "done", "review_date": "1999-01-01"}, "the review date 1999-01-01 has passed"},
			{map[string]string{"grade": "not_applicable"}, "cannot be not applicable"},
			{map[string]string{"grade": "achieved"}, "is not one of not_done"},
		} {
			r := f.do("PUT", "/api/v1/orgs/"+ownOrg+"/posture/checklist/items/insurance", tc.body, admin)
			if r.status < 400 || r.status >= 500 || !strings.Contains(r.problem(t).Detail, tc.want) {
				t.Errorf("answer %v: %d %s; want a 4xx saying %q", tc.body, r.status, r.body, tc.want)
			}
		}

		ev := "/api/v1/orgs/" + ownOrg + "/posture/checklist/items/insurance/evidence"
		up := f.do("PUT", ev+"?name=../policy.pdf", "%PDF-1.7 policy", admin)
		if up.status != http.StatusOK {
			t.Fatalf("upload: %d %s", up.status, up.body)
		}
		var kept vigil.EvidenceFile
		if up.decode(t, &kept); time.Since(kept.UploadedAt) > time.Hour || time.Since(kept.UploadedAt) < 0 {
			t.Errorf("the upload's answer says it was uploaded at %v, want now: %s", kept.UploadedAt, up.body)
		}
		dl := f.do("GET", ev, nil, admin)
		if dl.status != http.StatusOK || string(dl.body) != "%PDF-1.7 policy" || dl.header.Get("Content-Type") != "application/octet-stream" ||
			dl.header.Get("Content-Disposition") != "attachment; filename=policy.pdf" || dl.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("download: %d %v %q", dl.status, dl.header, dl.body)
		}
		if r := f.do("PUT", ev, "MZ\x90 an executable\x00", admin); r.status != http.StatusUnprocessableEntity && r.status != http.StatusBadRequest {
			t.Errorf("an executable: %d %s", r.status, r.body)
		}
		if r := f.do("PUT", ev, strings.Repeat("a", vigil.DefaultMaxEvidenceBytes+1), admin); r.status != http.StatusRequestEntityTooLarge ||
			!strings.Contains(r.problem(t).Detail, "larger than the 20 MB this endpoint accepts") {
			t.Errorf("an oversized file: %d %s, want 413 saying 20 MB", r.status, r.body)
		}
		// Over the server's general 1 MiB body cap, under the evidence cap: the route's
		// own limit applies although its path holds wildcards.
		if r := f.do("PUT", ev, "%PDF-1.7 "+strings.Repeat("scan ", 600_000), admin); r.status != http.StatusOK {
			t.Errorf("a 3 MB scan: %d %.300s", r.status, r.body)
		}

		lso := f.lso(ownOrg)
		helper, err := s.CreateUser(context.Background(), vigil.NewUser{Email: "helper@lso.example", Name: "Helper", Role: vigil.RoleOrgMember, Org: lso})
		if err != nil {
			t.Fatal(err)
		}
		sess, _, err := s.CreateSession(context.Background(), helper.ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		asHelper := cookie(sess)
		r := f.do("POST", "/api/v1/support-requests", map[string]string{"subject": "Insurance", "body": "Which policy?",
			"context": "posture/checklist/insurance"}, admin)
		var req vigil.SupportRequest
		r.decode(t, &req)
		if r.status != http.StatusCreated || req.LSO != lso || !strings.Contains(req.ContextText, "insurance") {
			t.Fatalf("ask: %d %s", r.status, r.body)
		}
		var queue struct{ Items []vigil.SupportRequest }
		f.do("GET", "/api/v1/support-requests?status=open", nil, asHelper).decode(t, &queue)
		if len(queue.Items) != 1 || queue.Items[0].ID != req.ID {
			t.Errorf("the LSO's queue: %+v", queue.Items)
		}
		if r := f.do("GET", "/api/v1/orgs/"+ownOrg+"/posture/checklist", nil, asHelper); r.status != http.StatusNotFound {
			t.Errorf("the LSO reads the provider's posture: %d", r.status)
		}
		f.do("POST", fmt.Sprintf("/api/v1/support-requests/%d/replies", req.ID), map[string]string{"body": "Call us."}, asHelper).decode(t, &req)
		if req.Status != vigil.SupportAnswered || req.FirstReplyAt.IsZero() {
			t.Errorf("after the LSO's reply: %+v", req)
		}
	})
}
