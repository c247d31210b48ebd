-- The deadline (termijn_datum) for which the handler was told it passed: one notice per deadline,
-- and a new one when the deadline moves (a pause, a new category) and passes again.
ALTER TABLE melding ADD COLUMN termijn_gemeld TEXT;
