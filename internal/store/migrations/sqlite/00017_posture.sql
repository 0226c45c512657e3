-- Posture: organisations' answers to the self-assessment frameworks, their scores over
-- time, continuity plans, the Local Support Organisation serving each provider, and
-- support requests. Dates (review_date, reminded_for) are midnight UTC in the usual
-- time text. reminded_for is the review date a reminder went out for, so that each
-- passing of a review date is reminded once.

-- +goose Up
CREATE TABLE posture_answers (
    org          TEXT NOT NULL REFERENCES orgs (ods_code) ON DELETE CASCADE,
    framework    TEXT NOT NULL,
    item         TEXT NOT NULL,
    grade        TEXT NOT NULL DEFAULT '',
    evidence     TEXT NOT NULL DEFAULT '',
    owner        TEXT NOT NULL DEFAULT '',
    review_date  TEXT,
    reminded_for TEXT,
    updated_by   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (org, framework, item)
) STRICT;
CREATE INDEX posture_answers_review ON posture_answers (review_date) WHERE review_date IS NOT NULL;

-- One evidence file per item, kept as uploaded (capped, its kind checked by content) and
-- only ever downloaded as an attachment.
CREATE TABLE posture_evidence (
    org          TEXT NOT NULL,
    framework    TEXT NOT NULL,
    item         TEXT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    data         BLOB NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  TEXT NOT NULL,
    PRIMARY KEY (org, framework, item),
    FOREIGN KEY (org, framework, item) REFERENCES posture_answers (org, framework, item) ON DELETE CASCADE
) STRICT;

CREATE TABLE posture_scores (
    id        INTEGER PRIMARY KEY,
    org       TEXT NOT NULL REFERENCES orgs (ods_code) ON DELETE CASCADE,
    framework TEXT NOT NULL,
    version   TEXT NOT NULL,
    percent   INTEGER NOT NULL,
    status    TEXT NOT NULL,
    met       INTEGER NOT NULL,
    planned   INTEGER NOT NULL,
    open      INTEGER NOT NULL,
    at        TEXT NOT NULL
) STRICT;
CREATE INDEX posture_scores_org ON posture_scores (org, framework, at);

CREATE TABLE continuity_plans (
    org               TEXT PRIMARY KEY REFERENCES orgs (ods_code) ON DELETE CASCADE,
    plan              TEXT NOT NULL,
    last_restore_test TEXT,
    updated_by        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
) STRICT;

-- A provider has at most one Local Support Organisation.
CREATE TABLE lso_links (
    provider   TEXT PRIMARY KEY REFERENCES orgs (ods_code) ON DELETE CASCADE,
    lso        TEXT NOT NULL REFERENCES orgs (ods_code) ON DELETE CASCADE,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX lso_links_lso ON lso_links (lso);

CREATE TABLE support_requests (
    id             INTEGER PRIMARY KEY,
    org            TEXT NOT NULL REFERENCES orgs (ods_code) ON DELETE CASCADE,
    lso            TEXT NOT NULL REFERENCES orgs (ods_code) ON DELETE CASCADE,
    subject        TEXT NOT NULL,
    body           TEXT NOT NULL,
    context        TEXT NOT NULL DEFAULT '',
    context_text   TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    first_reply_at TEXT,
    closed_at      TEXT
) STRICT;
CREATE INDEX support_requests_lso ON support_requests (lso, status, id);
CREATE INDEX support_requests_org ON support_requests (org, id);

CREATE TABLE support_replies (
    id       INTEGER PRIMARY KEY,
    request  INTEGER NOT NULL REFERENCES support_requests (id) ON DELETE CASCADE,
    author   TEXT NOT NULL,
    from_lso INTEGER NOT NULL,
    body     TEXT NOT NULL,
    at       TEXT NOT NULL
) STRICT;
CREATE INDEX support_replies_request ON support_replies (request, id);

-- +goose Down
DROP TABLE support_replies;
DROP TABLE support_requests;
DROP TABLE lso_links;
DROP TABLE continuity_plans;
DROP TABLE posture_scores;
DROP TABLE posture_evidence;
DROP TABLE posture_answers;
