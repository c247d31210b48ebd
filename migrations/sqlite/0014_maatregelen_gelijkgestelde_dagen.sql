-- Maatregelen: days designated by royal decree as equal to a generally recognised holiday
-- (art. 3 lid 3 Algemene termijnenwet). They are data, not code: legal advisers keep the list
-- from the decree in the Staatscourant, with its reference. Every deadline Baken computes for
-- measures uses them. A removed day stays as a row with who removed it and when.
CREATE TABLE maatregelen_gelijkgestelde_dag (
    id TEXT PRIMARY KEY,
    -- yyyy-mm-dd
    datum TEXT NOT NULL,
    naam TEXT NOT NULL,
    -- The decree and its publication, e.g. the Staatscourant reference.
    bron TEXT NOT NULL,
    -- The user who added it, or 'baken' for a day shipped with this migration.
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    removed_by TEXT,
    removed_at BIGINT
);
CREATE UNIQUE INDEX maatregelen_gelijkgestelde_dag_datum
    ON maatregelen_gelijkgestelde_dag (datum) WHERE removed_at IS NULL;

-- The days of the decree of 24 October 2016, nr. 2016001827 (wetten.overheid.nl, BWBR0038666),
-- art. 1: "28 april en 26 mei 2017, 11 mei en 24 en 31 december 2018 en 31 mei en 27 december
-- 2019". Later decrees were not found in a source this project could check; legal advisers add
-- them on /maatregelen/gelijkgestelde-dagen with their Staatscourant reference.
INSERT INTO maatregelen_gelijkgestelde_dag (id, datum, naam, bron, created_by, created_at) VALUES
    ('kb-2016001827-20170428', '2017-04-28', 'vrijdag na Koningsdag', 'Besluit van 24 oktober 2016, nr. 2016001827 (BWBR0038666)', 'baken', 0),
    ('kb-2016001827-20170526', '2017-05-26', 'vrijdag na Hemelvaartsdag', 'Besluit van 24 oktober 2016, nr. 2016001827 (BWBR0038666)', 'baken', 0),
    ('kb-2016001827-20180511', '2018-05-11', 'vrijdag na Hemelvaartsdag', 'Besluit van 24 oktober 2016, nr. 2016001827 (BWBR0038666)', 'baken', 0),
    ('kb-2016001827-20181224', '2018-12-24', 'maandag voor Eerste Kerstdag', 'Besluit van 24 oktober 2016, nr. 2016001827 (BWBR0038666)', 'baken', 0),
    ('kb-2016001827-20181231', '2018-12-31', 'maandag voor Nieuwjaarsdag', 'Besluit van 24 oktober 2016, nr. 2016001827 (BWBR0038666)', 'baken', 0),
    ('kb-2016001827-20190531', '2019-05-31', 'vrijdag na Hemelvaartsdag', 'Besluit van 24 oktober 2016, nr. 2016001827 (BWBR0038666)', 'baken', 0),
    ('kb-2016001827-20191227', '2019-12-27', 'vrijdag na Tweede Kerstdag', 'Besluit van 24 oktober 2016, nr. 2016001827 (BWBR0038666)', 'baken', 0);
