-- A person's saved selections of the work queue: a name and the queue's query string (only the
-- queue's own filter parameters, rebuilt by Baken when saving).
CREATE TABLE melding_opgeslagen_filter (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    naam TEXT NOT NULL,
    query TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX melding_opgeslagen_filter_user ON melding_opgeslagen_filter (user_id, naam);
