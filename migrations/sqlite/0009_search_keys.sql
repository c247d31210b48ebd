-- FTS5 finds a document by its UNINDEXED columns only by reading every row, which made
-- replacing or removing one document cost a scan of the whole index. This table maps
-- (kind, ref_id) to the document's rowid, so both are index lookups.
CREATE TABLE search_documents_keys (
    doc INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    ref_id TEXT NOT NULL,
    UNIQUE (kind, ref_id)
);
INSERT INTO search_documents_keys (doc, kind, ref_id) SELECT rowid, kind, ref_id FROM search_documents;
