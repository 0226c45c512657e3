package incidents

import (
	"context"
	"regexp"
	"strings"
	"unicode"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/ioc"
	"github.com/vigil-health/vigil/internal/store"
)

// forSupplier reports whether p reads i as one of its organisation's suppliers, who is
// given it without its contact details, its files, or the people who worked on it
// (docs/incidents.md): a supplier is outside the organisation and the centre.
func forSupplier(p vigil.Principal, i vigil.Incident) bool {
	return p.Role == vigil.RoleSupplier && p.Org != i.Org
}

// How a supplier is told of people: the centre's, an address that is nobody's
// account, and an author who no longer has one.
const (
	centreLabel  = "the sector centre"
	addressLabel = "(an e-mail address)"
	someoneLabel = "someone"
)

// emailLike finds what looks like an e-mail address in free text, such as a note that
// names a colleague, so that no address reaches a supplier whoever wrote it. It errs
// towards hiding: a local part of RFC 5322 atext (& ' + = / ? …), dots and quoted
// strings ("linda marsh"); an @ also written %40 (or %2540) as in a URL, or full-width
// (＠, ﹫); a domain whose labels may hold underscores (mail_relay), with wide dots
// (ioc.WideDots), or an IP literal ([192.0.2.7]). Groups: 1 the local part, 2 the domain.
var emailLike = regexp.MustCompile(
	`((?:[\p{L}\p{M}\p{N}!#$%&'*+\-/=?^_` + "`" + `{|}~.]+|"(?:[^"\\\r\n]|\\.)*")+)` +
		`(?:@|%(?:25)?40|＠|﹫)` +
		`((?:[\p{L}\p{M}\p{N}_-]+(?:[.` + ioc.WideDots + `][\p{L}\p{M}\p{N}_-]+)+)|\[[^\]\s]{1,64}\])`)

// urlSeparators end a part of a URL: within one, what precedes the last of them in a
// local part is the URL's path or query, not the address.
const urlSeparators = "/?=&#"

// inURL reports whether text's address starting at i is part of a URL, such as a
// link with the address in its query: whether the word it ends in holds "://".
func inURL(text string, i int) bool {
	word := text[:i]
	if j := strings.LastIndexFunc(word, unicode.IsSpace); j >= 0 {
		word = word[j:]
	}
	return strings.Contains(word, "://") || strings.HasPrefix(text[i:], "//")
}

// people names the people of an incident as a supplier is told of them: the
// organisation's by the organisation's name, the centre's as the sector centre, and
// vigil as itself.
type people struct {
	org     string            // the incident's organisation's ODS code
	orgName string            // and its name
	names   map[string]string // by lower-case e-mail, as looked up; "" for nobody's
	lookup  func(email string) (vigil.User, error)
}

func newPeople(ctx context.Context, tx *store.Store, org, orgName string) *people {
	return &people{org: org, orgName: orgName, names: map[string]string{},
		lookup: func(email string) (vigil.User, error) { return tx.GetUserByEmail(ctx, email) }}
}

// known is how a supplier is told of the account with e-mail address who, or "" when
// no account has it.
func (n *people) known(who string) string {
	key := strings.ToLower(who)
	if name, ok := n.names[key]; ok {
		return name
	}
	name := ""
	if u, err := n.lookup(who); err == nil {
		name = centreLabel
		if u.Org == n.org {
			name = n.orgName
		} else if !u.Role.Sector() {
			name = someoneLabel
		}
	}
	n.names[key] = name
	return name
}

// name is how a supplier is told of who did something: never their e-mail address.
func (n *people) name(who string) string {
	if who == "" || who == "system" {
		return who
	}
	if name := n.known(who); name != "" {
		return name
	}
	return someoneLabel
}

// scrub replaces every e-mail address in text: an account's by the name of its owner,
// any other (a contact's, a sender's) by addressLabel. Within a URL only the address
// goes, so that a supplier still sees which site a link led to.
func (n *people) scrub(text string) string {
	var b strings.Builder
	last := 0
	for _, m := range emailLike.FindAllStringSubmatchIndex(text, -1) {
		start, local := m[0], text[m[2]:m[3]]
		if inURL(text, start) {
			if j := strings.LastIndexAny(local, urlSeparators); j >= 0 {
				start += j + 1
				local = local[j+1:]
			}
		}
		b.WriteString(text[last:start])
		b.WriteString(n.label(local + "@" + ioc.PlainDots(text[m[4]:m[5]])))
		last = m[1]
	}
	b.WriteString(text[last:])
	return b.String()
}

// label is how a supplier is told of address addr found in text.
func (n *people) label(addr string) string {
	if name := n.known(addr); name != "" {
		return name
	}
	return addressLabel
}

// incident is i as a supplier reads it.
func (n *people) incident(i vigil.Incident) vigil.Incident {
	i.ContactName, i.ContactPhone, i.ContactEmail = "", "", ""
	i.ReportedBy = n.name(i.ReportedBy)
	i.Assignee = n.name(i.Assignee)
	i.Summary, i.WhatHappened = n.scrub(i.Summary), n.scrub(i.WhatHappened)
	if i.Breach != nil {
		b := *i.Breach
		b.By, b.Note = n.name(b.By), n.scrub(b.Note)
		i.Breach = &b
	}
	return i
}

// forSupplierCase leaves out of c what a supplier is not given: the files (the timeline
// entries that name them and their hashes too), and whose e-mail address is whose.
func (n *people) forSupplierCase(c Case) Case {
	c.Incident = n.incident(c.Incident)
	c.Evidence, c.FilesWithheld = nil, true
	timeline := make([]vigil.IncidentEntry, 0, len(c.Timeline))
	for _, e := range c.Timeline {
		if e.Kind == vigil.EntryEvidence {
			continue
		}
		e.By = n.name(e.By)
		if e.Kind != vigil.EntryLinked { // vigil's own words naming what was linked, as Links shows it
			e.Note = n.scrub(e.Note)
		}
		timeline = append(timeline, e)
	}
	c.Timeline = timeline
	for i := range c.Links {
		c.Links[i].AddedBy, c.Links[i].Note = n.name(c.Links[i].AddedBy), n.scrub(c.Links[i].Note)
	}
	return c
}
