//! Monitor pages: the overview (areas, versions, series choice) and a series with chart and table.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::{Extension, Form as AxForm, Router};
use serde::Deserialize;

use crate::model::Period;
use crate::review;
use crate::store::{self, Point, Region, ReviewSummary};
use crate::ReviewError;
use platform::identity::FieldError;
use platform::web::forms::{FieldKind, Form, FormField};
use platform::web::{
    render, render_status, require_user, AppState, Ctx, Shell, WebError, WebResult,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/monitor", get(overview))
        .route("/monitor/reeks", get(series_page))
        .route("/monitor/kaart", get(map_page))
        .route(
            "/monitor/besprekingen",
            get(reviews_page).post(reviews_post),
        )
        .route("/monitor/import", post(upload_post))
        .merge(crate::alarms_html::routes())
        .merge(crate::meeting_html::routes())
        .merge(crate::survey_html::routes())
        .merge(crate::themes_html::routes())
}

/// The module's texts in templates: `{{ m.t("key") }}`.
pub struct Texts {
    pub(crate) lang: String,
    /// Fictitious demo figures are present: every page says so (`monitor_demo_notice.html`)
    /// and the source line does not credit CBS / Politie for them.
    pub(crate) demo: bool,
}

impl Texts {
    pub fn t(&self, key: &str) -> String {
        crate::t(&self.lang, key)
    }

    /// The source line under figures.
    pub fn source(&self) -> String {
        self.t(if self.demo {
            "monitor-source-demo"
        } else {
            "monitor-source"
        })
    }
}

/// The texts for messages and forms (whether demo figures are present does not matter there).
pub(crate) fn texts(ctx: &Ctx) -> Texts {
    Texts {
        lang: ctx.lang.clone(),
        demo: false,
    }
}

/// The texts for a whole page: they know whether fictitious demo figures are present (one
/// cheap query), so the page can show the notice.
pub(crate) async fn page_texts(state: &AppState, ctx: &Ctx) -> Result<Texts, WebError> {
    Ok(Texts {
        lang: ctx.lang.clone(),
        demo: store::has_fictitious(&state.db).await?,
    })
}

pub(crate) fn check(ctx: &Ctx) -> Result<&platform::access::Principal, WebError> {
    let p = require_user(ctx)?;
    if crate::may_view(p) {
        Ok(p)
    } else {
        Err(WebError::Forbidden)
    }
}

/// The caller, if they may change the monitor's data.
pub(crate) fn check_editor(ctx: &Ctx) -> Result<&platform::access::Principal, WebError> {
    let p = check(ctx)?;
    if crate::may_edit(p) {
        Ok(p)
    } else {
        Err(WebError::Forbidden)
    }
}

pub struct VersionRow {
    pub table: String,
    pub file: String,
    pub cells: i64,
    pub suppressed: i64,
    pub at: String,
    pub source: String,
    pub fictitious: bool,
}

#[derive(Template)]
#[template(path = "monitor_overview.html")]
struct OverviewPage {
    shell: Shell,
    m: Texts,
    form: Form,
    versions: Vec<VersionRow>,
    areas: Vec<Region>,
    editor: bool,
    upload: Form,
    notice: Option<String>,
    problems: Vec<crate::model::ImportProblem>,
}

/// Reads a posted multipart form: its text fields, and the file of `file_field` (name and
/// bytes) if one was chosen. The body limit of the platform bounds the size.
pub(crate) async fn read_upload(
    req: axum::extract::Request,
    state: &AppState,
    file_field: &str,
) -> Result<(HashMap<String, String>, Option<(String, Vec<u8>)>), WebError> {
    use axum::extract::FromRequest;
    let bad = |_: String| WebError::BadRequest;
    let mut mp = axum::extract::Multipart::from_request(req, state)
        .await
        .map_err(|e| bad(e.to_string()))?;
    let mut values = HashMap::new();
    let mut file = None;
    while let Some(part) = mp.next_field().await.map_err(|e| bad(e.to_string()))? {
        let name = part.name().unwrap_or("").to_string();
        if name == file_field {
            let file_name = part.file_name().unwrap_or("").to_string();
            let data = part.bytes().await.map_err(|e| bad(e.to_string()))?;
            if !data.is_empty() {
                file = Some((file_name, data.to_vec()));
            }
        } else {
            let text = part.text().await.map_err(|e| bad(e.to_string()))?;
            values.insert(name, text);
        }
    }
    Ok((values, file))
}

fn upload_form(m: &Texts, table: &str) -> Form {
    let mut tables = vec![(String::new(), m.t("monitor-upload-table-auto"))];
    tables.extend(
        crate::model::TABLES
            .iter()
            .map(|t| (t.to_string(), t.to_string())),
    );
    Form::new(
        "/monitor/import",
        m.t("monitor-upload-button"),
        vec![
            FormField::new("bestand", m.t("monitor-upload-file"), FieldKind::File)
                .hint(m.t("monitor-upload-intro"))
                .required(),
            FormField::new(
                "tabel",
                m.t("monitor-upload-table"),
                FieldKind::Select(tables),
            )
            .value(table),
        ],
    )
}

pub(crate) fn fmt_date(ms: i64) -> String {
    jiff_free_date(ms)
}

/// Date as dd-mm-yyyy (UTC) without pulling in a time zone database here.
fn jiff_free_date(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{d:02}-{m:02}-{y}")
}

async fn choice_form(
    state: &AppState,
    ctx: &Ctx,
    area: &str,
    crime: &str,
) -> Result<Form, WebError> {
    let m = texts(ctx);
    let areas = store::regions(&state.db)
        .await?
        .into_iter()
        .filter(|r| r.level != "land")
        .map(|r| {
            (
                r.code.clone(),
                format!("{} ({}, {})", r.name, r.level, r.code),
            )
        })
        .collect();
    let crimes = store::crime_types(&state.db)
        .await?
        .into_iter()
        .map(|c| (c.code, c.title))
        .collect();
    Ok(Form::new(
        "/monitor/reeks",
        m.t("monitor-show"),
        vec![
            FormField::new("gebied", m.t("monitor-area"), FieldKind::Select(areas)).value(area),
            FormField::new(
                "soort",
                m.t("monitor-crime-type"),
                FieldKind::Select(crimes),
            )
            .value(crime),
        ],
    )
    .get())
}

async fn overview(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let m = texts(&ctx);
    render_overview(
        &state,
        &ctx,
        upload_form(&m, ""),
        None,
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

async fn render_overview(
    state: &AppState,
    ctx: &Ctx,
    upload: Form,
    notice: Option<String>,
    problems: Vec<crate::model::ImportProblem>,
    status: StatusCode,
) -> WebResult {
    let p = check(ctx)?;
    let editor = crate::may_edit(p);
    let versions = store::imports(&state.db)
        .await?
        .into_iter()
        .map(|v| VersionRow {
            table: v.table_id,
            file: v.file_name,
            cells: v.cells,
            suppressed: v.suppressed,
            at: fmt_date(v.imported_at),
            source: v.source,
            fictitious: v.fictitious,
        })
        .collect();
    let areas = store::regions(&state.db)
        .await?
        .into_iter()
        .filter(|r| r.level == "gemeente" || r.level == "wijk")
        .collect();
    render_status(
        status,
        &OverviewPage {
            shell: Shell::titled(ctx, crate::t(&ctx.lang, "monitor-title")),
            form: choice_form(state, ctx, crate::GEMEENTE_CODE, "0.0.0").await?,
            m: page_texts(state, ctx).await?,
            versions,
            areas,
            editor,
            upload,
            notice,
            problems,
        },
    )
}

/// The analyst's upload of a police file: the same import as `baken monitor import`.
async fn upload_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    req: axum::extract::Request,
) -> WebResult {
    let p = check_editor(&ctx)?;
    let m = texts(&ctx);
    let (values, file) = read_upload(req, &state, "bestand").await?;
    let table = field(&values, "tabel").trim().to_string();
    let mut errors = Vec::new();
    if !table.is_empty() && !crate::model::TABLES.contains(&table.as_str()) {
        errors.push(FieldError {
            field: "tabel".into(),
            message: m.t("monitor-upload-error-table"),
        });
    }
    let Some((name, raw)) = file.filter(|_| errors.is_empty()) else {
        if errors.is_empty() {
            errors.push(FieldError {
                field: "bestand".into(),
                message: m.t("monitor-upload-error-file"),
            });
        }
        let form = upload_form(&m, &table).with_errors(&ctx.lang, &errors);
        return render_overview(
            &state,
            &ctx,
            form,
            None,
            Vec::new(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let by = store::Actor::User(p, &ctx.request);
    let table_arg = Some(table.as_str()).filter(|t| !t.is_empty());
    match crate::import_with(&state.db, &name, &raw, table_arg, &by, &|_, _| {}).await {
        Ok(outcome) => {
            let notice = match outcome {
                store::ImportOutcome::Imported {
                    cells, suppressed, ..
                } => crate::t_args(
                    &ctx.lang,
                    "monitor-upload-imported",
                    &[
                        ("cells", cells.to_string()),
                        ("suppressed", suppressed.to_string()),
                    ],
                ),
                store::ImportOutcome::Unchanged { .. } => m.t("monitor-upload-unchanged"),
                store::ImportOutcome::PeriodStatus {
                    table,
                    periods,
                    provisional,
                } => crate::t_args(
                    &ctx.lang,
                    "monitor-upload-status",
                    &[
                        ("table", table),
                        ("periods", periods.to_string()),
                        ("provisional", provisional.to_string()),
                    ],
                ),
            };
            render_overview(
                &state,
                &ctx,
                upload_form(&m, ""),
                Some(notice),
                Vec::new(),
                StatusCode::OK,
            )
            .await
        }
        Err(crate::ImportError::Refused(problems)) => {
            let form = upload_form(&m, &table).with_errors(
                &ctx.lang,
                &[FieldError {
                    field: "bestand".into(),
                    message: m.t("monitor-refused"),
                }],
            );
            render_overview(
                &state,
                &ctx,
                form,
                None,
                problems,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(crate::ImportError::Store(e)) => Err(WebError::from(e)),
    }
}

#[derive(Deserialize)]
struct MapQuery {
    #[serde(default)]
    soort: String,
    #[serde(default)]
    periode: String,
    #[serde(default)]
    niveau: String,
    #[serde(default)]
    min: String,
}

pub struct MapRow {
    pub name: String,
    pub code: String,
    pub shown: String,
}

#[derive(Template)]
#[template(path = "monitor_map.html")]
struct MapPage {
    shell: Shell,
    m: Texts,
    form: Form,
    svg: String,
    rows: Vec<MapRow>,
    legend: Vec<(String, String)>,
    caption: String,
    /// The same classes as GeoJSON for the Leaflet map (`monitor-kaart.js`).
    geojson: String,
}

/// A choropleth of the wijken or buurten for one crime type and month, with the same figures
/// as a table; counts below the minimum cell size are hidden on both.
async fn map_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<MapQuery>,
) -> WebResult {
    check(&ctx)?;
    let m = page_texts(&state, &ctx).await?;
    let crimes = store::crime_types(&state.db).await?;
    let crime = crimes
        .iter()
        .find(|c| c.code == q.soort)
        .or_else(|| crimes.iter().find(|c| c.code == "1.1.1"))
        .or(crimes.first())
        .ok_or(WebError::NotFound)?;
    let periods = store::periods(&state.db, &crime.code).await?;
    let period = periods
        .iter()
        .find(|p| **p == q.periode)
        .or(periods.first())
        .cloned()
        .unwrap_or_default();
    let buurten = q.niveau == "buurt";
    let min_cell = q
        .min
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|v| (0..=100).contains(v))
        .unwrap_or(5);
    let areas = if buurten {
        crate::areas::buurten()
    } else {
        crate::areas::wijken()
    };
    let values = if period.is_empty() {
        HashMap::new()
    } else {
        store::period_values(&state.db, &crime.code, &period).await?
    };
    let ordered: Vec<Option<i64>> = areas
        .iter()
        .map(|a| values.get(&a.code).copied().flatten())
        .collect();
    let (cells, bounds) = crate::model::choropleth(&ordered, min_cell);
    let colours: HashMap<&str, String> = areas
        .iter()
        .zip(cells.iter())
        .map(|(a, c)| {
            let colour = match c {
                crate::model::MapCell::Shown { class, .. } => crate::model::CLASS_COLOURS[*class],
                _ => "#ffffff",
            };
            (a.code.as_str(), colour.to_string())
        })
        .collect();
    // What each area shows, in words: the table and the Leaflet map use the same.
    let shown: Vec<String> = cells
        .iter()
        .map(|c| match c {
            crate::model::MapCell::Shown { count, .. } => count.to_string(),
            crate::model::MapCell::Hidden => format!("{} {min_cell}", m.t("monitor-map-hidden")),
            crate::model::MapCell::Missing => m.t("monitor-not-published"),
        })
        .collect();
    let mut rows: Vec<MapRow> = areas
        .iter()
        .zip(shown.iter())
        .map(|(a, shown)| MapRow {
            name: a.name.clone(),
            code: a.code.clone(),
            shown: shown.clone(),
        })
        .collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    let period_label = Period::parse(&period)
        .map(|p| p.label())
        .unwrap_or_default();
    let caption = format!(
        "{}: {}, {}",
        m.t("monitor-map-caption"),
        crime.title,
        period_label
    );
    let svg = crate::areas::svg_map_of(
        areas,
        &[],
        &|code| colours.get(code).cloned(),
        &format!("{caption}. {}", m.t("monitor-map-alt")),
    );
    let mut legend: Vec<(String, String)> = bounds
        .iter()
        .enumerate()
        .map(|(k, b)| {
            let label = match bounds.get(k + 1) {
                Some(next) => format!("{b} – {}", next - 1),
                None => format!("{b} {}", m.t("monitor-map-or-more")),
            };
            (crate::model::CLASS_COLOURS[k].to_string(), label)
        })
        .collect();
    legend.push((
        "#ffffff".into(),
        format!(
            "{} {min_cell} {}",
            m.t("monitor-map-hidden"),
            m.t("monitor-map-or-missing")
        ),
    ));
    let features: Vec<crate::areas::MapFeature<'_>> = areas
        .iter()
        .zip(shown)
        .map(|(a, label)| crate::areas::MapFeature {
            area: a,
            colour: colours
                .get(a.code.as_str())
                .cloned()
                .unwrap_or_else(|| "#ffffff".into()),
            label,
        })
        .collect();
    let geojson = crate::areas::choropleth_geojson(
        &features,
        &legend,
        &caption,
        &m.t(if m.demo {
            "monitor-map-source-demo"
        } else {
            "monitor-map-source"
        }),
    );
    let form = Form::new(
        "/monitor/kaart",
        m.t("monitor-show"),
        vec![
            FormField::new(
                "soort",
                m.t("monitor-crime-type"),
                FieldKind::Select(
                    crimes
                        .iter()
                        .map(|c| (c.code.clone(), c.title.clone()))
                        .collect(),
                ),
            )
            .value(crime.code.clone()),
            FormField::new(
                "periode",
                m.t("monitor-map-period"),
                FieldKind::Select(
                    periods
                        .iter()
                        .filter_map(|p| Some((p.clone(), Period::parse(p)?.label())))
                        .collect(),
                ),
            )
            .value(period.clone()),
            FormField::new(
                "niveau",
                m.t("monitor-map-level"),
                FieldKind::Select(vec![
                    ("wijk".into(), m.t("monitor-map-wijken")),
                    ("buurt".into(), m.t("monitor-map-buurten")),
                ]),
            )
            .value(if buurten { "buurt" } else { "wijk" }),
            FormField::new("min", m.t("monitor-map-min"), FieldKind::Text)
                .value(min_cell.to_string())
                .hint(m.t("monitor-map-min-hint")),
        ],
    )
    .get();
    render(&MapPage {
        shell: Shell::titled(&ctx, m.t("monitor-map-title")),
        m,
        form,
        svg,
        rows,
        legend,
        caption,
        geojson,
    })
}

#[derive(Deserialize)]
struct SeriesQuery {
    #[serde(default)]
    gebied: String,
    #[serde(default)]
    soort: String,
}

pub struct SeriesRow {
    pub label: String,
    pub value: String,
    pub previous: String,
    pub expected: String,
    pub threshold: String,
    pub alarm: bool,
    /// `voorlopig` or `nader voorlopig` where the police table says so; empty otherwise.
    pub status: String,
}

/// The months from the first to the last point, with `None` where a month is missing or
/// unpublished, so the alarm method sees the real calendar.
pub fn continuous(points: &[Point]) -> Vec<Point> {
    let parsed: Vec<(Period, Option<i64>)> = points
        .iter()
        .filter_map(|p| Some((Period::parse(&p.period)?, p.value)))
        .collect();
    let (Some(first), Some(last)) = (parsed.first(), parsed.last()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let (mut y, mut m) = (first.0.year, first.0.month);
    while (y, m) <= (last.0.year, last.0.month) {
        let period = Period { year: y, month: m };
        let value = parsed
            .iter()
            .find(|(p, _)| *p == period)
            .and_then(|(_, v)| *v);
        out.push(Point {
            period: period.code(),
            value,
        });
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

/// Improved Farrington (monthly) over the last 24 months with `params` (the level's settings),
/// where the series is long enough.
pub fn alarms(
    points: &[Point],
    params: &surveillance::FarringtonParams,
) -> Vec<Option<surveillance::FarringtonResult>> {
    let series: Vec<Option<f64>> = points.iter().map(|p| p.value.map(|v| v as f64)).collect();
    let mut out = vec![None; points.len()];
    if let Ok(results) = surveillance::farrington(&series, 12, params, 24) {
        for r in results {
            if let Some(slot) = out.get_mut(r.index) {
                *slot = Some(r);
            }
        }
    }
    out
}

#[derive(Template)]
#[template(path = "monitor_series.html")]
struct SeriesPage {
    shell: Shell,
    m: Texts,
    form: Form,
    heading: String,
    svg: String,
    rows: Vec<SeriesRow>,
    evaluated: bool,
    provisional: bool,
}

/// A bar chart of the last 36 months as inline SVG; missing (unpublished) months have no bar.
pub fn chart_svg(
    points: &[Point],
    results: &[Option<surveillance::FarringtonResult>],
    label: &str,
) -> String {
    let start = points.len().saturating_sub(36);
    let shown = &points[start..];
    let shown_results = results.get(start..).unwrap_or(&[]);
    let max_threshold = shown_results
        .iter()
        .flatten()
        .map(|r| r.upperbound.ceil() as i64)
        .max()
        .unwrap_or(0);
    let max = shown
        .iter()
        .filter_map(|p| p.value)
        .max()
        .unwrap_or(0)
        .max(max_threshold)
        .max(1);
    let (w, h, left, bottom) = (720.0_f64, 240.0_f64, 40.0_f64, 24.0_f64);
    let bar_w = (w - left) / shown.len().max(1) as f64;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-label=\"{}\" focusable=\"false\">",
        crate::areas::escape(label)
    );
    svg.push_str(&format!(
        "<line x1=\"{left}\" y1=\"{}\" x2=\"{w}\" y2=\"{}\" stroke=\"#3d5374\"/><text x=\"0\" y=\"14\" font-size=\"12\" fill=\"#001a40\">{max}</text><text x=\"0\" y=\"{}\" font-size=\"12\" fill=\"#001a40\">0</text>",
        h - bottom,
        h - bottom,
        h - bottom
    ));
    for (i, p) in shown.iter().enumerate() {
        let x = left + i as f64 * bar_w;
        if let Some(v) = p.value {
            let bh = (h - bottom - 10.0) * v as f64 / max as f64;
            svg.push_str(&format!(
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#3b0fb0\"/>",
                x + 1.0,
                h - bottom - bh,
                (bar_w - 2.0).max(1.0),
                bh
            ));
        }
        if let Some(Some(r)) = shown_results.get(i) {
            // The alarm threshold as a dashed step; a bar above it is an alarm.
            let y = h - bottom - (h - bottom - 10.0) * r.upperbound / max as f64;
            svg.push_str(&format!(
                "<line x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#a01d23\" stroke-width=\"2\" stroke-dasharray=\"4 2\"/>",
                x,
                x + bar_w
            ));
        }
        if let Some(period) = Period::parse(&p.period).filter(|p| p.month == 1) {
            svg.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{}\" font-size=\"12\" fill=\"#001a40\">{}</text>",
                x,
                h - 6.0,
                period.year
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}

async fn series_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<SeriesQuery>,
) -> WebResult {
    check(&ctx)?;
    let m = page_texts(&state, &ctx).await?;
    let region = store::regions(&state.db)
        .await?
        .into_iter()
        .find(|r| r.code == q.gebied)
        .ok_or(WebError::NotFound)?;
    let crime = store::crime_types(&state.db)
        .await?
        .into_iter()
        .find(|c| c.code == q.soort)
        .ok_or(WebError::NotFound)?;
    let points = continuous(&store::series(&state.db, &region.code, &crime.code).await?);
    let params = crate::series_params(&state.db, &region.code).await?;
    let results = alarms(&points, &params);
    let status = store::series_status(&state.db, &region.code, &crime.code).await?;
    let by_period: std::collections::HashMap<String, Option<i64>> =
        points.iter().map(|p| (p.period.clone(), p.value)).collect();
    let show = |v: Option<i64>| {
        v.map(|v| v.to_string())
            .unwrap_or_else(|| m.t("monitor-not-published"))
    };
    let rows = points
        .iter()
        .zip(results.iter())
        .rev()
        .filter_map(|(p, r)| {
            let period = Period::parse(&p.period)?;
            let prev = Period {
                year: period.year - 1,
                month: period.month,
            }
            .code();
            Some(SeriesRow {
                label: period.label(),
                value: show(p.value),
                previous: by_period
                    .get(&prev)
                    .map(|v| show(*v))
                    .unwrap_or_else(|| "–".into()),
                expected: r
                    .as_ref()
                    .map(|r| format!("{:.1}", r.expected))
                    .unwrap_or_else(|| "–".into()),
                threshold: r
                    .as_ref()
                    .map(|r| format!("{:.1}", r.upperbound))
                    .unwrap_or_else(|| "–".into()),
                alarm: r.as_ref().is_some_and(|r| r.alarm),
                status: status
                    .get(&p.period)
                    .map(|s| m.t(&format!("monitor-status-{}", s.slug())))
                    .unwrap_or_default(),
            })
        })
        .collect();
    let provisional = !status.is_empty();
    let heading = format!("{}: {}", crime.title, region.name);
    render(&SeriesPage {
        shell: Shell::titled(&ctx, format!("{} — {heading}", m.t("monitor-series-title"))),
        form: choice_form(&state, &ctx, &region.code, &crime.code).await?,
        svg: if points.is_empty() {
            String::new()
        } else {
            chart_svg(&points, &results, &m.t("monitor-chart-label"))
        },
        evaluated: results.iter().any(Option::is_some),
        provisional,
        heading,
        rows,
        m,
    })
}

// ---------------------------------------------------------------------------------------------
// The two-weekly review.

pub struct ReviewRow {
    pub id: String,
    pub held_on: String,
    pub title: String,
    pub alarms: i64,
    pub decided: i64,
    pub by: String,
}

#[derive(Template)]
#[template(path = "monitor_reviews.html")]
struct ReviewsPage {
    shell: Shell,
    m: Texts,
    rows: Vec<ReviewRow>,
    form: Form,
}

pub(crate) fn field(v: &HashMap<String, String>, name: &str) -> String {
    v.get(name).cloned().unwrap_or_default()
}

fn session_form(m: &Texts, held_on: &str, title: &str) -> Form {
    Form::new(
        "/monitor/besprekingen",
        m.t("monitor-review-start"),
        vec![
            FormField::new("held_on", m.t("monitor-review-date"), FieldKind::Date)
                .value(held_on)
                .hint(m.t("monitor-review-date-hint"))
                .required(),
            FormField::new("title", m.t("monitor-review-name"), FieldKind::Text)
                .value(title)
                .required(),
        ],
    )
}

async fn render_reviews(ctx: &Ctx, state: &AppState, form: Form, status: StatusCode) -> WebResult {
    let m = page_texts(state, ctx).await?;
    let rows = store::reviews(&state.db)
        .await?
        .into_iter()
        .map(|s: ReviewSummary| ReviewRow {
            held_on: review::display_date(&s.session.held_on),
            id: s.session.id,
            title: s.session.title,
            alarms: s.alarms,
            decided: s.decided,
            by: s.session.created_by_name,
        })
        .collect();
    render_status(
        status,
        &ReviewsPage {
            shell: Shell::titled(ctx, m.t("monitor-reviews-title")),
            m,
            rows,
            form,
        },
    )
}

async fn reviews_page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    check(&ctx)?;
    let m = texts(&ctx);
    let today = review::iso_date(platform::db::now_ms());
    let form = session_form(&m, &today, &m.t("monitor-review-default-name"));
    render_reviews(&ctx, &state, form, StatusCode::OK).await
}

/// Fluent keys to messages in the page's language (platform keys as fallback).
pub(crate) fn translated(ctx: &Ctx, errors: &[FieldError]) -> Vec<FieldError> {
    crate::translate_errors(&ctx.lang, errors)
}

async fn reviews_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let p = check(&ctx)?;
    let (held_on, title) = (field(&v, "held_on"), field(&v, "title"));
    match crate::start_review(&state.db, p, &ctx.request, &held_on, &title).await {
        Ok(id) => Ok(Redirect::to(&format!("/monitor/besprekingen/{id}")).into_response()),
        Err(ReviewError::Invalid(errors)) => {
            let m = texts(&ctx);
            let form = session_form(&m, &held_on, &title)
                .with_errors(&ctx.lang, &translated(&ctx, &errors));
            render_reviews(&ctx, &state, form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(ReviewError::NotFound) => Err(WebError::NotFound),
        Err(ReviewError::Store(e)) => Err(WebError::from(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_become_missing_months_and_long_series_get_alarms() {
        let pts = vec![
            Point {
                period: "2023MM11".into(),
                value: Some(1),
            },
            Point {
                period: "2024MM02".into(),
                value: Some(2),
            },
        ];
        let c = continuous(&pts);
        assert_eq!(
            c.iter().map(|p| p.period.as_str()).collect::<Vec<_>>(),
            vec!["2023MM11", "2023MM12", "2024MM01", "2024MM02"]
        );
        assert_eq!(c[1].value, None);
        // Ten years of a flat ~20 a month, then a spike: the spike alarms.
        let mut long: Vec<Point> = (0..120)
            .map(|i| Point {
                period: Period {
                    year: 2015 + i / 12,
                    month: (i % 12 + 1) as u8,
                }
                .code(),
                value: Some(18 + (i % 5) as i64),
            })
            .collect();
        long.push(Point {
            period: "2025MM01".into(),
            value: Some(80),
        });
        let r = alarms(&long, &surveillance::FarringtonParams::default());
        assert!(r.last().unwrap().as_ref().unwrap().alarm);
        assert!(r[0].is_none(), "no evaluation without history");
        let svg = chart_svg(&long, &r, "x");
        assert!(svg.contains("stroke-dasharray"), "threshold drawn");
    }

    #[test]
    fn dates_and_chart() {
        assert_eq!(jiff_free_date(0), "01-01-1970");
        assert_eq!(jiff_free_date(1_709_251_200_000), "01-03-2024");
        let pts = vec![
            Point {
                period: "2024MM01".into(),
                value: Some(4),
            },
            Point {
                period: "2024MM02".into(),
                value: None,
            },
            Point {
                period: "2024MM03".into(),
                value: Some(2),
            },
        ];
        let svg = chart_svg(&pts, &[], "x \"y\"");
        assert_eq!(
            svg.matches("<rect").count(),
            2,
            "no bar for an unpublished month"
        );
        assert!(svg.contains("aria-label=\"x &quot;y&quot;\""));
        assert!(svg.contains(">2024<"));
    }
}
