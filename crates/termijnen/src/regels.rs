//! De termijnen die Baken kent, met per regel de keuze of de Algemene
//! termijnenwet (Atw) geldt en de bron in `/work/shared/domain/legal-rules.md`
//! (rijnummer en betrouwbaarheid: C = officiële of geciteerde bron, S = betrouwbare
//! secundaire bron, I = afgeleid, te verifiëren).

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;

use crate::kalender::Calendar;
use crate::nl::datum_nl;
use crate::rekenen::{add_days, Atw, AtwUitsluiting, Berekening, Duur};
use crate::TermijnError;

/// Standaard zienswijzetermijn als er geen `--dagen` is opgegeven: 2 weken
/// (gemeentelijke praktijk, legal-rules.md 0.16, I).
pub const STANDAARD_ZIENSWIJZE_DAGEN: u32 = 14;

/// Maximale verdaging van de beslistermijn op bezwaar (art. 7:10 lid 3 Awb, legal-rules.md 0.10, C).
pub const MAX_VERDAGING_WEKEN: u32 = 6;

/// Een termijnregel. De slug (`bezwaar`, `huisverbod-einde`, ...) is de naam op de
/// opdrachtregel: `baken termijn REGEL DATUM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Regel {
    /// Bezwaartermijn: 6 weken, beginnend op de dag na bekendmaking.
    /// Awb 6:7, 6:8 lid 1. **Atw: ja** (wettelijke termijn van 6 weken).
    /// Bron: legal-rules.md 0.1, 0.2, 0.6 (C).
    Bezwaar,
    /// Beroepstermijn (rechtbank): 6 weken na bekendmaking van het besluit op bezwaar.
    /// Awb 6:7, 6:8, 8:1. **Atw: ja.** Bron: legal-rules.md 0.3 (C), 0.6 (C).
    Beroep,
    /// Hoger beroep (ABRvS): 6 weken na verzending van de uitspraak.
    /// Awb 6:7 jo. 6:24, 8:104. **Atw: ja.** Bron: legal-rules.md 0.4 (S), 0.6 (C).
    HogerBeroep,
    /// Beslistermijn op bezwaar: 6 weken (12 met adviescommissie, art. 7:13 Awb),
    /// gerekend vanaf de dag ná afloop van de bezwaartermijn, plus ten hoogste 6
    /// weken verdaging. DATUM is de dag van bekendmaking van het bestreden besluit;
    /// eerst wordt de bezwaartermijn berekend (met Atw), dan de beslistermijn.
    /// De beslistermijn en de verdaging worden als één termijn gerekend; **Atw: ja
    /// tot en met 12 weken, niet daarboven** (art. 4 Atw; 12 + 6 = 18 weken valt
    /// erbuiten — dat geeft de vroegste, voor het bestuursorgaan veilige datum).
    /// Bron: legal-rules.md 0.10 (C), 0.11 (S), 0.12 (S), 0.6 (C).
    BeslistermijnBezwaar,
    /// Zienswijzetermijn: door het bestuursorgaan gesteld (geen wettelijke termijn;
    /// Awb 4:8 regelt alleen de plicht), standaard 14 dagen, `--dagen N`.
    /// **Atw: nee** — een in een brief/besluit gestelde termijn valt er niet onder
    /// (legal-rules.md 0.6, C); de uitleg waarschuwt als de dag geen werkdag is.
    /// Bron: legal-rules.md 0.14 (C), 0.16 (I).
    Zienswijze,
    /// Einde tijdelijk huisverbod: 10 dagen na oplegging (Wth art. 2).
    /// **Atw: nee** — het is de duur van een vrijheidsbeperkende maatregel, geen
    /// termijn om een handeling te verrichten; verlenging door de Atw zou het verbod
    /// zonder besluit verlengen ("12 dagen is onrechtmatig"). Keuze: afgeleid (I).
    /// Bron: legal-rules.md 4.4 (C).
    HuisverbodEinde,
    /// Uiterste einde van een verlengd huisverbod: ten hoogste 4 weken na oplegging
    /// (Wth art. 9 lid 1). Het verlengingsbesluit moet vallen vóór het einde van de
    /// eerste 10 dagen (de uitleg noemt die datum). **Atw: nee** (als bij
    /// [`Regel::HuisverbodEinde`]). Bron: legal-rules.md 4.5 (C), 4.6 (S).
    HuisverbodVerlengingUiterlijk,
    /// Einde crisismaatregel Wvggz: 3 dagen na het nemen ervan, tenzij de OvJ vóór
    /// het verstrijken een verzoek tot voortzetting indient (Wvggz 7:7, artikelnummer I).
    /// **Atw: nee, kalenderdagen** — legal-rules.md 4.23 (C) noemt 3 dagen zonder
    /// uitzondering voor weekend of feestdag; de regel "weekend/feestdag telt niet
    /// mee" in rij 4.26 (S) betreft alleen de voortzetting tot de beslissing van de
    /// rechter (zie [`Regel::CrisismaatregelVoortzettingUiterlijk`]).
    CrisismaatregelEinde,
    /// Uiterste beslisdag van de rechter op het verzoek tot voortzetting van de
    /// crisismaatregel: 3 dagen na ontvangst ter griffie, **zaterdag, zondag en
    /// feestdagen tellen niet mee** (eigen regel van de Wvggz, niet de Atw).
    /// Bron: legal-rules.md 4.25 (C, 3 dagen), 4.26 (S, weekend/feestdag) — te verifiëren.
    CrisismaatregelVoortzettingUiterlijk,
    /// Adviestermijn Landelijk Bureau Bibob: 8 weken na ontvangst van het verzoek
    /// (Wet Bibob art. 15, artikelnummer I). **Atw: ja** (wettelijke termijn ≤ 12 weken).
    /// Bron: legal-rules.md 1.16 (C), 1.17 (C/I).
    BibobAdvies,
    /// Verlengde adviestermijn Bibob: 8 + ten hoogste 4 = 12 weken na ontvangst,
    /// als één termijn gerekend. **Atw: ja** (12 weken is niet langer dan 12 weken,
    /// art. 4 Atw). Bron: legal-rules.md 1.16 (C), 1.17 (C/I).
    BibobAdviesVerlengd,
    /// Verjaring dwangsom: 1 jaar na de dag van verbeurte (Awb 5:35 lid 1).
    /// **Atw: nee** — art. 4 Atw sluit termijnen van een jaar uit (legal-rules.md 0.6, C).
    /// Verlenging (5:35 lid 2) en stuiting (5:37a) worden niet berekend, wel genoemd.
    /// Bron: legal-rules.md 3.10 (C), 3.11 (C), 3.12 (C).
    DwangsomVerjaring,
}

static ALLE_REGELS: [Regel; 12] = [
    Regel::Bezwaar,
    Regel::Beroep,
    Regel::HogerBeroep,
    Regel::BeslistermijnBezwaar,
    Regel::Zienswijze,
    Regel::HuisverbodEinde,
    Regel::HuisverbodVerlengingUiterlijk,
    Regel::CrisismaatregelEinde,
    Regel::CrisismaatregelVoortzettingUiterlijk,
    Regel::BibobAdvies,
    Regel::BibobAdviesVerlengd,
    Regel::DwangsomVerjaring,
];

/// Alle regels, in de volgorde voor de hulptekst van de opdrachtregel.
pub fn regels() -> &'static [Regel] {
    &ALLE_REGELS
}

impl Regel {
    /// De naam op de opdrachtregel, bijvoorbeeld `"beslistermijn-bezwaar"`.
    pub fn slug(self) -> &'static str {
        match self {
            Regel::Bezwaar => "bezwaar",
            Regel::Beroep => "beroep",
            Regel::HogerBeroep => "hoger-beroep",
            Regel::BeslistermijnBezwaar => "beslistermijn-bezwaar",
            Regel::Zienswijze => "zienswijze",
            Regel::HuisverbodEinde => "huisverbod-einde",
            Regel::HuisverbodVerlengingUiterlijk => "huisverbod-verlenging-uiterlijk",
            Regel::CrisismaatregelEinde => "crisismaatregel-einde",
            Regel::CrisismaatregelVoortzettingUiterlijk => "crisismaatregel-voortzetting-uiterlijk",
            Regel::BibobAdvies => "bibob-advies",
            Regel::BibobAdviesVerlengd => "bibob-advies-verlengd",
            Regel::DwangsomVerjaring => "dwangsom-verjaring",
        }
    }

    /// Korte Nederlandse omschrijving voor de hulptekst.
    pub fn omschrijving(self) -> &'static str {
        match self {
            Regel::Bezwaar => "laatste dag van de bezwaartermijn (6 weken)",
            Regel::Beroep => "laatste dag van de beroepstermijn bij de rechtbank (6 weken)",
            Regel::HogerBeroep => "laatste dag van de termijn voor hoger beroep (6 weken)",
            Regel::BeslistermijnBezwaar => {
                "laatste dag van de beslistermijn op bezwaar (6 weken, 12 met adviescommissie, plus verdaging)"
            }
            Regel::Zienswijze => "laatste dag van de zienswijzetermijn (standaard 14 dagen)",
            Regel::HuisverbodEinde => "einde van een tijdelijk huisverbod (10 dagen)",
            Regel::HuisverbodVerlengingUiterlijk => {
                "uiterste einde van een verlengd huisverbod (4 weken na oplegging)"
            }
            Regel::CrisismaatregelEinde => "einde van een crisismaatregel Wvggz (3 dagen)",
            Regel::CrisismaatregelVoortzettingUiterlijk => {
                "uiterste beslisdag van de rechter op het verzoek tot voortzetting van de crisismaatregel (3 werkdagen)"
            }
            Regel::BibobAdvies => "laatste dag van de adviestermijn van het Landelijk Bureau Bibob (8 weken)",
            Regel::BibobAdviesVerlengd => {
                "laatste dag van de verlengde adviestermijn van het Landelijk Bureau Bibob (12 weken)"
            }
            Regel::DwangsomVerjaring => "laatste dag vóór verjaring van een verbeurde dwangsom (1 jaar)",
        }
    }

    /// Wat DATUM betekent bij deze regel.
    pub fn datum_betekenis(self) -> &'static str {
        match self {
            Regel::Bezwaar => "de dag van bekendmaking van het besluit",
            Regel::Beroep => "de dag van bekendmaking van het besluit op bezwaar",
            Regel::HogerBeroep => "de dag van verzending van de uitspraak van de rechtbank",
            Regel::BeslistermijnBezwaar => "de dag van bekendmaking van het bestreden besluit",
            Regel::Zienswijze => "de dag van verzending van het verzoek om een zienswijze",
            Regel::HuisverbodEinde | Regel::HuisverbodVerlengingUiterlijk => {
                "de dag van oplegging van het huisverbod"
            }
            Regel::CrisismaatregelEinde => "de dag waarop de crisismaatregel is genomen",
            Regel::CrisismaatregelVoortzettingUiterlijk => {
                "de dag waarop het verzoek tot voortzetting ter griffie is ontvangen"
            }
            Regel::BibobAdvies | Regel::BibobAdviesVerlengd => {
                "de dag van ontvangst van het adviesverzoek door het Landelijk Bureau Bibob"
            }
            Regel::DwangsomVerjaring => "de dag waarop de dwangsom is verbeurd",
        }
    }

    /// De wettelijke grondslag, kort.
    pub fn grondslag(self) -> &'static str {
        match self {
            Regel::Bezwaar => "art. 6:7 en 6:8 lid 1 Awb; art. 1-3 Algemene termijnenwet",
            Regel::Beroep => "art. 6:7, 6:8 lid 1 en 8:1 Awb; art. 1-3 Algemene termijnenwet",
            Regel::HogerBeroep => "art. 6:7 jo. 6:24 en 8:104 Awb; art. 1-3 Algemene termijnenwet",
            Regel::BeslistermijnBezwaar => {
                "art. 7:10 lid 1-3 Awb (en art. 7:13 Awb bij een adviescommissie); art. 1-4 Algemene termijnenwet"
            }
            Regel::Zienswijze => {
                "art. 4:8 Awb (geen wettelijke termijn; termijn gesteld door het bestuursorgaan)"
            }
            Regel::HuisverbodEinde => "art. 2 Wet tijdelijk huisverbod",
            Regel::HuisverbodVerlengingUiterlijk => "art. 9 lid 1 Wet tijdelijk huisverbod",
            Regel::CrisismaatregelEinde => {
                "Wet verplichte geestelijke gezondheidszorg, hoofdstuk 7 (art. 7:7, artikelnummer te verifiëren)"
            }
            Regel::CrisismaatregelVoortzettingUiterlijk => {
                "Wet verplichte geestelijke gezondheidszorg, hoofdstuk 7 (art. 7:8, artikelnummer te verifiëren)"
            }
            Regel::BibobAdvies | Regel::BibobAdviesVerlengd => {
                "Wet Bibob (art. 15, artikelnummer te verifiëren); art. 1-4 Algemene termijnenwet"
            }
            Regel::DwangsomVerjaring => "art. 5:35 Awb; art. 4 Algemene termijnenwet",
        }
    }

    /// De rij(en) in legal-rules.md met betrouwbaarheid (C/S/I), voor controle.
    pub fn bron(self) -> &'static str {
        match self {
            Regel::Bezwaar => "legal-rules.md 0.1, 0.2, 0.6 (C)",
            Regel::Beroep => "legal-rules.md 0.3 (C), 0.6 (C)",
            Regel::HogerBeroep => "legal-rules.md 0.4 (S), 0.6 (C)",
            Regel::BeslistermijnBezwaar => "legal-rules.md 0.10 (C), 0.11 (S), 0.12 (S), 0.6 (C)",
            Regel::Zienswijze => "legal-rules.md 0.14 (C), 0.16 (I), 0.6 (C)",
            Regel::HuisverbodEinde => "legal-rules.md 4.4 (C); Atw-keuze afgeleid (I)",
            Regel::HuisverbodVerlengingUiterlijk => "legal-rules.md 4.5 (C), 4.6 (S)",
            Regel::CrisismaatregelEinde => "legal-rules.md 4.23 (C), 4.26 (S)",
            Regel::CrisismaatregelVoortzettingUiterlijk => "legal-rules.md 4.25 (C), 4.26 (S)",
            Regel::BibobAdvies | Regel::BibobAdviesVerlengd => {
                "legal-rules.md 1.16 (C), 1.17 (C/I), 1.18 (C)"
            }
            Regel::DwangsomVerjaring => "legal-rules.md 3.10 (C), 3.11 (C), 3.12 (C), 0.6 (C)",
        }
    }

    /// De opdrachtregelopties die bij deze regel horen.
    pub fn opties(self) -> &'static [&'static str] {
        match self {
            Regel::BeslistermijnBezwaar => &["--adviescommissie", "--verdaging"],
            Regel::Zienswijze => &["--dagen"],
            _ => &[],
        }
    }
}

impl fmt::Display for Regel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

impl FromStr for Regel {
    type Err = TermijnError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let gezocht = s.trim().to_ascii_lowercase().replace('_', "-");
        regels()
            .iter()
            .copied()
            .find(|r| r.slug() == gezocht)
            .ok_or_else(|| TermijnError::OnbekendeRegel {
                invoer: s.to_string(),
                bekend: regels()
                    .iter()
                    .map(|r| r.slug())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

/// Opties van `baken termijn`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Opties {
    /// `--adviescommissie`: bezwaar wordt behandeld door een adviescommissie
    /// (art. 7:13 Awb): beslistermijn 12 in plaats van 6 weken.
    pub adviescommissie: bool,
    /// `--verdaging N`: beslistermijn op bezwaar verdaagd met N weken (ten hoogste 6).
    pub verdaging_weken: Option<u32>,
    /// `--dagen N`: lengte van de zienswijzetermijn (standaard 14).
    pub dagen: Option<u32>,
}

/// Een berekende termijn met uitleg.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Termijn {
    /// De regel.
    pub regel: Regel,
    /// De laatste dag van de termijn (of: de einddatum van de maatregel).
    pub datum: Date,
    /// De uitleg in het Nederlands, met weekdagen en maanden voluit.
    pub uitleg: String,
    /// De wettelijke grondslag.
    pub grondslag: String,
    /// Is de Algemene termijnenwet toegepast?
    pub atw_van_toepassing: bool,
}

/// Berekent een termijn met de standaard Atw-kalender (zonder gelijkgestelde dagen).
pub fn bereken(regel: Regel, datum: Date, opties: &Opties) -> Result<Termijn, TermijnError> {
    bereken_met(&Calendar::new(), regel, datum, opties)
}

/// Berekent een termijn met een eigen kalender (bijv. met bij koninklijk besluit
/// gelijkgestelde dagen, art. 3 lid 3 Atw).
pub fn bereken_met(
    kalender: &Calendar,
    regel: Regel,
    datum: Date,
    opties: &Opties,
) -> Result<Termijn, TermijnError> {
    controleer_opties(regel, opties)?;
    let r = Rekenaar { kalender, datum };
    let (einde, uitleg, atw) = match regel {
        Regel::Bezwaar => {
            r.awb_zes_weken("Bezwaartermijn", "de dag van bekendmaking van het besluit")?
        }
        Regel::Beroep => r.awb_zes_weken(
            "Beroepstermijn",
            "de dag van bekendmaking van het besluit op bezwaar",
        )?,
        Regel::HogerBeroep => r.awb_zes_weken(
            "Termijn voor hoger beroep",
            "de dag van verzending van de uitspraak",
        )?,
        Regel::BeslistermijnBezwaar => r.beslistermijn_bezwaar(opties)?,
        Regel::Zienswijze => r.zienswijze(opties)?,
        Regel::HuisverbodEinde => r.huisverbod_einde()?,
        Regel::HuisverbodVerlengingUiterlijk => r.huisverbod_verlenging()?,
        Regel::CrisismaatregelEinde => r.crisismaatregel_einde()?,
        Regel::CrisismaatregelVoortzettingUiterlijk => r.crisismaatregel_voortzetting()?,
        Regel::BibobAdvies => r.bibob(false)?,
        Regel::BibobAdviesVerlengd => r.bibob(true)?,
        Regel::DwangsomVerjaring => r.dwangsom_verjaring()?,
    };
    Ok(Termijn {
        regel,
        datum: einde,
        uitleg,
        grondslag: regel.grondslag().to_string(),
        atw_van_toepassing: atw,
    })
}

fn controleer_opties(regel: Regel, opties: &Opties) -> Result<(), TermijnError> {
    let niet = |optie| {
        Err(TermijnError::OptieNietVanToepassing {
            optie,
            regel: regel.slug(),
        })
    };
    if opties.adviescommissie && regel != Regel::BeslistermijnBezwaar {
        return niet("--adviescommissie");
    }
    if opties.verdaging_weken.is_some() && regel != Regel::BeslistermijnBezwaar {
        return niet("--verdaging");
    }
    if opties.dagen.is_some() && regel != Regel::Zienswijze {
        return niet("--dagen");
    }
    if let Some(weken) = opties.verdaging_weken {
        if weken > MAX_VERDAGING_WEKEN {
            return Err(TermijnError::VerdagingTeLang { weken });
        }
    }
    if let Some(dagen) = opties.dagen {
        if dagen == 0 {
            return Err(TermijnError::OngeldigAantalDagen { dagen });
        }
    }
    Ok(())
}

type Uitkomst = (Date, String, bool);

struct Rekenaar<'a> {
    kalender: &'a Calendar,
    datum: Date,
}

impl Rekenaar<'_> {
    /// "{titel}: {duur} na {wat} ({datum}), dus tot en met {onverlengd}; {atw-zin}."
    fn basiszin(&self, titel: &str, wat: &str, b: &Berekening) -> String {
        format!(
            "{titel}: {} na {wat} ({}), dus tot en met {}; {}.",
            b.duur.omschrijving(),
            datum_nl(b.gebeurtenis),
            datum_nl(b.onverlengd),
            self.kalender.atw_zin(b)
        )
    }

    fn awb_zes_weken(&self, titel: &str, wat: &str) -> Result<Uitkomst, TermijnError> {
        let b = self
            .kalender
            .bereken_termijn(self.datum, Duur::weken(6), Atw::Toepassen)?;
        let uitleg = self.basiszin(titel, wat, &b);
        Ok((b.einde, uitleg, b.atw_van_toepassing()))
    }

    fn beslistermijn_bezwaar(&self, opties: &Opties) -> Result<Uitkomst, TermijnError> {
        let bezwaar = self
            .kalender
            .bereken_termijn(self.datum, Duur::weken(6), Atw::Toepassen)?;
        let basis = if opties.adviescommissie { 12 } else { 6 };
        let verdaging = opties.verdaging_weken.unwrap_or(0);
        let totaal = basis + verdaging;
        let b =
            self.kalender
                .bereken_termijn(bezwaar.einde, Duur::weken(totaal), Atw::Toepassen)?;

        let mut opbouw = format!("{basis} weken");
        if opties.adviescommissie {
            opbouw.push_str(" (adviescommissie, art. 7:13 Awb)");
        }
        if verdaging > 0 {
            opbouw.push_str(&format!(
                " plus {verdaging} weken verdaging (art. 7:10 lid 3 Awb)"
            ));
        }
        let mut uitleg = format!(
            "Beslistermijn op bezwaar: {opbouw} na afloop van de bezwaartermijn. \
             De bezwaartermijn (6 weken na de dag van bekendmaking, {}) eindigt op {}",
            datum_nl(self.datum),
            datum_nl(bezwaar.einde)
        );
        if bezwaar.einde != bezwaar.onverlengd {
            uitleg.push_str(&format!(
                " (onverlengd {}; {})",
                datum_nl(bezwaar.onverlengd),
                self.kalender.atw_zin(&bezwaar)
            ));
        }
        uitleg.push_str(&format!(
            ". De beslistermijn van {} loopt dus tot en met {}; {}.",
            b.duur.omschrijving(),
            datum_nl(b.onverlengd),
            self.kalender.atw_zin(&b)
        ));
        if opties.adviescommissie {
            uitleg.push_str(
                " De termijn van 12 weken geldt alleen als een adviescommissie is ingesteld en dat is meegedeeld; \
                 anders geldt 6 weken (ABRvS 17 augustus 2016, ECLI:NL:RVS:2016:2233).",
            );
        }
        if verdaging > 0 {
            uitleg.push_str(" De verdaging moet schriftelijk worden meegedeeld.");
        }
        uitleg.push_str(
            " Dit is een termijn van orde: een later besluit blijft geldig, maar na afloop kan de indiener \
             het bestuursorgaan in gebreke stellen (art. 4:17 en 6:2 Awb). Opschorting tijdens verzuimherstel \
             (art. 6:6 Awb) is niet meegerekend.",
        );
        Ok((b.einde, uitleg, b.atw_van_toepassing()))
    }

    fn zienswijze(&self, opties: &Opties) -> Result<Uitkomst, TermijnError> {
        let dagen = opties.dagen.unwrap_or(STANDAARD_ZIENSWIJZE_DAGEN);
        let b = self.kalender.bereken_termijn(
            self.datum,
            Duur::dagen(dagen),
            Atw::NietVanToepassing(AtwUitsluiting::GeenWettelijkeTermijn),
        )?;
        let mut uitleg = self.basiszin(
            "Zienswijzetermijn",
            "de dag van verzending van het verzoek om een zienswijze",
            &b,
        );
        if opties.dagen.is_none() {
            uitleg.push_str(&format!(
                " Er is geen wettelijke termijn; {STANDAARD_ZIENSWIJZE_DAGEN} dagen is de gebruikelijke \
                 gemeentelijke praktijk (kies een andere lengte met --dagen)."
            ));
        }
        if !self.kalender.is_working_day(b.einde) {
            let werkdag = self.kalender.next_working_day(b.einde)?;
            uitleg.push_str(&format!(
                " Overweeg in de brief een laatste dag te noemen die een werkdag is, bijvoorbeeld {}.",
                datum_nl(werkdag)
            ));
        }
        Ok((b.einde, uitleg, false))
    }

    fn huisverbod(&self, duur: Duur) -> Result<Berekening, TermijnError> {
        self.kalender.bereken_termijn(
            self.datum,
            duur,
            Atw::NietVanToepassing(AtwUitsluiting::DuurVanMaatregel),
        )
    }

    fn huisverbod_einde(&self) -> Result<Uitkomst, TermijnError> {
        let b = self.huisverbod(Duur::dagen(10))?;
        let mut uitleg = self.basiszin("Einde tijdelijk huisverbod", "de dag van oplegging", &b);
        uitleg.push_str(
            " Het huisverbod geldt tien dagen vanaf het moment van opleggen; de beschikking vermeldt het \
             precieze eindtijdstip. Verlengen (tot ten hoogste 4 weken na oplegging, art. 9 Wth) moet \
             vóór het verstrijken van deze tien dagen worden besloten.",
        );
        Ok((b.einde, uitleg, false))
    }

    fn huisverbod_verlenging(&self) -> Result<Uitkomst, TermijnError> {
        let tien = self.huisverbod(Duur::dagen(10))?;
        let b = self.huisverbod(Duur::weken(4))?;
        let mut uitleg = self.basiszin(
            "Uiterste einde van een verlengd tijdelijk huisverbod",
            "de dag van oplegging",
            &b,
        );
        uitleg.push_str(&format!(
            " Het verlengingsbesluit moet worden genomen voordat de eerste tien dagen verstreken zijn \
             (uiterlijk {}, vóór het tijdstip waarop het huisverbod afloopt), alleen als het gevaar of het \
             ernstige vermoeden daarvan voortduurt. Verlengen kan niet worden gemandateerd aan een \
             hulpofficier van justitie.",
            datum_nl(tien.einde)
        ));
        Ok((b.einde, uitleg, false))
    }

    fn crisismaatregel_einde(&self) -> Result<Uitkomst, TermijnError> {
        let b = self.kalender.bereken_termijn(
            self.datum,
            Duur::dagen(3),
            Atw::NietVanToepassing(AtwUitsluiting::DuurVanMaatregel),
        )?;
        let mut uitleg = self.basiszin(
            "Einde crisismaatregel",
            "de dag waarop de crisismaatregel is genomen",
            &b,
        );
        uitleg.push_str(
            " Zaterdagen, zondagen en feestdagen tellen gewoon mee. De crisismaatregel vervalt dan, tenzij de \
             officier van justitie vóór het verstrijken van deze termijn een verzoek tot voortzetting bij de \
             rechter heeft ingediend; dan blijft hij van kracht tot de beslissing van de rechter \
             (zie crisismaatregel-voortzetting-uiterlijk).",
        );
        Ok((b.einde, uitleg, false))
    }

    fn crisismaatregel_voortzetting(&self) -> Result<Uitkomst, TermijnError> {
        let einde = self.kalender.add_working_days(self.datum, 3)?;
        let mut uitleg = format!(
            "Beslissing op het verzoek tot voortzetting van de crisismaatregel: uiterlijk 3 dagen na de dag \
             van ontvangst van het verzoek ter griffie ({}), waarbij zaterdagen, zondagen en feestdagen niet \
             meetellen: {}.",
            datum_nl(self.datum),
            datum_nl(einde)
        );
        let niet_meegeteld = self
            .kalender
            .niet_werkdagen_tekst(add_days(self.datum, 1)?, einde);
        if !niet_meegeteld.is_empty() {
            uitleg.push_str(&format!(" Niet meegeteld: {}.", niet_meegeteld.join("; ")));
        }
        uitleg.push_str(
            " Tot die beslissing blijft de crisismaatregel van kracht. Dit is een eigen regel van de Wvggz, \
             niet de Algemene termijnenwet; dat weekend- en feestdagen niet meetellen komt uit een secundaire \
             bron en moet nog op wetten.overheid.nl worden gecontroleerd.",
        );
        Ok((einde, uitleg, false))
    }

    fn bibob(&self, verlengd: bool) -> Result<Uitkomst, TermijnError> {
        let weken = if verlengd { 12 } else { 8 };
        let b = self
            .kalender
            .bereken_termijn(self.datum, Duur::weken(weken), Atw::Toepassen)?;
        let titel = if verlengd {
            "Verlengde adviestermijn Landelijk Bureau Bibob (8 weken plus eenmalig ten hoogste 4 weken)"
        } else {
            "Adviestermijn Landelijk Bureau Bibob"
        };
        let mut uitleg = self.basiszin(titel, "de dag van ontvangst van het adviesverzoek", &b);
        if verlengd {
            uitleg.push_str(
                " Na deze termijn eindigt de opschorting van de beslistermijn van het bestuursorgaan, ook als het \
                 advies er nog niet is; alleen aanvullende vragen aan de betrokkene schorten verder op (tot de dag \
                 van beantwoording).",
            );
        } else {
            uitleg.push_str(
                " Het Bureau kan deze termijn eenmaal met ten hoogste 4 weken verlengen (zie bibob-advies-verlengd). \
                 Zolang het advies loopt is de beslistermijn van het bestuursorgaan opgeschort.",
            );
        }
        Ok((b.einde, uitleg, b.atw_van_toepassing()))
    }

    fn dwangsom_verjaring(&self) -> Result<Uitkomst, TermijnError> {
        let b = self
            .kalender
            .bereken_termijn(self.datum, Duur::jaren(1), Atw::Toepassen)?;
        let mut uitleg = self.basiszin("Verjaring dwangsom", "de dag van verbeurte", &b);
        uitleg.push_str(&format!(
            " Na {} is de rechtsvordering tot betaling verjaard (art. 5:35 lid 1 Awb). Elke verbeurde \
             dwangsom verjaart afzonderlijk. De termijn wordt verlengd zolang op de verjaringsdag bezwaar, \
             beroep of hoger beroep tegen de last openstaat of aanhangig is (art. 5:35 lid 2 Awb) en \
             gestuit door een invorderingsbeschikking (art. 5:37a Awb); dat is hier niet meegerekend.",
            datum_nl(b.einde)
        ));
        Ok((b.einde, uitleg, b.atw_van_toepassing()))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn slugs_heen_en_terug() {
        for r in regels() {
            assert_eq!(r.slug().parse::<Regel>().unwrap(), *r);
            assert_eq!(r.to_string(), r.slug());
            assert!(!r.omschrijving().is_empty());
            assert!(!r.datum_betekenis().is_empty());
            assert!(r.bron().starts_with("legal-rules.md"));
        }
        assert_eq!(
            " Hoger_Beroep ".parse::<Regel>().unwrap(),
            Regel::HogerBeroep
        );
    }

    #[test]
    fn onbekende_regel() {
        let fout = "bezwaar-maken".parse::<Regel>().unwrap_err();
        let tekst = fout.to_string();
        assert!(tekst.contains("onbekende regel 'bezwaar-maken'"));
        assert!(tekst.contains("dwangsom-verjaring"));
    }

    #[test]
    fn regels_uniek_en_compleet() {
        let mut slugs: Vec<_> = regels().iter().map(|r| r.slug()).collect();
        let n = slugs.len();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), n);
        for verplicht in [
            "bezwaar",
            "beroep",
            "hoger-beroep",
            "beslistermijn-bezwaar",
            "zienswijze",
            "huisverbod-einde",
            "huisverbod-verlenging-uiterlijk",
            "crisismaatregel-einde",
            "bibob-advies",
            "bibob-advies-verlengd",
            "dwangsom-verjaring",
        ] {
            assert!(slugs.contains(&verplicht), "{verplicht} ontbreekt");
        }
    }
}
