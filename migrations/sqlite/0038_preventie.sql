-- Module preventie: outreach activities and campaigns, digital-safety bulletins with their e-mail
-- list, youth groups (Jonge Aanwas) with the police group scan and the approach, partners
-- (schools, youth work) with their agreements, and the neighbourhoods' teams and contacts.

-- An outreach activity or campaign. Only counts, no names of attendees: its reach is counted into
-- the policy indicators.
CREATE TABLE preventie_activiteit (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL,
    soort TEXT NOT NULL,
    titel TEXT NOT NULL,
    doelgroep TEXT NOT NULL,
    wijk_code TEXT,
    datum TEXT NOT NULL,
    datum_ms BIGINT NOT NULL,
    partners TEXT NOT NULL,
    status TEXT NOT NULL,
    uitnodigingen BIGINT,
    aanmeldingen BIGINT,
    opkomst BIGINT,
    evaluatie TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX preventie_activiteit_datum ON preventie_activiteit (datum_ms);

-- A digital-safety bulletin; published ones are on the public page. Sending records only totals.
CREATE TABLE preventie_bulletin (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL,
    titel TEXT NOT NULL,
    doelgroep TEXT NOT NULL,
    tekst TEXT NOT NULL,
    gepubliceerd_at BIGINT,
    verzending_at BIGINT,
    ontvangers BIGINT NOT NULL,
    verzonden BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- A subscriber of the bulletin list: the address only, kept for sending. The confirmation token is
-- kept as a hash and is used once; the unsubscribe token is in every mail.
CREATE TABLE preventie_abonnee (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    bevestig_hash TEXT,
    bevestig_tot BIGINT,
    afmeld_token TEXT NOT NULL UNIQUE,
    bevestigd_at BIGINT,
    created_at BIGINT NOT NULL
);

-- The recipients of a bulletin still to be put in the outbox; a row is removed once its mail is.
CREATE TABLE preventie_verzending (
    bulletin_id TEXT NOT NULL REFERENCES preventie_bulletin(id) ON DELETE CASCADE,
    abonnee_id TEXT NOT NULL REFERENCES preventie_abonnee(id) ON DELETE CASCADE,
    PRIMARY KEY (bulletin_id, abonnee_id)
);

-- Partners in prevention (reference data): schools, youth work, Halt, police, others.
CREATE TABLE preventie_partner (
    id TEXT PRIMARY KEY,
    soort TEXT NOT NULL,
    naam TEXT NOT NULL,
    plaats TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (soort, naam)
);

-- Agreements with a partner (a school's resilience programme for pupils or staff).
CREATE TABLE preventie_afspraak (
    id TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL REFERENCES preventie_partner(id) ON DELETE CASCADE,
    programma TEXT NOT NULL,
    doelgroep TEXT NOT NULL,
    van TEXT NOT NULL,
    tot TEXT,
    status TEXT NOT NULL,
    notitie TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- A youth group (Jonge Aanwas) and where it gathers. Members are not kept here: a group dossier
-- in the dossiers module can be linked (koppeling).
CREATE TABLE preventie_groep (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL,
    naam TEXT NOT NULL,
    wijk_code TEXT NOT NULL,
    buurt_code TEXT,
    plekken TEXT NOT NULL,
    lon REAL,
    lat REAL,
    status TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- The police group scan as delivered: graded and free-text fields with date and source.
CREATE TABLE preventie_groepsscan (
    id TEXT PRIMARY KEY,
    groep_id TEXT NOT NULL REFERENCES preventie_groep(id) ON DELETE CASCADE,
    datum TEXT NOT NULL,
    bron TEXT NOT NULL,
    ernst TEXT NOT NULL,
    risicos TEXT NOT NULL,
    ontwikkeling TEXT NOT NULL,
    impact TEXT NOT NULL,
    toelichting TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- The approach of a group: actions with a partner, an owner and a review date.
CREATE TABLE preventie_aanpak (
    id TEXT PRIMARY KEY,
    groep_id TEXT NOT NULL REFERENCES preventie_groep(id) ON DELETE CASCADE,
    partner_id TEXT REFERENCES preventie_partner(id),
    omschrijving TEXT NOT NULL,
    eigenaar TEXT NOT NULL,
    herzien_op TEXT NOT NULL,
    afgerond_op TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- What happened to a group, in order (scan delivered, action added, action done, status changed).
CREATE TABLE preventie_groep_historie (
    id TEXT PRIMARY KEY,
    groep_id TEXT NOT NULL REFERENCES preventie_groep(id) ON DELETE CASCADE,
    at BIGINT NOT NULL,
    actor_name TEXT NOT NULL,
    wat TEXT NOT NULL
);
CREATE INDEX preventie_groep_historie_groep ON preventie_groep_historie (groep_id, at);

-- A neighbourhood team (wijkraad, buurtpreventie, WhatsApp group) in a wijk or buurt, kept by a
-- team of the organisation; only that team sees its contacts.
CREATE TABLE preventie_buurtteam (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL,
    beheer_team_id TEXT NOT NULL,
    soort TEXT NOT NULL,
    naam TEXT NOT NULL,
    wijk_code TEXT NOT NULL,
    buurt_code TEXT,
    deelnemers BIGINT,
    created_at BIGINT NOT NULL
);

-- A contact of a neighbourhood team: personal data, kept with the consent given and removed on
-- request or when the consent's term ends.
CREATE TABLE preventie_contact (
    id TEXT PRIMARY KEY,
    buurtteam_id TEXT NOT NULL REFERENCES preventie_buurtteam(id) ON DELETE CASCADE,
    naam TEXT NOT NULL,
    rol TEXT NOT NULL,
    email TEXT NOT NULL,
    telefoon TEXT NOT NULL,
    toestemming_op TEXT NOT NULL,
    toestemming_hoe TEXT NOT NULL,
    bewaren_tot TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
