package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/vigil-health/vigil"
)

// fillPG is fill on PostgreSQL. The range is stated on both tables: PostgreSQL does
// not carry it across the join, and without it hashes the whole of indicator_sources
// for every range. It goes to pgx beneath database/sql and takes the rows
// in binary, as raw bytes: database/sql would box every column of every row in an
// interface (a string or time.Time allocated for each) and copy it again into the
// scan destination, most of what a rebuild's read costs this process.
func (w *rangeWorker) fillPG(ctx context.Context, collect func(*vigil.StoredIndicator) error, from, to int64) error {
	c, err := w.s.r.Conn(ctx)
	if err != nil {
		return fmt.Errorf("read indicators: %w", err)
	}
	defer c.Close()
	return withPgx(c, "read indicators", func(pc *pgx.Conn) error {
		rows, err := pc.Query(ctx, `SELECT `+matchableColumns+` FROM indicators i
			JOIN indicator_sources s ON s.indicator_id = i.id
			WHERE i.id >= $1 AND i.id < $2 AND s.indicator_id >= $1 AND s.indicator_id < $2 ORDER BY i.id, s.source`,
			pgx.QueryResultFormats{pgx.BinaryFormatCode}, from, to)
		if err != nil {
			return fmt.Errorf("read indicators: %w", err)
		}
		defer rows.Close()
		r := w.r
		return eachGroupedBy(rows, func() (int64, error) { return r.scanPG(rows.RawValues()) }, r, collect)
	})
}

// scanPG reads one row of matchableColumns in PostgreSQL's binary format and returns its
// indicator id. The texts are not copied: they are valid until the next row, as
// sql.RawBytes are.
func (r *claimReader) scanPG(v [][]byte) (int64, error) {
	if len(v) != 18 {
		return 0, fmt.Errorf("read indicators: %d columns, want 18", len(v))
	}
	id, err := pgInt(v[0])
	if err != nil {
		return 0, fmt.Errorf("read indicators: id: %w", err)
	}
	r.typ, r.value, r.source, r.tlp, r.rel, r.labels, r.ref, r.notFor, r.publisher = v[1], v[2], v[4], v[5], v[6], v[9], v[10],
		v[15], v[17]
	cred, err1 := pgInt(v[7])
	conf, err2 := pgInt(v[8])
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("grades of indicator %d: %d and %d bytes", id, len(v[7]), len(v[8]))
	}
	r.cred, r.conf = cred, conf
	for i, col := range [6]int{3, 11, 12, 13, 14, 16} {
		if r.times[i].t, err = pgTimestamptz(v[col]); err != nil {
			return 0, fmt.Errorf("times of indicator %d: %w", id, err)
		}
	}
	return id, r.fromColumns(id)
}

// pgInt decodes a binary int2, int4 or int8.
func pgInt(b []byte) (int64, error) {
	switch len(b) {
	case 2:
		return int64(int16(binary.BigEndian.Uint16(b))), nil
	case 4:
		return int64(int32(binary.BigEndian.Uint32(b))), nil
	case 8:
		return int64(binary.BigEndian.Uint64(b)), nil
	}
	return 0, fmt.Errorf("an integer of %d bytes", len(b))
}

// pgEpoch is where PostgreSQL counts binary timestamps from, 2000-01-01 UTC, in Unix time.
const pgEpoch = 946_684_800

// pgTimestamptz decodes a binary timestamptz (microseconds since pgEpoch); NULL (nil)
// is the zero time.
func pgTimestamptz(b []byte) (time.Time, error) {
	if b == nil {
		return time.Time{}, nil
	}
	if len(b) != 8 {
		return time.Time{}, fmt.Errorf("a timestamp of %d bytes", len(b))
	}
	us := int64(binary.BigEndian.Uint64(b))
	if us == math.MaxInt64 || us == math.MinInt64 {
		return time.Time{}, fmt.Errorf("an infinite timestamp")
	}
	return time.Unix(pgEpoch+us/1e6, us%1e6*1e3).UTC(), nil
}
