-- Module maatregelen: bestuurlijke maatregelen (13b Opiumwet, 174a/151d Gemeentewet, dwangsom,
-- bestuursdwang, tijdelijk huisverbod, crisismaatregel, horeca-kaarten, Alcoholwet 19a), their
-- procedure steps, and the policy ladders as versioned data.
-- Times are Unix milliseconds; legal dates are ISO 'YYYY-MM-DD' text; money is in euro cents.

CREATE TABLE maatregelen_maatregel (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL,
    soort TEXT NOT NULL,
    onderwerp TEXT NOT NULL,
    locatie TEXT NOT NULL,
    locatie_sleutel TEXT NOT NULL,
    ladder TEXT,
    ladder_versie BIGINT,
    beleid TEXT,
    voorval_datum TEXT,
    voorval_object TEXT,
    voorval_middel TEXT,
    voorval_hoeveelheid BIGINT,
    voorstel TEXT,
    voorstel_soort TEXT,
    afwijking_reden TEXT,
    duur BIGINT,
    duur_eenheid TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX maatregelen_maatregel_org ON maatregelen_maatregel (organisation_id, created_at);
CREATE INDEX maatregelen_maatregel_ladder ON maatregelen_maatregel (organisation_id, ladder, locatie_sleutel);

CREATE TABLE maatregelen_stap (
    id TEXT PRIMARY KEY,
    maatregel_id TEXT NOT NULL REFERENCES maatregelen_maatregel (id),
    positie BIGINT NOT NULL,
    soort TEXT NOT NULL,
    datum TEXT NOT NULL,
    toelichting TEXT NOT NULL,
    bron TEXT,
    referentie TEXT,
    ontvangen BIGINT,
    dagen BIGINT,
    tot TEXT,
    bedrag_cent BIGINT,
    maximum_cent BIGINT,
    noodzaak TEXT,
    evenredigheid TEXT,
    subsidiariteit TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX maatregelen_stap_positie ON maatregelen_stap (maatregel_id, positie);

CREATE TABLE maatregelen_ladder_regel (
    id TEXT PRIMARY KEY,
    ladder TEXT NOT NULL,
    versie BIGINT NOT NULL,
    beleid TEXT NOT NULL,
    positie BIGINT NOT NULL,
    object TEXT NOT NULL,
    middel TEXT NOT NULL,
    hoeveelheid_vanaf BIGINT NOT NULL,
    feit BIGINT NOT NULL,
    venster_maanden BIGINT NOT NULL,
    maatregel TEXT,
    duur BIGINT NOT NULL,
    duur_eenheid TEXT NOT NULL,
    omschrijving TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX maatregelen_ladder_regel_versie ON maatregelen_ladder_regel (ladder, versie, positie);
