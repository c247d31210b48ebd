//! Standard texts per category for the reply to the reporter (the explanation that goes with a
//! status change, and so into the reporter's mail). The IV advisers and administrators keep
//! them at `/meldingen/standaardteksten`; the status form of a melding offers those of its
//! category. A chosen text is used when no own explanation is typed: the typed one always wins.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::Extension;
use platform::access::{
    self, act, Action, Authorized, Decision, Principal, Purpose, Resource, Role,
};
use platform::db::{new_id, now_ms, Db, DbError};
use platform::identity::{field_error, FieldError};
use platform::web::forms::{FieldKind, Form, FormField, FormPage};
use platform::web::{render, require_user, AppState, Ctx, Shell, WebError, WebResult};
use sqlx::Row as _;

use crate::i18n::I18n;
use crate::store::{self, StoreError};

/// The longest standard text (a reply, not a letter).
const MAX_TEXT: usize = 4000;

/// The standard texts of the municipality.
#[derive(Clone, Debug)]
pub struct Standaardteksten {
    pub id: Option<String>,
}

impl Resource for Standaardteksten {
    fn kind(&self) -> &'static str {
        "melding-standaardtekst"
    }
    fn id(&self) -> Option<String> {
        self.id.clone()
    }
    /// Everyone who works the queue reads them; IV advisers and administrators keep them.
    fn policy(&self, p: &Principal, action: Action, _purpose: Purpose) -> Decision {
        if !crate::access::works_meldingen(p) {
            return Decision::Deny("role-not-allowed");
        }
        match action {
            Action::Read | Action::List => Decision::Allow,
            Action::Create | Action::Update | Action::Delete
                if p.has(Role::AdviseurIv) || p.has(Role::Beheerder) =>
            {
                Decision::Allow
            }
            _ => Decision::Deny("role-not-allowed"),
        }
    }
}

/// Whether this person keeps the standard texts (for the link in the queue).
pub fn may_edit(p: &Principal) -> bool {
    access::decide(
        p,
        Action::Update,
        &Standaardteksten { id: None },
        Purpose::Uitvoering,
    ) == Decision::Allow
}

#[derive(Clone, Debug)]
pub struct Standaardtekst {
    pub id: String,
    pub categorie: String,
    pub titel: String,
    pub tekst: String,
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<Standaardtekst, sqlx::Error> {
    Ok(Standaardtekst {
        id: r.try_get("id")?,
        categorie: r.try_get("categorie")?,
        titel: r.try_get("titel")?,
        tekst: r.try_get("tekst")?,
    })
}

/// All texts, by category and title.
pub async fn all(db: &Db) -> Result<Vec<Standaardtekst>, DbError> {
    let rows = sqlx::query(
        "SELECT id, categorie, titel, tekst FROM melding_standaardtekst ORDER BY categorie, titel",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
}

/// The texts of one category.
pub async fn of_category(db: &Db, categorie: &str) -> Result<Vec<Standaardtekst>, DbError> {
    let rows = sqlx::query(
        "SELECT id, categorie, titel, tekst FROM melding_standaardtekst WHERE categorie = $1 \
         ORDER BY titel",
    )
    .bind(categorie)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
}

/// One text.
pub async fn get(db: &Db, id: &str) -> Result<Option<Standaardtekst>, DbError> {
    let row =
        sqlx::query("SELECT id, categorie, titel, tekst FROM melding_standaardtekst WHERE id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

/// What an adviser sends.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct Input {
    #[serde(default)]
    pub categorie: String,
    #[serde(default)]
    pub titel: String,
    #[serde(default)]
    pub tekst: String,
}

/// Errors are Fluent keys.
fn check(input: &Input, categories: &[String]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if !categories.contains(&input.categorie) {
        errors.push(field_error("categorie", "standaardtekst-fout-categorie"));
    }
    let titel = input.titel.trim();
    if titel.is_empty() || titel.chars().count() > 120 {
        errors.push(field_error("titel", "standaardtekst-fout-titel"));
    }
    let tekst = input.tekst.trim();
    if tekst.is_empty() || tekst.chars().count() > MAX_TEXT {
        errors.push(field_error("tekst", "standaardtekst-fout-tekst"));
    }
    errors
}

async fn category_slugs(db: &Db) -> Result<Vec<String>, StoreError> {
    Ok(store::all_categories(db)
        .await?
        .into_iter()
        .map(|c| c.slug)
        .collect())
}

/// Adds a text (`id` None) or changes one; audited in the same transaction.
pub async fn save<A: access::ActionKind>(
    db: &Db,
    auth: &Authorized<Standaardteksten, A>,
    id: Option<&str>,
    input: &Input,
) -> Result<String, StoreError> {
    let errors = check(input, &category_slugs(db).await?);
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let mut tx = db.begin().await?;
    let id = match id {
        Some(id) => {
            let n = sqlx::query(
                "UPDATE melding_standaardtekst SET categorie = $1, titel = $2, tekst = $3, \
                 updated_at = $4 WHERE id = $5",
            )
            .bind(&input.categorie)
            .bind(input.titel.trim())
            .bind(input.tekst.trim())
            .bind(now_ms())
            .bind(id)
            .execute(tx.conn()?)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            id.to_string()
        }
        None => {
            let id = new_id();
            sqlx::query(
                "INSERT INTO melding_standaardtekst (id, categorie, titel, tekst, created_at, \
                 updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
            )
            .bind(&id)
            .bind(&input.categorie)
            .bind(input.titel.trim())
            .bind(input.tekst.trim())
            .bind(now_ms())
            .execute(tx.conn()?)
            .await?;
            id
        }
    };
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(id)
}

/// Removes a text; audited.
pub async fn remove(
    db: &Db,
    auth: &Authorized<Standaardteksten, act::Delete>,
    id: &str,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    let n = sqlx::query("DELETE FROM melding_standaardtekst WHERE id = $1")
        .bind(id)
        .execute(tx.conn()?)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// The explanation that goes with a status change: the typed one, else the chosen standard
/// text of the melding's category (a text of another category is ignored).
pub async fn explanation(
    db: &Db,
    categorie: &str,
    typed: &str,
    chosen: &str,
) -> Result<String, DbError> {
    if !typed.trim().is_empty() || chosen.trim().is_empty() {
        return Ok(typed.to_string());
    }
    Ok(match get(db, chosen.trim()).await? {
        Some(t) if t.categorie == categorie => t.tekst,
        _ => typed.to_string(),
    })
}

// ---------------------------------------------------------------------------------------------
// Pages.

async fn authorize<A: access::ActionType>(
    state: &AppState,
    ctx: &Ctx,
    id: Option<String>,
) -> Result<Authorized<Standaardteksten, A>, WebError> {
    let p = require_user(ctx)?;
    Ok(access::authorize_as::<A, _>(
        &state.db,
        &ctx.request,
        p,
        Standaardteksten { id },
        Purpose::Uitvoering,
    )
    .await?)
}

pub struct TextRow {
    pub t: Standaardtekst,
    pub categorie_naam: String,
}

#[derive(Template)]
#[template(path = "meldingen_standaardteksten.html")]
struct ListPage {
    shell: Shell,
    i: I18n,
    rows: Vec<TextRow>,
    form: Option<Form>,
}

fn text_form(i: &I18n, action: &str, categories: &[(String, String)], v: &Input) -> Form {
    Form::new(
        action,
        i.t("standaardtekst-opslaan"),
        vec![
            FormField::new(
                "categorie",
                i.t("veld-categorie"),
                FieldKind::Select(categories.to_vec()),
            )
            .value(v.categorie.clone())
            .required(),
            FormField::new("titel", i.t("standaardtekst-titel"), FieldKind::Text)
                .value(v.titel.clone())
                .hint(i.t("standaardtekst-titel-hint"))
                .required(),
            FormField::new("tekst", i.t("standaardtekst-tekst"), FieldKind::TextArea)
                .value(v.tekst.clone())
                .hint(i.t("standaardtekst-tekst-hint"))
                .required(),
        ],
    )
}

async fn category_options(db: &Db) -> Result<Vec<(String, String)>, StoreError> {
    Ok(store::all_categories(db)
        .await?
        .into_iter()
        .map(|c| (c.slug, c.naam))
        .collect())
}

async fn list_response(
    state: &AppState,
    ctx: &Ctx,
    form: Option<Form>,
    status: StatusCode,
) -> WebResult {
    let i = I18n::new(&ctx.lang);
    let names = category_options(&state.db).await?;
    let rows = all(&state.db)
        .await?
        .into_iter()
        .map(|t| TextRow {
            categorie_naam: names
                .iter()
                .find(|(s, _)| *s == t.categorie)
                .map(|(_, n)| n.clone())
                .unwrap_or_else(|| t.categorie.clone()),
            t,
        })
        .collect();
    let page = ListPage {
        shell: Shell::titled(ctx, i.t("standaardtekst-title")),
        i,
        rows,
        form,
    };
    Ok((status, axum::response::Html(page.render()?)).into_response())
}

pub async fn list_page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    authorize::<act::List>(&state, &ctx, None).await?;
    let p = require_user(&ctx)?;
    let form = if may_edit(p) {
        let i = I18n::new(&ctx.lang);
        Some(text_form(
            &i,
            "/meldingen/standaardteksten",
            &category_options(&state.db).await?,
            &Input::default(),
        ))
    } else {
        None
    };
    list_response(&state, &ctx, form, StatusCode::OK).await
}

pub async fn create_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    axum::Form(input): axum::Form<Input>,
) -> WebResult {
    let auth = authorize::<act::Create>(&state, &ctx, None).await?;
    match save(&state.db, &auth, None, &input).await {
        Ok(_) => Ok(Redirect::to("/meldingen/standaardteksten").into_response()),
        Err(StoreError::Invalid(errors)) => {
            let i = I18n::new(&ctx.lang);
            let form = text_form(
                &i,
                "/meldingen/standaardteksten",
                &category_options(&state.db).await?,
                &input,
            )
            .with_errors(&ctx.lang, &crate::html::translated(&ctx.lang, &errors));
            list_response(&state, &ctx, Some(form), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

fn edit_page(ctx: &Ctx, i: &I18n, form: Form) -> FormPage {
    FormPage::new(
        Shell::titled(ctx, i.t("standaardtekst-wijzig")),
        i.t("standaardtekst-intro"),
        form,
    )
    .link("/meldingen/standaardteksten", i.t("standaardtekst-terug"))
}

pub async fn edit_get(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    authorize::<act::Update>(&state, &ctx, Some(id.clone())).await?;
    let t = get(&state.db, &id).await?.ok_or(WebError::NotFound)?;
    let i = I18n::new(&ctx.lang);
    let v = Input {
        categorie: t.categorie,
        titel: t.titel,
        tekst: t.tekst,
    };
    let form = text_form(
        &i,
        &format!("/meldingen/standaardteksten/{id}"),
        &category_options(&state.db).await?,
        &v,
    );
    render(&edit_page(&ctx, &i, form))
}

pub async fn edit_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    axum::Form(input): axum::Form<Input>,
) -> WebResult {
    let auth = authorize::<act::Update>(&state, &ctx, Some(id.clone())).await?;
    match save(&state.db, &auth, Some(&id), &input).await {
        Ok(_) => Ok(Redirect::to("/meldingen/standaardteksten").into_response()),
        Err(StoreError::Invalid(errors)) => {
            let i = I18n::new(&ctx.lang);
            let form = text_form(
                &i,
                &format!("/meldingen/standaardteksten/{id}"),
                &category_options(&state.db).await?,
                &input,
            )
            .with_errors(&ctx.lang, &crate::html::translated(&ctx.lang, &errors));
            edit_page(&ctx, &i, form).respond(StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn remove_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let auth = authorize::<act::Delete>(&state, &ctx, Some(id.clone())).await?;
    remove(&state.db, &auth, &id).await?;
    Ok(Redirect::to("/meldingen/standaardteksten").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_needs_a_known_category_a_title_and_words() {
        let cats = vec!["overlast".to_string()];
        let ok = Input {
            categorie: "overlast".into(),
            titel: "Doorgezet naar de wijkagent".into(),
            tekst: "Wij hebben uw melding doorgegeven.".into(),
        };
        assert!(check(&ok, &cats).is_empty());
        let bad = Input {
            categorie: "onbekend".into(),
            titel: "  ".into(),
            tekst: "x".repeat(MAX_TEXT + 1),
        };
        let fields: Vec<String> = check(&bad, &cats).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["categorie", "titel", "tekst"]);
    }

    #[test]
    fn advisers_and_administrators_keep_the_texts_handlers_use_them() {
        use platform::access::{Principal, Role};
        let text = Standaardteksten { id: None };
        let decide = |role: Role, org: &str, action: Action| {
            let p = Principal::for_tests_in("u", org, role);
            access::decide(&p, action, &text, Purpose::Uitvoering) == Decision::Allow
        };
        for action in [Action::Create, Action::Update, Action::Delete] {
            assert!(decide(Role::AdviseurIv, "gem", action));
            assert!(decide(Role::Beheerder, "gem", action));
            assert!(!decide(Role::Handhaver, "gem", action));
        }
        assert!(decide(Role::Handhaver, "gem", Action::List));
        assert!(!decide(Role::Analist, "gem", Action::List));
        assert!(!decide(Role::AdviseurIv, "politie", Action::List));
    }
}
