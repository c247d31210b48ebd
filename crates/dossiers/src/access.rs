//! Who sees what of a case file. The rule is pure: the store gathers the facts (the case, the
//! viewer's team memberships, the viewer organisation's participations with their covenants
//! and grants) and [`zicht`] decides. A partner sees a case only while their organisation takes
//! part in it under a covenant that is valid today, covers the case type and grants them
//! categories; then only entries of those categories. The process director's team sees all.

use std::collections::BTreeSet;

use jiff::civil::Date;
use platform::access::{Action, Decision, Principal, Purpose, Resource, Role};

use crate::model::Categorie;

/// A covenant as far as access depends on it.
#[derive(Clone, Debug)]
pub struct ConvenantFeiten {
    pub id: String,
    pub geldig_van: Date,
    pub geldig_tot: Date,
    pub ingetrokken: bool,
    pub zaaktypen: Vec<String>,
}

impl ConvenantFeiten {
    /// Why this covenant does not carry a participation in a case of `zaaktype` on `vandaag`.
    pub fn bezwaar(&self, zaaktype: &str, vandaag: Date) -> Option<&'static str> {
        if self.ingetrokken {
            Some("convenant-ingetrokken")
        } else if vandaag < self.geldig_van {
            Some("convenant-nog-niet-geldig")
        } else if vandaag > self.geldig_tot {
            Some("convenant-verlopen")
        } else if !self.zaaktypen.iter().any(|z| z == zaaktype) {
            Some("zaaktype-niet-gedekt")
        } else {
            None
        }
    }
}

/// One participation of the viewer's organisation in the case.
#[derive(Clone, Debug)]
pub struct DeelnameFeiten {
    pub ingetrokken: bool,
    pub convenant: ConvenantFeiten,
    /// The categories the organisation may receive under that covenant; None when it is no
    /// party to it (any more).
    pub ontvangen: Option<Vec<Categorie>>,
    pub verstrekken: Option<Vec<Categorie>>,
}

/// Everything the access rule needs about one case and one viewer.
#[derive(Clone, Debug)]
pub struct DossierFeiten {
    pub dossier_id: String,
    pub zaaktype: String,
    pub regie_organisation_id: String,
    pub regie_team_id: String,
    /// The viewer's team ids.
    pub teams: Vec<String>,
    pub deelnames: Vec<DeelnameFeiten>,
    pub vandaag: Date,
}

/// What a viewer sees of a case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Zicht {
    /// The process director's team: everything, and it may change the case.
    Regie,
    /// A participant: entries of these categories; it may add entries of `verstrekken`.
    Deelnemer {
        ontvangen: BTreeSet<Categorie>,
        verstrekken: BTreeSet<Categorie>,
    },
    Geen(&'static str),
}

impl Zicht {
    pub fn ziet(&self, c: Categorie) -> bool {
        match self {
            Zicht::Regie => true,
            Zicht::Deelnemer { ontvangen, .. } => ontvangen.contains(&c),
            Zicht::Geen(_) => false,
        }
    }

    pub fn mag_toevoegen(&self, c: Categorie) -> bool {
        match self {
            Zicht::Regie => true,
            Zicht::Deelnemer { verstrekken, .. } => verstrekken.contains(&c),
            Zicht::Geen(_) => false,
        }
    }

    pub fn is_regie(&self) -> bool {
        *self == Zicht::Regie
    }

    /// The categories seen, for the SQL filter (None = all).
    pub fn categorieen(&self) -> Option<Vec<Categorie>> {
        match self {
            Zicht::Regie => None,
            Zicht::Deelnemer { ontvangen, .. } => Some(ontvangen.iter().copied().collect()),
            Zicht::Geen(_) => Some(Vec::new()),
        }
    }
}

/// Roles that may direct cases (and so see whole cases of their team).
pub const REGIE_ROLLEN: [Role; 2] = [Role::Procesregisseur, Role::AdviseurIv];

pub fn mag_regie_voeren(p: &Principal) -> bool {
    REGIE_ROLLEN.iter().any(|r| p.has(*r)) && !p.has(Role::Ketenpartner)
}

/// Who may open the case file module at all: case workers of the municipality and partners.
pub fn mag_module_zien(p: &Principal) -> bool {
    mag_regie_voeren(p) || p.has(Role::Ketenpartner)
}

/// Who administers covenants and case types (the municipality's privacy and admin roles).
pub fn mag_convenanten_beheren(p: &Principal) -> bool {
    (p.has(Role::Beheerder) || p.has(Role::Jurist) || p.has(Role::AdviseurIv))
        && !p.has(Role::Ketenpartner)
}

/// The decision for one viewer and one case.
pub fn zicht(p: &Principal, f: &DossierFeiten) -> Zicht {
    if !p.roles.iter().any(|r| r.sees_personal_data()) {
        return Zicht::Geen("role-not-allowed");
    }
    if p.organisation_id == f.regie_organisation_id
        && mag_regie_voeren(p)
        && f.teams.contains(&f.regie_team_id)
    {
        return Zicht::Regie;
    }
    if !p.has(Role::Ketenpartner) && !mag_regie_voeren(p) {
        return Zicht::Geen("role-not-allowed");
    }
    let mut ontvangen = BTreeSet::new();
    let mut verstrekken = BTreeSet::new();
    let mut reden = "geen-deelname";
    for d in &f.deelnames {
        if d.ingetrokken {
            reden = "deelname-ingetrokken";
            continue;
        }
        if let Some(r) = d.convenant.bezwaar(&f.zaaktype, f.vandaag) {
            reden = r;
            continue;
        }
        let Some(o) = &d.ontvangen else {
            reden = "geen-partij-bij-convenant";
            continue;
        };
        ontvangen.extend(o.iter().copied());
        verstrekken.extend(d.verstrekken.iter().flatten().copied());
    }
    if ontvangen.is_empty() {
        Zicht::Geen(if reden == "geen-deelname" && !f.deelnames.is_empty() {
            "geen-categorieen"
        } else {
            reden
        })
    } else {
        Zicht::Deelnemer {
            ontvangen,
            verstrekken,
        }
    }
}

/// One case file, with the decision already made from its facts.
#[derive(Clone, Debug)]
pub struct Dossier {
    pub id: String,
    pub zicht: Zicht,
}

impl Resource for Dossier {
    fn kind(&self) -> &'static str {
        "dossier"
    }
    fn id(&self) -> Option<String> {
        Some(self.id.clone())
    }
    fn subject(&self) -> Option<String> {
        Some(format!("dossier:{}", self.id))
    }
    fn policy(&self, _p: &Principal, action: Action, purpose: Purpose) -> Decision {
        if purpose != Purpose::Uitvoering {
            return Decision::Deny("purpose-not-allowed");
        }
        match (&self.zicht, action) {
            (Zicht::Geen(r), _) => Decision::Deny(r),
            (_, Action::Read) | (_, Action::Create) => Decision::Allow,
            (Zicht::Regie, Action::Update | Action::Delete | Action::Export) => Decision::Allow,
            _ => Decision::Deny("alleen-procesregie"),
        }
    }
}

/// The list of cases a viewer may see (filtered in SQL by the store).
#[derive(Clone, Debug)]
pub struct Dossierlijst;

impl Resource for Dossierlijst {
    fn kind(&self) -> &'static str {
        "dossier-list"
    }
    fn id(&self) -> Option<String> {
        None
    }
    fn policy(&self, p: &Principal, action: Action, purpose: Purpose) -> Decision {
        if purpose != Purpose::Uitvoering {
            return Decision::Deny("purpose-not-allowed");
        }
        match action {
            Action::List if mag_module_zien(p) => Decision::Allow,
            Action::Create if mag_regie_voeren(p) => Decision::Allow,
            _ => Decision::Deny("role-not-allowed"),
        }
    }
}

/// Everything held on one person across cases, for a subject access request (AVG art. 15).
#[derive(Clone, Debug)]
pub struct Inzageverzoek {
    pub subject_id: String,
}

impl Resource for Inzageverzoek {
    fn kind(&self) -> &'static str {
        "dossier-subject"
    }
    fn id(&self) -> Option<String> {
        Some(self.subject_id.clone())
    }
    fn subject(&self) -> Option<String> {
        Some(format!("subject:{}", self.subject_id))
    }
    fn policy(&self, p: &Principal, action: Action, _purpose: Purpose) -> Decision {
        let may =
            (p.has(Role::Procesregisseur) || p.has(Role::Jurist)) && !p.has(Role::Ketenpartner);
        match action {
            Action::Export | Action::Update if may => Decision::Allow,
            _ => Decision::Deny("role-not-allowed"),
        }
    }
}

/// Covenants and case types: no personal data, but they decide who sees what.
#[derive(Clone, Debug)]
pub struct Convenanten;

impl Resource for Convenanten {
    fn kind(&self) -> &'static str {
        "convenant"
    }
    fn id(&self) -> Option<String> {
        None
    }
    fn policy(&self, p: &Principal, action: Action, _purpose: Purpose) -> Decision {
        match action {
            Action::Read | Action::List if mag_module_zien(p) || mag_convenanten_beheren(p) => {
                Decision::Allow
            }
            Action::Create | Action::Update | Action::Delete if mag_convenanten_beheren(p) => {
                Decision::Allow
            }
            _ => Decision::Deny("role-not-allowed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(role: Role, org: &str) -> Principal {
        Principal::for_tests(
            "u",
            org,
            if org.starts_with("gem") {
                "gemeente"
            } else {
                org
            },
            vec![role],
        )
    }

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn convenant(van: &str, tot: &str) -> ConvenantFeiten {
        ConvenantFeiten {
            id: "c".into(),
            geldig_van: d(van),
            geldig_tot: d(tot),
            ingetrokken: false,
            zaaktypen: vec!["pga".into()],
        }
    }

    fn feiten(deelnames: Vec<DeelnameFeiten>, teams: Vec<String>) -> DossierFeiten {
        DossierFeiten {
            dossier_id: "d".into(),
            zaaktype: "pga".into(),
            regie_organisation_id: "gem".into(),
            regie_team_id: "zorg".into(),
            teams,
            deelnames,
            vandaag: d("2026-06-01"),
        }
    }

    fn deelname(c: ConvenantFeiten, cats: &[Categorie]) -> DeelnameFeiten {
        DeelnameFeiten {
            ingetrokken: false,
            convenant: c,
            ontvangen: Some(cats.to_vec()),
            verstrekken: Some(vec![Categorie::Strafrechtelijk]),
        }
    }

    #[test]
    fn the_directing_team_sees_everything_other_colleagues_nothing() {
        let f = feiten(vec![], vec!["zorg".into()]);
        assert_eq!(zicht(&p(Role::Procesregisseur, "gem"), &f), Zicht::Regie);
        let f2 = feiten(vec![], vec!["ander".into()]);
        assert!(matches!(
            zicht(&p(Role::Procesregisseur, "gem"), &f2),
            Zicht::Geen(_)
        ));
        for role in [
            Role::Beheerder,
            Role::Auditor,
            Role::Handhaver,
            Role::Raadslid,
            Role::Burgemeester,
        ] {
            assert!(
                matches!(zicht(&p(role, "gem"), &f), Zicht::Geen(_)),
                "{role:?}"
            );
        }
    }

    #[test]
    fn a_partner_sees_granted_categories_only_while_the_covenant_holds() {
        use Categorie::*;
        let politie = p(Role::Ketenpartner, "politie");
        let ok = feiten(
            vec![deelname(
                convenant("2026-01-01", "2026-12-31"),
                &[Basisgegevens, Strafrechtelijk],
            )],
            vec![],
        );
        let z = zicht(&politie, &ok);
        assert!(z.ziet(Strafrechtelijk) && z.ziet(Basisgegevens) && !z.ziet(ZorgWelzijn));
        assert!(z.mag_toevoegen(Strafrechtelijk) && !z.mag_toevoegen(Basisgegevens));
        let expired = feiten(
            vec![deelname(
                convenant("2025-01-01", "2026-05-31"),
                &[Basisgegevens],
            )],
            vec![],
        );
        assert_eq!(zicht(&politie, &expired), Zicht::Geen("convenant-verlopen"));
        let future = feiten(
            vec![deelname(
                convenant("2026-06-02", "2027-01-01"),
                &[Basisgegevens],
            )],
            vec![],
        );
        assert_eq!(
            zicht(&politie, &future),
            Zicht::Geen("convenant-nog-niet-geldig")
        );
        let mut revoked = deelname(convenant("2026-01-01", "2026-12-31"), &[Basisgegevens]);
        revoked.ingetrokken = true;
        assert_eq!(
            zicht(&politie, &feiten(vec![revoked], vec![])),
            Zicht::Geen("deelname-ingetrokken")
        );
        let mut other_type = convenant("2026-01-01", "2026-12-31");
        other_type.zaaktypen = vec!["ondermijning".into()];
        assert_eq!(
            zicht(
                &politie,
                &feiten(vec![deelname(other_type, &[Basisgegevens])], vec![])
            ),
            Zicht::Geen("zaaktype-niet-gedekt")
        );
        let mut no_party = deelname(convenant("2026-01-01", "2026-12-31"), &[]);
        no_party.ontvangen = None;
        assert_eq!(
            zicht(&politie, &feiten(vec![no_party], vec![])),
            Zicht::Geen("geen-partij-bij-convenant")
        );
        assert_eq!(
            zicht(&politie, &feiten(vec![], vec![])),
            Zicht::Geen("geen-deelname")
        );
    }

    #[test]
    fn only_the_directing_team_changes_a_case() {
        let regie = Dossier {
            id: "d".into(),
            zicht: Zicht::Regie,
        };
        let partner = Dossier {
            id: "d".into(),
            zicht: Zicht::Deelnemer {
                ontvangen: [Categorie::Wonen].into(),
                verstrekken: BTreeSet::new(),
            },
        };
        let pr = p(Role::Procesregisseur, "gem");
        assert_eq!(
            regie.policy(&pr, Action::Update, Purpose::Uitvoering),
            Decision::Allow
        );
        assert_eq!(
            partner.policy(&pr, Action::Read, Purpose::Uitvoering),
            Decision::Allow
        );
        assert_eq!(
            partner.policy(&pr, Action::Update, Purpose::Uitvoering),
            Decision::Deny("alleen-procesregie")
        );
        assert_eq!(
            regie.policy(&pr, Action::Read, Purpose::Beheer),
            Decision::Deny("purpose-not-allowed")
        );
    }
}
