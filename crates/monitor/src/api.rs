//! JSON API under `/api/v1/monitor/…`: regions, a series with its Farrington figures, the current
//! alarms, and the two-weekly review sessions with their decisions.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use platform::identity::field_error;
use platform::web::api::{api_user, ApiError, ApiJson, Problem};
use platform::web::{AppState, Ctx};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::review::Alarm;
use crate::store::{self, Review, ReviewSummary};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(regions))
        .routes(routes!(series))
        .routes(routes!(alarms))
        .routes(routes!(alarm_overview))
        .routes(routes!(reviews_list, reviews_create))
        .routes(routes!(review_get))
        .routes(routes!(decision_create))
        .routes(routes!(survey_list, survey_create))
        .routes(routes!(themes_list))
        .routes(routes!(theme_update))
}

/// The API speaks Dutch in its explanations and messages, as the pages do by default.
const LANG: &str = "nl";

/// The caller, if the monitor is theirs to see (the gemeente's own staff).
fn viewer(ctx: &Ctx) -> Result<&platform::access::Principal, ApiError> {
    let p = api_user(ctx)?;
    if crate::may_view(p) {
        Ok(p)
    } else {
        Err(ApiError::Forbidden)
    }
}

#[derive(Serialize, ToSchema)]
pub struct MonitorRegion {
    /// CBS code: `GM1961`, `WK196124`, `BU19612401` (or `NL00`).
    pub code: String,
    /// `land`, `gemeente`, `wijk` or `buurt`.
    pub level: String,
    pub name: String,
    /// The enclosing region: the wijk of a buurt, the gemeente of a wijk.
    pub parent_code: Option<String>,
}

#[derive(Deserialize, IntoParams)]
struct RegionQuery {
    /// Only this level: `gemeente`, `wijk`, `buurt`.
    level: Option<String>,
}

/// The CBS regions of the gemeente (codes are stable while names change).
#[utoipa::path(get, path = "/api/v1/monitor/regions", tag = "monitor", security(("bearer" = [])), params(RegionQuery), responses(
    (status = 200, body = [MonitorRegion]),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json")
))]
async fn regions(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<RegionQuery>,
) -> Result<Json<Vec<MonitorRegion>>, ApiError> {
    viewer(&ctx)?;
    let level = q.level.as_deref().map(str::trim).filter(|l| !l.is_empty());
    let out = store::regions(&state.db)
        .await?
        .into_iter()
        .filter(|r| level.is_none_or(|l| r.level == l))
        .map(|r| MonitorRegion {
            code: r.code,
            level: r.level,
            name: r.name,
            parent_code: r.parent_code,
        })
        .collect();
    Ok(Json(out))
}

#[derive(Deserialize, IntoParams)]
struct SeriesQuery {
    /// Region code, e.g. `GM1961`.
    region: Option<String>,
    /// Crime type code, e.g. `1.1.1` (woninginbraak).
    crime_type: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MonitorSeriesPoint {
    /// CBS period code, e.g. `2024MM01`.
    pub period: String,
    /// Registered crimes; `null` when the month is missing or unpublished (never zero).
    pub count: Option<i64>,
    /// Farrington's expected count, where the period was evaluated (the last 24 months).
    pub expected: Option<f64>,
    /// The alarm threshold (negative-binomial plug-in, one-sided 5%).
    pub upperbound: Option<f64>,
    pub alarm: bool,
    /// `voorlopig` or `nader-voorlopig` when the police table's metadata says the figure is not
    /// final yet; `null` when final or not known.
    pub status: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MonitorSeries {
    pub region: String,
    pub region_name: String,
    pub crime_type: String,
    pub crime_title: String,
    /// Where the figures come from: `CBS / Politie (CC BY 4.0)` for police tables, or a
    /// statement that they are fictitious demo data; `null` when there are no figures.
    pub source: Option<String>,
    /// The figures were made up for the demo installation (never police figures).
    pub fictitious: bool,
    pub points: Vec<MonitorSeriesPoint>,
}

/// The monthly series of an area and crime type, with expected value, threshold and alarm.
#[utoipa::path(get, path = "/api/v1/monitor/series", tag = "monitor", security(("bearer" = [])), params(SeriesQuery), responses(
    (status = 200, body = MonitorSeries),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")
))]
async fn series(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<SeriesQuery>,
) -> Result<Json<MonitorSeries>, ApiError> {
    viewer(&ctx)?;
    let region_code = q.region.unwrap_or_default();
    let crime_code = q.crime_type.unwrap_or_default();
    let region = store::regions(&state.db)
        .await?
        .into_iter()
        .find(|r| r.code == region_code.trim());
    let crime = store::crime_types(&state.db)
        .await?
        .into_iter()
        .find(|c| c.code == crime_code.trim());
    let mut errors = Vec::new();
    if region.is_none() {
        errors.push(field_error(
            "region",
            &crate::t(LANG, "monitor-error-region"),
        ));
    }
    if crime.is_none() {
        errors.push(field_error(
            "crime_type",
            &crate::t(LANG, "monitor-error-crime-type"),
        ));
    }
    let (Some(region), Some(crime)) = (region, crime) else {
        return Err(ApiError::Invalid(errors));
    };
    let points =
        crate::html::continuous(&store::series(&state.db, &region.code, &crime.code).await?);
    let params = crate::series_params(&state.db, &region.code).await?;
    let results = crate::html::alarms(&points, &params);
    let status = store::series_status(&state.db, &region.code, &crime.code).await?;
    let sources = store::series_sources(&state.db, &region.code, &crime.code).await?;
    Ok(Json(MonitorSeries {
        region: region.code,
        region_name: region.name,
        crime_type: crime.code,
        crime_title: crime.title,
        source: (!sources.is_empty()).then(|| {
            sources
                .iter()
                .map(|(s, _)| s.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        }),
        fictitious: sources.iter().any(|(_, f)| *f),
        points: points
            .into_iter()
            .zip(results)
            .map(|(p, r)| MonitorSeriesPoint {
                count: p.value,
                expected: r.as_ref().map(|r| r.expected),
                upperbound: r.as_ref().map(|r| r.upperbound),
                alarm: r.is_some_and(|r| r.alarm),
                status: status.get(&p.period).map(|s| s.slug().to_string()),
                period: p.period,
            })
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct MonitorAlarm {
    pub region: String,
    pub region_name: String,
    /// `gemeente`, `wijk` or `buurt`.
    pub region_level: String,
    pub crime_type: String,
    pub crime_title: String,
    /// CBS period code, e.g. `2025MM01`.
    pub period: String,
    pub observed: i64,
    pub expected: f64,
    /// The alarm threshold.
    pub upperbound: f64,
    /// The same month a year earlier, if known.
    pub previous_year: Option<i64>,
    /// Whether the model kept a significant trend.
    pub trend: bool,
    /// A short explanation in Dutch.
    pub explanation: String,
}

fn alarm_out(a: &Alarm) -> MonitorAlarm {
    MonitorAlarm {
        region: a.region.clone(),
        region_name: a.region_name.clone(),
        region_level: a.region_level.clone(),
        crime_type: a.crime_type.clone(),
        crime_title: a.crime_title.clone(),
        period: a.period.clone(),
        observed: a.observed,
        expected: a.expected,
        upperbound: a.upperbound,
        previous_year: a.previous_year,
        trend: a.trend,
        explanation: crate::explain(a, LANG),
    }
}

/// The current alarms of every series with figures (Farrington over the last 24 months),
/// newest first.
#[utoipa::path(get, path = "/api/v1/monitor/alarms", tag = "monitor", security(("bearer" = [])), responses(
    (status = 200, body = [MonitorAlarm]),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json")
))]
async fn alarms(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Json<Vec<MonitorAlarm>>, ApiError> {
    viewer(&ctx)?;
    let alarms = crate::current_alarms(&state.db).await?;
    Ok(Json(alarms.iter().map(alarm_out).collect()))
}

#[derive(Serialize, ToSchema)]
pub struct MonitorAlarmLevel {
    /// `gemeente`, `wijk`, `buurt`, or `land` (national series, only when they alarm).
    pub level: String,
    /// The alarms that stand at this level, newest first; for buurten only those that survive
    /// false-discovery control.
    pub alarms: Vec<MonitorAlarm>,
}

#[derive(Serialize, ToSchema)]
pub struct MonitorFdrCandidate {
    /// Buurt code, e.g. `BU19612101`.
    pub region: String,
    pub region_name: String,
    pub observed: i64,
    pub expected: f64,
    pub upperbound: f64,
    /// Farrington's one-sided p-value of the month's count.
    pub p_value: f64,
    /// The Benjamini–Hochberg adjusted p-value across the buurten tested.
    pub q_value: f64,
    /// `true`: shown as an alarm; `false`: suppressed as a likely false alarm.
    pub kept: bool,
}

#[derive(Serialize, ToSchema)]
pub struct MonitorFdrGroup {
    pub crime_type: String,
    pub crime_title: String,
    /// CBS period code, e.g. `2025MM01`.
    pub period: String,
    /// Buurt series tested for this crime type and month.
    pub tested: usize,
    /// Exceedances expected by chance alone at most (tested × alpha).
    pub chance_exceedances: f64,
    pub kept: usize,
    pub suppressed: usize,
    /// Why buurt alarms are corrected, in one Dutch sentence.
    pub explanation: String,
    /// The buurten above their threshold, smallest p-value first.
    pub candidates: Vec<MonitorFdrCandidate>,
}

#[derive(Serialize, ToSchema)]
pub struct MonitorFdr {
    /// Farrington's one-sided level per test.
    pub alpha: f64,
    /// The false-discovery level (q) a buurt alarm must meet.
    pub q_level: f64,
    /// Per crime type and month with at least one buurt above its threshold, newest first.
    pub groups: Vec<MonitorFdrGroup>,
    /// Crime type × month combinations tested without any buurt above its threshold.
    pub quiet_groups: usize,
}

#[derive(Serialize, ToSchema)]
pub struct MonitorAlarmOverview {
    /// gemeente, wijk, buurt (and land when national series alarm), in that order.
    pub levels: Vec<MonitorAlarmLevel>,
    pub fdr: MonitorFdr,
}

/// The current alarms per level, and the false-discovery control of the buurt alarms: per crime
/// type and month the buurten tested, and each buurt above its threshold with p- and q-value,
/// kept or suppressed. The same figures as the page `/monitor/alarmen`.
#[utoipa::path(get, path = "/api/v1/monitor/alarmen", tag = "monitor", security(("bearer" = [])), responses(
    (status = 200, body = MonitorAlarmOverview),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json")
))]
async fn alarm_overview(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Json<MonitorAlarmOverview>, ApiError> {
    viewer(&ctx)?;
    let o = crate::alarm_overview(&state.db).await?;
    let levels = crate::review::by_level(&o.alarms)
        .into_iter()
        .map(|(level, alarms)| MonitorAlarmLevel {
            level: level.slug().to_string(),
            alarms: alarms.into_iter().map(alarm_out).collect(),
        })
        .collect();
    let groups = o
        .buurt_groups
        .iter()
        .map(|g| MonitorFdrGroup {
            crime_type: g.crime_type.clone(),
            crime_title: g.crime_title().to_string(),
            period: g.period.clone(),
            tested: g.tested,
            chance_exceedances: g.chance_exceedances(o.alpha),
            kept: g.kept(),
            suppressed: g.suppressed(),
            explanation: crate::explain_fdr(g, o.alpha, o.fdr_level, LANG),
            candidates: g
                .candidates
                .iter()
                .map(|c| MonitorFdrCandidate {
                    region: c.alarm.region.clone(),
                    region_name: c.alarm.region_name.clone(),
                    observed: c.alarm.observed,
                    expected: c.alarm.expected,
                    upperbound: c.alarm.upperbound,
                    p_value: c.p_value,
                    q_value: c.q_value,
                    kept: c.kept,
                })
                .collect(),
        })
        .collect();
    Ok(Json(MonitorAlarmOverview {
        levels,
        fdr: MonitorFdr {
            alpha: o.alpha,
            q_level: o.fdr_level,
            groups,
            quiet_groups: o.quiet_groups,
        },
    }))
}

#[derive(Serialize, ToSchema)]
pub struct MonitorReviewSummary {
    pub id: String,
    /// `YYYY-MM-DD`.
    pub held_on: String,
    pub title: String,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    pub created_by: String,
    /// Alarms the session listed.
    pub alarms: i64,
    /// Alarms with at least one decision.
    pub decided: i64,
}

fn summary_out(s: &ReviewSummary) -> MonitorReviewSummary {
    MonitorReviewSummary {
        id: s.session.id.clone(),
        held_on: s.session.held_on.clone(),
        title: s.session.title.clone(),
        created_at: s.session.created_at,
        created_by: s.session.created_by_name.clone(),
        alarms: s.alarms,
        decided: s.decided,
    }
}

#[derive(Serialize, ToSchema)]
pub struct MonitorDecision {
    pub id: String,
    /// `geen-actie`, `preventieve-actie`, `maatregel` or `communicatie`.
    pub decision: String,
    pub label: String,
    pub note: String,
    /// A path inside Baken, e.g. `/maatregelen/…`.
    pub link: Option<String>,
    /// Milliseconds since the Unix epoch.
    pub decided_at: i64,
    pub decided_by: String,
}

#[derive(Serialize, ToSchema)]
pub struct MonitorReviewAlarm {
    /// Use this id to record a decision.
    pub id: String,
    /// 1, 2, … within the session.
    pub seq: i64,
    pub alarm: MonitorAlarm,
    /// The decisions, newest first; the first is the current one.
    pub decisions: Vec<MonitorDecision>,
}

#[derive(Serialize, ToSchema)]
pub struct MonitorReview {
    pub id: String,
    pub held_on: String,
    pub title: String,
    pub created_at: i64,
    pub created_by: String,
    pub alarms: Vec<MonitorReviewAlarm>,
}

fn review_out(r: &Review) -> MonitorReview {
    MonitorReview {
        id: r.session.id.clone(),
        held_on: r.session.held_on.clone(),
        title: r.session.title.clone(),
        created_at: r.session.created_at,
        created_by: r.session.created_by_name.clone(),
        alarms: r
            .alarms
            .iter()
            .map(|a| MonitorReviewAlarm {
                id: a.id.clone(),
                seq: a.seq,
                alarm: alarm_out(&a.alarm),
                decisions: a
                    .decisions
                    .iter()
                    .map(|d| MonitorDecision {
                        id: d.id.clone(),
                        decision: d.decision.slug().into(),
                        label: crate::t(LANG, d.decision.label_key()),
                        note: d.note.clone(),
                        link: d.link.clone(),
                        decided_at: d.decided_at,
                        decided_by: d.decided_by_name.clone(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// The review sessions, the latest first.
#[utoipa::path(get, path = "/api/v1/monitor/reviews", tag = "monitor", security(("bearer" = [])), responses(
    (status = 200, body = [MonitorReviewSummary]),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json")
))]
async fn reviews_list(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Json<Vec<MonitorReviewSummary>>, ApiError> {
    viewer(&ctx)?;
    let list = store::reviews(&state.db).await?;
    Ok(Json(list.iter().map(summary_out).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct NewMonitorReview {
    /// The date of the session, `YYYY-MM-DD`.
    pub held_on: String,
    pub title: String,
}

/// Starts a review session; it lists the alarms no earlier session listed (audited).
#[utoipa::path(post, path = "/api/v1/monitor/reviews", tag = "monitor", security(("bearer" = [])), request_body = NewMonitorReview, responses(
    (status = 201, body = MonitorReview),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")
))]
async fn reviews_create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(input): ApiJson<NewMonitorReview>,
) -> Result<Response, ApiError> {
    let p = viewer(&ctx)?;
    let id = crate::start_review(&state.db, p, &ctx.request, &input.held_on, &input.title)
        .await
        .map_err(ApiError::from)?;
    let r = store::review(&state.db, &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(review_out(&r))).into_response())
}

/// One review session with its alarms and their decisions.
#[utoipa::path(get, path = "/api/v1/monitor/reviews/{id}", tag = "monitor", security(("bearer" = [])), params(("id" = String, Path)), responses(
    (status = 200, body = MonitorReview),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json")
))]
async fn review_get(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Json<MonitorReview>, ApiError> {
    viewer(&ctx)?;
    let r = store::review(&state.db, &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(review_out(&r)))
}

#[derive(Deserialize, ToSchema)]
pub struct NewMonitorDecision {
    /// The id of an alarm of this session.
    pub alarm_id: String,
    /// `geen-actie`, `preventieve-actie`, `maatregel` or `communicatie`.
    pub decision: String,
    #[serde(default)]
    pub note: String,
    /// A path inside Baken, e.g. `/maatregelen/…`.
    #[serde(default)]
    pub link: Option<String>,
    /// Who carries out the action: required for `preventieve-actie` and `maatregel`, which
    /// make an action that returns on later sessions until one closes it.
    #[serde(default)]
    pub owner: Option<String>,
    /// When the action is due (`YYYY-MM-DD`, not before the session): required with `owner`.
    #[serde(default)]
    pub due_on: Option<String>,
}

/// Records what the team decided about an alarm of the session (audited); a preventive action
/// or a measure makes an action with its owner and due date. Answers the session.
#[utoipa::path(post, path = "/api/v1/monitor/reviews/{id}/decisions", tag = "monitor", security(("bearer" = [])), params(("id" = String, Path)), request_body = NewMonitorDecision, responses(
    (status = 201, body = MonitorReview),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")
))]
async fn decision_create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<NewMonitorDecision>,
) -> Result<Response, ApiError> {
    let p = viewer(&ctx)?;
    let r = store::review(&state.db, &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let Some(alarm) = r.alarms.iter().find(|a| a.id == input.alarm_id) else {
        return Err(ApiError::Invalid(vec![field_error(
            "alarm_id",
            &crate::t(LANG, "monitor-error-alarm"),
        )]));
    };
    let minutes = crate::minutes(&state.db, &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    crate::decide_item(
        &state.db,
        p,
        &ctx.request,
        &minutes,
        &format!("alarm-{}", alarm.seq),
        &input.decision,
        &input.note,
        input.owner.as_deref().unwrap_or(""),
        input.due_on.as_deref().unwrap_or(""),
        input.link.as_deref().unwrap_or(""),
    )
    .await
    .map_err(ApiError::from)?;
    let r = store::review(&state.db, &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(review_out(&r))).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct MonitorSurveyResult {
    pub year: i64,
    /// CBS region code, e.g. `GM1961`.
    pub area: String,
    /// Indicator slug, e.g. `voelt-zich-veilig`.
    pub indicator: String,
    pub indicator_label: String,
    /// `percent` (0–100) or `grade` (1–10).
    pub unit: crate::survey::Unit,
    pub estimate: f64,
    /// Lower bound of the 95% interval, if the source gives one.
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    /// Questionnaire version: `vm-2012`, `vm-2021` (revised; not comparable with before) or
    /// `eigen` (the gemeente's own survey).
    pub questionnaire: String,
    pub source: String,
    /// Milliseconds since the Unix epoch.
    pub updated_at: i64,
    pub updated_by: String,
}

fn survey_out(s: store::StoredSurvey) -> MonitorSurveyResult {
    let ind = crate::survey::indicator(&s.result.indicator);
    MonitorSurveyResult {
        indicator_label: ind.map(|i| i.label.to_string()).unwrap_or_default(),
        unit: ind.map(|i| i.unit).unwrap_or(crate::survey::Unit::Percent),
        year: s.result.year,
        area: s.result.area,
        indicator: s.result.indicator,
        estimate: s.result.estimate,
        lower: s.result.lower,
        upper: s.result.upper,
        questionnaire: s.result.questionnaire,
        source: s.result.source,
        updated_at: s.updated_at,
        updated_by: s.updated_by,
    }
}

#[derive(Deserialize, IntoParams)]
struct SurveyQuery {
    /// Only this area, e.g. `GM1961`.
    area: Option<String>,
    /// Only this indicator, e.g. `voelt-zich-veilig`.
    indicator: Option<String>,
}

/// Results of the veiligheidsenquête, by indicator, area and year.
#[utoipa::path(get, path = "/api/v1/monitor/enquete", tag = "monitor", security(("bearer" = [])), params(SurveyQuery), responses(
    (status = 200, body = [MonitorSurveyResult]),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json")
))]
async fn survey_list(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<SurveyQuery>,
) -> Result<Json<Vec<MonitorSurveyResult>>, ApiError> {
    viewer(&ctx)?;
    let area = q.area.as_deref().map(str::trim).filter(|a| !a.is_empty());
    let indicator = q
        .indicator
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty());
    let list = store::survey_results(&state.db, area, indicator).await?;
    Ok(Json(list.into_iter().map(survey_out).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct NewMonitorSurveyResult {
    pub year: i64,
    /// CBS region code of the gemeente, a wijk or a buurt.
    pub area: String,
    pub indicator: String,
    pub estimate: f64,
    #[serde(default)]
    pub lower: Option<f64>,
    #[serde(default)]
    pub upper: Option<f64>,
    pub questionnaire: String,
    pub source: String,
}

/// Records a survey result, or corrects the one with the same year, area and indicator
/// (analysts, integral-safety advisers and administrators; audited). Answers the stored result.
#[utoipa::path(post, path = "/api/v1/monitor/enquete", tag = "monitor", security(("bearer" = [])), request_body = NewMonitorSurveyResult, responses(
    (status = 201, body = MonitorSurveyResult),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")
))]
async fn survey_create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(input): ApiJson<NewMonitorSurveyResult>,
) -> Result<Response, ApiError> {
    let p = viewer(&ctx)?;
    if !crate::may_edit(p) {
        return Err(ApiError::Forbidden);
    }
    let num = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let raw = crate::survey::SurveyInput {
        year: input.year.to_string(),
        area: input.area.clone(),
        indicator: input.indicator.clone(),
        estimate: input.estimate.to_string(),
        lower: num(input.lower),
        upper: num(input.upper),
        questionnaire: input.questionnaire.clone(),
        source: input.source.clone(),
    };
    match crate::save_survey_result(&state.db, &raw, &store::Actor::User(p, &ctx.request)).await {
        Ok(_) => {}
        Err(crate::SurveyError::Invalid(errors)) => {
            return Err(ApiError::Invalid(crate::translate_errors(LANG, &errors)))
        }
        Err(crate::SurveyError::Refused(_)) => {
            return Err(ApiError::Internal("unexpected refusal".into()))
        }
        Err(crate::SurveyError::Store(e)) => return Err(ApiError::from(e)),
    }
    let stored = store::survey_results(
        &state.db,
        Some(input.area.trim()),
        Some(input.indicator.trim()),
    )
    .await?
    .into_iter()
    .find(|s| s.result.year == input.year)
    .ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(survey_out(stored))).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct MonitorThemeCrime {
    /// 47022NED code, e.g. `1.1.1`.
    pub code: String,
    pub title: String,
}

#[derive(Serialize, ToSchema)]
pub struct MonitorTheme {
    /// Stable name in addresses, e.g. `veilige-woonomgeving`.
    pub slug: String,
    pub name: String,
    /// The crime types counted under the theme, by code.
    pub crime_types: Vec<MonitorThemeCrime>,
}

fn theme_out(t: store::Theme, titles: &std::collections::HashMap<String, String>) -> MonitorTheme {
    MonitorTheme {
        crime_types: t
            .crime_types
            .into_iter()
            .map(|code| MonitorThemeCrime {
                title: titles.get(&code).cloned().unwrap_or_else(|| code.clone()),
                code,
            })
            .collect(),
        slug: t.slug,
        name: t.name,
    }
}

async fn crime_titles(
    state: &AppState,
) -> Result<std::collections::HashMap<String, String>, ApiError> {
    Ok(store::crime_types(&state.db)
        .await?
        .into_iter()
        .map(|c| (c.code, c.title))
        .collect())
}

/// The IVB themes in their order, each with the crime types counted under it.
#[utoipa::path(get, path = "/api/v1/monitor/themas", tag = "monitor", security(("bearer" = [])), responses(
    (status = 200, body = [MonitorTheme]),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json")
))]
async fn themes_list(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Json<Vec<MonitorTheme>>, ApiError> {
    viewer(&ctx)?;
    let titles = crime_titles(&state).await?;
    let themes = store::themes(&state.db).await?;
    Ok(Json(
        themes.into_iter().map(|t| theme_out(t, &titles)).collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct MonitorThemeUpdate {
    /// The crime types (47022NED codes) of the theme, replacing the current ones; leave out to
    /// keep them. An unknown code refuses the whole change.
    #[serde(default)]
    pub crime_types: Option<Vec<String>>,
    /// A new name (at most 80 characters, unique); leave out to keep it. The slug stays.
    #[serde(default)]
    pub name: Option<String>,
}

/// Changes a theme's crime types and/or name (analysts, integral-safety advisers and
/// administrators; audited with the old and the new value).
#[utoipa::path(put, path = "/api/v1/monitor/themas/{slug}", tag = "monitor", security(("bearer" = [])), params(("slug" = String, Path)), request_body = MonitorThemeUpdate, responses(
    (status = 200, body = MonitorTheme),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")
))]
async fn theme_update(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(slug): Path<String>,
    ApiJson(input): ApiJson<MonitorThemeUpdate>,
) -> Result<Json<MonitorTheme>, ApiError> {
    let p = viewer(&ctx)?;
    if !crate::may_edit(p) {
        return Err(ApiError::Forbidden);
    }
    let theme = crate::update_theme(
        &state.db,
        p,
        &ctx.request,
        &slug,
        input.name.as_deref(),
        input.crime_types.as_deref(),
    )
    .await?;
    let titles = crime_titles(&state).await?;
    Ok(Json(theme_out(theme, &titles)))
}
