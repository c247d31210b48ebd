-- Meldingen: the work queue's indexes, so that any combination of its filters (status,
-- categorie or thema, team, behandelaar, wijk, buurt, a date range, full text) is answered from
-- indexes, whatever the sort (docs/meldingen-queue.md has the measurements). Each index
-- includes every other filter column (INCLUDE), so a filter that does not lead is checked in the index instead of
-- in a row of the table (a million random row reads made e.g. categorie+wijk slow).
-- Three hold the queue in each sort order (received, deadline, number); the others lead with
-- one filter (team with categorie: the routing rules tie them). They replace the
-- (filter, status, created_at) indexes of 0003, 0008 and 0015.
DROP INDEX melding_cat_status_created;
DROP INDEX melding_status_created;
DROP INDEX melding_wijk_status;
DROP INDEX melding_buurt_status;
DROP INDEX melding_team_status;
DROP INDEX melding_behandelaar_status;
DROP INDEX melding_team;
DROP INDEX melding_categorie_idx;
DROP INDEX melding_created;
CREATE INDEX melding_lijst_status ON melding (status, created_at, nummer) INCLUDE (categorie, team_id, behandelaar_id, wijk, buurt, termijn_datum);
CREATE INDEX melding_lijst_categorie ON melding (categorie, created_at, nummer) INCLUDE (status, team_id, behandelaar_id, wijk, buurt, termijn_datum);
CREATE INDEX melding_lijst_team ON melding (team_id, categorie, created_at, nummer) INCLUDE (status, behandelaar_id, wijk, buurt, termijn_datum);
CREATE INDEX melding_lijst_wijk ON melding (wijk, created_at, nummer) INCLUDE (status, categorie, team_id, behandelaar_id, buurt, termijn_datum);
CREATE INDEX melding_lijst_buurt ON melding (buurt, created_at, nummer) INCLUDE (status, categorie, team_id, behandelaar_id, wijk, termijn_datum);
CREATE INDEX melding_lijst_behandelaar ON melding (behandelaar_id, created_at, nummer) INCLUDE (status, categorie, team_id, wijk, buurt, termijn_datum);
CREATE INDEX melding_lijst_ontvangen ON melding (created_at, nummer) INCLUDE (status, categorie, team_id, behandelaar_id, wijk, buurt, termijn_datum);
CREATE INDEX melding_lijst_termijn ON melding (termijn_datum, nummer) INCLUDE (status, categorie, team_id, behandelaar_id, wijk, buurt, created_at);
CREATE INDEX melding_lijst_nummer ON melding (nummer) INCLUDE (status, categorie, team_id, behandelaar_id, wijk, buurt, created_at, termijn_datum);
-- The planners choose among these by their statistics.
ANALYZE melding;
