//! Who may see and change the register of places, its risk picture and inspections.
//!
//! The register holds police signals and risk judgements about businesses: need-to-know. It is
//! read by the municipality's ondermijning team and those who decide on it (adviseur IV,
//! handhaver, burgemeester, jurist); places, signals, KVO records and inspections are kept by the
//! adviseur IV and the handhaver; only the adviseur IV changes the weights of the score. Never a
//! chain partner's account, never another organisation's places, only for daily work. Every read
//! of a place and every change passes the access engine and is audited.

use platform::access::{Action, Decision, Principal, Purpose, Resource, Role};

/// Roles that read the register. The Bibob coordinator reads it to see the places a screening
/// names (and, on a place's page, whether a screening names it).
pub const LEZERS: [Role; 5] = [
    Role::AdviseurIv,
    Role::Handhaver,
    Role::Burgemeester,
    Role::Jurist,
    Role::BibobCoordinator,
];

/// Roles that keep the register and the inspections.
pub const SCHRIJVERS: [Role; 2] = [Role::AdviseurIv, Role::Handhaver];

fn any(p: &Principal, roles: &[Role]) -> bool {
    roles.iter().any(|r| p.has(*r))
}

fn municipal(p: &Principal) -> bool {
    p.of_municipality() && !p.has(Role::Ketenpartner)
}

pub fn may_read(p: &Principal) -> bool {
    municipal(p) && any(p, &LEZERS)
}

pub fn may_write(p: &Principal) -> bool {
    municipal(p) && any(p, &SCHRIJVERS)
}

pub fn may_weigh(p: &Principal) -> bool {
    municipal(p) && p.has(Role::AdviseurIv)
}

/// The pure rule: (action, what) for a principal in the resource's organisation.
fn policy(
    p: &Principal,
    organisation_id: &str,
    action: Action,
    purpose: Purpose,
    weights: bool,
) -> Decision {
    if !municipal(p) {
        return Decision::Deny("role-not-allowed");
    }
    if p.organisation_id != organisation_id {
        return Decision::Deny("other-organisation");
    }
    if purpose != Purpose::Uitvoering {
        return Decision::Deny("purpose-not-allowed");
    }
    let ok = match action {
        Action::Read | Action::List => may_read(p),
        Action::Create | Action::Update if weights => may_weigh(p),
        Action::Create | Action::Update => may_write(p),
        _ => false,
    };
    if ok {
        Decision::Allow
    } else {
        Decision::Deny("role-not-allowed")
    }
}

/// One place with what is recorded about it (signals, permits, KVO, inspections). Only this
/// crate's store makes one, from the organisation it reads itself.
#[derive(Clone, Debug)]
pub struct Locatie {
    /// None while it is being created.
    pub(crate) id: Option<String>,
    pub(crate) organisation_id: String,
}

impl Resource for Locatie {
    fn kind(&self) -> &'static str {
        "ondermijning-locatie"
    }
    fn id(&self) -> Option<String> {
        self.id.clone()
    }
    fn policy(&self, p: &Principal, action: Action, purpose: Purpose) -> Decision {
        policy(p, &self.organisation_id, action, purpose, false)
    }
}

/// The register of an organisation: the list, the watch list, inspection rounds.
#[derive(Clone, Debug)]
pub struct Register {
    pub(crate) organisation_id: String,
}

impl Register {
    pub fn of(p: &Principal) -> Register {
        Register {
            organisation_id: p.organisation_id.clone(),
        }
    }
}

impl Resource for Register {
    fn kind(&self) -> &'static str {
        "ondermijning-register"
    }
    fn id(&self) -> Option<String> {
        None
    }
    fn policy(&self, p: &Principal, action: Action, purpose: Purpose) -> Decision {
        policy(p, &self.organisation_id, action, purpose, false)
    }
}

/// The weights of the score and the checklists (no personal data; the adviseur IV changes the
/// weights, the team the checklists; every change is a new version, audited).
#[derive(Clone, Debug)]
pub struct Weging {
    pub(crate) organisation_id: String,
}

impl Weging {
    pub fn of(p: &Principal) -> Weging {
        Weging {
            organisation_id: p.organisation_id.clone(),
        }
    }
}

impl Resource for Weging {
    fn kind(&self) -> &'static str {
        "ondermijning-weging"
    }
    fn id(&self) -> Option<String> {
        None
    }
    fn policy(&self, p: &Principal, action: Action, purpose: Purpose) -> Decision {
        policy(p, &self.organisation_id, action, purpose, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use platform::access::decide;

    #[test]
    fn role_action_table() {
        use Role::*;
        for role in Role::ALL {
            let p = Principal::for_tests_in("me", "gem", role);
            let reader = matches!(
                role,
                AdviseurIv | Handhaver | Burgemeester | Jurist | BibobCoordinator
            );
            let writer = matches!(role, AdviseurIv | Handhaver);
            let weigher = role == AdviseurIv;
            let place = Locatie {
                id: Some("l1".into()),
                organisation_id: "gem".into(),
            };
            let register = Register {
                organisation_id: "gem".into(),
            };
            let weights = Weging {
                organisation_id: "gem".into(),
            };
            for action in Action::ALL {
                let allowed = |r: &dyn Resource| {
                    decide(&p, action, r, Purpose::Uitvoering) == Decision::Allow
                };
                let (want, want_weights) = match action {
                    Action::Read | Action::List => (reader, reader),
                    Action::Create | Action::Update => (writer, weigher),
                    _ => (false, false),
                };
                assert_eq!(allowed(&place), want, "{role:?} {action:?} place");
                assert_eq!(allowed(&register), want, "{role:?} {action:?} register");
                assert_eq!(
                    allowed(&weights),
                    want_weights,
                    "{role:?} {action:?} weights"
                );
                // Never for another purpose, never another organisation's places, never for a
                // partner organisation's account with the same role.
                assert_ne!(decide(&p, action, &place, Purpose::Beheer), Decision::Allow);
                let other = Locatie {
                    id: Some("l2".into()),
                    organisation_id: "andere".into(),
                };
                assert_ne!(
                    decide(&p, action, &other, Purpose::Uitvoering),
                    Decision::Allow
                );
                let partner = Principal::for_tests_in("me", "politie", role);
                let theirs = Locatie {
                    id: Some("l3".into()),
                    organisation_id: "politie".into(),
                };
                assert_ne!(
                    decide(&partner, action, &theirs, Purpose::Uitvoering),
                    Decision::Allow
                );
            }
        }
    }
}
