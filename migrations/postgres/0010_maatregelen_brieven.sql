-- Maatregelen: the team that handles a measure (deadline overview per team, reminders), the
-- melding an aanleiding refers to, letter templates and the letters drafted from them, the
-- reminders sent per deadline, retention terms per type (Selectielijst 2020) and the record of
-- what the retention job destroyed (no personal data).
ALTER TABLE maatregelen_maatregel ADD COLUMN team_id TEXT;
ALTER TABLE maatregelen_stap ADD COLUMN melding_id TEXT;

CREATE TABLE maatregelen_sjabloon (
    id TEXT PRIMARY KEY,
    brief TEXT NOT NULL,
    -- A measure type's slug, or '' for the template every type uses unless it has its own.
    soort TEXT NOT NULL,
    versie BIGINT NOT NULL,
    titel TEXT NOT NULL,
    tekst TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX maatregelen_sjabloon_versie ON maatregelen_sjabloon (brief, soort, versie);

CREATE TABLE maatregelen_brief (
    id TEXT PRIMARY KEY,
    maatregel_id TEXT NOT NULL REFERENCES maatregelen_maatregel (id),
    brief TEXT NOT NULL,
    sjabloon_id TEXT NOT NULL,
    titel TEXT NOT NULL,
    tekst TEXT NOT NULL,
    datum TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX maatregelen_brief_maatregel ON maatregelen_brief (maatregel_id, created_at);

CREATE TABLE maatregelen_herinnering (
    maatregel_id TEXT NOT NULL REFERENCES maatregelen_maatregel (id),
    sleutel TEXT NOT NULL,
    verstuurd_at BIGINT NOT NULL,
    PRIMARY KEY (maatregel_id, sleutel)
);

CREATE TABLE maatregelen_bewaartermijn (
    soort TEXT PRIMARY KEY,
    jaren BIGINT NOT NULL,
    resultaat TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE maatregelen_vernietiging (
    id TEXT PRIMARY KEY,
    soort TEXT NOT NULL,
    beeindigd TEXT NOT NULL,
    bewaren_tot TEXT NOT NULL,
    stappen BIGINT NOT NULL,
    brieven BIGINT NOT NULL,
    vernietigd_at BIGINT NOT NULL
);
