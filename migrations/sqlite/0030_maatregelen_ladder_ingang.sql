-- Every ladder version has the date it takes effect (ingang, 'YYYY-MM-DD'); a measure is judged
-- under the version in force on the date of the offence. Version 1 of each ladder has no date:
-- it has applied from the start. Versions saved before this migration took effect when they were
-- saved, so they get the Dutch calendar day of their creation (UTC+1, as in 0023; a save in the
-- last hour of a summer day counts for that day on both databases alike).
ALTER TABLE maatregelen_ladder_regel ADD COLUMN ingang TEXT;
UPDATE maatregelen_ladder_regel
    SET ingang = date((created_at + 3600000) / 1000, 'unixepoch')
    WHERE versie > 1;
