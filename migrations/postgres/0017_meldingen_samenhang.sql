-- Meldingen that belong together. A colleague's intake is warned of open meldingen at the same
-- address (by its normalised street and number) or near the same point; related meldingen are
-- linked both ways; a duplicate can be merged into its original, whose status it then follows.
ALTER TABLE melding ADD COLUMN adres_sleutel TEXT;
ALTER TABLE melding ADD COLUMN samengevoegd_in TEXT REFERENCES melding(id);
CREATE INDEX melding_adres_open ON melding (adres_sleutel) WHERE gesloten_at IS NULL;
CREATE INDEX melding_lat_open ON melding (lat) WHERE gesloten_at IS NULL;
CREATE INDEX melding_samengevoegd ON melding (samengevoegd_in);

CREATE TABLE melding_relatie (
    melding_id TEXT NOT NULL REFERENCES melding(id),
    gerelateerd_id TEXT NOT NULL REFERENCES melding(id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (melding_id, gerelateerd_id)
);
CREATE INDEX melding_relatie_gerelateerd ON melding_relatie (gerelateerd_id);
