package pages

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/auditlog"
)

func (p *Pages) auditRoutes() []route {
	return []route{{"GET /audit", p.auditList}}
}

// auditData is the audit log's page: whether the chain holds, and a page of entries.
type auditData struct {
	Check auditlog.Verification
	Head  string // the head the person asked to check, SEQ:HASH; empty when none
	// HeadChecked says the chain was checked against Head.
	HeadChecked bool
	Entries     []vigil.AuditEntry
	Query       url.Values
	Next        string // the next page's address; empty on the last page
	// Heads are the column headers that sort the list.
	Heads sortHeads
}

// auditSortCols turn the log round: newest first, or oldest first.
var auditSortCols = []sortCol[vigil.AuditSort]{{Name: "when", By: vigil.AuditByNewest, Back: vigil.AuditByOldest}}

// auditList shows whether the audit chain is intact (checked against a head kept
// elsewhere when ?head= gives one) and the entries the filters choose, newest first
// (?sort=oldest turns them round); ?format=csv downloads the page of entries.
func (p *Pages) auditList(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	d := auditData{Query: q, Head: strings.TrimSpace(q.Get("head"))}
	f := vigil.AuditFilter{Actor: strings.TrimSpace(q.Get("actor")), Action: strings.TrimSpace(q.Get("action")),
		Target: strings.TrimSpace(q.Get("target")), Sort: vigil.AuditSort(q.Get("sort")), Cursor: q.Get("cursor")}
	d.Heads = newSortHeads(r.URL.Path, q, f.Sort.Or(), vigil.AuditByNewest, auditSortCols...)
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	var errs []fieldError
	if f.Since, err = sinceOf(q); err != nil {
		errs = append(errs, fieldError{"since", vigil.ErrorMessage(err)})
	}
	var heads []auditlog.Head
	if d.Head != "" {
		h, err := auditlog.ParseHead(d.Head)
		if err != nil {
			errs = append(errs, fieldError{"head", "Enter the head as it was written down: the entry number, a colon and its 64-character hash"})
		} else {
			heads = append(heads, h)
		}
	}
	// Verify checks access first, so a bad filter shows nothing to someone who may not
	// read the log; the CSV download has no verification and List checks access.
	if q.Get("format") != "csv" || len(errs) > 0 {
		if d.Check, err = p.app.Audit.Verify(r.Context(), pr, heads...); err != nil {
			p.fail(w, r, err)
			return
		}
	}
	d.HeadChecked = len(heads) > 0
	if len(errs) > 0 {
		p.render(w, r, http.StatusBadRequest, "audit.html", &view{Title: "Audit log", Errors: errs, Data: d})
		return
	}
	entries, next, err := p.app.Audit.List(r.Context(), pr, f)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if q.Get("format") == "csv" {
		writeAuditCSV(w, entries)
		return
	}
	d.Entries = entries
	if next != "" {
		d.Next = withQuery(r.URL.Path, q, "cursor", next)
	}
	p.render(w, r, http.StatusOK, "audit.html", &view{Title: "Audit log", Data: d})
}

// writeAuditCSV writes audit entries as the page shows them, with their hashes.
func writeAuditCSV(w http.ResponseWriter, list []vigil.AuditEntry) {
	cw := csvDownload(w, "audit.csv", "seq", "time", "actor", "action", "target", "detail", "hash")
	for _, e := range list {
		_ = cw.Write([]string{strconv.FormatInt(e.Seq, 10), csvTime(e.Time), csvSafe(e.Actor), csvSafe(e.Action),
			csvSafe(e.Target), csvSafe(e.Detail), e.Hash})
	}
	cw.Flush()
}
