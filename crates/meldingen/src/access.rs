//! The module's resources for the access engine. Meldingen are seen by the gemeente's
//! administrators, IV advisers and enforcement officers; other gemeente roles and chain partners
//! see nothing.

use platform::access::{Action, Decision, Principal, Purpose, Resource, Role};

/// The roles that work with meldingen.
pub const ROLES: [Role; 3] = [Role::Beheerder, Role::AdviseurIv, Role::Handhaver];

/// Whether this person works the melding queue: one of [`ROLES`] within a municipality.
pub fn works_meldingen(p: &Principal) -> bool {
    p.of_municipality() && ROLES.iter().any(|r| p.has(*r))
}

/// Whether this person may export the queue.
pub fn may_export(p: &Principal) -> bool {
    works_meldingen(p) && (p.has(Role::Beheerder) || p.has(Role::AdviseurIv))
}

fn rule(p: &Principal, action: Action, purpose: Purpose, allowed: &[Action]) -> Decision {
    if !p.of_municipality() {
        return Decision::Deny("other-organisation");
    }
    if !ROLES.iter().any(|r| p.has(*r)) {
        return Decision::Deny("role-not-allowed");
    }
    if purpose != Purpose::Uitvoering {
        return Decision::Deny("purpose-not-allowed");
    }
    if allowed.contains(&action) {
        Decision::Allow
    } else {
        Decision::Deny("action-not-allowed")
    }
}

/// The work queue (list of meldingen).
#[derive(Clone, Debug)]
pub struct Werkvoorraad;

impl Resource for Werkvoorraad {
    fn kind(&self) -> &'static str {
        "melding-list"
    }
    fn id(&self) -> Option<String> {
        None
    }
    /// Everyone who works the queue lists it and registers meldingen in it (from a phone call,
    /// at the desk); exporting it (CSV, without contact details) is for administrators and IV
    /// advisers.
    fn policy(&self, p: &Principal, action: Action, purpose: Purpose) -> Decision {
        if action == Action::Export && p.has(Role::Handhaver) && !may_export(p) {
            return Decision::Deny("role-not-allowed");
        }
        rule(
            p,
            action,
            purpose,
            &[Action::List, Action::Create, Action::Export],
        )
    }
}

/// One melding, with the reporter's contact details.
#[derive(Clone, Debug)]
pub struct Melding {
    pub id: String,
}

impl Resource for Melding {
    fn kind(&self) -> &'static str {
        "melding"
    }
    fn id(&self) -> Option<String> {
        Some(self.id.clone())
    }
    /// The reporter is the person whose data this is; they are known only by the melding.
    fn subject(&self) -> Option<String> {
        Some(format!("melder:{}", self.id))
    }
    fn policy(&self, p: &Principal, action: Action, purpose: Purpose) -> Decision {
        rule(p, action, purpose, &[Action::Read, Action::Update])
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use platform::access::decide;

    pub(crate) fn principal(role: Role, org: &str) -> Principal {
        Principal::for_tests_in("me", org, role)
    }

    #[test]
    fn role_action_table() {
        let m = Melding { id: "1".into() };
        for role in Role::ALL {
            let works = ROLES.contains(&role);
            for org in [platform::seed::GEMEENTE, "politie-lekpoort"] {
                let p = principal(role, org);
                let ours = works && org == platform::seed::GEMEENTE;
                for action in Action::ALL {
                    let got = decide(&p, action, &m, Purpose::Uitvoering) == Decision::Allow;
                    let want = ours && matches!(action, Action::Read | Action::Update);
                    assert_eq!(got, want, "{role:?} {org} {action:?} melding");
                    let got =
                        decide(&p, action, &Werkvoorraad, Purpose::Uitvoering) == Decision::Allow;
                    let export = ours && role != Role::Handhaver;
                    let want = (ours && matches!(action, Action::List | Action::Create))
                        || (export && action == Action::Export);
                    assert_eq!(got, want, "{role:?} {org} {action:?} list");
                    assert_eq!(may_export(&p), export);
                    assert_ne!(
                        decide(&p, action, &m, Purpose::Beheer),
                        Decision::Allow,
                        "only for daily work"
                    );
                }
                assert_eq!(works_meldingen(&p), ours);
            }
        }
    }
}
