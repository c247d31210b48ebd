//! The pages of the policy module.

use std::collections::HashMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::{Extension, Form as AxForm, Router};
use platform::access::{self as pa, Action as AccessAction, Principal, Purpose};
use platform::db::Db;
use platform::web::forms::FormPage;
use platform::web::forms::{FieldKind, Form, FormField};
use platform::web::{
    render, render_status, require_user, AppState, Ctx, Shell, WebError, WebResult,
};
use serde::Deserialize;

use crate::access::{may_edit, Beleid};
use crate::model::{self, Block, ChartBar, Status};
use crate::store::{self, BeleidError, Budget, Policy, YearPlan};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/beleid", get(overview))
        .route("/beleid/versies", post(new_version))
        .route("/beleid/thema/{id}", get(theme_page))
        .route(
            "/beleid/thema/{id}/bewerken",
            get(theme_edit_page).post(theme_edit_submit),
        )
        .route("/beleid/plan/{policy}/{year}", get(plan_page))
        .route("/beleid/plan/{policy}/{year}/export.csv", get(plan_export))
        .route("/beleid/plan/{policy}/{year}/import", post(plan_import))
        .route(
            "/beleid/actie/{id}/{year}",
            get(action_page).post(action_submit),
        )
        .route("/beleid/actie/{id}/{year}/voortgang", post(note_submit))
        .route(
            "/beleid/actie/{id}/{year}/indicator",
            post(indicator_submit),
        )
        .route("/beleid/indicator/{id}/verwijderen", post(indicator_delete))
        .route(
            "/beleid/budget/{theme}/{year}",
            get(budget_page).post(budget_submit),
        )
        .route("/beleid/rapportage/{year}", get(report_page))
        .route(
            "/beleid/rapportage/{year}/thema/{theme}",
            get(report_text_page).post(report_text_submit),
        )
}

/// The module's translations for templates.
pub struct Tr {
    pub lang: String,
}

impl Tr {
    fn new(ctx: &Ctx) -> Tr {
        Tr {
            lang: ctx.lang.clone(),
        }
    }
    pub fn t(&self, key: &str) -> String {
        crate::t(&self.lang, key)
    }
}

async fn reader(state: &AppState, ctx: &Ctx) -> Result<Principal, WebError> {
    let p = require_user(ctx)?.clone();
    pa::authorize(
        &state.db,
        &ctx.request,
        &p,
        AccessAction::Read,
        Beleid::new("beleid_policy", None),
        Purpose::Uitvoering,
    )
    .await?;
    Ok(p)
}

async fn editor(
    state: &AppState,
    ctx: &Ctx,
    kind: &'static str,
    id: &str,
) -> Result<store::Editor, WebError> {
    let p = require_user(ctx)?.clone();
    Ok(pa::authorize_as(
        &state.db,
        &ctx.request,
        &p,
        Beleid::new(kind, Some(id)),
        Purpose::Uitvoering,
    )
    .await?)
}

fn this_year() -> i64 {
    i64::from(jiff::Zoned::now().year())
}

/// The year asked for, or this year, kept within the policy's period.
fn year_in(policy: &Policy, asked: Option<i64>) -> i64 {
    asked
        .unwrap_or_else(this_year)
        .clamp(policy.period_start, policy.period_end)
}

fn years(policy: &Policy) -> Vec<i64> {
    (policy.period_start..=policy.period_end).collect()
}

fn set_errors(mut form: Form, lang: &str, problems: &[(&'static str, &'static str)]) -> Form {
    for (field, key) in problems {
        let msg = crate::t(lang, key);
        match form.fields.iter_mut().find(|f| f.name == *field) {
            Some(f) => f.error = Some(msg),
            None => form.general_error = Some(msg),
        }
    }
    form
}

// ---------------------------------------------------------------------------------------------
// View models.

#[derive(serde::Serialize)]
pub struct ActionView {
    pub id: String,
    pub code: String,
    pub text: String,
    pub has_plan: bool,
    pub status: String,
    pub status_slug: String,
    pub team: String,
    pub partners: String,
    pub period: String,
    pub reason: String,
    pub notes: Vec<store::Note>,
}

impl ActionView {
    fn new(ap: &store::ActionPlan) -> ActionView {
        let (status, slug) = match &ap.plan {
            Some(p) => (p.status.label().to_string(), p.status.slug().to_string()),
            None => ("Nog niet gepland".to_string(), String::new()),
        };
        let period = ap
            .plan
            .as_ref()
            .map(
                |p| match (p.planned_from.is_empty(), p.planned_until.is_empty()) {
                    (true, true) => String::new(),
                    (false, true) => format!("vanaf {}", p.planned_from),
                    (true, false) => format!("tot en met {}", p.planned_until),
                    _ => format!("{} t/m {}", p.planned_from, p.planned_until),
                },
            )
            .unwrap_or_default();
        ActionView {
            id: ap.action.id.clone(),
            code: ap.action.code.clone(),
            text: ap.action.text.clone(),
            has_plan: ap.plan.is_some(),
            status,
            status_slug: slug,
            team: ap.plan.as_ref().map(|p| p.team.clone()).unwrap_or_default(),
            partners: ap
                .plan
                .as_ref()
                .map(|p| p.partners.clone())
                .unwrap_or_default(),
            period,
            reason: ap
                .plan
                .as_ref()
                .map(|p| p.reason.clone())
                .unwrap_or_default(),
            notes: ap.notes.clone(),
        }
    }
}

#[derive(serde::Serialize)]
pub struct IndicatorView {
    pub id: String,
    pub action_code: String,
    pub name: String,
    pub unit: String,
    pub target: String,
    pub actual: String,
    pub counted: bool,
}

fn indicator_views(tp: &store::ThemePlan) -> (Vec<IndicatorView>, String) {
    let mut views = Vec::new();
    let mut bars = Vec::new();
    for ap in &tp.actions {
        for i in &ap.indicators {
            let num = |v: Option<f64>| v.map(model::format_number).unwrap_or_else(|| "—".into());
            views.push(IndicatorView {
                id: i.id.clone(),
                action_code: ap.action.code.clone(),
                name: i.name.clone(),
                unit: i.unit.clone(),
                target: num(i.target),
                actual: if i.source.is_some() && i.actual.is_none() {
                    "bron niet beschikbaar".into()
                } else {
                    num(i.actual)
                },
                counted: i.source.is_some(),
            });
            bars.push(ChartBar {
                label: i.name.clone(),
                target: i.target,
                actual: i.actual,
            });
        }
    }
    let chart = if bars.is_empty() {
        String::new()
    } else {
        model::bar_chart_svg(&bars)
    };
    (views, chart)
}

#[derive(serde::Serialize)]
pub struct BudgetView {
    pub present: bool,
    pub begroot: String,
    pub toegekend: String,
    pub subsidy_source: String,
    pub besteed: String,
    pub remaining: String,
}

impl BudgetView {
    fn new(b: Option<&Budget>) -> BudgetView {
        let d = Budget::default();
        let b2 = b.unwrap_or(&d);
        BudgetView {
            present: b.is_some(),
            begroot: model::format_euros(b2.begroot),
            toegekend: model::format_euros(b2.toegekend),
            subsidy_source: b2.subsidy_source.clone(),
            besteed: model::format_euros(b2.besteed),
            remaining: model::format_euros(b2.begroot + b2.toegekend - b2.besteed),
        }
    }
}

#[derive(Default, serde::Serialize)]
pub struct Counts {
    pub gepland: usize,
    pub lopend: usize,
    pub gereed: usize,
    pub vervallen: usize,
    pub open: usize,
}

fn counts(tp: &store::ThemePlan) -> Counts {
    let mut c = Counts::default();
    for ap in &tp.actions {
        match ap.plan.as_ref().map(|p| p.status) {
            Some(Status::Gepland) => c.gepland += 1,
            Some(Status::Lopend) => c.lopend += 1,
            Some(Status::Gereed) => c.gereed += 1,
            Some(Status::Vervallen) => c.vervallen += 1,
            None => c.open += 1,
        }
    }
    c
}

// ---------------------------------------------------------------------------------------------
// Overview.

pub struct ThemeRow {
    pub id: String,
    pub number: String,
    pub title: String,
    pub goals: usize,
    pub actions: usize,
    pub counts: Counts,
}

#[derive(Template)]
#[template(path = "beleid/overview.html")]
struct OverviewPage {
    shell: Shell,
    tr: Tr,
    policy: Policy,
    versions: Vec<Policy>,
    foreword: Vec<Block>,
    context: Vec<Block>,
    themes: Vec<ThemeRow>,
    year: i64,
    years: Vec<i64>,
    version_form: Option<Form>,
}

#[derive(Deserialize, Default)]
struct YearQuery {
    jaar: Option<i64>,
    versie: Option<String>,
}

fn version_form(ctx: &Ctx, latest: &Policy) -> Form {
    let start = latest.period_end + 1;
    Form::new(
        "/beleid/versies",
        crate::t(&ctx.lang, "beleid-version-submit"),
        vec![
            FormField::new("from", String::new(), FieldKind::Hidden).value(latest.id.clone()),
            FormField::new(
                "period_start",
                crate::t(&ctx.lang, "beleid-field-period-start"),
                FieldKind::Text,
            )
            .value(start.to_string())
            .required(),
            FormField::new(
                "period_end",
                crate::t(&ctx.lang, "beleid-field-period-end"),
                FieldKind::Text,
            )
            .value((start + 3).to_string())
            .required(),
        ],
    )
}

async fn overview_page(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    q: &YearQuery,
    form_override: Option<Form>,
) -> Result<OverviewPage, WebError> {
    let policy = match &q.versie {
        Some(id) => store::policy(&state.db, id).await?,
        None => store::policy_for_year(&state.db, q.jaar.unwrap_or_else(this_year)).await?,
    };
    let versions = store::policies(&state.db).await?;
    let year = year_in(&policy, q.jaar);
    let plan = store::year_plan(&state.db, &policy.id, year).await?;
    let themes = plan
        .themes
        .iter()
        .map(|tp| ThemeRow {
            id: tp.theme.id.clone(),
            number: tp.theme.number.clone(),
            title: tp.theme.title.clone(),
            goals: tp.goals.len(),
            actions: tp.actions.len(),
            counts: counts(tp),
        })
        .collect();
    let latest = versions.last().cloned();
    let version_form = match (may_edit(p), latest) {
        (true, Some(latest)) => Some(form_override.unwrap_or_else(|| version_form(ctx, &latest))),
        _ => None,
    };
    Ok(OverviewPage {
        shell: Shell::titled(
            ctx,
            format!("{} — {}", crate::t(&ctx.lang, "beleid-nav"), policy.title),
        ),
        tr: Tr::new(ctx),
        foreword: model::blocks(&policy.foreword),
        context: model::blocks(&policy.context),
        years: years(&policy),
        policy,
        versions,
        themes,
        year,
        version_form,
    })
}

async fn overview(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<YearQuery>,
) -> WebResult {
    let p = reader(&state, &ctx).await?;
    render(&overview_page(&state, &ctx, &p, &q, None).await?)
}

#[derive(Deserialize)]
struct VersionInput {
    #[serde(default)]
    from: String,
    #[serde(default)]
    period_start: String,
    #[serde(default)]
    period_end: String,
}

async fn new_version(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    AxForm(input): AxForm<VersionInput>,
) -> WebResult {
    let auth = editor(&state, &ctx, "beleid_policy", &input.from).await?;
    let start = input.period_start.trim().parse::<i64>();
    let end = input.period_end.trim().parse::<i64>();
    let result = match (start, end) {
        (Ok(s), Ok(e)) if (2000..=2100).contains(&s) && (2000..=2100).contains(&e) => {
            store::copy_policy(&state.db, &auth, &ctx.request, s, e).await
        }
        _ => Err(BeleidError::Invalid(vec![(
            "period_end",
            "beleid-error-period",
        )])),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/beleid?versie={id}")).into_response()),
        Err(BeleidError::Invalid(problems)) => {
            let latest = store::policy(&state.db, &input.from).await?;
            let mut form = version_form(&ctx, &latest);
            for f in form.fields.iter_mut() {
                match f.name.as_str() {
                    "period_start" => f.value = input.period_start.clone(),
                    "period_end" => f.value = input.period_end.clone(),
                    _ => {}
                }
            }
            let form = set_errors(form, &ctx.lang, &problems);
            let page = overview_page(
                &state,
                &ctx,
                auth.principal(),
                &YearQuery::default(),
                Some(form),
            )
            .await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Theme.

#[derive(Template)]
#[template(path = "beleid/theme.html")]
struct ThemePage {
    shell: Shell,
    tr: Tr,
    policy: Policy,
    theme: store::Theme,
    intro: Vec<Block>,
    year: i64,
    years: Vec<i64>,
    goals: Vec<store::Goal>,
    actions: Vec<ActionView>,
    indicators: Vec<IndicatorView>,
    chart: String,
    budget: BudgetView,
    can_edit: bool,
}

async fn theme_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    Query(q): Query<YearQuery>,
) -> WebResult {
    let p = reader(&state, &ctx).await?;
    let theme = store::theme(&state.db, &id).await?;
    let policy = store::policy(&state.db, &theme.policy_id).await?;
    let year = year_in(&policy, q.jaar);
    let plan = store::year_plan(&state.db, &policy.id, year).await?;
    let tp = plan
        .themes
        .iter()
        .find(|t| t.theme.id == id)
        .ok_or(WebError::NotFound)?;
    let (indicators, chart) = indicator_views(tp);
    render(&ThemePage {
        shell: Shell::titled(&ctx, format!("{} {} ({year})", theme.number, theme.title)),
        tr: Tr::new(&ctx),
        intro: model::blocks(&theme.intro),
        years: years(&policy),
        goals: tp.goals.clone(),
        actions: tp.actions.iter().map(ActionView::new).collect(),
        indicators,
        chart,
        budget: BudgetView::new(tp.budget.as_ref()),
        can_edit: may_edit(&p),
        policy,
        theme,
        year,
    })
}

#[derive(Template)]
#[template(path = "beleid/theme_edit.html")]
struct ThemeEditPage {
    shell: Shell,
    tr: Tr,
    theme: store::Theme,
    title: String,
    intro: String,
    goals: String,
    actions: String,
    errors: Vec<(String, String)>,
}

impl ThemeEditPage {
    fn error(&self, field: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.clone())
    }
}

async fn theme_edit_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let p = reader(&state, &ctx).await?;
    if !may_edit(&p) {
        return Err(WebError::Forbidden);
    }
    let theme = store::theme(&state.db, &id).await?;
    let policy = store::policy(&state.db, &theme.policy_id).await?;
    if !policy.editable {
        return Err(WebError::Forbidden);
    }
    let plan = store::year_plan(&state.db, &policy.id, policy.period_start).await?;
    let tp = plan
        .themes
        .iter()
        .find(|t| t.theme.id == id)
        .ok_or(WebError::NotFound)?;
    render(&ThemeEditPage {
        shell: Shell::titled(
            &ctx,
            format!(
                "{} {} {}",
                crate::t(&ctx.lang, "beleid-edit"),
                theme.number,
                theme.title
            ),
        ),
        tr: Tr::new(&ctx),
        title: theme.title.clone(),
        intro: theme.intro.clone(),
        goals: tp
            .goals
            .iter()
            .map(|g| g.text.clone())
            .collect::<Vec<_>>()
            .join("\n"),
        actions: tp
            .actions
            .iter()
            .map(|a| a.action.text.clone())
            .collect::<Vec<_>>()
            .join("\n"),
        theme,
        errors: Vec::new(),
    })
}

#[derive(Deserialize)]
struct ThemeInput {
    #[serde(default)]
    title: String,
    #[serde(default)]
    intro: String,
    #[serde(default)]
    goals: String,
    #[serde(default)]
    actions: String,
}

fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

async fn theme_edit_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(input): AxForm<ThemeInput>,
) -> WebResult {
    let auth = editor(&state, &ctx, "beleid_theme", &id).await?;
    let theme = store::theme(&state.db, &id).await?;
    let mut errors = Vec::new();
    if input.title.trim().is_empty() {
        errors.push((
            "title".to_string(),
            crate::t(&ctx.lang, "beleid-error-required"),
        ));
    }
    if lines(&input.actions).is_empty() {
        errors.push((
            "actions".to_string(),
            crate::t(&ctx.lang, "beleid-error-required"),
        ));
    }
    if !errors.is_empty() {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ThemeEditPage {
                shell: Shell::titled(
                    &ctx,
                    format!(
                        "{} {} {}",
                        crate::t(&ctx.lang, "beleid-edit"),
                        theme.number,
                        theme.title
                    ),
                ),
                tr: Tr::new(&ctx),
                theme,
                title: input.title,
                intro: input.intro,
                goals: input.goals,
                actions: input.actions,
                errors,
            },
        );
    }
    store::update_theme(
        &state.db,
        &auth,
        &ctx.request,
        &input.title,
        &input.intro,
        &lines(&input.goals),
        &lines(&input.actions),
    )
    .await?;
    Ok(Redirect::to(&format!("/beleid/thema/{id}")).into_response())
}

// ---------------------------------------------------------------------------------------------
// The uitvoeringsplan of a year.

pub struct PlanTheme {
    pub id: String,
    pub number: String,
    pub title: String,
    pub actions: Vec<ActionView>,
    pub budget: BudgetView,
}

#[derive(Template)]
#[template(path = "beleid/plan.html")]
struct PlanPage {
    shell: Shell,
    tr: Tr,
    policy: Policy,
    year: i64,
    years: Vec<i64>,
    themes: Vec<PlanTheme>,
    totals: BudgetView,
    can_edit: bool,
    import_errors: Vec<(usize, String)>,
    import_text: String,
    imported: Option<usize>,
}

async fn plan_view(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    policy_id: &str,
    year: i64,
) -> Result<PlanPage, WebError> {
    let policy = store::policy(&state.db, policy_id).await?;
    if year < policy.period_start || year > policy.period_end {
        return Err(WebError::NotFound);
    }
    let plan = store::year_plan(&state.db, policy_id, year).await?;
    Ok(PlanPage {
        shell: Shell::titled(
            ctx,
            format!("{} {year}", crate::t(&ctx.lang, "beleid-plan-title")),
        ),
        tr: Tr::new(ctx),
        years: years(&policy),
        themes: plan
            .themes
            .iter()
            .map(|tp| PlanTheme {
                id: tp.theme.id.clone(),
                number: tp.theme.number.clone(),
                title: tp.theme.title.clone(),
                actions: tp.actions.iter().map(ActionView::new).collect(),
                budget: BudgetView::new(tp.budget.as_ref()),
            })
            .collect(),
        totals: BudgetView::new(Some(&plan.totals)),
        can_edit: may_edit(p),
        policy,
        year,
        import_errors: Vec::new(),
        import_text: String::new(),
        imported: None,
    })
}

#[derive(Deserialize, Default)]
struct ImportedQuery {
    geimporteerd: Option<usize>,
}

async fn plan_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((policy_id, year)): Path<(String, i64)>,
    Query(q): Query<ImportedQuery>,
) -> WebResult {
    let p = reader(&state, &ctx).await?;
    let mut page = plan_view(&state, &ctx, &p, &policy_id, year).await?;
    page.imported = q.geimporteerd;
    render(&page)
}

/// The rows of the plan's CSV file.
pub fn plan_rows(plan: &YearPlan) -> Vec<Vec<String>> {
    let mut rows = vec![crate::csv::HEADER.iter().map(|s| s.to_string()).collect()];
    let blank = |n: usize| vec![String::new(); n];
    for tp in &plan.themes {
        for ap in &tp.actions {
            let p = ap.plan.as_ref();
            let mut r = vec![
                "actie".to_string(),
                ap.action.code.clone(),
                format!("{} {}", tp.theme.number, tp.theme.title),
                ap.action.text.clone(),
                p.map(|p| p.status.slug().to_string()).unwrap_or_default(),
                p.map(|p| p.team.clone()).unwrap_or_default(),
                p.map(|p| p.partners.clone()).unwrap_or_default(),
                p.map(|p| p.planned_from.clone()).unwrap_or_default(),
                p.map(|p| p.planned_until.clone()).unwrap_or_default(),
                p.map(|p| p.reason.clone()).unwrap_or_default(),
            ];
            r.extend(blank(9));
            rows.push(r);
            for n in &ap.notes {
                let mut r = vec![
                    "voortgang".to_string(),
                    ap.action.code.clone(),
                    format!("{} {}", tp.theme.number, tp.theme.title),
                    n.text.clone(),
                ];
                r.extend(blank(14));
                r.push(n.noted_on.clone());
                rows.push(r);
            }
            for i in ap.indicators.iter().filter(|i| i.source.is_none()) {
                let mut r = vec!["indicator".to_string(), ap.action.code.clone()];
                r.extend(blank(8));
                r.push(i.name.clone());
                r.push(i.unit.clone());
                r.push(i.target.map(model::format_number).unwrap_or_default());
                r.push(i.actual.map(model::format_number).unwrap_or_default());
                r.extend(blank(5));
                rows.push(r);
            }
        }
        if let Some(b) = &tp.budget {
            let mut r = vec![
                "budget".to_string(),
                format!("T{}", tp.theme.number),
                format!("{} {}", tp.theme.number, tp.theme.title),
            ];
            r.extend(blank(11));
            r.push(model::format_euros(b.begroot));
            r.push(model::format_euros(b.toegekend));
            r.push(b.subsidy_source.clone());
            r.push(model::format_euros(b.besteed));
            r.push(String::new());
            rows.push(r);
        }
    }
    rows
}

async fn plan_export(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((policy_id, year)): Path<(String, i64)>,
) -> WebResult {
    reader(&state, &ctx).await?;
    let plan = store::year_plan(&state.db, &policy_id, year).await?;
    let body = crate::csv::write(&plan_rows(&plan));
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"uitvoeringsplan-{year}.csv\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// The value of the part `name` of a multipart/form-data body.
fn multipart_field(content_type: &str, body: &[u8], name: &str) -> Option<Vec<u8>> {
    let boundary = content_type.split("boundary=").nth(1)?.trim_matches('"');
    let delim = format!("--{boundary}");
    let text = body;
    let mut parts = Vec::new();
    let mut start = 0;
    while let Some(pos) = find(&text[start..], delim.as_bytes()) {
        parts.push(start + pos);
        start += pos + delim.len();
    }
    for w in parts.windows(2) {
        let part = &text[w[0] + delim.len()..w[1]];
        let head_end = find(part, b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&part[..head_end]);
        if head.contains(&format!("name=\"{name}\"")) {
            let content = &part[head_end + 4..];
            let content = content.strip_suffix(b"\r\n").unwrap_or(content);
            return Some(content.to_vec());
        }
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

async fn plan_import(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((policy_id, year)): Path<(String, i64)>,
    headers: HeaderMap,
    body: Bytes,
) -> WebResult {
    let auth = editor(&state, &ctx, "beleid_plan", &policy_id).await?;
    let ctype = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let (file, pasted) = if ctype.starts_with("multipart/form-data") {
        (
            multipart_field(ctype, &body, "bestand").unwrap_or_default(),
            multipart_field(ctype, &body, "csv").unwrap_or_default(),
        )
    } else {
        let fields: HashMap<String, String> =
            serde_urlencoded::from_bytes(&body).unwrap_or_default();
        (
            Vec::new(),
            fields.get("csv").cloned().unwrap_or_default().into_bytes(),
        )
    };
    let raw = if file.is_empty() { pasted } else { file };
    let mut page = plan_view(&state, &ctx, auth.principal(), &policy_id, year).await?;
    let text = match String::from_utf8(raw) {
        Ok(t) => t,
        Err(_) => {
            page.import_errors = vec![(
                1,
                "het bestand is geen UTF-8-tekst; sla het op als \"CSV UTF-8\"".into(),
            )];
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let actions = store::actions(&state.db, &policy_id).await?;
    let themes = store::themes(&state.db, &policy_id).await?;
    let action_codes: Vec<String> = actions.iter().map(|a| a.code.clone()).collect();
    let theme_codes: Vec<String> = themes.iter().map(|t| format!("T{}", t.number)).collect();
    match crate::csv::parse_plan(&text, year, &action_codes, &theme_codes) {
        Ok(rows) => {
            let n = store::import_plan(&state.db, &auth, &ctx.request, year, &rows).await?;
            Ok(
                Redirect::to(&format!("/beleid/plan/{policy_id}/{year}?geimporteerd={n}"))
                    .into_response(),
            )
        }
        Err(errors) => {
            page.import_errors = errors;
            page.import_text = if text.len() < 200_000 {
                text
            } else {
                String::new()
            };
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// One action in one year.

#[derive(Template)]
#[template(path = "beleid/action.html")]
struct ActionPage {
    shell: Shell,
    tr: Tr,
    policy: Policy,
    theme: store::Theme,
    year: i64,
    action: ActionView,
    indicators: Vec<IndicatorView>,
    plan_form: Option<Form>,
    note_form: Option<Form>,
    indicator_form: Option<Form>,
    sources_available: bool,
}

/// What the plan form offers to pick from: the organisation's teams and the partner
/// organisations known to Baken.
pub struct PlanChoices {
    teams: Vec<String>,
    partners: Vec<String>,
}

async fn plan_choices(state: &AppState, p: &Principal) -> Result<PlanChoices, WebError> {
    let teams = platform::identity::list_teams(&state.db, &p.organisation_id)
        .await?
        .into_iter()
        .map(|t| t.name)
        .collect();
    let partners = platform::identity::list_organisations(&state.db)
        .await?
        .into_iter()
        .filter(|o| o.id != p.organisation_id)
        .map(|o| o.name)
        .collect();
    Ok(PlanChoices { teams, partners })
}

/// The partners of a plan as typed or picked: names separated by commas.
fn partner_names(text: &str) -> Vec<String> {
    text.split([',', ';'])
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect()
}

/// The plan form as sent: picked partners and the ones typed beside them become one list.
fn plan_input(body: &str) -> model::PlanInput {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(body).unwrap_or_default();
    let mut v = model::PlanInput::default();
    let mut partners = Vec::new();
    for (k, value) in pairs {
        match k.as_str() {
            "status" => v.status = value,
            "team" => v.team = value,
            "partners" => partners.extend(partner_names(&value)),
            "partners_overig" => partners.extend(partner_names(&value)),
            "planned_from" => v.planned_from = value,
            "planned_until" => v.planned_until = value,
            "reason" => v.reason = value,
            _ => {}
        }
    }
    partners.dedup();
    v.partners = partners.join(", ");
    v
}

fn plan_form(
    ctx: &Ctx,
    action_id: &str,
    year: i64,
    v: &model::PlanInput,
    choices: &PlanChoices,
) -> Form {
    let tr = |k: &str| crate::t(&ctx.lang, k);
    let mut statuses = vec![(String::new(), tr("beleid-choose"))];
    statuses.extend(
        Status::ALL
            .iter()
            .map(|s| (s.slug().to_string(), s.label().to_string())),
    );
    let mut teams = vec![(String::new(), tr("beleid-no-team"))];
    teams.extend(choices.teams.iter().map(|t| (t.clone(), t.clone())));
    // A team typed before the list existed stays choosable.
    if !v.team.is_empty() && !choices.teams.contains(&v.team) {
        teams.push((v.team.clone(), v.team.clone()));
    }
    let named = partner_names(&v.partners);
    let picked = choices
        .partners
        .iter()
        .map(|p| (p.clone(), p.clone(), named.contains(p)))
        .collect();
    let others = named
        .iter()
        .filter(|n| !choices.partners.contains(n))
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    Form::new(
        format!("/beleid/actie/{action_id}/{year}"),
        tr("beleid-save"),
        vec![
            FormField::new(
                "status",
                tr("beleid-field-status"),
                FieldKind::Select(statuses),
            )
            .value(v.status.clone())
            .required(),
            FormField::new("team", tr("beleid-field-team"), FieldKind::Select(teams))
                .value(v.team.clone()),
            FormField::new(
                "partners",
                tr("beleid-field-partners"),
                FieldKind::Checkboxes(picked),
            ),
            FormField::new(
                "partners_overig",
                tr("beleid-field-partners-other"),
                FieldKind::Text,
            )
            .value(others)
            .hint(tr("beleid-field-partners-hint")),
            FormField::new("planned_from", tr("beleid-field-from"), FieldKind::Month)
                .value(v.planned_from.clone())
                .hint(format!("{} ({year}-01)", tr("beleid-field-month-hint"))),
            FormField::new("planned_until", tr("beleid-field-until"), FieldKind::Month)
                .value(v.planned_until.clone())
                .hint(format!("{} ({year}-12)", tr("beleid-field-month-hint"))),
            FormField::new("reason", tr("beleid-field-reason"), FieldKind::TextArea)
                .value(v.reason.clone())
                .hint(tr("beleid-field-reason-hint")),
        ],
    )
}

fn note_form(ctx: &Ctx, action_id: &str, year: i64, date: &str, text: &str) -> Form {
    let tr = |k: &str| crate::t(&ctx.lang, k);
    Form::new(
        format!("/beleid/actie/{action_id}/{year}/voortgang"),
        tr("beleid-note-submit"),
        vec![
            FormField::new("noted_on", tr("beleid-field-date"), FieldKind::Date)
                .value(date)
                .required(),
            FormField::new("text", tr("beleid-field-note"), FieldKind::Text)
                .value(text)
                .required(),
        ],
    )
}

#[derive(Deserialize, Default, Clone)]
struct IndicatorInput {
    #[serde(default)]
    name: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    actual: String,
    #[serde(default)]
    source: String,
}

fn indicator_form(ctx: &Ctx, action_id: &str, year: i64, v: &IndicatorInput) -> Form {
    let tr = |k: &str| crate::t(&ctx.lang, k);
    let mut fields = vec![
        FormField::new("name", tr("beleid-field-indicator"), FieldKind::Text)
            .value(v.name.clone())
            .required(),
        FormField::new("unit", tr("beleid-field-unit"), FieldKind::Text)
            .value(v.unit.clone())
            .hint(tr("beleid-field-unit-hint")),
        FormField::new("target", tr("beleid-field-target"), FieldKind::Text)
            .value(v.target.clone()),
        FormField::new("actual", tr("beleid-field-actual"), FieldKind::Text)
            .value(v.actual.clone())
            .hint(tr("beleid-field-actual-hint")),
    ];
    let sources = crate::sources::available();
    if !sources.is_empty() {
        let mut options = vec![(String::new(), tr("beleid-source-typed"))];
        options.extend(sources);
        fields.push(
            FormField::new(
                "source",
                tr("beleid-field-source"),
                FieldKind::Select(options),
            )
            .value(v.source.clone()),
        );
    }
    Form::new(
        format!("/beleid/actie/{action_id}/{year}/indicator"),
        tr("beleid-indicator-submit"),
        fields,
    )
}

struct ActionForms {
    plan: Option<Form>,
    note: Option<Form>,
    indicator: Option<Form>,
}

/// The action exists and the year lies in its policy's period (404 otherwise); a cheap check
/// before a change, instead of building the whole page.
async fn check_action_year(state: &AppState, action_id: &str, year: i64) -> Result<(), WebError> {
    let (_, theme) = store::action(&state.db, action_id).await?;
    let policy = store::policy(&state.db, &theme.policy_id).await?;
    if year < policy.period_start || year > policy.period_end {
        return Err(WebError::NotFound);
    }
    Ok(())
}

async fn action_view(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    action_id: &str,
    year: i64,
    forms: ActionForms,
) -> Result<ActionPage, WebError> {
    let (action, theme) = store::action(&state.db, action_id).await?;
    let policy = store::policy(&state.db, &theme.policy_id).await?;
    if year < policy.period_start || year > policy.period_end {
        return Err(WebError::NotFound);
    }
    let plan = store::year_plan(&state.db, &policy.id, year).await?;
    let tp = plan
        .themes
        .iter()
        .find(|t| t.theme.id == theme.id)
        .ok_or(WebError::NotFound)?;
    let ap = tp
        .actions
        .iter()
        .find(|a| a.action.id == action.id)
        .ok_or(WebError::NotFound)?;
    let only = store::ThemePlan {
        theme: tp.theme.clone(),
        goals: Vec::new(),
        actions: vec![ap.clone()],
        budget: None,
        report_text: String::new(),
    };
    let (indicators, _) = indicator_views(&only);
    let edit = may_edit(p);
    let current = model::PlanInput {
        status: ap
            .plan
            .as_ref()
            .map(|p| p.status.slug().to_string())
            .unwrap_or_default(),
        team: ap.plan.as_ref().map(|p| p.team.clone()).unwrap_or_default(),
        partners: ap
            .plan
            .as_ref()
            .map(|p| p.partners.clone())
            .unwrap_or_default(),
        planned_from: ap
            .plan
            .as_ref()
            .map(|p| p.planned_from.clone())
            .unwrap_or_default(),
        planned_until: ap
            .plan
            .as_ref()
            .map(|p| p.planned_until.clone())
            .unwrap_or_default(),
        reason: ap
            .plan
            .as_ref()
            .map(|p| p.reason.clone())
            .unwrap_or_default(),
    };
    let choices = plan_choices(state, p).await?;
    let today = jiff::Zoned::now().date().to_string();
    Ok(ActionPage {
        shell: Shell::titled(
            ctx,
            format!(
                "{} {} ({year})",
                crate::t(&ctx.lang, "beleid-action"),
                action.code
            ),
        ),
        tr: Tr::new(ctx),
        action: ActionView::new(ap),
        indicators,
        plan_form: edit.then(|| {
            forms
                .plan
                .unwrap_or_else(|| plan_form(ctx, action_id, year, &current, &choices))
        }),
        note_form: edit.then(|| {
            forms
                .note
                .unwrap_or_else(|| note_form(ctx, action_id, year, &today, ""))
        }),
        indicator_form: edit.then(|| {
            forms
                .indicator
                .unwrap_or_else(|| indicator_form(ctx, action_id, year, &IndicatorInput::default()))
        }),
        sources_available: !crate::sources::available().is_empty(),
        policy,
        theme,
        year,
    })
}

const NO_FORMS: ActionForms = ActionForms {
    plan: None,
    note: None,
    indicator: None,
};

async fn action_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, year)): Path<(String, i64)>,
) -> WebResult {
    let p = reader(&state, &ctx).await?;
    render(&action_view(&state, &ctx, &p, &id, year, NO_FORMS).await?)
}

async fn action_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, year)): Path<(String, i64)>,
    body: String,
) -> WebResult {
    let auth = editor(&state, &ctx, "beleid_plan", &id).await?;
    let input = plan_input(&body);
    // The action must exist and the year lie in its policy's period.
    check_action_year(&state, &id, year).await?;
    match store::set_plan(&state.db, &auth, &ctx.request, year, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/beleid/actie/{id}/{year}")).into_response()),
        Err(BeleidError::Invalid(problems)) => {
            let choices = plan_choices(&state, auth.principal()).await?;
            let form = set_errors(
                plan_form(&ctx, &id, year, &input, &choices),
                &ctx.lang,
                &problems,
            );
            let page = action_view(
                &state,
                &ctx,
                auth.principal(),
                &id,
                year,
                ActionForms {
                    plan: Some(form),
                    ..NO_FORMS
                },
            )
            .await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct NoteInput {
    #[serde(default)]
    noted_on: String,
    #[serde(default)]
    text: String,
}

async fn note_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, year)): Path<(String, i64)>,
    AxForm(input): AxForm<NoteInput>,
) -> WebResult {
    let auth = editor(&state, &ctx, "beleid_note", &id).await?;
    check_action_year(&state, &id, year).await?;
    let mut problems = Vec::new();
    if input.noted_on.parse::<jiff::civil::Date>().is_err() {
        problems.push(("noted_on", "beleid-error-date"));
    }
    if input.text.trim().is_empty() {
        problems.push(("text", "beleid-error-required"));
    }
    if !problems.is_empty() {
        let form = set_errors(
            note_form(&ctx, &id, year, &input.noted_on, &input.text),
            &ctx.lang,
            &problems,
        );
        let page = action_view(
            &state,
            &ctx,
            auth.principal(),
            &id,
            year,
            ActionForms {
                note: Some(form),
                ..NO_FORMS
            },
        )
        .await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    store::add_note(
        &state.db,
        &auth,
        &ctx.request,
        year,
        input.noted_on.trim(),
        &input.text,
    )
    .await?;
    Ok(Redirect::to(&format!("/beleid/actie/{id}/{year}")).into_response())
}

async fn indicator_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, year)): Path<(String, i64)>,
    AxForm(input): AxForm<IndicatorInput>,
) -> WebResult {
    let auth = editor(&state, &ctx, "beleid_indicator", &id).await?;
    check_action_year(&state, &id, year).await?;
    let mut problems = Vec::new();
    if input.name.trim().is_empty() {
        problems.push(("name", "beleid-error-required"));
    }
    let target = model::parse_number(&input.target).unwrap_or_else(|_| {
        problems.push(("target", "beleid-error-number"));
        None
    });
    let actual = model::parse_number(&input.actual).unwrap_or_else(|_| {
        problems.push(("actual", "beleid-error-number"));
        None
    });
    let source = Some(input.source.trim().to_string()).filter(|s| !s.is_empty());
    if let Some(s) = &source {
        if !crate::sources::available().iter().any(|(k, _)| k == s) {
            problems.push(("source", "beleid-error-source"));
        }
    }
    if !problems.is_empty() {
        let form = set_errors(
            indicator_form(&ctx, &id, year, &input),
            &ctx.lang,
            &problems,
        );
        let page = action_view(
            &state,
            &ctx,
            auth.principal(),
            &id,
            year,
            ActionForms {
                indicator: Some(form),
                ..NO_FORMS
            },
        )
        .await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    store::add_indicator(
        &state.db,
        &auth,
        &ctx.request,
        year,
        &store::NewIndicator {
            name: input.name,
            unit: input.unit,
            target,
            actual,
            source,
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/beleid/actie/{id}/{year}")).into_response())
}

async fn indicator_delete(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let auth = editor(&state, &ctx, "beleid_indicator", &id).await?;
    let (action_id, year) = store::indicator_action(&state.db, &id).await?;
    store::delete_indicator(&state.db, &auth, &ctx.request).await?;
    Ok(Redirect::to(&format!("/beleid/actie/{action_id}/{year}")).into_response())
}

// ---------------------------------------------------------------------------------------------
// Budget.

#[derive(Deserialize, Default)]
struct BudgetInput {
    #[serde(default)]
    begroot: String,
    #[serde(default)]
    toegekend: String,
    #[serde(default)]
    subsidy_source: String,
    #[serde(default)]
    besteed: String,
}

fn budget_form(ctx: &Ctx, theme_id: &str, year: i64, v: &BudgetInput) -> Form {
    let tr = |k: &str| crate::t(&ctx.lang, k);
    Form::new(
        format!("/beleid/budget/{theme_id}/{year}"),
        tr("beleid-save"),
        vec![
            FormField::new("begroot", tr("beleid-field-begroot"), FieldKind::Text)
                .value(v.begroot.clone())
                .hint(tr("beleid-field-euro-hint")),
            FormField::new("toegekend", tr("beleid-field-toegekend"), FieldKind::Text)
                .value(v.toegekend.clone())
                .hint(tr("beleid-field-euro-hint")),
            FormField::new(
                "subsidy_source",
                tr("beleid-field-subsidy-source"),
                FieldKind::Text,
            )
            .value(v.subsidy_source.clone()),
            FormField::new("besteed", tr("beleid-field-besteed"), FieldKind::Text)
                .value(v.besteed.clone())
                .hint(tr("beleid-field-euro-hint")),
        ],
    )
}

async fn budget_page_for(
    state: &AppState,
    ctx: &Ctx,
    theme_id: &str,
    year: i64,
    form: Option<Form>,
) -> Result<FormPage, WebError> {
    let theme = store::theme(&state.db, theme_id).await?;
    let policy = store::policy(&state.db, &theme.policy_id).await?;
    if year < policy.period_start || year > policy.period_end {
        return Err(WebError::NotFound);
    }
    let plan = store::year_plan(&state.db, &policy.id, year).await?;
    let b = plan
        .themes
        .iter()
        .find(|t| t.theme.id == theme_id)
        .and_then(|t| t.budget.clone());
    let current = b
        .map(|b| BudgetInput {
            begroot: model::format_euros(b.begroot),
            toegekend: model::format_euros(b.toegekend),
            subsidy_source: b.subsidy_source,
            besteed: model::format_euros(b.besteed),
        })
        .unwrap_or_default();
    Ok(FormPage {
        shell: Shell::titled(
            ctx,
            format!(
                "{} {} {} ({year})",
                crate::t(&ctx.lang, "beleid-budget"),
                theme.number,
                theme.title
            ),
        ),
        intro: crate::t(&ctx.lang, "beleid-budget-intro"),
        form: form.unwrap_or_else(|| budget_form(ctx, theme_id, year, &current)),
        after: vec![(
            format!("/beleid/thema/{theme_id}?jaar={year}"),
            format!("{} {}", crate::t(&ctx.lang, "beleid-back-to"), theme.title),
        )],
    })
}

async fn budget_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((theme_id, year)): Path<(String, i64)>,
) -> WebResult {
    let p = reader(&state, &ctx).await?;
    if !may_edit(&p) {
        return Err(WebError::Forbidden);
    }
    render(&budget_page_for(&state, &ctx, &theme_id, year, None).await?)
}

async fn budget_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((theme_id, year)): Path<(String, i64)>,
    AxForm(input): AxForm<BudgetInput>,
) -> WebResult {
    let auth = editor(&state, &ctx, "beleid_budget", &theme_id).await?;
    budget_page_for(&state, &ctx, &theme_id, year, None).await?;
    let mut problems = Vec::new();
    let mut money = |field: &'static str, v: &str| match model::parse_euros(v) {
        Some(c) if c >= 0 => c,
        _ => {
            problems.push((field, "beleid-error-amount"));
            0
        }
    };
    let b = Budget {
        begroot: money("begroot", &input.begroot),
        toegekend: money("toegekend", &input.toegekend),
        subsidy_source: input.subsidy_source.trim().to_string(),
        besteed: money("besteed", &input.besteed),
    };
    if b.toegekend > 0 && b.subsidy_source.is_empty() {
        problems.push(("subsidy_source", "beleid-error-subsidy-source"));
    }
    if !problems.is_empty() {
        let form = set_errors(
            budget_form(&ctx, &theme_id, year, &input),
            &ctx.lang,
            &problems,
        );
        let page = budget_page_for(&state, &ctx, &theme_id, year, Some(form)).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    store::set_budget(&state.db, &auth, &ctx.request, year, &b).await?;
    Ok(Redirect::to(&format!("/beleid/thema/{theme_id}?jaar={year}")).into_response())
}

// ---------------------------------------------------------------------------------------------
// The raadsrapportage.

#[derive(serde::Serialize)]
pub struct ReportTheme {
    pub id: String,
    pub number: String,
    pub title: String,
    pub goals: Vec<String>,
    pub counts: Counts,
    pub planned: usize,
    pub actions: Vec<ActionView>,
    pub indicators: Vec<IndicatorView>,
    pub chart: String,
    pub budget: BudgetView,
    pub text: Vec<Block>,
}

fn report_themes(plan: &YearPlan) -> Vec<ReportTheme> {
    plan.themes
        .iter()
        .map(|tp| {
            let (indicators, chart) = indicator_views(tp);
            ReportTheme {
                id: tp.theme.id.clone(),
                number: tp.theme.number.clone(),
                title: tp.theme.title.clone(),
                goals: tp.goals.iter().map(|g| g.text.clone()).collect(),
                counts: counts(tp),
                planned: tp.actions.iter().filter(|a| a.plan.is_some()).count(),
                actions: tp.actions.iter().map(ActionView::new).collect(),
                indicators,
                chart,
                budget: BudgetView::new(tp.budget.as_ref()),
                text: model::blocks(&tp.report_text),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "beleid/report.html")]
struct ReportPage {
    shell: Shell,
    tr: Tr,
    policy: Policy,
    year: i64,
    themes: Vec<ReportTheme>,
    totals: BudgetView,
    can_edit: bool,
}

async fn report_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(year): Path<i64>,
) -> WebResult {
    let p = reader(&state, &ctx).await?;
    let policy = store::policy_for_year(&state.db, year).await?;
    if year < policy.period_start || year > policy.period_end {
        return Err(WebError::NotFound);
    }
    let plan = store::year_plan(&state.db, &policy.id, year).await?;
    render(&ReportPage {
        shell: Shell::titled(
            &ctx,
            format!("{} {year}", crate::t(&ctx.lang, "beleid-report-title")),
        ),
        tr: Tr::new(&ctx),
        themes: report_themes(&plan),
        totals: BudgetView::new(Some(&plan.totals)),
        can_edit: may_edit(&p),
        policy,
        year,
    })
}

#[derive(Template)]
#[template(path = "beleid/report_document.html")]
struct ReportDocument {
    tr: Tr,
    policy: Policy,
    year: i64,
    themes: Vec<ReportTheme>,
    totals: BudgetView,
    can_edit: bool,
}

/// The report as a standalone HTML document (no menu, no scripts), for print or archive.
pub async fn report_document(db: &Db, year: i64) -> Result<String, BeleidError> {
    let policy = store::policy_for_year(db, year).await?;
    if year < policy.period_start || year > policy.period_end {
        return Err(BeleidError::NotFound);
    }
    let plan = store::year_plan(db, &policy.id, year).await?;
    ReportDocument {
        tr: Tr { lang: "nl".into() },
        themes: report_themes(&plan),
        totals: BudgetView::new(Some(&plan.totals)),
        can_edit: false,
        policy,
        year,
    }
    .render()
    .map_err(|e| BeleidError::Other(e.to_string()))
}

/// The Typst layout of the printed report; the data reaches it as `data.json`, so no text typed
/// in Baken is ever read as Typst markup.
pub const REPORT_TYPST: &str = include_str!("../templates/beleid/report.typ");

/// The labels the Typst layout prints, in Dutch like the HTML document.
const REPORT_LABELS: &[&str] = &[
    "beleid-report-title",
    "beleid-report-intro",
    "beleid-year",
    "beleid-report-summary",
    "beleid-report-summary-caption",
    "beleid-theme",
    "beleid-actions",
    "beleid-planned",
    "beleid-report-no-text",
    "beleid-report-goals",
    "beleid-report-planned-done",
    "beleid-actions-caption",
    "beleid-action",
    "beleid-field-status",
    "beleid-field-period",
    "beleid-notes",
    "beleid-indicators",
    "beleid-indicators-caption",
    "beleid-field-indicator",
    "beleid-field-unit",
    "beleid-field-target",
    "beleid-field-actual",
    "beleid-counted",
    "beleid-budget",
    "beleid-budget-caption",
    "beleid-field-begroot",
    "beleid-field-toegekend",
    "beleid-field-subsidy-source",
    "beleid-field-besteed",
    "beleid-remaining",
    "beleid-no-budget",
    "beleid-total",
];

/// The report's data for the Typst layout: the same views the HTML document shows, plus each
/// theme's indicator chart as an SVG file of its own (`chart-<theme id>.svg`).
pub struct ReportData {
    pub json: Vec<u8>,
    pub charts: Vec<(String, Vec<u8>)>,
}

/// The report's data for someone who may read the policy, for the PDF download the binary
/// serves (the binary owns the Typst renderer; this crate does not compile Typst).
pub async fn report_data_for(
    state: &AppState,
    ctx: &Ctx,
    year: i64,
) -> Result<ReportData, WebError> {
    reader(state, ctx).await?;
    Ok(report_data(&state.db, year).await?)
}

pub async fn report_data(db: &Db, year: i64) -> Result<ReportData, BeleidError> {
    let policy = store::policy_for_year(db, year).await?;
    if year < policy.period_start || year > policy.period_end {
        return Err(BeleidError::NotFound);
    }
    let plan = store::year_plan(db, &policy.id, year).await?;
    let themes = report_themes(&plan);
    let charts = themes
        .iter()
        .filter(|t| !t.chart.is_empty())
        .map(|t| (format!("chart-{}.svg", t.id), t.chart.clone().into_bytes()))
        .collect();
    let mut charts: Vec<(String, Vec<u8>)> = charts;
    let labels: serde_json::Map<String, serde_json::Value> = REPORT_LABELS
        .iter()
        .map(|k| (k.to_string(), crate::t("nl", k).into()))
        .collect();
    // The cover carries the installation's name and logo (platform::theme) and the day it was made.
    let house = platform::theme::current(db).await?;
    let logo = match platform::theme::logo(db).await? {
        Some((bytes, kind)) => {
            let name = if kind == "image/png" {
                "logo.png"
            } else {
                "logo.svg"
            };
            charts.push((name.to_string(), bytes));
            Some(name)
        }
        None => None,
    };
    let today = platform::db::today_nl();
    let json = serde_json::to_vec(&serde_json::json!({
        "year": year,
        "policy": policy.title,
        "organisation": house.name,
        "logo": logo,
        "date": format!(
            "{} {} {}",
            today.day(),
            termijnen::maand_naam(today.month()),
            today.year()
        ),
        "labels": labels,
        "themes": themes,
        "totals": BudgetView::new(Some(&plan.totals)),
    }))
    .map_err(|e| BeleidError::Other(e.to_string()))?;
    Ok(ReportData { json, charts })
}

#[derive(Template)]
#[template(path = "beleid/report_text.html")]
struct ReportTextPage {
    shell: Shell,
    tr: Tr,
    theme: store::Theme,
    year: i64,
    text: String,
    error: Option<String>,
}

async fn report_text_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((year, theme_id)): Path<(i64, String)>,
) -> WebResult {
    let p = reader(&state, &ctx).await?;
    if !may_edit(&p) {
        return Err(WebError::Forbidden);
    }
    let theme = store::theme(&state.db, &theme_id).await?;
    let plan = store::year_plan(&state.db, &theme.policy_id, year).await?;
    let text = plan
        .themes
        .iter()
        .find(|t| t.theme.id == theme_id)
        .map(|t| t.report_text.clone())
        .unwrap_or_default();
    render(&ReportTextPage {
        shell: Shell::titled(
            &ctx,
            format!(
                "{} {} ({year})",
                crate::t(&ctx.lang, "beleid-report-text"),
                theme.title
            ),
        ),
        tr: Tr::new(&ctx),
        theme,
        year,
        text,
        error: None,
    })
}

#[derive(Deserialize)]
struct TextInput {
    #[serde(default)]
    text: String,
}

async fn report_text_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((year, theme_id)): Path<(i64, String)>,
    AxForm(input): AxForm<TextInput>,
) -> WebResult {
    let auth = editor(&state, &ctx, "beleid_report_text", &theme_id).await?;
    let theme = store::theme(&state.db, &theme_id).await?;
    if input.text.chars().count() > 5000 {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ReportTextPage {
                shell: Shell::titled(
                    &ctx,
                    format!(
                        "{} {} ({year})",
                        crate::t(&ctx.lang, "beleid-report-text"),
                        theme.title
                    ),
                ),
                tr: Tr::new(&ctx),
                theme,
                year,
                text: input.text,
                error: Some(crate::t(&ctx.lang, "beleid-error-long")),
            },
        );
    }
    store::set_report_text(&state.db, &auth, &ctx.request, year, &input.text).await?;
    Ok(Redirect::to(&format!("/beleid/rapportage/{year}#thema-{theme_id}")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_field_is_found() {
        let body = b"--XYZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n--XYZ\r\nContent-Disposition: form-data; name=\"bestand\"; filename=\"p.csv\"\r\nContent-Type: text/csv\r\n\r\nsoort;code\r\nactie;T2-A1\r\n--XYZ--\r\n";
        let v = multipart_field("multipart/form-data; boundary=XYZ", body, "bestand");
        assert_eq!(v.as_deref(), Some(&b"soort;code\r\nactie;T2-A1"[..]));
        assert_eq!(
            multipart_field("multipart/form-data; boundary=XYZ", body, "x"),
            None
        );
    }
}
