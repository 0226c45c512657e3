package store

import (
	"cmp"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/vigil-health/vigil"
)

// SourceImport stores one source's indicators batch by batch, each batch in a
// transaction of its own, so that an upload or a pull of any size needs the memory of one
// batch. Each batch is loaded into a temporary table (COPY on PostgreSQL, multi-row
// INSERTs on SQLite) and merged with a few set-wise statements, so that nothing reads
// the source's whole previous set. Batches are not counted as a change until Finish, so
// that servers rebuild their matchers once per import. Every claim a batch writes is marked with the import's
// id: Finish withdraws, after a complete pull, the claims of the source that no batch
// wrote, and EachChanged reads back those a batch added or changed.
type SourceImport struct {
	s        *Store
	source   string
	id       int64
	feed     int64        // the feed whose import it is (OfFeed); 0: none
	total    SourceChange // Changed stays empty: it is per batch
	changed  int          // indicators the batches added or changed
	finished bool
	wholeSet bool
	listedAt time.Time // when the whole set was fetched; zero: at Finish
}

// BeginSourceImport starts storing source's indicators. Nothing is written until Store.
func (s *Store) BeginSourceImport(source string) (*SourceImport, error) {
	source, err := vigil.SourceName(source)
	if err != nil {
		return nil, err
	}
	return &SourceImport{s: s, source: source, id: newImportID()}, nil
}

// newImportID is a random positive id: imports on several servers never share one, and
// 0 (the column's default) is never used.
func newImportID() int64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return int64(binary.LittleEndian.Uint64(b[:])>>1) | 1
}

// WholeSet says, before the first Store, that the import will be the source's whole
// current set if it finishes (a list feed's pull, a replace), as fetched at listedAt
// (zero: when it finishes): a claim the source holds unchanged then keeps the published
// time it has, and a complete Finish records listedAt as when the source listed its
// set, which the store reads as every claim's publication (source_listing.go). A claim
// held unchanged by an import that then fails is read as published at the last complete
// one.
func (imp *SourceImport) WholeSet(listedAt time.Time) { imp.wholeSet, imp.listedAt = true, listedAt }

// OfFeed says, before the first Store, that the import is feed id's (a pull, an upload
// to an upload feed): each batch and Finish first check, in their transaction, that the
// feed is still registered, and fail with ErrFeedDeleted once it is not, storing
// nothing; DeleteFeed is ordered against them, so that nothing of a deleted feed stays.
func (imp *SourceImport) OfFeed(id int64) { imp.feed = id }

// stillWanted checks, in a transaction of imp, that its feed (if any) is still there.
func (imp *SourceImport) stillWanted(ctx context.Context, tx *Store, c conn) error {
	if imp.feed == 0 {
		return nil
	}
	return tx.feedStillThere(ctx, c, imp.feed, imp.source)
}

// Source is the source the import credits its indicators to.
func (imp *SourceImport) Source() string { return imp.source }

// Totals are the counts so far (Changed is empty).
func (imp *SourceImport) Totals() SourceChange { return imp.total }

// Store adds inds to what the source holds and refreshes those it holds already, in one
// transaction. Its result counts the batch and lists, in Changed, the batch's indicators
// that are new to the source or whose provenance changed.
func (imp *SourceImport) Store(ctx context.Context, inds []vigil.Indicator) (SourceChange, error) {
	rows := mergeRows(imp.source, inds)
	if len(rows) == 0 {
		return SourceChange{}, nil
	}
	var ch SourceChange
	err := imp.s.inTx(ctx, func(tx *Store, c conn) error {
		var err error
		ch, err = tx.storeBatch(ctx, c, imp, rows)
		return err
	})
	if err != nil {
		return SourceChange{}, fmt.Errorf("store indicators of %q: %w", imp.source, err)
	}
	imp.total.Added += ch.Added
	imp.total.Refreshed += ch.Refreshed
	imp.changed += len(ch.Changed)
	return ch, nil
}

// storeBatch is Store inside its transaction. Each step is one statement over the whole
// batch; the (type, value) index is searched once per value to note its id and claim
// (findClaims), again only for the values to add, and from then on the batch's rows
// find their claims by id. The import writes its own lines of the change log (logChanges); the
// log's triggers leave the rows an import writes alone (migration 00033).
func (s *Store) storeBatch(ctx context.Context, c conn, imp *SourceImport, rows []sourceRow) (SourceChange, error) {
	if err := imp.stillWanted(ctx, s, c); err != nil {
		return SourceChange{}, err
	}
	if err := s.lockTable(ctx, c, "indicator_sources"); err != nil {
		return SourceChange{}, err
	}
	if err := s.noStatementJournal(ctx, c); err != nil {
		return SourceChange{}, err
	}
	if err := s.planBatch(ctx, c); err != nil {
		return SourceChange{}, err
	}
	if err := s.loadBatch(ctx, c, rows); err != nil {
		return SourceChange{}, err
	}
	if err := s.findClaims(ctx, c, imp.source, ""); err != nil {
		return SourceChange{}, err
	}
	if err := s.addIndicators(ctx, c, imp.source, len(rows)); err != nil {
		return SourceChange{}, err
	}
	ch, err := s.diffBatch(ctx, c, rows)
	if err != nil {
		return ch, err
	}
	if err := s.logChanges(ctx, c); err != nil {
		return ch, err
	}
	now := dbTime(s.now())
	if _, err := c.exec(ctx, s.insertOrIgnore()+upsertClaimsSQL, imp.source, now, now, imp.id, imp.id, imp.wholeSet); err != nil {
		return ch, fmt.Errorf("insert claims: %w", err)
	}
	return ch, s.dropBatch(ctx, c)
}

// noStatementJournal spares SQLite the statement journal of the batch's writes. SQLite
// copies every page a statement changes to that journal (to undo the statement alone
// if a constraint stops it half way) whenever the statement may stop so: here a foreign
// key checked at once, a NOT NULL column under the default ABORT. For a batch that
// copy, and handing its memory back, cost a third of the import. With the foreign keys
// checked at commit (the pragma lasts until the transaction ends) and the writes made
// INSERT OR IGNORE (insertOrIgnore), no statement can stop half way; a batch that failed
// would still be rolled back whole.
func (s *Store) noStatementJournal(ctx context.Context, c conn) error {
	if s.isPG() {
		return nil
	}
	if _, err := c.exec(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
		return fmt.Errorf("defer foreign keys: %w", err)
	}
	return nil
}

// planBatch sets, for the batch's transaction, how PostgreSQL plans its statements. The
// import_batch table is new each batch and never analysed, so the planner guesses
// several rows for each value's lookup by a unique index: it then reads each through
// a bitmap (a plain index scan took half the CPU) and reckons the batch costly enough
// to JIT-compile (20–30 ms a batch, more than compiling saved).
func (s *Store) planBatch(ctx context.Context, c conn) error {
	if !s.isPG() {
		return nil
	}
	if _, err := c.exec(ctx, `SET LOCAL jit = off; SET LOCAL enable_bitmapscan = off`); err != nil {
		return fmt.Errorf("plan import batch: %w", err)
	}
	return nil
}

// insertOrIgnore is how a batch statement starts: on SQLite a row that would break
// a NOT NULL column is skipped rather than stopping the statement (none does: every
// column the batch writes has a value), so that SQLite keeps no statement journal.
func (s *Store) insertOrIgnore() string {
	if s.isPG() {
		return "INSERT"
	}
	return "INSERT OR IGNORE"
}

// addIndicators adds the batch's values the store did not hold (findClaims found no id)
// and notes their ids. Values the store held already cost one index search each, not
// a second one for an insert that conflicts. On PostgreSQL the insert returns the new
// ids; a value another transaction added since findClaims (on PostgreSQL, where
// writers run side by side) is looked up after it. On SQLite the new values are
// given their ids before they are written (newIDs), so none is looked up again.
func (s *Store) addIndicators(ctx context.Context, c conn, source string, n int) error {
	if !s.isPG() {
		return s.newIDs(ctx, c, n)
	}
	if _, err := c.exec(ctx, `WITH added AS (INSERT INTO indicators (type, value) SELECT type, value FROM import_batch
		WHERE id IS NULL ORDER BY type, value ON CONFLICT (type, value) DO NOTHING RETURNING id, type, value)
		UPDATE import_batch b SET id = a.id FROM added a WHERE b.type = a.type AND b.value = a.value`); err != nil {
		return fmt.Errorf("insert indicators: %w", err)
	}
	return s.findClaims(ctx, c, source, ` WHERE id IS NULL`)
}

// newIDs numbers the batch's new values on SQLite after the highest id the store holds,
// in ord order (mergeRows sorted the batch by type and value, so the (type, value)
// index grows in order too), then writes them with those ids. The batch's transaction
// is SQLite's one writer, so no other id can appear in between; the new rows are then
// those numbered past the highest. Looking each new value up again after an insert
// cost a search of the (type, value) index per value. A row the insert skipped would
// leave its claim without an indicator, which the foreign key refuses at commit.
func (s *Store) newIDs(ctx context.Context, c conn, n int) error {
	var last int64
	if err := c.row(ctx, `SELECT COALESCE(MAX(id), 0) FROM indicators`).Scan(&last); err != nil {
		return fmt.Errorf("number new indicators: %w", err)
	}
	if _, err := c.exec(ctx, `UPDATE import_batch SET id = ? + num.seq FROM (SELECT ord, row_number() OVER (ORDER BY ord) AS seq
		FROM import_batch WHERE id IS NULL) AS num WHERE import_batch.ord = num.ord`, last); err != nil {
		return fmt.Errorf("number new indicators: %w", err)
	}
	for from := 0; from < n; from += newIDsPerInsert {
		if _, err := c.exec(ctx, `INSERT OR IGNORE INTO indicators (id, type, value) SELECT id, type, value FROM import_batch
			WHERE ord >= ? AND ord < ? AND id > ? ORDER BY ord`, from, from+newIDsPerInsert, last); err != nil {
			return fmt.Errorf("insert indicators: %w", err)
		}
	}
	return nil
}

// newIDsPerInsert is how many of a batch's rows one insert of new values takes. SQLite
// keeps a statement journal for that insert, in memory (temp_store is MEMORY): a copy of
// each page of the table and its indexes the statement changes, which a feed's unsorted
// values spread over more pages the larger the store. Over a whole batch of 10,000 it
// held 53 MB more at 1M values stored, 55 at 1.6M, a quarter of a 2M-line pull's peak;
// 500 rows an insert hold 7 MB at 1M, for 20 statements a batch.
const newIDsPerInsert = 500

// The states diffBatch gives a batch row (import_batch.state); NULL is a claim the
// source did not hold.
const (
	claimSame    = 0 // held as it is, or changed only in what matching ignores (times, reference)
	claimChanged = 1 // marking, grade, confidence, labels or validity changed
	claimCleared = 2 // otherwise the same, but held as not for matching: the import clears that
)

// claimDiff is the state of the claim s against the batch row import_batch: what makes
// an indicator "changed" for Early Warning and retro-hunts (marking, grade, confidence,
// labels, validity), and, for the change log, a not-for-matching mark the import clears.
const claimDiff = `CASE WHEN s.tlp <> import_batch.tlp OR s.reliability <> import_batch.reliability
	OR s.credibility <> import_batch.credibility OR s.confidence <> import_batch.confidence
	OR s.labels <> import_batch.labels OR s.valid_from IS DISTINCT FROM import_batch.valid_from
	OR s.valid_until IS DISTINCT FROM import_batch.valid_until THEN 1 WHEN s.not_for_matching <> '' THEN 2 ELSE 0 END`

// findClaims notes in import_batch, for the rows where (all of them when where is
// empty), each value's indicator id and how the row's claim compares with the one the
// source holds, before the claims are written. One pass over the batch: the correlated
// subqueries make both engines look each value up by the (type, value) index, then its
// claim by the primary key, rather than read whole tables; from here on the batch's
// rows find their claims by id. A value the store does not hold keeps a NULL id.
func (s *Store) findClaims(ctx context.Context, c conn, source, where string) error {
	if _, err := c.exec(ctx, `UPDATE import_batch SET (id, state) = (SELECT i.id, (SELECT `+claimDiff+`
		FROM indicator_sources s WHERE s.indicator_id = i.id AND s.source = ?)
		FROM indicators i WHERE i.type = import_batch.type AND i.value = import_batch.value)`+where, source); err != nil {
		return fmt.Errorf("compare claims: %w", err)
	}
	return nil
}

// diffBatch counts the rows whose claim the source did not hold (findClaims noted
// that) and lists those that are new or changed. The batch's rows come back as one
// list of their positions in ord order, a new claim's written as -1-ord: on a batch of
// new values, reading a row per value through database/sql cost more than the list.
func (s *Store) diffBatch(ctx context.Context, c conn, rows []sourceRow) (SourceChange, error) {
	var list string
	if err := c.row(ctx, `SELECT COALESCE(string_agg(CAST(CASE WHEN state IS NULL THEN -1 - ord ELSE ord END AS TEXT), ','
		ORDER BY ord), '') FROM import_batch WHERE state IS NULL OR state = ?`, claimChanged).Scan(&list); err != nil {
		return SourceChange{}, fmt.Errorf("compare claims: %w", err)
	}
	var ch SourceChange
	for item := range strings.SplitSeq(list, ",") {
		if item == "" {
			continue
		}
		ord, err := strconv.Atoi(item)
		if err != nil || ord >= len(rows) || -1-ord >= len(rows) {
			return ch, fmt.Errorf("compare claims: row %q of a batch of %d", item, len(rows))
		}
		if ord < 0 {
			ch.Added++
			ord = -1 - ord
		}
		if ch.Changed == nil { // room for the whole batch: growing by doubling copied it all twice
			ch.Changed = make([]vigil.Indicator, 0, len(rows))
		}
		ch.Changed = append(ch.Changed, rows[ord].ind)
	}
	ch.Refreshed = len(rows) - ch.Added
	return ch, nil
}

// logChanges writes the change log's lines for the batch's claims that are new, changed
// or no longer held as not for matching, stamped as the log's triggers stamp theirs (the
// intel change count the transaction commits as; on PostgreSQL locking the count first).
func (s *Store) logChanges(ctx context.Context, c conn) error {
	next := `(SELECT version + 1 FROM change_versions WHERE scope = 'intel')`
	if s.isPG() {
		next = `(SELECT intel_next_version())`
	}
	if _, err := c.exec(ctx, s.insertOrIgnore()+` INTO intel_changes (version, type, value) SELECT `+next+`, type, value
		FROM import_batch WHERE state IS NULL OR state <> ?`, claimSame); err != nil {
		return fmt.Errorf("log changed indicators: %w", err)
	}
	return nil
}

// upsertClaimsSQL writes the batch's claims, keeping added_at and refreshing
// published_at (but for a claim held unchanged by an import of the whole set: its
// source's listing says when it was last published), and marks them with the import
// (last_import), and those new or changed with changed_import (from the state diffBatch
// noted).
const upsertClaimsSQL = ` INTO indicator_sources (indicator_id, source, tlp, reliability, credibility,
	confidence, labels, ref, valid_from, valid_until, first_seen, last_seen, added_at, published_at, publisher,
	last_import, changed_import)
	SELECT b.id, ?, b.tlp, b.reliability, b.credibility, b.confidence, b.labels, b.ref, b.valid_from,
	b.valid_until, b.first_seen, b.last_seen, ?, ?, b.publisher, ?, CASE WHEN b.state IS NULL OR b.state = 1 THEN CAST(? AS BIGINT) ELSE 0 END
	FROM import_batch b WHERE true ORDER BY b.id
	ON CONFLICT (indicator_id, source) DO UPDATE SET tlp = excluded.tlp, reliability = excluded.reliability,
	credibility = excluded.credibility, confidence = excluded.confidence, labels = excluded.labels,
	ref = excluded.ref, valid_from = excluded.valid_from, valid_until = excluded.valid_until,
	first_seen = excluded.first_seen, last_seen = excluded.last_seen,
	published_at = CASE WHEN ? AND excluded.changed_import = 0 THEN indicator_sources.published_at ELSE excluded.published_at END,
	publisher = excluded.publisher, not_for_matching = '', last_import = excluded.last_import,
	changed_import = CASE WHEN excluded.changed_import <> 0 THEN excluded.changed_import ELSE indicator_sources.changed_import END`

// batchColumns are import_batch's columns in the order loadBatch writes them.
var batchColumns = []string{"ord", "type", "value", "tlp", "reliability", "credibility", "confidence", "labels",
	"ref", "valid_from", "valid_until", "first_seen", "last_seen", "publisher"}

// batchValues is row i of a batch in batchColumns' order; times as t turns them.
func batchValues(i int, r *sourceRow, t func(time.Time) any) []any {
	p := &r.ind.Provenance
	return []any{i, string(r.ind.Type), r.ind.Value, string(p.TLP), vigil.AdmiraltyCode(p.Reliability, 0),
		int(p.Credibility), p.Confidence, r.labels, p.Ref, t(p.ValidFrom), t(p.ValidUntil), t(p.FirstSeen),
		t(p.LastSeen), p.Publisher}
}

// loadBatch fills the temporary table import_batch with rows.
func (s *Store) loadBatch(ctx context.Context, c conn, rows []sourceRow) error {
	if s.isPG() {
		return s.copyBatch(ctx, c, rows)
	}
	// ord is the rowid: the statements that take the batch in ord order (by type and
	// value) read it in the table's own order instead of sorting it.
	if _, err := c.exec(ctx, `CREATE TEMP TABLE IF NOT EXISTS import_batch (ord INTEGER PRIMARY KEY, type TEXT, value TEXT,
		tlp TEXT, reliability TEXT, credibility INTEGER, confidence INTEGER, labels TEXT, ref TEXT, valid_from TEXT,
		valid_until TEXT, first_seen TEXT, last_seen TEXT, publisher TEXT, id INTEGER, state INTEGER)`); err != nil {
		return fmt.Errorf("create import batch: %w", err)
	}
	// Full chunks reuse one prepared statement: parsing thousands of placeholders
	// costs as much as inserting the rows. SQLite binds at most 32766 parameters.
	const per = 1000
	var full *sql.Stmt
	defer func() {
		if full != nil {
			_ = full.Close()
		}
	}()
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		args := make([]any, 0, len(chunk)*len(batchColumns))
		for i := range chunk {
			args = append(args, batchValues(start+i, &chunk[i], dbTime)...)
		}
		q := `INSERT INTO import_batch (` + strings.Join(batchColumns, ", ") + `) VALUES ` + valuesList(len(chunk), len(batchColumns))
		var err error
		switch {
		case len(chunk) < per:
			_, err = c.exec(ctx, q, args...)
		case full == nil:
			if full, err = c.prepare(ctx, q); err == nil {
				_, err = full.ExecContext(ctx, args...)
			}
		default:
			_, err = full.ExecContext(ctx, args...)
		}
		if err != nil {
			return fmt.Errorf("load import batch: %w", err)
		}
	}
	return nil
}

// copyBatch fills import_batch with COPY, on the transaction's own connection.
func (s *Store) copyBatch(ctx context.Context, c conn, rows []sourceRow) error {
	if _, err := c.exec(ctx, `CREATE TEMP TABLE import_batch (ord INTEGER, type TEXT COLLATE "C", value TEXT COLLATE "C",
		tlp TEXT, reliability TEXT, credibility INTEGER, confidence INTEGER, labels TEXT, ref TEXT,
		valid_from TIMESTAMPTZ, valid_until TIMESTAMPTZ, first_seen TIMESTAMPTZ, last_seen TIMESTAMPTZ, publisher TEXT,
		id BIGINT, state INTEGER) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("create import batch: %w", err)
	}
	if s.raw == nil {
		return fmt.Errorf("load import batch: no connection of its own to COPY on")
	}
	i := 0
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if i == len(rows) {
			return nil, nil
		}
		i++
		return batchValues(i-1, &rows[i-1], pgTime), nil
	})
	return withPgx(s.raw, "load import batch", func(pc *pgx.Conn) error {
		if _, err := pc.CopyFrom(ctx, pgx.Identifier{"import_batch"}, batchColumns, src); err != nil {
			return fmt.Errorf("load import batch: %w", err)
		}
		return nil
	})
}

// pgTime is a time as COPY takes it: nil for the zero time.
func pgTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Truncate(time.Microsecond)
}

// dropBatch empties import_batch on SQLite, where the writer connection keeps it;
// PostgreSQL drops it at commit.
func (s *Store) dropBatch(ctx context.Context, c conn) error {
	if s.isPG() {
		return nil
	}
	if _, err := c.exec(ctx, `DELETE FROM import_batch`); err != nil {
		return fmt.Errorf("empty import batch: %w", err)
	}
	return nil
}

// Finish ends the import, counts the change once (store.Versions: the servers rebuild
// their matchers once, not after every batch) and returns its totals. complete says the import was the
// source's whole current set (a complete pull): the claims of the source that no batch
// of this import wrote are then withdrawn, and indicators no source holds any more
// removed.
func (imp *SourceImport) Finish(ctx context.Context, complete bool) (SourceChange, error) {
	if imp.finished {
		return imp.total, fmt.Errorf("import of %q finished twice", imp.source)
	}
	imp.finished = true
	err := imp.s.inTx(ctx, func(tx *Store, c conn) error {
		if err := imp.stillWanted(ctx, tx, c); err != nil {
			return err
		}
		if complete {
			if err := tx.lockTable(ctx, c, "indicator_sources"); err != nil {
				return err
			}
			n, err := tx.withdrawUnmarked(ctx, c, imp.source, imp.id)
			if err != nil {
				return err
			}
			imp.total.Withdrawn = n
			if err := tx.recordListing(ctx, c, imp.source, cmp.Or(imp.listedAt, tx.now())); err != nil {
				return err
			}
		}
		if imp.changed == 0 && imp.total.Withdrawn == 0 {
			return nil
		}
		return tx.bumpVersion(ctx, c, ScopeIntel)
	})
	if err != nil {
		return imp.total, fmt.Errorf("withdraw indicators of %q: %w", imp.source, err)
	}
	return imp.total, nil
}

// withdrawAll is an import id no claim carries: withdrawUnmarked with it withdraws
// everything the source holds.
const withdrawAll = -1

// withdrawUnmarked deletes the claims of source that import id did not write, then the
// indicators left with no source.
func (s *Store) withdrawUnmarked(ctx context.Context, c conn, source string, id int64) (int, error) {
	gone, err := queryIDs(ctx, c, `SELECT indicator_id FROM indicator_sources WHERE source = ? AND last_import <> ?
		ORDER BY indicator_id`, source, id)
	if err != nil {
		return 0, fmt.Errorf("read withdrawn claims: %w", err)
	}
	for chunk := range slices.Chunk(gone, batchRows) {
		args := make([]any, 0, len(chunk)+1)
		args = append(args, source)
		for _, id := range chunk {
			args = append(args, id)
		}
		if _, err := c.exec(ctx, `DELETE FROM indicator_sources WHERE source = ? AND indicator_id IN (`+placeholders(len(chunk))+`)`, args...); err != nil {
			return 0, fmt.Errorf("withdraw claims: %w", err)
		}
		if _, err := c.exec(ctx, `DELETE FROM indicators WHERE id IN (`+placeholders(len(chunk))+`)
			AND NOT EXISTS (SELECT 1 FROM indicator_sources s WHERE s.indicator_id = indicators.id)`, args[1:]...); err != nil {
			return 0, fmt.Errorf("remove unsourced indicators: %w", err)
		}
	}
	return len(gone), nil
}

// queryIDs returns the single int64 column of a query.
func queryIDs(ctx context.Context, c conn, q string, args ...any) ([]int64, error) {
	rows, err := c.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// EachChanged calls fn with the indicators this import added to the source or changed,
// page indicators at a time in id order, as the hooks (Early Warning, retro-hunts) take
// them: memory stays that of one page however large the import. A claim a later import
// of the same source changed again is left to that import.
func (imp *SourceImport) EachChanged(ctx context.Context, page int, fn func([]vigil.Indicator) error) error {
	after := int64(0)
	for {
		inds, last, err := imp.s.changedPage(ctx, imp.source, imp.id, after, page)
		if err != nil || len(inds) == 0 {
			return err
		}
		if err := fn(inds); err != nil {
			return err
		}
		after = last
	}
}

// changedPage reads up to n claims import id changed, after indicator id after.
func (s *Store) changedPage(ctx context.Context, source string, id, after int64, n int) ([]vigil.Indicator, int64, error) {
	rows, err := s.rdb().query(ctx, `SELECT `+indicatorColumns+` FROM indicator_sources s
		JOIN indicators i ON i.id = s.indicator_id
		WHERE s.source = ? AND s.changed_import = ? AND s.indicator_id > ? ORDER BY s.indicator_id LIMIT ?`,
		source, id, after, n)
	if err != nil {
		return nil, 0, fmt.Errorf("read changed indicators: %w", err)
	}
	defer rows.Close()
	out := make([]vigil.Indicator, 0, n)
	var last int64
	for rows.Next() {
		si, src, err := scanClaim(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("read changed indicators: %w", err)
		}
		out = append(out, vigil.Indicator{Type: si.Type, Value: si.Value, Provenance: src.Provenance})
		last = si.ID
	}
	return out, last, rows.Err()
}
