-- At most one unfinished ("pull now") job per feed, so that two servers asked at once
-- cannot both queue one: the second request is answered with the job already there.
-- Extra unfinished pulls of a feed from before (each would have failed as the feed was
-- being pulled already) are failed first, the oldest kept.

-- +goose Up
UPDATE import_jobs SET state = 'failed', lease_until = NULL, finished_at = created_at,
    error = 'another pull of this feed was under way: pull the feed again if its page does not show the pull you wanted'
WHERE kind = 'feed_pull' AND state IN ('queued', 'running') AND id NOT IN (
    SELECT min(id) FROM import_jobs WHERE kind = 'feed_pull' AND state IN ('queued', 'running') GROUP BY feed_id);
CREATE UNIQUE INDEX import_jobs_one_pull ON import_jobs (feed_id) WHERE kind = 'feed_pull' AND state IN ('queued', 'running');

-- +goose Down
DROP INDEX import_jobs_one_pull;
