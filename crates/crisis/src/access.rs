//! Who may see and change what in the crisis module. The crisis organisation (role
//! `crisisbeheersing`) works with everything; the burgemeester, as bevoegd gezag and chair of the
//! GBT, reads the organisation, roster, exercises and incidents. Contact details (telephone,
//! e-mail) are for the crisis organisation only, and every read of them is audited.

use platform::access::{Action, Decision, Principal, Purpose, Resource, Role};

/// Whether the module is open to this person at all (menu entry, pages).
pub fn may_read(p: &Principal) -> bool {
    p.of_municipality() && (p.has(Role::Crisisbeheersing) || p.has(Role::Burgemeester))
}

/// Whether this person keeps the crisis organisation's records.
pub fn may_write(p: &Principal) -> bool {
    p.of_municipality() && p.has(Role::Crisisbeheersing)
}

/// The part of the module a decision is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Onderdeel {
    /// Functions, the people in them (names) and their qualifications.
    Organisatie,
    /// Telephone numbers and e-mail addresses of the people.
    Contact,
    /// The on-call roster and swaps.
    Piket,
    /// Exercises, trainings and their lessons.
    Oefening,
    /// Incidents (and exercise-mode incidents): GRIP, logbook, pictures, decisions.
    Incident,
    /// Risk locations and vulnerable objects (municipal data).
    Risico,
    /// Scenarios (draaiboeken) with tasks per function.
    Scenario,
}

impl Onderdeel {
    fn kind(self) -> &'static str {
        match self {
            Onderdeel::Organisatie => "crisis-organisatie",
            Onderdeel::Contact => "crisis-contact",
            Onderdeel::Piket => "crisis-piket",
            Onderdeel::Oefening => "crisis-oefening",
            Onderdeel::Incident => "crisis-incident",
            Onderdeel::Risico => "crisis-risico",
            Onderdeel::Scenario => "crisis-scenario",
        }
    }
}

/// A record (or list) of the crisis module of one organisation. Only this crate makes one, with
/// the organisation it read itself (see `store::authorize`).
#[derive(Clone, Debug)]
pub struct Crisis {
    pub(crate) onderdeel: Onderdeel,
    pub(crate) organisation_id: String,
    pub(crate) id: Option<String>,
}

impl Crisis {
    pub(crate) fn new(onderdeel: Onderdeel, organisation_id: &str, id: Option<&str>) -> Crisis {
        Crisis {
            onderdeel,
            organisation_id: organisation_id.to_string(),
            id: id.map(str::to_string),
        }
    }
}

/// The pure rule: role × part × action × purpose.
pub fn policy(
    p: &Principal,
    onderdeel: Onderdeel,
    organisation_id: &str,
    action: Action,
    purpose: Purpose,
) -> Decision {
    if !p.of_municipality() {
        return Decision::Deny("role-not-allowed");
    }
    if p.organisation_id != organisation_id {
        return Decision::Deny("other-organisation");
    }
    if purpose != Purpose::Uitvoering {
        return Decision::Deny("purpose-not-allowed");
    }
    let crisis = p.has(Role::Crisisbeheersing);
    let burgemeester = p.has(Role::Burgemeester);
    let allowed = match (onderdeel, action) {
        (Onderdeel::Contact, Action::Read | Action::List | Action::Update) => crisis,
        (_, Action::Read | Action::List) => crisis || burgemeester,
        (_, Action::Create | Action::Update) => crisis,
        _ => false,
    };
    if allowed {
        Decision::Allow
    } else {
        Decision::Deny("role-not-allowed")
    }
}

impl Resource for Crisis {
    fn kind(&self) -> &'static str {
        self.onderdeel.kind()
    }
    fn id(&self) -> Option<String> {
        self.id.clone()
    }
    fn subject(&self) -> Option<String> {
        match self.onderdeel {
            Onderdeel::Contact | Onderdeel::Organisatie => {
                self.id.as_ref().map(|id| format!("crisis-persoon:{id}"))
            }
            _ => None,
        }
    }
    fn policy(&self, p: &Principal, action: Action, purpose: Purpose) -> Decision {
        policy(p, self.onderdeel, &self.organisation_id, action, purpose)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use platform::access::Principal;

    #[test]
    fn policy_as_a_table() {
        let crisis = Principal::for_tests_in("c", "gem", Role::Crisisbeheersing);
        let bm = Principal::for_tests_in("b", "gem", Role::Burgemeester);
        let adviseur = Principal::for_tests_in("a", "gem", Role::AdviseurIv);
        let beheerder = Principal::for_tests_in("h", "gem", Role::Beheerder);
        let partner = Principal::for_tests_in("k", "politie", Role::Crisisbeheersing);
        let other_gem = Principal::for_tests("o", "gem2", "gemeente", vec![Role::Crisisbeheersing]);
        use Action::*;
        use Onderdeel::*;
        let allow = Decision::Allow;
        let deny = Decision::Deny("role-not-allowed");
        // (who, part, action, purpose, expected)
        let cases = [
            (&crisis, Contact, Read, Purpose::Uitvoering, allow),
            (&crisis, Contact, Update, Purpose::Uitvoering, allow),
            (&bm, Contact, Read, Purpose::Uitvoering, deny),
            (&beheerder, Contact, Read, Purpose::Uitvoering, deny),
            (&adviseur, Contact, Read, Purpose::Uitvoering, deny),
            (
                &crisis,
                Contact,
                Read,
                Purpose::Beheer,
                Decision::Deny("purpose-not-allowed"),
            ),
            (&crisis, Organisatie, List, Purpose::Uitvoering, allow),
            (&bm, Organisatie, List, Purpose::Uitvoering, allow),
            (&bm, Organisatie, Update, Purpose::Uitvoering, deny),
            (&adviseur, Organisatie, List, Purpose::Uitvoering, deny),
            (&crisis, Piket, Update, Purpose::Uitvoering, allow),
            (&bm, Piket, Read, Purpose::Uitvoering, allow),
            (&crisis, Oefening, Create, Purpose::Uitvoering, allow),
            (&bm, Oefening, Create, Purpose::Uitvoering, deny),
            (&crisis, Incident, Create, Purpose::Uitvoering, allow),
            (&bm, Incident, Read, Purpose::Uitvoering, allow),
            (&bm, Incident, Update, Purpose::Uitvoering, deny),
            (&crisis, Incident, Delete, Purpose::Uitvoering, deny),
            (&crisis, Incident, Export, Purpose::Uitvoering, deny),
            (&partner, Incident, Read, Purpose::Uitvoering, deny),
            (&partner, Contact, Read, Purpose::Uitvoering, deny),
            (
                &other_gem,
                Contact,
                Read,
                Purpose::Uitvoering,
                Decision::Deny("other-organisation"),
            ),
        ];
        for (i, (who, part, action, purpose, expected)) in cases.into_iter().enumerate() {
            assert_eq!(
                policy(who, part, "gem", action, purpose),
                expected,
                "case {i}: {} {part:?} {action:?}",
                who.user_id
            );
        }
    }

    #[test]
    fn menu_gate() {
        assert!(may_read(&Principal::for_tests_in(
            "c",
            "gem",
            Role::Crisisbeheersing
        )));
        assert!(may_read(&Principal::for_tests_in(
            "b",
            "gem",
            Role::Burgemeester
        )));
        assert!(!may_write(&Principal::for_tests_in(
            "b",
            "gem",
            Role::Burgemeester
        )));
        assert!(!may_read(&Principal::for_tests_in(
            "k",
            "politie",
            Role::Crisisbeheersing
        )));
        assert!(!may_read(&Principal::for_tests_in(
            "j",
            "gem",
            Role::Jurist
        )));
    }
}
