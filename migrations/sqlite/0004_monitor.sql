-- Monitor: CBS regions with boundaries, police crime types, imported police tables (each file a version).
CREATE TABLE monitor_region (
    code TEXT PRIMARY KEY,
    level TEXT NOT NULL,
    name TEXT NOT NULL,
    parent_code TEXT,
    geometry TEXT
);

CREATE TABLE monitor_crime_type (
    code TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL
);

CREATE TABLE monitor_import (
    id TEXT PRIMARY KEY,
    table_id TEXT NOT NULL,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    cells BIGINT NOT NULL,
    suppressed BIGINT NOT NULL,
    imported_at BIGINT NOT NULL,
    imported_by TEXT NOT NULL
);

CREATE TABLE monitor_count (
    import_id TEXT NOT NULL REFERENCES monitor_import(id),
    crime_type TEXT NOT NULL,
    region TEXT NOT NULL,
    period TEXT NOT NULL,
    value BIGINT,
    PRIMARY KEY (import_id, crime_type, region, period)
);
CREATE INDEX monitor_count_series ON monitor_count (crime_type, region, period);
