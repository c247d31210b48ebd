-- A melding can be assigned to a person (a behandelaar) besides a team. The name is kept with
-- the melding as it was when assigned, so the queue needs no join with the platform's users.
ALTER TABLE melding ADD COLUMN behandelaar_id TEXT;
ALTER TABLE melding ADD COLUMN behandelaar_naam TEXT;
CREATE INDEX melding_behandelaar_status ON melding (behandelaar_id, status, created_at, nummer);
