//! The current alarms per level (gemeente, wijk, buurt) with their explanation, and the
//! false-discovery control of the buurt alarms laid open: per crime type and month how many
//! buurten were tested, each flagged buurt's p- and q-value, kept or suppressed.

use askama::Template;
use axum::extract::State;
use axum::routing::get;
use axum::{Extension, Router};

use crate::html::{check, page_texts, Texts};
use crate::review::{self, Alarm};
use platform::web::{render, AppState, Ctx, Shell, WebResult};

pub fn routes() -> Router<AppState> {
    Router::new().route("/monitor/alarmen", get(page))
}

/// One alarm in a level's table.
pub struct AlarmRow {
    pub area: String,
    pub code: String,
    pub crime: String,
    pub period: String,
    pub observed: i64,
    pub expected: String,
    pub threshold: String,
    pub explanation: String,
    pub series_href: String,
}

pub struct LevelSection {
    pub slug: &'static str,
    pub heading: String,
    pub rows: Vec<AlarmRow>,
}

/// One flagged buurt under false-discovery control.
pub struct CandidateRow {
    pub area: String,
    pub code: String,
    pub observed: i64,
    pub expected: String,
    pub threshold: String,
    pub p_value: String,
    pub q_value: String,
    pub kept: bool,
    pub series_href: String,
}

pub struct GroupSection {
    pub id: String,
    pub heading: String,
    pub explanation: String,
    pub counts: String,
    pub rows: Vec<CandidateRow>,
}

#[derive(Template)]
#[template(path = "monitor_alarms.html")]
struct AlarmsPage {
    shell: Shell,
    m: Texts,
    total: usize,
    levels: Vec<LevelSection>,
    groups: Vec<GroupSection>,
    quiet: String,
}

fn series_href(a: &Alarm) -> String {
    format!("/monitor/reeks?gebied={}&soort={}", a.region, a.crime_type)
}

async fn page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    check(&ctx)?;
    let m = page_texts(&state, &ctx).await?;
    let lang = ctx.lang.as_str();
    let overview = crate::alarm_overview(&state.db).await?;
    let levels = review::by_level(&overview.alarms)
        .into_iter()
        .map(|(level, alarms)| LevelSection {
            slug: level.slug(),
            heading: m.t(&format!("monitor-alarms-level-{}", level.slug())),
            rows: alarms
                .into_iter()
                .map(|a| AlarmRow {
                    area: a.region_name.clone(),
                    code: a.region.clone(),
                    crime: a.crime_title.clone(),
                    period: a.period_label(),
                    observed: a.observed,
                    expected: review::decimal(a.expected, lang),
                    threshold: review::decimal(a.upperbound, lang),
                    explanation: crate::explain(a, lang),
                    series_href: series_href(a),
                })
                .collect(),
        })
        .collect();
    let groups = overview
        .buurt_groups
        .iter()
        .map(|g| GroupSection {
            id: format!("fdr-{}-{}", g.crime_type.replace('.', "-"), g.period),
            heading: format!("{}, {}", g.crime_title(), g.period_label()),
            explanation: crate::explain_fdr(g, overview.alpha, overview.fdr_level, lang),
            counts: crate::t_args(
                lang,
                "monitor-fdr-counts",
                &[
                    ("tested", g.tested.to_string()),
                    ("candidates", g.candidates.len().to_string()),
                    ("kept", g.kept().to_string()),
                    ("suppressed", g.suppressed().to_string()),
                ],
            ),
            rows: g
                .candidates
                .iter()
                .map(|c| CandidateRow {
                    area: c.alarm.region_name.clone(),
                    code: c.alarm.region.clone(),
                    observed: c.alarm.observed,
                    expected: review::decimal(c.alarm.expected, lang),
                    threshold: review::decimal(c.alarm.upperbound, lang),
                    p_value: review::probability(c.p_value, lang),
                    q_value: review::probability(c.q_value, lang),
                    kept: c.kept,
                    series_href: series_href(&c.alarm),
                })
                .collect(),
        })
        .collect();
    let quiet = crate::t_args(
        lang,
        "monitor-fdr-quiet",
        &[("count", overview.quiet_groups.to_string())],
    );
    render(&AlarmsPage {
        shell: Shell::titled(&ctx, m.t("monitor-alarms-title")),
        total: overview.alarms.len(),
        m,
        levels,
        groups,
        quiet,
    })
}
