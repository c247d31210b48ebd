-- Maatregelen, legally right (issue 19): a unique human reference per measure with a per-year
-- sequence; the facts of the urgent path, the objection procedure and the dwangsom extension on
-- the steps; the identity of a location and of an operator, decimal quantities with their unit
-- and warnings that are no besluit on the ladders; letters that a legal adviser finalises.

-- A reference per measure, "MR-2026-0042": the year the measure was registered (Dutch time)
-- and the next number of that year. The counter row is taken in the measure's own write
-- transaction (an upsert: a row lock on PostgreSQL, the write lock on SQLite), so processes
-- sharing a database never hand out one number twice; the unique index is the backstop.
CREATE TABLE maatregelen_volgnummer (
    jaar BIGINT PRIMARY KEY,
    laatste BIGINT NOT NULL
);
ALTER TABLE maatregelen_maatregel ADD COLUMN kenmerk TEXT;
-- Existing measures are numbered per year in the order they were registered. New Year in the
-- Netherlands falls in winter time (UTC+1), so the Dutch year of a time is its UTC year one
-- hour later.
UPDATE maatregelen_maatregel m SET kenmerk = n.kenmerk
FROM (
    SELECT id, 'MR-' || jaar || '-' || lpad(ROW_NUMBER() OVER (PARTITION BY jaar ORDER BY created_at, id)::text, 4, '0') AS kenmerk
    FROM (SELECT id, created_at,
                 to_char(to_timestamp((created_at + 3600000) / 1000.0) AT TIME ZONE 'UTC', 'YYYY') AS jaar
          FROM maatregelen_maatregel) j
) n
WHERE n.id = m.id;
INSERT INTO maatregelen_volgnummer (jaar, laatste)
    SELECT CAST(to_char(to_timestamp((created_at + 3600000) / 1000.0) AT TIME ZONE 'UTC', 'YYYY') AS BIGINT), COUNT(*)
    FROM maatregelen_maatregel
    GROUP BY 1;
CREATE UNIQUE INDEX maatregelen_maatregel_kenmerk ON maatregelen_maatregel (kenmerk);

-- The steps' new facts:
-- reden: the reason of the urgent path (step 'spoed', art. 4:11 and 5:31 Awb);
-- adviescommissie: a bezwaar handled by an advisory committee (art. 7:13 Awb), 0/1;
-- weken: the weeks of a verdaging of the decision on a bezwaar (art. 7:10 lid 3 Awb);
-- tegen: what a bezwaar, beroep or ruling is directed against in a dwangsom case: 'last' (the
-- last onder dwangsom, art. 5:35 lid 2 Awb) or 'invordering' (the invorderingsbesluit, art.
-- 5:37a Awb); NULL is the decision of the measure itself.
ALTER TABLE maatregelen_stap ADD COLUMN reden TEXT;
ALTER TABLE maatregelen_stap ADD COLUMN adviescommissie BIGINT;
ALTER TABLE maatregelen_stap ADD COLUMN weken BIGINT;
ALTER TABLE maatregelen_stap ADD COLUMN tegen TEXT;

-- Ladders. waarschuwing: the step is a warning, not a besluit (no bezwaar term, no bezwaar
-- clause). locatie_bag: the BAG verblijfsobject id when known; exploitant: the operator's KvK
-- number (8 digits) or establishment number (12 digits). The address itself is matched on its
-- normalised postcode, house number and addition (or street and place), read from locatie.
ALTER TABLE maatregelen_maatregel ADD COLUMN waarschuwing BIGINT NOT NULL DEFAULT 0;
ALTER TABLE maatregelen_maatregel ADD COLUMN locatie_bag TEXT;
ALTER TABLE maatregelen_maatregel ADD COLUMN exploitant TEXT;
-- Quantities are decimals: thousandths of the unit ('gram', 'planten', 'stuks').
ALTER TABLE maatregelen_maatregel ADD COLUMN voorval_hoeveelheid_milli BIGINT;
ALTER TABLE maatregelen_maatregel ADD COLUMN voorval_eenheid TEXT;
UPDATE maatregelen_maatregel SET voorval_hoeveelheid_milli = voorval_hoeveelheid * 1000
    WHERE voorval_hoeveelheid IS NOT NULL;
UPDATE maatregelen_maatregel SET voorval_eenheid = CASE voorval_middel
    WHEN 'hennep' THEN 'planten' WHEN 'harddrugs' THEN 'gram' WHEN 'softdrugs' THEN 'gram' ELSE '' END
    WHERE ladder IS NOT NULL;

-- A ladder row applies to quantities of MORE than drempel_milli thousandths of its unit (NULL:
-- any quantity). The shipped Damocles rows said "from 1 gram harddrugs, 5 gram softdrugs, 6
-- plants"; the policy table and the case law say more than 0.5 gram harddrugs, more than 5 gram
-- softdrugs (5 gram is a user's quantity), more than 5 plants (legal-rules.md 2.3). Other rows
-- keep their meaning for whole numbers: "from N" is "more than N - 1".
ALTER TABLE maatregelen_ladder_regel ADD COLUMN drempel_milli BIGINT;
ALTER TABLE maatregelen_ladder_regel ADD COLUMN hoeveelheid_eenheid TEXT NOT NULL DEFAULT '';
ALTER TABLE maatregelen_ladder_regel ADD COLUMN waarschuwing BIGINT NOT NULL DEFAULT 0;
UPDATE maatregelen_ladder_regel SET drempel_milli = CASE
    WHEN ladder = 'damocles' AND middel = 'harddrugs' AND hoeveelheid_vanaf = 1 THEN 500
    WHEN ladder = 'damocles' AND middel = 'softdrugs' AND hoeveelheid_vanaf = 5 THEN 5000
    WHEN ladder = 'damocles' AND middel = 'hennep' AND hoeveelheid_vanaf = 6 THEN 5000
    WHEN hoeveelheid_vanaf > 0 THEN (hoeveelheid_vanaf - 1) * 1000
    ELSE NULL END;
UPDATE maatregelen_ladder_regel SET hoeveelheid_eenheid = CASE middel
    WHEN 'hennep' THEN 'planten' WHEN 'harddrugs' THEN 'gram' WHEN 'softdrugs' THEN 'gram' ELSE '' END;
-- A row whose description calls the step a warning (the shipped yellow card: "schriftelijke
-- waarschuwing"; Damocles: "schriftelijke waarschuwing") is a warning, not a besluit.
UPDATE maatregelen_ladder_regel SET waarschuwing = 1
    WHERE LOWER(omschrijving) LIKE '%waarschuwing%'
      AND (maatregel IS NULL OR maatregel = 'gele-kaart');

-- Letters are drafts until a legal adviser finalises them: then text and date are frozen and the
-- PDF as finalised is kept.
ALTER TABLE maatregelen_brief ADD COLUMN gewijzigd_by TEXT;
ALTER TABLE maatregelen_brief ADD COLUMN gewijzigd_at BIGINT;
ALTER TABLE maatregelen_brief ADD COLUMN definitief_by TEXT;
ALTER TABLE maatregelen_brief ADD COLUMN definitief_at BIGINT;
ALTER TABLE maatregelen_brief ADD COLUMN pdf BYTEA;
