//! Who may see and change measures. A measure names a person and an address, so every read and
//! write passes the access engine and is audited.

use platform::access::{Action, Decision, Principal, Purpose, Resource, Role};

/// Roles that may read measures (the handhaver reads and records the aanleiding of a new one).
pub const LEZERS: [Role; 5] = [
    Role::Jurist,
    Role::Burgemeester,
    Role::AdviseurIv,
    Role::Handhaver,
    Role::Beheerder,
];

/// Roles that may record steps and decide.
pub const SCHRIJVERS: [Role; 4] = [
    Role::Jurist,
    Role::Burgemeester,
    Role::AdviseurIv,
    Role::Beheerder,
];

fn any(p: &Principal, roles: &[Role]) -> bool {
    roles.iter().any(|r| p.has(*r))
}

pub fn may_read(p: &Principal) -> bool {
    any(p, &LEZERS) && !p.has(Role::Ketenpartner)
}

pub fn may_write(p: &Principal) -> bool {
    any(p, &SCHRIJVERS) && !p.has(Role::Ketenpartner)
}

/// Who sees the deadline overview.
pub fn may_see_deadlines(p: &Principal) -> bool {
    may_write(p)
}

fn base(p: &Principal, organisation_id: &str, purpose: Purpose) -> Option<Decision> {
    if p.has(Role::Ketenpartner) {
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

/// One measure, with its subject (a person or an operator) and address. Only this crate's
/// store makes one, from the organisation it reads itself (see `store::authorize_measure`).
#[derive(Clone, Debug)]
pub struct Maatregel {
    /// None while it is being created.
    pub(crate) id: Option<String>,
    pub(crate) organisation_id: String,
}

impl Resource for Maatregel {
    fn kind(&self) -> &'static str {
        "maatregel"
    }
    fn id(&self) -> Option<String> {
        self.id.clone()
    }
    fn subject(&self) -> Option<String> {
        self.id.as_ref().map(|id| format!("maatregel:{id}"))
    }
    fn policy(&self, p: &Principal, action: Action, purpose: Purpose) -> Decision {
        if let Some(d) = base(p, &self.organisation_id, purpose) {
            return d;
        }
        let ok = match action {
            Action::Read => may_read(p),
            // Creating a measure records its aanleiding: the handhaver may do that.
            Action::Create => may_read(p),
            Action::Update => may_write(p),
            _ => false,
        };
        if ok {
            Decision::Allow
        } else {
            Decision::Deny("role-not-allowed")
        }
    }
}

/// The list of measures of an organisation.
#[derive(Clone, Debug)]
pub struct Maatregelen {
    pub organisation_id: String,
}

impl Resource for Maatregelen {
    fn kind(&self) -> &'static str {
        "maatregel-list"
    }
    fn id(&self) -> Option<String> {
        None
    }
    fn policy(&self, p: &Principal, action: Action, purpose: Purpose) -> Decision {
        if let Some(d) = base(p, &self.organisation_id, purpose) {
            return d;
        }
        if action == Action::List && may_read(p) {
            Decision::Allow
        } else {
            Decision::Deny("role-not-allowed")
        }
    }
}

/// The deadline overview (names and addresses with their deadlines).
#[derive(Clone, Debug)]
pub struct Termijnoverzicht {
    pub organisation_id: String,
}

impl Resource for Termijnoverzicht {
    fn kind(&self) -> &'static str {
        "maatregel-termijnen"
    }
    fn id(&self) -> Option<String> {
        None
    }
    fn policy(&self, p: &Principal, action: Action, purpose: Purpose) -> Decision {
        if let Some(d) = base(p, &self.organisation_id, purpose) {
            return d;
        }
        if action == Action::List && may_see_deadlines(p) {
            Decision::Allow
        } else {
            Decision::Deny("role-not-allowed")
        }
    }
}

/// The policy ladders: no personal data; everyone who works with measures reads them, the
/// administrator changes them (each change is a new version, audited).
#[derive(Clone, Debug)]
pub struct Beleidsladder {
    pub ladder: String,
}

impl Resource for Beleidsladder {
    fn kind(&self) -> &'static str {
        "maatregel-ladder"
    }
    fn id(&self) -> Option<String> {
        Some(self.ladder.clone())
    }
    fn policy(&self, p: &Principal, action: Action, _purpose: Purpose) -> Decision {
        let ok = match action {
            Action::Read | Action::List => may_read(p),
            Action::Update => p.has(Role::Beheerder),
            _ => false,
        };
        if ok {
            Decision::Allow
        } else {
            Decision::Deny("role-not-allowed")
        }
    }
}

/// The module's settings: letter templates, retention terms and the days designated by royal
/// decree (art. 3 lid 3 Atw). No personal data; everyone who works with measures reads them. The
/// administrator changes all three; the legal adviser, who writes the letters and owns the legal
/// calendar, also changes the templates and the designated days. Every change is audited.
#[derive(Clone, Debug)]
pub struct Inrichting {
    pub onderdeel: &'static str,
}

pub const SJABLONEN: &str = "sjablonen";
pub const BEWAARTERMIJNEN: &str = "bewaartermijnen";
pub const GELIJKGESTELDE_DAGEN: &str = "gelijkgestelde-dagen";

impl Resource for Inrichting {
    fn kind(&self) -> &'static str {
        "maatregel-inrichting"
    }
    fn id(&self) -> Option<String> {
        Some(self.onderdeel.to_string())
    }
    fn policy(&self, p: &Principal, action: Action, _purpose: Purpose) -> Decision {
        let ok = match action {
            Action::Read | Action::List => may_read(p),
            Action::Update => {
                may_write(p)
                    && (p.has(Role::Beheerder)
                        || (matches!(self.onderdeel, SJABLONEN | GELIJKGESTELDE_DAGEN)
                            && p.has(Role::Jurist)))
            }
            _ => false,
        };
        if ok {
            Decision::Allow
        } else {
            Decision::Deny("role-not-allowed")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use platform::access::decide;

    fn principal(role: Role, org: &str) -> Principal {
        Principal::for_tests_in("me", org, role)
    }

    #[test]
    fn role_action_table() {
        use Role::*;
        let m = Maatregel {
            id: Some("m1".into()),
            organisation_id: "gem".into(),
        };
        let list = Maatregelen {
            organisation_id: "gem".into(),
        };
        let overview = Termijnoverzicht {
            organisation_id: "gem".into(),
        };
        let ladder = Beleidsladder {
            ladder: "horeca".into(),
        };
        for role in Role::ALL {
            let p = principal(role, "gem");
            let reader = matches!(
                role,
                Jurist | Burgemeester | AdviseurIv | Handhaver | Beheerder
            );
            let writer = reader && role != Handhaver;
            for action in Action::ALL {
                let allow = |r: &dyn Fn() -> Decision| r() == Decision::Allow;
                let want = match action {
                    Action::Read | Action::Create => reader,
                    Action::Update => writer,
                    _ => false,
                };
                assert_eq!(
                    allow(&|| decide(&p, action, &m, Purpose::Uitvoering)),
                    want,
                    "{role:?} {action:?} measure"
                );
                assert_eq!(
                    allow(&|| decide(&p, action, &list, Purpose::Uitvoering)),
                    action == Action::List && reader,
                    "{role:?} {action:?} list"
                );
                assert_eq!(
                    allow(&|| decide(&p, action, &overview, Purpose::Uitvoering)),
                    action == Action::List && writer,
                    "{role:?} {action:?} overview"
                );
                let want = match action {
                    Action::Read | Action::List => reader,
                    Action::Update => role == Beheerder,
                    _ => false,
                };
                assert_eq!(
                    allow(&|| decide(&p, action, &ladder, Purpose::Uitvoering)),
                    want,
                    "{role:?} {action:?} ladder"
                );
                for (onderdeel, editors) in [
                    (SJABLONEN, &[Beheerder, Jurist][..]),
                    (BEWAARTERMIJNEN, &[Beheerder][..]),
                    (GELIJKGESTELDE_DAGEN, &[Beheerder, Jurist][..]),
                ] {
                    let want = match action {
                        Action::Read | Action::List => reader,
                        Action::Update => editors.contains(&role),
                        _ => false,
                    };
                    assert_eq!(
                        allow(&|| decide(
                            &p,
                            action,
                            &Inrichting { onderdeel },
                            Purpose::Uitvoering
                        )),
                        want,
                        "{role:?} {action:?} {onderdeel}"
                    );
                }
                // Never another organisation's measures, never for another purpose.
                let other = principal(role, "politie");
                assert_ne!(
                    decide(&other, action, &m, Purpose::Uitvoering),
                    Decision::Allow
                );
                assert_ne!(decide(&p, action, &m, Purpose::Beheer), Decision::Allow);
            }
        }
    }
}
