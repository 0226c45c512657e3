package vigil

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// AlertKinds lists every alert kind.
var AlertKinds = []AlertKind{AlertEarlyWarning, AlertSighting, AlertRetroHunt, AlertVulnerability}

// NewAlert checks an alert about to be raised and fills in what raising decides: status
// open, count at least 1, seen times defaulting to now and in order, sources and
// publishers trimmed and without repeats. It keeps a's deadlines (AckDueAt, FixDueAt: the raising use case sets
// them from Deadlines) and ignores its ID, Status, CreatedAt and lifecycle fields.
func NewAlert(a Alert, now time.Time) (Alert, error) {
	out := Alert{Kind: a.Kind, Severity: a.Severity, Status: AlertOpen, Body: a.Body,
		Observable: a.Observable, Indicator: a.Indicator, TLP: a.TLP, DedupKey: a.DedupKey, Count: max(a.Count, 1),
		AckDueAt: timeOr(a.AckDueAt, time.Time{}), FixDueAt: timeOr(a.FixDueAt, time.Time{})}
	var err error
	if out.Org, err = NormalizeODS(a.Org); err != nil {
		return out, err
	}
	if !slices.Contains(AlertKinds, a.Kind) {
		return out, Errorf(EINVALID, "alert kind %q is not one of early_warning, sighting, retro_hunt, vulnerability", a.Kind)
	}
	if a.Severity.Rank() == 0 {
		return out, Errorf(EINVALID, "severity %q is not one of low, medium, high, critical", a.Severity)
	}
	if a.TLP != "" && a.TLP.Rank() == 0 {
		return out, Errorf(EINVALID, "TLP %q is not one of CLEAR, GREEN, AMBER, AMBER+STRICT, RED", a.TLP)
	}
	if out.Title, err = Text("title", a.Title, 300, true); err != nil {
		return out, err
	}
	if len(a.DedupKey) > 512 {
		return out, Errorf(EINVALID, "dedup key is longer than 512 bytes")
	}
	out.Sources = addSources(nil, a.Sources)
	out.Publishers = addSources(nil, a.Publishers)
	out.CreatedAt = now
	out.FirstSeen = timeOr(a.FirstSeen, now)
	out.LastSeen = timeOr(a.LastSeen, out.FirstSeen)
	if out.LastSeen.Before(out.FirstSeen) {
		out.FirstSeen, out.LastSeen = out.LastSeen, out.FirstSeen
	}
	return out, nil
}

// Merge folds r, a repeat of the same alert (same organisation and DedupKey), into a:
// the count goes up by r's, the seen times widen, new sources and publishers are added, the severity
// rises if r's is higher and the TLP becomes the stricter of the two, so that a repeat
// marked more strictly is never shown as widely as its first report. Each deadline
// becomes the earlier of the two, none counting as latest: r's are counted from when the
// repeat came in, so a repeat that raises the severity brings the deadlines in, and no
// repeat ever moves one out. Status stays: a resolved alert stays resolved. Title and
// body stay too, unless reword is true: then what they say about the sources, the
// publishers or the sharing (TLP) is out of date, and whoever raised the repeat words the merged alert
// again (AlertWords).
func (a *Alert) Merge(r Alert) (reword bool) {
	a.Count += max(r.Count, 1)
	n := len(a.Sources) + len(a.Publishers)
	a.Sources = addSources(a.Sources, r.Sources)
	a.Publishers = addSources(a.Publishers, r.Publishers)
	if r.Severity.Rank() > a.Severity.Rank() {
		a.Severity = r.Severity
	}
	a.AckDueAt = earliest(a.AckDueAt, r.AckDueAt)
	a.FixDueAt = earliest(a.FixDueAt, r.FixDueAt)
	tlp := Stricter(a.TLP, r.TLP)
	reword = len(a.Sources)+len(a.Publishers) != n || tlp != a.TLP
	a.TLP = tlp
	if !r.FirstSeen.IsZero() && r.FirstSeen.Before(a.FirstSeen) {
		a.FirstSeen = r.FirstSeen
	}
	if r.LastSeen.After(a.LastSeen) {
		a.LastSeen = r.LastSeen
	}
	return reword
}

// addSources appends the trimmed, non-empty names of add that to does not hold yet.
func addSources(to, add []string) []string {
	for _, src := range add {
		if src = strings.TrimSpace(src); src != "" && !slices.Contains(to, src) {
			to = append(to, src)
		}
	}
	return to
}

// alertMoves is the alert state machine: the states an alert may move to from each state.
var alertMoves = map[AlertStatus][]AlertStatus{
	AlertOpen:         {AlertAcknowledged, AlertResolved},
	AlertAcknowledged: {AlertResolved},
}

// From lists the states from which an alert may move to s.
func (s AlertStatus) From() []AlertStatus {
	var out []AlertStatus
	for _, from := range []AlertStatus{AlertOpen, AlertAcknowledged, AlertResolved} {
		if slices.Contains(alertMoves[from], s) {
			out = append(out, from)
		}
	}
	return out
}

// CheckMove says whether alert a may move to state to: moved is true when it may; false
// with a nil error when it is already there and asking again is harmless (acknowledging
// twice); otherwise a conflict error says why not, in words for the person who asked.
func (a Alert) CheckMove(to AlertStatus) (moved bool, err error) {
	switch {
	case slices.Contains(alertMoves[a.Status], to):
		return true, nil
	case a.Status == to && to == AlertAcknowledged:
		return false, nil
	case a.Status == AlertResolved && to == AlertAcknowledged:
		return false, Errorf(ECONFLICT, "alert %d was resolved by %s on %s, so it cannot be acknowledged",
			a.ID, a.ResolvedBy, a.ResolvedAt.Format("2 January 2006"))
	case a.Status == AlertResolved:
		return false, Errorf(ECONFLICT, "alert %d was already resolved by %s on %s", a.ID, a.ResolvedBy, a.ResolvedAt.Format("2 January 2006"))
	}
	return false, Errorf(ECONFLICT, "alert %d is %s and cannot become %s", a.ID, a.Status, to)
}

// ResolutionNote checks the note that resolving an alert needs: what was done about it.
func ResolutionNote(note string) (string, error) {
	if strings.TrimSpace(note) == "" {
		return "", Errorf(EINVALID, "a resolution note is required: say what was done about the alert")
	}
	return Text("resolution note", note, 4000, true)
}

// Text trims s and checks it is there when required, fits in max characters, is valid
// UTF-8 and holds no NUL or other control character (line breaks and tabs, which notes
// need, excepted); the error names field.
func Text(field, s string, max int, required bool) (string, error) {
	s = strings.TrimSpace(s)
	if required && s == "" {
		return "", Errorf(EINVALID, "%s is required", field)
	}
	if utf8.RuneCountInString(s) > max {
		return "", Errorf(EINVALID, "%s is longer than %d characters", field, max)
	}
	if !utf8.ValidString(s) {
		return "", Errorf(EINVALID, "%s is not valid UTF-8 text", field)
	}
	if i := strings.IndexFunc(s, isControl); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		return "", Errorf(EINVALID, "%s contains a control character (%U at byte %d): remove it", field, r, i)
	}
	return s, nil
}

// isControl reports whether r is a control character other than a tab or line break.
func isControl(r rune) bool {
	return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r'
}

func timeOr(t, def time.Time) time.Time {
	if t.IsZero() {
		return def
	}
	return t.UTC().Truncate(time.Microsecond)
}
