package sightings

import (
	"strconv"
	"time"

	"github.com/vigil-health/vigil"
)

// MaxClockSkew is how far ahead of the server's clock an event's time may be before it is
// taken for a sensor's wrong clock. Times ahead by less are taken as the time received,
// silently: a sighting never claims to be later than when the server heard of it.
const MaxClockSkew = 5 * time.Minute

// The clock-skew rules of an upload. Each event's sightings and index keys take the
// event's own time (telemetry.Extractor.LastTime), except that:
//   - an event with no readable time of its own takes the time the upload began;
//   - a time more than MaxClockSkew ahead of the server's clock is taken as the time the
//     upload began, and counted with an example for the sensor to see (its clock is wrong);
//   - a time on a day older than the index keeps (the retention period) keeps its real
//     time in the sighting, but is filed under the oldest day kept, and counted with an
//     example: it is still matched and alerted — an analyst loading an old log wants to
//     know — but it goes when that day does, as the retention rule says.

// eventClock applies the clock-skew rules of one upload.
type eventClock struct {
	received  int64 // Unix nanoseconds when the upload began
	latest    int64 // the latest believable event time
	oldestDay int32 // the oldest day the index keeps, in days since 1970
	retention int
}

func newEventClock(received time.Time, retentionDays int) eventClock {
	return eventClock{received: received.UnixNano(), latest: received.Add(MaxClockSkew).UnixNano(),
		oldestDay: unixDay(vigil.DayOf(received).AddDate(0, 0, -retentionDays).UnixNano()), retention: retentionDays}
}

// timeRule is which clock-skew rule an event's time met.
type timeRule uint8

const (
	timeOwn     timeRule = iota // the event's own time, as it is
	timeNone                    // no time: the time received
	timeFuture                  // too far ahead: the time received
	timeTooOld                  // older than the index keeps: filed under the oldest kept day
	timeAheadOK                 // ahead by less than MaxClockSkew: the time received, not counted
)

// place returns the time (Unix nanoseconds) and day (days since 1970) an event's sightings
// and index keys take, given its own time (ok false when it has none).
func (c *eventClock) place(own time.Time, ok bool) (int64, int32, timeRule) {
	if !ok {
		return c.received, unixDay(c.received), timeNone
	}
	at := own.UnixNano()
	switch {
	case at > c.latest:
		return c.received, unixDay(c.received), timeFuture
	case at > c.received:
		return c.received, unixDay(c.received), timeAheadOK
	case unixDay(at) < c.oldestDay:
		return at, c.oldestDay, timeTooOld
	}
	return at, unixDay(at), timeOwn
}

// unixDay is the UTC day of a time in Unix nanoseconds, as days since 1970.
func unixDay(nanos int64) int32 {
	d := nanos / (86400 * 1e9)
	if nanos < 0 && nanos%(86400*1e9) != 0 {
		d--
	}
	return int32(d)
}

// dayTime is midnight UTC of a day counted since 1970.
func dayTime(d int32) time.Time {
	return time.Unix(int64(d)*86400, 0).UTC()
}

// clockProblem describes the first event an upload's clock-skew rule changed, for the
// sensor's operator: the line, the time it gave and what was done with it.
func (c *eventClock) clockProblem(rule timeRule, no int64, own time.Time, field string) string {
	line := "line " + strconv.FormatInt(no, 10) + ": " + field + " " + own.UTC().Format(time.RFC3339Nano)
	received := time.Unix(0, c.received).UTC()
	if rule == timeFuture {
		return line + " is " + roughly(own.Sub(received)) + " ahead of the server's clock (" +
			received.Format(time.RFC3339) + "); taken as the time received. Check the sensor's clock"
	}
	return line + " is older than the " + strconv.Itoa(c.retention) + " days the server keeps; matched, and filed under " +
		dayTime(c.oldestDay).Format(time.DateOnly) + ", the oldest day kept"
}

// roughly says how long d is in the largest unit a person would use, rounded to the
// nearest: "400 days", "7 hours", "12 minutes". Rounding, not truncating: an event a day
// ahead reaches the server a few seconds later, which is still "24 hours", not "23".
func roughly(d time.Duration) string {
	size, unit := time.Minute, "minute"
	switch {
	case d >= 48*time.Hour:
		size, unit = 24*time.Hour, "day"
	case d >= 2*time.Hour:
		size, unit = time.Hour, "hour"
	}
	n := int64((d + size/2) / size)
	if n != 1 {
		unit += "s"
	}
	return strconv.FormatInt(n, 10) + " " + unit
}
