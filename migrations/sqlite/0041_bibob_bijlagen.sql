-- Attachments of a Bibob screening (the questionnaire's bijlagen: KvK extract, financing,
-- zeggenschap), stored in the kernel's files table; destroyed with the screening.
CREATE TABLE bibob_bijlage (
    id TEXT PRIMARY KEY,
    screening_id TEXT NOT NULL REFERENCES bibob_screening(id) ON DELETE CASCADE,
    file_id TEXT NOT NULL,
    omschrijving TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX bibob_bijlage_screening ON bibob_bijlage (screening_id, created_at);
