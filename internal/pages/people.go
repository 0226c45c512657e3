package pages

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/accounts"
)

func (p *Pages) peopleRoutes() []route {
	return []route{
		{"GET /users", p.userList},
		{"GET /users/new", p.userNew},
		{"POST /users", p.userAdd},
		{"POST /users/disable", p.userDisable},
		{"POST /users/enable", p.userEnable},
		{"POST /users/password", p.userResetPassword},
	}
}

// userListData is a page of accounts with the filters that chose it.
type userListData struct {
	Users []vigil.User
	Query url.Values
	Next  string // the next page's address; empty on the last page
	Roles []choice
	// Me is the viewer's account number: nobody disables their own account.
	Me int64
	// Heads are the column headers that sort the list.
	Heads sortHeads
}

// userSortCols are the sorting columns of the list of people.
var userSortCols = []sortCol[vigil.UserSort]{
	{Name: "name", By: vigil.UserByName, Asc: true},
	{Name: "email", By: vigil.UserByEmail, Asc: true},
	{Name: "role", By: vigil.UserByRole, Asc: true},
	{Name: "org", By: vigil.UserByOrg, Asc: true},
	{Name: "added", By: vigil.UserByNewest},
	{Name: "last_sign_in", By: vigil.UserByLastSignIn},
}

// roleChoices are the roles a person may have, as a select offers them.
func roleChoices(any string) []choice {
	out := []choice{}
	if any != "" {
		out = append(out, choice{"", any})
	}
	for _, r := range vigil.People {
		out = append(out, choice{string(r), roleName(r)})
	}
	return out
}

// userList lists the accounts in the order ?sort= names; ?format=csv downloads the page
// in that order.
func (p *Pages) userList(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	f := vigil.UserFilter{Email: q.Get("email"), Role: vigil.Role(q.Get("role")), Org: q.Get("org"),
		Sort: vigil.UserSort(q.Get("sort")), Cursor: q.Get("cursor")}
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	if err := f.Sort.Check(); err != nil {
		p.fail(w, r, err)
		return
	}
	d := userListData{Query: q, Roles: roleChoices("Any role"), Me: pr.UserID,
		Heads: newSortHeads(r.URL.Path, q, f.Sort.Or(), vigil.UserByEmail, userSortCols...)}
	list, next, err := p.app.Accounts.ListUsers(r.Context(), pr, f)
	if vigil.ErrorCode(err) == vigil.EINVALID {
		p.render(w, r, http.StatusBadRequest, "users.html", &view{Title: "People",
			Errors: errorOn(filterField(err, "role", "cursor"), err), Data: d})
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if q.Get("format") == "csv" {
		writeUsersCSV(w, list)
		return
	}
	d.Users = list
	if next != "" {
		d.Next = withQuery(r.URL.Path, q, "cursor", next)
	}
	p.render(w, r, http.StatusOK, "users.html", &view{Title: "People", Data: d})
}

// writeUsersCSV writes the accounts as the page shows them.
func writeUsersCSV(w http.ResponseWriter, list []vigil.User) {
	cw := csvDownload(w, "people.csv", "email", "name", "role", "organisation", "disabled", "created_at", "last_sign_in")
	for _, u := range list {
		_ = cw.Write([]string{csvSafe(u.Email), csvSafe(u.Name), string(u.Role), u.Org, strconv.FormatBool(u.Disabled), csvTime(u.CreatedAt),
			csvTime(u.LastSignIn)})
	}
	cw.Flush()
}

// userForm is the add-a-person form as typed.
type userForm struct {
	Email, Name, Role, Org string
	Roles                  []choice
}

// userNew is the add-a-person form, for the role AddUser allows.
func (p *Pages) userNew(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err == nil {
		err = pr.Need(vigil.RoleSectorAdmin)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "user_new.html", &view{Title: "Add a person",
		Data: userForm{Role: string(vigil.RoleOrgMember), Roles: roleChoices("")}})
}

// newPassword is the page that shows a password once: to a new person, or after a reset.
type newPassword struct {
	User     vigil.User
	Password string
	// Added is true for a new account, false for a reset.
	Added bool
}

// userAdd makes the account with a generated password and shows it once: the
// administrator hands it over by another way than the person's email (in person, by
// phone), and the person changes it after signing in.
func (p *Pages) userAdd(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	form := userForm{Email: strings.TrimSpace(r.PostFormValue("email")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Role: r.PostFormValue("role"), Org: strings.TrimSpace(r.PostFormValue("org")), Roles: roleChoices("")}
	var errs []fieldError
	if form.Email == "" {
		errs = append(errs, fieldError{"email", "Enter the person's email address"})
	}
	if form.Name == "" {
		errs = append(errs, fieldError{"name", "Enter the person's name"})
	}
	if len(errs) > 0 {
		p.render(w, r, http.StatusUnprocessableEntity, "user_new.html", &view{Title: "Add a person", Errors: errs, Data: form})
		return
	}
	password := accounts.NewPassword()
	u, err := p.app.Accounts.AddUser(r.Context(), pr, vigil.NewUser{Email: form.Email, Name: form.Name,
		Role: vigil.Role(form.Role), Org: form.Org, Password: password})
	if code := vigil.ErrorCode(err); code == vigil.EINVALID || code == vigil.ECONFLICT {
		p.render(w, r, formStatus(code), "user_new.html", &view{Title: "Add a person",
			Errors: errorOn(userFieldOf(err), err), Data: form})
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusCreated, "user_password.html", &view{Title: "Person added",
		Data: newPassword{User: u, Password: password, Added: true}})
}

// userFieldOf guesses which field of the add form a refusal is about.
func userFieldOf(err error) string {
	msg := strings.ToLower(vigil.ErrorMessage(err))
	switch {
	case strings.Contains(msg, "organisation"):
		return "org"
	case strings.Contains(msg, "role"):
		return "role"
	case strings.Contains(msg, "name") && !strings.Contains(msg, "email"):
		return "name"
	}
	return "email"
}

func (p *Pages) userDisable(w http.ResponseWriter, r *http.Request) { p.setDisabled(w, r, true) }
func (p *Pages) userEnable(w http.ResponseWriter, r *http.Request)  { p.setDisabled(w, r, false) }

// setDisabled disables or enables the account the form names and goes back to the list.
func (p *Pages) setDisabled(w http.ResponseWriter, r *http.Request, disabled bool) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if _, err := p.app.Accounts.SetDisabled(r.Context(), pr, r.PostFormValue("email"), disabled); err != nil {
		p.fail(w, r, err)
		return
	}
	done := "user-enabled"
	if disabled {
		done = "user-disabled"
	}
	http.Redirect(w, r, "/users?done="+done, http.StatusSeeOther)
}

// userResetPassword gives the account the form names a generated password, ends its
// sessions, and shows the password once.
func (p *Pages) userResetPassword(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	password := accounts.NewPassword()
	u, err := p.app.Accounts.ResetPassword(r.Context(), pr, r.PostFormValue("email"), password)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "user_password.html", &view{Title: "New password", Data: newPassword{User: u, Password: password}})
}
