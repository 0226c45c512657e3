package pages

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/support"
)

func (p *Pages) supportRoutes() []route {
	return []route{
		{"GET /support", p.supportList},
		{"GET /support/new", p.supportNew},
		{"POST /support", p.supportAsk},
		{"GET /support/{id}", p.supportShow},
		{"POST /support/{id}/replies", p.supportReply},
		{"POST /support/{id}/close", p.supportClose},
	}
}

// supportTag is a request's status as a tag.
func supportTag(s vigil.SupportStatus) tag {
	switch s {
	case vigil.SupportOpen:
		return tag{"Waiting for help", "nhsuk-tag--yellow"}
	case vigil.SupportAnswered:
		return tag{"Answered", "nhsuk-tag--blue"}
	}
	return tag{"Closed", "nhsuk-tag--grey"}
}

var supportStatuses = []choice{{"", "Any"}, {string(vigil.SupportOpen), "Waiting for help"},
	{string(vigil.SupportAnswered), "Answered"}, {string(vigil.SupportClosed), "Closed"}}

// supportListData is a list of support requests: an LSO's queue or a provider's own.
type supportListData struct {
	Requests []vigil.SupportRequest
	Status   string
	Statuses []choice
	// CanAsk says the viewer may ask for help (a provider's people).
	CanAsk bool
}

func (p *Pages) supportList(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	status := r.URL.Query().Get("status")
	list, err := p.app.Support.List(r.Context(), pr, vigil.SupportFilter{Status: vigil.SupportStatus(status)})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "support_list.html", &view{Title: "Help requests", Data: supportListData{Requests: list,
		Status: status, Statuses: supportStatuses, CanAsk: p.canAsk(r, pr)}})
}

// canAsk reports whether pr may ask for help: a provider's people, not an LSO's.
func (p *Pages) canAsk(r *http.Request, pr vigil.Principal) bool {
	if pr.Role != vigil.RoleOrgAdmin && pr.Role != vigil.RoleOrgMember {
		return false
	}
	o, err := p.app.Orgs.Get(r.Context(), pr, pr.Org)
	return err == nil && o.Kind != vigil.OrgLSO
}

// supportForm is the ask-for-help form.
type supportForm struct {
	Subject, Body, Context string
}

func (p *Pages) supportNew(w http.ResponseWriter, r *http.Request) {
	if _, err := principal(r); err != nil {
		p.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	f := supportForm{Context: q.Get("context")}
	if item := q.Get("item"); item != "" {
		f.Subject = "Help with item " + item
	}
	p.render(w, r, http.StatusOK, "support_new.html", &view{Title: "Ask for help", Data: f})
}

func (p *Pages) supportAsk(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	f := supportForm{Subject: r.PostFormValue("subject"), Body: r.PostFormValue("body"), Context: r.PostFormValue("context")}
	req, err := p.app.Support.Ask(r.Context(), pr, support.Ask{Subject: f.Subject, Body: f.Body, Context: f.Context})
	var fe *vigil.FieldError
	if errors.As(err, &fe) || vigil.ErrorCode(err) == vigil.EINVALID {
		field := "subject"
		if fe != nil {
			field = fe.Field
		}
		p.render(w, r, http.StatusUnprocessableEntity, "support_new.html", &view{Title: "Ask for help",
			Errors: errorOn(field, err), Data: f})
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/support/"+strconv.FormatInt(req.ID, 10)+"?done=help-asked", http.StatusSeeOther)
}

// supportData is one request with its replies and the reply form.
type supportData struct {
	vigil.SupportRequest
	Reply string
}

func (p *Pages) supportShow(w http.ResponseWriter, r *http.Request) {
	p.showRequest(w, r, http.StatusOK, "", nil)
}

// requestFor is who asks about which request the address names, or shows why not (false).
func (p *Pages) requestFor(w http.ResponseWriter, r *http.Request) (vigil.Principal, int64, bool) {
	pr, err := principal(r)
	if err == nil {
		var id int64
		if id, err = pathID(r, "help request"); err == nil {
			return pr, id, true
		}
	}
	p.fail(w, r, err)
	return pr, 0, false
}

func (p *Pages) showRequest(w http.ResponseWriter, r *http.Request, status int, reply string, errs []fieldError) {
	pr, id, ok := p.requestFor(w, r)
	if !ok {
		return
	}
	req, err := p.app.Support.Get(r.Context(), pr, id)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, status, "support_request.html", &view{Title: "Help request " + strconv.FormatInt(id, 10) + ": " + req.Subject,
		Errors: errs, Data: supportData{SupportRequest: req, Reply: reply}})
}

func (p *Pages) supportReply(w http.ResponseWriter, r *http.Request) {
	p.supportAct(w, r, func(pr vigil.Principal, id int64) error {
		_, err := p.app.Support.Reply(r.Context(), pr, id, r.PostFormValue("reply"))
		return err
	}, "reply-sent")
}

func (p *Pages) supportClose(w http.ResponseWriter, r *http.Request) {
	p.supportAct(w, r, func(pr vigil.Principal, id int64) error {
		_, err := p.app.Support.Close(r.Context(), pr, id)
		return err
	}, "help-closed")
}

// supportAct runs act on the request the address names and goes back to it, or shows
// the request again with the problem.
func (p *Pages) supportAct(w http.ResponseWriter, r *http.Request, act func(vigil.Principal, int64) error, done string) {
	pr, id, ok := p.requestFor(w, r)
	if !ok {
		return
	}
	err := act(pr, id)
	if vigil.ErrorCode(err) == vigil.EINVALID {
		p.showRequest(w, r, http.StatusUnprocessableEntity, r.PostFormValue("reply"),
			[]fieldError{{"reply", capitalise(strings.Replace(vigil.ErrorMessage(err), "the reply", "your reply", 1))}})
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/support/"+strconv.FormatInt(id, 10)+"?done="+done, http.StatusSeeOther)
}
