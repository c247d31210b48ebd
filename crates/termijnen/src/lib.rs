//! # termijnen
//!
//! Nederlandse juridische termijnen voor Baken, zonder I/O: de kalender van de
//! Algemene termijnenwet (Atw), de termijnen van de Awb (bezwaar, beroep, hoger
//! beroep, beslistermijn op bezwaar, zienswijze) en de termijnen van het tijdelijk
//! huisverbod, de crisismaatregel Wvggz, het Bibob-advies en de verjaring van een
//! dwangsom. Elke berekende datum heeft een uitleg in het Nederlands.
//!
//! De juridische keuzes per regel (wel of geen Atw, waarom, en de bronrij in
//! `legal-rules.md`) staan bij de varianten van [`Regel`].
//!
//! ```
//! use termijnen::{bereken, Opties, Regel};
//! use jiff::civil::date;
//!
//! let t = bereken(Regel::Bezwaar, date(2033, 11, 19), &Opties::default())?;
//! assert_eq!(t.datum, date(2034, 1, 2));
//! assert!(t.uitleg.contains("verlengd tot maandag 2 januari 2034 op grond van art. 1 Atw"));
//! # Ok::<(), termijnen::TermijnError>(())
//! ```

mod error;
mod gelijkstelling;
mod kalender;
mod nl;
mod regels;
mod rekenen;

pub use error::TermijnError;
pub use gelijkstelling::{Gelijkstellingsbesluit, GELIJKSTELLINGSBESLUITEN};
pub use kalender::{easter_sunday, is_weekend, Calendar, Feestdag, FeestdagSoort};
pub use nl::{datum_nl, maand_naam, parse_datum, weekdag_naam};
pub use regels::{
    bereken, bereken_met, regels, Opties, Regel, Termijn, MAX_VERDAGING_WEKEN,
    STANDAARD_ZIENSWIJZE_DAGEN,
};
pub use rekenen::{
    add_days, add_months, add_weeks, add_years, Atw, AtwArtikel, AtwUitsluiting, Berekening, Duur,
    Eenheid,
};
