-- Monitor: alarm settings per level and frequency (per organisation; absent = the validated
-- defaults in code), the two-weekly review as a meeting (attendees, signals the police bring,
-- decisions on every agenda item, actions that come back until closed), and fortnightly police
-- counts (their own imports, a series of frequency 26).
CREATE TABLE monitor_alarm_setting (
    organisation_id TEXT NOT NULL,
    level TEXT NOT NULL,
    freq BIGINT NOT NULL,
    window_half_width BIGINT NOT NULL,
    seasonal_periods BIGINT NOT NULL,
    reference_years BIGINT NOT NULL,
    minimum_cases BIGINT NOT NULL,
    minimum_periods BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (organisation_id, level, freq)
);

CREATE TABLE monitor_review_attendee (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES monitor_review_session(id),
    seq BIGINT NOT NULL,
    organisation TEXT NOT NULL,
    name TEXT NOT NULL,
    added_at BIGINT NOT NULL,
    added_by TEXT NOT NULL,
    UNIQUE (session_id, seq)
);

CREATE TABLE monitor_review_signal (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES monitor_review_session(id),
    seq BIGINT NOT NULL,
    category TEXT NOT NULL,
    area TEXT NOT NULL,
    body TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_by_name TEXT NOT NULL,
    UNIQUE (session_id, seq)
);

-- Decisions on agenda items other than alarms (those keep monitor_review_decision): a signal of
-- the police (`signaal-N`) or a theme of the standing overview (`thema-slug`).
CREATE TABLE monitor_review_item_decision (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES monitor_review_session(id),
    item TEXT NOT NULL,
    decision TEXT NOT NULL,
    note TEXT NOT NULL,
    decided_at BIGINT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_by_name TEXT NOT NULL
);
CREATE INDEX monitor_review_item_decision_item ON monitor_review_item_decision (session_id, item, decided_at);

-- A decision "preventieve actie" or "maatregel" makes an action; it is on the agenda of every
-- later session until a session closes it.
CREATE TABLE monitor_review_action (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES monitor_review_session(id),
    item TEXT NOT NULL,
    subject TEXT NOT NULL,
    decision TEXT NOT NULL,
    note TEXT NOT NULL,
    owner TEXT NOT NULL,
    due_on TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    closed_at BIGINT,
    closed_session_id TEXT REFERENCES monitor_review_session(id),
    closed_by TEXT,
    closed_note TEXT
);
CREATE INDEX monitor_review_action_open ON monitor_review_action (closed_at, due_on);

CREATE TABLE monitor_fortnight_import (
    id TEXT PRIMARY KEY,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    row_count BIGINT NOT NULL,
    imported_at BIGINT NOT NULL,
    imported_by TEXT NOT NULL
);

-- The latest import of a fortnight, area and crime type wins (a correction replaces the figure).
CREATE TABLE monitor_fortnight_count (
    period_start TEXT NOT NULL,
    region TEXT NOT NULL,
    crime_type TEXT NOT NULL,
    value BIGINT NOT NULL,
    import_id TEXT NOT NULL REFERENCES monitor_fortnight_import(id),
    PRIMARY KEY (region, crime_type, period_start)
);
