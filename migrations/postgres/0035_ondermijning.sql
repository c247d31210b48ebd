-- Ondermijning (issue 22): the register of places with an explainable risk picture, and integral
-- inspections. Places belong to an organisation (the municipality); operators and owners are
-- stored as companies (KvK number and name) only: no natural persons in the register.

-- A place: a horeca establishment, shop, business, business park or shopping area, agricultural
-- building, warehouse or dwelling. The address is its identity: the BAG verblijfsobject id when
-- known, else postcode + huisnummer + toevoeging. gebied_id: the business park or shopping area
-- the place lies in. Dates are 'YYYY-MM-DD'.
CREATE TABLE ondermijning_locatie (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL,
    naam TEXT NOT NULL,
    soort TEXT NOT NULL,
    bag_id TEXT,
    straat TEXT NOT NULL,
    huisnummer BIGINT,
    toevoeging TEXT NOT NULL DEFAULT '',
    postcode TEXT NOT NULL DEFAULT '',
    woonplaats TEXT NOT NULL,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    wijk TEXT,
    buurt TEXT,
    exploitant_kvk TEXT,
    exploitant_naam TEXT,
    eigenaar_kvk TEXT,
    eigenaar_naam TEXT,
    openingstijden TEXT NOT NULL DEFAULT '',
    gebied_id TEXT REFERENCES ondermijning_locatie(id),
    toelichting TEXT NOT NULL DEFAULT '',
    kvo_niveau TEXT,
    kvo_geldig_tot TEXT,
    kvo_volgend_overleg TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX ondermijning_locatie_org ON ondermijning_locatie (organisation_id, soort);
CREATE INDEX ondermijning_locatie_gebied ON ondermijning_locatie (gebied_id);

-- Permits of a place (type, number, validity).
CREATE TABLE ondermijning_vergunning (
    id TEXT PRIMARY KEY,
    locatie_id TEXT NOT NULL REFERENCES ondermijning_locatie(id),
    soort TEXT NOT NULL,
    nummer TEXT NOT NULL,
    geldig_van TEXT,
    geldig_tot TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX ondermijning_vergunning_locatie ON ondermijning_vergunning (locatie_id);

-- Known risk features of a place (e.g. 'leegstaande-schuur', 'contant-geld').
CREATE TABLE ondermijning_kenmerk (
    locatie_id TEXT NOT NULL REFERENCES ondermijning_locatie(id),
    kenmerk TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (locatie_id, kenmerk)
);

-- Police signals and other signals entered by the team.
CREATE TABLE ondermijning_signaal (
    id TEXT PRIMARY KEY,
    locatie_id TEXT NOT NULL REFERENCES ondermijning_locatie(id),
    datum TEXT NOT NULL,
    bron TEXT NOT NULL,
    tekst TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX ondermijning_signaal_locatie ON ondermijning_signaal (locatie_id, datum);

-- Contacts of a business park or shopping area (KVO): name, role, organisation.
CREATE TABLE ondermijning_contact (
    id TEXT PRIMARY KEY,
    locatie_id TEXT NOT NULL REFERENCES ondermijning_locatie(id),
    naam TEXT NOT NULL,
    rol TEXT NOT NULL,
    organisatie TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX ondermijning_contact_locatie ON ondermijning_contact (locatie_id);

-- KVO meetings with their minutes.
CREATE TABLE ondermijning_overleg (
    id TEXT PRIMARY KEY,
    locatie_id TEXT NOT NULL REFERENCES ondermijning_locatie(id),
    datum TEXT NOT NULL,
    notulen TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX ondermijning_overleg_locatie ON ondermijning_overleg (locatie_id, datum);

-- The weights of the risk score, versioned: every change is a new version with all its rows; a
-- score names the version it was computed with. categorieen: for the meldingen indicator, the
-- melding category slugs that count (comma separated; empty: every category).
CREATE TABLE ondermijning_weging_versie (
    versie BIGINT PRIMARY KEY,
    toelichting TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE ondermijning_weging (
    versie BIGINT NOT NULL REFERENCES ondermijning_weging_versie(versie),
    indicator TEXT NOT NULL,
    punten BIGINT NOT NULL,
    maximum BIGINT NOT NULL,
    categorieen TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (versie, indicator)
);

-- Checklists per inspection type, versioned: items one per line.
CREATE TABLE ondermijning_checklist (
    id TEXT PRIMARY KEY,
    soort TEXT NOT NULL,
    versie BIGINT NOT NULL,
    items TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (soort, versie)
);

-- An inspection round: a date, single or integral with partners (comma separated slugs), who
-- goes; its inspections, one per place.
CREATE TABLE ondermijning_ronde (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL,
    naam TEXT NOT NULL,
    datum TEXT NOT NULL,
    soort TEXT NOT NULL,
    integraal BIGINT NOT NULL,
    partners TEXT NOT NULL DEFAULT '',
    wie TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX ondermijning_ronde_org ON ondermijning_ronde (organisation_id, datum);
CREATE TABLE ondermijning_controle (
    id TEXT PRIMARY KEY,
    ronde_id TEXT NOT NULL REFERENCES ondermijning_ronde(id),
    locatie_id TEXT NOT NULL REFERENCES ondermijning_locatie(id),
    checklist_id TEXT REFERENCES ondermijning_checklist(id),
    status TEXT NOT NULL,
    uitgevoerd_op TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX ondermijning_controle_ronde ON ondermijning_controle (ronde_id);
CREATE INDEX ondermijning_controle_locatie ON ondermijning_controle (locatie_id);
-- A finding per checklist item: 'in-orde', 'afwijking' or 'nvt', with a note.
CREATE TABLE ondermijning_bevinding (
    id TEXT PRIMARY KEY,
    controle_id TEXT NOT NULL REFERENCES ondermijning_controle(id),
    positie BIGINT NOT NULL,
    item TEXT NOT NULL,
    oordeel TEXT NOT NULL,
    toelichting TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX ondermijning_bevinding_controle ON ondermijning_bevinding (controle_id);
