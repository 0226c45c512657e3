package store

import (
	"fmt"
	"time"
)

// timeLayout is how SQLite holds times: UTC, fixed width, microseconds, so that text
// order is time order. PostgreSQL holds TIMESTAMPTZ and parses the same text.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// dbTime returns t as a query argument for either engine; the zero time is NULL.
func dbTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Truncate(time.Microsecond).Format(timeLayout)
}

// timeCol scans a time column of either engine into *t; NULL becomes the zero time.
type timeCol struct{ t *time.Time }

// scanTime returns a scan destination for a time column.
func scanTime(t *time.Time) timeCol { return timeCol{t} }

// Scan implements sql.Scanner.
func (c timeCol) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*c.t = time.Time{}
	case time.Time:
		*c.t = v.UTC()
	case string:
		return c.parse(v)
	case []byte:
		return c.parse(string(v))
	default:
		return fmt.Errorf("scan time: unexpected %T", v)
	}
	return nil
}

func (c timeCol) parse(s string) error {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("scan time: %w", err)
	}
	*c.t = t.UTC()
	return nil
}

func timeOr(t, def time.Time) time.Time {
	if t.IsZero() {
		return def
	}
	return t.UTC().Truncate(time.Microsecond)
}
