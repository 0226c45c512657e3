package api

import (
	"net/http"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/posture"
	"github.com/vigil-health/vigil/internal/posture/frameworks"
)

// Who may call the posture and support operations: an organisation's people read and
// answer their own assessment and plan and ask for help; sector analysts read all of
// them; sector admins also answer for an organisation and link LSOs. The use cases keep
// each caller to its organisation (an LSO to its providers' requests).
var (
	postureReaders = alertWorkers
	postureWriters = Access{Roles: []vigil.Role{vigil.RoleSectorAdmin, vigil.RoleOrgAdmin, vigil.RoleOrgMember}}
)

// postureRoutes registers the posture, continuity plan and support operations.
func (a *API) postureRoutes() {
	const (
		e404 = http.StatusNotFound
		e409 = http.StatusConflict
	)
	Register(a, op("list-posture-frameworks", http.MethodGet, "/posture/frameworks", "List the self-assessment frameworks", "posture"),
		postureReaders, a.frameworkList)
	Register(a, op("get-posture-summary", http.MethodGet, "/orgs/{ods}/posture", "An organisation's posture on every framework", "posture", e404),
		postureReaders, a.postureSummary)
	Register(a, op("get-posture", http.MethodGet, "/orgs/{ods}/posture/{framework}", "An organisation's assessment on one framework", "posture", e404),
		postureReaders, a.postureGet)
	Register(a, op("set-posture-answer", http.MethodPut, "/orgs/{ods}/posture/{framework}/items/{item}", "Answer one item", "posture", e404),
		postureWriters, a.postureAnswer)
	upload := op("put-posture-evidence", http.MethodPut, "/orgs/{ods}/posture/{framework}/items/{item}/evidence", "Keep an item's evidence file", "posture", e404)
	upload.MaxBodyBytes = a.app.Posture.MaxEvidenceBytes() // the cap itself, as its 413 says ("20 MB")
	Register(a, upload, postureWriters, a.evidencePut)
	Register(a, op("get-posture-evidence", http.MethodGet, "/orgs/{ods}/posture/{framework}/items/{item}/evidence", "Download an item's evidence file", "posture", e404),
		postureReaders, a.evidenceGet)
	Register(a, op("get-continuity-plan", http.MethodGet, "/orgs/{ods}/continuity-plan", "An organisation's continuity plan", "posture", e404),
		postureReaders, a.planGet)
	Register(a, op("save-continuity-plan", http.MethodPut, "/orgs/{ods}/continuity-plan", "Save an organisation's continuity plan", "posture", e404),
		postureWriters, a.planSave)
	Register(a, op("link-lso", http.MethodPut, "/orgs/{ods}/lso", "Link a provider to its Local Support Organisation", "support", e404),
		sector, a.lsoLink)

	ask := op("create-support-request", http.MethodPost, "/support-requests", "Ask your Local Support Organisation for help", "support", e404)
	ask.DefaultStatus = http.StatusCreated
	Register(a, ask, postureWriters, a.supportAsk)
	Register(a, op("list-support-requests", http.MethodGet, "/support-requests", "List support requests", "support"), postureReaders, a.supportList)
	Register(a, op("get-support-request", http.MethodGet, "/support-requests/{id}", "Get a support request", "support", e404),
		postureReaders, a.supportGet)
	Register(a, op("reply-support-request", http.MethodPost, "/support-requests/{id}/replies", "Reply to a support request", "support", e404),
		postureReaders, a.supportReply)
	Register(a, op("close-support-request", http.MethodPost, "/support-requests/{id}/close", "Close a support request", "support", e404, e409),
		postureReaders, a.supportClose)
}

// Assessment is an organisation's assessment on one framework.
type Assessment struct {
	// Org is the organisation's ODS code.
	Org string `json:"org"`
	// Framework is the framework's id, Version and Title as the framework file has them.
	Framework string `json:"framework"`
	Version   string `json:"version"`
	Title     string `json:"title"`
	// Result is the score, status and each item's outcome.
	frameworks.Result
	// History is the recorded scores, newest first.
	History []vigil.PostureScore `json:"history" nullable:"false"`
}

func assessmentOut(a posture.Assessment) Assessment {
	h := a.History
	if h == nil {
		h = []vigil.PostureScore{}
	}
	return Assessment{Org: a.Org.ODSCode, Framework: a.Framework.ID, Version: a.Framework.Version, Title: a.Framework.Title,
		Result: a.Result, History: h}
}

type postureOrgIn struct {
	ODS string `path:"ods" maxLength:"20" doc:"The organisation's ODS code."`
}

type postureIn struct {
	ODS       string `path:"ods" maxLength:"20" doc:"The organisation's ODS code."`
	Framework string `path:"framework" maxLength:"40" doc:"The framework: checklist, dspt or caf."`
}

type assessmentOutput struct {
	Body Assessment
}
