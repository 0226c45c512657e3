package pages

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/accounts"
	"github.com/vigil-health/vigil/internal/api"
)

func (p *Pages) sessionRoutes() []route {
	return []route{
		{"GET /{$}", p.home},
		{"POST /sign-in", p.signIn},
		{"POST /sign-out", p.signOut},
	}
}

// signInForm is the sign-in page's content.
type signInForm struct {
	Email string
	Next  string
}

// home shows the sign-in form to someone signed out, and their role's home page to
// someone signed in.
func (p *Pages) home(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.render(w, r, http.StatusOK, "signin.html", &view{Title: "Sign in", Data: signInForm{Next: safeNext(r.URL.Query().Get("next"))}})
		return
	}
	switch pr.Role {
	case vigil.RoleSectorAdmin, vigil.RoleSectorAnalyst:
		p.sectorHome(w, r, pr)
	case vigil.RoleSupplier:
		p.supplierHome(w, r, pr)
	default:
		p.orgHome(w, r, pr)
	}
}

// signIn checks the form, starts a session with a new id (the old cookie, if any, is
// replaced) and goes where the person was going.
func (p *Pages) signIn(w http.ResponseWriter, r *http.Request) {
	email, password := strings.TrimSpace(r.PostFormValue("email")), r.PostFormValue("password")
	form := signInForm{Email: email, Next: safeNext(r.PostFormValue("next"))}
	var errs []fieldError
	if email == "" {
		errs = append(errs, fieldError{"email", "Enter your email address"})
	}
	if password == "" {
		errs = append(errs, fieldError{"password", "Enter your password"})
	}
	if len(errs) > 0 {
		p.render(w, r, http.StatusBadRequest, "signin.html", &view{Title: "Sign in", Errors: errs, Data: form})
		return
	}
	ses, err := p.app.Accounts.SignIn(r.Context(), email, password, api.ClientIPFrom(r.Context()))
	if err != nil {
		p.signInFailed(w, r, form, err)
		return
	}
	http.SetCookie(w, p.cookie(r, ses.ID, ses.ExpiresAt))
	next := form.Next
	if next == "" {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// signInFailed shows the form again with what went wrong; it never says whether the
// address has an account.
func (p *Pages) signInFailed(w http.ResponseWriter, r *http.Request, form signInForm, err error) {
	var th *accounts.ThrottledError
	status, field, msg := http.StatusUnauthorized, "email", "The email address or password is not right. Check them and try again."
	switch {
	case errors.As(err, &th):
		w.Header().Set("Retry-After", retryAfter(th.RetryAfter))
		status, msg = http.StatusTooManyRequests, th.Message
	case vigil.ErrorCode(err) == vigil.EINVALID:
		status, msg = http.StatusBadRequest, vigil.ErrorMessage(err)
	case vigil.ErrorCode(err) != vigil.EUNAUTHORIZED:
		p.fail(w, r, err)
		return
	}
	p.render(w, r, status, "signin.html", &view{Title: "Sign in", Errors: []fieldError{{field, msg}}, Data: form})
}

// signOut ends the session and its cookie.
func (p *Pages) signOut(w http.ResponseWriter, r *http.Request) {
	if pr, err := principal(r); err == nil {
		if c, err := r.Cookie(api.SessionCookie); err == nil {
			if err := p.app.Accounts.SignOut(r.Context(), pr, c.Value); err != nil {
				p.fail(w, r, err)
				return
			}
		}
	}
	http.SetCookie(w, p.cookie(r, "", time.Time{}))
	http.Redirect(w, r, "/?done=signed-out", http.StatusSeeOther)
}

// cookie is the session cookie carrying id, or ending the session when id is empty;
// the same cookie the API's sign-in sets.
func (p *Pages) cookie(r *http.Request, id string, expires time.Time) *http.Cookie {
	c := &http.Cookie{Name: api.SessionCookie, Value: id, Path: "/", Expires: expires, HttpOnly: true,
		Secure: p.deps.SecureCookies || api.SecureFrom(r.Context()), SameSite: http.SameSiteLaxMode}
	if id == "" {
		c.MaxAge = -1
	}
	return c
}

// safeNext keeps a post-sign-in destination only when it is a path on this site, so a
// link cannot send someone elsewhere after they sign in.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return ""
	}
	return next
}

// retryAfter is d in whole seconds, rounded up, for a Retry-After header.
func retryAfter(d time.Duration) string {
	return strconv.Itoa(int((d + time.Second - 1) / time.Second))
}
