-- Bibob screenings (issue 22): the municipality's Bibob policy as data, one screening per
-- application or transaction with its questionnaire, own investigation, LBB advice request (with
-- the suspension of the decision deadline), intention, zienswijze and decision. Visible only to the
-- Bibob coordinator and the screening's named deciders (art. 28 Wet Bibob); destroyed 5 years
-- after the decision (Selectielijst 2020, 4.1.12). Dates are 'YYYY-MM-DD' text.

-- Which kinds of application the policy always screens and which only on a signal.
CREATE TABLE bibob_beleid (
    organisation_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    soort TEXT NOT NULL,
    toets TEXT NOT NULL,
    toelichting TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (organisation_id, soort)
);

CREATE TABLE bibob_screening (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    kenmerk TEXT NOT NULL UNIQUE,
    soort TEXT NOT NULL,
    aanvraag TEXT NOT NULL,
    aanvraag_op TEXT NOT NULL,
    beslistermijn TEXT,
    aanleiding TEXT NOT NULL,
    signaal_bron TEXT,
    signaal TEXT,
    bedrijf TEXT NOT NULL,
    kvk TEXT NOT NULL,
    plaats_id TEXT,
    vragen_verzonden TEXT,
    vragen_ontvangen TEXT,
    antwoord_zeggenschap TEXT,
    antwoord_financiering TEXT,
    antwoord_leidinggevenden TEXT,
    antwoord_antecedenten TEXT,
    lbb_gevraagd TEXT,
    betrokkene_geinformeerd TEXT,
    lbb_verlengd BIGINT NOT NULL DEFAULT 0,
    advies_op TEXT,
    advies_niveau TEXT,
    advies_samenvatting TEXT,
    voornemen_op TEXT,
    voornemen TEXT,
    zienswijze_op TEXT,
    zienswijze TEXT,
    besluit TEXT,
    besluit_op TEXT,
    evenredigheid TEXT,
    voorschriften TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX bibob_screening_org ON bibob_screening (organisation_id, created_at);
CREATE INDEX bibob_screening_plaats ON bibob_screening (plaats_id);
CREATE INDEX bibob_screening_besluit ON bibob_screening (besluit_op);

-- The named deciders of a screening: besides the coordinator, the only accounts that see it.
CREATE TABLE bibob_beslisser (
    screening_id TEXT NOT NULL REFERENCES bibob_screening(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (screening_id, user_id)
);
CREATE INDEX bibob_beslisser_user ON bibob_beslisser (user_id);

-- The own investigation: each source consulted with its findings.
CREATE TABLE bibob_bron (
    id TEXT PRIMARY KEY,
    screening_id TEXT NOT NULL REFERENCES bibob_screening(id) ON DELETE CASCADE,
    bron TEXT NOT NULL,
    geraadpleegd_op TEXT NOT NULL,
    bevindingen TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX bibob_bron_screening ON bibob_bron (screening_id, geraadpleegd_op);

-- Extra questions of the Landelijk Bureau Bibob: each suspends the advice term (and so the
-- decision deadline) from the day it is asked until the day the applicant answers.
CREATE TABLE bibob_vraag (
    id TEXT PRIMARY KEY,
    screening_id TEXT NOT NULL REFERENCES bibob_screening(id) ON DELETE CASCADE,
    gesteld_op TEXT NOT NULL,
    beantwoord_op TEXT,
    onderwerp TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX bibob_vraag_screening ON bibob_vraag (screening_id, gesteld_op);
