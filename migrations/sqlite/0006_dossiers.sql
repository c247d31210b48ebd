-- Module dossiers: multidisciplinary case files, their subjects, the covenants under which
-- partners take part, entries with one data category each, meetings and destruction records.
-- Times are Unix milliseconds; legal dates are ISO 'YYYY-MM-DD' text; lists are ','-joined slugs.

CREATE TABLE dossiers_zaaktype (
    slug TEXT PRIMARY KEY,
    naam TEXT NOT NULL,
    omschrijving TEXT NOT NULL,
    categorieen TEXT NOT NULL,
    taken TEXT NOT NULL,
    bewaartermijn_jaren BIGINT NOT NULL,
    regie_rollen TEXT NOT NULL,
    ingebouwd BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE dossiers_convenant (
    id TEXT PRIMARY KEY,
    naam TEXT NOT NULL,
    doelen TEXT NOT NULL,
    zaaktypen TEXT NOT NULL,
    geldig_van TEXT NOT NULL,
    geldig_tot TEXT NOT NULL,
    ingetrokken_at BIGINT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE dossiers_convenant_partij (
    convenant_id TEXT NOT NULL REFERENCES dossiers_convenant (id),
    organisation_id TEXT NOT NULL,
    ontvangen TEXT NOT NULL,
    verstrekken TEXT NOT NULL,
    PRIMARY KEY (convenant_id, organisation_id)
);

CREATE TABLE dossiers_dossier (
    id TEXT PRIMARY KEY,
    nummer TEXT NOT NULL UNIQUE,
    zaaktype TEXT NOT NULL REFERENCES dossiers_zaaktype (slug),
    titel TEXT NOT NULL,
    regie_organisation_id TEXT NOT NULL,
    regie_team_id TEXT NOT NULL,
    herkomst TEXT NOT NULL,
    fase TEXT NOT NULL,
    ave_fase BIGINT NOT NULL,
    zvh_tafel TEXT,
    inwoner TEXT NOT NULL,
    reviewdatum TEXT,
    -- The review date for which the directing team was reminded (one reminder per date).
    review_herinnerd TEXT,
    legal_hold BIGINT NOT NULL,
    legal_hold_reden TEXT,
    gesloten_at BIGINT,
    bewaren_tot TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX dossiers_dossier_regie ON dossiers_dossier (regie_organisation_id, updated_at);
CREATE INDEX dossiers_dossier_updated ON dossiers_dossier (updated_at);
CREATE INDEX dossiers_dossier_bewaren ON dossiers_dossier (bewaren_tot);

CREATE TABLE dossiers_historie (
    id TEXT PRIMARY KEY,
    dossier_id TEXT NOT NULL REFERENCES dossiers_dossier (id),
    soort TEXT NOT NULL,
    van TEXT,
    naar TEXT NOT NULL,
    toelichting TEXT NOT NULL,
    door TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX dossiers_historie_dossier ON dossiers_historie (dossier_id, at);

CREATE TABLE dossiers_subject (
    id TEXT PRIMARY KEY,
    soort TEXT NOT NULL,
    naam TEXT NOT NULL,
    geboortedatum TEXT,
    bsn_versleuteld TEXT,
    adres TEXT,
    postcode TEXT,
    contact TEXT,
    kvk TEXT,
    bag_id TEXT,
    lat REAL,
    lon REAL,
    beperkt_reden TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE dossiers_groep_lid (
    groep_id TEXT NOT NULL REFERENCES dossiers_subject (id),
    persoon_id TEXT NOT NULL REFERENCES dossiers_subject (id),
    PRIMARY KEY (groep_id, persoon_id)
);

CREATE TABLE dossiers_sleutel (
    subject_id TEXT NOT NULL REFERENCES dossiers_subject (id),
    sleutel TEXT NOT NULL,
    PRIMARY KEY (subject_id, sleutel)
);
CREATE INDEX dossiers_sleutel_waarde ON dossiers_sleutel (sleutel);

CREATE TABLE dossiers_dossier_subject (
    dossier_id TEXT NOT NULL REFERENCES dossiers_dossier (id),
    subject_id TEXT NOT NULL REFERENCES dossiers_subject (id),
    rol TEXT NOT NULL,
    PRIMARY KEY (dossier_id, subject_id)
);
CREATE INDEX dossiers_dossier_subject_subject ON dossiers_dossier_subject (subject_id);

CREATE TABLE dossiers_correctie (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL REFERENCES dossiers_subject (id),
    veld TEXT NOT NULL,
    oude_waarde TEXT NOT NULL,
    toelichting TEXT NOT NULL,
    door TEXT NOT NULL,
    at BIGINT NOT NULL
);

CREATE TABLE dossiers_signaal (
    id TEXT PRIMARY KEY,
    dossier_id TEXT NOT NULL REFERENCES dossiers_dossier (id),
    subject_id TEXT NOT NULL REFERENCES dossiers_subject (id),
    ander_zaaktype TEXT NOT NULL,
    ander_team TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX dossiers_signaal_dossier ON dossiers_signaal (dossier_id);

CREATE TABLE dossiers_deelname (
    id TEXT PRIMARY KEY,
    dossier_id TEXT NOT NULL REFERENCES dossiers_dossier (id),
    organisation_id TEXT NOT NULL,
    convenant_id TEXT NOT NULL REFERENCES dossiers_convenant (id),
    -- The case's type (fixed at creation), so a partner's list is counted from this table alone.
    zaaktype TEXT NOT NULL,
    doel TEXT NOT NULL,
    gestart_at BIGINT NOT NULL,
    gestart_door TEXT NOT NULL,
    ingetrokken_at BIGINT,
    ingetrokken_reden TEXT
);
-- Active participations only: the partner's list is counted from this index alone.
CREATE INDEX dossiers_deelname_org ON dossiers_deelname (organisation_id, convenant_id, zaaktype, dossier_id) WHERE ingetrokken_at IS NULL;
-- An organisation takes part in a case once at a time (so a count of participations counts cases).
CREATE UNIQUE INDEX dossiers_deelname_actief ON dossiers_deelname (dossier_id, organisation_id) WHERE ingetrokken_at IS NULL;
CREATE INDEX dossiers_deelname_dossier ON dossiers_deelname (dossier_id);

CREATE TABLE dossiers_overleg (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL,
    soort TEXT NOT NULL,
    titel TEXT NOT NULL,
    datum TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE dossiers_overleg_deelnemer (
    overleg_id TEXT NOT NULL REFERENCES dossiers_overleg (id),
    organisation_id TEXT NOT NULL,
    PRIMARY KEY (overleg_id, organisation_id)
);

CREATE TABLE dossiers_agendapunt (
    overleg_id TEXT NOT NULL REFERENCES dossiers_overleg (id),
    dossier_id TEXT NOT NULL REFERENCES dossiers_dossier (id),
    positie BIGINT NOT NULL,
    PRIMARY KEY (overleg_id, dossier_id)
);
CREATE INDEX dossiers_agendapunt_dossier ON dossiers_agendapunt (dossier_id);

CREATE TABLE dossiers_item (
    id TEXT PRIMARY KEY,
    dossier_id TEXT NOT NULL REFERENCES dossiers_dossier (id),
    soort TEXT NOT NULL,
    categorie TEXT NOT NULL,
    titel TEXT NOT NULL,
    tekst TEXT NOT NULL,
    leefgebied TEXT,
    eigenaar_organisation_id TEXT,
    deadline TEXT,
    gereed_at BIGINT,
    overleg_id TEXT,
    -- An attached document (platform files), shown under the same category rule as the entry.
    bestand_id TEXT,
    bestand_naam TEXT,
    created_by TEXT NOT NULL,
    created_by_name TEXT NOT NULL,
    created_by_organisation_id TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX dossiers_item_dossier ON dossiers_item (dossier_id, categorie, created_at);

CREATE TABLE dossiers_vernietiging (
    id TEXT PRIMARY KEY,
    dossier_nummer TEXT NOT NULL,
    zaaktype TEXT NOT NULL,
    gesloten_at BIGINT,
    bewaren_tot TEXT NOT NULL,
    items BIGINT NOT NULL,
    vernietigd_at BIGINT NOT NULL
);
