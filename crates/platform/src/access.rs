//! The access engine: one decision for every read or write of personal data.
//!
//! [`decide`] is pure policy (role × action × resource × purpose), tested as a table. [`authorize`]
//! wraps it: a denial is written to the audit log at once, an approval becomes an [`Authorized`]
//! value. Store functions that return or change personal data take `&Authorized<R>` and append
//! the audit record in their own transaction via [`Authorized::record`], so an access without a
//! decision cannot be written and an access without an audit record cannot commit.

use crate::audit::{self, AuditEntry, Outcome};
use crate::db::{Db, DbError, Tx};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Beheerder,
    Auditor,
    AdviseurIv,
    Procesregisseur,
    Handhaver,
    Jurist,
    Burgemeester,
    Crisisbeheersing,
    Analist,
    Ketenpartner,
    Raadslid,
    /// The municipality's privacy officer (functionaris gegevensbescherming): answers subject-access
    /// requests and supervises processing; reads case data only for that purpose.
    Fg,
    /// The municipality's Bibob coordinator: runs Bibob screenings, which only they and the
    /// screening's named deciders may see (art. 28 Wet Bibob).
    BibobCoordinator,
}

impl Role {
    pub const ALL: [Role; 13] = [
        Role::Beheerder,
        Role::Auditor,
        Role::AdviseurIv,
        Role::Procesregisseur,
        Role::Handhaver,
        Role::Jurist,
        Role::Burgemeester,
        Role::Crisisbeheersing,
        Role::Analist,
        Role::Ketenpartner,
        Role::Raadslid,
        Role::Fg,
        Role::BibobCoordinator,
    ];

    /// The stable slug used in the CLI, the API and the database.
    pub fn slug(self) -> &'static str {
        match self {
            Role::Beheerder => "beheerder",
            Role::Auditor => "auditor",
            Role::AdviseurIv => "adviseur-iv",
            Role::Procesregisseur => "procesregisseur",
            Role::Handhaver => "handhaver",
            Role::Jurist => "jurist",
            Role::Burgemeester => "burgemeester",
            Role::Crisisbeheersing => "crisisbeheersing",
            Role::Analist => "analist",
            Role::Ketenpartner => "ketenpartner",
            Role::Raadslid => "raadslid",
            Role::Fg => "fg",
            Role::BibobCoordinator => "bibob-coordinator",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.slug() == slug)
    }

    /// The Fluent message id of the role's display name.
    pub fn label_key(self) -> String {
        format!("role-{}", self.slug())
    }

    /// The municipality's privileged roles: only accounts of a municipality may hold them (a
    /// police account with the jurist role could otherwise revoke every covenant).
    pub fn municipal_only(self) -> bool {
        matches!(
            self,
            Role::Beheerder
                | Role::Jurist
                | Role::AdviseurIv
                | Role::Procesregisseur
                | Role::Burgemeester
                | Role::Fg
                | Role::BibobCoordinator
        )
    }

    /// Roles that open case files: granting one needs a second administrator's approval.
    pub fn reads_case_data(self) -> bool {
        matches!(
            self,
            Role::Procesregisseur
                | Role::AdviseurIv
                | Role::Ketenpartner
                | Role::Fg
                | Role::BibobCoordinator
        )
    }

    /// Roles that can see personal data must use two-factor authentication (BIO2 5.17.01).
    /// Only the council member, who sees aggregated policy reports, does not.
    pub fn sees_personal_data(self) -> bool {
        !matches!(self, Role::Raadslid)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Read,
    List,
    Create,
    Update,
    Delete,
    Export,
}

impl Action {
    pub const ALL: [Action; 6] = [
        Action::Read,
        Action::List,
        Action::Create,
        Action::Update,
        Action::Delete,
        Action::Export,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Action::Read => "read",
            Action::List => "list",
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Export => "export",
        }
    }
}

/// Why personal data is processed; recorded with every access (NEN 7513 "autorisatieprotocol").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Administration of accounts and organisations.
    Beheer,
    /// Auditing and accountability (the audit log itself).
    Controle,
    /// A person looking at or changing their own account.
    EigenGegevens,
    /// Daily work within the user's own organisation (e.g. finding a colleague).
    Uitvoering,
}

impl Purpose {
    pub fn slug(self) -> &'static str {
        match self {
            Purpose::Beheer => "beheer",
            Purpose::Controle => "controle",
            Purpose::EigenGegevens => "eigen-gegevens",
            Purpose::Uitvoering => "uitvoering",
        }
    }
}

/// What a [`Principal`] is: readable by everyone through `Deref`, but a principal itself can only
/// be made by the platform (a login, an API token, or [`Principal::system`]), so that no module
/// can forge or widen the facts an access decision is taken on.
#[derive(Clone, Debug)]
pub struct PrincipalFacts {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub organisation_id: String,
    pub organisation_slug: String,
    pub organisation_name: String,
    /// The organisation's kind (`gemeente`, `politie`, `zorg`, …): decisions ask what kind of
    /// organisation a person works for, never which one.
    pub organisation_kind: String,
    pub roles: Vec<Role>,
    pub lang: String,
}

/// The authenticated person (or system job) on whose behalf a request runs.
#[derive(Clone, Debug)]
pub struct Principal {
    facts: PrincipalFacts,
    system: bool,
}

impl std::ops::Deref for Principal {
    type Target = PrincipalFacts;
    fn deref(&self) -> &PrincipalFacts {
        &self.facts
    }
}

/// The organisation kind of municipalities: the only kind whose accounts may hold the
/// municipality's privileged roles.
pub const KIND_GEMEENTE: &str = "gemeente";

impl Principal {
    /// A person, as loaded by the platform's identity store.
    pub(crate) fn person(facts: PrincipalFacts) -> Principal {
        Principal {
            facts,
            system: false,
        }
    }

    /// A system principal for jobs, demo data and benchmarks, acting within one organisation with
    /// the given roles; the audit log names it as the system, never as a person.
    pub fn system(
        job: &str,
        organisation: &crate::identity::Organisation,
        roles: Vec<Role>,
    ) -> Principal {
        Principal {
            facts: PrincipalFacts {
                user_id: format!("systeem:{job}"),
                name: format!("Systeem ({job})"),
                email: String::new(),
                organisation_id: organisation.id.clone(),
                organisation_slug: organisation.slug.clone(),
                organisation_name: organisation.name.clone(),
                organisation_kind: organisation.kind.clone(),
                roles,
                lang: "nl".into(),
            },
            system: true,
        }
    }

    /// A principal for unit tests of policies in other crates (feature `test-support`).
    #[cfg(any(test, feature = "test-support"))]
    pub fn for_tests(user_id: &str, organisation: &str, kind: &str, roles: Vec<Role>) -> Principal {
        Principal::person(PrincipalFacts {
            user_id: user_id.into(),
            name: "Test".into(),
            email: "t@example.org".into(),
            organisation_id: organisation.into(),
            organisation_slug: organisation.into(),
            organisation_name: organisation.into(),
            organisation_kind: kind.into(),
            roles,
            lang: "nl".into(),
        })
    }

    /// [`Principal::for_tests`] with one role in organisation `org`: a municipality for "gem"
    /// and "vijfheerenlanden", a partner organisation otherwise.
    #[cfg(any(test, feature = "test-support"))]
    pub fn for_tests_in(user_id: &str, org: &str, role: Role) -> Principal {
        let kind = if ["gem", "vijfheerenlanden"].contains(&org) {
            KIND_GEMEENTE
        } else {
            "partner"
        };
        Principal::for_tests(user_id, org, kind, vec![role])
    }

    pub fn is_system(&self) -> bool {
        self.system
    }

    /// Whether the person works for a municipality.
    pub fn of_municipality(&self) -> bool {
        self.facts.organisation_kind == KIND_GEMEENTE
    }

    pub fn has(&self, role: Role) -> bool {
        self.facts.roles.contains(&role)
    }

    pub fn roles_text(&self) -> String {
        self.facts
            .roles
            .iter()
            .map(|r| r.slug())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Where a request came from, for the audit record. Never holds a client address.
#[derive(Clone, Debug)]
pub struct RequestContext {
    pub request_id: String,
    pub origin: &'static str,
}

impl RequestContext {
    pub fn new(origin: &'static str) -> Self {
        RequestContext {
            request_id: crate::db::new_id(),
            origin,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Deny(&'static str),
}

/// Which rows a list may return; turned into a SQL predicate by the store that owns the rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    All,
    Organisation(String),
}

/// A thing an access decision is about.
pub trait Resource {
    fn kind(&self) -> &'static str;
    fn id(&self) -> Option<String>;
    /// The person whose data this is (the NEN 7513 "cliënt"), when there is one.
    fn subject(&self) -> Option<String> {
        None
    }
    fn policy(&self, principal: &Principal, action: Action, purpose: Purpose) -> Decision;
}

/// An account: name and e-mail address are personal data.
#[derive(Clone, Debug)]
pub struct UserAccount {
    pub id: String,
    pub organisation_id: String,
}

impl Resource for UserAccount {
    fn kind(&self) -> &'static str {
        "user"
    }
    fn id(&self) -> Option<String> {
        Some(self.id.clone())
    }
    fn subject(&self) -> Option<String> {
        Some(self.id.clone())
    }
    fn policy(&self, p: &Principal, action: Action, purpose: Purpose) -> Decision {
        let own = p.user_id == self.id;
        match action {
            Action::Read if own => Decision::Allow,
            Action::Read if p.has(Role::Beheerder) || p.has(Role::Auditor) => Decision::Allow,
            // The staff directory is for those who work with personal data: a council member
            // (who sees only aggregated reports) does not look colleagues up.
            Action::Read if !p.roles.iter().any(|r| r.sees_personal_data()) => {
                Decision::Deny("role-not-allowed")
            }
            Action::Read if p.organisation_id == self.organisation_id => {
                if purpose == Purpose::Uitvoering || purpose == Purpose::EigenGegevens {
                    Decision::Allow
                } else {
                    Decision::Deny("purpose-not-allowed")
                }
            }
            Action::Read => Decision::Deny("other-organisation"),
            Action::Update if own && purpose == Purpose::EigenGegevens => Decision::Allow,
            Action::Create | Action::Update | Action::Delete if p.has(Role::Beheerder) => {
                Decision::Allow
            }
            _ => Decision::Deny("role-not-allowed"),
        }
    }
}

/// The list of accounts.
#[derive(Clone, Debug)]
pub struct UserDirectory;

impl UserDirectory {
    pub fn scope(p: &Principal) -> Scope {
        if p.has(Role::Beheerder) || p.has(Role::Auditor) {
            Scope::All
        } else {
            Scope::Organisation(p.organisation_id.clone())
        }
    }
}

impl Resource for UserDirectory {
    fn kind(&self) -> &'static str {
        "user-directory"
    }
    fn id(&self) -> Option<String> {
        None
    }
    fn policy(&self, p: &Principal, action: Action, _purpose: Purpose) -> Decision {
        match action {
            Action::List => {
                if p.roles.is_empty() {
                    Decision::Deny("no-role")
                } else if !p.roles.iter().any(|r| r.sees_personal_data()) {
                    Decision::Deny("role-not-allowed")
                } else {
                    Decision::Allow
                }
            }
            Action::Export if p.has(Role::Beheerder) || p.has(Role::Auditor) => Decision::Allow,
            _ => Decision::Deny("role-not-allowed"),
        }
    }
}

/// The roles of an account: changing them changes what that person may see.
#[derive(Clone, Debug)]
pub struct RoleAssignment {
    pub user_id: String,
}

impl Resource for RoleAssignment {
    fn kind(&self) -> &'static str {
        "role-assignment"
    }
    fn id(&self) -> Option<String> {
        Some(self.user_id.clone())
    }
    fn subject(&self) -> Option<String> {
        Some(self.user_id.clone())
    }
    fn policy(&self, p: &Principal, action: Action, _purpose: Purpose) -> Decision {
        match action {
            Action::Read if p.user_id == self.user_id => Decision::Allow,
            Action::Read | Action::List if p.has(Role::Beheerder) || p.has(Role::Auditor) => {
                Decision::Allow
            }
            Action::Create | Action::Delete | Action::Update if p.has(Role::Beheerder) => {
                Decision::Allow
            }
            _ => Decision::Deny("role-not-allowed"),
        }
    }
}

/// API tokens of an account.
#[derive(Clone, Debug)]
pub struct ApiTokens {
    pub user_id: String,
}

impl Resource for ApiTokens {
    fn kind(&self) -> &'static str {
        "api-token"
    }
    fn id(&self) -> Option<String> {
        Some(self.user_id.clone())
    }
    fn subject(&self) -> Option<String> {
        Some(self.user_id.clone())
    }
    fn policy(&self, p: &Principal, action: Action, _purpose: Purpose) -> Decision {
        if action == Action::Export {
            return Decision::Deny("role-not-allowed");
        }
        if p.user_id == self.user_id || p.has(Role::Beheerder) {
            Decision::Allow
        } else {
            Decision::Deny("role-not-allowed")
        }
    }
}

/// Organisations and their teams: no personal data, but changes are administration.
#[derive(Clone, Debug)]
pub struct Organisations {
    pub id: Option<String>,
}

impl Resource for Organisations {
    fn kind(&self) -> &'static str {
        "organisation"
    }
    fn id(&self) -> Option<String> {
        self.id.clone()
    }
    fn policy(&self, p: &Principal, action: Action, _purpose: Purpose) -> Decision {
        match action {
            Action::Read | Action::List => Decision::Allow,
            Action::Create | Action::Update | Action::Delete if p.has(Role::Beheerder) => {
                Decision::Allow
            }
            _ => Decision::Deny("role-not-allowed"),
        }
    }
}

/// The audit log: it names people and what they looked at, so it is personal data too.
#[derive(Clone, Debug)]
pub struct AuditTrail;

impl Resource for AuditTrail {
    fn kind(&self) -> &'static str {
        "audit-log"
    }
    fn id(&self) -> Option<String> {
        None
    }
    fn policy(&self, p: &Principal, action: Action, purpose: Purpose) -> Decision {
        let may = p.has(Role::Auditor) || p.has(Role::Beheerder);
        match action {
            Action::Read | Action::List | Action::Export if may => {
                if purpose == Purpose::Controle {
                    Decision::Allow
                } else {
                    Decision::Deny("purpose-not-allowed")
                }
            }
            _ => Decision::Deny("role-not-allowed"),
        }
    }
}

/// What may happen to a requested role grant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GrantVerdict {
    Grant,
    /// Recorded as a request that a second administrator must approve.
    NeedsApproval,
    Refuse(&'static str),
}

/// The rule for `granter` giving `role` to the account `target_user_id` of an organisation of
/// kind `target_kind` (separation of duties: nobody grants themselves a role).
pub fn grant_rule(
    granter: &Principal,
    target_user_id: &str,
    target_kind: &str,
    role: Role,
) -> GrantVerdict {
    if !granter.has(Role::Beheerder) {
        GrantVerdict::Refuse("role-not-allowed")
    } else if granter.user_id == target_user_id {
        GrantVerdict::Refuse("self-grant")
    } else if role.municipal_only() && target_kind != KIND_GEMEENTE {
        GrantVerdict::Refuse("role-needs-municipality")
    } else if role.reads_case_data() {
        GrantVerdict::NeedsApproval
    } else {
        GrantVerdict::Grant
    }
}

/// Roles that make no sense together on one account, as the reason the combination is refused:
/// a council member oversees the executive and sees no personal data, so holds no other role;
/// who audits the log does not administer what is audited.
pub fn role_conflict(roles: &[Role]) -> Option<&'static str> {
    if roles.contains(&Role::Raadslid) && roles.len() > 1 {
        Some("role-conflict-raadslid")
    } else if roles.contains(&Role::Auditor) && roles.contains(&Role::Beheerder) {
        Some("role-conflict-auditor")
    } else {
        None
    }
}

/// The rule for `approver` deciding on a grant that `requested_by` asked for: a second
/// administrator, not the account concerned, and the grant itself must still be allowed.
pub fn approval_rule(
    approver: &Principal,
    requested_by: &str,
    target_user_id: &str,
    target_kind: &str,
    role: Role,
) -> Decision {
    if approver.user_id == requested_by {
        return Decision::Deny("four-eyes");
    }
    match grant_rule(approver, target_user_id, target_kind, role) {
        GrantVerdict::Refuse(reason) => Decision::Deny(reason),
        GrantVerdict::Grant | GrantVerdict::NeedsApproval => Decision::Allow,
    }
}

/// A page or API operation that a role gate in its handler refused before any resource was
/// read; the shell records such refusals under this resource.
#[derive(Clone, Debug)]
pub struct Route(pub String);

impl Resource for Route {
    fn kind(&self) -> &'static str {
        "route"
    }
    fn id(&self) -> Option<String> {
        Some(self.0.clone())
    }
    fn policy(&self, _: &Principal, _: Action, _: Purpose) -> Decision {
        Decision::Deny("role-not-allowed")
    }
}

/// The pure decision.
pub fn decide<R: Resource + ?Sized>(
    principal: &Principal,
    action: Action,
    resource: &R,
    purpose: Purpose,
) -> Decision {
    resource.policy(principal, action, purpose)
}

#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    #[error("access denied: {0}")]
    Forbidden(&'static str),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// What a capability was granted for, as a type: [`AnyAction`] for one whose action is known
/// only at run time, or one of the [`act`] types, so that a store function can demand e.g.
/// `&Authorized<R, act::Update>` and a capability to read does not type-check there.
pub trait ActionKind: 'static {}

/// An action known to the type system.
pub trait ActionType: ActionKind {
    const ACTION: Action;
}

/// A capability whose action was chosen at run time (see [`authorize`]).
#[derive(Debug)]
pub enum AnyAction {}
impl ActionKind for AnyAction {}

/// The actions as types, for [`authorize_as`].
pub mod act {
    use super::{Action, ActionKind, ActionType};

    macro_rules! action_types {
        ($($name:ident => $action:expr),* $(,)?) => {$(
            #[derive(Debug)]
            pub enum $name {}
            impl ActionKind for $name {}
            impl ActionType for $name {
                const ACTION: Action = $action;
            }
        )*};
    }

    action_types!(
        Read => Action::Read,
        List => Action::List,
        Create => Action::Create,
        Update => Action::Update,
        Delete => Action::Delete,
        Export => Action::Export,
    );
}

/// Proof that `principal` may perform `action` on `resource` for `purpose`. Only [`authorize`]
/// and [`authorize_as`] make one.
#[derive(Debug)]
pub struct Authorized<R, A: ActionKind = AnyAction> {
    resource: R,
    action: Action,
    purpose: Purpose,
    principal: Principal,
    context: RequestContext,
    _action: std::marker::PhantomData<fn() -> A>,
}

impl<R: Resource, A: ActionKind> Authorized<R, A> {
    /// The action this capability was granted for.
    pub fn action(&self) -> Action {
        self.action
    }
    pub fn resource(&self) -> &R {
        &self.resource
    }
    pub fn principal(&self) -> &Principal {
        &self.principal
    }
    pub fn purpose(&self) -> Purpose {
        self.purpose
    }

    /// Appends the "allowed" audit record for this access to `tx`; store functions call it in
    /// the transaction in which they read or write, so both commit or neither does.
    pub async fn record(&self, tx: &mut Tx) -> Result<(), DbError> {
        audit::append(tx, &self.allowed_entry()).await.map(|_| ())
    }

    fn allowed_entry(&self) -> audit::AuditEntry {
        entry_for(
            &self.principal,
            &self.context,
            self.action,
            &self.resource,
            self.purpose,
            Outcome::Allowed,
            None,
        )
    }

    /// Records the access through the audit writer, grouped with concurrent reads (see
    /// [`audit::append_grouped`]); for a read with no write of its own.
    pub async fn record_grouped(&self, db: &crate::db::Db) -> Result<(), DbError> {
        audit::append_grouped(db, self.allowed_entry()).await
    }

    /// Appends one "allowed" read record per item shown under this decision (e.g. each entry
    /// of a case file), so that the log answers "who saw this entry" and not only "who opened
    /// the file". `subject` is the person or case the items belong to.
    pub async fn record_each(
        &self,
        tx: &mut Tx,
        kind: &'static str,
        ids: &[String],
        subject: Option<&str>,
    ) -> Result<(), DbError> {
        for id in ids {
            audit::append(tx, &self.item_entry(Action::Read, kind, id, subject)).await?;
        }
        Ok(())
    }

    /// Appends the "allowed" record of a record created under this decision (e.g. a melding
    /// registered from the work queue), naming the new record rather than the collection.
    pub async fn record_created(
        &self,
        tx: &mut Tx,
        kind: &'static str,
        id: &str,
        subject: Option<&str>,
    ) -> Result<(), DbError> {
        audit::append(tx, &self.item_entry(Action::Create, kind, id, subject))
            .await
            .map(|_| ())
    }

    fn item_entry(
        &self,
        action: Action,
        kind: &str,
        id: &str,
        subject: Option<&str>,
    ) -> AuditEntry {
        let mut entry = entry_for(
            &self.principal,
            &self.context,
            action,
            &self.resource,
            self.purpose,
            Outcome::Allowed,
            None,
        );
        entry.resource_type = kind.to_string();
        entry.resource_id = Some(id.to_string());
        entry.subject_id = subject.map(str::to_string);
        entry
    }
}

fn entry_for<R: Resource + ?Sized>(
    principal: &Principal,
    context: &RequestContext,
    action: Action,
    resource: &R,
    purpose: Purpose,
    outcome: Outcome,
    reason: Option<&str>,
) -> AuditEntry {
    AuditEntry {
        actor_user_id: (!principal.is_system()).then(|| principal.user_id.clone()),
        actor_name: principal.name.clone(),
        actor_org_id: Some(principal.organisation_id.clone()),
        actor_org_name: Some(principal.organisation_name.clone()),
        actor_roles: principal.roles_text(),
        on_behalf_of: None,
        origin: context.origin.to_string(),
        request_id: context.request_id.clone(),
        action: action.slug().to_string(),
        resource_type: resource.kind().to_string(),
        resource_id: resource.id(),
        subject_id: resource.subject(),
        purpose: purpose.slug().to_string(),
        outcome,
        reason: reason.map(str::to_string),
    }
}

/// Decides, and writes a denial to the audit log at once (in its own transaction, so the denial
/// is kept although the caller's work does not go ahead).
pub async fn authorize<R: Resource>(
    db: &Db,
    context: &RequestContext,
    principal: &Principal,
    action: Action,
    resource: R,
    purpose: Purpose,
) -> Result<Authorized<R>, AccessError> {
    decided(db, context, principal, action, resource, purpose).await
}

/// [`authorize`] for an action named by its type: the capability can only be handed to store
/// functions that take that action.
pub async fn authorize_as<A: ActionType, R: Resource>(
    db: &Db,
    context: &RequestContext,
    principal: &Principal,
    resource: R,
    purpose: Purpose,
) -> Result<Authorized<R, A>, AccessError> {
    decided(db, context, principal, A::ACTION, resource, purpose).await
}

async fn decided<R: Resource, A: ActionKind>(
    db: &Db,
    context: &RequestContext,
    principal: &Principal,
    action: Action,
    resource: R,
    purpose: Purpose,
) -> Result<Authorized<R, A>, AccessError> {
    match decide(principal, action, &resource, purpose) {
        Decision::Allow => Ok(Authorized {
            resource,
            action,
            purpose,
            principal: principal.clone(),
            context: context.clone(),
            _action: std::marker::PhantomData,
        }),
        Decision::Deny(reason) => {
            Err(deny(db, context, principal, action, &resource, purpose, reason).await)
        }
    }
}

/// Records a refusal that a store's own rule made after the resource-level decision (e.g. a
/// role grant the separation-of-duties rule refuses) and returns the error to hand back. The
/// record is written in its own transaction, so it is kept although the work is not done.
pub async fn deny<R: Resource + ?Sized>(
    db: &Db,
    context: &RequestContext,
    principal: &Principal,
    action: Action,
    resource: &R,
    purpose: Purpose,
    reason: &'static str,
) -> AccessError {
    let entry = entry_for(
        principal,
        context,
        action,
        resource,
        purpose,
        Outcome::Denied,
        Some(reason),
    );
    let written = async {
        let mut tx = db.begin().await?;
        audit::append(&mut tx, &entry).await?;
        tx.commit().await
    };
    match written.await {
        Ok(()) => AccessError::Forbidden(reason),
        Err(e) => AccessError::Db(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(role: Role, org: &str, id: &str) -> Principal {
        Principal::for_tests(id, org, KIND_GEMEENTE, vec![role])
    }

    const A: Decision = Decision::Allow;

    /// Expected decision per role for each (action, resource) cell. Resources are seen from a
    /// principal in organisation "gem" with id "me": another user in the same organisation
    /// ("colleague"), a user in a partner organisation ("other"), and the principal's own account.
    #[test]
    fn role_action_resource_table() {
        use Role::*;
        let colleague = UserAccount {
            id: "colleague".into(),
            organisation_id: "gem".into(),
        };
        let other = UserAccount {
            id: "other".into(),
            organisation_id: "partner".into(),
        };
        let own = UserAccount {
            id: "me".into(),
            organisation_id: "gem".into(),
        };
        for role in Role::ALL {
            let p = principal(role, "gem", "me");
            let admin = role == Beheerder;
            let auditor = role == Auditor;
            for action in Action::ALL {
                // Accounts of colleagues, read for daily work.
                let got = decide(&p, action, &colleague, Purpose::Uitvoering);
                let want = match action {
                    // Not a council member: the staff directory is for work with personal data.
                    Action::Read => role.sees_personal_data(),
                    Action::Create | Action::Update | Action::Delete => admin,
                    Action::List | Action::Export => false,
                };
                assert_eq!(got == A, want, "{role:?} {action:?} colleague");

                // Accounts in another organisation.
                let got = decide(&p, action, &other, Purpose::Beheer);
                let want = match action {
                    Action::Read => admin || auditor,
                    Action::Create | Action::Update | Action::Delete => admin,
                    Action::List | Action::Export => false,
                };
                assert_eq!(got == A, want, "{role:?} {action:?} other");

                // One's own account.
                let got = decide(&p, action, &own, Purpose::EigenGegevens);
                let want = match action {
                    Action::Read | Action::Update => true,
                    Action::Create | Action::Delete => admin,
                    Action::List | Action::Export => false,
                };
                assert_eq!(got == A, want, "{role:?} {action:?} own");

                // The user list.
                let got = decide(&p, action, &UserDirectory, Purpose::Uitvoering);
                let want = match action {
                    Action::List => role.sees_personal_data(),
                    Action::Export => admin || auditor,
                    _ => false,
                };
                assert_eq!(got == A, want, "{role:?} {action:?} directory");

                // Role assignments of a colleague.
                let ra = RoleAssignment {
                    user_id: "colleague".into(),
                };
                let got = decide(&p, action, &ra, Purpose::Beheer);
                let want = match action {
                    Action::Read | Action::List => admin || auditor,
                    Action::Create | Action::Update | Action::Delete => admin,
                    Action::Export => false,
                };
                assert_eq!(got == A, want, "{role:?} {action:?} role assignment");

                // API tokens: one's own, or any for the administrator.
                let own_tokens = ApiTokens {
                    user_id: "me".into(),
                };
                let got = decide(&p, action, &own_tokens, Purpose::EigenGegevens);
                assert_eq!(
                    got == A,
                    action != Action::Export,
                    "{role:?} {action:?} own tokens"
                );
                let their_tokens = ApiTokens {
                    user_id: "colleague".into(),
                };
                let got = decide(&p, action, &their_tokens, Purpose::Beheer);
                assert_eq!(
                    got == A,
                    admin && action != Action::Export,
                    "{role:?} {action:?} tokens"
                );

                // Organisations.
                let got = decide(&p, action, &Organisations { id: None }, Purpose::Beheer);
                let want = match action {
                    Action::Read | Action::List => true,
                    Action::Create | Action::Update | Action::Delete => admin,
                    Action::Export => false,
                };
                assert_eq!(got == A, want, "{role:?} {action:?} organisations");

                // The audit log, for control; and for any other purpose never.
                let got = decide(&p, action, &AuditTrail, Purpose::Controle);
                let want = matches!(action, Action::Read | Action::List | Action::Export)
                    && (admin || auditor);
                assert_eq!(got == A, want, "{role:?} {action:?} audit");
                assert_ne!(
                    decide(&p, action, &AuditTrail, Purpose::Uitvoering),
                    A,
                    "{role:?} {action:?} audit for another purpose"
                );
            }
        }
    }

    /// Role grants: who may grant what to whom, for every role and kind of organisation.
    #[test]
    fn nonsense_role_combinations_are_refused_with_their_reason() {
        assert_eq!(role_conflict(&[]), None);
        for role in Role::ALL {
            assert_eq!(role_conflict(&[role]), None, "{role:?} alone");
        }
        for role in Role::ALL.into_iter().filter(|r| *r != Role::Raadslid) {
            assert_eq!(
                role_conflict(&[role, Role::Raadslid]),
                Some("role-conflict-raadslid"),
                "{role:?}"
            );
        }
        assert_eq!(
            role_conflict(&[Role::Beheerder, Role::Auditor]),
            Some("role-conflict-auditor")
        );
        assert_eq!(role_conflict(&[Role::Beheerder, Role::Jurist]), None);
    }

    #[test]
    fn role_grants_are_bound_to_municipalities_and_need_two_administrators() {
        let admin = principal(Role::Beheerder, "gem", "admin");
        let second = principal(Role::Beheerder, "gem", "admin2");
        for role in Role::ALL {
            for kind in [KIND_GEMEENTE, "partner"] {
                let got = grant_rule(&admin, "target", kind, role);
                let want = if role.municipal_only() && kind != KIND_GEMEENTE {
                    GrantVerdict::Refuse("role-needs-municipality")
                } else if role.reads_case_data() {
                    GrantVerdict::NeedsApproval
                } else {
                    GrantVerdict::Grant
                };
                assert_eq!(got, want, "{role:?} to {kind}");
                assert_eq!(
                    grant_rule(&admin, "admin", kind, role),
                    GrantVerdict::Refuse("self-grant"),
                    "{role:?} to oneself"
                );
                // The requester cannot approve their own request; a second administrator can
                // while the grant is allowed at all; the account concerned never.
                assert_eq!(
                    approval_rule(&admin, "admin", "target", kind, role),
                    Decision::Deny("four-eyes")
                );
                let second_ok = approval_rule(&second, "admin", "target", kind, role);
                assert_eq!(
                    second_ok == Decision::Allow,
                    !(role.municipal_only() && kind != KIND_GEMEENTE),
                    "{role:?} approved for {kind}"
                );
                assert_ne!(
                    approval_rule(&second, "admin", "admin2", kind, role),
                    Decision::Allow
                );
            }
            for other in Role::ALL.into_iter().filter(|r| *r != Role::Beheerder) {
                let p = principal(other, "gem", "x");
                assert_eq!(
                    grant_rule(&p, "target", KIND_GEMEENTE, role),
                    GrantVerdict::Refuse("role-not-allowed")
                );
            }
        }
        assert!(Role::Fg.reads_case_data() && Role::Fg.municipal_only());
        assert!(!Role::Ketenpartner.municipal_only());
    }

    #[test]
    fn colleague_read_needs_a_work_purpose() {
        let p = principal(Role::Handhaver, "gem", "me");
        let colleague = UserAccount {
            id: "c".into(),
            organisation_id: "gem".into(),
        };
        assert_eq!(
            decide(&p, Action::Read, &colleague, Purpose::Beheer),
            Decision::Deny("purpose-not-allowed")
        );
    }

    #[test]
    fn list_scope_follows_role() {
        assert_eq!(
            UserDirectory::scope(&principal(Role::Beheerder, "gem", "me")),
            Scope::All
        );
        assert_eq!(
            UserDirectory::scope(&principal(Role::Ketenpartner, "politie", "me")),
            Scope::Organisation("politie".into())
        );
    }

    #[test]
    fn every_role_slug_round_trips_and_only_council_skips_2fa() {
        for role in Role::ALL {
            assert_eq!(Role::from_slug(role.slug()), Some(role));
            assert_eq!(role.sees_personal_data(), role != Role::Raadslid);
        }
        assert_eq!(Role::from_slug("root"), None);
    }
}
