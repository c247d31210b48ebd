-- Monitor: the two-weekly review of the alarms with the police, and what the team decided.
-- A session keeps the alarms it listed as they were computed then (figures may be revised later).
CREATE TABLE monitor_review_session (
    id TEXT PRIMARY KEY,
    held_on TEXT NOT NULL,
    title TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_by_name TEXT NOT NULL
);

CREATE TABLE monitor_review_alarm (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES monitor_review_session(id),
    seq BIGINT NOT NULL,
    region TEXT NOT NULL,
    region_name TEXT NOT NULL,
    region_level TEXT NOT NULL,
    crime_type TEXT NOT NULL,
    crime_title TEXT NOT NULL,
    period TEXT NOT NULL,
    observed BIGINT NOT NULL,
    expected DOUBLE PRECISION NOT NULL,
    upperbound DOUBLE PRECISION NOT NULL,
    previous_year BIGINT,
    trend BIGINT NOT NULL,
    UNIQUE (session_id, seq)
);
CREATE INDEX monitor_review_alarm_key ON monitor_review_alarm (region, crime_type, period);

CREATE TABLE monitor_review_decision (
    id TEXT PRIMARY KEY,
    alarm_id TEXT NOT NULL REFERENCES monitor_review_alarm(id),
    decision TEXT NOT NULL,
    note TEXT NOT NULL,
    link TEXT,
    decided_at BIGINT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_by_name TEXT NOT NULL
);
CREATE INDEX monitor_review_decision_alarm ON monitor_review_decision (alarm_id, decided_at);
