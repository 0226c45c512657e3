package intel

import (
	"cmp"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
)

// mispEvent is what the walk keeps of one event until the event ends: the attributes
// are emitted only then, because MISP often writes the event's tags (and so its TLP)
// after its attributes.
type mispEvent struct {
	isEvent   bool
	orgc, org mispOrg
	tags      []mispTag
	eventTags []mispEventTag
	galaxies  []mispGalaxy
	attrs     []mispAttribute
	objects   []mispObject
	proposals []mispSkip
}

// event emits the indicators of one event.
func (p *mispParser) event(ev *mispEvent) {
	base := ev.provenance()
	p.tagged = mispTagged{}
	for i := range ev.attrs {
		p.attribute(&ev.attrs[i], &base, nil)
	}
	for i := range ev.objects {
		o := &ev.objects[i]
		if o.Deleted {
			p.s.Skip("misp object (deleted)")
			continue
		}
		for j := range o.Attribute {
			p.attribute(&o.Attribute[j], &base, o)
		}
	}
	for range ev.proposals {
		p.s.Skip("misp proposal (shadow attribute)")
	}
}

// provenance is what the event says about every one of its attributes.
func (ev *mispEvent) provenance() vigil.Provenance {
	prov := vigil.Provenance{Publisher: cmp.Or(cleanPublisher(ev.orgc.Name), cleanPublisher(ev.org.Name)), Confidence: -1}
	tags := slices.Clip(ev.tags)
	for _, et := range ev.eventTags {
		tags = append(tags, et.Tag)
	}
	t := mispReadTags(tags, ev.galaxies)
	t.apply(&prov)
	prov.Labels = slices.Clip(t.labels)
	return prov
}

// attribute emits the indicators of one attribute: one, or two for composite types
// such as domain|ip and filename|sha256.
func (p *mispParser) attribute(a *mispAttribute, base *vigil.Provenance, o *mispObject) {
	if a.Deleted {
		p.s.Skip("misp attribute (deleted)")
		return
	}
	kind, ok := mispTypes[a.Type]
	if !ok {
		p.s.Skip("misp attribute " + a.Type)
		return
	}
	if !bool(a.ToIDS) && !p.s.Options().IncludeNonIDS {
		p.s.NotForDetection()
		return
	}
	prov := p.provenance(a, base, o)
	loc := Location{File: p.file, Ref: a.UUID}
	first, second := string(a.Value), ""
	if kind.composite {
		// split at the last '|': a filename may hold one, a hash, IP or port never
		if i := strings.LastIndexByte(first, '|'); i >= 0 {
			first, second = first[:i], first[i+1:]
		}
	}
	p.s.Add(loc, kind.first.of(first), first, prov)
	if kind.second != "" {
		p.s.Add(loc, kind.second.of(second), second, prov)
	}
}

// provenance is the attribute's own provenance: the event's, with what the attribute's
// tags and dates say instead where they say it.
func (p *mispParser) provenance(a *mispAttribute, base *vigil.Provenance, o *mispObject) vigil.Provenance {
	prov := *base
	prov.Ref = a.UUID
	if len(a.Tag) > 0 || len(a.Galaxy) > 0 {
		p.applyTags(a, &prov)
	}
	prov.FirstSeen = mispParseTime(string(a.FirstSeen))
	prov.LastSeen = mispParseTime(string(a.LastSeen))
	if o != nil {
		if prov.FirstSeen.IsZero() {
			prov.FirstSeen = mispParseTime(string(o.FirstSeen))
		}
		if prov.LastSeen.IsZero() {
			prov.LastSeen = mispParseTime(string(o.LastSeen))
		}
	}
	if prov.LastSeen.IsZero() {
		prov.LastSeen = mispParseTime(string(a.Timestamp))
	}
	return prov
}

// applyTags lets the attribute's tags override the event's markings (an attribute
// marked tlp:green in a tlp:amber event is green) and adds its labels. Feeds tag runs
// of attributes alike, so the last result is reused while the tags stay the same.
func (p *mispParser) applyTags(a *mispAttribute, prov *vigil.Provenance) {
	c := &p.tagged
	if len(a.Galaxy) > 0 || !c.valid || !slices.Equal(a.Tag, c.tags) {
		t := mispReadTags(a.Tag, a.Galaxy)
		labels := prov.Labels
		if len(t.labels) > 0 {
			labels = slices.Clone(labels)
			for _, l := range t.labels {
				labels = mispAppendLabel(labels, l)
			}
		}
		*c = mispTagged{valid: len(a.Galaxy) == 0, tags: a.Tag, info: t, labels: slices.Clip(labels)}
	}
	c.info.apply(prov)
	prov.Labels = c.labels
}

// mispTagged is the last attribute tag list read in the current event and its result.
type mispTagged struct {
	valid  bool
	tags   []mispTag
	info   mispTagInfo
	labels []string
}

// mispKind says which indicator types a MISP attribute type holds.
type mispKind struct {
	first     mispValueType
	second    mispValueType // the second half of a composite; "" when it is no indicator (a port)
	composite bool          // the value is "first|second"
}

// mispValueType is an indicator type, or mispIP for an address or network whose
// family the value itself tells.
type mispValueType vigil.IndicatorType

const mispIP mispValueType = "ip"

// of returns the indicator type of value v.
func (t mispValueType) of(v string) vigil.IndicatorType {
	if t != mispIP {
		return vigil.IndicatorType(t)
	}
	if strings.IndexByte(v, ':') >= 0 {
		return vigil.TypeIPv6
	}
	return vigil.TypeIPv4
}

// mispTypes are the attribute types vigil matches. ip-src and ip-dst may hold CIDRs,
// which the sink turns into network indicators. Besides the usual ones, malware-sample
// ("filename|md5" with the sample attached), hostname|port and email-reply-to hold the
// same kinds of value. link is a reference to a report, not an indicator.
var mispTypes = map[string]mispKind{
	"ip-src":          {first: mispIP},
	"ip-dst":          {first: mispIP},
	"ip-src|port":     {first: mispIP, composite: true},
	"ip-dst|port":     {first: mispIP, composite: true},
	"domain":          {first: mispValueType(vigil.TypeDomain)},
	"hostname":        {first: mispValueType(vigil.TypeDomain)},
	"hostname|port":   {first: mispValueType(vigil.TypeDomain), composite: true},
	"domain|ip":       {first: mispValueType(vigil.TypeDomain), second: mispIP, composite: true},
	"url":             {first: mispValueType(vigil.TypeURL)},
	"email":           {first: mispValueType(vigil.TypeEmail)},
	"email-src":       {first: mispValueType(vigil.TypeEmail)},
	"email-dst":       {first: mispValueType(vigil.TypeEmail)},
	"email-reply-to":  {first: mispValueType(vigil.TypeEmail)},
	"md5":             {first: mispValueType(vigil.TypeMD5)},
	"sha1":            {first: mispValueType(vigil.TypeSHA1)},
	"sha256":          {first: mispValueType(vigil.TypeSHA256)},
	"sha512":          {first: mispValueType(vigil.TypeSHA512)},
	"filename":        {first: mispValueType(vigil.TypeFilename)},
	"filename|md5":    {first: mispValueType(vigil.TypeFilename), second: mispValueType(vigil.TypeMD5), composite: true},
	"filename|sha1":   {first: mispValueType(vigil.TypeFilename), second: mispValueType(vigil.TypeSHA1), composite: true},
	"filename|sha256": {first: mispValueType(vigil.TypeFilename), second: mispValueType(vigil.TypeSHA256), composite: true},
	"filename|sha512": {first: mispValueType(vigil.TypeFilename), second: mispValueType(vigil.TypeSHA512), composite: true},
	"malware-sample":  {first: mispValueType(vigil.TypeFilename), second: mispValueType(vigil.TypeMD5), composite: true},

	"x509-fingerprint-sha1":   {first: mispValueType(vigil.TypeX509SHA1)},
	"x509-fingerprint-sha256": {first: mispValueType(vigil.TypeX509SHA256)},
	"ja3-fingerprint-md5":     {first: mispValueType(vigil.TypeJA3)},
	"ja4-fingerprint":         {first: mispValueType(vigil.TypeJA4)},
}

// mispAttribute is the part of a MISP attribute vigil uses.
type mispAttribute struct {
	UUID      string       `json:"uuid"`
	Type      string       `json:"type"`
	Value     mispString   `json:"value"`
	ToIDS     mispBool     `json:"to_ids"`
	Deleted   mispBool     `json:"deleted"`
	Timestamp mispString   `json:"timestamp"`
	FirstSeen mispString   `json:"first_seen"`
	LastSeen  mispString   `json:"last_seen"`
	Tag       []mispTag    `json:"Tag"`
	Galaxy    []mispGalaxy `json:"Galaxy"`
}

// mispObject is a MISP object: attributes grouped as one thing (a file, a domain-ip pair).
type mispObject struct {
	Deleted   mispBool        `json:"deleted"`
	FirstSeen mispString      `json:"first_seen"`
	LastSeen  mispString      `json:"last_seen"`
	Attribute []mispAttribute `json:"Attribute"`
}

type mispTag struct {
	Name string `json:"name"`
}

// mispEventTag is how search results wrap an event's tags.
type mispEventTag struct {
	Tag mispTag `json:"Tag"`
}

type mispGalaxy struct {
	GalaxyCluster []mispCluster `json:"GalaxyCluster"`
}

// mispCluster is a galaxy cluster: a named actor, malware family or technique.
type mispCluster struct {
	Value   string `json:"value"`
	TagName string `json:"tag_name"`
}

// mispOrg is an organisation: an object with a name, or in some exports just the name.
type mispOrg struct {
	Name string
}

// UnmarshalJSON reads {"name":…} or a bare name; anything else leaves it empty.
func (o *mispOrg) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		_ = json.Unmarshal(b, &o.Name)
		return nil
	}
	var v struct {
		Name string `json:"name"`
	}
	if json.Unmarshal(b, &v) == nil {
		o.Name = v.Name
	}
	return nil
}

// mispBool is a MISP flag, which exports write as true, 1, "1" or "true".
type mispBool bool

// UnmarshalJSON reads the flag; anything it does not know is false.
func (f *mispBool) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "true", "1", `"1"`, `"true"`, `"True"`, `"TRUE"`:
		*f = true
	default:
		*f = false
	}
	return nil
}

// mispString is a string MISP sometimes writes as a number (timestamps) or null.
type mispString string

// UnmarshalJSON reads a string, keeps a number's digits and treats anything else as empty.
func (f *mispString) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) >= 2 && b[0] == '"':
		if mispPlainString(b) {
			*f = mispString(b[1 : len(b)-1])
			return nil
		}
		var s string
		_ = json.Unmarshal(b, &s)
		*f = mispString(s)
	case len(b) > 0 && (b[0] == '-' || b[0] >= '0' && b[0] <= '9'):
		*f = mispString(b)
	default:
		*f = ""
	}
	return nil
}

// mispPlainString reports whether a quoted JSON string is ASCII without escapes, so its
// bytes are its value (the common case, decoded without a second pass).
func mispPlainString(b []byte) bool {
	for _, c := range b[1 : len(b)-1] {
		if c == '\\' || c >= 0x80 {
			return false
		}
	}
	return true
}

// mispTagInfo is what a list of MISP tags says: markings and confidence are taken out,
// the rest are labels.
type mispTagInfo struct {
	tlp         vigil.TLP
	reliability byte
	credibility uint8
	confidence  int // -1 when no tag states it
	labels      []string
}

// mispReadTags reads a tag list and the galaxies beside it. A galaxy cluster adds its
// name as a label unless one of the tags already names it.
func mispReadTags(tags []mispTag, galaxies []mispGalaxy) mispTagInfo {
	t := mispTagInfo{confidence: -1}
	for _, tag := range tags {
		t.read(strings.TrimSpace(tag.Name))
	}
	for _, g := range galaxies {
		for _, c := range g.GalaxyCluster {
			tagged := slices.ContainsFunc(tags, func(tag mispTag) bool { return tag.Name == c.TagName })
			if c.Value != "" && !tagged {
				t.labels = mispAppendLabel(t.labels, c.Value)
			}
		}
	}
	return t
}

// read takes in one tag. Several TLP tags on one level give the strictest; a TLP tag
// vigil does not know (tlp:ex:chr) is still a marking, never a label.
func (t *mispTagInfo) read(name string) {
	if name == "" {
		return
	}
	ns, rest, _ := strings.Cut(name, ":")
	pred, val, _ := strings.Cut(rest, "=")
	val = strings.ToLower(strings.Trim(val, `"' `))
	switch strings.ToLower(ns) {
	case "tlp":
		if tlp, ok := vigil.ParseTLP(name); ok {
			t.tlp = vigil.Stricter(t.tlp, tlp)
		}
		return
	case "admiralty-scale":
		if t.readAdmiralty(pred, val) {
			return
		}
	case "misp":
		if pred == "confidence-level" {
			if c, ok := mispConfidenceLevels[val]; ok {
				t.confidence = c
			}
			return
		}
	case "estimative-language":
		if c, ok := mispLikelihoods[val]; ok && pred == "likelihood-probability" {
			t.confidence = c
			return
		}
	}
	t.labels = mispAppendLabel(t.labels, name)
}

// readAdmiralty reads admiralty-scale:source-reliability="b" and
// admiralty-scale:information-credibility="2".
func (t *mispTagInfo) readAdmiralty(pred, val string) bool {
	r, c, ok := vigil.ParseAdmiralty(val)
	switch {
	case ok && pred == "source-reliability" && r != 0 && c == 0:
		t.reliability = r
	case ok && pred == "information-credibility" && c != 0 && r == 0:
		t.credibility = c
	default:
		return false
	}
	return true
}

// apply sets on p whatever the tags state, leaving the rest as it was.
func (t *mispTagInfo) apply(p *vigil.Provenance) {
	if t.tlp != "" {
		p.TLP = t.tlp
	}
	if t.reliability != 0 {
		p.Reliability = t.reliability
	}
	if t.credibility != 0 {
		p.Credibility = t.credibility
	}
	if t.confidence >= 0 {
		p.Confidence = t.confidence
	}
}

// mispConfidenceLevels maps the misp:confidence-level taxonomy to 0..100;
// confidence-cannot-be-evaluated is left as "not stated".
var mispConfidenceLevels = map[string]int{
	"completely-confident": 100,
	"usually-confident":    75,
	"fairly-confident":     50,
	"rarely-confident":     25,
	"unconfident":          0,
}

// mispLikelihoods maps estimative-language:likelihood-probability (the ICD 203 scale,
// which ESET puts on every attribute) to the middle of each band, short and long names.
var mispLikelihoods = map[string]int{
	"almost-no-chance": 3, "almost-no-chance-remote": 3,
	"very-unlikely": 12, "very-unlikely-highly-improbable": 12,
	"unlikely": 32, "unlikely-improbable": 32,
	"roughly-even-chance": 50, "roughly-even-chance-roughly-even-odds": 50,
	"likely": 68, "likely-probable": 68,
	"very-likely": 88, "very-likely-highly-probable": 88,
	"almost-certain": 97, "almost-certain-nearly-certain": 97,
}

func mispAppendLabel(labels []string, l string) []string {
	if l == "" || slices.Contains(labels, l) {
		return labels
	}
	return append(labels, l)
}

// mispTimeLayouts are the ways MISP exports and hand-made events write first_seen and
// last_seen; RFC 3339 parsing also accepts fractional seconds.
var mispTimeLayouts = []string{
	time.RFC3339,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02",
}

// mispParseTime reads a MISP time: Unix seconds (or milli/microseconds, by length) or
// an ISO 8601 date-time. Empty, zero and unreadable times are zero: unknown.
func mispParseTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" || s == "null" {
		return time.Time{}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		switch {
		case n <= 0:
			return time.Time{}
		case len(s) > 16:
			return time.Unix(0, n).UTC()
		case len(s) > 13:
			return time.UnixMicro(n).UTC()
		case len(s) > 11:
			return time.UnixMilli(n).UTC()
		}
		return time.Unix(n, 0).UTC()
	}
	for _, layout := range mispTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
