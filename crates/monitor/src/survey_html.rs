//! Pages of the veiligheidsenquête: results per area (a chart with its table per indicator),
//! the form to enter or correct a result, and the CSV import.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::{Extension, Form as AxForm, Router};
use serde::Deserialize;

use crate::html::{check, check_editor, field, read_upload, texts, Texts};
use crate::model::ImportProblem;
use crate::store::{self, Actor, StoredSurvey};
use crate::survey::{self, SurveyInput, SurveyResult};
use crate::SurveyError;
use platform::web::forms::{FieldKind, Form, FormField};
use platform::web::{render_status, AppState, Ctx, Shell, WebError, WebResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/monitor/enquete", get(overview))
        .route(
            "/monitor/enquete/invoeren",
            get(entry_page).post(entry_post),
        )
        .route("/monitor/enquete/import", post(import_post))
}

pub struct SurveyRow {
    pub year: i64,
    pub value: String,
    pub interval: String,
    pub questionnaire: String,
    pub source: String,
    /// The first year of a new questionnaire: not comparable with the rows before.
    pub breaks: bool,
    pub edit_href: String,
}

pub struct IndicatorBlock {
    pub slug: String,
    pub label: String,
    pub unit: String,
    pub svg: String,
    pub breaks: Vec<String>,
    pub sources: String,
    pub rows: Vec<SurveyRow>,
}

#[derive(Template)]
#[template(path = "monitor_survey.html")]
struct OverviewPage {
    shell: Shell,
    m: Texts,
    area_form: Form,
    area_name: String,
    blocks: Vec<IndicatorBlock>,
    editor: bool,
    import_form: Form,
    notice: Option<String>,
    problems: Vec<ImportProblem>,
}

#[derive(Deserialize)]
struct AreaQuery {
    #[serde(default)]
    gebied: String,
    #[serde(default)]
    opgeslagen: String,
}

async fn area_options(state: &AppState) -> Result<Vec<(String, String)>, WebError> {
    Ok(store::regions(&state.db)
        .await?
        .into_iter()
        .filter(|r| r.level != "land")
        .map(|r| {
            (
                r.code.clone(),
                format!("{} ({}, {})", r.name, r.level, r.code),
            )
        })
        .collect())
}

fn import_form(m: &Texts) -> Form {
    Form::new(
        "/monitor/enquete/import",
        m.t("monitor-survey-import-button"),
        vec![
            FormField::new("bestand", m.t("monitor-survey-file"), FieldKind::File)
                .hint(m.t("monitor-survey-import-intro")),
        ],
    )
}

fn blocks(m: &Texts, results: &[StoredSurvey], editor: bool) -> Vec<IndicatorBlock> {
    survey::INDICATORS
        .iter()
        .filter_map(|ind| {
            let points: Vec<SurveyResult> = results
                .iter()
                .filter(|r| r.result.indicator == ind.slug)
                .map(|r| r.result.clone())
                .collect();
            if points.is_empty() {
                return None;
            }
            let cuts = survey::breaks(&points);
            let q_label = |slug: &str| {
                survey::questionnaire_label(slug)
                    .unwrap_or(slug)
                    .to_string()
            };
            let unit = match ind.unit {
                survey::Unit::Percent => m.t("monitor-survey-unit-percent"),
                survey::Unit::Grade => m.t("monitor-survey-unit-grade"),
            };
            let mut sources: Vec<&str> = points.iter().map(|p| p.source.as_str()).collect();
            sources.sort_unstable();
            sources.dedup();
            let rows = points
                .iter()
                .enumerate()
                .map(|(i, p)| SurveyRow {
                    year: p.year,
                    value: survey::decimal(p.estimate),
                    interval: match (p.lower, p.upper) {
                        (Some(l), Some(u)) => {
                            format!("{} – {}", survey::decimal(l), survey::decimal(u))
                        }
                        _ => m.t("monitor-survey-no-interval"),
                    },
                    questionnaire: q_label(&p.questionnaire),
                    source: p.source.clone(),
                    breaks: cuts.contains(&i),
                    edit_href: if editor {
                        format!(
                            "/monitor/enquete/invoeren?jaar={}&gebied={}&indicator={}",
                            p.year, p.area, p.indicator
                        )
                    } else {
                        String::new()
                    },
                })
                .collect();
            let breaks = cuts
                .iter()
                .map(|&i| {
                    crate::t_args(
                        &m.lang,
                        "monitor-survey-break",
                        &[
                            ("year", points[i].year.to_string()),
                            ("questionnaire", q_label(&points[i].questionnaire)),
                        ],
                    )
                })
                .collect();
            let title = format!("{} ({unit})", ind.label);
            Some(IndicatorBlock {
                slug: ind.slug.to_string(),
                svg: survey::chart_svg(
                    &points,
                    ind.unit,
                    &format!("grafiek-{}", ind.slug),
                    &title,
                    &m.t("monitor-survey-chart-desc"),
                ),
                label: ind.label.to_string(),
                unit,
                breaks,
                sources: sources.join("; "),
                rows,
            })
        })
        .collect()
}

async fn render_overview(
    state: &AppState,
    ctx: &Ctx,
    area: &str,
    import: Form,
    notice: Option<String>,
    problems: Vec<ImportProblem>,
    status: StatusCode,
) -> WebResult {
    let p = check(ctx)?;
    let m = crate::html::page_texts(state, ctx).await?;
    let options = area_options(state).await?;
    let area = if options.iter().any(|(c, _)| c == area) {
        area.to_string()
    } else {
        crate::GEMEENTE_CODE.to_string()
    };
    let area_name = store::regions(&state.db)
        .await?
        .into_iter()
        .find(|r| r.code == area)
        .map(|r| r.name)
        .unwrap_or_else(|| area.clone());
    let results = store::survey_results(&state.db, Some(&area), None).await?;
    let editor = crate::may_edit(p);
    let area_form = Form::new(
        "/monitor/enquete",
        m.t("monitor-survey-area-choice"),
        vec![FormField::new(
            "gebied",
            m.t("monitor-survey-area"),
            FieldKind::Select(options),
        )
        .value(area.clone())],
    )
    .get();
    render_status(
        status,
        &OverviewPage {
            shell: Shell::titled(
                ctx,
                format!("{} — {area_name}", m.t("monitor-survey-title")),
            ),
            blocks: blocks(&m, &results, editor),
            m,
            area_form,
            area_name,
            editor,
            import_form: import,
            notice,
            problems,
        },
    )
}

async fn overview(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<AreaQuery>,
) -> WebResult {
    let m = texts(&ctx);
    let notice = (q.opgeslagen == "1").then(|| m.t("monitor-survey-saved"));
    render_overview(
        &state,
        &ctx,
        &q.gebied,
        import_form(&m),
        notice,
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

async fn import_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    req: Request,
) -> WebResult {
    let p = check_editor(&ctx)?;
    let m = texts(&ctx);
    let (_, file) = read_upload(req, &state, "bestand").await?;
    let Some((_, raw)) = file else {
        let form = import_form(&m).with_errors(
            &ctx.lang,
            &[platform::identity::FieldError {
                field: "bestand".into(),
                message: m.t("monitor-survey-error-file"),
            }],
        );
        return render_overview(
            &state,
            &ctx,
            "",
            form,
            None,
            Vec::new(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    match crate::import_survey_csv(&state.db, &raw, &Actor::User(p, &ctx.request)).await {
        Ok(saved) => {
            let notice = crate::t_args(
                &ctx.lang,
                "monitor-survey-imported",
                &[
                    ("added", saved.added.to_string()),
                    ("changed", saved.changed.to_string()),
                    ("unchanged", saved.unchanged.to_string()),
                ],
            );
            render_overview(
                &state,
                &ctx,
                "",
                import_form(&m),
                Some(notice),
                Vec::new(),
                StatusCode::OK,
            )
            .await
        }
        Err(SurveyError::Refused(problems)) => {
            let form = import_form(&m).with_errors(
                &ctx.lang,
                &[platform::identity::FieldError {
                    field: "bestand".into(),
                    message: m.t("monitor-refused"),
                }],
            );
            render_overview(
                &state,
                &ctx,
                "",
                form,
                None,
                problems,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(SurveyError::Invalid(_)) => Err(WebError::Internal("unexpected field errors".into())),
        Err(SurveyError::Store(e)) => Err(WebError::from(e)),
    }
}

#[derive(Template)]
#[template(path = "monitor_survey_form.html")]
struct EntryPage {
    shell: Shell,
    m: Texts,
    form: Form,
}

const FIELDS: [&str; 8] = [
    "year",
    "area",
    "indicator",
    "estimate",
    "lower",
    "upper",
    "questionnaire",
    "source",
];

async fn entry_form(
    state: &AppState,
    m: &Texts,
    v: &HashMap<String, String>,
) -> Result<Form, WebError> {
    let mut areas = vec![(String::new(), String::new())];
    areas.extend(area_options(state).await?);
    let mut indicators = vec![(String::new(), String::new())];
    indicators.extend(
        survey::INDICATORS
            .iter()
            .map(|i| (i.slug.to_string(), i.label.to_string())),
    );
    let mut questionnaires = vec![(String::new(), String::new())];
    questionnaires.extend(
        survey::QUESTIONNAIRES
            .iter()
            .map(|(s, l)| (s.to_string(), l.to_string())),
    );
    let val = |k: &str| field(v, k);
    Ok(Form::new(
        "/monitor/enquete/invoeren",
        m.t("monitor-survey-save"),
        vec![
            FormField::new("year", m.t("monitor-survey-year"), FieldKind::Text)
                .value(val("year"))
                .required(),
            FormField::new("area", m.t("monitor-survey-area"), FieldKind::Select(areas))
                .value(val("area"))
                .required(),
            FormField::new(
                "indicator",
                m.t("monitor-survey-indicator"),
                FieldKind::Select(indicators),
            )
            .value(val("indicator"))
            .required(),
            FormField::new("estimate", m.t("monitor-survey-estimate"), FieldKind::Text)
                .value(val("estimate"))
                .hint(m.t("monitor-survey-estimate-hint"))
                .required(),
            FormField::new("lower", m.t("monitor-survey-lower"), FieldKind::Text)
                .value(val("lower"))
                .hint(m.t("monitor-survey-bounds-hint")),
            FormField::new("upper", m.t("monitor-survey-upper"), FieldKind::Text)
                .value(val("upper")),
            FormField::new(
                "questionnaire",
                m.t("monitor-survey-questionnaire"),
                FieldKind::Select(questionnaires),
            )
            .value(val("questionnaire"))
            .required(),
            FormField::new("source", m.t("monitor-survey-source"), FieldKind::Text)
                .value(val("source"))
                .hint(m.t("monitor-survey-source-hint"))
                .required(),
        ],
    ))
}

async fn render_entry(state: &AppState, ctx: &Ctx, form: Form, status: StatusCode) -> WebResult {
    let m = crate::html::page_texts(state, ctx).await?;
    render_status(
        status,
        &EntryPage {
            shell: Shell::titled(ctx, m.t("monitor-survey-enter-title")),
            m,
            form,
        },
    )
}

#[derive(Deserialize)]
struct EntryQuery {
    #[serde(default)]
    jaar: String,
    #[serde(default)]
    gebied: String,
    #[serde(default)]
    indicator: String,
}

/// The form, empty or (with year, area and indicator in the query) holding the stored result
/// to correct.
async fn entry_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<EntryQuery>,
) -> WebResult {
    check_editor(&ctx)?;
    let m = texts(&ctx);
    let mut v: HashMap<String, String> = HashMap::new();
    v.insert("area".into(), crate::GEMEENTE_CODE.into());
    if let Some(found) =
        store::survey_results(&state.db, Some(q.gebied.trim()), Some(q.indicator.trim()))
            .await?
            .into_iter()
            .find(|r| r.result.year.to_string() == q.jaar.trim())
    {
        let r = found.result;
        let num = |n: Option<f64>| n.map(survey::decimal).unwrap_or_default();
        v.insert("year".into(), r.year.to_string());
        v.insert("area".into(), r.area);
        v.insert("indicator".into(), r.indicator);
        v.insert("estimate".into(), survey::decimal(r.estimate));
        v.insert("lower".into(), num(r.lower));
        v.insert("upper".into(), num(r.upper));
        v.insert("questionnaire".into(), r.questionnaire);
        v.insert("source".into(), r.source);
    }
    let form = entry_form(&state, &m, &v).await?;
    render_entry(&state, &ctx, form, StatusCode::OK).await
}

async fn entry_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let p = check_editor(&ctx)?;
    let input = SurveyInput {
        year: field(&v, FIELDS[0]),
        area: field(&v, FIELDS[1]),
        indicator: field(&v, FIELDS[2]),
        estimate: field(&v, FIELDS[3]),
        lower: field(&v, FIELDS[4]),
        upper: field(&v, FIELDS[5]),
        questionnaire: field(&v, FIELDS[6]),
        source: field(&v, FIELDS[7]),
    };
    match crate::save_survey_result(&state.db, &input, &Actor::User(p, &ctx.request)).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/monitor/enquete?gebied={}&opgeslagen=1",
            input.area.trim()
        ))
        .into_response()),
        Err(SurveyError::Invalid(errors)) => {
            let m = texts(&ctx);
            let form = entry_form(&state, &m, &v)
                .await?
                .with_errors(&ctx.lang, &crate::translate_errors(&ctx.lang, &errors));
            render_entry(&state, &ctx, form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(SurveyError::Refused(_)) => Err(WebError::Internal("unexpected refusal".into())),
        Err(SurveyError::Store(e)) => Err(WebError::from(e)),
    }
}
