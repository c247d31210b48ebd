//! Draft letters of a screening from fixed templates: the written notice to the applicant that
//! the LBB advice was requested (with the suspension of the decision deadline), the intention
//! (with the chance of a zienswijze) and the decision. Pure: the result is plain text in
//! paragraphs, which the page escapes; it is a draft to copy into the municipality's letter
//! system, not stored or sent by Baken.

use jiff::civil::Date;
use termijnen::datum_nl;

use crate::model::{Besluit, Niveau, Opschorting, VERTROUWELIJK};
use crate::store::Detail;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BriefSoort {
    /// The applicant informed in writing of the advice request (legal-rules.md 1.15, 1.17).
    Adviesaanvraag,
    /// The intention to refuse, withdraw or attach conditions, with a term for a zienswijze
    /// (legal-rules.md 1.21, 1.22).
    Voornemen,
    Besluit,
}

impl BriefSoort {
    pub const ALL: [BriefSoort; 3] = [
        BriefSoort::Adviesaanvraag,
        BriefSoort::Voornemen,
        BriefSoort::Besluit,
    ];
    pub fn slug(self) -> &'static str {
        match self {
            BriefSoort::Adviesaanvraag => "adviesaanvraag",
            BriefSoort::Voornemen => "voornemen",
            BriefSoort::Besluit => "besluit",
        }
    }
    pub fn from_slug(s: &str) -> Option<BriefSoort> {
        BriefSoort::ALL.into_iter().find(|b| b.slug() == s)
    }
    pub fn key(self) -> String {
        format!("bibob-brief-{}", self.slug())
    }
}

fn dag(d: Option<Date>) -> String {
    d.map(datum_nl).unwrap_or_else(|| "[datum]".into())
}

/// The letter's paragraphs, or None while the screening has not reached it (no advice request,
/// no intention, no decision).
pub fn concept(
    soort: BriefSoort,
    d: &Detail,
    opschorting: Option<&Opschorting>,
) -> Option<Vec<String>> {
    let r = &d.rij;
    let kop = format!(
        "Betreft: uw aanvraag {} (ons kenmerk {}), {} (KvK {})",
        r.aanvraag, r.kenmerk, r.bedrijf, r.kvk
    );
    let mut out = vec![kop, "Geachte heer, mevrouw,".to_string()];
    match soort {
        BriefSoort::Adviesaanvraag => {
            let gevraagd = r.lbb_gevraagd?;
            out.push(format!(
                "Op {} heeft de burgemeester het Landelijk Bureau Bibob om advies gevraagd over uw \
                 aanvraag, op grond van de Wet bevordering integriteitsbeoordelingen door het openbaar \
                 bestuur (Wet Bibob). Met deze brief informeren wij u daarover, zoals de wet voorschrijft.",
                datum_nl(gevraagd)
            ));
            let mut p = String::from(
                "Zolang het Landelijk Bureau Bibob onderzoek doet, is de termijn waarbinnen wij op uw \
                 aanvraag moeten beslissen opgeschort, ten hoogste 8 weken; het Bureau kan die termijn \
                 eenmaal met ten hoogste 4 weken verlengen. Stelt het Bureau u aanvullende vragen, dan \
                 loopt de opschorting door tot de dag waarop u de gevraagde gegevens verstrekt.",
            );
            if let Some(o) = opschorting {
                p.push_str(&format!(
                    " De adviestermijn eindigt op {}.",
                    datum_nl(o.adviestermijn)
                ));
            }
            out.push(p);
        }
        BriefSoort::Voornemen => {
            let op = r.voornemen_op?;
            out.push(format!(
                "Wij hebben het advies van het Landelijk Bureau Bibob van {} ontvangen. Het advies \
                 concludeert tot {}.",
                dag(r.advies_op),
                niveau_tekst(r.advies_niveau)
            ));
            out.push(format!(
                "Op grond daarvan zijn wij voornemens het volgende te besluiten: {}",
                r.voornemen.clone().unwrap_or_default()
            ));
            out.push(format!(
                "Voordat wij besluiten, kunt u uw zienswijze op dit voornemen geven. Op verzoek \
                 ontvangt u een afschrift van het advies; de informatie daarin is vertrouwelijk en u \
                 bent verplicht tot geheimhouding ervan (art. 28 Wet Bibob). Deze brief is gedateerd \
                 {}.",
                datum_nl(op)
            ));
        }
        BriefSoort::Besluit => {
            let besluit = r.besluit?;
            out.push(format!(
                "Op {} hebben wij op uw aanvraag besloten: {}.",
                dag(r.besluit_op),
                besluit_tekst(besluit)
            ));
            if let Some(v) = &r.voorschriften {
                out.push(format!(
                    "Aan de vergunning verbinden wij deze voorschriften: {v}"
                ));
            }
            out.push(format!(
                "Wij hebben dit besluit afgewogen tegen de mate van gevaar en de ernst van de feiten: {}",
                r.evenredigheid.clone().unwrap_or_default()
            ));
            if let Some(z) = r.zienswijze_op {
                out.push(format!(
                    "Wij hebben uw zienswijze van {} in deze afweging betrokken.",
                    datum_nl(z)
                ));
            }
            out.push(
                "Bent u het niet eens met dit besluit, dan kunt u binnen 6 weken na de dag van \
                 bekendmaking bezwaar maken bij de burgemeester (art. 6:7 en 6:8 Algemene wet \
                 bestuursrecht)."
                    .to_string(),
            );
        }
    }
    out.push("Met vriendelijke groet,".to_string());
    out.push(format!("De burgemeester — {VERTROUWELIJK}"));
    Some(out)
}

fn niveau_tekst(n: Option<Niveau>) -> &'static str {
    match n {
        Some(Niveau::ErnstigA) => {
            "ernstig gevaar dat de beschikking mede zal worden gebruikt om voordelen uit strafbare feiten te benutten"
        }
        Some(Niveau::ErnstigB) => {
            "ernstig gevaar dat de beschikking mede zal worden gebruikt om strafbare feiten te plegen"
        }
        Some(Niveau::ErnstigAb) => {
            "ernstig gevaar dat de beschikking mede zal worden gebruikt om voordelen uit strafbare feiten te benutten en om strafbare feiten te plegen"
        }
        Some(Niveau::MindereMate) => "een mindere mate van gevaar",
        Some(Niveau::Geen) => "geen gevaar",
        None => "[mate van gevaar]",
    }
}

fn besluit_tekst(b: Besluit) -> &'static str {
    match b {
        Besluit::Weigeren => "de vergunning wordt geweigerd",
        Besluit::Intrekken => "de vergunning wordt ingetrokken",
        Besluit::VerlenenOnderVoorwaarden => "de vergunning wordt verleend onder voorschriften",
        Besluit::Verlenen => "de vergunning wordt verleend",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Rij;
    use jiff::civil::date;

    fn detail(r: Rij) -> Detail {
        Detail {
            rij: r,
            bronnen: Vec::new(),
            vragen: Vec::new(),
            beslissers: Vec::new(),
        }
    }

    #[test]
    fn a_letter_only_once_its_step_is_recorded_and_always_marked_confidential() {
        let mut r = Rij {
            kenmerk: "BIBOB-2026-0001".into(),
            bedrijf: "Proef B.V.".into(),
            kvk: "12345678".into(),
            ..Rij::default()
        };
        for s in BriefSoort::ALL {
            assert!(concept(s, &detail(r.clone()), None).is_none(), "{s:?}");
        }
        r.lbb_gevraagd = Some(date(2026, 9, 15));
        let b = concept(BriefSoort::Adviesaanvraag, &detail(r.clone()), None).unwrap();
        assert!(b.iter().any(|p| p.contains("15 september 2026")));
        assert!(b.last().unwrap().contains(VERTROUWELIJK));
        r.besluit = Some(Besluit::VerlenenOnderVoorwaarden);
        r.voorschriften = Some("Geen derden".into());
        let b = concept(BriefSoort::Besluit, &detail(r), None).unwrap();
        assert!(b.iter().any(|p| p.contains("Geen derden")));
        assert!(b.iter().any(|p| p.contains("bezwaar")));
    }
}
