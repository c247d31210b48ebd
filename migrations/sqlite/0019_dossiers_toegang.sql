-- Dossiers (issue 16): the covenant model completed and the subject access request reviewed.

-- A covenant's purposes as data: a participation names one of them. Each existing covenant gets
-- its free-text purposes as its first purpose, and its participations serve that purpose.
CREATE TABLE dossiers_convenant_doel (
    id TEXT PRIMARY KEY,
    convenant_id TEXT NOT NULL REFERENCES dossiers_convenant (id),
    omschrijving TEXT NOT NULL,
    positie BIGINT NOT NULL
);
CREATE INDEX dossiers_convenant_doel_convenant ON dossiers_convenant_doel (convenant_id, positie);
INSERT INTO dossiers_convenant_doel (id, convenant_id, omschrijving, positie)
SELECT id || '-doel-1', id, CASE WHEN TRIM(doelen) = '' THEN 'Uitvoering van het convenant' ELSE TRIM(doelen) END, 0
FROM dossiers_convenant;

-- Whether the parties to a covenant see each other's participation in a case (by default not:
-- a partner sees the directing team and its own participation).
ALTER TABLE dossiers_convenant ADD COLUMN partijen_zien_elkaar BIGINT NOT NULL DEFAULT 0;

-- The legal basis per party and data category (e.g. art. 20 Wpg, Jeugdwet, Wgs).
CREATE TABLE dossiers_convenant_grondslag (
    convenant_id TEXT NOT NULL REFERENCES dossiers_convenant (id),
    organisation_id TEXT NOT NULL,
    categorie TEXT NOT NULL,
    grondslag TEXT NOT NULL,
    PRIMARY KEY (convenant_id, organisation_id, categorie)
);

-- A participation's purpose and window: it begins and ends by itself (NULL = from its start,
-- or as long as the covenant holds).
ALTER TABLE dossiers_deelname ADD COLUMN doel_id TEXT;
ALTER TABLE dossiers_deelname ADD COLUMN geldig_van TEXT;
ALTER TABLE dossiers_deelname ADD COLUMN geldig_tot TEXT;
UPDATE dossiers_deelname SET doel_id = convenant_id || '-doel-1';

-- Whom an entry is about, when it is about one subject of the case: a subject's access request
-- leaves out entries about the other members of a group.
ALTER TABLE dossiers_item ADD COLUMN betreft_subject_id TEXT;

-- The meldingen a case came from. The existence of a case file is itself protected by the
-- covenant, so the link is kept here (the dossiers module shows it to whoever may open the
-- case) and no longer in the kernel's link table, which other modules list to anyone.
CREATE TABLE dossiers_melding_bron (
    dossier_id TEXT NOT NULL REFERENCES dossiers_dossier (id),
    melding_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (dossier_id, melding_id)
);
CREATE INDEX dossiers_melding_bron_melding ON dossiers_melding_bron (melding_id);
INSERT INTO dossiers_melding_bron (dossier_id, melding_id, created_at)
SELECT from_id, to_id, MIN(created_at) FROM koppeling
WHERE from_kind = 'dossier' AND to_kind = 'melding'
GROUP BY from_id, to_id;
DELETE FROM koppeling WHERE from_kind = 'dossier' AND to_kind = 'melding';

-- Subject access requests (AVG art. 15): drafted as a concept, released by a second person.
-- The export is kept encrypted with the data key; only a released one can be downloaded.
CREATE TABLE dossiers_inzageverzoek (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL REFERENCES dossiers_subject (id),
    status TEXT NOT NULL,
    grond TEXT NOT NULL,
    inhoud_versleuteld TEXT NOT NULL,
    opgesteld_door TEXT NOT NULL,
    opgesteld_naam TEXT NOT NULL,
    opgesteld_at BIGINT NOT NULL,
    vrijgegeven_door TEXT,
    vrijgegeven_naam TEXT,
    vrijgegeven_at BIGINT
);
CREATE INDEX dossiers_inzageverzoek_subject ON dossiers_inzageverzoek (subject_id, opgesteld_at);

-- The cases a request covers.
CREATE TABLE dossiers_inzageverzoek_dossier (
    verzoek_id TEXT NOT NULL REFERENCES dossiers_inzageverzoek (id),
    dossier_id TEXT NOT NULL REFERENCES dossiers_dossier (id),
    PRIMARY KEY (verzoek_id, dossier_id)
);
CREATE INDEX dossiers_inzageverzoek_dossier_dossier ON dossiers_inzageverzoek_dossier (dossier_id);
