-- The mails to the reporter, per event (receipt or a status), editable by administrators.
CREATE TABLE melding_mailsjabloon (
    gebeurtenis TEXT PRIMARY KEY,
    onderwerp TEXT NOT NULL,
    tekst TEXT NOT NULL,
    actief BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL DEFAULT 0
);
