-- Kernel: links between records of different modules (a measure that came from a melding). The
-- module that makes the link writes it; the other shows it. A label names the kind of record,
-- never a person, because whoever sees one side may not see the other.
CREATE TABLE koppeling (
    id TEXT PRIMARY KEY,
    from_kind TEXT NOT NULL,
    from_id TEXT NOT NULL,
    to_kind TEXT NOT NULL,
    to_id TEXT NOT NULL,
    label TEXT NOT NULL,
    href TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX koppeling_to ON koppeling (to_kind, to_id);
CREATE INDEX koppeling_from ON koppeling (from_kind, from_id);
