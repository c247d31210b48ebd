//! The administrator's settings of the module at `/meldingen/inrichting`: per category its
//! name, deadline, workflow (which status may follow which), retention terms and whether it is
//! offered; and the ordered routing rules (category, keyword, wijk or buurt → team). Every
//! change passes the access engine and leaves an audit record.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::Extension;
use platform::access::{
    self, act, Action, Authorized, Decision, Principal, Purpose, Resource, Role,
};
use platform::db::{new_id, Db, DbError};
use platform::identity::{field_error, FieldError};
use platform::web::forms::{FieldKind, Form, FormField};
use platform::web::{render_status, require_user, AppState, Ctx, Shell, WebError, WebResult};
use sqlx::Row;

use crate::i18n::I18n;
use crate::model::{self, Status, Workflow};
use crate::store::{self, Category, StoreError, TeamRef};

/// The module's settings (categories, workflows, retention, routing rules).
#[derive(Clone, Debug)]
pub struct Inrichting {
    /// "categorie:<slug>" or "regel:<id>"; None for the overview.
    pub id: Option<String>,
}

impl Resource for Inrichting {
    fn kind(&self) -> &'static str {
        "melding-inrichting"
    }
    fn id(&self) -> Option<String> {
        self.id.clone()
    }
    /// The gemeente's administrators only.
    fn policy(&self, p: &Principal, _action: Action, purpose: Purpose) -> Decision {
        if !p.of_municipality() || !p.has(Role::Beheerder) {
            return Decision::Deny("role-not-allowed");
        }
        if purpose != Purpose::Beheer {
            return Decision::Deny("purpose-not-allowed");
        }
        Decision::Allow
    }
}

/// Whether the menu of the queue shows the link to the settings.
pub fn may_configure(p: &Principal) -> bool {
    access::decide(p, Action::Read, &Inrichting { id: None }, Purpose::Beheer) == Decision::Allow
}

// ---------------------------------------------------------------------------------------------
// Store.

#[derive(Clone, Debug, PartialEq)]
pub struct RuleRow {
    pub id: String,
    pub positie: i64,
    pub categorie: Option<String>,
    pub trefwoord: Option<String>,
    pub gebied: Option<String>,
    pub team_naam: String,
}

pub async fn rule_rows(db: &Db) -> Result<Vec<RuleRow>, DbError> {
    let rows = sqlx::query(
        "SELECT r.id, r.positie, r.categorie, r.trefwoord, r.gebied, t.name AS team_naam \
         FROM melding_regel r JOIN teams t ON t.id = r.team_id ORDER BY r.positie",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| {
            Ok(RuleRow {
                id: r.try_get("id")?,
                positie: r.try_get("positie")?,
                categorie: r.try_get("categorie")?,
                trefwoord: r.try_get("trefwoord")?,
                gebied: r.try_get("gebied")?,
                team_naam: r.try_get("team_naam")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?)
}

/// A category's settings as an administrator edits them.
#[derive(Clone, Debug, Default)]
pub struct CategoryEdit {
    pub naam: String,
    pub termijn_werkdagen: String,
    pub bewaar_contact_maanden: String,
    pub bewaar_maanden: String,
    pub actief: bool,
    /// "from>to" pairs.
    pub overgangen: Vec<String>,
}

fn whole(
    v: &str,
    field: &str,
    range: std::ops::RangeInclusive<i64>,
    e: &mut Vec<FieldError>,
) -> i64 {
    match v.trim().parse::<i64>() {
        Ok(n) if range.contains(&n) => n,
        _ => {
            e.push(field_error(field, &format!("inrichting-fout-{field}")));
            0
        }
    }
}

/// Checks an edit: the numbers in range, and a workflow in which every open status can move on.
pub fn check_category(c: &CategoryEdit) -> Result<(i64, i64, i64, String), Vec<FieldError>> {
    let mut e = Vec::new();
    if c.naam.trim().is_empty() || c.naam.chars().count() > 100 {
        e.push(field_error("naam", "inrichting-fout-naam"));
    }
    let termijn = whole(&c.termijn_werkdagen, "termijn_werkdagen", 1..=260, &mut e);
    let contact = whole(
        &c.bewaar_contact_maanden,
        "bewaar_contact_maanden",
        0..=120,
        &mut e,
    );
    let bewaar = whole(&c.bewaar_maanden, "bewaar_maanden", 1..=1200, &mut e);
    if contact > bewaar {
        e.push(field_error(
            "bewaar_contact_maanden",
            "inrichting-fout-contact-langer",
        ));
    }
    let text = c.overgangen.join(";");
    match Workflow::parse(&text, 0) {
        Err(_) => e.push(field_error("overgangen", "inrichting-fout-overgangen")),
        Ok(w) => {
            let stuck = Status::ALL
                .iter()
                .filter(|s| s.is_open())
                .any(|s| w.allowed_from(*s).is_empty());
            if stuck {
                e.push(field_error("overgangen", "inrichting-fout-vast"));
            }
        }
    }
    if e.is_empty() {
        Ok((termijn, contact, bewaar, text))
    } else {
        Err(e)
    }
}

pub async fn update_category(
    db: &Db,
    auth: &Authorized<Inrichting, act::Update>,
    slug: &str,
    c: &CategoryEdit,
) -> Result<(), StoreError> {
    let (termijn, contact, bewaar, overgangen) = check_category(c).map_err(StoreError::Invalid)?;
    let mut tx = db.begin().await?;
    let n = sqlx::query(
        "UPDATE melding_categorie SET naam = $1, termijn_werkdagen = $2, bewaar_contact_maanden = $3, \
         bewaar_maanden = $4, actief = $5, overgangen = $6 WHERE slug = $7",
    )
    .bind(c.naam.trim())
    .bind(termijn)
    .bind(contact)
    .bind(bewaar)
    .bind(i64::from(c.actief))
    .bind(&overgangen)
    .bind(slug)
    .execute(tx.conn()?)
    .await?
    .rows_affected();
    finish_one(db, tx, auth, n).await
}

/// Ends a change of one row: not found when no row changed, else audited and committed.
async fn finish_one<A: access::ActionKind>(
    db: &Db,
    mut tx: platform::db::Tx,
    auth: &Authorized<Inrichting, A>,
    rows: u64,
) -> Result<(), StoreError> {
    if rows == 0 {
        return Err(StoreError::NotFound);
    }
    auth.record(&mut tx).await?;
    tx.commit().await?;
    store::forget_reference(db);
    Ok(())
}

#[derive(Clone, Debug, Default)]
pub struct NewRule {
    pub categorie: String,
    pub trefwoord: String,
    pub gebied: String,
    pub team: String,
}

/// Adds a rule after the last one (move it up to give it precedence).
pub async fn add_rule(
    db: &Db,
    auth: &Authorized<Inrichting, act::Create>,
    r: &NewRule,
    teams: &[TeamRef],
) -> Result<String, StoreError> {
    let mut e = Vec::new();
    let categorie = Some(r.categorie.trim()).filter(|c| !c.is_empty());
    if let Some(c) = categorie {
        if store::all_categories(db).await?.iter().all(|x| x.slug != c) {
            e.push(field_error("categorie", "melding-fout-categorie"));
        }
    }
    let trefwoord = Some(r.trefwoord.trim()).filter(|c| !c.is_empty());
    if trefwoord.is_some_and(|t| t.chars().count() > 100) {
        e.push(field_error("trefwoord", "inrichting-fout-trefwoord"));
    }
    let gebied = Some(r.gebied.trim()).filter(|c| !c.is_empty());
    if let Some(g) = gebied {
        if monitor::areas::name(g).is_none() {
            e.push(field_error("gebied", "inrichting-fout-gebied"));
        }
    }
    let team = teams.iter().find(|t| t.id == r.team || t.slug == r.team);
    if team.is_none() {
        e.push(field_error("team", "melding-fout-team"));
    }
    let Some(team) = team.filter(|_| e.is_empty()) else {
        return Err(StoreError::Invalid(e));
    };
    let id = new_id();
    let mut tx = db.begin().await?;
    let last: i64 = sqlx::query("SELECT COALESCE(MAX(positie), 0) AS n FROM melding_regel")
        .fetch_one(tx.conn()?)
        .await?
        .try_get("n")?;
    sqlx::query(
        "INSERT INTO melding_regel (id, positie, categorie, trefwoord, gebied, team_id) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(last + 1)
    .bind(categorie)
    .bind(trefwoord)
    .bind(gebied)
    .bind(&team.id)
    .execute(tx.conn()?)
    .await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    store::forget_reference(db);
    Ok(id)
}

/// Swaps a rule with its neighbour above (`up`) or below.
pub async fn move_rule(
    db: &Db,
    auth: &Authorized<Inrichting, act::Update>,
    id: &str,
    up: bool,
) -> Result<(), StoreError> {
    let rows = rule_rows(db).await?;
    let i = rows
        .iter()
        .position(|r| r.id == id)
        .ok_or(StoreError::NotFound)?;
    let j = if up { i.checked_sub(1) } else { Some(i + 1) };
    let Some(other) = j.and_then(|j| rows.get(j)) else {
        return Ok(());
    };
    let mut tx = db.begin().await?;
    // Positions are unique: park one rule outside the range while swapping.
    for (rule, pos) in [
        (id, -1),
        (other.id.as_str(), rows[i].positie),
        (id, other.positie),
    ] {
        sqlx::query("UPDATE melding_regel SET positie = $1 WHERE id = $2")
            .bind(pos)
            .bind(rule)
            .execute(tx.conn()?)
            .await?;
    }
    auth.record(&mut tx).await?;
    tx.commit().await?;
    store::forget_reference(db);
    Ok(())
}

pub async fn delete_rule(
    db: &Db,
    auth: &Authorized<Inrichting, act::Delete>,
    id: &str,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    let n = sqlx::query("DELETE FROM melding_regel WHERE id = $1")
        .bind(id)
        .execute(tx.conn()?)
        .await?
        .rows_affected();
    finish_one(db, tx, auth, n).await
}

/// A mail to the reporter as an administrator edits it.
#[derive(Clone, Debug, Default)]
pub struct MailEdit {
    pub onderwerp: String,
    pub tekst: String,
    pub actief: bool,
}

/// What is wrong with a mail template, per field. Pure.
pub fn check_mail(e: &MailEdit) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let onderwerp = e.onderwerp.trim();
    if onderwerp.is_empty() || onderwerp.chars().count() > 200 || onderwerp.contains('\n') {
        errors.push(field_error("onderwerp", "inrichting-fout-onderwerp"));
    } else if model::unknown_placeholders(onderwerp) != Some(vec![]) {
        errors.push(field_error("onderwerp", "inrichting-fout-plaatshouder"));
    }
    let tekst = e.tekst.trim();
    if tekst.is_empty() || tekst.chars().count() > 5000 {
        errors.push(field_error("tekst", "inrichting-fout-tekst"));
    } else if model::unknown_placeholders(tekst) != Some(vec![]) {
        errors.push(field_error("tekst", "inrichting-fout-plaatshouder"));
    }
    errors
}

pub async fn update_mail(
    db: &Db,
    auth: &Authorized<Inrichting, act::Update>,
    gebeurtenis: &str,
    e: &MailEdit,
) -> Result<(), StoreError> {
    let errors = check_mail(e);
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let mut tx = db.begin().await?;
    let n = sqlx::query(
        "UPDATE melding_mailsjabloon SET onderwerp = $1, tekst = $2, actief = $3, updated_at = $4 \
         WHERE gebeurtenis = $5",
    )
    .bind(e.onderwerp.trim())
    .bind(e.tekst.trim().replace("\r\n", "\n"))
    .bind(i64::from(e.actief))
    .bind(platform::db::now_ms())
    .bind(gebeurtenis)
    .execute(tx.conn()?)
    .await?
    .rows_affected();
    finish_one(db, tx, auth, n).await
}

// ---------------------------------------------------------------------------------------------
// Pages.

type Fields = Vec<(String, String)>;

fn val(v: &Fields, k: &str) -> String {
    v.iter()
        .find(|(a, _)| a == k)
        .map(|(_, b)| b.clone())
        .unwrap_or_default()
}

async fn authorize<A: access::ActionType>(
    state: &AppState,
    ctx: &Ctx,
    id: Option<String>,
) -> Result<Authorized<Inrichting, A>, WebError> {
    let p = require_user(ctx)?;
    Ok(access::authorize_as::<A, _>(
        &state.db,
        &ctx.request,
        p,
        Inrichting { id },
        Purpose::Beheer,
    )
    .await?)
}

pub struct CategoryRow {
    pub c: Category,
    pub overgangen: usize,
}

pub struct MailRow {
    pub gebeurtenis: String,
    pub label: String,
    pub onderwerp: String,
    pub actief: bool,
}

/// "Ontvangen" or "Status: Afgehandeld".
fn event_label(i: &I18n, gebeurtenis: &str) -> String {
    if gebeurtenis == "ontvangen" {
        i.t("inrichting-mail-ontvangen")
    } else {
        format!("{}: {}", i.t("veld-status"), i.status(gebeurtenis))
    }
}

pub struct RuleView {
    pub id: String,
    pub positie: i64,
    pub categorie: String,
    pub trefwoord: String,
    pub gebied: String,
    pub team: String,
    pub first: bool,
    pub last: bool,
}

#[derive(Template)]
#[template(path = "meldingen_inrichting.html")]
struct SettingsPage {
    shell: Shell,
    i: I18n,
    categories: Vec<CategoryRow>,
    rules: Vec<RuleView>,
    rule_form: Form,
    mails: Vec<MailRow>,
}

fn area_choices(i: &I18n) -> Vec<(String, String)> {
    let mut v = vec![(String::new(), i.t("inrichting-overal"))];
    for a in monitor::areas::wijken() {
        v.push((a.code.clone(), format!("{} {}", i.t("veld-wijk"), a.name)));
    }
    for a in monitor::areas::buurten() {
        v.push((a.code.clone(), format!("{} {}", i.t("veld-buurt"), a.name)));
    }
    v
}

async fn settings_response(
    state: &AppState,
    ctx: &Ctx,
    errors: &[FieldError],
    input: &NewRule,
    status: StatusCode,
) -> WebResult {
    let i = I18n::new(&ctx.lang);
    let reference = store::reference(&state.db).await?;
    let cats = reference.categories.clone();
    let mails = reference
        .mails
        .iter()
        .map(|m| MailRow {
            label: event_label(&i, &m.gebeurtenis),
            gebeurtenis: m.gebeurtenis.clone(),
            onderwerp: m.onderwerp.clone(),
            actief: m.actief,
        })
        .collect();
    let teams = store::teams(&state.db).await?;
    let rules = rule_rows(&state.db).await?;
    let n = rules.len();
    let cat_name = |slug: &Option<String>| match slug {
        None => i.t("inrichting-elk"),
        Some(s) => cats
            .iter()
            .find(|c| &c.slug == s)
            .map(|c| c.naam.clone())
            .unwrap_or_else(|| s.clone()),
    };
    let rules = rules
        .iter()
        .enumerate()
        .map(|(k, r)| RuleView {
            id: r.id.clone(),
            positie: r.positie,
            categorie: cat_name(&r.categorie),
            trefwoord: r.trefwoord.clone().unwrap_or_default(),
            gebied: r
                .gebied
                .as_deref()
                .and_then(monitor::areas::name)
                .map(str::to_string)
                .unwrap_or_else(|| i.t("inrichting-overal")),
            team: r.team_naam.clone(),
            first: k == 0,
            last: k + 1 == n,
        })
        .collect();
    let mut cat_choices = vec![(String::new(), i.t("inrichting-elk"))];
    cat_choices.extend(cats.iter().map(|c| (c.slug.clone(), c.naam.clone())));
    let rule_form = Form::new(
        "/meldingen/inrichting/regels",
        i.t("inrichting-regel-toevoegen"),
        vec![
            FormField::new(
                "categorie",
                i.t("veld-categorie"),
                FieldKind::Select(cat_choices),
            )
            .value(input.categorie.clone()),
            FormField::new("trefwoord", i.t("inrichting-trefwoord"), FieldKind::Text)
                .value(input.trefwoord.clone())
                .hint(i.t("inrichting-trefwoord-hint")),
            FormField::new(
                "gebied",
                i.t("inrichting-gebied"),
                FieldKind::Select(area_choices(&i)),
            )
            .value(input.gebied.clone()),
            FormField::new(
                "team",
                i.t("veld-team"),
                FieldKind::Select(
                    teams
                        .iter()
                        .map(|t| (t.id.clone(), t.naam.clone()))
                        .collect(),
                ),
            )
            .value(input.team.clone())
            .required(),
        ],
    )
    .with_errors(&ctx.lang, &crate::html::translated(&ctx.lang, errors));
    let categories = cats
        .into_iter()
        .map(|c| CategoryRow {
            overgangen: c
                .overgangen
                .split(';')
                .filter(|p| !p.trim().is_empty())
                .count(),
            c,
        })
        .collect();
    render_status(
        status,
        &SettingsPage {
            shell: Shell::titled(ctx, i.t("inrichting-title")),
            i,
            categories,
            rules,
            rule_form,
            mails,
        },
    )
}

pub async fn settings_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> WebResult {
    authorize::<act::Read>(&state, &ctx, None).await?;
    settings_response(&state, &ctx, &[], &NewRule::default(), StatusCode::OK).await
}

pub async fn rule_add(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    axum::Form(v): axum::Form<Fields>,
) -> WebResult {
    let auth = authorize::<act::Create>(&state, &ctx, Some("regel:nieuw".into())).await?;
    let input = NewRule {
        categorie: val(&v, "categorie"),
        trefwoord: val(&v, "trefwoord"),
        gebied: val(&v, "gebied"),
        team: val(&v, "team"),
    };
    let teams = store::teams(&state.db).await?;
    match add_rule(&state.db, &auth, &input, &teams).await {
        Ok(_) => Ok(Redirect::to("/meldingen/inrichting#regels").into_response()),
        Err(StoreError::Invalid(errors)) => {
            settings_response(
                &state,
                &ctx,
                &errors,
                &input,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(platform::web::WebError::from(e)),
    }
}

pub async fn rule_action(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, what)): Path<(String, String)>,
) -> WebResult {
    let rule = Some(format!("regel:{id}"));
    let done = match what.as_str() {
        "omhoog" | "omlaag" => {
            let auth = authorize::<act::Update>(&state, &ctx, rule).await?;
            move_rule(&state.db, &auth, &id, what == "omhoog").await
        }
        "verwijderen" => {
            let auth = authorize::<act::Delete>(&state, &ctx, rule).await?;
            delete_rule(&state.db, &auth, &id).await
        }
        _ => Err(StoreError::NotFound),
    };
    done?;
    Ok(Redirect::to("/meldingen/inrichting#regels").into_response())
}

#[derive(Template)]
#[template(path = "meldingen_categorie.html")]
struct CategoryPage {
    shell: Shell,
    i: I18n,
    form: Form,
}

/// Every transition a workflow could have, as checkbox choices.
fn transition_choices(i: &I18n, chosen: &[String]) -> Vec<(String, String, bool)> {
    let mut v = Vec::new();
    for from in Status::ALL {
        for to in Status::ALL.iter().filter(|to| **to != from) {
            let key = format!("{}>{}", from.slug(), to.slug());
            let label = format!("{} → {}", i.status(from.slug()), i.status(to.slug()));
            v.push((key.clone(), label, chosen.contains(&key)));
        }
    }
    v
}

fn category_form(i: &I18n, slug: &str, c: &CategoryEdit) -> Form {
    Form::new(
        format!("/meldingen/inrichting/categorie/{slug}"),
        i.t("inrichting-opslaan"),
        vec![
            FormField::new("naam", i.t("inrichting-naam"), FieldKind::Text)
                .value(c.naam.clone())
                .required(),
            FormField::new(
                "termijn_werkdagen",
                i.t("inrichting-termijn"),
                FieldKind::Text,
            )
            .value(c.termijn_werkdagen.clone())
            .hint(i.t("inrichting-termijn-hint"))
            .required(),
            FormField::new(
                "bewaar_contact_maanden",
                i.t("inrichting-bewaar-contact"),
                FieldKind::Text,
            )
            .value(c.bewaar_contact_maanden.clone())
            .hint(i.t("inrichting-bewaar-contact-hint"))
            .required(),
            FormField::new("bewaar_maanden", i.t("inrichting-bewaar"), FieldKind::Text)
                .value(c.bewaar_maanden.clone())
                .hint(i.t("inrichting-bewaar-hint"))
                .required(),
            FormField::new(
                "actief",
                i.t("inrichting-actief"),
                FieldKind::Checkboxes(vec![("ja".into(), i.t("inrichting-actief-ja"), c.actief)]),
            ),
            FormField::new(
                "overgangen",
                i.t("inrichting-overgangen"),
                FieldKind::Checkboxes(transition_choices(i, &c.overgangen)),
            )
            .hint(i.t("inrichting-overgangen-hint")),
        ],
    )
}

async fn category_edit_of(state: &AppState, slug: &str) -> Result<CategoryEdit, WebError> {
    let cats = store::all_categories(&state.db).await?;
    let c = cats
        .into_iter()
        .find(|c| c.slug == slug)
        .ok_or(WebError::NotFound)?;
    Ok(CategoryEdit {
        naam: c.naam,
        termijn_werkdagen: c.termijn_werkdagen.to_string(),
        bewaar_contact_maanden: c.bewaar_contact_maanden.to_string(),
        bewaar_maanden: c.bewaar_maanden.to_string(),
        actief: c.actief,
        overgangen: c
            .overgangen
            .split(';')
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect(),
    })
}

pub async fn category_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(slug): Path<String>,
) -> WebResult {
    authorize::<act::Read>(&state, &ctx, Some(format!("categorie:{slug}"))).await?;
    let edit = category_edit_of(&state, &slug).await?;
    let i = I18n::new(&ctx.lang);
    render_status(
        StatusCode::OK,
        &CategoryPage {
            shell: Shell::titled(
                &ctx,
                format!("{}: {}", i.t("inrichting-categorie"), edit.naam),
            ),
            form: category_form(&i, &slug, &edit),
            i,
        },
    )
}

pub async fn category_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(slug): Path<String>,
    axum::Form(v): axum::Form<Fields>,
) -> WebResult {
    let auth = authorize::<act::Update>(&state, &ctx, Some(format!("categorie:{slug}"))).await?;
    let current = category_edit_of(&state, &slug).await?;
    let edit = CategoryEdit {
        naam: val(&v, "naam"),
        termijn_werkdagen: val(&v, "termijn_werkdagen"),
        bewaar_contact_maanden: val(&v, "bewaar_contact_maanden"),
        bewaar_maanden: val(&v, "bewaar_maanden"),
        actief: val(&v, "actief") == "ja",
        overgangen: v
            .iter()
            .filter(|(k, _)| k == "overgangen")
            .map(|(_, x)| x.clone())
            .collect(),
    };
    match update_category(&state.db, &auth, &slug, &edit).await {
        Ok(()) => Ok(Redirect::to("/meldingen/inrichting").into_response()),
        Err(StoreError::Invalid(errors)) => {
            let i = I18n::new(&ctx.lang);
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &CategoryPage {
                    shell: Shell::titled(
                        &ctx,
                        format!("{}: {}", i.t("inrichting-categorie"), current.naam),
                    ),
                    form: category_form(&i, &slug, &edit)
                        .with_errors(&ctx.lang, &crate::html::translated(&ctx.lang, &errors)),
                    i,
                },
            )
        }
        Err(e) => Err(platform::web::WebError::from(e)),
    }
}

fn mail_form(i: &I18n, gebeurtenis: &str, e: &MailEdit) -> Form {
    let placeholders = model::MAIL_PLACEHOLDERS
        .iter()
        .map(|p| format!("{{{{{p}}}}}"))
        .collect::<Vec<_>>()
        .join(", ");
    Form::new(
        format!("/meldingen/inrichting/mail/{gebeurtenis}"),
        i.t("inrichting-opslaan"),
        vec![
            FormField::new(
                "actief",
                i.t("inrichting-mail-actief"),
                FieldKind::Checkboxes(vec![(
                    "ja".into(),
                    i.t("inrichting-mail-actief-ja"),
                    e.actief,
                )]),
            ),
            FormField::new(
                "onderwerp",
                i.t("inrichting-mail-onderwerp"),
                FieldKind::Text,
            )
            .value(e.onderwerp.clone())
            .required(),
            FormField::new("tekst", i.t("inrichting-mail-tekst"), FieldKind::TextArea)
                .value(e.tekst.clone())
                .hint(format!("{} {placeholders}", i.t("inrichting-mail-hint")))
                .required(),
        ],
    )
}

fn mail_page(
    ctx: &Ctx,
    gebeurtenis: &str,
    edit: &MailEdit,
    errors: &[FieldError],
    status: StatusCode,
) -> WebResult {
    let i = I18n::new(&ctx.lang);
    let mut title = format!(
        "{}: {}",
        i.t("inrichting-mail"),
        event_label(&i, gebeurtenis)
    );
    if !errors.is_empty() {
        title = format!("{} — {title}", i.t("error-title-prefix"));
    }
    render_status(
        status,
        &CategoryPage {
            shell: Shell::titled(ctx, title),
            form: mail_form(&i, gebeurtenis, edit)
                .with_errors(&ctx.lang, &crate::html::translated(&ctx.lang, errors)),
            i,
        },
    )
}

pub async fn mail_edit_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(gebeurtenis): Path<String>,
) -> WebResult {
    authorize::<act::Read>(&state, &ctx, Some(format!("mail:{gebeurtenis}"))).await?;
    let reference = store::reference(&state.db).await?;
    let m = reference
        .mails
        .iter()
        .find(|m| m.gebeurtenis == gebeurtenis)
        .ok_or(WebError::NotFound)?;
    let edit = MailEdit {
        onderwerp: m.onderwerp.clone(),
        tekst: m.tekst.clone(),
        actief: m.actief,
    };
    mail_page(&ctx, &gebeurtenis, &edit, &[], StatusCode::OK)
}

pub async fn mail_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(gebeurtenis): Path<String>,
    axum::Form(v): axum::Form<Fields>,
) -> WebResult {
    let auth = authorize::<act::Update>(&state, &ctx, Some(format!("mail:{gebeurtenis}"))).await?;
    let edit = MailEdit {
        onderwerp: val(&v, "onderwerp"),
        tekst: val(&v, "tekst"),
        actief: val(&v, "actief") == "ja",
    };
    match update_mail(&state.db, &auth, &gebeurtenis, &edit).await {
        Ok(()) => Ok(Redirect::to("/meldingen/inrichting#mails").into_response()),
        Err(StoreError::Invalid(errors)) => mail_page(
            &ctx,
            &gebeurtenis,
            &edit,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => Err(platform::web::WebError::from(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mail_template_needs_a_subject_a_text_and_known_placeholders() {
        let ok = MailEdit {
            onderwerp: "Uw melding {{nummer}}".into(),
            tekst: "Beste melder, {{toelichting}}".into(),
            actief: true,
        };
        assert!(check_mail(&ok).is_empty());
        let fields =
            |e: &MailEdit| -> Vec<String> { check_mail(e).into_iter().map(|f| f.field).collect() };
        let mut e = ok.clone();
        e.onderwerp = " ".into();
        e.tekst = "Uw BSN is {{bsn}}".into();
        assert_eq!(fields(&e), ["onderwerp", "tekst"]);
        e.onderwerp = "Regel\nregel".into();
        e.tekst = "Open {{volgcode".into();
        assert_eq!(fields(&e), ["onderwerp", "tekst"]);
    }

    fn edit() -> CategoryEdit {
        CategoryEdit {
            naam: "Woonoverlast".into(),
            termijn_werkdagen: "10".into(),
            bewaar_contact_maanden: "6".into(),
            bewaar_maanden: "60".into(),
            actief: true,
            overgangen: crate::model::DEFAULT_TRANSITIONS
                .split(';')
                .map(str::to_string)
                .collect(),
        }
    }

    #[test]
    fn a_sound_category_passes() {
        let (termijn, contact, bewaar, _) = check_category(&edit()).unwrap();
        assert_eq!((termijn, contact, bewaar), (10, 6, 60));
    }

    #[test]
    fn bad_numbers_and_a_dead_end_workflow_are_named() {
        let mut e = edit();
        e.termijn_werkdagen = "0".into();
        e.bewaar_contact_maanden = "zes".into();
        e.overgangen = vec!["gemeld>in-behandeling".into()];
        let fields: Vec<String> = check_category(&e)
            .unwrap_err()
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(
            fields,
            ["termijn_werkdagen", "bewaar_contact_maanden", "overgangen"]
        );
        let mut e = edit();
        e.bewaar_contact_maanden = "61".into();
        assert!(
            check_category(&e).is_err(),
            "contact kept longer than the melding"
        );
        e.bewaar_contact_maanden = "6".into();
        e.overgangen.push("gemeld>bestaat-niet".into());
        assert!(check_category(&e).is_err());
    }

    #[test]
    fn only_the_gemeentes_administrators_configure() {
        let p = crate::access::tests::principal;
        let r = Inrichting { id: None };
        let allow = |p: &Principal| r.policy(p, Action::Update, Purpose::Beheer) == Decision::Allow;
        assert!(allow(&p(Role::Beheerder, "vijfheerenlanden")));
        assert!(!allow(&p(Role::AdviseurIv, "vijfheerenlanden")));
        assert!(!allow(&p(Role::Beheerder, "politie-lekpoort")));
        assert_ne!(
            r.policy(
                &p(Role::Beheerder, "vijfheerenlanden"),
                Action::Update,
                Purpose::Uitvoering
            ),
            Decision::Allow
        );
    }
}
