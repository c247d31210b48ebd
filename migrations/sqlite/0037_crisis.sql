-- Crisisbeheersing (issue 23): the crisis organisation (functions, people, qualifications), the
-- on-call roster with swaps, exercises with their lessons, and incidents with GRIP history, an
-- append-only logbook, situational pictures, decisions. Calendar dates are TEXT (YYYY-MM-DD);
-- moments are Unix milliseconds.

CREATE TABLE crisis_functie (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    naam TEXT NOT NULL,
    omschrijving TEXT NOT NULL,
    piket BIGINT NOT NULL DEFAULT 0,
    volgorde BIGINT NOT NULL
);

CREATE TABLE crisis_persoon (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL,
    user_id TEXT,
    naam TEXT NOT NULL,
    telefoon TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    ical_hash TEXT UNIQUE,
    ical_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX crisis_persoon_user ON crisis_persoon (user_id);

CREATE TABLE crisis_bezetting (
    persoon_id TEXT NOT NULL REFERENCES crisis_persoon (id),
    functie_id TEXT NOT NULL REFERENCES crisis_functie (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (persoon_id, functie_id)
);

CREATE TABLE crisis_kwalificatie (
    id TEXT PRIMARY KEY,
    persoon_id TEXT NOT NULL REFERENCES crisis_persoon (id),
    functie_id TEXT NOT NULL REFERENCES crisis_functie (id),
    behaald_op TEXT NOT NULL,
    verloopt_op TEXT NOT NULL,
    bron TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX crisis_kwalificatie_persoon ON crisis_kwalificatie (persoon_id);

CREATE TABLE crisis_piket (
    id TEXT PRIMARY KEY,
    week TEXT NOT NULL,
    functie_id TEXT NOT NULL REFERENCES crisis_functie (id),
    persoon_id TEXT NOT NULL REFERENCES crisis_persoon (id),
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (week, functie_id, persoon_id)
);
CREATE INDEX crisis_piket_persoon ON crisis_piket (persoon_id, week);

CREATE TABLE crisis_ruil (
    id TEXT PRIMARY KEY,
    piket_id TEXT NOT NULL REFERENCES crisis_piket (id),
    van_persoon_id TEXT NOT NULL,
    naar_persoon_id TEXT NOT NULL,
    reden TEXT NOT NULL,
    status TEXT NOT NULL,
    aangevraagd_door TEXT NOT NULL,
    aangevraagd_at BIGINT NOT NULL,
    beslist_door TEXT,
    beslist_at BIGINT
);

CREATE TABLE crisis_oefening (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL,
    jaar BIGINT NOT NULL,
    titel TEXT NOT NULL,
    soort TEXT NOT NULL,
    niveau TEXT NOT NULL,
    scenario TEXT NOT NULL,
    deelnemers TEXT NOT NULL,
    gepland_op TEXT NOT NULL,
    uitgevoerd_op TEXT,
    verloop TEXT NOT NULL DEFAULT '',
    evaluatie TEXT NOT NULL DEFAULT '',
    geevalueerd_op TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX crisis_oefening_jaar ON crisis_oefening (organisation_id, jaar);

CREATE TABLE crisis_incident (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL,
    titel TEXT NOT NULL,
    oefenmodus BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    evaluatie TEXT NOT NULL DEFAULT '',
    started_at BIGINT NOT NULL,
    ended_at BIGINT,
    created_by TEXT NOT NULL
);

CREATE TABLE crisis_leerpunt (
    id TEXT PRIMARY KEY,
    oefening_id TEXT REFERENCES crisis_oefening (id),
    incident_id TEXT REFERENCES crisis_incident (id),
    tekst TEXT NOT NULL,
    eigenaar TEXT NOT NULL,
    uiterlijk TEXT NOT NULL,
    afsluiting TEXT NOT NULL DEFAULT '',
    gesloten_at BIGINT,
    gesloten_door TEXT,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX crisis_leerpunt_oefening ON crisis_leerpunt (oefening_id);
CREATE INDEX crisis_leerpunt_incident ON crisis_leerpunt (incident_id);

CREATE TABLE crisis_grip (
    id TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL REFERENCES crisis_incident (id),
    niveau BIGINT NOT NULL,
    toelichting TEXT NOT NULL,
    at BIGINT NOT NULL,
    door_user TEXT NOT NULL,
    door_naam TEXT NOT NULL
);
CREATE INDEX crisis_grip_incident ON crisis_grip (incident_id, at);

CREATE TABLE crisis_logboek (
    id TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL REFERENCES crisis_incident (id),
    at BIGINT NOT NULL,
    auteur_user TEXT NOT NULL,
    auteur_naam TEXT NOT NULL,
    functie TEXT NOT NULL,
    bron TEXT NOT NULL,
    tekst TEXT NOT NULL
);
CREATE INDEX crisis_logboek_incident ON crisis_logboek (incident_id, at);

CREATE TABLE crisis_beeld (
    id TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL REFERENCES crisis_incident (id),
    discipline TEXT NOT NULL,
    versie BIGINT NOT NULL,
    beeld TEXT NOT NULL,
    oordeel TEXT NOT NULL,
    besluit TEXT NOT NULL,
    at BIGINT NOT NULL,
    door_naam TEXT NOT NULL,
    UNIQUE (incident_id, discipline, versie)
);

CREATE TABLE crisis_besluit (
    id TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL REFERENCES crisis_incident (id),
    tekst TEXT NOT NULL,
    actiehouder TEXT NOT NULL,
    herbeoordeling_at BIGINT,
    at BIGINT NOT NULL,
    door_naam TEXT NOT NULL
);
CREATE INDEX crisis_besluit_incident ON crisis_besluit (incident_id, at);

-- The logbook, the GRIP history and the picture versions are a record of what was known and
-- decided when: the database itself refuses to change or remove them.
CREATE TRIGGER crisis_logboek_no_update BEFORE UPDATE ON crisis_logboek
BEGIN SELECT RAISE(ABORT, 'crisis_logboek is append-only'); END;
CREATE TRIGGER crisis_logboek_no_delete BEFORE DELETE ON crisis_logboek
BEGIN SELECT RAISE(ABORT, 'crisis_logboek is append-only'); END;
CREATE TRIGGER crisis_grip_no_update BEFORE UPDATE ON crisis_grip
BEGIN SELECT RAISE(ABORT, 'crisis_grip is append-only'); END;
CREATE TRIGGER crisis_grip_no_delete BEFORE DELETE ON crisis_grip
BEGIN SELECT RAISE(ABORT, 'crisis_grip is append-only'); END;
CREATE TRIGGER crisis_beeld_no_update BEFORE UPDATE ON crisis_beeld
BEGIN SELECT RAISE(ABORT, 'crisis_beeld is append-only'); END;
CREATE TRIGGER crisis_beeld_no_delete BEFORE DELETE ON crisis_beeld
BEGIN SELECT RAISE(ABORT, 'crisis_beeld is append-only'); END;
