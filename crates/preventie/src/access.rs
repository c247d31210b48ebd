//! Who may do what in preventie. One pure rule per part ([`rule`]), table-tested; the resource
//! types hand it to the access engine, which audits every refusal.
//!
//! - Activities and campaigns hold no personal data (counts only): every municipal role that
//!   works on safety reads them; team Integrale Veiligheid (adviseur-iv) plans and records them.
//! - Bulletins: written and sent by the CISO's side (adviseur-iv, or an administrator); the
//!   subscribers' addresses are never listed to anyone, only counted.
//! - Youth groups: the group scan comes from the police and the approach is case work, so only
//!   team IV and the procesregisseur of the municipality read and change them (partners have no
//!   organisation kind of their own to tell the police apart, and a group's members are shared
//!   through the group dossier's covenant instead). Every read is audited.
//! - Partners and agreements (schools, youth work): reference data, read by the municipal roles,
//!   kept by team IV.
//! - Neighbourhood contacts: only members of the team that keeps the neighbourhood team (checked
//!   on the record, see [`Contacten`]).

use platform::access::{Action, Decision, Principal, Purpose, Resource, Role};

/// The parts of the module with a rule of their own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deel {
    Activiteiten,
    Bulletins,
    Groepen,
    Partners,
    /// Neighbourhood profiles and their teams (no personal data: names of teams and counts).
    Buurten,
}

/// Municipal roles that work on safety (not the council member, who sees reports only; not the
/// auditor or privacy officer, who look at logs and requests, not at this work).
fn werkt_aan_veiligheid(p: &Principal) -> bool {
    p.of_municipality()
        && [
            Role::AdviseurIv,
            Role::Procesregisseur,
            Role::Handhaver,
            Role::Jurist,
            Role::Burgemeester,
            Role::Crisisbeheersing,
            Role::Analist,
            Role::Beheerder,
        ]
        .iter()
        .any(|r| p.has(*r))
}

/// The rule of a part: role × action (the purpose is daily work for everything here).
pub fn rule(deel: Deel, p: &Principal, action: Action, purpose: Purpose) -> Decision {
    if purpose != Purpose::Uitvoering {
        return Decision::Deny("purpose-not-allowed");
    }
    let iv = p.of_municipality() && p.has(Role::AdviseurIv);
    let allow = |b: bool| {
        if b {
            Decision::Allow
        } else {
            Decision::Deny("role-not-allowed")
        }
    };
    match (deel, action) {
        (Deel::Activiteiten | Deel::Partners | Deel::Buurten, Action::Read | Action::List) => {
            allow(werkt_aan_veiligheid(p))
        }
        (
            Deel::Activiteiten | Deel::Partners | Deel::Buurten,
            Action::Create | Action::Update | Action::Delete,
        ) => allow(iv),
        (Deel::Bulletins, Action::Read | Action::List | Action::Create | Action::Update) => {
            allow(iv || (p.of_municipality() && p.has(Role::Beheerder)))
        }
        (Deel::Groepen, Action::Read | Action::List | Action::Create | Action::Update) => {
            allow(iv || (p.of_municipality() && p.has(Role::Procesregisseur)))
        }
        _ => Decision::Deny("role-not-allowed"),
    }
}

/// Whether someone may open the module at all (its menu entry).
pub fn sees_module(p: &Principal) -> bool {
    [Deel::Activiteiten, Deel::Bulletins, Deel::Groepen]
        .iter()
        .any(|d| rule(*d, p, Action::List, Purpose::Uitvoering) == Decision::Allow)
}

/// Whether someone may do `action` on a part (for showing links and buttons; the access engine
/// decides again on the request).
pub fn may(deel: Deel, p: &Principal, action: Action) -> bool {
    rule(deel, p, action, Purpose::Uitvoering) == Decision::Allow
}

/// Activities (one, or the list when `id` is None).
#[derive(Clone, Debug)]
pub struct Activiteiten {
    pub id: Option<String>,
}

impl Resource for Activiteiten {
    fn kind(&self) -> &'static str {
        "preventie_activiteit"
    }
    fn id(&self) -> Option<String> {
        self.id.clone()
    }
    fn policy(&self, p: &Principal, action: Action, purpose: Purpose) -> Decision {
        rule(Deel::Activiteiten, p, action, purpose)
    }
}

/// Bulletins (one, or all).
#[derive(Clone, Debug)]
pub struct Bulletins {
    pub id: Option<String>,
}

impl Resource for Bulletins {
    fn kind(&self) -> &'static str {
        "preventie_bulletin"
    }
    fn id(&self) -> Option<String> {
        self.id.clone()
    }
    fn policy(&self, p: &Principal, action: Action, purpose: Purpose) -> Decision {
        rule(Deel::Bulletins, p, action, purpose)
    }
}

/// Youth groups (one, or the list).
#[derive(Clone, Debug)]
pub struct Groepen {
    pub id: Option<String>,
}

impl Resource for Groepen {
    fn kind(&self) -> &'static str {
        "preventie_groep"
    }
    fn id(&self) -> Option<String> {
        self.id.clone()
    }
    fn policy(&self, p: &Principal, action: Action, purpose: Purpose) -> Decision {
        rule(Deel::Groepen, p, action, purpose)
    }
}

/// Partners and their agreements.
#[derive(Clone, Debug)]
pub struct Partners {
    pub id: Option<String>,
}

impl Resource for Partners {
    fn kind(&self) -> &'static str {
        "preventie_partner"
    }
    fn id(&self) -> Option<String> {
        self.id.clone()
    }
    fn policy(&self, p: &Principal, action: Action, purpose: Purpose) -> Decision {
        rule(Deel::Partners, p, action, purpose)
    }
}

/// Neighbourhood teams (one, or the list).
#[derive(Clone, Debug)]
pub struct Buurten {
    pub id: Option<String>,
}

impl Resource for Buurten {
    fn kind(&self) -> &'static str {
        "preventie_buurtteam"
    }
    fn id(&self) -> Option<String> {
        self.id.clone()
    }
    fn policy(&self, p: &Principal, action: Action, purpose: Purpose) -> Decision {
        rule(Deel::Buurten, p, action, purpose)
    }
}

/// The contacts of a neighbourhood team (coordinators of WhatsApp groups, wijkraad members):
/// personal data, seen only by members of the organisation's team that keeps the neighbourhood
/// team, and only for daily work. The store makes this from facts it reads itself.
#[derive(Clone, Debug)]
pub struct Contacten {
    pub(crate) buurtteam_id: String,
    /// One contact (a removal), or None for the team's list.
    pub(crate) contact_id: Option<String>,
    /// Whether the person is a member of the team that keeps the neighbourhood team, in its
    /// organisation.
    pub(crate) lid: bool,
}

/// The rule for contacts, pure: membership of the keeping team, a role that works on safety,
/// daily work; never an export.
pub fn contacten_rule(p: &Principal, lid: bool, action: Action, purpose: Purpose) -> Decision {
    if purpose != Purpose::Uitvoering {
        Decision::Deny("purpose-not-allowed")
    } else if action == Action::Export || !werkt_aan_veiligheid(p) {
        Decision::Deny("role-not-allowed")
    } else if !lid {
        Decision::Deny("not-in-team")
    } else {
        Decision::Allow
    }
}

impl Resource for Contacten {
    fn kind(&self) -> &'static str {
        "preventie_contact"
    }
    fn id(&self) -> Option<String> {
        Some(
            self.contact_id
                .clone()
                .unwrap_or_else(|| self.buurtteam_id.clone()),
        )
    }
    fn policy(&self, p: &Principal, action: Action, purpose: Purpose) -> Decision {
        contacten_rule(p, self.lid, action, purpose)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;

    fn person(kind: &str, role: Role) -> Principal {
        Principal::for_tests("u", "org", kind, vec![role])
    }

    #[test]
    fn the_table_of_roles_and_actions() {
        let gem = platform::access::KIND_GEMEENTE;
        // (part, organisation kind, role, action, allowed)
        let table: &[(Deel, &str, Role, Action, bool)] = &[
            (Deel::Activiteiten, gem, Role::AdviseurIv, Create, true),
            (Deel::Activiteiten, gem, Role::AdviseurIv, Update, true),
            (Deel::Activiteiten, gem, Role::Analist, List, true),
            (Deel::Activiteiten, gem, Role::Burgemeester, Read, true),
            (Deel::Activiteiten, gem, Role::Analist, Create, false),
            (Deel::Activiteiten, gem, Role::Raadslid, List, false),
            (Deel::Activiteiten, gem, Role::Auditor, List, false),
            (
                Deel::Activiteiten,
                "politie",
                Role::Ketenpartner,
                List,
                false,
            ),
            (Deel::Activiteiten, gem, Role::AdviseurIv, Export, false),
            (Deel::Bulletins, gem, Role::AdviseurIv, Create, true),
            (Deel::Bulletins, gem, Role::Beheerder, Update, true),
            (Deel::Bulletins, gem, Role::Handhaver, List, false),
            (Deel::Bulletins, gem, Role::AdviseurIv, Delete, false),
            (Deel::Groepen, gem, Role::AdviseurIv, Create, true),
            (Deel::Groepen, gem, Role::Procesregisseur, Update, true),
            (Deel::Groepen, "partner", Role::Ketenpartner, Read, false),
            (Deel::Groepen, gem, Role::AdviseurIv, Delete, false),
            (Deel::Groepen, gem, Role::Handhaver, Read, false),
            (Deel::Groepen, gem, Role::Analist, List, false),
            (Deel::Groepen, gem, Role::Raadslid, List, false),
            (Deel::Partners, gem, Role::Handhaver, List, true),
            (Deel::Partners, gem, Role::AdviseurIv, Create, true),
            (Deel::Partners, gem, Role::Procesregisseur, Create, false),
        ];
        for (deel, kind, role, action, allowed) in table {
            let d = rule(*deel, &person(kind, *role), *action, Purpose::Uitvoering);
            assert_eq!(
                d == Decision::Allow,
                *allowed,
                "{deel:?} {kind} {role:?} {action:?}: {d:?}"
            );
        }
    }

    #[test]
    fn contacts_only_for_the_keeping_team() {
        let gem = platform::access::KIND_GEMEENTE;
        let table: &[(&str, Role, bool, Action, Decision)] = &[
            (gem, Role::AdviseurIv, true, List, Decision::Allow),
            (gem, Role::Handhaver, true, Create, Decision::Allow),
            (gem, Role::AdviseurIv, true, Delete, Decision::Allow),
            (
                gem,
                Role::AdviseurIv,
                false,
                List,
                Decision::Deny("not-in-team"),
            ),
            (
                gem,
                Role::Beheerder,
                false,
                Read,
                Decision::Deny("not-in-team"),
            ),
            (
                gem,
                Role::Raadslid,
                true,
                List,
                Decision::Deny("role-not-allowed"),
            ),
            (
                gem,
                Role::Auditor,
                true,
                List,
                Decision::Deny("role-not-allowed"),
            ),
            (
                "partner",
                Role::Ketenpartner,
                true,
                List,
                Decision::Deny("role-not-allowed"),
            ),
            (
                gem,
                Role::AdviseurIv,
                true,
                Export,
                Decision::Deny("role-not-allowed"),
            ),
        ];
        for (kind, role, lid, action, expected) in table {
            assert_eq!(
                contacten_rule(&person(kind, *role), *lid, *action, Purpose::Uitvoering),
                *expected,
                "{kind} {role:?} lid={lid} {action:?}"
            );
        }
        assert_eq!(
            contacten_rule(&person(gem, Role::AdviseurIv), true, List, Purpose::Beheer),
            Decision::Deny("purpose-not-allowed")
        );
    }

    #[test]
    fn only_daily_work_is_a_purpose_here() {
        let p = person(platform::access::KIND_GEMEENTE, Role::AdviseurIv);
        assert_eq!(
            rule(Deel::Activiteiten, &p, List, Purpose::Beheer),
            Decision::Deny("purpose-not-allowed")
        );
    }

    #[test]
    fn a_municipal_role_outside_a_municipality_gets_nothing() {
        let p = person("partner", Role::AdviseurIv);
        for deel in [
            Deel::Activiteiten,
            Deel::Bulletins,
            Deel::Groepen,
            Deel::Partners,
        ] {
            assert!(!may(deel, &p, List), "{deel:?}");
        }
        assert!(!sees_module(&p));
        assert!(!sees_module(&person("partner", Role::Ketenpartner)));
        assert!(sees_module(&person(
            platform::access::KIND_GEMEENTE,
            Role::Analist
        )));
    }
}
