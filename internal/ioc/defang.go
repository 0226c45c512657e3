package ioc

import (
	"regexp"
	"strings"
)

// Defang makes the web addresses and domain names in a message's text unclickable, as
// CERTs write indicators in their notices (hxxp://evil[.]example), the way Refang reads
// them back: mail and chat programs turn such text into links, and an alert quotes live
// malicious ones. E-mail addresses are left whole (a mailto: link is harmless, and the
// reader may need to write to one), and so are bare IP addresses, which mail programs do
// not link and which are as often the reader's own device's. Text defanged already is
// left as it is.
func Defang(s string) string {
	s = wideDots.Replace(s)
	s = urlPattern.ReplaceAllStringFunc(s, defangURL)
	return defangHosts(s)
}

// WideDots are the full stops other scripts write (ideographic, fullwidth and halfwidth
// ideographic), which browsers and mail programs read as dots in a name: evil。example is
// evil.example to them.
const WideDots = "\u3002\uff0e\uff61"

// PlainDots writes the wide dots in s as ".", as a name is stored and compared.
func PlainDots(s string) string { return plainDots.Replace(s) }

var (
	plainDots = strings.NewReplacer(wideDotsAs(".")...)
	wideDots  = strings.NewReplacer(wideDotsAs("[.]")...)
)

// wideDotsAs pairs each of WideDots with its replacement, for a strings.Replacer.
func wideDotsAs(dot string) []string {
	var pairs []string
	for _, r := range WideDots {
		pairs = append(pairs, string(r), dot)
	}
	return pairs
}

// urlPattern is a URL's scheme (one that mail programs link) and its authority: the
// user part and the host, up to the path.
var urlPattern = regexp.MustCompile(`(?i)\b(?:https?|ftp)://[^\s/?#<>"']*`)

// defangURL writes http as hxxp, https as hxxps, ftp as fxp, and every dot of the
// authority (the host, and a user part that names another) as [.].
func defangURL(u string) string {
	scheme, authority, _ := strings.Cut(u, "://")
	scheme = strings.NewReplacer("t", "x", "T", "X").Replace(scheme)
	return scheme + "://" + strings.ReplaceAll(authority, ".", "[.]")
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
		// A full stop or hyphen around a name is the sentence's, not the name's.
		name := strings.TrimLeft(tok, ".-")
		lead := tok[:len(tok)-len(name)]
		name = strings.TrimRight(name, ".-")
		if !inEmail(s, i, j) && looksLikeHost(name) {
			b.WriteString(lead)
			b.WriteString(strings.ReplaceAll(name, ".", "[.]"))
			b.WriteString(tok[len(lead)+len(name):])
		} else {
			b.WriteString(tok)
		}
		i = j
	}
	return b.String()
}

// inEmail reports whether s[i:j] is part of an e-mail address: the domain after a local
// part and an @, or the local part before an @ and a domain.
func inEmail(s string, i, j int) bool {
	domain := i >= 2 && s[i-1] == '@' && isLocalByte(s[i-2])
	local := j+1 < len(s) && s[j] == '@' && isHostByte(s[j+1])
	return domain || local
}

// isHostByte reports whether c may be part of a name: ASCII letters, digits, dots and
// hyphens, and any byte of a non-ASCII character (an internationalised name).
func isHostByte(c byte) bool {
	return c == '.' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isLocalByte(c byte) bool {
	return isHostByte(c) || strings.IndexByte("!#$%&'*+/=?^_`{|}~\"", c) >= 0
}

// looksLikeHost reports whether name is dotted and a label after its first is a top-level
// domain's: letters (so not a version such as 2.17.1, nor an IPv4 address), or an
// internationalised one, in Unicode or its xn-- form. A name with more after its domain
// (www.evil.example.2024) counts too.
func looksLikeHost(name string) bool {
	labels := strings.Split(name, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" {
			return false
		}
	}
	for _, l := range labels[1:] {
		lower := strings.ToLower(l)
		letters := strings.Trim(lower, "abcdefghijklmnopqrstuvwxyz") == "" && len(l) >= 2
		if letters || strings.HasPrefix(lower, "xn--") || strings.IndexFunc(l, func(r rune) bool { return r >= 0x80 }) >= 0 {
			return true
		}
	}
	return false
}
