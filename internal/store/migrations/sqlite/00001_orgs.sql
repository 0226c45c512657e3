-- Organisations, their assets, supplier links and flagged overlapping claims.
-- Times are UTC text, fixed width (2006-01-02T15:04:05.000000Z), so they sort as written.
-- Enumerations (kind, status) are checked in Go, so that adding one needs no table rebuild.

-- +goose Up
CREATE TABLE orgs (
    ods_code   TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    region     TEXT NOT NULL DEFAULT '',
    parent     TEXT REFERENCES orgs (ods_code),
    contacts   TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX orgs_kind ON orgs (kind, ods_code);
CREATE INDEX orgs_region ON orgs (region, ods_code);
CREATE INDEX orgs_parent ON orgs (parent);

-- An ip_range keeps its first and last address as 16 bytes (IPv4 as ::ffff:a.b.c.d) so
-- that overlapping ranges are found with two comparisons.
CREATE TABLE assets (
    id          INTEGER PRIMARY KEY,
    org         TEXT NOT NULL REFERENCES orgs (ods_code) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    value       TEXT NOT NULL,
    family      INTEGER,
    range_start BLOB,
    range_end   BLOB,
    created_at  TEXT NOT NULL,
    UNIQUE (org, kind, value)
) STRICT;
CREATE INDEX assets_range ON assets (family, range_start) WHERE kind = 'ip_range';
CREATE INDEX assets_value ON assets (value);

CREATE TABLE asset_overlaps (
    id          INTEGER PRIMARY KEY,
    wider       INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    narrower    INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    equal       INTEGER NOT NULL,
    status      TEXT NOT NULL DEFAULT 'open',
    detected_at TEXT NOT NULL,
    reviewed_by TEXT NOT NULL DEFAULT '',
    reviewed_at TEXT,
    note        TEXT NOT NULL DEFAULT '',
    UNIQUE (wider, narrower)
) STRICT;
CREATE INDEX asset_overlaps_narrower ON asset_overlaps (narrower);

CREATE TABLE supplier_links (
    supplier   TEXT NOT NULL REFERENCES orgs (ods_code) ON DELETE CASCADE,
    customer   TEXT NOT NULL REFERENCES orgs (ods_code) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (supplier, customer)
) STRICT;
CREATE INDEX supplier_links_customer ON supplier_links (customer);

-- +goose Down
DROP TABLE supplier_links;
DROP TABLE asset_overlaps;
DROP TABLE assets;
DROP TABLE orgs;
