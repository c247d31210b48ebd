-- On SQLite this migration adds a key table to the FTS5 index. PostgreSQL's search_documents
-- has its primary key (kind, ref_id) already: nothing to do.
SELECT 1;
