-- Module beleid: the Integral Safety Policy (IVB), its yearly implementation plans and budgets.
-- Times are Unix milliseconds; money is in euro cents; ids are UUIDv7 text made in Rust.

CREATE TABLE beleid_policy (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    period_start BIGINT NOT NULL,
    period_end BIGINT NOT NULL,
    source_url TEXT NOT NULL,
    foreword TEXT NOT NULL,
    context TEXT NOT NULL,
    editable BIGINT NOT NULL DEFAULT 0,
    copied_from TEXT REFERENCES beleid_policy (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX beleid_policy_period ON beleid_policy (period_start);

CREATE TABLE beleid_theme (
    id TEXT PRIMARY KEY,
    policy_id TEXT NOT NULL REFERENCES beleid_policy (id),
    position BIGINT NOT NULL,
    number TEXT NOT NULL,
    title TEXT NOT NULL,
    intro TEXT NOT NULL,
    copied_from TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX beleid_theme_policy ON beleid_theme (policy_id, position);

CREATE TABLE beleid_goal (
    id TEXT PRIMARY KEY,
    theme_id TEXT NOT NULL REFERENCES beleid_theme (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX beleid_goal_theme ON beleid_goal (theme_id, position);

CREATE TABLE beleid_action (
    id TEXT PRIMARY KEY,
    theme_id TEXT NOT NULL REFERENCES beleid_theme (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    text TEXT NOT NULL,
    copied_from TEXT
);
CREATE INDEX beleid_action_theme ON beleid_action (theme_id, position);

CREATE TABLE beleid_plan (
    id TEXT PRIMARY KEY,
    action_id TEXT NOT NULL REFERENCES beleid_action (id) ON DELETE CASCADE,
    year BIGINT NOT NULL,
    status TEXT NOT NULL,
    team TEXT NOT NULL,
    partners TEXT NOT NULL,
    planned_from TEXT NOT NULL,
    planned_until TEXT NOT NULL,
    reason TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (action_id, year)
);

CREATE TABLE beleid_note (
    id TEXT PRIMARY KEY,
    action_id TEXT NOT NULL REFERENCES beleid_action (id) ON DELETE CASCADE,
    year BIGINT NOT NULL,
    noted_on TEXT NOT NULL,
    text TEXT NOT NULL,
    author_name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX beleid_note_action ON beleid_note (action_id, year);

CREATE TABLE beleid_indicator (
    id TEXT PRIMARY KEY,
    action_id TEXT NOT NULL REFERENCES beleid_action (id) ON DELETE CASCADE,
    year BIGINT NOT NULL,
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    target DOUBLE PRECISION,
    actual DOUBLE PRECISION,
    source TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX beleid_indicator_action ON beleid_indicator (action_id, year, position);

CREATE TABLE beleid_budget (
    id TEXT PRIMARY KEY,
    theme_id TEXT NOT NULL REFERENCES beleid_theme (id) ON DELETE CASCADE,
    year BIGINT NOT NULL,
    begroot BIGINT NOT NULL,
    toegekend BIGINT NOT NULL,
    subsidy_source TEXT NOT NULL,
    besteed BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (theme_id, year)
);

CREATE TABLE beleid_report_text (
    id TEXT PRIMARY KEY,
    theme_id TEXT NOT NULL REFERENCES beleid_theme (id) ON DELETE CASCADE,
    year BIGINT NOT NULL,
    text TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (theme_id, year)
);
