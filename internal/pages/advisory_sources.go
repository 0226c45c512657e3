package pages

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
)

// The advisory sources' pages: the OSV, KEV and EPSS data vulnerability matching reads,
// curated by the sector centre like the intel feeds (feeds.go is their model).

func (p *Pages) advisorySourceRoutes() []route {
	return []route{
		{"GET /advisory-sources", p.advisorySourceList},
		{"GET /advisory-sources/new", p.advisorySourceNew},
		{"POST /advisory-sources", p.advisorySourceCreate},
		{"GET /advisory-sources/{id}", p.advisorySourceDetail},
		{"POST /advisory-sources/{id}", p.advisorySourceSave},
		{"POST /advisory-sources/{id}/pull", p.advisorySourcePull},
		{"GET /advisory-sources/{id}/delete", p.advisorySourceDeleteAsk},
		{"POST /advisory-sources/{id}/delete", p.advisorySourceDelete},
	}
}

// sourceView is an advisory source as the pages show it.
type sourceView struct {
	ID                                 int64
	Name, Kind, KindName, Where        string
	FromDisk                           bool // read from a file on the server, not downloaded
	Every                              string
	Enabled, Pulling                   bool
	Status                             tag
	LastError                          string
	LastPullAt, LastSuccessAt, Created time.Time
	// Last is what the last pull that changed something found; nil before one.
	Last *sourceCounts
}

// sourceCounts is what a pull of an advisory source found (exposure.Change as stored).
type sourceCounts struct {
	Records     int    `json:"records"`
	New         int    `json:"new"`
	Changed     int    `json:"changed"`
	Withdrawn   int    `json:"withdrawn"`
	Removed     int    `json:"removed"`
	Problems    int    `json:"problems"`
	Problem     string `json:"problem"`
	OrgsChecked int    `json:"orgs_checked"`
}

func newSourceView(a vigil.AdvisorySource, pulling bool) sourceView {
	v := sourceView{ID: a.ID, Name: a.Name, Kind: a.Kind, KindName: sourceKindName(a.Kind), Where: a.Where(),
		FromDisk: a.Path != "", Every: scheduleText(a.Schedule), Enabled: a.Enabled, Pulling: pulling,
		Status: sourceStatus(a), LastError: a.LastError, LastPullAt: a.LastPullAt, LastSuccessAt: a.LastSuccessAt,
		Created: a.CreatedAt}
	var c sourceCounts
	if len(a.Counts) > 0 && string(a.Counts) != "{}" && json.Unmarshal(a.Counts, &c) == nil {
		v.Last = &c
	}
	return v
}

func sourceKindName(kind string) string {
	switch kind {
	case vigil.AdvisoryOSV:
		return "OSV records"
	case vigil.AdvisoryKEV:
		return "CISA Known Exploited Vulnerabilities"
	case vigil.AdvisoryEPSS:
		return "EPSS scores"
	}
	return kind
}

func sourceStatus(a vigil.AdvisorySource) tag {
	switch {
	case a.Status == vigil.FeedError:
		return tag{"Failing", "nhsuk-tag--red"}
	case !a.Enabled:
		return tag{"Paused", "nhsuk-tag--grey"}
	case a.Status == vigil.FeedOK:
		return tag{"Working", "nhsuk-tag--green"}
	}
	return tag{"Not pulled yet", "nhsuk-tag--grey"}
}

var sourceKindChoices = []choice{{vigil.AdvisoryOSV, "OSV records: a zip such as an ecosystem's all.zip, one .json record, or a directory on the server"},
	{vigil.AdvisoryKEV, "CISA's Known Exploited Vulnerabilities catalogue (JSON)"},
	{vigil.AdvisoryEPSS, "FIRST's EPSS scores (CSV, gzip allowed)"}}

// sourceScheduleChoices are the schedules the form offers: advisory data changes daily
// at most, so no more often than hourly.
var sourceScheduleChoices = scheduleChoices[1:]

// sourceForm is the add or edit form as the person filled it in.
type sourceForm struct {
	// ID is the source's number; 0 on the add form.
	ID                    int64
	Name, Kind, URL, Path string
	Schedule              string
	Enabled               bool
	Source                *sourceView
	Kinds, Schedules      []choice
}

func (f sourceForm) withChoices() sourceForm {
	f.Kinds = sourceKindChoices
	f.Schedules = sourceScheduleChoices
	if d, err := time.ParseDuration(f.Schedule); err == nil && !hasChoice(f.Schedules, d.String()) {
		f.Schedules = append([]choice{{d.String(), scheduleText(d)}}, f.Schedules...)
	}
	return f
}

func hasChoice(cs []choice, v string) bool {
	for _, c := range cs {
		if c.Value == v {
			return true
		}
	}
	return false
}

// sourceEditForm is the edit form of a stored source.
func sourceEditForm(a vigil.AdvisorySource, v sourceView) sourceForm {
	f := sourceForm{ID: a.ID, Name: a.Name, Kind: a.Kind, URL: vigil.RedactURL(a.URL), Path: a.Path,
		Schedule: a.Schedule.String(), Enabled: a.Enabled, Source: &v}
	return f.withChoices()
}

// readSourceForm reads the form. A source is downloaded or read from the server: the
// person empties one field and fills the other to move it.
func readSourceForm(r *http.Request) (sourceForm, []fieldError) {
	f := sourceForm{Name: strings.TrimSpace(r.PostFormValue("name")), Kind: r.PostFormValue("kind"),
		URL:  strings.TrimSpace(r.PostFormValue("url")),
		Path: strings.TrimSpace(r.PostFormValue("path")), Schedule: r.PostFormValue("schedule"),
		Enabled: r.PostFormValue("enabled") == "on"}
	var errs []fieldError
	if f.Name == "" {
		errs = append(errs, fieldError{"name", "Enter a name for the source, for example \"OSV Maven\""})
	}
	switch {
	case f.URL == "" && f.Path == "":
		errs = append(errs, fieldError{"url", "Enter the address to download the source from, or a file on the server to read it from"})
	case f.URL != "" && f.Path != "":
		errs = append(errs, fieldError{"path", "Give an address or a file on the server, not both: empty the one not to use"})
	}
	if d, err := time.ParseDuration(f.Schedule); err != nil || d <= 0 {
		errs = append(errs, fieldError{"schedule", "Choose how often to pull the source"})
	}
	return f, errs
}

// sourceFieldOf guesses which field a refusal from the use case is about.
func sourceFieldOf(err error) string {
	msg := strings.ToLower(vigil.ErrorMessage(err))
	for _, k := range []struct{ word, field string }{{"already registered", "name"}, {"kind", "kind"}, {"path", "path"},
		{"advisory_dir", "path"}, {"url", "url"}, {"http", "url"}, {"address", "url"}, {"schedule", "schedule"}} {
		if strings.Contains(msg, k.word) {
			return k.field
		}
	}
	return "name"
}

func (p *Pages) advisorySourceList(w http.ResponseWriter, r *http.Request) {
	pr, err := p.exposureUser(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	list, err := p.app.Exposure.ListSources(r.Context(), pr)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	views := make([]sourceView, len(list))
	for i, a := range list {
		views[i] = newSourceView(a, p.app.Exposure.Pulling(r.Context(), a.ID))
	}
	p.render(w, r, http.StatusOK, "advisory_sources.html", &view{Title: "Advisory sources", Data: views})
}

// exposureUser is the signed-in person, when vulnerability matching runs here.
func (p *Pages) exposureUser(r *http.Request) (vigil.Principal, error) {
	pr, err := principal(r)
	if err == nil && p.app.Exposure == nil {
		err = vigil.Errorf(vigil.EUNAVAILABLE, "vulnerability matching is not running on this server")
	}
	return pr, err
}

// advisorySourceNew is the add form, for the roles CreateSource allows (the form is no
// use to anyone else).
func (p *Pages) advisorySourceNew(w http.ResponseWriter, r *http.Request) {
	pr, err := p.exposureUser(r)
	if err == nil {
		err = pr.Need(vigil.SectorRoles...)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	form := sourceForm{Kind: vigil.AdvisoryOSV, Schedule: vigil.DefaultAdvisorySchedule.String(), Enabled: true}
	p.render(w, r, http.StatusOK, "advisory_source_new.html", &view{Title: "Add an advisory source", Data: form.withChoices()})
}

func (p *Pages) advisorySourceCreate(w http.ResponseWriter, r *http.Request) {
	pr, err := p.exposureUser(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	form, errs := readSourceForm(r)
	if len(errs) == 0 {
		sched, _ := time.ParseDuration(form.Schedule)
		var a vigil.AdvisorySource
		a, err = p.app.Exposure.CreateSource(r.Context(), pr, vigil.AdvisorySource{Name: form.Name, Kind: form.Kind,
			URL: form.URL, Path: form.Path, Schedule: sched, Enabled: form.Enabled})
		if err == nil {
			http.Redirect(w, r, "/advisory-sources/"+strconv.FormatInt(a.ID, 10)+"?done=advisory-source-added", http.StatusSeeOther)
			return
		}
		code := vigil.ErrorCode(err)
		if code != vigil.EINVALID && code != vigil.ECONFLICT {
			p.fail(w, r, err)
			return
		}
		errs = errorOn(sourceFieldOf(err), err)
	}
	p.render(w, r, formStatus(vigil.ErrorCode(err)), "advisory_source_new.html", &view{Title: "Add an advisory source", Errors: errs, Data: form.withChoices()})
}

// getSource reads the source of the address for the signed-in person.
func (p *Pages) getSource(r *http.Request) (vigil.AdvisorySource, error) {
	pr, id, err := p.sourceRequest(r)
	if err != nil {
		return vigil.AdvisorySource{}, err
	}
	return p.app.Exposure.GetSource(r.Context(), pr, id)
}

// sourceRequest is who asks about the advisory source the path names, and its id.
func (p *Pages) sourceRequest(r *http.Request) (vigil.Principal, int64, error) {
	pr, err := p.exposureUser(r)
	if err != nil {
		return pr, 0, err
	}
	id, err := pathID(r, "advisory source")
	return pr, id, err
}

func (p *Pages) advisorySourceDetail(w http.ResponseWriter, r *http.Request) {
	a, err := p.getSource(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pulling := p.app.Exposure.Pulling(r.Context(), a.ID)
	v := &view{Title: a.Name, Data: sourceEditForm(a, newSourceView(a, pulling))}
	if pulling {
		v.Refresh = 5 // show the outcome when the pull ends
	}
	p.render(w, r, http.StatusOK, "advisory_source.html", v)
}

func (p *Pages) advisorySourceSave(w http.ResponseWriter, r *http.Request) {
	pr, id, err := p.sourceRequest(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	form, errs := readSourceForm(r)
	if len(errs) > 0 {
		p.sourceRefused(w, r, form, errs, http.StatusUnprocessableEntity)
		return
	}
	a, err := p.app.Exposure.UpdateSource(r.Context(), pr, id, sourcePatch(form))
	if code := vigil.ErrorCode(err); code == vigil.EINVALID || code == vigil.ECONFLICT {
		p.sourceRefused(w, r, form, errorOn(sourceFieldOf(err), err), formStatus(code))
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/advisory-sources/"+strconv.FormatInt(a.ID, 10)+"?done=advisory-source-saved", http.StatusSeeOther)
}

// sourcePatch is the change the edit form asks for. The address shown (redacted) and
// sent back unchanged keeps the stored one with its keys (vigil.KeepRedactedURL).
func sourcePatch(form sourceForm) vigil.AdvisorySourcePatch {
	sched, _ := time.ParseDuration(form.Schedule)
	return vigil.AdvisorySourcePatch{Name: &form.Name, URL: &form.URL, Path: &form.Path, Schedule: &sched, Enabled: &form.Enabled}
}

// sourceRefused shows the source's page again with the form as sent and what to change.
func (p *Pages) sourceRefused(w http.ResponseWriter, r *http.Request, form sourceForm, errs []fieldError, status int) {
	a, err := p.getSource(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	v := newSourceView(a, p.app.Exposure.Pulling(r.Context(), a.ID))
	form.ID, form.Kind, form.Source = a.ID, a.Kind, &v
	p.render(w, r, status, "advisory_source.html", &view{Title: a.Name, Errors: errs, Data: form.withChoices()})
}

// advisorySourcePull starts a pull in the background and waits a little for it: a quick
// pull's outcome is shown on the source's page at once, a long one's when it ends (the
// page reloads itself while it runs).
func (p *Pages) advisorySourcePull(w http.ResponseWriter, r *http.Request) {
	pr, id, err := p.sourceRequest(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	to := "/advisory-sources/" + strconv.FormatInt(id, 10)
	done, err := p.app.Exposure.StartPull(r.Context(), pr, id)
	if vigil.ErrorCode(err) == vigil.ECONFLICT {
		http.Redirect(w, r, to+"?done=advisory-pull-running", http.StatusSeeOther)
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	select {
	case <-done:
	case <-time.After(pullWait):
		http.Redirect(w, r, to+"?done=advisory-pull-running", http.StatusSeeOther)
		return
	case <-r.Context().Done():
		return
	}
	a, err := p.app.Exposure.GetSource(r.Context(), pr, id)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	outcome := "advisory-pulled"
	if a.Status == vigil.FeedError {
		outcome = "advisory-pull-failed"
	}
	http.Redirect(w, r, to+"?done="+outcome, http.StatusSeeOther)
}

func (p *Pages) advisorySourceDeleteAsk(w http.ResponseWriter, r *http.Request) {
	a, err := p.getSource(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "advisory_source_delete.html", &view{Title: "Delete " + a.Name, Data: newSourceView(a, false)})
}

func (p *Pages) advisorySourceDelete(w http.ResponseWriter, r *http.Request) {
	pr, id, err := p.sourceRequest(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if err := p.app.Exposure.DeleteSource(r.Context(), pr, id); err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/advisory-sources?done=advisory-source-deleted", http.StatusSeeOther)
}
