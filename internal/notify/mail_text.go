package notify

import (
	"bytes"
	"fmt"
	"html/template"
	"strconv"
	"strings"

	mail "github.com/wneessen/go-mail"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/ioc"
)

// marking is the TLP an entry is sent under: its own, else AMBER, the marking of an
// organisation's own business when nothing says otherwise.
func marking(t vigil.TLP) vigil.TLP {
	if t == "" {
		return vigil.TLPAmber
	}
	return t
}

// link is where a message points people: the alert, or the list of alerts for a
// message about several; empty without a base URL.
func (s *Service) link(e vigil.OutboxEntry) string {
	if s.baseURL == "" {
		return ""
	}
	base := strings.TrimRight(s.baseURL, "/")
	if e.AlertID != 0 {
		return base + "/alerts/" + strconv.FormatInt(e.AlertID, 10)
	}
	return base + "/alerts"
}

// from is the sender address: the configured one, or vigil@ the base URL's host (or
// localhost) for .eml files written without one.
func (s *Service) from() string {
	if s.mail.From != "" {
		return s.mail.From
	}
	host := "localhost"
	if u := strings.TrimPrefix(strings.TrimPrefix(s.baseURL, "https://"), "http://"); u != "" {
		host, _, _ = strings.Cut(u, "/")
		host, _, _ = strings.Cut(host, ":")
	}
	return "vigil@" + host
}

// messageID is the Message-ID of entry id: the same on every try and for every
// recipient, so that a receiver that got it once drops a repeat.
func (s *Service) messageID(id int64) string {
	_, domain, ok := strings.Cut(s.from(), "@")
	if !ok || domain == "" {
		domain = "localhost"
	}
	domain = strings.Trim(domain, "<> ")
	return "vigil-outbox-" + strconv.FormatInt(id, 10) + "@" + domain
}

// message is the e-mail of entry e to one recipient: the marking in the subject and at
// the top of both parts, the plain text and an HTML alternative, the link to the alert.
// The indicators its words quote are defanged.
func (s *Service) message(e vigil.OutboxEntry, to string) (*mail.Msg, error) {
	e.Subject, e.Body = ioc.Defang(e.Subject), ioc.Defang(e.Body)
	m := mail.NewMsg()
	if err := m.From(s.from()); err != nil {
		return nil, fmt.Errorf("sender %q: %w", s.from(), err)
	}
	if err := m.To(to); err != nil {
		return nil, fmt.Errorf("recipient %q: %w", to, err)
	}
	tlp := marking(e.TLP)
	m.Subject("[TLP:" + string(tlp) + "] " + oneLine(e.Subject))
	m.SetMessageIDWithValue(s.messageID(e.ID))
	m.SetDateWithValue(e.CreatedAt)
	// An automatic message: no out-of-office replies to it (RFC 3834).
	m.SetGenHeader(mail.Header("Auto-Submitted"), "auto-generated")
	m.SetGenHeader(mail.Header("X-Auto-Response-Suppress"), "All")
	m.SetGenHeader(mail.Header("X-Vigil-TLP"), "TLP:"+string(tlp))
	m.SetGenHeader(mail.Header("X-Vigil-Outbox"), strconv.FormatInt(e.ID, 10))
	link := s.link(e)
	m.SetBodyString(mail.TypeTextPlain, plainBody(e, tlp, link))
	html, err := htmlBody(e, tlp, link)
	if err != nil {
		return nil, err
	}
	m.AddAlternativeString(mail.TypeTextHTML, html)
	return m, nil
}

// oneLine folds line breaks and other control characters into spaces: a subject comes
// from alert titles, which quote outside intel, and it is one line in every mail
// program. (go-mail also encodes what it is given; this does not rely on it.)
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }), " ")
}

// plainBody is the text part: the marking first (as TLP 2.0 asks), the message, the link.
func plainBody(e vigil.OutboxEntry, tlp vigil.TLP, link string) string {
	var b strings.Builder
	b.WriteString("TLP:" + string(tlp) + "\n\n")
	b.WriteString(strings.TrimSpace(e.Body))
	b.WriteString("\n\n")
	if link != "" {
		b.WriteString(linkText(e) + ": " + link + "\n\n")
	}
	b.WriteString("-- \nSent by vigil for your sector's cyber security centre. Please do not reply to this message.\n")
	return b.String()
}

func linkText(e vigil.OutboxEntry) string {
	if e.AlertID != 0 {
		return "Open the alert in vigil"
	}
	return "Open your alerts in vigil"
}

// tlpColours are the TLP 2.0 label colours: the marking's text on black.
var tlpColours = map[vigil.TLP]string{vigil.TLPClear: "#FFFFFF", vigil.TLPGreen: "#33FF00",
	vigil.TLPAmber: "#FFC000", vigil.TLPAmberStrict: "#FFC000", vigil.TLPRed: "#FF2B2B"}

var htmlTemplate = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #212b32">
<p><span style="background: #000000; color: {{.Colour}}; font-weight: bold; padding: 2px 6px">TLP:{{.TLP}}</span></p>
<h1 style="font-size: 20px">{{.Subject}}</h1>
{{range .Paragraphs}}<p>{{range $i, $l := .}}{{if $i}}<br>{{end}}{{$l}}{{end}}</p>
{{end}}{{if .Link}}<p><a href="{{.Link}}">{{.LinkText}}</a></p>
{{end}}<p style="color: #4c6272; font-size: 14px">Sent by vigil for your sector's cyber security centre. Please do not reply to this message.</p>
</body></html>
`))

// htmlBody is the HTML alternative: the same words, escaped, with the marking as a label.
func htmlBody(e vigil.OutboxEntry, tlp vigil.TLP, link string) (string, error) {
	var paras [][]string
	for _, p := range strings.Split(strings.TrimSpace(strings.ReplaceAll(e.Body, "\r\n", "\n")), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			paras = append(paras, strings.Split(p, "\n"))
		}
	}
	var b bytes.Buffer
	err := htmlTemplate.Execute(&b, map[string]any{"Subject": e.Subject, "TLP": string(tlp), "Colour": tlpColours[tlp],
		"Paragraphs": paras, "Link": link, "LinkText": linkText(e)})
	if err != nil {
		return "", fmt.Errorf("HTML part of message %d: %w", e.ID, err)
	}
	return b.String(), nil
}
