//! Who may do what with the policy: everyone of the gemeente reads; team IV (adviseur-iv) and
//! administrators change; other organisations see nothing here.

use platform::access::{Action, Decision, Principal, Purpose, Resource, Role};

/// A part of the policy module (policy, theme, plan, budget, …).
#[derive(Clone, Debug)]
pub struct Beleid {
    pub kind: &'static str,
    pub id: Option<String>,
}

impl Beleid {
    pub fn new(kind: &'static str, id: Option<&str>) -> Self {
        Beleid {
            kind,
            id: id.map(str::to_string),
        }
    }
}

/// May this person see the policy module at all?
pub fn may_read(p: &Principal) -> bool {
    p.of_municipality()
}

/// May this person change policy, plans and budgets?
pub fn may_edit(p: &Principal) -> bool {
    may_read(p) && (p.has(Role::AdviseurIv) || p.has(Role::Beheerder))
}

impl Resource for Beleid {
    fn kind(&self) -> &'static str {
        self.kind
    }
    fn id(&self) -> Option<String> {
        self.id.clone()
    }
    fn policy(&self, p: &Principal, action: Action, _purpose: Purpose) -> Decision {
        if !may_read(p) {
            return Decision::Deny("beleid is alleen voor de gemeente");
        }
        match action {
            Action::Read | Action::List | Action::Export => Decision::Allow,
            _ if may_edit(p) => Decision::Allow,
            _ => Decision::Deny("alleen team Integrale Veiligheid en beheerders wijzigen beleid"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GEMEENTE: &str = "vijfheerenlanden";

    fn p(role: Role, org: &str) -> Principal {
        Principal::for_tests_in("u", org, role)
    }

    #[test]
    fn role_by_action_table() {
        let r = Beleid::new("beleid_plan", None);
        for role in Role::ALL {
            let g = p(role, GEMEENTE);
            assert_eq!(
                r.policy(&g, Action::Read, Purpose::Uitvoering),
                Decision::Allow,
                "{role:?}"
            );
            let edit = r.policy(&g, Action::Update, Purpose::Uitvoering) == Decision::Allow;
            assert_eq!(
                edit,
                matches!(role, Role::AdviseurIv | Role::Beheerder),
                "{role:?}"
            );
            let partner = p(role, "politie-lekpoort");
            for a in Action::ALL {
                assert!(matches!(
                    r.policy(&partner, a, Purpose::Uitvoering),
                    Decision::Deny(_)
                ));
            }
        }
    }
}
