-- The reporter's rating of the handling of a closed melding (1 to 5, with an optional text),
-- given once through the tracking page; it goes with the melding when that is removed.
CREATE TABLE melding_beoordeling (
    melding_id TEXT PRIMARY KEY REFERENCES melding(id) ON DELETE CASCADE,
    cijfer BIGINT NOT NULL CHECK (cijfer BETWEEN 1 AND 5),
    tekst TEXT,
    created_at BIGINT NOT NULL
);
