-- Monitor: results of the veiligheidsenquête (safety survey) per year, area and indicator; the
-- editable mapping of police crime types to IVB themes; and the status (voorlopig, nader
-- voorlopig, definitief) of the periods of a police table, as its metadata names them.
CREATE TABLE monitor_survey_result (
    id TEXT PRIMARY KEY,
    year BIGINT NOT NULL,
    area TEXT NOT NULL,
    indicator TEXT NOT NULL,
    estimate DOUBLE PRECISION NOT NULL,
    lower_bound DOUBLE PRECISION,
    upper_bound DOUBLE PRECISION,
    questionnaire TEXT NOT NULL,
    source TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    UNIQUE (year, area, indicator)
);
CREATE INDEX monitor_survey_result_area ON monitor_survey_result (area, indicator, year);

CREATE TABLE monitor_theme (
    slug TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    position BIGINT NOT NULL
);

CREATE TABLE monitor_theme_crime (
    theme_slug TEXT NOT NULL REFERENCES monitor_theme(slug),
    crime_type TEXT NOT NULL,
    PRIMARY KEY (theme_slug, crime_type)
);

CREATE TABLE monitor_period_status (
    table_id TEXT NOT NULL,
    period TEXT NOT NULL,
    status TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (table_id, period)
);
