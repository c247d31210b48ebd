-- Standard texts per category for the reply to the reporter (meldingen::standaardteksten).
CREATE TABLE melding_standaardtekst (
    id TEXT PRIMARY KEY,
    categorie TEXT NOT NULL,
    titel TEXT NOT NULL,
    tekst TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX melding_standaardtekst_categorie ON melding_standaardtekst (categorie, titel);
