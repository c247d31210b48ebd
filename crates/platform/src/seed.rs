//! Reference data (the gemeente, its teams and its chain partners) and demo accounts.
//! Every person in the demo data is fictitious.

use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::access::Role;
use crate::audit::{self, AuditEntry};
use crate::db::{new_id, now_ms, Db};
use crate::identity::{self, IdentityError, NewUser};
use crate::secrets;

pub const GEMEENTE: &str = "vijfheerenlanden";

/// (slug, name, kind, teams as (slug, name)).
type ReferenceOrganisation = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

pub const ORGANISATIONS: &[ReferenceOrganisation] = &[
    (
        GEMEENTE,
        "Gemeente Vijfheerenlanden",
        "gemeente",
        &[
            ("integrale-veiligheid", "Integrale Veiligheid"),
            ("handhaving", "Handhaving"),
            ("sociaal-domein", "Sociaal Domein"),
            ("crisisbeheersing", "Crisisbeheersing"),
            ("vergunningen", "Vergunningen"),
        ],
    ),
    (
        "politie-lekpoort",
        "Politie basisteam Lekpoort",
        "partner",
        &[],
    ),
    ("openbaar-ministerie", "Openbaar Ministerie", "partner", &[]),
    ("ggd-regio-utrecht", "GGD regio Utrecht", "partner", &[]),
    ("veilig-thuis", "Veilig Thuis", "partner", &[]),
    (
        "zvh-regio-utrecht",
        "Zorg- en Veiligheidshuis regio Utrecht",
        "partner",
        &[],
    ),
    (
        "riec-midden-nederland",
        "RIEC Midden-Nederland",
        "partner",
        &[],
    ),
    ("kleurrijk-wonen", "Kleurrijk Wonen", "partner", &[]),
    ("lekstede-wonen", "Lekstede Wonen", "partner", &[]),
    ("fien-wonen", "Fien Wonen", "partner", &[]),
];

/// Loads the organisations and teams on first start only, so an administrator's later changes stay.
pub async fn reference(db: &Db) -> Result<bool, IdentityError> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM organisations")
        .fetch_one(db.pool())
        .await?;
    if row.try_get::<i64, _>("n")? > 0 {
        return Ok(false);
    }
    let mut tx = db.begin().await?;
    let now = now_ms();
    for (slug, name, kind, teams) in ORGANISATIONS {
        let org_id = new_id();
        sqlx::query(
            "INSERT INTO organisations (id, slug, name, kind, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(&org_id)
        .bind(*slug)
        .bind(*name)
        .bind(*kind)
        .bind(now)
        .execute(tx.conn()?)
        .await?;
        for (team_slug, team_name) in *teams {
            identity::create_team(&mut tx, &org_id, team_slug, team_name).await?;
        }
    }
    audit::append(
        &mut tx,
        &AuditEntry::system("cli", "load-reference-data", "organisation"),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

#[derive(Clone, Debug)]
pub struct DemoAccount {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password: String,
    pub totp_secret: Option<String>,
}

pub const DEMO_PASSWORD: &str = "Baken-demo-2026";

/// (email, fictitious name, role, organisation slug, team slug).
const DEMO: &[(&str, &str, Role, &str, Option<&str>)] = &[
    (
        "beheerder@vijfheerenlanden.demo",
        "Bas Beheer (demo)",
        Role::Beheerder,
        GEMEENTE,
        None,
    ),
    (
        "auditor@vijfheerenlanden.demo",
        "Aukje Audit (demo)",
        Role::Auditor,
        GEMEENTE,
        None,
    ),
    (
        "adviseur@vijfheerenlanden.demo",
        "Iris Veilig (demo)",
        Role::AdviseurIv,
        GEMEENTE,
        Some("integrale-veiligheid"),
    ),
    (
        "procesregisseur@vijfheerenlanden.demo",
        "Pim Regie (demo)",
        Role::Procesregisseur,
        GEMEENTE,
        Some("sociaal-domein"),
    ),
    (
        "handhaver@vijfheerenlanden.demo",
        "Hanna Toezicht (demo)",
        Role::Handhaver,
        GEMEENTE,
        Some("handhaving"),
    ),
    (
        "jurist@vijfheerenlanden.demo",
        "Jules Recht (demo)",
        Role::Jurist,
        GEMEENTE,
        Some("integrale-veiligheid"),
    ),
    (
        "burgemeester@vijfheerenlanden.demo",
        "Bea Bestuur (demo)",
        Role::Burgemeester,
        GEMEENTE,
        None,
    ),
    (
        "crisis@vijfheerenlanden.demo",
        "Chris Paraat (demo)",
        Role::Crisisbeheersing,
        GEMEENTE,
        Some("crisisbeheersing"),
    ),
    (
        "analist@vijfheerenlanden.demo",
        "Anouk Cijfer (demo)",
        Role::Analist,
        GEMEENTE,
        Some("integrale-veiligheid"),
    ),
    (
        "ketenpartner@politie-lekpoort.demo",
        "Kees Keten (demo)",
        Role::Ketenpartner,
        "politie-lekpoort",
        None,
    ),
    (
        "fg@vijfheerenlanden.demo",
        "Femke Privacy (demo)",
        Role::Fg,
        GEMEENTE,
        None,
    ),
    (
        "bibob@vijfheerenlanden.demo",
        "Bram Integer (demo)",
        Role::BibobCoordinator,
        GEMEENTE,
        None,
    ),
    (
        "raadslid@vijfheerenlanden.demo",
        "Rosa Raad (demo)",
        Role::Raadslid,
        GEMEENTE,
        None,
    ),
];

/// A fixed TOTP secret per demo account, so the printed secret keeps working across restarts.
fn demo_secret(email: &str) -> String {
    let digest = Sha256::digest(format!("baken-demo-totp:{email}").as_bytes());
    secrets::base32_encode(&digest[..20])
}

/// Creates the demo accounts that do not exist yet and returns all of them with their secrets.
pub async fn demo(db: &Db) -> Result<Vec<DemoAccount>, IdentityError> {
    let mut accounts = Vec::new();
    for (email, name, role, org_slug, team) in DEMO {
        let totp_secret = role.sees_personal_data().then(|| demo_secret(email));
        if identity::user_id_by_email(db, email).await.is_err() {
            let Ok(org) = identity::organisation_by_slug(db, org_slug).await else {
                continue; // an administrator removed this organisation
            };
            let mut tx = db.begin().await?;
            let id = identity::create_user(
                &mut tx,
                &NewUser {
                    email: email.to_string(),
                    name: name.to_string(),
                    organisation_id: org.id.clone(),
                    roles: vec![*role],
                    password: Some(DEMO_PASSWORD.to_string()),
                },
            )
            .await?;
            if let Some(secret) = &totp_secret {
                identity::set_totp_secret_unchecked(&mut tx, &id, secret).await?;
            }
            if let Some(team) = team {
                sqlx::query(
                    "INSERT INTO team_members (team_id, user_id) SELECT id, $1 FROM teams WHERE organisation_id = $2 AND slug = $3",
                )
                .bind(&id)
                .bind(&org.id)
                .bind(*team)
                .execute(tx.conn()?)
                .await?;
            }
            let mut e = AuditEntry::system("cli", "create", "user");
            e.resource_id = Some(id.clone());
            e.subject_id = Some(id);
            e.reason = Some("demo".into());
            audit::append(&mut tx, &e).await?;
            tx.commit().await?;
        }
        accounts.push(DemoAccount {
            email: email.to_string(),
            name: name.to_string(),
            role: *role,
            password: DEMO_PASSWORD.to_string(),
            totp_secret,
        });
    }
    Ok(accounts)
}
