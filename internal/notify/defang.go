package notify

import (
	"regexp"
	"strings"
)

// defang makes the web addresses and domain names in an e-mail's text unclickable, as CERTs write indicators in their notices (hxxp://evil[.]example): mail
// programs turn such text into links, and an alert quotes live malicious ones. The web
// pages show the same text as it is, where it is not a link. E-mail addresses are left
// whole (a mailto: link is harmless, and the reader may need to write to one), and so are
// bare IP addresses, which mail programs do not link and which are as often the reader's
// own device's. Text defanged already is left as it is.
func defang(s string) string {
	return defangHosts(urlPattern.ReplaceAllStringFunc(s, defangScheme))
}

// urlPattern is the scheme of a URL that mail programs link.
var urlPattern = regexp.MustCompile(`(?i)\b(?:https?|ftp)://`)

// defangScheme writes http as hxxp, https as hxxps, ftp as fxp.
func defangScheme(scheme string) string {
	return strings.NewReplacer("t", "x", "T", "X").Replace(scheme)
}

// defangHosts writes the dots of every domain name in s as [.].
func defangHosts(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if !isHostByte(s[i]) {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && isHostByte(s[j]) {
			j++
		}
		tok := s[i:j]
		name := strings.TrimRight(tok, ".-") // a full stop ends the sentence, not the name
		inEmail := (i > 0 && s[i-1] == '@') || (j < len(s) && s[j] == '@')
		if !inEmail && looksLikeHost(name) {
			b.WriteString(strings.ReplaceAll(name, ".", "[.]"))
			b.WriteString(tok[len(name):])
		} else {
			b.WriteString(tok)
		}
		i = j
	}
	return b.String()
}

func isHostByte(c byte) bool {
	return c == '.' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// looksLikeHost reports whether name is a dotted domain name ending in a label of
// letters (so not a version such as 2.17.1, nor an IPv4 address).
func looksLikeHost(name string) bool {
	labels := strings.Split(name, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || l[0] == '-' || l[len(l)-1] == '-' || len(l) > 63 {
			return false
		}
	}
	last := labels[len(labels)-1]
	return len(last) >= 2 && strings.Trim(strings.ToLower(last), "abcdefghijklmnopqrstuvwxyz") == ""
}
