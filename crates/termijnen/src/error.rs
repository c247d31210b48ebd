//! Foutmeldingen (in het Nederlands, want ze worden aan gebruikers getoond).

/// Alles wat bij het berekenen van een termijn mis kan gaan.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TermijnError {
    /// De opgegeven regel bestaat niet.
    #[error("onbekende regel '{invoer}'; bekende regels: {bekend}")]
    OnbekendeRegel {
        /// Wat de gebruiker opgaf.
        invoer: String,
        /// De bekende slugs, komma-gescheiden.
        bekend: String,
    },
    /// De datum kon niet worden gelezen.
    #[error("ongeldige datum '{invoer}': verwacht JJJJ-MM-DD (ISO 8601) of DD-MM-JJJJ")]
    OngeldigeDatum {
        /// Wat de gebruiker opgaf.
        invoer: String,
    },
    /// Het resultaat valt buiten het bereik van de kalender (jaar -9999 t/m 9999).
    #[error("datum valt buiten het ondersteunde bereik (jaar -9999 t/m 9999)")]
    BuitenBereik,
    /// Het jaar valt buiten het bereik van de kalender.
    #[error("jaar {0} valt buiten het ondersteunde bereik (-9999 t/m 9999)")]
    JaarBuitenBereik(i16),
    /// Verdaging van de beslistermijn op bezwaar is langer dan zes weken.
    #[error("verdaging met {weken} weken is niet toegestaan: ten hoogste 6 weken (art. 7:10 lid 3 Awb); verder uitstel alleen met instemming (art. 7:10 lid 4 Awb) en valt buiten deze berekening")]
    VerdagingTeLang {
        /// Het opgegeven aantal weken.
        weken: u32,
    },
    /// Een termijn van nul dagen (of een ander onzinnig aantal).
    #[error("ongeldig aantal dagen ({dagen}): een termijn duurt ten minste 1 dag")]
    OngeldigAantalDagen {
        /// Het opgegeven aantal dagen.
        dagen: u32,
    },
    /// Termijnen in uren kunnen niet met alleen een datum worden berekend.
    #[error("een termijn in uren vereist een tijdstip, niet alleen een datum")]
    TermijnInUren,
    /// Een optie die bij deze regel geen betekenis heeft.
    #[error("optie '{optie}' is niet van toepassing op regel '{regel}'")]
    OptieNietVanToepassing {
        /// De optie, zoals op de opdrachtregel (`--adviescommissie`).
        optie: &'static str,
        /// De slug van de regel.
        regel: &'static str,
    },
}

impl From<jiff::Error> for TermijnError {
    fn from(_: jiff::Error) -> Self {
        TermijnError::BuitenBereik
    }
}
