//! De kalender van de Algemene termijnenwet (Atw): zaterdagen, zondagen,
//! algemeen erkende feestdagen (art. 3 lid 1), Goede Vrijdag (art. 3 lid 2) en
//! bij koninklijk besluit gelijkgestelde dagen (art. 3 lid 3).
//!
//! Bron: legal-rules.md rij 0.6 en 0.7 (C).

use std::collections::BTreeMap;

use jiff::civil::{Date, Weekday};

use crate::gelijkstelling::GELIJKSTELLINGSBESLUITEN;
use crate::nl::datum_nl;
use crate::TermijnError;

/// Eerste jaar waarin de verjaardag van de Koning op 27 april wordt gevierd
/// (Koningsdag). Daarvoor: Koninginnedag op 30 april.
const EERSTE_JAAR_KONINGSDAG: i16 = 2014;

/// Paaszondag volgens de anonieme Gregoriaanse computus (Meeus/Jones/Butcher).
///
/// Geldig voor elk jaar dat [`Date`] kent (-9999 t/m 9999); historisch zinvol vanaf 1583.
pub fn easter_sunday(jaar: i16) -> Result<Date, TermijnError> {
    let y = i32::from(jaar);
    let a = y.rem_euclid(19);
    let b = y.div_euclid(100);
    let c = y.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let n = h + l - 7 * m + 114;
    let maand = n.div_euclid(31);
    let dag = n.rem_euclid(31) + 1;
    // maand is 3 of 4 en dag 1..=31, dus de conversies slagen altijd.
    let maand = i8::try_from(maand).map_err(|_| TermijnError::JaarBuitenBereik(jaar))?;
    let dag = i8::try_from(dag).map_err(|_| TermijnError::JaarBuitenBereik(jaar))?;
    Date::new(jaar, maand, dag).map_err(|_| TermijnError::JaarBuitenBereik(jaar))
}

/// Waarom een dag een feestdag is in de zin van de Atw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeestdagSoort {
    /// Algemeen erkende feestdag, art. 3 lid 1 Atw.
    AlgemeenErkend,
    /// Goede Vrijdag, gelijkgesteld bij art. 3 lid 2 Atw.
    GoedeVrijdag,
    /// Bij koninklijk besluit gelijkgesteld, art. 3 lid 3 Atw (gegevens, geen code).
    Gelijkgesteld,
}

impl FeestdagSoort {
    /// De wettelijke grondslag, kort.
    pub fn grondslag(self) -> &'static str {
        match self {
            FeestdagSoort::AlgemeenErkend => "art. 3 lid 1 Atw",
            FeestdagSoort::GoedeVrijdag => "art. 3 lid 2 Atw",
            FeestdagSoort::Gelijkgesteld => "art. 3 lid 3 Atw (koninklijk besluit)",
        }
    }
}

/// Een feestdag (of gelijkgestelde dag) met zijn Nederlandse naam.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feestdag {
    /// De datum.
    pub datum: Date,
    /// De Nederlandse naam, bijvoorbeeld `"Tweede Pinksterdag"`.
    pub naam: String,
    /// Grondslag van de gelijkstelling.
    pub soort: FeestdagSoort,
}

/// De Atw-kalender: welke dagen zijn geen werkdag in de zin van art. 1 en 2 Atw.
///
/// [`Calendar::new`] kent alleen de feestdagen van de wet zelf (art. 3 lid 1 en 2).
/// Dagen die bij koninklijk besluit zijn gelijkgesteld (art. 3 lid 3; het besluit
/// verschijnt eens per drie jaar) zijn **gegevens**: voeg ze toe met
/// [`Calendar::with_extra_day`] nadat ze in het Staatsblad zijn gecontroleerd.
/// Zonder die gegevens valt een berekende einddatum hooguit te vroeg, nooit te laat.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    /// Datum → (omschrijving, bron: het koninklijk besluit, als dat is opgegeven).
    gelijkgesteld: BTreeMap<Date, (String, Option<String>)>,
}

impl Calendar {
    /// Een kalender met alleen de feestdagen uit art. 3 lid 1 en 2 Atw.
    pub fn new() -> Self {
        Self::default()
    }

    /// Voegt een bij koninklijk besluit gelijkgestelde dag toe (art. 3 lid 3 Atw).
    #[must_use]
    pub fn with_extra_day(mut self, datum: Date, naam: impl Into<String>) -> Self {
        self.add_extra_day(datum, naam);
        self
    }

    /// Voegt een bij koninklijk besluit gelijkgestelde dag toe (art. 3 lid 3 Atw).
    pub fn add_extra_day(&mut self, datum: Date, naam: impl Into<String>) {
        self.gelijkgesteld.insert(datum, (naam.into(), None));
    }

    /// Voegt een bij koninklijk besluit gelijkgestelde dag toe met het besluit als bron
    /// (bijvoorbeeld de titel van het besluit); de uitleg van een termijn die erdoor wordt
    /// verlengd, noemt die bron.
    pub fn add_designated_day(
        &mut self,
        datum: Date,
        naam: impl Into<String>,
        bron: impl Into<String>,
    ) {
        let bron = bron.into();
        let bron = (!bron.trim().is_empty()).then(|| bron.trim().to_string());
        self.gelijkgesteld.insert(datum, (naam.into(), bron));
    }

    /// Een kalender met de feestdagen van art. 3 lid 1 en 2 Atw en de dagen van de bekende
    /// besluiten tot gelijkstelling ([`GELIJKSTELLINGSBESLUITEN`]), met hun titel als bron.
    /// Baken zelf rekent met de dagen uit de database (die de migratie met dezelfde gegevens
    /// vult en die een jurist aanvult); deze kalender is voor wie de crate los gebruikt.
    pub fn met_bekende_besluiten() -> Self {
        let mut k = Self::new();
        for besluit in GELIJKSTELLINGSBESLUITEN {
            for (datum, naam) in besluit.dagen() {
                k.add_designated_day(datum, naam, besluit.titel);
            }
        }
        k
    }

    /// De gelijkgestelde dagen die als gegevens zijn toegevoegd, op volgorde.
    pub fn extra_days(&self) -> impl Iterator<Item = (Date, &str)> + '_ {
        self.gelijkgesteld
            .iter()
            .map(|(d, (n, _))| (*d, n.as_str()))
    }

    /// De bron (het koninklijk besluit) van een gelijkgestelde dag, als die is opgegeven.
    pub fn bron_van(&self, datum: Date) -> Option<&str> {
        self.gelijkgesteld
            .get(&datum)
            .and_then(|(_, b)| b.as_deref())
    }

    /// De jaren uit `jaren` waarin geen enkele dag bij koninklijk besluit is gelijkgesteld.
    /// Elk jaar heeft er in de praktijk ten minste één (de vrijdag na Hemelvaartsdag); een
    /// jaar zonder betekent dat het besluit voor dat jaar nog niet is vastgelegd, en dat een
    /// termijn die dan eindigt te vroeg kan uitvallen.
    pub fn jaren_zonder_gelijkstelling(&self, jaren: impl IntoIterator<Item = i16>) -> Vec<i16> {
        jaren
            .into_iter()
            .filter(|j| !self.gelijkgesteld.keys().any(|d| d.year() == *j))
            .collect()
    }

    /// Alle feestdagen en gelijkgestelde dagen van een jaar, op datum gesorteerd.
    ///
    /// Bevat: Nieuwjaarsdag, Goede Vrijdag, Tweede Paasdag, Koningsdag (27 april;
    /// 26 april als de 27e op zondag valt; vóór 2014 Koninginnedag 30 april, of 29
    /// april als de 30e op zondag viel), Bevrijdingsdag (5 mei, elk jaar),
    /// Hemelvaartsdag, Tweede Pinksterdag, Eerste en Tweede Kerstdag, plus de
    /// toegevoegde gelijkgestelde dagen van dat jaar. Eerste Paas- en Pinksterdag
    /// vallen op zondag en staan niet in art. 3 Atw; ze zijn hier niet opgenomen.
    pub fn holidays(&self, jaar: i16) -> Result<Vec<Feestdag>, TermijnError> {
        let mut lijst = wettelijke_feestdagen(jaar)?;
        for (datum, (naam, _)) in &self.gelijkgesteld {
            if datum.year() == jaar && !lijst.iter().any(|f| f.datum == *datum) {
                lijst.push(Feestdag {
                    datum: *datum,
                    naam: naam.clone(),
                    soort: FeestdagSoort::Gelijkgesteld,
                });
            }
        }
        lijst.sort_by_key(|f| f.datum);
        Ok(lijst)
    }

    /// De feestdag op deze datum, als die er is.
    pub fn feestdag(&self, datum: Date) -> Option<Feestdag> {
        // Voor het jaar van een geldige Date slaagt de berekening altijd.
        let wettelijk = wettelijke_feestdagen(datum.year()).unwrap_or_default();
        if let Some(f) = wettelijk.into_iter().find(|f| f.datum == datum) {
            return Some(f);
        }
        self.gelijkgesteld.get(&datum).map(|(naam, _)| Feestdag {
            datum,
            naam: naam.clone(),
            soort: FeestdagSoort::Gelijkgesteld,
        })
    }

    /// Is dit een algemeen erkende feestdag of een daarmee gelijkgestelde dag?
    pub fn is_holiday(&self, datum: Date) -> bool {
        self.feestdag(datum).is_some()
    }

    /// Een werkdag in de zin van de Atw: geen zaterdag, zondag of (gelijkgestelde) feestdag.
    pub fn is_working_day(&self, datum: Date) -> bool {
        !is_weekend(datum) && !self.is_holiday(datum)
    }

    /// Waarom deze dag geen werkdag is, in het Nederlands ("een zaterdag",
    /// "Nieuwjaarsdag"); `None` voor een werkdag.
    ///
    /// Een bij koninklijk besluit gelijkgestelde dag noemt zijn grondslag, zodat een uitleg
    /// zegt waarom een doordeweekse dag de termijn verlengt: `"vrijdag na Hemelvaartsdag,
    /// gelijkgesteld met een algemeen erkende feestdag op grond van art. 3 lid 3 Atw
    /// (koninklijk besluit)"`; met een opgegeven bron volgt `": <titel van het besluit>"`.
    pub fn reden_geen_werkdag(&self, datum: Date) -> Option<String> {
        if let Some(f) = self.feestdag(datum) {
            return Some(match f.soort {
                FeestdagSoort::Gelijkgesteld => {
                    let mut r = format!(
                        "{}, gelijkgesteld met een algemeen erkende feestdag op grond van {}",
                        f.naam,
                        f.soort.grondslag()
                    );
                    if let Some(bron) = self.bron_van(datum) {
                        r.push_str(&format!(": {bron}"));
                    }
                    r
                }
                _ => f.naam,
            });
        }
        match datum.weekday() {
            Weekday::Saturday => Some("een zaterdag".to_string()),
            Weekday::Sunday => Some("een zondag".to_string()),
            _ => None,
        }
    }

    /// De eerste werkdag ná `datum`.
    pub fn next_working_day(&self, datum: Date) -> Result<Date, TermijnError> {
        let mut d = datum.tomorrow()?;
        while !self.is_working_day(d) {
            d = d.tomorrow()?;
        }
        Ok(d)
    }

    /// De eerste werkdag op of na `datum`.
    pub fn working_day_on_or_after(&self, datum: Date) -> Result<Date, TermijnError> {
        if self.is_working_day(datum) {
            Ok(datum)
        } else {
            self.next_working_day(datum)
        }
    }

    /// Het aantal werkdagen na `na` tot en met `tot_en_met`.
    pub fn working_days_between(&self, na: Date, tot_en_met: Date) -> u32 {
        let mut aantal = 0;
        let mut d = na;
        while d < tot_en_met {
            match d.tomorrow() {
                Ok(volgende) => d = volgende,
                Err(_) => break,
            }
            if self.is_working_day(d) {
                aantal += 1;
            }
        }
        aantal
    }

    /// Telt `aantal` werkdagen vooruit vanaf `na` (de dag `na` zelf telt niet mee);
    /// zaterdagen, zondagen en feestdagen worden overgeslagen.
    pub fn add_working_days(&self, na: Date, aantal: u32) -> Result<Date, TermijnError> {
        let mut d = na;
        for _ in 0..aantal {
            d = self.next_working_day(d)?;
        }
        Ok(d)
    }

    /// De niet-werkdagen van `van` tot en met `tot`, met de reden, voor in een uitleg:
    /// `"zaterdag 31 december 2033 is een zaterdag"`.
    pub(crate) fn niet_werkdagen_tekst(&self, van: Date, tot: Date) -> Vec<String> {
        let mut uit = Vec::new();
        let mut d = van;
        while d <= tot {
            if let Some(reden) = self.reden_geen_werkdag(d) {
                uit.push(format!("{} is {}", datum_nl(d), reden));
            }
            match d.tomorrow() {
                Ok(v) => d = v,
                Err(_) => break,
            }
        }
        uit
    }
}

/// Zaterdag of zondag.
pub fn is_weekend(datum: Date) -> bool {
    matches!(datum.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// De dag waarop de verjaardag van de Koning(in) wordt gevierd.
fn koningsdag(jaar: i16) -> Result<(Date, &'static str), TermijnError> {
    let buiten = |_| TermijnError::JaarBuitenBereik(jaar);
    if jaar >= EERSTE_JAAR_KONINGSDAG {
        let d = Date::new(jaar, 4, 27).map_err(buiten)?;
        if d.weekday() == Weekday::Sunday {
            Ok((Date::new(jaar, 4, 26).map_err(buiten)?, "Koningsdag"))
        } else {
            Ok((d, "Koningsdag"))
        }
    } else {
        let d = Date::new(jaar, 4, 30).map_err(buiten)?;
        if d.weekday() == Weekday::Sunday {
            Ok((Date::new(jaar, 4, 29).map_err(buiten)?, "Koninginnedag"))
        } else {
            Ok((d, "Koninginnedag"))
        }
    }
}

/// De feestdagen van art. 3 lid 1 en 2 Atw voor één jaar, op datum gesorteerd.
fn wettelijke_feestdagen(jaar: i16) -> Result<Vec<Feestdag>, TermijnError> {
    let buiten = |_| TermijnError::JaarBuitenBereik(jaar);
    let pasen = easter_sunday(jaar)?;
    let rel = |dagen: i64| -> Result<Date, TermijnError> {
        let span = jiff::Span::new().try_days(dagen).map_err(buiten)?;
        pasen.checked_add(span).map_err(buiten)
    };
    let (koning, koning_naam) = koningsdag(jaar)?;
    let algemeen = FeestdagSoort::AlgemeenErkend;
    let mut lijst = vec![
        (
            Date::new(jaar, 1, 1).map_err(buiten)?,
            "Nieuwjaarsdag",
            algemeen,
        ),
        (rel(-2)?, "Goede Vrijdag", FeestdagSoort::GoedeVrijdag),
        (rel(1)?, "Tweede Paasdag", algemeen),
        (koning, koning_naam, algemeen),
        (
            Date::new(jaar, 5, 5).map_err(buiten)?,
            "Bevrijdingsdag",
            algemeen,
        ),
        (rel(39)?, "Hemelvaartsdag", algemeen),
        (rel(50)?, "Tweede Pinksterdag", algemeen),
        (
            Date::new(jaar, 12, 25).map_err(buiten)?,
            "Eerste Kerstdag",
            algemeen,
        ),
        (
            Date::new(jaar, 12, 26).map_err(buiten)?,
            "Tweede Kerstdag",
            algemeen,
        ),
    ];
    lijst.sort_by_key(|(d, _, _)| *d);
    // Twee feestdagen kunnen samenvallen (Hemelvaartsdag op 5 mei, bijv. 2016):
    // houd dan één vermelding met beide namen.
    let mut uit: Vec<Feestdag> = Vec::with_capacity(lijst.len());
    for (datum, naam, soort) in lijst {
        match uit.last_mut() {
            Some(vorige) if vorige.datum == datum => {
                vorige.naam = format!("{} en {}", vorige.naam, naam);
            }
            _ => uit.push(Feestdag {
                datum,
                naam: naam.to_string(),
                soort,
            }),
        }
    }
    Ok(uit)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn pasen_bekende_jaren_buiten_2020_2035() {
        // Grensgevallen van de computus: vroegst (22 maart) en laatst (25 april).
        assert_eq!(easter_sunday(1818).unwrap(), date(1818, 3, 22));
        assert_eq!(easter_sunday(2285).unwrap(), date(2285, 3, 22));
        assert_eq!(easter_sunday(1943).unwrap(), date(1943, 4, 25));
        assert_eq!(easter_sunday(2038).unwrap(), date(2038, 4, 25));
        assert_eq!(easter_sunday(2000).unwrap(), date(2000, 4, 23));
        assert_eq!(easter_sunday(2019).unwrap(), date(2019, 4, 21));
    }

    #[test]
    fn koninginnedag_voor_2014() {
        let k = Calendar::new();
        assert_eq!(k.feestdag(date(2013, 4, 30)).unwrap().naam, "Koninginnedag");
        // 30 april 2006 was een zondag: gevierd op zaterdag 29 april.
        assert!(k.is_holiday(date(2006, 4, 29)));
        assert!(!k.is_holiday(date(2006, 4, 30)));
        assert!(!k.is_holiday(date(2013, 4, 27)));
    }

    #[test]
    fn samenvallende_feestdagen() {
        // Hemelvaartsdag viel in 2016 op 5 mei (Pasen 27 maart 2016).
        assert_eq!(easter_sunday(2016).unwrap(), date(2016, 3, 27));
        let lijst = Calendar::new().holidays(2016).unwrap();
        assert_eq!(lijst.len(), 8);
        let vijf_mei = lijst.iter().find(|f| f.datum == date(2016, 5, 5)).unwrap();
        assert_eq!(vijf_mei.naam, "Bevrijdingsdag en Hemelvaartsdag");
    }

    #[test]
    fn gelijkgestelde_dagen_als_gegevens() {
        let vrijdag = date(2026, 5, 15); // dag na Hemelvaartsdag 2026
        let zonder = Calendar::new();
        assert!(zonder.is_working_day(vrijdag));
        let met = Calendar::new().with_extra_day(vrijdag, "vrijdag na Hemelvaartsdag");
        assert!(!met.is_working_day(vrijdag));
        let f = met.feestdag(vrijdag).unwrap();
        assert_eq!(f.soort, FeestdagSoort::Gelijkgesteld);
        assert_eq!(met.holidays(2026).unwrap().len(), 10);
        assert_eq!(met.extra_days().count(), 1);
        assert_eq!(
            met.reden_geen_werkdag(vrijdag).as_deref(),
            Some("vrijdag na Hemelvaartsdag, gelijkgesteld met een algemeen erkende feestdag op grond van art. 3 lid 3 Atw (koninklijk besluit)")
        );
        // Een gelijkstelling op een wettelijke feestdag telt niet dubbel.
        let dubbel = Calendar::new().with_extra_day(date(2026, 1, 1), "dubbel");
        assert_eq!(dubbel.holidays(2026).unwrap().len(), 9);
    }

    #[test]
    fn werkdagen_tellen() {
        let k = Calendar::new();
        // Na woensdag 24 december 2025 t/m maandag 29 december: alleen maandag.
        assert_eq!(
            k.working_days_between(date(2025, 12, 24), date(2025, 12, 29)),
            1
        );
        assert_eq!(
            k.add_working_days(date(2025, 4, 17), 3).unwrap(),
            date(2025, 4, 24)
        );
        assert_eq!(
            k.next_working_day(date(2033, 12, 30)).unwrap(),
            date(2034, 1, 2)
        );
        assert_eq!(
            k.working_day_on_or_after(date(2034, 1, 2)).unwrap(),
            date(2034, 1, 2)
        );
    }

    #[test]
    fn redenen() {
        let k = Calendar::new();
        assert_eq!(
            k.reden_geen_werkdag(date(2034, 1, 1)).unwrap(),
            "Nieuwjaarsdag"
        );
        assert_eq!(
            k.reden_geen_werkdag(date(2033, 12, 31)).unwrap(),
            "een zaterdag"
        );
        assert!(k.reden_geen_werkdag(date(2034, 1, 2)).is_none());
    }

    #[test]
    fn jaar_buiten_bereik() {
        assert_eq!(
            easter_sunday(10_000),
            Err(TermijnError::JaarBuitenBereik(10_000))
        );
        assert!(Calendar::new().holidays(-10_000).is_err());
    }
}
