package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/vigil-health/vigil"
)

// intelMatrix is who may call the intel operations: the sector centre's people only.
// Feeds and indicators belong to no organisation, so there is no own or other.
var intelMatrix = []matrixRow{
	{"POST /intel", "", func(*fixture, string) (string, any) {
		return "/intel?source=matrix-upload&tlp=green", "192.0.2.200\nnot an indicator\n"
	}, sectorOnly(ok)},
	{"POST /feeds", "", func(f *fixture, _ string) (string, any) {
		return "/feeds", map[string]any{"name": f.unique("matrix feed "), "kind": "url", "url": "https://feeds.example/list.txt"}
	}, sectorOnly(created)},
	{"POST /feeds/check", "", func(*fixture, string) (string, any) {
		return "/feeds/check", map[string]any{"kind": "upload"}
	}, sectorOnly(ok)},
	{"GET /feeds", "", at("/feeds"), sectorOnly(ok)},
	{"GET /feeds/{id}", "", onFeed("", nil), sectorOnly(ok)},
	{"PATCH /feeds/{id}", "", onFeed("", map[string]any{"enabled": false, "grade": "C3"}), sectorOnly(ok)},
	{"DELETE /feeds/{id}", "", onFeed("", nil), sectorOnly(noBody)},
	{"POST /feeds/{id}/pull", "", onFeed("/pull", nil), sectorOnly(http.StatusAccepted)},
	// A job is shown to whoever started it and to sector analysts, to no other sector admin.
	{"GET /jobs/{id}", "", onJob(""), sectorOnly(ok)},
	{"GET /jobs/{id}", "", onJob("someone-else@centre.example"), statuses{notFound, ok, forbid, forbid, forbid, forbid, unauth}},
	{"GET /indicators", "", at("/indicators?type=ipv4&limit=5"), sectorOnly(ok)},
}

// sectorOnly is the answers of an operation only sector_admin and sector_analyst may call.
func sectorOnly(status int) statuses {
	return statuses{status, status, forbid, forbid, forbid, forbid, unauth}
}

// onFeed is a request about a fresh feed that lists one address from a local server.
func onFeed(verb string, body any) func(*fixture, string) (string, any) {
	return func(f *fixture, _ string) (string, any) {
		return fmt.Sprintf("/feeds/%d%s", f.listFeed("192.0.2.201\n").ID, verb), body
	}
}

// onJob is a request about a fresh import job started by startedBy, or by the caller
// when empty.
func onJob(startedBy string) func(*fixture, string) (string, any) {
	return func(f *fixture, role string) (string, any) {
		by := startedBy
		if by == "" {
			by = f.users[role].Email
		}
		j, err := f.store.CreateImportJob(context.Background(), vigil.ImportJob{Kind: vigil.JobUpload, StartedBy: by,
			Source: "matrix-upload", File: "iocs.txt"})
		if err != nil {
			f.t.Fatal(err)
		}
		return fmt.Sprintf("/jobs/%d", j.ID), nil
	}
}

// listFeed registers a URL feed served by a local server answering list.
func (f *fixture) listFeed(list string) vigil.Feed {
	f.t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(list))
	}))
	f.t.Cleanup(srv.Close)
	feed, err := f.store.CreateFeed(context.Background(), vigil.Feed{Name: f.unique("list feed "), Kind: vigil.FeedURL,
		URL: srv.URL + "/list.txt", Enabled: true})
	if err != nil {
		f.t.Fatal(err)
	}
	return feed
}
