package pages

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/feeds"
)

// intelRoutes are the sector centre's intel and administration pages: feeds, indicators,
// sightings, the audit log and people.
func (p *Pages) intelRoutes() []route {
	rs := p.feedRoutes()
	rs = append(rs, p.indicatorRoutes()...)
	rs = append(rs, p.sightingRoutes()...)
	rs = append(rs, p.auditRoutes()...)
	return append(rs, p.peopleRoutes()...)
}

func (p *Pages) feedRoutes() []route {
	return []route{
		{"GET /feeds", p.feedList},
		{"GET /feeds/new", p.feedNew},
		{"POST /feeds", p.feedCreate},
		{"GET /feeds/{id}", p.feedDetail},
		{"POST /feeds/{id}", p.feedSave},
		{"POST /feeds/{id}/pull", p.feedPull},
		{"GET /feeds/{id}/delete", p.feedDeleteAsk},
		{"POST /feeds/{id}/delete", p.feedDelete},
		{"GET /jobs/{id}", p.jobDetail},
	}
}

// feedView is a feed as the pages show it. It has no credential fields at all, so no
// template can show one: only which kinds of credential are stored.
type feedView struct {
	ID                                  int64
	Name, Kind, KindName, Collection    string
	Address                             string // the URL with credentials redacted (vigil.RedactURL)
	Every                               string // the schedule in words
	TLP                                 vigil.TLP
	Grade                               string
	Enabled                             bool
	Status                              tag
	LastError                           string
	LastPullAt, LastSuccessAt, Created  time.Time
	Indicators                          int64
	Credentials                         []string // "a username", "a password", "a token": which are stored
	LastPull                            *outcome
	LeftOut                             []leftOut // what the last pull or upload left out, and why
	Pulled                              bool      // it is pulled from an address (not filled by uploads)
	reliability, credibility, scheduled string
}

func newFeedView(f vigil.Feed) feedView {
	v := feedView{ID: f.ID, Name: f.Name, Kind: f.Kind, KindName: feedKindName(f.Kind), Collection: f.Collection,
		Every: scheduleText(f.Schedule), TLP: f.TLP, Grade: f.Grade(), Enabled: f.Enabled, Status: feedStatus(f.Status),
		LastError: f.LastError, LastPullAt: f.LastPullAt, LastSuccessAt: f.LastSuccessAt, Created: f.CreatedAt,
		Indicators: f.Indicators, Pulled: f.Kind != vigil.FeedUpload, scheduled: f.Schedule.String()}
	if f.URL != "" {
		v.Address = vigil.RedactURL(f.URL)
	}
	if f.Reliability != 0 {
		v.reliability = string(f.Reliability)
	}
	if f.Credibility != 0 {
		v.credibility = strconv.Itoa(int(f.Credibility))
	}
	for _, c := range []struct {
		set  bool
		name string
	}{{f.Username != "", "a username"}, {f.Password != "", "a password"}, {f.Token != "", "a token"}} {
		if c.set {
			v.Credentials = append(v.Credentials, c.name)
		}
	}
	if v.LastPull = readOutcome(f.Counts); v.LastPull != nil {
		v.LeftOut = leftOutOf(&v.LastPull.Report)
	}
	return v
}

func feedKindName(kind string) string {
	switch kind {
	case vigil.FeedURL:
		return "List or CSV over HTTP(S)"
	case vigil.FeedMISPFeed:
		return "MISP feed"
	case vigil.FeedTAXII:
		return "TAXII 2.1 collection"
	case vigil.FeedUpload:
		return "Uploads only"
	}
	return kind
}

func feedStatus(s string) tag {
	switch s {
	case vigil.FeedOK:
		return tag{"Working", "nhsuk-tag--green"}
	case vigil.FeedError:
		return tag{"Failing", "nhsuk-tag--red"}
	}
	return tag{"Not pulled yet", "nhsuk-tag--grey"}
}

// choice is one option of a select.
type choice struct{ Value, Text string }

// scheduleChoices are the schedules the form offers; a feed set otherwise through the
// API keeps its own, added to the list.
var scheduleChoices = []choice{{"15m0s", "Every 15 minutes"}, {"1h0m0s", "Every hour"}, {"6h0m0s", "Every 6 hours"},
	{"24h0m0s", "Every day"}, {"168h0m0s", "Every week"}}

func scheduleText(d time.Duration) string {
	for _, c := range scheduleChoices {
		if c.Value == d.String() {
			return c.Text
		}
	}
	return "Every " + span(d)
}

var reliabilityChoices = []choice{{"", "Not graded"}, {"A", "A: completely reliable"}, {"B", "B: usually reliable"},
	{"C", "C: fairly reliable"}, {"D", "D: not usually reliable"}, {"E", "E: unreliable"}, {"F", "F: reliability cannot be judged"}}

var credibilityChoices = []choice{{"", "Not graded"}, {"1", "1: confirmed by other sources"}, {"2", "2: probably true"},
	{"3", "3: possibly true"}, {"4", "4: doubtful"}, {"5", "5: improbable"}, {"6", "6: truth cannot be judged"}}

var tlpChoices = []choice{{"", "Not set: keep the marking each indicator carries"}, {"CLEAR", "TLP:CLEAR"},
	{"GREEN", "TLP:GREEN"}, {"AMBER", "TLP:AMBER"}, {"AMBER+STRICT", "TLP:AMBER+STRICT"}, {"RED", "TLP:RED"}}

var kindChoices = []choice{{vigil.FeedURL, feedKindName(vigil.FeedURL)}, {vigil.FeedMISPFeed, feedKindName(vigil.FeedMISPFeed)},
	{vigil.FeedTAXII, feedKindName(vigil.FeedTAXII)}, {vigil.FeedUpload, feedKindName(vigil.FeedUpload)}}

// feedForm is the add or edit form: what the person typed, never a stored credential.
type feedForm struct {
	// ID is the feed's number; 0 on the add form.
	ID                                                    int64
	Name, Kind, URL, Collection, Schedule, TLP, Rel, Cred string
	Enabled                                               bool
	// Credentials are the kinds of credential stored (edit form only).
	Credentials []string
	// Feed is the feed being edited; nil on the add form.
	Feed *feedView
	// Choices for the selects.
	Kinds, Schedules, TLPs, Reliabilities, Credibilities []choice
	// Check is what the source answered to "Check the connection" (add form only), and
	// CheckLeftOut what a pull would leave out, and why.
	Check        *feeds.Check
	CheckLeftOut []leftOut
	// Retype asks for the credentials again: they were sent for the check, not kept.
	Retype bool
}

// withChoices fills the selects' options, adding the form's schedule when it is not
// one of the usual ones.
func (f feedForm) withChoices() feedForm {
	f.Kinds, f.TLPs, f.Reliabilities, f.Credibilities = kindChoices, tlpChoices, reliabilityChoices, credibilityChoices
	f.Schedules = scheduleChoices
	if d, err := time.ParseDuration(f.Schedule); err == nil && scheduleText(d) == "Every "+span(d) {
		f.Schedules = append([]choice{{d.String(), scheduleText(d)}}, scheduleChoices...)
	}
	return f
}

// editForm is the edit form of a stored feed.
func editForm(v feedView) feedForm {
	return feedForm{ID: v.ID, Name: v.Name, Kind: v.Kind, URL: v.Address, Collection: v.Collection,
		Schedule: v.scheduled, TLP: string(v.TLP), Rel: v.reliability, Cred: v.credibility, Enabled: v.Enabled,
		Credentials: v.Credentials, Feed: &v}.withChoices()
}

// readFeedForm reads the form's fields; the credentials are read by the handlers and
// never kept in the form.
func readFeedForm(r *http.Request) (feedForm, []fieldError) {
	f := feedForm{Name: strings.TrimSpace(r.PostFormValue("name")), Kind: r.PostFormValue("kind"),
		URL: strings.TrimSpace(r.PostFormValue("url")), Collection: strings.TrimSpace(r.PostFormValue("collection")),
		Schedule: r.PostFormValue("schedule"), TLP: r.PostFormValue("tlp"), Rel: r.PostFormValue("reliability"),
		Cred: r.PostFormValue("credibility"), Enabled: r.PostFormValue("enabled") == "on"}
	var errs []fieldError
	if _, err := time.ParseDuration(f.Schedule); err != nil {
		errs = append(errs, fieldError{"schedule", "Choose how often to pull the feed"})
	}
	if _, ok := vigil.ParseTLP(f.TLP); f.TLP != "" && !ok {
		errs = append(errs, fieldError{"tlp", "Choose a TLP marking from the list"})
	}
	if f.Rel != "" && (len(f.Rel) != 1 || f.Rel[0] < 'A' || f.Rel[0] > 'F') {
		errs = append(errs, fieldError{"reliability", "Choose the source's reliability from the list (A to F)"})
	}
	if c, err := strconv.Atoi(f.Cred); f.Cred != "" && (err != nil || c < 1 || c > 6) {
		errs = append(errs, fieldError{"credibility", "Choose the information's credibility from the list (1 to 6)"})
	}
	return f, errs
}

// terms are the form's schedule, marking and grade as the feed holds them; call after
// readFeedForm found no problem.
func (f feedForm) terms() (time.Duration, vigil.TLP, byte, uint8) {
	d, _ := time.ParseDuration(f.Schedule)
	t, _ := vigil.ParseTLP(f.TLP)
	var rel byte
	if f.Rel != "" {
		rel = f.Rel[0]
	}
	cred, _ := strconv.Atoi(f.Cred)
	return d, t, rel, uint8(cred)
}

// feedFieldOf guesses which field a refusal from the use case is about, for the error
// summary's link.
func feedFieldOf(err error) string {
	msg := strings.ToLower(vigil.ErrorMessage(err))
	for _, k := range []struct{ word, field string }{{"collection", "collection"}, {"url", "url"}, {"schedule", "schedule"},
		{"tlp", "tlp"}, {"reliability", "reliability"}, {"credibility", "credibility"}, {"kind", "kind"}} {
		if strings.Contains(msg, k.word) {
			return k.field
		}
	}
	return "name"
}

func (p *Pages) feedList(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	sort := vigil.FeedSort(q.Get("sort"))
	list, err := p.app.ThreatIntel.ListFeeds(r.Context(), pr, sort)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	d := feedsData{Query: q, Feeds: make([]feedView, len(list)),
		Heads: newSortHeads(r.URL.Path, q, sort.Or(), vigil.FeedByName, feedSortCols...)}
	for i, f := range list {
		d.Feeds[i] = newFeedView(f)
	}
	if q.Get("format") == "csv" {
		writeFeedsCSV(w, d.Feeds)
		return
	}
	p.render(w, r, http.StatusOK, "feeds.html", &view{Title: "Feeds", Data: d})
}

// feedsData is the list of feeds in the order ?sort= names.
type feedsData struct {
	Feeds []feedView
	Query url.Values
	// Heads are the column headers that sort the list.
	Heads sortHeads
}

// feedSortCols are the sorting columns of the list of feeds.
var feedSortCols = []sortCol[vigil.FeedSort]{
	{Name: "name", By: vigil.FeedByName, Asc: true},
	{Name: "last_pull", By: vigil.FeedByLastPull},
	{Name: "status", By: vigil.FeedByStatus, Asc: true},
}

// writeFeedsCSV writes the feeds as the list shows them (addresses redacted).
func writeFeedsCSV(w http.ResponseWriter, list []feedView) {
	cw := csvDownload(w, "feeds.csv", "id", "name", "kind", "url", "schedule", "tlp", "grade", "enabled", "status",
		"last_pull", "last_error", "indicators")
	for _, f := range list {
		_ = cw.Write([]string{strconv.FormatInt(f.ID, 10), csvSafe(f.Name), f.Kind, csvSafe(f.Address), f.Every,
			string(f.TLP), f.Grade, strconv.FormatBool(f.Enabled), f.Status.Text, csvTime(f.LastPullAt),
			csvSafe(f.LastError), strconv.FormatInt(f.Indicators, 10)})
	}
	cw.Flush()
}

// feedNew is the add form, for the roles CreateFeed allows (the same rule: the form is
// no use to anyone else).
func (p *Pages) feedNew(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err == nil {
		err = pr.Need(vigil.SectorRoles...)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	form := feedForm{Kind: vigil.FeedURL, Schedule: time.Hour.String(), Enabled: true}.withChoices()
	p.render(w, r, http.StatusOK, "feed_new.html", &view{Title: "Add a feed", Data: form})
}

func (p *Pages) feedCreate(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	form, errs := readFeedForm(r)
	if len(errs) > 0 {
		p.render(w, r, http.StatusUnprocessableEntity, "feed_new.html", &view{Title: "Add a feed", Errors: errs, Data: form.withChoices()})
		return
	}
	if r.PostFormValue("check") != "" {
		p.feedCheck(w, r, pr, form)
		return
	}
	sched, tlp, rel, cred := form.terms()
	f, err := p.app.ThreatIntel.CreateFeed(r.Context(), pr, vigil.Feed{Name: form.Name, Kind: form.Kind, URL: form.URL,
		Collection: form.Collection, Username: r.PostFormValue("username"), Password: r.PostFormValue("password"),
		Token: r.PostFormValue("token"), Schedule: sched, TLP: tlp, Reliability: rel, Credibility: cred, Enabled: form.Enabled})
	if code := vigil.ErrorCode(err); code == vigil.EINVALID || code == vigil.ECONFLICT {
		errs = errorOn(feedFieldOf(err), err)
		if r.PostFormValue("password") != "" || r.PostFormValue("token") != "" {
			errs = append(errs, fieldError{"password", "For your safety the credentials were not kept: enter them again"})
		}
		p.render(w, r, formStatus(code), "feed_new.html", &view{Title: "Add a feed", Errors: errs, Data: form.withChoices()})
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/feeds/"+strconv.FormatInt(f.ID, 10)+"?done=feed-added", http.StatusSeeOther)
}

// feedCheck shows the add form again with what the source answered, so an analyst can
// see a TAXII server's collections (and pick one) before adding the feed.
func (p *Pages) feedCheck(w http.ResponseWriter, r *http.Request, pr vigil.Principal, form feedForm) {
	c, err := p.app.ThreatIntel.CheckFeed(r.Context(), pr, vigil.Feed{Kind: form.Kind, URL: form.URL, Collection: form.Collection,
		Username: r.PostFormValue("username"), Password: r.PostFormValue("password"), Token: r.PostFormValue("token")})
	if code := vigil.ErrorCode(err); code == vigil.EINVALID {
		errs := errorOn(feedFieldOf(err), err)
		p.render(w, r, http.StatusUnprocessableEntity, "feed_new.html", &view{Title: "Add a feed", Errors: errs, Data: form.withChoices()})
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	form.Check, form.CheckLeftOut = &c, leftOutOf(c.Report)
	form.Retype = r.PostFormValue("username") != "" || r.PostFormValue("password") != "" || r.PostFormValue("token") != ""
	p.render(w, r, http.StatusOK, "feed_new.html", &view{Title: "Add a feed", Data: form.withChoices()})
}

// formStatus is the status of a form shown again after a refusal.
func formStatus(code string) int {
	if code == vigil.ECONFLICT {
		return http.StatusConflict
	}
	return http.StatusUnprocessableEntity
}

// getFeed reads the feed of the address for pr.
func (p *Pages) getFeed(r *http.Request) (vigil.Feed, error) {
	pr, id, err := principalAndID(r, "feed")
	if err != nil {
		return vigil.Feed{}, err
	}
	return p.app.ThreatIntel.GetFeed(r.Context(), pr, id)
}

func (p *Pages) feedDetail(w http.ResponseWriter, r *http.Request) {
	f, err := p.getFeed(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "feed.html", &view{Title: f.Name, Data: editForm(newFeedView(f))})
}

func (p *Pages) feedSave(w http.ResponseWriter, r *http.Request) {
	pr, id, err := principalAndID(r, "feed")
	if err != nil {
		p.fail(w, r, err)
		return
	}
	form, errs := readFeedForm(r)
	if len(errs) > 0 {
		p.feedRefused(w, r, form, errs)
		return
	}
	patch := feedPatch(r, form)
	f, err := p.app.ThreatIntel.UpdateFeed(r.Context(), pr, id, patch)
	if code := vigil.ErrorCode(err); code == vigil.EINVALID || code == vigil.ECONFLICT {
		p.feedRefused(w, r, form, errorOn(feedFieldOf(err), err))
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	done := "feed-saved"
	if r.PostFormValue("had_credentials") == "yes" && !f.HasCredentials() && r.PostFormValue("remove_credentials") != "on" {
		done = "feed-saved-credentials-dropped"
	}
	http.Redirect(w, r, "/feeds/"+strconv.FormatInt(f.ID, 10)+"?done="+done, http.StatusSeeOther)
}

// feedPatch is the change the edit form asks for. A credential field left empty keeps
// the stored one; the address shown (redacted) and sent back unchanged keeps the stored
// address with its keys (vigil.KeepRedactedURL).
func feedPatch(r *http.Request, form feedForm) vigil.FeedPatch {
	sched, tlp, rel, cred := form.terms()
	patch := vigil.FeedPatch{Name: &form.Name, URL: &form.URL, Collection: &form.Collection, Schedule: &sched, TLP: &tlp,
		Reliability: &rel, Credibility: &cred, Enabled: &form.Enabled}
	remove := r.PostFormValue("remove_credentials") == "on"
	for _, c := range []struct {
		dst  **string
		name string
	}{{&patch.Username, "username"}, {&patch.Password, "password"}, {&patch.Token, "token"}} {
		if v := r.PostFormValue(c.name); v != "" || remove {
			*c.dst = &v
		}
	}
	return patch
}

// feedRefused shows the feed's page again with the form as sent and what to change.
func (p *Pages) feedRefused(w http.ResponseWriter, r *http.Request, form feedForm, errs []fieldError) {
	f, err := p.getFeed(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	v := newFeedView(f)
	form.ID, form.Kind, form.Feed, form.Credentials = f.ID, f.Kind, &v, v.Credentials
	p.render(w, r, http.StatusUnprocessableEntity, "feed.html", &view{Title: f.Name, Errors: errs, Data: form.withChoices()})
}

// feedPull starts a pull as a job and waits a little for it: a quick pull's outcome is
// shown on the feed's page, a long one's progress on its job's page.
func (p *Pages) feedPull(w http.ResponseWriter, r *http.Request) {
	pr, id, err := principalAndID(r, "feed")
	if err != nil {
		p.fail(w, r, err)
		return
	}
	j, err := p.app.ThreatIntel.StartFeedPull(r.Context(), pr, id)
	if vigil.ErrorCode(err) == vigil.EINVALID {
		f, _ := p.app.ThreatIntel.GetFeed(r.Context(), pr, id)
		p.render(w, r, http.StatusUnprocessableEntity, "feed.html", &view{Title: f.Name,
			Errors: errorOn("pull", err), Data: editForm(newFeedView(f))})
		return
	}
	if err == nil {
		j, err = p.awaitJob(r, pr, j.ID)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	to := "/jobs/" + strconv.FormatInt(j.ID, 10)
	switch j.State {
	case vigil.JobDone:
		to = "/feeds/" + strconv.FormatInt(id, 10) + "?done=feed-pulled"
	case vigil.JobFailed:
		to = "/feeds/" + strconv.FormatInt(id, 10) + "?done=feed-pull-failed"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (p *Pages) feedDeleteAsk(w http.ResponseWriter, r *http.Request) {
	f, err := p.getFeed(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "feed_delete.html", &view{Title: "Delete " + f.Name, Data: newFeedView(f)})
}

func (p *Pages) feedDelete(w http.ResponseWriter, r *http.Request) {
	pr, id, err := principalAndID(r, "feed")
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if err := p.app.ThreatIntel.DeleteFeed(r.Context(), pr, id); err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/feeds?done=feed-deleted", http.StatusSeeOther)
}
