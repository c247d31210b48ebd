//! Who sees what of a case file, and who may do what with it. The rules here are pure: the
//! store gathers the facts itself (the case, the viewer's team memberships, the viewer
//! organisation's participations with their covenants, purposes and grants, a meeting's
//! participants, the cases a subject is in) inside the transaction of the read, and these
//! functions decide. A resource of this module can only be made by the store, from those facts,
//! so a caller cannot fill in a decision.
//!
//! A partner sees a case only while their organisation takes part in it within the
//! participation's window, for one of the covenant's purposes, under a covenant that is valid
//! today, covers the case type and grants them categories; then only entries of those
//! categories. A participation is judged by the terms of the covenant version it was admitted
//! under (purposes, categories, mutual visibility, named representatives); where those terms
//! limit the party's access to named representatives, only those accounts of the organisation
//! see the case. The process director's team (procesregisseur or IV adviser of the municipality,
//! member of the directing team) sees everything.

use std::collections::BTreeSet;
use std::marker::PhantomData;

use jiff::civil::Date;
use platform::access::{Action, Decision, Principal, Purpose, RequestContext, Resource, Role};

use crate::model::Categorie;
use crate::store::DossierKop;

// ---------------------------------------------------------------------------------------------
// Actions as types: a capability to read a case cannot be used to change it.

/// The action a case capability was granted for, as a type.
pub trait Actie: std::fmt::Debug + Send + Sync + 'static {
    const ACTION: Action;
}

/// Reading a case (its page, entries, documents, meeting records).
#[derive(Debug)]
pub enum Lezen {}
/// Adding to a case: entries, documents, finishing one's own tasks (partners within their grant).
#[derive(Debug)]
pub enum Toevoegen {}
/// Directing a case: phase, steering, subjects, participations, meeting records.
#[derive(Debug)]
pub enum Wijzigen {}

impl Actie for Lezen {
    const ACTION: Action = Action::Read;
}
impl Actie for Toevoegen {
    const ACTION: Action = Action::Create;
}
impl Actie for Wijzigen {
    const ACTION: Action = Action::Update;
}

// ---------------------------------------------------------------------------------------------
// Roles.

/// Roles that may direct cases (and so see whole cases of their team).
pub const REGIE_ROLLEN: [Role; 2] = [Role::Procesregisseur, Role::AdviseurIv];

/// A process director: a directing role held by an account of the municipality.
pub fn mag_regie_voeren(p: &Principal) -> bool {
    p.of_municipality() && REGIE_ROLLEN.iter().any(|r| p.has(*r)) && !p.has(Role::Ketenpartner)
}

/// A chain partner's account: it sees cases its organisation takes part in.
pub fn is_ketenpartner(p: &Principal) -> bool {
    p.has(Role::Ketenpartner)
}

/// Who works in case files at all: process directors of the municipality and partners.
pub fn mag_module_zien(p: &Principal) -> bool {
    mag_regie_voeren(p) || is_ketenpartner(p)
}

/// Who administers covenants and case types (the municipality's administrator and legal and IV
/// advisers; never an account of another organisation, whatever its roles).
pub fn mag_convenanten_beheren(p: &Principal) -> bool {
    p.of_municipality()
        && (p.has(Role::Beheerder) || p.has(Role::Jurist) || p.has(Role::AdviseurIv))
        && !p.has(Role::Ketenpartner)
}

/// Who answers subject access requests: the municipality's privacy officer (fg) and its
/// procesregisseurs (for the cases their team directs).
pub fn mag_inzage_behandelen(p: &Principal) -> bool {
    p.of_municipality()
        && !p.has(Role::Ketenpartner)
        && (p.has(Role::Fg) || p.has(Role::Procesregisseur))
}

// ---------------------------------------------------------------------------------------------
// The covenant rule for one case.

/// A covenant as far as access depends on it: its validity and case types (of the covenant as
/// a whole) and the terms of one version (purposes, mutual visibility).
#[derive(Clone, Debug)]
pub struct ConvenantFeiten {
    pub id: String,
    /// The version whose terms these are.
    pub versie: i64,
    pub geldig_van: Date,
    pub geldig_tot: Date,
    pub ingetrokken: bool,
    pub zaaktypen: Vec<String>,
    /// The ids of the purposes of this version.
    pub doelen: Vec<String>,
    /// Whether the parties to this covenant see each other's participation in a case.
    pub partijen_zien_elkaar: bool,
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

/// One participation of an organisation in a case.
#[derive(Clone, Debug)]
pub struct DeelnameFeiten {
    pub organisation_id: String,
    pub ingetrokken: bool,
    /// The participation's window: from (inclusive; None = from its start) until (inclusive;
    /// None = as long as the covenant holds).
    pub van: Option<Date>,
    pub tot: Option<Date>,
    /// The covenant purpose the participation serves.
    pub doel_id: Option<String>,
    pub convenant: ConvenantFeiten,
    /// The categories the organisation may receive under that covenant version; None when it
    /// is no party to it.
    pub ontvangen: Option<Vec<Categorie>>,
    pub verstrekken: Option<Vec<Categorie>>,
    /// Where the version's terms limit the party's access to named representatives: the
    /// accounts named (possibly none). None: every account of the organisation.
    pub vertegenwoordigers: Option<Vec<String>>,
}

impl DeelnameFeiten {
    /// Why this participation gives no access in a case of `zaaktype` on `vandaag`.
    pub fn bezwaar(&self, zaaktype: &str, vandaag: Date) -> Option<&'static str> {
        if self.ingetrokken {
            return Some("deelname-ingetrokken");
        }
        if self.van.is_some_and(|v| vandaag < v) {
            return Some("deelname-nog-niet-begonnen");
        }
        if self.tot.is_some_and(|t| vandaag > t) {
            return Some("deelname-verlopen");
        }
        if let Some(r) = self.convenant.bezwaar(zaaktype, vandaag) {
            return Some(r);
        }
        if !self
            .doel_id
            .as_ref()
            .is_some_and(|d| self.convenant.doelen.contains(d))
        {
            return Some("doel-niet-in-convenant");
        }
        if self.ontvangen.is_none() {
            return Some("geen-partij-bij-convenant");
        }
        None
    }

    /// Why this participation gives account `user_id` of its organisation no access, where the
    /// covenant names its representatives and `user_id` is not one of them.
    pub fn bezwaar_voor(&self, user_id: &str) -> Option<&'static str> {
        match &self.vertegenwoordigers {
            Some(named) if !named.iter().any(|u| u == user_id) => Some("geen-vertegenwoordiger"),
            _ => None,
        }
    }
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
    /// The participations of the viewer's organisation in the case.
    pub deelnames: Vec<DeelnameFeiten>,
    pub vandaag: Date,
}

/// What a viewer sees of a case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Zicht {
    /// The process director's team: everything, and it may change the case.
    Regie,
    /// A participant: entries of these categories; it may add entries of `verstrekken`.
    /// `zichtbaar` names the covenants of its active participations under which the parties see
    /// each other (by default none: a partner sees the directing team and itself).
    Deelnemer {
        ontvangen: BTreeSet<Categorie>,
        verstrekken: BTreeSet<Categorie>,
        zichtbaar: BTreeSet<String>,
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

    pub fn opent(&self) -> bool {
        !matches!(self, Zicht::Geen(_))
    }

    /// The categories seen, for the SQL filter (None = all).
    pub fn categorieen(&self) -> Option<Vec<Categorie>> {
        match self {
            Zicht::Regie => None,
            Zicht::Deelnemer { ontvangen, .. } => Some(ontvangen.iter().copied().collect()),
            Zicht::Geen(_) => Some(Vec::new()),
        }
    }

    /// Whether the viewer (of organisation `eigen`) sees another organisation's participation
    /// (of organisation `org`, on covenant `convenant`, active or not): the directing team sees
    /// all, a partner its own and, where the covenant says parties see each other, the active
    /// participations on a covenant under which it takes part itself.
    pub fn ziet_deelname(&self, eigen: &str, org: &str, convenant: &str, actief: bool) -> bool {
        match self {
            Zicht::Regie => true,
            Zicht::Deelnemer { zichtbaar, .. } => {
                org == eigen || (actief && zichtbaar.contains(convenant))
            }
            Zicht::Geen(_) => false,
        }
    }
}

/// The decision for one viewer and one case.
pub fn zicht(p: &Principal, f: &DossierFeiten) -> Zicht {
    if !p.roles.iter().any(|r| r.sees_personal_data()) {
        return Zicht::Geen("role-not-allowed");
    }
    if mag_regie_voeren(p)
        && p.organisation_id == f.regie_organisation_id
        && f.teams.contains(&f.regie_team_id)
    {
        return Zicht::Regie;
    }
    if !is_ketenpartner(p) && !mag_regie_voeren(p) {
        return Zicht::Geen("role-not-allowed");
    }
    let mut ontvangen = BTreeSet::new();
    let mut verstrekken = BTreeSet::new();
    let mut zichtbaar = BTreeSet::new();
    let mut reden = "geen-deelname";
    for d in &f.deelnames {
        if d.organisation_id != p.organisation_id {
            continue;
        }
        if let Some(r) = d
            .bezwaar(&f.zaaktype, f.vandaag)
            .or_else(|| d.bezwaar_voor(&p.user_id))
        {
            reden = r;
            continue;
        }
        let o = d.ontvangen.as_deref().unwrap_or_default();
        if o.is_empty() {
            reden = "geen-categorieen";
            continue;
        }
        ontvangen.extend(o.iter().copied());
        verstrekken.extend(d.verstrekken.iter().flatten().copied());
        if d.convenant.partijen_zien_elkaar {
            zichtbaar.insert(d.convenant.id.clone());
        }
    }
    if ontvangen.is_empty() {
        Zicht::Geen(reden)
    } else {
        Zicht::Deelnemer {
            ontvangen,
            verstrekken,
            zichtbaar,
        }
    }
}

/// The rule for an action on a case, given what the viewer sees of it.
pub fn dossier_beleid(z: &Zicht, action: Action, purpose: Purpose) -> Decision {
    if purpose != Purpose::Uitvoering {
        return Decision::Deny("purpose-not-allowed");
    }
    match (z, action) {
        (Zicht::Geen(r), _) => Decision::Deny(r),
        (_, Action::Read) => Decision::Allow,
        (Zicht::Regie, Action::Create | Action::Update) => Decision::Allow,
        (Zicht::Deelnemer { verstrekken, .. }, Action::Create) if !verstrekken.is_empty() => {
            Decision::Allow
        }
        (Zicht::Deelnemer { .. }, Action::Create) => Decision::Deny("geen-verstrekking"),
        _ => Decision::Deny("alleen-procesregie"),
    }
}

/// One case file with what its viewer sees of it, decided from facts the store loaded; `A` is
/// the action the capability was granted for. Only the store makes one.
#[derive(Debug)]
pub struct Dossier<A: Actie> {
    kop: DossierKop,
    zicht: Zicht,
    context: RequestContext,
    _actie: PhantomData<fn() -> A>,
}

impl<A: Actie> Dossier<A> {
    pub(crate) fn besloten(kop: DossierKop, zicht: Zicht, context: &RequestContext) -> Self {
        Dossier {
            kop,
            zicht,
            context: context.clone(),
            _actie: PhantomData,
        }
    }

    pub fn id(&self) -> &str {
        &self.kop.id
    }

    /// The case's heading as read when the decision was made.
    pub fn kop(&self) -> &DossierKop {
        &self.kop
    }

    pub fn zicht(&self) -> &Zicht {
        &self.zicht
    }

    pub(crate) fn context(&self) -> &RequestContext {
        &self.context
    }
}

impl<A: Actie> Resource for Dossier<A> {
    fn kind(&self) -> &'static str {
        "dossier"
    }
    fn id(&self) -> Option<String> {
        Some(self.kop.id.clone())
    }
    fn subject(&self) -> Option<String> {
        Some(format!("dossier:{}", self.kop.id))
    }
    fn policy(&self, _p: &Principal, action: Action, purpose: Purpose) -> Decision {
        if action != A::ACTION {
            return Decision::Deny("actie-past-niet");
        }
        dossier_beleid(&self.zicht, action, purpose)
    }
}

/// The list of cases a viewer may see (filtered in SQL by the store), and starting a case.
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

/// The module's pages as a whole: the route gate, a decision like any other (so a refusal is
/// audited).
#[derive(Clone, Debug)]
pub struct Module;

impl Resource for Module {
    fn kind(&self) -> &'static str {
        "dossiers-module"
    }
    fn id(&self) -> Option<String> {
        None
    }
    fn policy(&self, p: &Principal, action: Action, _purpose: Purpose) -> Decision {
        let may = mag_module_zien(p) || mag_convenanten_beheren(p) || mag_inzage_behandelen(p);
        match action {
            Action::Read if may => Decision::Allow,
            _ => Decision::Deny("role-not-allowed"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Meetings.

/// The case meetings of the viewer's organisation, and planning one.
#[derive(Clone, Debug)]
pub struct Overleggen;

impl Resource for Overleggen {
    fn kind(&self) -> &'static str {
        "dossier-overleg-list"
    }
    fn id(&self) -> Option<String> {
        None
    }
    /// The rule of the case list: case workers list them, directors plan them.
    fn policy(&self, p: &Principal, action: Action, purpose: Purpose) -> Decision {
        Dossierlijst.policy(p, action, purpose)
    }
}

/// One meeting: for the case workers of the organisations that take part in it. Its agenda is
/// reduced by the store to the cases the viewer may open.
#[derive(Clone, Debug)]
pub struct Overleg {
    id: String,
    /// Whether the viewer's organisation takes part in the meeting (a fact the store loads).
    deelnemer: bool,
}

impl Overleg {
    pub(crate) fn besloten(id: &str, deelnemer: bool) -> Self {
        Overleg {
            id: id.to_string(),
            deelnemer,
        }
    }
    pub fn id(&self) -> &str {
        &self.id
    }
}

/// The rule for a meeting.
pub fn overleg_beleid(
    p: &Principal,
    deelnemer: bool,
    action: Action,
    purpose: Purpose,
) -> Decision {
    if purpose != Purpose::Uitvoering {
        return Decision::Deny("purpose-not-allowed");
    }
    let role = match action {
        Action::Read => mag_module_zien(p),
        Action::Update => mag_regie_voeren(p),
        _ => false,
    };
    if !role {
        Decision::Deny("role-not-allowed")
    } else if !deelnemer {
        Decision::Deny("geen-deelnemer-overleg")
    } else {
        Decision::Allow
    }
}

impl Resource for Overleg {
    fn kind(&self) -> &'static str {
        "dossier-overleg"
    }
    fn id(&self) -> Option<String> {
        Some(self.id.clone())
    }
    fn policy(&self, p: &Principal, action: Action, purpose: Purpose) -> Decision {
        overleg_beleid(p, self.deelnemer, action, purpose)
    }
}

// ---------------------------------------------------------------------------------------------
// Subject access requests (AVG art. 15) and corrections (art. 16, 18).

/// On what footing a request is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum InzageGrond {
    /// The municipality's privacy officer: every case the municipality directs.
    Fg,
    /// A procesregisseur of the directing team: the cases their team directs.
    Regie,
}

impl InzageGrond {
    pub fn slug(self) -> &'static str {
        match self {
            InzageGrond::Fg => "fg",
            InzageGrond::Regie => "regie",
        }
    }
}

/// A case a subject is in (directly or as a member of a group), as far as the request depends
/// on it.
#[derive(Clone, Debug)]
pub struct BetrokkeneZaak {
    pub dossier_id: String,
    pub regie_organisation_id: String,
    pub regie_team_id: String,
}

/// The cases of a subject that `p` may answer a request for, and on what footing; or why none.
/// `teams` are the requester's team ids.
pub fn inzage_bereik(
    p: &Principal,
    teams: &[String],
    zaken: &[BetrokkeneZaak],
) -> Result<(InzageGrond, Vec<String>), &'static str> {
    if !p.of_municipality() {
        return Err("other-organisation");
    }
    if p.has(Role::Ketenpartner) {
        return Err("role-not-allowed");
    }
    let eigen = zaken
        .iter()
        .filter(|z| z.regie_organisation_id == p.organisation_id);
    if p.has(Role::Fg) {
        let ids: Vec<String> = eigen.map(|z| z.dossier_id.clone()).collect();
        return if ids.is_empty() {
            Err("geen-dossiers-van-gemeente")
        } else {
            Ok((InzageGrond::Fg, ids))
        };
    }
    if p.has(Role::Procesregisseur) {
        let ids: Vec<String> = eigen
            .filter(|z| teams.contains(&z.regie_team_id))
            .map(|z| z.dossier_id.clone())
            .collect();
        return if ids.is_empty() {
            Err("geen-regie-over-betrokkene")
        } else {
            Ok((InzageGrond::Regie, ids))
        };
    }
    Err("role-not-allowed")
}

/// A subject access request (and corrections) for one subject: allowed when the requester may
/// answer for every case it covers (`vereist`: the cases of a drafted export; none for a new
/// request, which then covers what the requester may answer for). Only the store makes one.
#[derive(Clone, Debug)]
pub struct Inzageverzoek {
    subject_id: String,
    bereik: Result<(InzageGrond, Vec<String>), &'static str>,
    vereist: Vec<String>,
}

impl Inzageverzoek {
    pub(crate) fn besloten(
        subject_id: &str,
        bereik: Result<(InzageGrond, Vec<String>), &'static str>,
        vereist: Vec<String>,
    ) -> Self {
        Inzageverzoek {
            subject_id: subject_id.to_string(),
            bereik,
            vereist,
        }
    }

    pub fn subject_id(&self) -> &str {
        &self.subject_id
    }

    /// The cases the requester may answer for (empty when refused).
    pub fn dossiers(&self) -> &[String] {
        match &self.bereik {
            Ok((_, d)) => d,
            Err(_) => &[],
        }
    }

    pub fn grond(&self) -> Option<InzageGrond> {
        self.bereik.as_ref().ok().map(|(g, _)| *g)
    }
}

/// The rule for a subject access request.
pub fn inzage_beleid(
    bereik: &Result<(InzageGrond, Vec<String>), &'static str>,
    vereist: &[String],
    action: Action,
    purpose: Purpose,
) -> Decision {
    if purpose != Purpose::Uitvoering {
        return Decision::Deny("purpose-not-allowed");
    }
    if !matches!(
        action,
        Action::Read | Action::Create | Action::Update | Action::Export
    ) {
        return Decision::Deny("role-not-allowed");
    }
    match bereik {
        Err(r) => Decision::Deny(r),
        Ok((_, mine)) if vereist.iter().all(|d| mine.contains(d)) => Decision::Allow,
        Ok(_) => Decision::Deny("verzoek-buiten-bereik"),
    }
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
    fn policy(&self, _p: &Principal, action: Action, purpose: Purpose) -> Decision {
        inzage_beleid(&self.bereik, &self.vereist, action, purpose)
    }
}

/// Searching subjects by name for a request: the store filters the names in SQL to the cases
/// the searcher may answer for.
#[derive(Clone, Debug)]
pub struct Betrokkenen;

impl Resource for Betrokkenen {
    fn kind(&self) -> &'static str {
        "dossier-subject-search"
    }
    fn id(&self) -> Option<String> {
        None
    }
    fn policy(&self, p: &Principal, action: Action, purpose: Purpose) -> Decision {
        if purpose != Purpose::Uitvoering {
            return Decision::Deny("purpose-not-allowed");
        }
        match action {
            Action::List if mag_inzage_behandelen(p) => Decision::Allow,
            _ => Decision::Deny("role-not-allowed"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Covenants and case types.

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
        let reader = mag_module_zien(p) || mag_convenanten_beheren(p) || mag_inzage_behandelen(p);
        match action {
            Action::Read | Action::List if reader => Decision::Allow,
            Action::Create | Action::Update | Action::Delete if mag_convenanten_beheren(p) => {
                Decision::Allow
            }
            _ => Decision::Deny("role-not-allowed"),
        }
    }
}

/// A named representative of a party to a covenant: recording or removing one changes who of
/// that organisation sees the cases under the covenant, so it is a decision of its own and
/// audited, naming the account. Only the store makes one, for an account it has checked.
#[derive(Clone, Debug)]
pub struct Vertegenwoordiger {
    convenant_id: String,
    user_id: String,
}

impl Vertegenwoordiger {
    pub(crate) fn besloten(convenant_id: &str, user_id: &str) -> Self {
        Vertegenwoordiger {
            convenant_id: convenant_id.to_string(),
            user_id: user_id.to_string(),
        }
    }
}

impl Resource for Vertegenwoordiger {
    fn kind(&self) -> &'static str {
        "convenant-vertegenwoordiger"
    }
    fn id(&self) -> Option<String> {
        Some(self.convenant_id.clone())
    }
    fn subject(&self) -> Option<String> {
        Some(self.user_id.clone())
    }
    fn policy(&self, p: &Principal, action: Action, _purpose: Purpose) -> Decision {
        match action {
            Action::Create | Action::Delete if mag_convenanten_beheren(p) => Decision::Allow,
            _ => Decision::Deny("role-not-allowed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(role: Role, org: &str) -> Principal {
        ps(&[role], org)
    }

    fn ps(roles: &[Role], org: &str) -> Principal {
        Principal::for_tests(
            "u",
            org,
            if org.starts_with("gem") {
                "gemeente"
            } else {
                "partner"
            },
            roles.to_vec(),
        )
    }

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn convenant(van: &str, tot: &str) -> ConvenantFeiten {
        ConvenantFeiten {
            id: "c".into(),
            versie: 1,
            geldig_van: d(van),
            geldig_tot: d(tot),
            ingetrokken: false,
            zaaktypen: vec!["pga".into()],
            doelen: vec!["c-doel".into()],
            partijen_zien_elkaar: false,
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
            organisation_id: "politie".into(),
            ingetrokken: false,
            van: None,
            tot: None,
            doel_id: Some("c-doel".into()),
            convenant: c,
            ontvangen: Some(cats.to_vec()),
            verstrekken: Some(vec![Categorie::Strafrechtelijk]),
            vertegenwoordigers: None,
        }
    }

    #[test]
    fn the_directing_team_sees_everything_other_colleagues_nothing() {
        let f = feiten(vec![], vec!["zorg".into()]);
        assert_eq!(zicht(&p(Role::Procesregisseur, "gem"), &f), Zicht::Regie);
        assert_eq!(zicht(&p(Role::AdviseurIv, "gem"), &f), Zicht::Regie);
        let f2 = feiten(vec![], vec!["ander".into()]);
        assert!(matches!(
            zicht(&p(Role::Procesregisseur, "gem"), &f2),
            Zicht::Geen(_)
        ));
        for role in Role::ALL {
            if REGIE_ROLLEN.contains(&role) {
                continue;
            }
            assert!(
                matches!(zicht(&p(role, "gem"), &f), Zicht::Geen(_)),
                "{role:?}"
            );
        }
        // A directing role held by an account of another organisation never directs, even in
        // a team of the same id, and neither does a partner account that also holds one.
        let mut f3 = feiten(vec![], vec!["zorg".into()]);
        f3.regie_organisation_id = "politie".into();
        assert!(matches!(
            zicht(&p(Role::Procesregisseur, "politie"), &f3),
            Zicht::Geen(_)
        ));
        assert!(matches!(
            zicht(&ps(&[Role::Procesregisseur, Role::Ketenpartner], "gem"), &f),
            Zicht::Geen(_)
        ));
    }

    #[test]
    fn a_partner_sees_granted_categories_only_while_the_covenant_and_participation_hold() {
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
        // Another partner organisation sees nothing of the police's participation.
        assert_eq!(
            zicht(&p(Role::Ketenpartner, "ggd"), &ok),
            Zicht::Geen("geen-deelname")
        );
        // A police account holding a municipal role instead of the partner role sees nothing.
        for role in [
            Role::Procesregisseur,
            Role::Jurist,
            Role::Beheerder,
            Role::Fg,
        ] {
            assert!(matches!(zicht(&p(role, "politie"), &ok), Zicht::Geen(_)));
        }
        let case = |dl: DeelnameFeiten| zicht(&politie, &feiten(vec![dl], vec![]));
        let c = || convenant("2026-01-01", "2026-12-31");
        assert_eq!(
            case(deelname(
                convenant("2025-01-01", "2026-05-31"),
                &[Basisgegevens]
            )),
            Zicht::Geen("convenant-verlopen")
        );
        assert_eq!(
            case(deelname(
                convenant("2026-06-02", "2027-01-01"),
                &[Basisgegevens]
            )),
            Zicht::Geen("convenant-nog-niet-geldig")
        );
        let mut revoked = deelname(c(), &[Basisgegevens]);
        revoked.ingetrokken = true;
        assert_eq!(case(revoked), Zicht::Geen("deelname-ingetrokken"));
        let mut other_type = c();
        other_type.zaaktypen = vec!["ondermijning".into()];
        assert_eq!(
            case(deelname(other_type, &[Basisgegevens])),
            Zicht::Geen("zaaktype-niet-gedekt")
        );
        let mut no_party = deelname(c(), &[]);
        no_party.ontvangen = None;
        assert_eq!(case(no_party), Zicht::Geen("geen-partij-bij-convenant"));
        assert_eq!(case(deelname(c(), &[])), Zicht::Geen("geen-categorieen"));
        assert_eq!(
            zicht(&politie, &feiten(vec![], vec![])),
            Zicht::Geen("geen-deelname")
        );
        // The participation's own window: it begins and ends by itself.
        let mut later = deelname(c(), &[Basisgegevens]);
        later.van = Some(d("2026-06-02"));
        assert_eq!(case(later), Zicht::Geen("deelname-nog-niet-begonnen"));
        let mut ended = deelname(c(), &[Basisgegevens]);
        ended.tot = Some(d("2026-05-31"));
        assert_eq!(case(ended), Zicht::Geen("deelname-verlopen"));
        let mut last_day = deelname(c(), &[Basisgegevens]);
        last_day.van = Some(d("2026-06-01"));
        last_day.tot = Some(d("2026-06-01"));
        assert!(case(last_day).opent());
        // A purpose the covenant does not name gives nothing, nor does none.
        let mut foreign = deelname(c(), &[Basisgegevens]);
        foreign.doel_id = Some("ander-doel".into());
        assert_eq!(case(foreign), Zicht::Geen("doel-niet-in-convenant"));
        let mut none = deelname(c(), &[Basisgegevens]);
        none.doel_id = None;
        assert_eq!(case(none), Zicht::Geen("doel-niet-in-convenant"));
    }

    #[test]
    fn where_the_covenant_names_representatives_only_they_see_the_case() {
        use Categorie::*;
        let mut named = deelname(convenant("2026-01-01", "2026-12-31"), &[Wonen]);
        named.vertegenwoordigers = Some(vec!["rep".into()]);
        let f = feiten(vec![named.clone()], vec![]);
        let rep = Principal::for_tests("rep", "politie", "partner", vec![Role::Ketenpartner]);
        let colleague =
            Principal::for_tests("collega", "politie", "partner", vec![Role::Ketenpartner]);
        assert!(zicht(&rep, &f).ziet(Wonen));
        assert_eq!(zicht(&colleague, &f), Zicht::Geen("geen-vertegenwoordiger"));
        // Nobody named yet: nobody of the organisation sees the case.
        let mut none = named.clone();
        none.vertegenwoordigers = Some(Vec::new());
        assert_eq!(
            zicht(&rep, &feiten(vec![none], vec![])),
            Zicht::Geen("geen-vertegenwoordiger")
        );
        // A representative of another organisation's participation gains nothing.
        let ggd_rep = Principal::for_tests("rep", "ggd", "partner", vec![Role::Ketenpartner]);
        assert_eq!(zicht(&ggd_rep, &f), Zicht::Geen("geen-deelname"));
        // The other rules still hold for a representative.
        let mut ended = named;
        ended.tot = Some(d("2026-05-31"));
        assert_eq!(
            zicht(&rep, &feiten(vec![ended], vec![])),
            Zicht::Geen("deelname-verlopen")
        );
    }

    #[test]
    fn a_participation_is_judged_by_the_terms_of_its_own_version() {
        use Categorie::*;
        let politie = p(Role::Ketenpartner, "politie");
        // Version 1 names purpose "c-doel"; a participation under version 2 (whose purposes
        // are others) that names it serves no purpose of its version.
        let mut v2 = convenant("2026-01-01", "2026-12-31");
        v2.versie = 2;
        v2.doelen = vec!["c-v2-doel".into()];
        let under_v2 = deelname(v2.clone(), &[Wonen]);
        assert_eq!(
            zicht(&politie, &feiten(vec![under_v2], vec![])),
            Zicht::Geen("doel-niet-in-convenant")
        );
        let mut ok = deelname(v2, &[Wonen, Onderwijs]);
        ok.doel_id = Some("c-v2-doel".into());
        let z = zicht(&politie, &feiten(vec![ok], vec![]));
        assert!(z.ziet(Wonen) && z.ziet(Onderwijs) && !z.ziet(Basisgegevens));
    }

    #[test]
    fn partners_see_each_other_only_where_their_covenant_says_so() {
        use Categorie::*;
        let politie = p(Role::Ketenpartner, "politie");
        let closed = zicht(
            &politie,
            &feiten(
                vec![deelname(convenant("2026-01-01", "2026-12-31"), &[Wonen])],
                vec![],
            ),
        );
        assert!(closed.ziet_deelname("politie", "politie", "c", true));
        assert!(!closed.ziet_deelname("politie", "ggd", "c", true));
        let mut open_cov = convenant("2026-01-01", "2026-12-31");
        open_cov.partijen_zien_elkaar = true;
        let open = zicht(
            &politie,
            &feiten(vec![deelname(open_cov, &[Wonen])], vec![]),
        );
        assert!(open.ziet_deelname("politie", "ggd", "c", true));
        assert!(
            !open.ziet_deelname("politie", "ggd", "c", false),
            "not a past one"
        );
        assert!(
            !open.ziet_deelname("politie", "ggd", "ander", true),
            "not on another covenant"
        );
        assert!(Zicht::Regie.ziet_deelname("gem", "ggd", "x", false));
    }

    #[test]
    fn capabilities_are_typed_by_action() {
        let kop = DossierKop::voor_tests("d");
        let ctx = RequestContext::new("web");
        let pr = p(Role::Procesregisseur, "gem");
        let partner = Zicht::Deelnemer {
            ontvangen: [Categorie::Wonen].into(),
            verstrekken: BTreeSet::new(),
            zichtbaar: BTreeSet::new(),
        };
        let lezen = Dossier::<Lezen>::besloten(kop.clone(), Zicht::Regie, &ctx);
        assert_eq!(
            lezen.policy(&pr, Action::Read, Purpose::Uitvoering),
            Decision::Allow
        );
        assert_eq!(
            lezen.policy(&pr, Action::Update, Purpose::Uitvoering),
            Decision::Deny("actie-past-niet"),
            "a read capability is no capability to change"
        );
        let wijzigen = Dossier::<Wijzigen>::besloten(kop.clone(), Zicht::Regie, &ctx);
        assert_eq!(
            wijzigen.policy(&pr, Action::Update, Purpose::Uitvoering),
            Decision::Allow
        );
        let w2 = Dossier::<Wijzigen>::besloten(kop.clone(), partner.clone(), &ctx);
        assert_eq!(
            w2.policy(&pr, Action::Update, Purpose::Uitvoering),
            Decision::Deny("alleen-procesregie")
        );
        let t = Dossier::<Toevoegen>::besloten(kop.clone(), partner, &ctx);
        assert_eq!(
            t.policy(&pr, Action::Create, Purpose::Uitvoering),
            Decision::Deny("geen-verstrekking"),
            "a partner that may provide nothing adds nothing"
        );
        assert_eq!(
            lezen.policy(&pr, Action::Read, Purpose::Beheer),
            Decision::Deny("purpose-not-allowed")
        );
    }

    /// Role × action for the module's resources that do not depend on a case.
    #[test]
    fn role_action_table() {
        for role in Role::ALL {
            for (org, gemeente) in [("gem", true), ("politie", false)] {
                let pr = p(role, org);
                let regie = gemeente && matches!(role, Role::Procesregisseur | Role::AdviseurIv);
                let partner = role == Role::Ketenpartner;
                let admin =
                    gemeente && matches!(role, Role::Beheerder | Role::Jurist | Role::AdviseurIv);
                let sar = gemeente && matches!(role, Role::Fg | Role::Procesregisseur);
                for action in Action::ALL {
                    let got = |r: &dyn Fn() -> Decision| r() == Decision::Allow;
                    let ctx = format!("{role:?} in {org}, {action:?}");
                    let list = Dossierlijst.policy(&pr, action, Purpose::Uitvoering);
                    let want = match action {
                        Action::List => regie || partner,
                        Action::Create => regie,
                        _ => false,
                    };
                    assert_eq!(list == Decision::Allow, want, "list {ctx}");
                    let want = match action {
                        Action::Read | Action::List => regie || partner || admin || sar,
                        Action::Create | Action::Update | Action::Delete => admin,
                        Action::Export => false,
                    };
                    assert_eq!(
                        got(&|| Convenanten.policy(&pr, action, Purpose::Beheer)),
                        want,
                        "covenants {ctx}"
                    );
                    let want = match action {
                        Action::List => regie || partner,
                        Action::Create => regie,
                        _ => false,
                    };
                    assert_eq!(
                        got(&|| Overleggen.policy(&pr, action, Purpose::Uitvoering)),
                        want,
                        "meetings {ctx}"
                    );
                    for deelnemer in [true, false] {
                        let want = deelnemer
                            && match action {
                                Action::Read => regie || partner,
                                Action::Update => regie,
                                _ => false,
                            };
                        assert_eq!(
                            got(&|| overleg_beleid(&pr, deelnemer, action, Purpose::Uitvoering)),
                            want,
                            "meeting {ctx} {deelnemer}"
                        );
                    }
                    assert_eq!(
                        got(&|| Betrokkenen.policy(&pr, action, Purpose::Uitvoering)),
                        sar && action == Action::List,
                        "subject search {ctx}"
                    );
                    assert_eq!(
                        got(&|| Vertegenwoordiger::besloten("c", "u").policy(
                            &pr,
                            action,
                            Purpose::Beheer
                        )),
                        admin && matches!(action, Action::Create | Action::Delete),
                        "representatives {ctx}"
                    );
                    assert_eq!(
                        got(&|| Module.policy(&pr, action, Purpose::Uitvoering)),
                        action == Action::Read && (regie || partner || admin || sar),
                        "module {ctx}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_subject_access_request_is_for_the_directing_procesregisseur_and_the_fg() {
        let zaken = vec![
            BetrokkeneZaak {
                dossier_id: "a".into(),
                regie_organisation_id: "gem".into(),
                regie_team_id: "zorg".into(),
            },
            BetrokkeneZaak {
                dossier_id: "b".into(),
                regie_organisation_id: "gem".into(),
                regie_team_id: "iv".into(),
            },
        ];
        let zorg = vec!["zorg".to_string()];
        assert_eq!(
            inzage_bereik(&p(Role::Procesregisseur, "gem"), &zorg, &zaken),
            Ok((InzageGrond::Regie, vec!["a".to_string()]))
        );
        assert_eq!(
            inzage_bereik(&p(Role::Fg, "gem"), &[], &zaken),
            Ok((InzageGrond::Fg, vec!["a".to_string(), "b".to_string()]))
        );
        assert_eq!(
            inzage_bereik(&p(Role::Procesregisseur, "gem"), &["ander".into()], &zaken),
            Err("geen-regie-over-betrokkene")
        );
        for role in Role::ALL {
            if matches!(role, Role::Fg | Role::Procesregisseur) {
                continue;
            }
            assert!(
                inzage_bereik(&p(role, "gem"), &zorg, &zaken).is_err(),
                "{role:?}"
            );
        }
        for role in Role::ALL {
            assert_eq!(
                inzage_bereik(&p(role, "politie"), &zorg, &zaken),
                Err("other-organisation"),
                "{role:?} of a partner"
            );
        }
        assert!(inzage_bereik(
            &ps(&[Role::Procesregisseur, Role::Ketenpartner], "gem"),
            &zorg,
            &zaken
        )
        .is_err());
        // A drafted export covering case b is beyond a procesregisseur who directs only a.
        let regie = inzage_bereik(&p(Role::Procesregisseur, "gem"), &zorg, &zaken);
        assert_eq!(
            inzage_beleid(&regie, &["a".into()], Action::Update, Purpose::Uitvoering),
            Decision::Allow
        );
        assert_eq!(
            inzage_beleid(
                &regie,
                &["a".into(), "b".into()],
                Action::Export,
                Purpose::Uitvoering
            ),
            Decision::Deny("verzoek-buiten-bereik")
        );
        assert_eq!(
            inzage_beleid(&regie, &[], Action::Delete, Purpose::Uitvoering),
            Decision::Deny("role-not-allowed")
        );
    }
}
