package api

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// MaxIntelUpload bounds an intel upload (after any gzip, as sent). The server's body
// limit for Prefix+"/intel" must be at least this (web.Deps.BodyLimits).
const MaxIntelUpload = 1 << 30

// intelRoutes registers the intel operations: uploads, the feeds registry and the
// indicator search. Only the sector centre's people curate intel.
func (a *API) intelRoutes() {
	const (
		e404 = http.StatusNotFound
		e409 = http.StatusConflict
		e413 = http.StatusRequestEntityTooLarge
	)
	upload := op("upload-intel", http.MethodPost, "/intel", "Upload an intel file", "intel", e409, e413)
	upload.Description = "Streams a file in any supported format (STIX 2.1 bundle, MISP event, CSV, " +
		"one indicator per line; plain or gzip) into the named source. Uploads add and refresh " +
		"indicators; they never withdraw what the source held. Answers the import report. One gzip " +
		"layer and one tar are unpacked at most (422 past that); a file that unpacks to more than " +
		"max_intel_bytes is refused with 413, keeping the indicators before the cap. A file over 4 MiB " +
		"(as sent) is imported as a job: the answer is 202 with the job and a Location header; GET " +
		"/api/v1/jobs/{id} until its state is done or failed, when its report is the import report."
	upload.MaxBodyBytes = MaxIntelUpload
	upload.RequestBody = &huma.RequestBody{Required: true, Description: "The intel file, plain or gzip.",
		Content: map[string]*huma.MediaType{"application/octet-stream": {Schema: &huma.Schema{Type: "string", Format: "binary"}}}}
	Register(a, upload, sector, a.intelUpload)

	create := op("create-feed", http.MethodPost, "/feeds", "Register a feed", "intel", e409)
	create.DefaultStatus = http.StatusCreated
	Register(a, create, sector, a.feedCreate)
	check := op("check-feed", http.MethodPost, "/feeds/check", "Try a feed's source before adding it", "intel")
	check.Description = "Stores nothing. A TAXII feed lists its API root's collections and says whether the " +
		"collection given is there and readable; a list or MISP feed is pulled once and what it would import counted. " +
		"A source that cannot be reached answers 200 with ok false and the reason. " +
		"The check waits at most 30 s for the source; a slower one answers 200 with ok false, saying a pull may still work."
	Register(a, check, sector, a.feedCheck)
	Register(a, op("list-feeds", http.MethodGet, "/feeds", "List feeds", "intel"), sector, a.feedList)
	Register(a, op("get-feed", http.MethodGet, "/feeds/{id}", "Get a feed", "intel", e404), sector, a.feedGet)
	Register(a, op("update-feed", http.MethodPatch, "/feeds/{id}", "Change a feed", "intel", e404, e409), sector, a.feedUpdate)
	Register(a, op("delete-feed", http.MethodDelete, "/feeds/{id}", "Delete a feed and withdraw its indicators", "intel", e404), sector, a.feedDelete)
	pull := op("pull-feed", http.MethodPost, "/feeds/{id}/pull", "Pull a feed now", "intel", e404, e409)
	pull.DefaultStatus = http.StatusAccepted
	pull.Description = "Starts the pull as a job and answers 202 with it and a Location header: GET " +
		"/api/v1/jobs/{id} until its state is done or failed. A pull that fails keeps the feed's indicators " +
		"and fails the job with the reason. While the feed is being pulled already, it answers 202 with the " +
		"job running, or 409 when that pull is not one the caller may follow (a scheduled pull, another admin's)."
	Register(a, pull, sector, a.feedPull)
	job := op("get-job", http.MethodGet, "/jobs/{id}", "Follow an import job", "intel", e404)
	job.Description = "A large upload or a feed pull running in the background: its state, progress and, " +
		"once ended, its report. Shown to whoever started it and to sector analysts."
	Register(a, job, sector, a.jobGet)
	Register(a, op("list-indicators", http.MethodGet, "/indicators", "Search indicators", "intel"), sector, a.indicatorList)
}
