//! Termijnrekenen naar Nederlands gebruik, en de verlenging van de Algemene
//! termijnenwet (art. 1 en 2 Atw) met de uitzonderingen van art. 1 lid 2 en art. 4.
//!
//! Telwijze ("zes weken na de dag van bekendmaking"): de termijn begint op de dag
//! ná de gebeurtenis en eindigt aan het einde van
//! * bij dagen: de N-de dag daarna (`gebeurtenis + N dagen`);
//! * bij weken: dezelfde weekdag N weken later (`gebeurtenis + 7N dagen`);
//! * bij maanden/jaren: de dag met hetzelfde nummer N maanden/jaren later; bestaat
//!   die niet (31 januari + 1 maand), dan de laatste dag van die maand.
//!
//! Bron: legal-rules.md rij 0.1 (C, aanvang dag na bekendmaking) en 0.6 (C, Atw).

use jiff::civil::Date;
use jiff::Span;

use crate::kalender::Calendar;
use crate::nl::datum_nl;
use crate::TermijnError;

/// Grenzen van art. 4 Atw (legal-rules.md rij 0.6): langere termijnen vallen buiten de wet.
const ATW_MAX_DAGEN: u32 = 90;
const ATW_MAX_WEKEN: u32 = 12;
const ATW_MAX_MAANDEN: u32 = 3;

/// `datum` plus `dagen` dagen (negatief = terug).
pub fn add_days(datum: Date, dagen: i64) -> Result<Date, TermijnError> {
    Ok(datum.checked_add(Span::new().try_days(dagen)?)?)
}

/// `datum` plus `weken` weken: dezelfde weekdag, `weken` weken later.
pub fn add_weeks(datum: Date, weken: i64) -> Result<Date, TermijnError> {
    Ok(datum.checked_add(Span::new().try_weeks(weken)?)?)
}

/// `datum` plus `maanden` maanden: zelfde dagnummer, of de laatste dag van de
/// maand als dat nummer daar niet bestaat (31 januari + 1 maand = 28/29 februari).
pub fn add_months(datum: Date, maanden: i64) -> Result<Date, TermijnError> {
    Ok(datum.checked_add(Span::new().try_months(maanden)?)?)
}

/// `datum` plus `jaren` jaren (29 februari + 1 jaar = 28 februari).
pub fn add_years(datum: Date, jaren: i64) -> Result<Date, TermijnError> {
    Ok(datum.checked_add(Span::new().try_years(jaren)?)?)
}

/// De eenheid waarin een wettelijke termijn is uitgedrukt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Eenheid {
    /// Uren: de Atw is niet van toepassing (art. 4); niet met een datum te berekenen.
    Uren,
    /// Dagen.
    Dagen,
    /// Weken.
    Weken,
    /// Maanden.
    Maanden,
    /// Jaren.
    Jaren,
}

/// De lengte van een termijn, zoals de wet die noemt ("6 weken").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Duur {
    /// Het aantal eenheden.
    pub aantal: u32,
    /// De eenheid.
    pub eenheid: Eenheid,
}

impl Duur {
    /// Een termijn in uren.
    pub const fn uren(aantal: u32) -> Self {
        Self {
            aantal,
            eenheid: Eenheid::Uren,
        }
    }
    /// Een termijn in dagen.
    pub const fn dagen(aantal: u32) -> Self {
        Self {
            aantal,
            eenheid: Eenheid::Dagen,
        }
    }
    /// Een termijn in weken.
    pub const fn weken(aantal: u32) -> Self {
        Self {
            aantal,
            eenheid: Eenheid::Weken,
        }
    }
    /// Een termijn in maanden.
    pub const fn maanden(aantal: u32) -> Self {
        Self {
            aantal,
            eenheid: Eenheid::Maanden,
        }
    }
    /// Een termijn in jaren.
    pub const fn jaren(aantal: u32) -> Self {
        Self {
            aantal,
            eenheid: Eenheid::Jaren,
        }
    }

    /// Sluit art. 4 Atw deze termijn uit? Termijnen in uren, en termijnen langer
    /// dan 90 dagen, 12 weken of 3 maanden, of van een jaar of meer
    /// (legal-rules.md rij 0.6, C).
    pub fn atw_uitsluiting(&self) -> Option<AtwUitsluiting> {
        let te_lang = match self.eenheid {
            Eenheid::Uren => return Some(AtwUitsluiting::InUren),
            Eenheid::Dagen => self.aantal > ATW_MAX_DAGEN,
            Eenheid::Weken => self.aantal > ATW_MAX_WEKEN,
            Eenheid::Maanden => self.aantal > ATW_MAX_MAANDEN,
            Eenheid::Jaren => self.aantal >= 1,
        };
        te_lang.then_some(AtwUitsluiting::LangeTermijn)
    }

    /// Duurt de termijn ten minste drie dagen (voorwaarde voor art. 2 Atw)?
    pub fn ten_minste_drie_dagen(&self) -> bool {
        match self.eenheid {
            Eenheid::Uren => self.aantal >= 72,
            Eenheid::Dagen => self.aantal >= 3,
            Eenheid::Weken | Eenheid::Maanden | Eenheid::Jaren => self.aantal >= 1,
        }
    }

    /// De laatste dag van een termijn van deze duur die begint op de dag na
    /// `gebeurtenis`, zonder enige verlenging.
    pub fn einde_na(&self, gebeurtenis: Date) -> Result<Date, TermijnError> {
        let n = i64::from(self.aantal);
        match self.eenheid {
            Eenheid::Uren => Err(TermijnError::TermijnInUren),
            Eenheid::Dagen => add_days(gebeurtenis, n),
            Eenheid::Weken => add_weeks(gebeurtenis, n),
            Eenheid::Maanden => add_months(gebeurtenis, n),
            Eenheid::Jaren => add_years(gebeurtenis, n),
        }
    }

    /// In het Nederlands: "6 weken", "1 jaar", "3 dagen".
    pub fn omschrijving(&self) -> String {
        let (enkel, meer) = match self.eenheid {
            Eenheid::Uren => ("uur", "uur"),
            Eenheid::Dagen => ("dag", "dagen"),
            Eenheid::Weken => ("week", "weken"),
            Eenheid::Maanden => ("maand", "maanden"),
            Eenheid::Jaren => ("jaar", "jaar"),
        };
        let woord = if self.aantal == 1 { enkel } else { meer };
        format!("{} {}", self.aantal, woord)
    }
}

/// Waarom de Algemene termijnenwet op een termijn niet van toepassing is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AtwUitsluiting {
    /// Geen in een wet gestelde termijn (maar bijv. in een besluit, brief of
    /// verordening gesteld door het bestuursorgaan), legal-rules.md 0.6.
    GeenWettelijkeTermijn,
    /// Termijn bepaald door terugrekening vanaf een tijdstip (art. 1 lid 2 Atw).
    Terugrekenend,
    /// Termijn in uren (art. 4 Atw).
    InUren,
    /// Langer dan 90 dagen / 12 weken / 3 maanden, of een jaar of meer (art. 4 Atw).
    LangeTermijn,
    /// De duur van een maatregel (vrijheidsbeperking), geen termijn om een
    /// handeling te verrichten; de bijzondere wet telt kalenderdagen.
    DuurVanMaatregel,
    /// De bijzondere wet heeft een eigen regel voor weekend en feestdagen.
    EigenRegeling,
}

impl AtwUitsluiting {
    /// Nederlandse zinsnede voor de uitleg, na "de Algemene termijnenwet is niet
    /// van toepassing: ...".
    pub fn omschrijving(self) -> &'static str {
        match self {
            AtwUitsluiting::GeenWettelijkeTermijn => {
                "het is geen in een wet gestelde termijn maar een door het bestuursorgaan gestelde termijn"
            }
            AtwUitsluiting::Terugrekenend => {
                "de termijn wordt teruggerekend vanaf een tijdstip (art. 1 lid 2 Atw)"
            }
            AtwUitsluiting::InUren => "de termijn is in uren uitgedrukt (art. 4 Atw)",
            AtwUitsluiting::LangeTermijn => {
                "de termijn is langer dan 90 dagen, 12 weken of 3 maanden, of een jaar of langer (art. 4 Atw)"
            }
            AtwUitsluiting::DuurVanMaatregel => {
                "het gaat om de duur van een maatregel, niet om een termijn voor het verrichten van een handeling"
            }
            AtwUitsluiting::EigenRegeling => {
                "de bijzondere wet regelt zelf hoe zaterdagen, zondagen en feestdagen meetellen"
            }
        }
    }
}

/// Welke verlengingsregel van de Atw een termijn heeft verlengd.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AtwArtikel {
    /// Art. 1 lid 1: eindigt op zaterdag/zondag/feestdag → eerstvolgende werkdag.
    Art1,
    /// Art. 2: termijn van ≥ 3 dagen bevat ten minste twee werkdagen.
    Art2,
}

/// Het resultaat van een termijnberekening, met alles wat de uitleg nodig heeft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Berekening {
    /// De dag van de gebeurtenis (bekendmaking, oplegging, ...); de termijn begint de dag erna.
    pub gebeurtenis: Date,
    /// De lengte van de termijn.
    pub duur: Duur,
    /// De laatste dag zonder verlenging.
    pub onverlengd: Date,
    /// De laatste dag van de termijn (na eventuele Atw-verlenging).
    pub einde: Date,
    /// Toegepaste verlengingen (leeg als niet verlengd).
    pub verlengd_op_grond_van: Vec<AtwArtikel>,
    /// Waarom de Atw niet van toepassing is (`None` = wel van toepassing).
    pub atw_uitsluiting: Option<AtwUitsluiting>,
}

impl Berekening {
    /// Is de Atw op deze termijn toegepast?
    pub fn atw_van_toepassing(&self) -> bool {
        self.atw_uitsluiting.is_none()
    }
}

/// Moet de Atw worden toegepast (voor zover art. 4 het toelaat)?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Atw {
    /// In een wet gestelde, vooruit te rekenen termijn: art. 1 en 2 Atw toepassen,
    /// tenzij art. 4 Atw de termijn uitsluit (dat wordt hier gecontroleerd).
    Toepassen,
    /// Niet toepassen, om deze reden.
    NietVanToepassing(AtwUitsluiting),
}

impl Calendar {
    /// Past art. 1 en (bij `ten_minste_drie_dagen`) art. 2 Atw toe op een termijn
    /// die begint na `gebeurtenis` en onverlengd eindigt op `einde`.
    pub fn verleng_atw(
        &self,
        gebeurtenis: Date,
        einde: Date,
        ten_minste_drie_dagen: bool,
    ) -> Result<(Date, Vec<AtwArtikel>), TermijnError> {
        let mut artikelen = Vec::new();
        let mut d = einde;
        if !self.is_working_day(d) {
            d = self.next_working_day(d)?;
            artikelen.push(AtwArtikel::Art1);
        }
        if ten_minste_drie_dagen {
            let mut werkdagen = self.working_days_between(gebeurtenis, d);
            if werkdagen < 2 {
                while werkdagen < 2 {
                    d = self.next_working_day(d)?;
                    werkdagen += 1;
                }
                artikelen.push(AtwArtikel::Art2);
            }
        }
        Ok((d, artikelen))
    }

    /// Berekent een vooruit lopende termijn van `duur` na de dag `gebeurtenis`.
    ///
    /// Met [`Atw::Toepassen`] worden art. 1 en 2 Atw toegepast, behalve als art. 4
    /// de termijn uitsluit (uren; langer dan 90 dagen / 12 weken / 3 maanden; jaren).
    pub fn bereken_termijn(
        &self,
        gebeurtenis: Date,
        duur: Duur,
        atw: Atw,
    ) -> Result<Berekening, TermijnError> {
        let onverlengd = duur.einde_na(gebeurtenis)?;
        let atw_uitsluiting = match atw {
            Atw::Toepassen => duur.atw_uitsluiting(),
            Atw::NietVanToepassing(reden) => Some(reden),
        };
        let (einde, verlengd_op_grond_van) = if atw_uitsluiting.is_none() {
            self.verleng_atw(gebeurtenis, onverlengd, duur.ten_minste_drie_dagen())?
        } else {
            (onverlengd, Vec::new())
        };
        Ok(Berekening {
            gebeurtenis,
            duur,
            onverlengd,
            einde,
            verlengd_op_grond_van,
            atw_uitsluiting,
        })
    }

    /// De Nederlandse zin over de (niet-)verlenging, bijvoorbeeld
    /// `"verlengd tot maandag 2 januari 2034 op grond van art. 1 Atw (zaterdag 31
    /// december 2033 is een zaterdag; zondag 1 januari 2034 is Nieuwjaarsdag)"`.
    pub fn atw_zin(&self, b: &Berekening) -> String {
        if let Some(reden) = b.atw_uitsluiting {
            let mut zin = format!(
                "de Algemene termijnenwet is niet van toepassing: {}",
                reden.omschrijving()
            );
            if let Some(r) = self.reden_geen_werkdag(b.einde) {
                zin.push_str(&format!(
                    "; de termijn wordt dus niet verlengd, ook al is {} {}",
                    datum_nl(b.einde),
                    r
                ));
            }
            return zin;
        }
        if b.verlengd_op_grond_van.is_empty() {
            return "geen verlenging op grond van de Algemene termijnenwet nodig (de laatste dag is een werkdag)".to_string();
        }
        let artikelen = b
            .verlengd_op_grond_van
            .iter()
            .map(|a| match a {
                AtwArtikel::Art1 => "art. 1",
                AtwArtikel::Art2 => "art. 2",
            })
            .collect::<Vec<_>>()
            .join(" en ");
        let mut zin = format!(
            "verlengd tot {} op grond van {} Atw",
            datum_nl(b.einde),
            artikelen
        );
        let dagen = self.niet_werkdagen_tekst(b.onverlengd, b.einde);
        if !dagen.is_empty() {
            zin.push_str(&format!(" ({})", dagen.join("; ")));
        }
        if b.verlengd_op_grond_van.contains(&AtwArtikel::Art2) {
            zin.push_str(
                "; een termijn van ten minste drie dagen moet ten minste twee werkdagen bevatten",
            );
        }
        zin
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn kalenderrekenen() {
        assert_eq!(add_months(date(2024, 1, 31), 1).unwrap(), date(2024, 2, 29));
        assert_eq!(add_months(date(2025, 1, 31), 1).unwrap(), date(2025, 2, 28));
        assert_eq!(add_months(date(2025, 8, 31), 1).unwrap(), date(2025, 9, 30));
        assert_eq!(add_years(date(2024, 2, 29), 1).unwrap(), date(2025, 2, 28));
        assert_eq!(
            add_weeks(date(2033, 11, 19), 6).unwrap(),
            date(2033, 12, 31)
        );
        assert_eq!(add_days(date(2025, 1, 1), -1).unwrap(), date(2024, 12, 31));
        assert_eq!(
            add_days(date(9999, 12, 31), 1),
            Err(TermijnError::BuitenBereik)
        );
    }

    #[test]
    fn artikel_4_grenzen() {
        assert_eq!(Duur::dagen(90).atw_uitsluiting(), None);
        assert_eq!(
            Duur::dagen(91).atw_uitsluiting(),
            Some(AtwUitsluiting::LangeTermijn)
        );
        assert_eq!(Duur::weken(12).atw_uitsluiting(), None);
        assert!(Duur::weken(13).atw_uitsluiting().is_some());
        assert_eq!(Duur::maanden(3).atw_uitsluiting(), None);
        assert!(Duur::maanden(4).atw_uitsluiting().is_some());
        assert!(Duur::jaren(1).atw_uitsluiting().is_some());
        assert_eq!(
            Duur::uren(24).atw_uitsluiting(),
            Some(AtwUitsluiting::InUren)
        );
    }

    #[test]
    fn omschrijvingen() {
        assert_eq!(Duur::weken(6).omschrijving(), "6 weken");
        assert_eq!(Duur::jaren(1).omschrijving(), "1 jaar");
        assert_eq!(Duur::dagen(1).omschrijving(), "1 dag");
        assert_eq!(Duur::maanden(3).omschrijving(), "3 maanden");
    }

    #[test]
    fn uren_niet_met_datum() {
        let k = Calendar::new();
        assert_eq!(
            k.bereken_termijn(date(2025, 1, 1), Duur::uren(18), Atw::Toepassen),
            Err(TermijnError::TermijnInUren)
        );
    }

    #[test]
    fn art1_oud_en_nieuw() {
        let k = Calendar::new();
        let b = k
            .bereken_termijn(date(2033, 11, 19), Duur::weken(6), Atw::Toepassen)
            .unwrap();
        assert_eq!(b.onverlengd, date(2033, 12, 31));
        assert_eq!(b.einde, date(2034, 1, 2));
        assert_eq!(b.verlengd_op_grond_van, vec![AtwArtikel::Art1]);
        assert_eq!(
            k.atw_zin(&b),
            "verlengd tot maandag 2 januari 2034 op grond van art. 1 Atw \
             (zaterdag 31 december 2033 is een zaterdag; zondag 1 januari 2034 is Nieuwjaarsdag)"
        );
    }

    #[test]
    fn art2_kerst() {
        // Drie dagen na woensdag 24 december 2025: za 27 → ma 29 (art. 1), maar
        // dan bevat de termijn maar één werkdag → di 30 december (art. 2).
        let k = Calendar::new();
        let b = k
            .bereken_termijn(date(2025, 12, 24), Duur::dagen(3), Atw::Toepassen)
            .unwrap();
        assert_eq!(b.einde, date(2025, 12, 30));
        assert_eq!(
            b.verlengd_op_grond_van,
            vec![AtwArtikel::Art1, AtwArtikel::Art2]
        );
        assert!(k.atw_zin(&b).contains("art. 1 en art. 2 Atw"));
    }

    #[test]
    fn art2_pasen() {
        // Drie dagen na Witte Donderdag 17 april 2025: Goede Vrijdag, za, zo →
        // ma 21 = Tweede Paasdag → di 22 (art. 1) → wo 23 april (art. 2).
        let k = Calendar::new();
        let b = k
            .bereken_termijn(date(2025, 4, 17), Duur::dagen(3), Atw::Toepassen)
            .unwrap();
        assert_eq!(b.einde, date(2025, 4, 23));
    }

    #[test]
    fn art2_niet_voor_korte_termijnen() {
        // Een termijn van 2 dagen na woensdag 24 december 2025 eindigt op vrijdag
        // 26 december (Tweede Kerstdag) → maandag 29 december; art. 2 geldt niet.
        let k = Calendar::new();
        let b = k
            .bereken_termijn(date(2025, 12, 24), Duur::dagen(2), Atw::Toepassen)
            .unwrap();
        assert_eq!(b.einde, date(2025, 12, 29));
        assert_eq!(b.verlengd_op_grond_van, vec![AtwArtikel::Art1]);
    }

    #[test]
    fn niet_van_toepassing() {
        let k = Calendar::new();
        let b = k
            .bereken_termijn(
                date(2033, 11, 19),
                Duur::weken(6),
                Atw::NietVanToepassing(AtwUitsluiting::GeenWettelijkeTermijn),
            )
            .unwrap();
        assert_eq!(b.einde, date(2033, 12, 31));
        assert!(!b.atw_van_toepassing());
        assert!(k
            .atw_zin(&b)
            .contains("ook al is zaterdag 31 december 2033 een zaterdag"));
        // Art. 4: een jaar wordt nooit verlengd, ook al eindigt het op een zondag.
        let j = k
            .bereken_termijn(date(2024, 12, 14), Duur::jaren(1), Atw::Toepassen)
            .unwrap();
        assert_eq!(j.einde, date(2025, 12, 14));
        assert_eq!(j.atw_uitsluiting, Some(AtwUitsluiting::LangeTermijn));
    }
}
