package pages

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/accounts"
)

// tokenLifetimes are the choices the create-token form offers, by form value; a token
// that never expires is the API's default, so it stays a choice, but not the first.
var tokenLifetimes = map[string]time.Duration{"30": 30 * 24 * time.Hour, "90": 90 * 24 * time.Hour, "365": 365 * 24 * time.Hour, "never": 0}

// tokenCreatedData is the page that shows a new token, the only time it is shown.
type tokenCreatedData struct {
	Secret string
	Token  vigil.Token
}

// tokenCreate makes an API token that acts as the person, or a sensor token for an
// org_admin's organisation, and shows it once. The page
// is the answer to the form itself, not a redirect, so that the token is in no address
// and no history entry; pages are never cached (Cache-Control: no-store).
func (p *Pages) tokenCreate(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	name := strings.TrimSpace(r.PostFormValue("token-name"))
	life, ok := tokenLifetimes[r.PostFormValue("token-expires")]
	var errs []fieldError
	if name == "" {
		errs = append(errs, fieldError{"token-name", "Enter what the token is for, such as the name of the tool that will use it"})
	} else if len([]rune(name)) > 100 {
		errs = append(errs, fieldError{"token-name", "Use at most 100 characters to say what the token is for"})
	}
	if !ok {
		errs = append(errs, fieldError{"token-expires", "Choose when the token stops working"})
	}
	if len(errs) > 0 {
		p.renderAccount(w, r, pr, http.StatusUnprocessableEntity, errs, name)
		return
	}
	req := accounts.TokenRequest{Name: name, Sensor: r.PostFormValue("token-kind") == "sensor"}
	if life > 0 {
		req.ExpiresAt = time.Now().Add(life)
	}
	secret, t, err := p.app.Accounts.CreateToken(r.Context(), pr, req)
	if vigil.ErrorCode(err) == vigil.EINVALID {
		p.renderAccount(w, r, pr, http.StatusUnprocessableEntity, errorOn("token-name", err), name)
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	title := "Your new API token"
	if t.SensorOrg != "" {
		title = "Your new sensor token"
	}
	p.render(w, r, http.StatusCreated, "token_created.html", &view{Title: title,
		Data: tokenCreatedData{Secret: secret, Token: t}})
}

// tokenRevoke revokes one of the person's tokens, one of an org_admin's organisation's
// sensor tokens, or any for a sector admin; another person's token is not found.
func (p *Pages) tokenRevoke(w http.ResponseWriter, r *http.Request) {
	pr, id, err := principalAndID(r, "token")
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if err := p.app.Accounts.RevokeToken(r.Context(), pr, id); err != nil {
		p.fail(w, r, err)
		return
	}
	q := url.Values{}
	if org := r.PostFormValue("org"); org != "" && pr.Role == vigil.RoleSectorAdmin {
		q.Set("org", org) // back to the organisation's list the admin revoked it from
	}
	http.Redirect(w, r, withQuery("/account", q, "done", "token-revoked"), http.StatusSeeOther)
}
