package pages

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/posture"
	"github.com/vigil-health/vigil/internal/posture/frameworks"
)

func (p *Pages) postureRoutes() []route {
	return []route{
		{"GET /posture", p.postureSummary},
		{"GET /posture/plan", p.planShow},
		{"GET /posture/plan/edit", p.planEdit},
		{"POST /posture/plan", p.planSave},
		{"GET /posture/assessment", p.postureFramework},
		// The framework and item are query parameters rather than path elements, so that
		// every framework's and every item's page is one kind of page (one address shape
		// for the tests that open each kind of page).
		{"GET /posture/item", p.postureItem},
		{"POST /posture/item", p.postureItemSave},
		{"GET /posture/evidence", p.evidenceDownload},
		{"POST /posture/evidence", p.evidenceUpload},
	}
}

// statusTag is a posture status as a coloured tag.
func statusTag(s vigil.PostureStatus) tag {
	switch s {
	case vigil.StandardsMet:
		return tag{string(s), "nhsuk-tag--green"}
	case vigil.StandardsApproaching:
		return tag{string(s), "nhsuk-tag--yellow"}
	}
	return tag{string(s), "nhsuk-tag--red"}
}

// gradeTag is an item's grade as a coloured tag.
func gradeTag(g vigil.Grade) tag {
	switch g {
	case vigil.GradeDone, vigil.GradeAchieved:
		return tag{g.Label(), "nhsuk-tag--green"}
	case vigil.GradeInProgress, vigil.GradePartial:
		return tag{g.Label(), "nhsuk-tag--yellow"}
	case vigil.GradeNotDone, vigil.GradeNotAchieved:
		return tag{g.Label(), "nhsuk-tag--red"}
	}
	return tag{g.Label(), "nhsuk-tag--grey"}
}

// orgParam is the organisation a posture page is about: ?org= for sector roles, the
// viewer's own otherwise.
func orgParam(r *http.Request, pr vigil.Principal) string {
	if sectorRole(pr) {
		return strings.TrimSpace(r.URL.Query().Get("org"))
	}
	return pr.Org
}

// canAnswer reports whether pr may answer items and edit the plan.
func canAnswer(pr vigil.Principal) bool {
	return pr.Role == vigil.RoleSectorAdmin || pr.Role == vigil.RoleOrgAdmin || pr.Role == vigil.RoleOrgMember
}

// postureSummaryData is the posture home: the score on each framework.
type postureSummaryData struct {
	Org        string
	Scores     []vigil.PostureScore
	Frameworks []frameworks.Framework
	// Ask says the sector viewer must name an organisation first.
	Ask bool
}

func (p *Pages) postureSummary(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	d := postureSummaryData{Org: orgParam(r, pr), Frameworks: frameworks.All()}
	if d.Org == "" && sectorRole(pr) {
		d.Ask = true
		p.render(w, r, http.StatusOK, "posture.html", &view{Title: "Security posture", Data: d})
		return
	}
	if d.Scores, err = p.app.Posture.Summary(r.Context(), pr, d.Org); err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "posture.html", &view{Title: "Security posture", Data: d})
}

// postureData is one framework's checklist and score.
type postureData struct {
	posture.Assessment
	CanAnswer bool
}

// Sections are the framework's sections with their scored items, for the template.
func (d postureData) Sections() []sectionView {
	by := map[string]frameworks.ItemResult{}
	for _, it := range d.Result.Items {
		by[it.Item.ID] = it
	}
	var out []sectionView
	for _, s := range d.Framework.Sections {
		sv := sectionView{Section: s}
		for _, g := range s.Groups {
			gv := groupView{Group: g}
			for _, it := range g.Items {
				gv.Items = append(gv.Items, by[it.ID])
			}
			sv.Groups = append(sv.Groups, gv)
		}
		out = append(out, sv)
	}
	return out
}

type sectionView struct {
	frameworks.Section
	Groups []groupView
}

type groupView struct {
	frameworks.Group
	Items []frameworks.ItemResult
}

func (p *Pages) postureFramework(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	a, err := p.app.Posture.Assessment(r.Context(), pr, orgParam(r, pr), frameworkParam(r))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "posture_framework.html", &view{Title: a.Framework.Title,
		Data: postureData{Assessment: a, CanAnswer: canAnswer(pr)}})
}

// itemData is the form that answers one item: the item as scored, and what was typed.
type itemData struct {
	Org       string
	Framework frameworks.Framework
	Item      frameworks.ItemResult
	Grades    []vigil.Grade
	Form      itemForm
	MaxFile   string // the evidence file cap, in words
}

type itemForm struct {
	Grade, Evidence, Owner, ReviewDate string
}

func (p *Pages) postureItem(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	d, err := p.itemPage(r, pr)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	d.Form = answerForm(d.Item.Answer)
	p.render(w, r, http.StatusOK, "posture_item.html", &view{Title: "Item " + d.Item.Item.ID, Data: d})
}

// answerForm is the form filled in with an answer as it stands.
func answerForm(a vigil.PostureAnswer) itemForm {
	f := itemForm{Grade: string(a.Grade), Evidence: a.Evidence, Owner: a.Owner}
	if !a.ReviewDate.IsZero() {
		f.ReviewDate = a.ReviewDate.Format("2006-01-02")
	}
	return f
}

// itemPage reads the item the address names, scored for the organisation.
func (p *Pages) itemPage(r *http.Request, pr vigil.Principal) (itemData, error) {
	a, err := p.app.Posture.Assessment(r.Context(), pr, orgParam(r, pr), frameworkParam(r))
	if err != nil {
		return itemData{}, err
	}
	for _, it := range a.Result.Items {
		if it.Item.ID == itemParam(r) {
			return itemData{Org: a.Org.ODSCode, Framework: a.Framework, Item: it, Grades: a.Framework.Scale.Grades(),
				MaxFile: vigil.SizeWords(p.app.Posture.MaxEvidenceBytes())}, nil
		}
	}
	return itemData{}, vigil.Errorf(vigil.ENOTFOUND, "there is no item %q in %s", itemParam(r), a.Framework.Title)
}

func (p *Pages) postureItemSave(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	f := itemForm{Grade: r.PostFormValue("grade"), Evidence: r.PostFormValue("evidence"), Owner: r.PostFormValue("owner"),
		ReviewDate: r.PostFormValue("review_date")}
	org, fw, item := orgParam(r, pr), frameworkParam(r), itemParam(r)
	_, err = p.app.Posture.SetAnswer(r.Context(), pr, posture.Answer{Org: org, Framework: fw, Item: item,
		Grade: vigil.Grade(f.Grade), Evidence: f.Evidence, Owner: f.Owner, ReviewDate: f.ReviewDate})
	var fe *vigil.FieldError
	if errors.As(err, &fe) {
		d, derr := p.itemPage(r, pr)
		if derr != nil {
			p.fail(w, r, derr)
			return
		}
		d.Form = f
		p.render(w, r, http.StatusUnprocessableEntity, "posture_item.html", &view{Title: "Item " + item,
			Errors: errorOn(fe.Field, err), Data: d})
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/posture/assessment?framework="+url.QueryEscape(fw)+"&org="+url.QueryEscape(org)+"&done=answer-saved#item-"+url.QueryEscape(item), http.StatusSeeOther)
}

// itemParam is the item an item page is about.
func itemParam(r *http.Request) string { return r.URL.Query().Get("id") }

// frameworkParam is the framework a posture page is about.
func frameworkParam(r *http.Request) string { return r.URL.Query().Get("framework") }

// formatDay is a date without a time, as on a review date.
func formatDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2 January 2006")
}
