-- A task can be given to a person of the organisation that carries it out, not only to the
-- organisation (the person's name is kept as it was when the task was given, for the list).
ALTER TABLE dossiers_item ADD COLUMN eigenaar_user_id TEXT;
ALTER TABLE dossiers_item ADD COLUMN eigenaar_naam TEXT;
-- "My open tasks" on the start page.
CREATE INDEX dossiers_item_eigenaar ON dossiers_item (eigenaar_user_id, gereed_at);
