-- Maatregelen: the days designated by royal decree (art. 3 lid 3 Algemene termijnenwet) for
-- 2023-2025 and 2026-2028, with each decree's title as source (legal-rules.md 0.7a; the same
-- data as termijnen::GELIJKSTELLINGSBESLUITEN, which a test compares with this file). A day a
-- legal adviser already recorded by hand is kept as it is (with the source they gave); the
-- shipped row is only added where no day is recorded for that date.
INSERT INTO maatregelen_gelijkgestelde_dag (id, datum, naam, bron, created_by, created_at)
    SELECT 'kb-20230428', '2023-04-28', 'vrijdag na Koningsdag', 'Besluit gelijkstelling van 28 april 2023, 19 mei 2023, 10 mei 2024, 27 december 2024 en 30 mei 2025 met een algemeen erkende feestdag', 'baken', 0
    WHERE NOT EXISTS (SELECT 1 FROM maatregelen_gelijkgestelde_dag WHERE datum = '2023-04-28' AND removed_at IS NULL);
INSERT INTO maatregelen_gelijkgestelde_dag (id, datum, naam, bron, created_by, created_at)
    SELECT 'kb-20230519', '2023-05-19', 'vrijdag na Hemelvaartsdag', 'Besluit gelijkstelling van 28 april 2023, 19 mei 2023, 10 mei 2024, 27 december 2024 en 30 mei 2025 met een algemeen erkende feestdag', 'baken', 0
    WHERE NOT EXISTS (SELECT 1 FROM maatregelen_gelijkgestelde_dag WHERE datum = '2023-05-19' AND removed_at IS NULL);
INSERT INTO maatregelen_gelijkgestelde_dag (id, datum, naam, bron, created_by, created_at)
    SELECT 'kb-20240510', '2024-05-10', 'vrijdag na Hemelvaartsdag', 'Besluit gelijkstelling van 28 april 2023, 19 mei 2023, 10 mei 2024, 27 december 2024 en 30 mei 2025 met een algemeen erkende feestdag', 'baken', 0
    WHERE NOT EXISTS (SELECT 1 FROM maatregelen_gelijkgestelde_dag WHERE datum = '2024-05-10' AND removed_at IS NULL);
INSERT INTO maatregelen_gelijkgestelde_dag (id, datum, naam, bron, created_by, created_at)
    SELECT 'kb-20241227', '2024-12-27', 'vrijdag na Tweede Kerstdag', 'Besluit gelijkstelling van 28 april 2023, 19 mei 2023, 10 mei 2024, 27 december 2024 en 30 mei 2025 met een algemeen erkende feestdag', 'baken', 0
    WHERE NOT EXISTS (SELECT 1 FROM maatregelen_gelijkgestelde_dag WHERE datum = '2024-12-27' AND removed_at IS NULL);
INSERT INTO maatregelen_gelijkgestelde_dag (id, datum, naam, bron, created_by, created_at)
    SELECT 'kb-20250530', '2025-05-30', 'vrijdag na Hemelvaartsdag', 'Besluit gelijkstelling van 28 april 2023, 19 mei 2023, 10 mei 2024, 27 december 2024 en 30 mei 2025 met een algemeen erkende feestdag', 'baken', 0
    WHERE NOT EXISTS (SELECT 1 FROM maatregelen_gelijkgestelde_dag WHERE datum = '2025-05-30' AND removed_at IS NULL);
INSERT INTO maatregelen_gelijkgestelde_dag (id, datum, naam, bron, created_by, created_at)
    SELECT 'kb-20260102', '2026-01-02', 'vrijdag na Nieuwjaarsdag', 'Besluit gelijkstelling van 2 januari 2026, 15 mei 2026, 7 mei 2027, 28 april 2028 en 26 mei 2028 met een algemeen erkende feestdag', 'baken', 0
    WHERE NOT EXISTS (SELECT 1 FROM maatregelen_gelijkgestelde_dag WHERE datum = '2026-01-02' AND removed_at IS NULL);
INSERT INTO maatregelen_gelijkgestelde_dag (id, datum, naam, bron, created_by, created_at)
    SELECT 'kb-20260515', '2026-05-15', 'vrijdag na Hemelvaartsdag', 'Besluit gelijkstelling van 2 januari 2026, 15 mei 2026, 7 mei 2027, 28 april 2028 en 26 mei 2028 met een algemeen erkende feestdag', 'baken', 0
    WHERE NOT EXISTS (SELECT 1 FROM maatregelen_gelijkgestelde_dag WHERE datum = '2026-05-15' AND removed_at IS NULL);
INSERT INTO maatregelen_gelijkgestelde_dag (id, datum, naam, bron, created_by, created_at)
    SELECT 'kb-20270507', '2027-05-07', 'vrijdag na Hemelvaartsdag', 'Besluit gelijkstelling van 2 januari 2026, 15 mei 2026, 7 mei 2027, 28 april 2028 en 26 mei 2028 met een algemeen erkende feestdag', 'baken', 0
    WHERE NOT EXISTS (SELECT 1 FROM maatregelen_gelijkgestelde_dag WHERE datum = '2027-05-07' AND removed_at IS NULL);
INSERT INTO maatregelen_gelijkgestelde_dag (id, datum, naam, bron, created_by, created_at)
    SELECT 'kb-20280428', '2028-04-28', 'vrijdag na Koningsdag', 'Besluit gelijkstelling van 2 januari 2026, 15 mei 2026, 7 mei 2027, 28 april 2028 en 26 mei 2028 met een algemeen erkende feestdag', 'baken', 0
    WHERE NOT EXISTS (SELECT 1 FROM maatregelen_gelijkgestelde_dag WHERE datum = '2028-04-28' AND removed_at IS NULL);
INSERT INTO maatregelen_gelijkgestelde_dag (id, datum, naam, bron, created_by, created_at)
    SELECT 'kb-20280526', '2028-05-26', 'vrijdag na Hemelvaartsdag', 'Besluit gelijkstelling van 2 januari 2026, 15 mei 2026, 7 mei 2027, 28 april 2028 en 26 mei 2028 met een algemeen erkende feestdag', 'baken', 0
    WHERE NOT EXISTS (SELECT 1 FROM maatregelen_gelijkgestelde_dag WHERE datum = '2028-05-26' AND removed_at IS NULL);
