package telemetry

import (
	"math"
	"time"

	"github.com/valyala/fastjson"
)

// An event's own time comes from the fields listed as kindTime (the time the event
// happened: Zeek ts, Sysmon UtcTime, Suricata timestamp, ECS @timestamp, osquery unixTime):
// the first readable one wins. When none is, it comes from the first kindTimeLogged field
// present (when the event was logged or shipped: Windows TimeCreated, osquery calendarTime,
// Zeek _write_ts), which is only parsed then, at the end of the event: most events that
// have one also have a kindTime field. Times are parsed by hand, without time.Parse, and
// the date and minute of the last text time are kept, since consecutive events of a log
// mostly share them: this runs once an event on the ingest hot path.

// The bounds of a believable event time. Earlier values are placeholders of unset clocks
// and "0" fields; later ones cannot be held in nanoseconds since 1970. Clock-skew rules
// (a time in the future, a time older than what the server keeps) are the caller's.
const (
	minEventUnix = 946684800  // 2000-01-01T00:00:00Z
	maxEventUnix = 7258118400 // 2200-01-01T00:00:00Z
)

// eventTime is the time of the event being walked, and the field that gave it.
type eventTime struct {
	nanos int64 // Unix nanoseconds; meaningful when field != ""
	field string
	// fallback is the first kindTimeLogged field of the event, read by settle when no
	// kindTime field gave a time. The value points into the parser and lives for one line.
	fallback     *fastjson.Value
	fallbackSpec spec
}

// minuteCache holds the last text time's "YYYY-MM-DDThh:mm" and what it is in seconds
// since 1970 (before its zone offset).
type minuteCache struct {
	key  [16]byte
	secs int64
	ok   bool
}

// LastTime returns the time of the last event given to Extract, in UTC, and the field it
// came from ("ts", "UtcTime", "@timestamp"...). The field is "" and the time zero when the
// event holds no readable time of its own (see the package documentation for the fields
// read), when the time is before 2000 (a placeholder) or after 2199, or when the line was
// blank or not JSON.
func (e *Extractor) LastTime() (time.Time, string) {
	if e.when.field == "" {
		return time.Time{}, ""
	}
	return time.Unix(0, e.when.nanos).UTC(), e.when.field
}

// timeValue reads the value of a time field — epoch seconds (or milliseconds,
// microseconds, nanoseconds) as a JSON number or a string of digits, an RFC 3339-like
// text, or osquery's calendarTime — or keeps a kindTimeLogged field for settle.
func (e *Extractor) timeValue(s spec, v *fastjson.Value) {
	switch {
	case e.when.field != "":
		return // a kindTime field gave the time already
	case s.kind != kindTime:
		if e.when.fallback == nil {
			e.when.fallback, e.when.fallbackSpec = v, s
		}
		return
	}
	if n, ok := e.readTime(s, v); ok {
		e.when.nanos, e.when.field = n, s.name
	}
}

// settle reads the event's first kindTimeLogged field when no kindTime field gave a time.
func (e *Extractor) settle() {
	if e.when.field != "" || e.when.fallback == nil {
		return
	}
	if n, ok := e.readTime(e.when.fallbackSpec, e.when.fallback); ok {
		e.when.nanos, e.when.field = n, e.when.fallbackSpec.name
	}
	e.when.fallback = nil
}

// readTime reads the value of time field s as Unix nanoseconds.
func (e *Extractor) readTime(s spec, v *fastjson.Value) (int64, bool) {
	switch v.Type() {
	case fastjson.TypeNumber:
		e.buf = v.MarshalTo(e.buf[:0]) // the number's own digits: no float rounding
		return parseEpoch(e.buf)
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		if s.kind == kindCalendarTime {
			return parseCalendarTime(b)
		}
		return e.minute.parse(b)
	}
	return 0, false
}

// genericTimeSpec returns the time field named by a top-level key of an event of unknown
// format: "timestamp", "time", "ts" or "@timestamp". A nested key of that name may be
// anything (a certificate's validity, a process start), so only top-level keys count.
func genericTimeSpec(k []byte) (spec, bool) {
	if len(k) < 2 || len(k) > 10 {
		return spec{}, false
	}
	switch string(k) {
	case "timestamp":
		return spec{name: "timestamp", kind: kindTime}, true
	case "time":
		return spec{name: "time", kind: kindTime}, true
	case "ts":
		return spec{name: "ts", kind: kindTime}, true
	case "@timestamp":
		return spec{name: "@timestamp", kind: kindTime}, true
	}
	return spec{}, false
}

// parseTimeText reads an event time written as text: epoch digits ("1588205199.82437"), or
// a date and time "YYYY-MM-DD[T ]hh:mm:ss[.fraction][zone]", where the zone is Z, ±hh:mm,
// ±hhmm or ±hh and a time without one is UTC (Sysmon's UtcTime is written so). It returns
// Unix nanoseconds.
func parseTimeText(b []byte) (int64, bool) {
	var c minuteCache
	return c.parse(b)
}

// parse is parseTimeText, reusing the date and minute of the previous text time when b
// starts with the same 16 bytes.
func (c *minuteCache) parse(b []byte) (int64, bool) {
	if len(b) > 0 && b[0] >= '0' && b[0] <= '9' && (len(b) < 5 || b[4] != '-') {
		return parseEpoch(b)
	}
	if len(b) < 19 {
		return 0, false
	}
	if !c.ok || [16]byte(b[:16]) != c.key {
		secs, ok := parseMinute(b)
		if !ok {
			return 0, false
		}
		c.key, c.secs, c.ok = [16]byte(b[:16]), secs, true
	}
	return parseSeconds(c.secs, b[16:])
}

// parseMinute reads "YYYY-MM-DD[T ]hh:mm" at the start of b as seconds since 1970.
func parseMinute(b []byte) (int64, bool) {
	if b[4] != '-' || b[7] != '-' || b[13] != ':' || (b[10] != 'T' && b[10] != 't' && b[10] != ' ') {
		return 0, false
	}
	y1, ok1 := num2(b, 0)
	y2, ok2 := num2(b, 2)
	mo, ok3 := num2(b, 5)
	d, ok4 := num2(b, 8)
	h, ok5 := num2(b, 11)
	mi, ok6 := num2(b, 14)
	y := y1*100 + y2
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 {
		return 0, false
	}
	return daysFromCivil(y, mo, d)*86400 + int64(h*3600+mi*60), true
}

// parseSeconds reads ":ss[.fraction][zone]" after the minute, given the minute in seconds
// since 1970, as Unix nanoseconds.
func parseSeconds(minute int64, b []byte) (int64, bool) {
	if b[0] != ':' {
		return 0, false
	}
	s, ok := num2(b, 1)
	if !ok || s > 60 {
		return 0, false
	}
	s = min(s, 59) // a leap second is held as the second before it
	frac, rest, ok := fraction(b[3:])
	if !ok {
		return 0, false
	}
	off, ok := zoneOffset(rest)
	if !ok {
		return 0, false
	}
	secs := minute + int64(s) - off
	if secs < minEventUnix || secs >= maxEventUnix {
		return 0, false
	}
	return secs*1e9 + frac, true
}

// fraction reads an optional ".123456789" (or ",123") after the seconds and returns it in
// nanoseconds, with what follows it; false for a separator with no digits. Digits past the
// ninth are dropped.
func fraction(b []byte) (int64, []byte, bool) {
	if len(b) == 0 || (b[0] != '.' && b[0] != ',') {
		return 0, b, true
	}
	var n int64
	i := 1
	for ; i < len(b) && i <= 9 && b[i]-'0' < 10; i++ {
		n = n*10 + int64(b[i]-'0')
	}
	n *= pow10[10-i]
	for i < len(b) && b[i]-'0' < 10 {
		i++
	}
	return n, b[i:], i > 1
}

// pow10 scales a fraction of 9-k digits to nanoseconds.
var pow10 = [10]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9}

// num2 reads the two ASCII digits at b[i:i+2] as a number.
func num2(b []byte, i int) (int, bool) {
	d1, d2 := b[i]-'0', b[i+1]-'0'
	return int(d1)*10 + int(d2), d1 < 10 && d2 < 10
}

// zoneOffset reads the zone after the time — nothing (UTC), "Z", "±hh:mm", "±hhmm" or
// "±hh" — as seconds east of UTC.
func zoneOffset(b []byte) (int64, bool) {
	switch {
	case len(b) == 0:
		return 0, true
	case len(b) == 1 && (b[0] == 'Z' || b[0] == 'z'):
		return 0, true
	case b[0] != '+' && b[0] != '-':
		return 0, false
	}
	var h, m int
	var ok, okm bool
	switch len(b) {
	case 3:
		h, ok = num2(b, 1)
	case 5:
		h, ok = num2(b, 1)
		m, okm = num2(b, 3)
		ok = ok && okm
	case 6:
		h, ok = num2(b, 1)
		m, okm = num2(b, 4)
		ok = ok && okm && b[3] == ':'
	}
	if !ok || h > 23 || m > 59 {
		return 0, false
	}
	off := int64(h*3600 + m*60)
	if b[0] == '-' {
		off = -off
	}
	return off, true
}

// parseEpoch reads a time since 1970 as decimal digits with an optional fraction. The
// unit follows from the number of integer digits, as exporters differ: up to 11 seconds,
// 12–14 milliseconds, 15–17 microseconds, 18–19 nanoseconds.
func parseEpoch(b []byte) (int64, bool) {
	i := 0
	var whole int64
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		if whole > (math.MaxInt64-9)/10 {
			return 0, false
		}
		whole = whole*10 + int64(b[i]-'0')
	}
	if i == 0 {
		return 0, false
	}
	unit := epochUnit(i)
	frac, rest, ok := fraction(b[i:])
	if !ok || len(rest) != 0 {
		return 0, false
	}
	if secs := whole / (1e9 / unit); secs < minEventUnix || secs >= maxEventUnix {
		return 0, false
	}
	return whole*unit + frac/(1e9/unit), true
}

// epochUnit is the nanoseconds in the unit of an epoch number with n integer digits.
func epochUnit(n int) int64 {
	switch {
	case n <= 11:
		return 1e9
	case n <= 14:
		return 1e6
	case n <= 17:
		return 1e3
	}
	return 1
}

// calendarLayout is osquery's calendarTime: "Tue Sep 30 17:37:30 2014 UTC".
const calendarLayout = "Mon Jan _2 15:04:05 2006 MST"

// parseCalendarTime reads osquery's calendarTime. It is only a fallback for unixTime, so
// the standard library's parser is fast enough.
func parseCalendarTime(b []byte) (int64, bool) {
	t, err := time.Parse(calendarLayout, view(b))
	if err != nil {
		return 0, false
	}
	if u := t.Unix(); u < minEventUnix || u >= maxEventUnix {
		return 0, false
	}
	return t.UnixNano(), true
}

// daysIn is the number of days in month m of year y.
func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil is the number of days from 1970-01-01 to the date y-m-d of the proleptic
// Gregorian calendar (the well-known era arithmetic: 400-year eras of 146,097 days, years
// counted from March so that the leap day falls last).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	doy := (153*((m+9)%12)+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era*146097+doe) - 719468
}
