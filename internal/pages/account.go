package pages

import (
	"errors"
	"net/http"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/accounts"
	"github.com/vigil-health/vigil/internal/api"
)

func (p *Pages) accountRoutes() []route {
	return []route{
		{"GET /account", p.account},
		{"POST /account/password", p.accountPassword},
		{"POST /account/tokens", p.tokenCreate},
		{"POST /account/tokens/{id}/revoke", p.tokenRevoke},
	}
}

// accountData is the account page: who the person is, their API tokens, and the forms
// to change the password and make a token.
type accountData struct {
	User vigil.User
	// OrgName is the name of the person's organisation; empty for the sector centre.
	OrgName string
	Tokens  []vigil.Token
	// TokensOf is the organisation whose tokens a sector admin listed; empty for one's own.
	TokensOf string
	// SectorAdmin may list an organisation's tokens and revoke any.
	SectorAdmin bool
	// SensorOrg is the organisation whose sensor tokens the person manages (an
	// org_admin's own): they are listed with the person's, and the form can make one.
	SensorOrg string
	// TokenName is what the create-token form had, shown again when it was refused.
	TokenName string
}

// account shows who the person is, the password form and their API tokens; a sector
// admin may list an organisation's tokens instead (?org=).
func (p *Pages) account(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	d, err := p.accountFor(r, pr, r.URL.Query().Get("org"))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "account.html", &view{Title: "Your account", Data: d})
}

// accountFor reads what the account page shows pr.
func (p *Pages) accountFor(r *http.Request, pr vigil.Principal, org string) (accountData, error) {
	ctx := r.Context()
	u, err := p.app.Accounts.Me(ctx, pr)
	if err != nil {
		return accountData{}, err
	}
	d := accountData{User: u, TokensOf: org, SectorAdmin: pr.Role == vigil.RoleSectorAdmin}
	if pr.Role == vigil.RoleOrgAdmin {
		d.SensorOrg = pr.Org
	}
	if u.Org != "" {
		if o, err := p.app.Orgs.Get(ctx, pr, u.Org); err == nil {
			d.OrgName = o.Name
		}
	}
	d.Tokens, err = p.app.Accounts.ListTokens(ctx, pr, org, false)
	return d, err
}

// renderAccount shows the account page again with a form's problems.
func (p *Pages) renderAccount(w http.ResponseWriter, r *http.Request, pr vigil.Principal, status int, errs []fieldError, tokenName string) {
	d, err := p.accountFor(r, pr, "")
	if err != nil {
		p.fail(w, r, err)
		return
	}
	d.TokenName = tokenName
	p.render(w, r, status, "account.html", &view{Title: "Your account", Errors: errs, Data: d})
}

// accountPassword changes the person's password. Every other session of theirs ends,
// and this browser carries on with the new session the change started.
func (p *Pages) accountPassword(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	current, next, confirm := r.PostFormValue("current-password"), r.PostFormValue("new-password"), r.PostFormValue("confirm-password")
	var errs []fieldError
	if current == "" {
		errs = append(errs, fieldError{"current-password", "Enter your current password"})
	}
	if next == "" {
		errs = append(errs, fieldError{"new-password", "Enter a new password"})
	} else if confirm != next {
		errs = append(errs, fieldError{"confirm-password", "The two new passwords are not the same: type the new password twice"})
	}
	if len(errs) > 0 {
		p.renderAccount(w, r, pr, http.StatusUnprocessableEntity, errs, "")
		return
	}
	ses, err := p.app.Accounts.ChangePassword(r.Context(), pr, current, next, api.ClientIPFrom(r.Context()))
	if err != nil {
		p.passwordRefused(w, r, pr, err)
		return
	}
	http.SetCookie(w, p.cookie(r, ses.ID, ses.ExpiresAt))
	http.Redirect(w, r, "/account?done=password-changed", http.StatusSeeOther)
}

// passwordRefused shows why a password change was refused, beside the field to fix.
func (p *Pages) passwordRefused(w http.ResponseWriter, r *http.Request, pr vigil.Principal, err error) {
	var th *accounts.ThrottledError
	switch {
	case errors.As(err, &th):
		w.Header().Set("Retry-After", retryAfter(th.RetryAfter))
		p.renderAccount(w, r, pr, http.StatusTooManyRequests, []fieldError{{"current-password", capitalise(th.Message)}}, "")
	case errors.Is(err, accounts.ErrWrongPassword):
		p.renderAccount(w, r, pr, http.StatusUnprocessableEntity, errorOn("current-password", err), "")
	case vigil.ErrorCode(err) == vigil.EINVALID:
		p.renderAccount(w, r, pr, http.StatusUnprocessableEntity, errorOn("new-password", err), "")
	default:
		p.fail(w, r, err)
	}
}

// capitalise starts a use case's message, written to follow "error: ", as a sentence.
func capitalise(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
