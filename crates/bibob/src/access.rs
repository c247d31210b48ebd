//! Who may see a Bibob screening: the strictest need-to-know in Baken (art. 28 Wet Bibob). The
//! municipality's Bibob coordinator, and the accounts named as deciders of that one screening;
//! nobody else, whatever their role (not the administrator, not the auditor: the audit log
//! shows them who looked, never what is in the file).

use platform::access::{Action, Decision, Principal, Purpose, Resource, Role};

/// Whether the person holds the coordinator role in a municipality.
pub fn coordinator(p: &Principal) -> bool {
    p.has(Role::BibobCoordinator) && p.of_municipality()
}

/// The roles from which the coordinator names deciders (the burgemeester decides on horeca and
/// Opiumwet applications; a jurist can hold the mandate).
pub const BESLISSER_ROLLEN: [Role; 2] = [Role::Burgemeester, Role::Jurist];

fn base(p: &Principal, organisation_id: &str, purpose: Purpose) -> Option<Decision> {
    if !p.of_municipality() {
        return Some(Decision::Deny("role-not-allowed"));
    }
    if p.organisation_id != organisation_id {
        return Some(Decision::Deny("other-organisation"));
    }
    if purpose != Purpose::Uitvoering {
        return Some(Decision::Deny("purpose-not-allowed"));
    }
    None
}

/// One screening, with the deciders named on it. Only this crate's store makes one, from the
/// rows it reads itself (see `store::authorize_screening`).
#[derive(Clone, Debug)]
pub struct Screening {
    /// None while it is being created.
    pub(crate) id: Option<String>,
    pub(crate) organisation_id: String,
    pub(crate) beslissers: Vec<String>,
}

impl Resource for Screening {
    fn kind(&self) -> &'static str {
        "bibob-screening"
    }
    fn id(&self) -> Option<String> {
        self.id.clone()
    }
    fn subject(&self) -> Option<String> {
        self.id.as_ref().map(|id| format!("bibob-screening:{id}"))
    }
    fn policy(&self, p: &Principal, action: Action, purpose: Purpose) -> Decision {
        if let Some(d) = base(p, &self.organisation_id, purpose) {
            return d;
        }
        let named = self.beslissers.iter().any(|b| *b == p.user_id);
        let ok = match action {
            Action::Create | Action::Delete => coordinator(p),
            // A named decider reads the file and records the intention and the decision.
            Action::Read | Action::Update => coordinator(p) || named,
            _ => false,
        };
        if ok {
            Decision::Allow
        } else {
            Decision::Deny("bibob-need-to-know")
        }
    }
}

/// The list of screenings: all of them for the coordinator, for a decider the ones naming them
/// (`named_in`: how many, counted by the store before the decision).
#[derive(Clone, Debug)]
pub struct Screenings {
    pub(crate) organisation_id: String,
    pub(crate) named_in: i64,
}

impl Resource for Screenings {
    fn kind(&self) -> &'static str {
        "bibob-screening-list"
    }
    fn id(&self) -> Option<String> {
        None
    }
    fn policy(&self, p: &Principal, action: Action, purpose: Purpose) -> Decision {
        if let Some(d) = base(p, &self.organisation_id, purpose) {
            return d;
        }
        if action == Action::List && (coordinator(p) || self.named_in > 0) {
            Decision::Allow
        } else {
            Decision::Deny("bibob-need-to-know")
        }
    }
}

/// The municipality's Bibob policy (which kinds are screened when): no personal data, but it
/// tells how the municipality screens, so only the coordinator sees and changes it.
#[derive(Clone, Debug)]
pub struct Beleid {
    pub organisation_id: String,
}

impl Resource for Beleid {
    fn kind(&self) -> &'static str {
        "bibob-beleid"
    }
    fn id(&self) -> Option<String> {
        None
    }
    fn policy(&self, p: &Principal, action: Action, purpose: Purpose) -> Decision {
        if let Some(d) = base(p, &self.organisation_id, purpose) {
            return d;
        }
        if matches!(action, Action::Read | Action::Update) && coordinator(p) {
            Decision::Allow
        } else {
            Decision::Deny("bibob-need-to-know")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use platform::access::{decide, KIND_GEMEENTE};

    /// Every role, in the municipality and in a partner organisation, named or not, for every
    /// action: only the coordinator and a named decider of the same municipality get in.
    #[test]
    fn only_the_coordinator_and_named_deciders_see_a_screening() {
        for role in Role::ALL {
            for kind in [KIND_GEMEENTE, "politie"] {
                let p = Principal::for_tests("me", "gem", kind, vec![role]);
                let gemeente = kind == KIND_GEMEENTE;
                let coord = role == Role::BibobCoordinator && gemeente;
                for named in [false, true] {
                    let s = Screening {
                        id: Some("s".into()),
                        organisation_id: "gem".into(),
                        beslissers: if named { vec!["me".into()] } else { vec![] },
                    };
                    let list = Screenings {
                        organisation_id: "gem".into(),
                        named_in: i64::from(named),
                    };
                    for action in Action::ALL {
                        let want = gemeente
                            && match action {
                                Action::Read | Action::Update => coord || named,
                                Action::Create | Action::Delete => coord,
                                Action::List | Action::Export => false,
                            };
                        let got = decide(&p, action, &s, Purpose::Uitvoering) == Decision::Allow;
                        assert_eq!(got, want, "{role:?} {kind} named={named} {action:?}");
                        let got = decide(&p, action, &list, Purpose::Uitvoering) == Decision::Allow;
                        let want = gemeente && action == Action::List && (coord || named);
                        assert_eq!(got, want, "list {role:?} {kind} named={named} {action:?}");
                        // Never for another purpose (control, administration).
                        for purpose in [Purpose::Beheer, Purpose::Controle] {
                            assert_ne!(decide(&p, action, &s, purpose), Decision::Allow);
                        }
                    }
                    let beleid = Beleid {
                        organisation_id: "gem".into(),
                    };
                    assert_eq!(
                        decide(&p, Action::Update, &beleid, Purpose::Uitvoering) == Decision::Allow,
                        coord
                    );
                }
                // Another municipality's screening: never, not even for its coordinator.
                let other = Screening {
                    id: Some("s".into()),
                    organisation_id: "andere".into(),
                    beslissers: vec!["me".into()],
                };
                assert_ne!(
                    decide(&p, Action::Read, &other, Purpose::Uitvoering),
                    Decision::Allow
                );
            }
        }
    }
}
