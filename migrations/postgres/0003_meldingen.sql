-- Module meldingen: public reports, their categories (with workflow and deadline as data),
-- routing rules, photos and history. No column holds anything about the reporter's request.
CREATE TABLE melding_categorie (
    slug TEXT PRIMARY KEY,
    naam TEXT NOT NULL,
    thema TEXT NOT NULL,
    thema_naam TEXT NOT NULL,
    volgorde BIGINT NOT NULL,
    termijn_werkdagen BIGINT NOT NULL,
    overgangen TEXT NOT NULL,
    extra_vraag TEXT,
    extra_opties TEXT,
    actief BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE melding_regel (
    id TEXT PRIMARY KEY,
    positie BIGINT NOT NULL UNIQUE,
    categorie TEXT REFERENCES melding_categorie(slug),
    trefwoord TEXT,
    team_id TEXT NOT NULL REFERENCES teams(id)
);

CREATE TABLE melding (
    id TEXT PRIMARY KEY,
    nummer BIGINT NOT NULL UNIQUE,
    volgcode TEXT NOT NULL UNIQUE,
    categorie TEXT NOT NULL REFERENCES melding_categorie(slug),
    omschrijving TEXT NOT NULL,
    extra_antwoord TEXT,
    adres TEXT,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    locatie_onbekend BIGINT NOT NULL DEFAULT 0,
    wanneer TEXT,
    status TEXT NOT NULL,
    team_id TEXT REFERENCES teams(id),
    toewijzing_uitleg TEXT,
    termijn_datum TEXT NOT NULL,
    gepauzeerd_sinds BIGINT,
    anoniem BIGINT NOT NULL,
    contact_email TEXT,
    contact_telefoon TEXT,
    duplicaat_van TEXT REFERENCES melding(id),
    bron TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    gesloten_at BIGINT
);
CREATE INDEX melding_status ON melding (status, termijn_datum);
CREATE INDEX melding_team ON melding (team_id);
CREATE INDEX melding_categorie_idx ON melding (categorie);
CREATE INDEX melding_created ON melding (created_at);

CREATE TABLE melding_foto (
    melding_id TEXT NOT NULL REFERENCES melding(id),
    file_id TEXT NOT NULL REFERENCES files(id),
    positie BIGINT NOT NULL,
    PRIMARY KEY (melding_id, file_id)
);

CREATE TABLE melding_historie (
    id TEXT PRIMARY KEY,
    melding_id TEXT NOT NULL REFERENCES melding(id),
    at BIGINT NOT NULL,
    actor_user_id TEXT,
    actor_naam TEXT NOT NULL,
    soort TEXT NOT NULL,
    oud TEXT,
    nieuw TEXT,
    toelichting TEXT
);
CREATE INDEX melding_historie_melding ON melding_historie (melding_id, at);
