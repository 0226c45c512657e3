package web_test

import (
	"context"
	"fmt"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/support"
)

// postureMatrix is who may call the posture, continuity plan and support operations:
// an organisation's people their own organisation's, sector analysts read every one,
// sector admins also answer and link LSOs; suppliers and sensors none. (Who in an LSO
// sees which request is the support use case's test: the matrix's callers belong to
// providers.)
var postureMatrix = []matrixRow{
	{"GET /posture/frameworks", "", at("/posture/frameworks"), statuses{ok, ok, ok, ok, forbid, forbid, unauth}},
	{"GET /orgs/{ods}/posture", "own", at("/orgs/" + ownOrg + "/posture"), statuses{ok, ok, ok, ok, forbid, forbid, unauth}},
	{"GET /orgs/{ods}/posture", "other", at("/orgs/" + otherOrg + "/posture"), statuses{ok, ok, notFound, notFound, forbid, forbid, unauth}},
	{"GET /orgs/{ods}/posture/{framework}", "own", at("/orgs/" + ownOrg + "/posture/dspt"), statuses{ok, ok, ok, ok, forbid, forbid, unauth}},
	{"GET /orgs/{ods}/posture/{framework}", "other", at("/orgs/" + otherOrg + "/posture/dspt"), statuses{ok, ok, notFound, notFound, forbid, forbid, unauth}},
	{"PUT /orgs/{ods}/posture/{framework}/items/{item}", "own", answerItem(ownOrg), statuses{ok, forbid, ok, ok, forbid, forbid, unauth}},
	{"PUT /orgs/{ods}/posture/{framework}/items/{item}", "other", answerItem(otherOrg), statuses{ok, forbid, notFound, notFound, forbid, forbid, unauth}},
	{"GET /orgs/{ods}/continuity-plan", "own", at("/orgs/" + ownOrg + "/continuity-plan"), statuses{ok, ok, ok, ok, forbid, forbid, unauth}},
	{"GET /orgs/{ods}/continuity-plan", "other", at("/orgs/" + otherOrg + "/continuity-plan"), statuses{ok, ok, notFound, notFound, forbid, forbid, unauth}},
	{"PUT /orgs/{ods}/continuity-plan", "own", savePlan(ownOrg), statuses{ok, forbid, ok, ok, forbid, forbid, unauth}},
	{"PUT /orgs/{ods}/continuity-plan", "other", savePlan(otherOrg), statuses{ok, forbid, notFound, notFound, forbid, forbid, unauth}},
	{"PUT /orgs/{ods}/posture/{framework}/items/{item}/evidence", "own", putEvidence(ownOrg), statuses{ok, forbid, ok, ok, forbid, forbid, unauth}},
	{"PUT /orgs/{ods}/posture/{framework}/items/{item}/evidence", "other", putEvidence(otherOrg), statuses{ok, forbid, notFound, notFound, forbid, forbid, unauth}},
	{"GET /orgs/{ods}/posture/{framework}/items/{item}/evidence", "own", onPostureEvidence(ownOrg), statuses{ok, ok, ok, ok, forbid, forbid, unauth}},
	{"GET /orgs/{ods}/posture/{framework}/items/{item}/evidence", "other", onPostureEvidence(otherOrg), statuses{ok, ok, notFound, notFound, forbid, forbid, unauth}},
	{"PUT /orgs/{ods}/lso", "own", linkLSO(ownOrg), statuses{noBody, noBody, forbid, forbid, forbid, forbid, unauth}},

	{"POST /support-requests", "own", askHelp(ownOrg), statuses{created, forbid, created, created, forbid, forbid, unauth}},
	{"POST /support-requests", "other", askHelp(otherOrg), statuses{created, forbid, notFound, notFound, forbid, forbid, unauth}},
	{"GET /support-requests", "", at("/support-requests"), statuses{ok, ok, ok, ok, forbid, forbid, unauth}},
	{"GET /support-requests/{id}", "own", onRequest(ownOrg, "", nil), statuses{ok, ok, ok, ok, forbid, forbid, unauth}},
	{"GET /support-requests/{id}", "other", onRequest(otherOrg, "", nil), statuses{ok, ok, notFound, notFound, forbid, forbid, unauth}},
	{"POST /support-requests/{id}/replies", "own", onRequest(ownOrg, "/replies", map[string]string{"body": "Thanks"}), statuses{ok, ok, ok, ok, forbid, forbid, unauth}},
	{"POST /support-requests/{id}/replies", "other", onRequest(otherOrg, "/replies", map[string]string{"body": "Thanks"}), statuses{ok, ok, notFound, notFound, forbid, forbid, unauth}},
	{"POST /support-requests/{id}/close", "own", onRequest(ownOrg, "/close", nil), statuses{ok, ok, ok, ok, forbid, forbid, unauth}},
	{"POST /support-requests/{id}/close", "other", onRequest(otherOrg, "/close", nil), statuses{ok, ok, notFound, notFound, forbid, forbid, unauth}},
}

func answerItem(org string) func(*fixture, string) (string, any) {
	return func(*fixture, string) (string, any) {
		return "/orgs/" + org + "/posture/checklist/items/insurance", map[string]string{"grade": "done", "evidence": "Policy in the office"}
	}
}

func savePlan(org string) func(*fixture, string) (string, any) {
	return func(*fixture, string) (string, any) {
		return "/orgs/" + org + "/continuity-plan", map[string]any{"medication": "Paper MAR charts", "last_restore_test": "2026-01-10"}
	}
}

func linkLSO(org string) func(*fixture, string) (string, any) {
	return func(f *fixture, _ string) (string, any) {
		return "/orgs/" + org + "/lso", map[string]string{"lso": f.lso(org)}
	}
}

func askHelp(org string) func(*fixture, string) (string, any) {
	return func(f *fixture, _ string) (string, any) {
		f.lso(org)
		return "/support-requests", map[string]string{"org": org, "subject": "Backups", "body": "How do we test a restore?"}
	}
}

// onRequest is a request about a fresh support request of org.
func onRequest(org, verb string, body any) func(*fixture, string) (string, any) {
	return func(f *fixture, _ string) (string, any) {
		f.lso(org)
		r, err := f.app.Support.Ask(context.Background(), vigil.CommandLine, support.Ask{Org: org, Subject: "Help", Body: "Please"})
		if err != nil {
			f.t.Fatal(err)
		}
		return fmt.Sprintf("/support-requests/%d%s", r.ID, verb), body
	}
}

// lso makes sure org is served by a Local Support Organisation and returns its code.
func (f *fixture) lso(org string) string {
	f.t.Helper()
	const code = "LSO1"
	ctx := context.Background()
	if _, _, err := f.store.CreateOrg(ctx, vigil.Org{ODSCode: code, Name: "Local Support", Kind: vigil.OrgLSO}); err != nil && vigil.ErrorCode(err) != vigil.ECONFLICT {
		f.t.Fatal(err)
	}
	if err := f.app.Support.LinkLSO(ctx, vigil.CommandLine, org, code); err != nil {
		f.t.Fatal(err)
	}
	return code
}

func putEvidence(org string) func(*fixture, string) (string, any) {
	return func(*fixture, string) (string, any) {
		return "/orgs/" + org + "/posture/checklist/items/insurance/evidence?name=policy.txt", "Policy 123, renews in April."
	}
}

// onPostureEvidence is a download of an evidence file org keeps.
func onPostureEvidence(org string) func(*fixture, string) (string, any) {
	return func(f *fixture, _ string) (string, any) {
		if _, err := f.app.Posture.AttachEvidence(context.Background(), vigil.CommandLine, org, "checklist", "backups", "log.txt", []byte("restored")); err != nil {
			f.t.Fatal(err)
		}
		return "/orgs/" + org + "/posture/checklist/items/backups/evidence", nil
	}
}
