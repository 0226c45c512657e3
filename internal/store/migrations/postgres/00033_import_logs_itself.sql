-- An intel import writes the change log's lines for the claims it adds or changes
-- itself, one statement per batch (store.SourceImport), instead of the triggers joining
-- every claim it wrote with its indicator again. The trigger function leaves alone the
-- rows an import writes: inserted claims carrying an import's mark (last_import, never 0
-- for an import), and an update that moves that mark (an import's upsert moves it on
-- every row it touches). Every other write of a claim (a feed renamed, a withdrawal) is
-- logged as before.

-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION intel_log_claims() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v BIGINT;
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM 1 FROM new_claims WHERE last_import = 0 LIMIT 1;
        IF NOT FOUND THEN RETURN NULL; END IF;
        v := intel_next_version();
        INSERT INTO intel_changes (version, type, value)
        SELECT v, i.type, i.value FROM new_claims n JOIN indicators i ON i.id = n.indicator_id
        WHERE n.last_import = 0;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM 1 FROM old_claims LIMIT 1;
        IF NOT FOUND THEN RETURN NULL; END IF;
        v := intel_next_version();
        INSERT INTO intel_changes (version, type, value)
        SELECT v, i.type, i.value FROM old_claims o JOIN indicators i ON i.id = o.indicator_id;
    ELSE
        -- an import's update moves every row's last_import: it logs those itself
        PERFORM 1 FROM new_claims n JOIN old_claims o ON o.indicator_id = n.indicator_id AND o.source = n.source
        WHERE o.last_import <> n.last_import LIMIT 1;
        IF FOUND THEN RETURN NULL; END IF;
        PERFORM 1 FROM new_claims LIMIT 1;
        IF NOT FOUND THEN RETURN NULL; END IF;
        v := intel_next_version();
        INSERT INTO intel_changes (version, type, value)
        SELECT v, i.type, i.value
        FROM new_claims n
        LEFT JOIN old_claims o ON o.indicator_id = n.indicator_id AND o.source = n.source
        JOIN indicators i ON i.id = n.indicator_id
        WHERE o.indicator_id IS NULL
           OR (n.tlp, n.reliability, n.credibility, n.confidence, n.labels, n.valid_from, n.valid_until, n.not_for_matching)
              IS DISTINCT FROM
              (o.tlp, o.reliability, o.credibility, o.confidence, o.labels, o.valid_from, o.valid_until, o.not_for_matching);
        -- a claim moved to another indicator or source also changes the one it left
        INSERT INTO intel_changes (version, type, value)
        SELECT v, i.type, i.value
        FROM old_claims o
        LEFT JOIN new_claims n ON n.indicator_id = o.indicator_id AND n.source = o.source
        JOIN indicators i ON i.id = o.indicator_id
        WHERE n.indicator_id IS NULL;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd


-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION intel_log_claims() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v BIGINT;
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM 1 FROM new_claims LIMIT 1;
        IF NOT FOUND THEN RETURN NULL; END IF;
        v := intel_next_version();
        INSERT INTO intel_changes (version, type, value)
        SELECT v, i.type, i.value FROM new_claims n JOIN indicators i ON i.id = n.indicator_id;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM 1 FROM old_claims LIMIT 1;
        IF NOT FOUND THEN RETURN NULL; END IF;
        v := intel_next_version();
        INSERT INTO intel_changes (version, type, value)
        SELECT v, i.type, i.value FROM old_claims o JOIN indicators i ON i.id = o.indicator_id;
    ELSE
        PERFORM 1 FROM new_claims LIMIT 1;
        IF NOT FOUND THEN RETURN NULL; END IF;
        v := intel_next_version();
        INSERT INTO intel_changes (version, type, value)
        SELECT v, i.type, i.value
        FROM new_claims n
        LEFT JOIN old_claims o ON o.indicator_id = n.indicator_id AND o.source = n.source
        JOIN indicators i ON i.id = n.indicator_id
        WHERE o.indicator_id IS NULL
           OR (n.tlp, n.reliability, n.credibility, n.confidence, n.labels, n.valid_from, n.valid_until, n.not_for_matching)
              IS DISTINCT FROM
              (o.tlp, o.reliability, o.credibility, o.confidence, o.labels, o.valid_from, o.valid_until, o.not_for_matching);
        -- a claim moved to another indicator or source also changes the one it left
        INSERT INTO intel_changes (version, type, value)
        SELECT v, i.type, i.value
        FROM old_claims o
        LEFT JOIN new_claims n ON n.indicator_id = o.indicator_id AND n.source = o.source
        JOIN indicators i ON i.id = o.indicator_id
        WHERE n.indicator_id IS NULL;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

