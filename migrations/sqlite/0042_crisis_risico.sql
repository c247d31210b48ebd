-- Crisisbeheersing (issue 23): risk locations and vulnerable objects (imported from GeoJSON,
-- points in WGS84) and scenarios (draaiboeken) with their tasks per crisis function and the
-- partners involved.

CREATE TABLE crisis_risico (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL,
    soort TEXT NOT NULL,
    naam TEXT NOT NULL,
    omschrijving TEXT NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    bron TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX crisis_risico_org ON crisis_risico (organisation_id, soort);

CREATE TABLE crisis_scenario (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL,
    titel TEXT NOT NULL,
    omschrijving TEXT NOT NULL,
    partners TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE crisis_scenario_taak (
    id TEXT PRIMARY KEY,
    scenario_id TEXT NOT NULL REFERENCES crisis_scenario (id),
    functie_id TEXT NOT NULL REFERENCES crisis_functie (id),
    taak TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX crisis_scenario_taak_scenario ON crisis_scenario_taak (scenario_id);
