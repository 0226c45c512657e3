package vigil

import (
	"net/url"
	"regexp"
	"strings"
)

// URLSecrets are the parts of u a message must not quote: its password, each value of
// its query (the query whole when it is one bare word, "?KEY"), and its fragment, as
// RedactURL hides them.
func URLSecrets(u *url.URL) []string {
	if u == nil {
		return nil
	}
	var out []string
	add := func(v string) { out = append(out, v) }
	if pw, ok := u.User.Password(); ok {
		add(pw)
	}
	for _, pair := range strings.FieldsFunc(u.RawQuery, func(r rune) bool { return r == '&' || r == ';' }) {
		_, v, found := strings.Cut(pair, "=")
		if !found {
			v = pair
		}
		add(v)
		if dec, err := url.QueryUnescape(v); err == nil && dec != v {
			add(dec)
		}
	}
	add(u.Fragment)
	return out
}

// urlInText finds the http(s) URLs in a message, up to the first character that would
// end one there: space, quote, angle bracket or backslash (a %q-quoted text's escapes).
var urlInText = regexp.MustCompile(`(?i)\bhttps?://[^\s"'<>\\]+`)

// HideSecrets returns err unchanged, or, when its text quotes one of secrets (of at
// least minSecret bytes) or a URL
// with a query, user info or fragment, an error that reads the same with those hidden
// (the URL as RedactURL shows it, each secret, raw or escaped, as "…") and wraps err, so
// that errors.Is and errors.As still find the failure. A request's error can quote what
// the server sent back, a redirect's Location header that did not parse or a malformed
// header line, and a source may echo the request's own query there; the error's text
// reaches logs, pages and the API.
func HideSecrets(err error, secrets []string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	clean := hideInText(msg, secrets)
	if clean == msg {
		return err
	}
	return &hiddenError{msg: clean, err: err}
}

// minSecret is the shortest secret hideInText hides: hiding "1" or "csv" (a query's
// format=csv) wherever it appears would garble the message and protect nothing.
const minSecret = 4

// hideInText is text with every URL redacted and every secret, in each form a message
// may quote it, replaced by "…".
func hideInText(text string, secrets []string) string {
	text = urlInText.ReplaceAllStringFunc(text, RedactURL)
	for _, s := range secrets {
		if len(s) < minSecret {
			continue
		}
		for _, form := range []string{s, url.QueryEscape(s), url.PathEscape(s)} {
			text = strings.ReplaceAll(text, form, "…")
		}
	}
	return text
}

// hiddenError is an error whose text was cleaned of secrets (HideSecrets).
type hiddenError struct {
	msg string
	err error
}

// Error is the cleaned text.
func (e *hiddenError) Error() string { return e.msg }

// Unwrap returns the failure, for errors.Is and errors.As; its own text is not cleaned,
// so nothing should print what errors.As finds in it without its own redaction.
func (e *hiddenError) Unwrap() error { return e.err }
