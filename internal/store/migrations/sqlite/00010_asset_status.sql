-- Asset claims: an asset an organisation adds for itself is pending until a sector
-- analyst approves it, and a pending asset routes nothing (AssetClaims reads approved
-- ones only). Assets from before this migration were added by the sector: approved.
-- claimed_by and reviewed_by are who added it and who approved it (or, for the sector's
-- own additions, the same person).

-- +goose Up
ALTER TABLE assets ADD COLUMN status TEXT NOT NULL DEFAULT 'approved';
ALTER TABLE assets ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE assets ADD COLUMN reviewed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE assets ADD COLUMN reviewed_at TEXT;
CREATE INDEX assets_pending ON assets (id) WHERE status = 'pending';

-- +goose Down
DROP INDEX assets_pending;
ALTER TABLE assets DROP COLUMN reviewed_at;
ALTER TABLE assets DROP COLUMN reviewed_by;
ALTER TABLE assets DROP COLUMN claimed_by;
ALTER TABLE assets DROP COLUMN status;
