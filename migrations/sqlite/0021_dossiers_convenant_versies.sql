-- Dossiers (issue 16): covenant versions and named representatives.
--
-- A covenant's terms (its purposes, the categories and legal bases per party, whether a party's
-- access is limited to named representatives, whether the parties see each other) are kept per
-- version. Changing them makes a new version; a participation keeps the version it was admitted
-- under and is judged by that version's terms. The covenant itself keeps its name, case types,
-- validity and revocation: revoking it ends every version at once. Existing covenants and
-- participations become version 1.

CREATE TABLE dossiers_convenant_versie (
    convenant_id TEXT NOT NULL REFERENCES dossiers_convenant (id),
    versie BIGINT NOT NULL,
    partijen_zien_elkaar BIGINT NOT NULL DEFAULT 0,
    toelichting TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (convenant_id, versie)
);
INSERT INTO dossiers_convenant_versie (convenant_id, versie, partijen_zien_elkaar, toelichting, created_by, created_at)
SELECT id, 1, partijen_zien_elkaar, '', created_by, created_at FROM dossiers_convenant;
ALTER TABLE dossiers_convenant DROP COLUMN partijen_zien_elkaar;
-- The current version: new participations are admitted under it.
ALTER TABLE dossiers_convenant ADD COLUMN versie BIGINT NOT NULL DEFAULT 1;

-- The parties per version, and whether a party's access is limited to its named representatives.
CREATE TABLE dossiers_convenant_partij_nieuw (
    convenant_id TEXT NOT NULL REFERENCES dossiers_convenant (id),
    versie BIGINT NOT NULL DEFAULT 1,
    organisation_id TEXT NOT NULL,
    ontvangen TEXT NOT NULL,
    verstrekken TEXT NOT NULL,
    alleen_vertegenwoordigers BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (convenant_id, versie, organisation_id)
);
INSERT INTO dossiers_convenant_partij_nieuw (convenant_id, versie, organisation_id, ontvangen, verstrekken, alleen_vertegenwoordigers)
SELECT convenant_id, 1, organisation_id, ontvangen, verstrekken, 0 FROM dossiers_convenant_partij;
DROP TABLE dossiers_convenant_partij;
ALTER TABLE dossiers_convenant_partij_nieuw RENAME TO dossiers_convenant_partij;
CREATE INDEX dossiers_convenant_partij_org ON dossiers_convenant_partij (organisation_id);

-- The legal bases per version.
CREATE TABLE dossiers_convenant_grondslag_nieuw (
    convenant_id TEXT NOT NULL REFERENCES dossiers_convenant (id),
    versie BIGINT NOT NULL DEFAULT 1,
    organisation_id TEXT NOT NULL,
    categorie TEXT NOT NULL,
    grondslag TEXT NOT NULL,
    PRIMARY KEY (convenant_id, versie, organisation_id, categorie)
);
INSERT INTO dossiers_convenant_grondslag_nieuw (convenant_id, versie, organisation_id, categorie, grondslag)
SELECT convenant_id, 1, organisation_id, categorie, grondslag FROM dossiers_convenant_grondslag;
DROP TABLE dossiers_convenant_grondslag;
ALTER TABLE dossiers_convenant_grondslag_nieuw RENAME TO dossiers_convenant_grondslag;

-- The purposes per version (a participation names a purpose of its own version).
ALTER TABLE dossiers_convenant_doel ADD COLUMN versie BIGINT NOT NULL DEFAULT 1;

-- The version a participation was admitted under.
ALTER TABLE dossiers_deelname ADD COLUMN convenant_versie BIGINT NOT NULL DEFAULT 1;

-- The named representatives of a party, recorded by the municipality: where the party's terms
-- (of the version a participation is under) limit access to them, only these accounts of that
-- organisation see the cases. Not versioned: the people change without changing the terms.
CREATE TABLE dossiers_convenant_vertegenwoordiger (
    convenant_id TEXT NOT NULL REFERENCES dossiers_convenant (id),
    organisation_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    email TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (convenant_id, organisation_id, user_id)
);
CREATE INDEX dossiers_convenant_vertegenwoordiger_user ON dossiers_convenant_vertegenwoordiger (user_id);
