package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/vigil-health/vigil"
)

// importJobColumns are an import job's columns in scanImportJob's order.
const importJobColumns = `id, kind, state, started_by, source, feed_id, file, progress, report, error, node,
	lease_until, created_at, started_at, finished_at`

// CreateImportJob records a new job, queued, and returns it with its id. A job created
// with j.Node set is running on that server already, leased until j.LeaseUntil. A feed
// pull is refused (conflict) while another pull of the feed is unfinished: QueueFeedPull
// answers with that one instead.
func (s *Store) CreateImportJob(ctx context.Context, j vigil.ImportJob) (vigil.ImportJob, error) {
	j, err := s.insertImportJob(ctx, j)
	if err == nil && j.ID == 0 {
		err = vigil.Errorf(vigil.ECONFLICT, "feed %q is being pulled already", j.Source)
	}
	return j, err
}

// QueueFeedPull records pull job j of feed j.FeedID, queued, unless another pull of the
// feed is queued or running: that job is returned instead, with created false. The
// database keeps one such job per feed, so that of two servers asked at once, one queues
// the pull and the other answers with it.
func (s *Store) QueueFeedPull(ctx context.Context, j vigil.ImportJob) (job vigil.ImportJob, created bool, err error) {
	for range 3 { // the pull in the way may end between the insert and the read
		if job, err = s.insertImportJob(ctx, j); err != nil || job.ID != 0 {
			return job, err == nil, err
		}
		other, found, err := s.UnfinishedFeedPull(ctx, j.FeedID)
		if err != nil || found {
			return other, false, err
		}
	}
	return j, false, fmt.Errorf("queue a pull of feed %d: its pulls keep starting and ending", j.FeedID)
}

// insertImportJob inserts j; its ID is 0 when an unfinished pull of its feed is in the way.
func (s *Store) insertImportJob(ctx context.Context, j vigil.ImportJob) (vigil.ImportJob, error) {
	j.State, j.Created = vigil.JobQueued, s.now()
	var started any
	if j.Node != "" {
		j.State, j.Started = vigil.JobRunning, j.Created
		started = dbTime(j.Started)
	}
	var feed any
	if j.FeedID != 0 {
		feed = j.FeedID
	}
	rows, err := s.wdb().query(ctx, `INSERT INTO import_jobs (kind, state, started_by, source, feed_id, file, node,
		lease_until, created_at, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
		j.Kind, string(j.State), j.StartedBy, j.Source, feed, j.File, j.Node, dbTime(j.LeaseUntil), dbTime(j.Created), started)
	if err != nil {
		return j, fmt.Errorf("create import job: %w", err)
	}
	if j.ID, err = scanOptionalID(rows); err != nil {
		return j, fmt.Errorf("create import job: %w", err)
	}
	return j, nil
}

// UnfinishedFeedPull returns the pull job of feed that is queued or running, if any.
func (s *Store) UnfinishedFeedPull(ctx context.Context, feed int64) (vigil.ImportJob, bool, error) {
	j, err := queryOne(ctx, s, fmt.Sprintf("read the pull job of feed %d", feed), errNoJob, scanImportJob,
		`SELECT `+importJobColumns+` FROM import_jobs WHERE kind = ? AND feed_id = ? AND state IN (?, ?)`,
		vigil.JobFeedPull, feed, string(vigil.JobQueued), string(vigil.JobRunning))
	if errors.Is(err, errNoJob) {
		return j, false, nil
	}
	return j, err == nil, err
}

// errNoJob stands for no row in the reads that report found rather than not found.
var errNoJob = errors.New("no such import job")

// GetImportJob returns job id.
func (s *Store) GetImportJob(ctx context.Context, id int64) (vigil.ImportJob, error) {
	return queryOne(ctx, s, fmt.Sprintf("read import job %d", id), vigil.Errorf(vigil.ENOTFOUND, "import job %d not found", id), scanImportJob, `SELECT `+importJobColumns+` FROM import_jobs WHERE id = ?`, id)
}

func scanImportJob(sc scanner) (vigil.ImportJob, error) {
	var j vigil.ImportJob
	var state, progress string
	var feed sql.NullInt64
	var report sql.NullString
	err := sc.Scan(&j.ID, &j.Kind, &state, &j.StartedBy, &j.Source, &feed, &j.File, &progress, &report, &j.Error,
		&j.Node, scanTime(&j.LeaseUntil), scanTime(&j.Created), scanTime(&j.Started), scanTime(&j.Finished))
	if err != nil {
		return j, err
	}
	j.State, j.FeedID = vigil.JobState(state), feed.Int64
	if report.Valid {
		j.Report = json.RawMessage(report.String)
	}
	_ = json.Unmarshal([]byte(progress), &j.Progress) // written by ProgressImportJob only
	return j, nil
}

// ClaimImportJob makes node the runner of a job it may take, leased until until, and
// returns it, started now (a pull taken over starts again, from the feed's last state): job id when id is not 0, else the oldest queued feed pull or feed pull
// whose runner's lease ran out before now. It reports false when there was none (or
// another server was quicker). One conditional UPDATE decides between servers.
func (s *Store) ClaimImportJob(ctx context.Context, id int64, node string, now, until time.Time) (vigil.ImportJob, bool, error) {
	var j vigil.ImportJob
	got := false
	err := s.inTx(ctx, func(tx *Store, c conn) error {
		if id == 0 {
			err := c.row(ctx, `SELECT id FROM import_jobs WHERE kind = ? AND (state = ? OR (state = ? AND lease_until < ?))
				ORDER BY id LIMIT 1`, vigil.JobFeedPull, string(vigil.JobQueued), string(vigil.JobRunning), dbTime(now)).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				return nil
			}
			if err != nil {
				return err
			}
		}
		res, err := c.exec(ctx, `UPDATE import_jobs SET state = ?, node = ?, lease_until = ?,
			started_at = ? WHERE id = ? AND (state = ? OR (state = ? AND lease_until < ?))`,
			string(vigil.JobRunning), node, dbTime(until), dbTime(now), id, string(vigil.JobQueued), string(vigil.JobRunning), dbTime(now))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return err
		}
		got = true
		j, err = tx.GetImportJob(ctx, id)
		return err
	})
	if err != nil {
		return j, false, fmt.Errorf("claim import job: %w", err)
	}
	return j, got, nil
}

// ProgressImportJob records node's progress on job id and extends its lease to until;
// it reports false when node no longer runs the job (its lease ran out and another
// server took it over).
func (s *Store) ProgressImportJob(ctx context.Context, id int64, node string, p vigil.ImportProgress, until time.Time) (bool, error) {
	b, _ := json.Marshal(p)
	res, err := s.wdb().exec(ctx, `UPDATE import_jobs SET progress = ?, lease_until = ? WHERE id = ? AND node = ? AND state = ?`,
		string(b), dbTime(until), id, node, string(vigil.JobRunning))
	if err != nil {
		return false, fmt.Errorf("record progress of import job %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// FinishImportJob ends node's job id as done or failed, with its last progress, report
// and error. It reports false when node no longer ran the job.
func (s *Store) FinishImportJob(ctx context.Context, id int64, node string, state vigil.JobState, p vigil.ImportProgress, report json.RawMessage, msg string) (bool, error) {
	b, _ := json.Marshal(p)
	res, err := s.wdb().exec(ctx, `UPDATE import_jobs SET state = ?, progress = ?, report = ?, error = ?, finished_at = ?,
		lease_until = NULL WHERE id = ? AND node = ? AND state = ?`,
		string(state), string(b), rawOrNil(report), msg, dbTime(s.now()), id, node, string(vigil.JobRunning))
	if err != nil {
		return false, fmt.Errorf("finish import job %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ReleaseImportJob puts node's running feed pull id back in the queue, with its last
// progress, for whichever server takes it next (this one restarted, or another): its
// server is stopping. It reports false when node no longer ran the job.
func (s *Store) ReleaseImportJob(ctx context.Context, id int64, node string, p vigil.ImportProgress) (bool, error) {
	b, _ := json.Marshal(p)
	res, err := s.wdb().exec(ctx, `UPDATE import_jobs SET state = ?, progress = ?, node = '', lease_until = NULL
		WHERE id = ? AND node = ? AND state = ? AND kind = ?`,
		string(vigil.JobQueued), string(b), id, node, string(vigil.JobRunning), vigil.JobFeedPull)
	if err != nil {
		return false, fmt.Errorf("release import job %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// FailAbandonedUploads fails the upload jobs whose runner's lease ran out before now:
// the file was on that server, so no other can take the job over. It returns how many.
func (s *Store) FailAbandonedUploads(ctx context.Context, now time.Time, msg string) (int64, error) {
	res, err := s.wdb().exec(ctx, `UPDATE import_jobs SET state = ?, error = ?, finished_at = ?, lease_until = NULL
		WHERE kind = ? AND state IN (?, ?) AND lease_until < ?`,
		string(vigil.JobFailed), msg, dbTime(now), vigil.JobUpload, string(vigil.JobQueued), string(vigil.JobRunning), dbTime(now))
	if err != nil {
		return 0, fmt.Errorf("fail abandoned uploads: %w", err)
	}
	return res.RowsAffected()
}
