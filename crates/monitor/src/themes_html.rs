//! Dashboards per IVB theme: for each crime type mapped to a theme, the gemeente's monthly series
//! in short (the last months, expected, threshold, alarm), and the editable mapping.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::{Extension, Form as AxForm, Router};
use serde::Deserialize;

use crate::html::{alarms, check, check_editor, continuous, texts, Texts};
use crate::model::Period;
use crate::store::{self, CrimeType, Theme};
use platform::web::forms::{FieldKind, Form, FormField};
use platform::web::{render_status, AppState, Ctx, Shell, WebError, WebResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/monitor/themas", get(list).post(create_post))
        .route("/monitor/themas/{slug}", get(dashboard))
        .route(
            "/monitor/themas/{slug}/bewerken",
            get(edit_page).post(edit_post),
        )
        .route("/monitor/themas/{slug}/naam", post(rename_post))
}

pub struct ThemeRow {
    pub slug: String,
    pub name: String,
    pub crimes: String,
}

#[derive(Template)]
#[template(path = "monitor_themes.html")]
struct ListPage {
    shell: Shell,
    m: Texts,
    rows: Vec<ThemeRow>,
    editor: bool,
    /// The form for a new theme, for editors.
    form: Option<Form>,
}

fn titles(crimes: &[CrimeType]) -> HashMap<&str, &str> {
    crimes
        .iter()
        .map(|c| (c.code.as_str(), c.title.as_str()))
        .collect()
}

fn create_form(m: &Texts, name: &str) -> Form {
    Form::new(
        "/monitor/themas",
        m.t("monitor-theme-create"),
        vec![
            FormField::new("naam", m.t("monitor-theme-name"), FieldKind::Text)
                .value(name)
                .hint(m.t("monitor-theme-name-hint"))
                .required(),
        ],
    )
}

async fn list(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let m = texts(&ctx);
    render_list(&state, &ctx, create_form(&m, ""), StatusCode::OK).await
}

async fn render_list(state: &AppState, ctx: &Ctx, form: Form, status: StatusCode) -> WebResult {
    let p = check(ctx)?;
    let m = crate::html::page_texts(state, ctx).await?;
    let crimes = store::crime_types(&state.db).await?;
    let names = titles(&crimes);
    let rows = store::themes(&state.db)
        .await?
        .into_iter()
        .map(|t| ThemeRow {
            crimes: t
                .crime_types
                .iter()
                .map(|c| names.get(c.as_str()).copied().unwrap_or(c).to_string())
                .collect::<Vec<_>>()
                .join("; "),
            slug: t.slug,
            name: t.name,
        })
        .collect();
    let editor = crate::may_edit(p);
    render_status(
        status,
        &ListPage {
            shell: Shell::titled(ctx, m.t("monitor-themes-title")),
            m,
            rows,
            editor,
            form: editor.then_some(form),
        },
    )
}

/// A new theme by name; then on to choosing its crime types.
async fn create_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let p = check_editor(&ctx)?;
    let name = v.get("naam").cloned().unwrap_or_default();
    match crate::create_theme(&state.db, p, &ctx.request, &name, "naam").await {
        Ok(slug) => {
            Ok(Redirect::to(&format!("/monitor/themas/{slug}/bewerken?nieuw=1")).into_response())
        }
        Err(crate::ThemeError::Invalid(errors)) => {
            let m = texts(&ctx);
            let form = create_form(&m, &name)
                .with_errors(&ctx.lang, &crate::translate_errors(&ctx.lang, &errors));
            render_list(&state, &ctx, form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

/// One crime type of a theme, in short.
pub struct DashboardRow {
    pub title: String,
    pub href: String,
    /// The last three months, newest first: (label, count with status).
    pub months: Vec<(String, String)>,
    pub expected: String,
    pub threshold: String,
    pub alarm: bool,
    pub has_figures: bool,
    /// Whether one of the months shown is not yet definitive.
    pub provisional: bool,
}

#[derive(Template)]
#[template(path = "monitor_theme.html")]
struct DashboardPage {
    shell: Shell,
    m: Texts,
    theme: Theme,
    rows: Vec<DashboardRow>,
    editor: bool,
    notice: Option<String>,
    provisional: bool,
}

async fn theme_or_404(state: &AppState, slug: &str) -> Result<Theme, WebError> {
    store::themes(&state.db)
        .await?
        .into_iter()
        .find(|t| t.slug == slug)
        .ok_or(WebError::NotFound)
}

#[derive(Deserialize)]
struct SavedQuery {
    #[serde(default)]
    opgeslagen: String,
}

/// The summary of one gemeente series: the last three months with their status, and the
/// Farrington figures of the last month.
pub async fn summary(
    state: &AppState,
    m: &Texts,
    crime: &str,
    title: &str,
) -> Result<DashboardRow, WebError> {
    let region = crate::GEMEENTE_CODE;
    let points = continuous(&store::series(&state.db, region, crime).await?);
    let status = store::series_status(&state.db, region, crime).await?;
    let params = crate::series_params(&state.db, region).await?;
    let results = alarms(&points, &params);
    let months = points
        .iter()
        .rev()
        .take(3)
        .map(|p| {
            let label = Period::parse(&p.period)
                .map(|p| p.label())
                .unwrap_or_else(|| p.period.clone());
            let mut value = p
                .value
                .map(|v| v.to_string())
                .unwrap_or_else(|| m.t("monitor-not-published"));
            if let Some(s) = status.get(&p.period) {
                value.push_str(&format!(
                    " ({})",
                    m.t(&format!("monitor-status-{}", s.slug()))
                ));
            }
            (label, value)
        })
        .collect();
    let last = results.last().cloned().flatten();
    let provisional = points
        .iter()
        .rev()
        .take(3)
        .any(|p| status.contains_key(&p.period));
    Ok(DashboardRow {
        provisional,
        title: title.to_string(),
        href: format!("/monitor/reeks?gebied={region}&soort={crime}"),
        has_figures: !points.is_empty(),
        months,
        expected: last
            .as_ref()
            .map(|r| format!("{:.1}", r.expected))
            .unwrap_or_else(|| "–".into()),
        threshold: last
            .as_ref()
            .map(|r| format!("{:.1}", r.upperbound))
            .unwrap_or_else(|| "–".into()),
        alarm: last.is_some_and(|r| r.alarm),
    })
}

async fn dashboard(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(slug): Path<String>,
    Query(q): Query<SavedQuery>,
) -> WebResult {
    let p = check(&ctx)?;
    let m = crate::html::page_texts(&state, &ctx).await?;
    let theme = theme_or_404(&state, &slug).await?;
    let crimes = store::crime_types(&state.db).await?;
    let names = titles(&crimes);
    let mut rows = Vec::with_capacity(theme.crime_types.len());
    for c in &theme.crime_types {
        let title = names.get(c.as_str()).copied().unwrap_or(c);
        rows.push(summary(&state, &m, c, title).await?);
    }
    let provisional = rows.iter().any(|r| r.provisional);
    render_status(
        StatusCode::OK,
        &DashboardPage {
            shell: Shell::titled(
                &ctx,
                format!("{}: {}", m.t("monitor-theme-dashboard"), theme.name),
            ),
            m,
            theme,
            rows,
            editor: crate::may_edit(p),
            notice: match q.opgeslagen.as_str() {
                "1" => Some(texts(&ctx).t("monitor-theme-saved")),
                "naam" => Some(texts(&ctx).t("monitor-theme-renamed")),
                _ => None,
            },
            provisional,
        },
    )
}

#[derive(Template)]
#[template(path = "monitor_theme_edit.html")]
struct EditPage {
    shell: Shell,
    m: Texts,
    theme: Theme,
    form: Form,
    rename: Form,
    notice: Option<String>,
}

fn rename_form(m: &Texts, theme: &Theme, name: &str) -> Form {
    Form::new(
        format!("/monitor/themas/{}/naam", theme.slug),
        m.t("monitor-theme-rename-save"),
        vec![
            FormField::new("naam", m.t("monitor-theme-name"), FieldKind::Text)
                .value(name)
                .hint(m.t("monitor-theme-name-hint"))
                .required(),
        ],
    )
}

#[derive(Deserialize)]
struct EditQuery {
    #[serde(default)]
    nieuw: String,
}

fn edit_form(m: &Texts, theme: &Theme, crimes: &[CrimeType], chosen: &HashSet<String>) -> Form {
    Form::new(
        format!("/monitor/themas/{}/bewerken", theme.slug),
        m.t("monitor-theme-save"),
        vec![FormField::new(
            "soort",
            m.t("monitor-theme-crimes"),
            FieldKind::Checkboxes(
                crimes
                    .iter()
                    .map(|c| (c.code.clone(), c.title.clone(), chosen.contains(&c.code)))
                    .collect(),
            ),
        )
        .hint(m.t("monitor-theme-edit-hint"))],
    )
}

async fn render_edit(
    state: &AppState,
    ctx: &Ctx,
    theme: Theme,
    form: Form,
    rename: Option<Form>,
    notice: Option<String>,
    status: StatusCode,
) -> WebResult {
    let m = crate::html::page_texts(state, ctx).await?;
    let rename = rename.unwrap_or_else(|| rename_form(&m, &theme, &theme.name));
    render_status(
        status,
        &EditPage {
            shell: Shell::titled(
                ctx,
                format!("{}: {}", m.t("monitor-theme-edit-title"), theme.name),
            ),
            m,
            theme,
            form,
            rename,
            notice,
        },
    )
}

async fn edit_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(slug): Path<String>,
    Query(q): Query<EditQuery>,
) -> WebResult {
    check_editor(&ctx)?;
    let m = texts(&ctx);
    let theme = theme_or_404(&state, &slug).await?;
    let crimes = store::crime_types(&state.db).await?;
    let chosen: HashSet<String> = theme.crime_types.iter().cloned().collect();
    let form = edit_form(&m, &theme, &crimes, &chosen);
    let notice = (q.nieuw == "1").then(|| m.t("monitor-theme-created"));
    render_edit(&state, &ctx, theme, form, None, notice, StatusCode::OK).await
}

async fn edit_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(slug): Path<String>,
    AxForm(v): AxForm<Vec<(String, String)>>,
) -> WebResult {
    let p = check_editor(&ctx)?;
    let m = texts(&ctx);
    let theme = theme_or_404(&state, &slug).await?;
    let chosen: Vec<String> = v
        .iter()
        .filter(|(k, _)| k == "soort")
        .map(|(_, c)| c.clone())
        .collect();
    match crate::set_theme_crimes(&state.db, p, &ctx.request, &slug, &chosen, "soort").await {
        Ok(_) => {}
        Err(crate::ThemeError::Invalid(errors)) => {
            let crimes = store::crime_types(&state.db).await?;
            let set: HashSet<String> = chosen.iter().map(|c| c.trim().to_string()).collect();
            let form = edit_form(&m, &theme, &crimes, &set)
                .with_errors(&ctx.lang, &crate::translate_errors(&ctx.lang, &errors));
            return render_edit(
                &state,
                &ctx,
                theme,
                form,
                None,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!("/monitor/themas/{}?opgeslagen=1", theme.slug)).into_response())
}

/// A theme's new name; its address stays.
async fn rename_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(slug): Path<String>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let p = check_editor(&ctx)?;
    let theme = theme_or_404(&state, &slug).await?;
    let name = v.get("naam").cloned().unwrap_or_default();
    match crate::rename_theme(&state.db, p, &ctx.request, &slug, &name, "naam").await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/monitor/themas/{slug}?opgeslagen=naam")).into_response())
        }
        Err(crate::ThemeError::Invalid(errors)) => {
            let m = texts(&ctx);
            let crimes = store::crime_types(&state.db).await?;
            let chosen: HashSet<String> = theme.crime_types.iter().cloned().collect();
            let form = edit_form(&m, &theme, &crimes, &chosen);
            let rename = rename_form(&m, &theme, &name)
                .with_errors(&ctx.lang, &crate::translate_errors(&ctx.lang, &errors));
            render_edit(
                &state,
                &ctx,
                theme,
                form,
                Some(rename),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
