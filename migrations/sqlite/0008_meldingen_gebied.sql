-- Meldingen: the wijk and buurt of a melding (from its point, by the GM1961 boundaries), routing
-- rules on an area, retention terms per category, and the indexes behind the work queue's
-- common filter pairs over a million meldingen. Each ends in the queue's order (created_at,
-- nummer), so a page is read in order from the index and the planner has no sort to weigh.
ALTER TABLE melding ADD COLUMN wijk TEXT;
ALTER TABLE melding ADD COLUMN buurt TEXT;
-- When the reporter's contact details were removed by the retention job.
ALTER TABLE melding ADD COLUMN contact_verwijderd_at BIGINT;
ALTER TABLE melding_regel ADD COLUMN gebied TEXT;
-- Months after closing: contact details first (data minimisation), the melding itself after
-- the Selectielijst 2020 term (6.1 / 12.1: 5 years).
ALTER TABLE melding_categorie ADD COLUMN bewaar_contact_maanden BIGINT NOT NULL DEFAULT 6;
ALTER TABLE melding_categorie ADD COLUMN bewaar_maanden BIGINT NOT NULL DEFAULT 60;
CREATE INDEX melding_cat_status_created ON melding (categorie, status, created_at, nummer);
CREATE INDEX melding_status_created ON melding (status, created_at, nummer, categorie);
CREATE INDEX melding_wijk_status ON melding (wijk, status, created_at, nummer);
CREATE INDEX melding_buurt_status ON melding (buurt, status, created_at, nummer);
CREATE INDEX melding_team_status ON melding (team_id, status, created_at, nummer);
CREATE INDEX melding_gesloten ON melding (gesloten_at);
