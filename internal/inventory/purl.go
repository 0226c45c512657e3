package inventory

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// PURL is a package URL (pkg:type/namespace/name@version?qualifiers#subpath) split into
// its parts, each decoded and normalised the way the purl specification says for its type.
type PURL struct {
	// Type is the package type, lowercase ("maven", "npm", "pypi", "deb").
	Type string
	// Namespace is the group, scope, vendor or distribution ("org.apache.logging.log4j",
	// "@angular", "debian"), segments joined by "/"; empty when the type has none.
	Namespace string
	// Name is the package name.
	Name string
	// Version is the package version; empty when the purl names none.
	Version string
	// Qualifiers are the extra facts (arch, distro, repository_url), keys lowercase.
	Qualifiers map[string]string
	// Subpath is a path inside the package; empty when none.
	Subpath string
}

var (
	purlTypeRe      = regexp.MustCompile(`^[a-zA-Z.\-][a-zA-Z0-9.\-]*$`)
	qualifierKeyRe  = regexp.MustCompile(`^[a-z._\-][a-z0-9._\-]*$`)
	chromeNameRe    = regexp.MustCompile(`^[a-p]{32}$`)
	chromeVersionRe = regexp.MustCompile(`^\d+(\.\d+){0,3}$`)
)

// ParsePURL reads a package URL leniently: qualifier keys in upper case are lowered, as
// the specification recommends for tools that read other people's SBOMs.
func ParsePURL(s string) (PURL, error) { return parsePURL(s, false) }

// ParsePURLStrict reads a package URL as the specification requires of a canonical one:
// it also refuses qualifier keys that are not lowercase.
func ParsePURLStrict(s string) (PURL, error) { return parsePURL(s, true) }

func parsePURL(s string, strict bool) (PURL, error) {
	var p PURL
	rest, subpath, _ := cutLast(s, "#")
	rest, query, hasQuery := cutLast(rest, "?")
	scheme, rest, ok := strings.Cut(rest, ":")
	if !ok || !strings.EqualFold(scheme, "pkg") {
		return p, errors.New(`a package URL starts with "pkg:"`)
	}
	rest = strings.Trim(rest, "/")
	typ, rest, ok := strings.Cut(rest, "/")
	if !ok {
		return p, errors.New("a package URL needs a type and a name (pkg:type/name)")
	}
	p.Type = strings.ToLower(typ)
	if at := strings.LastIndex(rest, "@"); at > strings.LastIndex(rest, "/") {
		v, err := url.PathUnescape(rest[at+1:])
		if err != nil {
			return p, fmt.Errorf("version: %w", err)
		}
		p.Version, rest = v, rest[:at]
	}
	if err := p.splitPath(rest); err != nil {
		return p, err
	}
	var err error
	if hasQuery {
		if p.Qualifiers, err = parseQualifiers(query, strict); err != nil {
			return p, err
		}
	}
	if p.Subpath, err = cleanSubpath(subpath, true); err != nil {
		return p, err
	}
	return p, p.normalise()
}

// splitPath sets the namespace and name from "ns1/ns2/name" (git keeps only the host as
// namespace: the rest of its path is the repository's name).
func (p *PURL) splitPath(path string) error {
	// A trailing "/" leaves the name empty ("pkg:swift/github.com/Alamofire/@5.4.3"):
	// it is refused below rather than taking the namespace's last segment as the name.
	var segs []string
	parts := strings.Split(strings.TrimLeft(path, "/"), "/")
	for i, seg := range parts {
		if seg == "" && i < len(parts)-1 {
			continue
		}
		d, err := url.PathUnescape(seg)
		if err != nil {
			return fmt.Errorf("name or namespace: %w", err)
		}
		segs = append(segs, d)
	}
	if len(segs) == 0 || segs[len(segs)-1] == "" {
		return errors.New("a package URL needs a name")
	}
	split := len(segs) - 1
	if p.Type == "git" && len(segs) > 1 {
		split = 1
	}
	p.Namespace = strings.Join(segs[:split], "/")
	p.Name = strings.Join(segs[split:], "/")
	return nil
}

// coreQualifiers are the keys the specification itself defines for every type. The suite
// reads them in any case even in its required group ("repositorY_url"), while it refuses
// a type's own keys in upper case ("Platform", "Arch"): strict parsing follows both.
var coreQualifiers = map[string]bool{
	"repository_url": true, "download_url": true, "vcs_url": true, "file_name": true, "checksum": true,
}

func parseQualifiers(query string, strict bool) (map[string]string, error) {
	q := map[string]string{}
	for pair := range strings.SplitSeq(query, "&") {
		k, v, _ := strings.Cut(pair, "=")
		if !strict || coreQualifiers[strings.ToLower(k)] {
			k = strings.ToLower(k)
		}
		if !qualifierKeyRe.MatchString(k) {
			return nil, fmt.Errorf("qualifier key %q: only lowercase letters, digits, '.', '-' and '_', not starting with a digit", k)
		}
		d, err := url.PathUnescape(v)
		if err != nil {
			return nil, fmt.Errorf("qualifier %s: %w", k, err)
		}
		if d != "" {
			q[k] = d
		}
	}
	if len(q) == 0 {
		return nil, nil
	}
	return q, nil
}

// cleanSubpath drops empty, "." and ".." segments (a subpath may not climb out of the
// package), decoding each segment when it comes from a purl string.
func cleanSubpath(s string, decode bool) (string, error) {
	var segs []string
	for seg := range strings.SplitSeq(strings.Trim(s, "/"), "/") {
		if decode {
			d, err := url.PathUnescape(seg)
			if err != nil {
				return "", fmt.Errorf("subpath: %w", err)
			}
			seg = d
		}
		if seg != "" && seg != "." && seg != ".." {
			segs = append(segs, seg)
		}
	}
	return strings.Join(segs, "/"), nil
}

// cutLast splits s around the last sep.
func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

// BuildPURL checks and normalises a package URL given as its parts, as a tool that
// writes purls must.
func BuildPURL(p PURL) (PURL, error) {
	p.Type = strings.ToLower(p.Type)
	p.Namespace = strings.Trim(p.Namespace, "/")
	q := map[string]string{}
	for k, v := range p.Qualifiers {
		k = strings.ToLower(k)
		if !qualifierKeyRe.MatchString(k) {
			return p, fmt.Errorf("qualifier key %q: only lowercase letters, digits, '.', '-' and '_'", k)
		}
		if v != "" {
			q[k] = v
		}
	}
	p.Qualifiers = nil
	if len(q) > 0 {
		p.Qualifiers = q
	}
	sub, _ := cleanSubpath(p.Subpath, false)
	p.Subpath = sub
	return p, p.normalise()
}

// normalise applies the rules every purl and its type's definition give: a valid type, a
// name, and the case and spelling each type fixes.
func (p *PURL) normalise() error {
	if !purlTypeRe.MatchString(p.Type) {
		return fmt.Errorf("type %q: letters, digits, '.' and '-' only, not starting with a digit", p.Type)
	}
	if p.Name == "" {
		return errors.New("a package URL needs a name")
	}
	if rule, ok := typeRules[p.Type]; ok {
		return rule(p)
	}
	return nil
}

// typeRules are the per-type rules of the purl specification's type definitions.
var typeRules = map[string]func(*PURL) error{
	"alpm":             lowerAll,
	"apk":              lowerAll,
	"bitbucket":        lowerAll,
	"bitnami":          lowerAll,
	"brew":             lowerAll,
	"composer":         lowerAll,
	"deb":              lowerAll,
	"git":              lowerAll,
	"github":           lowerAll,
	"hex":              lowerAll,
	"qpkg":             lowerNamespace,
	"rpm":              lowerNamespace,
	"pypi":             func(p *PURL) error { p.Name = pep503(p.Name); return nil },
	"huggingface":      func(p *PURL) error { p.Version = strings.ToLower(p.Version); return nil },
	"mlflow":           mlflowRule,
	"chrome-extension": chromeRule,
	"cpan":             cpanRule,
	"julia":            needQualifier("uuid"),
	"swift":            needNamespace,
	"vscode-extension": needNamespace,
	"otp":              noNamespace,
	"vcpkg":            noNamespace,
}

func lowerAll(p *PURL) error {
	p.Namespace, p.Name = strings.ToLower(p.Namespace), strings.ToLower(p.Name)
	return nil
}

func lowerNamespace(p *PURL) error { p.Namespace = strings.ToLower(p.Namespace); return nil }

// mlflowRule: Databricks model names are case-insensitive, Azure ML ones are not.
func mlflowRule(p *PURL) error {
	if strings.Contains(p.Qualifiers["repository_url"], "azuredatabricks.net") {
		p.Name = strings.ToLower(p.Name)
	}
	return nil
}

func chromeRule(p *PURL) error {
	if !chromeNameRe.MatchString(p.Name) {
		return errors.New("chrome-extension: the name is the 32-letter extension ID (a to p)")
	}
	if p.Version != "" && !chromeVersionRe.MatchString(p.Version) {
		return errors.New("chrome-extension: the version is one to four dot-separated numbers")
	}
	return nil
}

func cpanRule(p *PURL) error {
	if strings.Contains(p.Name, "::") {
		return errors.New("cpan: the name is the distribution (URI-PackageURL), not a module (URI::PackageURL)")
	}
	return nil
}

func needQualifier(key string) func(*PURL) error {
	return func(p *PURL) error {
		if p.Qualifiers[key] == "" {
			return fmt.Errorf("%s: the %s qualifier is required", p.Type, key)
		}
		return nil
	}
}

func needNamespace(p *PURL) error {
	if p.Namespace == "" {
		return fmt.Errorf("%s: a namespace is required", p.Type)
	}
	return nil
}

func noNamespace(p *PURL) error {
	if p.Namespace != "" {
		return fmt.Errorf("%s: a namespace is not allowed", p.Type)
	}
	return nil
}

// String writes the canonical package URL: parts percent-encoded, qualifiers sorted.
func (p PURL) String() string {
	var b strings.Builder
	b.WriteString("pkg:")
	b.WriteString(p.Type)
	b.WriteByte('/')
	if p.Namespace != "" {
		writeSegments(&b, p.Namespace)
		b.WriteByte('/')
	}
	if p.Type == "git" {
		writeSegments(&b, p.Name)
	} else {
		b.WriteString(purlEscape(p.Name))
	}
	if p.Version != "" {
		b.WriteByte('@')
		b.WriteString(purlEscape(p.Version))
	}
	if len(p.Qualifiers) > 0 {
		keys := make([]string, 0, len(p.Qualifiers))
		for k := range p.Qualifiers {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			b.WriteByte("?&"[min(i, 1)])
			b.WriteString(k + "=" + purlEscape(p.Qualifiers[k]))
		}
	}
	if p.Subpath != "" {
		b.WriteByte('#')
		writeSegments(&b, p.Subpath)
	}
	return b.String()
}

func writeSegments(b *strings.Builder, path string) {
	for i, seg := range strings.Split(path, "/") {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(purlEscape(seg))
	}
}

// purlEscape percent-encodes all but the unreserved characters and ':', which the
// specification leaves bare.
func purlEscape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~' || c == ':'
}
