-- When the reporter answered the handler's question (shown in the queue as "antwoord ontvangen"
-- until the handler acts on it).
ALTER TABLE melding ADD COLUMN antwoord_ontvangen_at BIGINT;

-- Mails to the reporter link to the tracking page by its absolute address ({{link}}, built from
-- the configured public URL) instead of a path a mail client cannot open.
UPDATE melding_mailsjabloon
SET tekst = REPLACE(tekst, '/melden/volg/{{volgcode}}.', '{{link}}')
WHERE tekst LIKE '%/melden/volg/{{volgcode}}.%';
UPDATE melding_mailsjabloon
SET tekst = REPLACE(tekst, '/melden/volg/{{volgcode}}', '{{link}}')
WHERE tekst LIKE '%/melden/volg/{{volgcode}}%';
