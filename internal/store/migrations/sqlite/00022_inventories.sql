-- Inventories: per organisation, named lists of the software it runs (an SBOM, a
-- lockfile, osquery results, a product list), and their components. problems is a JSON
-- array of what the last upload could not read. pkg_key is the vulnerability index key
-- (base ecosystem, NUL, normalised name; '' for a product outside package ecosystems),
-- so that a new advisory finds the organisations running its package without reading
-- every inventory. vendor is matched case-blind (ASCII) for sector advisories about
-- products.

-- +goose Up
CREATE TABLE inventories (
    org             TEXT NOT NULL REFERENCES orgs (ods_code) ON DELETE CASCADE,
    source          TEXT NOT NULL,
    format          TEXT NOT NULL,
    uploaded_at     TEXT NOT NULL,
    uploaded_by     TEXT NOT NULL,
    component_count INTEGER NOT NULL,
    problems        TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (org, source)
) STRICT;

CREATE TABLE inventory_components (
    id             INTEGER PRIMARY KEY,
    org            TEXT NOT NULL,
    source         TEXT NOT NULL,
    ecosystem      TEXT NOT NULL DEFAULT '',
    name           TEXT NOT NULL DEFAULT '',
    version        TEXT NOT NULL DEFAULT '',
    source_package TEXT NOT NULL DEFAULT '',
    purl           TEXT NOT NULL DEFAULT '',
    vendor         TEXT NOT NULL DEFAULT '',
    product        TEXT NOT NULL DEFAULT '',
    supplier       TEXT NOT NULL DEFAULT '',
    location       TEXT NOT NULL DEFAULT '',
    pkg_key        TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (org, source) REFERENCES inventories (org, source) ON DELETE CASCADE
) STRICT;
CREATE INDEX inventory_components_pkg ON inventory_components (pkg_key) WHERE pkg_key <> '';
CREATE INDEX inventory_components_source ON inventory_components (org, source);
CREATE INDEX inventory_components_vendor ON inventory_components (lower(vendor)) WHERE vendor <> '';

-- +goose Down
DROP TABLE inventory_components;
DROP TABLE inventories;
