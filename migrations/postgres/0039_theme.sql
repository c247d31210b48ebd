-- The installation's own look (platform::theme): one row, id 'installation'.
CREATE TABLE platform_theme (
    id TEXT PRIMARY KEY,
    name TEXT,
    brand TEXT,
    accent TEXT,
    logo BYTEA,
    logo_type TEXT,
    version BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
