//! The monitor module: CBS regions and boundaries of the gemeente, imports of police tables
//! (47022NED, 47018NED, 47013NED) kept as versions, and series per area and crime type.
//! Figures are aggregated counts, not personal data; imports are audited.

mod alarms_html;
pub mod api;
pub mod areas;
pub mod demo;
pub mod fortnight;
pub mod html;
pub mod meeting;
pub mod meeting_html;
pub mod model;
pub mod review;
pub mod settings;
pub mod store;
pub mod survey;
mod survey_html;
mod themes_html;

use std::collections::HashMap;
use std::sync::Arc;

use platform::access::{Principal, RequestContext, Role};
use platform::db::Db;
use platform::identity::FieldError;
use platform::web::{AppState, ModuleNav};

platform::module_texts!();

/// The module's message for `key` with arguments (strings), as [`t`] does without.
pub fn t_args(lang: &str, key: &str, args: &[(&'static str, String)]) -> String {
    use fluent_templates::fluent_bundle::FluentValue;
    use fluent_templates::Loader;
    let id: fluent_templates::LanguageIdentifier = lang.parse().unwrap_or_default();
    let map: HashMap<std::borrow::Cow<'static, str>, FluentValue> = args
        .iter()
        .map(|(k, v)| (std::borrow::Cow::Borrowed(*k), FluentValue::from(v.clone())))
        .collect();
    LOCALES
        .try_lookup_with_args(&id, key, &map)
        .unwrap_or_else(|| key.to_string())
}

/// Real national monthly counts (0.0.0 and 1.1.1, 2019–2021) for the demo; CC BY 4.0, CBS / Politie.
pub const DEMO_NATIONAL_FILE: &str =
    include_str!("../data/politie_47022NED_NL00_typeddataset_reshaped_2019-2021.json");

/// Who may see the monitor: the gemeente's own staff (chain partners have their own figures).
pub fn may_view(p: &Principal) -> bool {
    !p.roles.is_empty() && p.of_municipality() && !p.has(Role::Ketenpartner)
}

/// Who may change the monitor's data (imports, survey results, the theme mapping): the
/// gemeente's analysts, integral-safety advisers and administrators.
pub fn may_edit(p: &Principal) -> bool {
    may_view(p) && (p.has(Role::Analist) || p.has(Role::AdviseurIv) || p.has(Role::Beheerder))
}

/// The code of the gemeente whose areas the monitor holds.
pub const GEMEENTE_CODE: &str = "GM1961";

pub fn nav() -> Vec<ModuleNav> {
    vec![ModuleNav {
        href: "/monitor",
        label: |lang| t(lang, "monitor-nav"),
        visible: may_view,
    }]
}

pub fn routes() -> axum::Router<AppState> {
    html::routes()
}

/// The JSON API under `/api/v1/monitor/…`.
pub fn api() -> utoipa_axum::router::OpenApiRouter<AppState> {
    api::router()
}

/// Loads the regions, boundaries and crime types on first start.
pub async fn prepare(db: &Db) -> Result<(), store::StoreError> {
    store::load_reference(db).await?;
    store::seed_themes(db).await?;
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("het bestand is geweigerd; niets is geïmporteerd:\n{}", .0.iter().map(|p| format!("  regel {}: {}", p.line, p.reason)).collect::<Vec<_>>().join("\n"))]
    Refused(Vec<model::ImportProblem>),
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

/// Imports a police file: JSON (OData TypedDataSet) or semicolon CSV (then `table` names the
/// table, e.g. 47022NED). All rows or none. Run by an operator (`by`) on the command line.
pub async fn import_file(
    db: &Db,
    file_name: &str,
    raw: &[u8],
    table: Option<&str>,
    by: &str,
) -> Result<store::ImportOutcome, ImportError> {
    import_with(
        db,
        file_name,
        raw,
        table,
        &store::Actor::System(by),
        &|_, _| {},
    )
    .await
}

/// [`import_file`] for any actor, telling `progress` (cells written, cells in all) as it goes.
/// A metadata export of data.politie.nl (it starts with `TableInfos`) is not figures: its
/// period statuses (voorlopig, definitief) are kept instead.
pub async fn import_with(
    db: &Db,
    file_name: &str,
    raw: &[u8],
    table: Option<&str>,
    by: &store::Actor<'_>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<store::ImportOutcome, ImportError> {
    let text = String::from_utf8_lossy(raw);
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if model::is_metadata_export(trimmed) {
        let statuses = model::parse_period_status(trimmed).map_err(ImportError::Refused)?;
        let provisional = store::save_period_status(db, &statuses, by).await?;
        return Ok(store::ImportOutcome::PeriodStatus {
            table: statuses.table,
            periods: statuses.periods.len(),
            provisional,
        });
    }
    let parsed = if trimmed.starts_with('{') {
        model::parse_odata_json(trimmed)
    } else {
        let table = table
            .map(str::to_string)
            .or_else(|| {
                model::TABLES
                    .iter()
                    .find(|t| file_name.contains(*t))
                    .map(|t| t.to_string())
            })
            .unwrap_or_default();
        model::parse_csv(trimmed, &table)
    };
    let dataset = parsed.map_err(ImportError::Refused)?;
    let outcome = store::import(db, &dataset, file_name, raw, by, progress).await?;
    if matches!(outcome, store::ImportOutcome::Imported { .. }) {
        forget_overview();
    }
    Ok(outcome)
}

#[derive(Debug, thiserror::Error)]
pub enum SurveyError {
    /// Input that failed the checks; messages are Fluent keys.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    #[error("het bestand is geweigerd; niets is geïmporteerd:\n{}", .0.iter().map(|p| format!("  regel {}: {}", p.line, p.reason)).collect::<Vec<_>>().join("\n"))]
    Refused(Vec<model::ImportProblem>),
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

/// The current calendar year (UTC), the latest a survey result may be of.
pub fn this_year() -> i64 {
    i64::from(platform::db::today_nl().year())
}

async fn region_codes(db: &Db) -> Result<std::collections::HashSet<String>, store::StoreError> {
    Ok(store::regions(db)
        .await?
        .into_iter()
        .map(|r| r.code)
        .collect())
}

/// Checks and saves one survey result (a new one, or a correction of the same year, area and
/// indicator). Audited.
pub async fn save_survey_result(
    db: &Db,
    input: &survey::SurveyInput,
    by: &store::Actor<'_>,
) -> Result<store::SurveySaved, SurveyError> {
    let codes = region_codes(db).await?;
    let result =
        survey::check(input, &|c| codes.contains(c), this_year()).map_err(SurveyError::Invalid)?;
    Ok(store::save_survey(db, &[result], by, "invoer").await?)
}

/// Imports survey results from CSV: all rows or none; the same rows again change nothing.
pub async fn import_survey_csv(
    db: &Db,
    raw: &[u8],
    by: &store::Actor<'_>,
) -> Result<store::SurveySaved, SurveyError> {
    let codes = region_codes(db).await?;
    let text = String::from_utf8_lossy(raw);
    let rows = survey::parse_csv(&text, &|c| codes.contains(c), this_year(), &|k| t("nl", k))
        .map_err(SurveyError::Refused)?;
    Ok(store::save_survey(db, &rows, by, "csv-import").await?)
}

/// The demo's survey results for the gemeente: the IVB's published figures (82% feels safe,
/// grade 8, from the gemeente's own survey of November 2022) and a few fictitious
/// Veiligheidsmonitor-style rows, marked as such in their source.
pub const DEMO_SURVEY_CSV: &str = "jaar;gebied;indicator;waarde;ondergrens;bovengrens;vragenlijst;bron
2022;GM1961;voelt-zich-veilig;82;;;eigen;IVB 2023-2026 Vijfheerenlanden, par. 1.2.5 (veiligheidsenquête november 2022)
2022;GM1961;rapportcijfer-veiligheid;8;;;eigen;IVB 2023-2026 Vijfheerenlanden, par. 1.2.5 (veiligheidsenquête november 2022)
2017;GM1961;wel-eens-onveilig;24;21,2;26,8;vm-2012;Fictief demovoorbeeld (opzet Veiligheidsmonitor)
2019;GM1961;wel-eens-onveilig;25;22,4;27,6;vm-2012;Fictief demovoorbeeld (opzet Veiligheidsmonitor)
2021;GM1961;wel-eens-onveilig;27;24,6;29,4;vm-2021;Fictief demovoorbeeld (opzet Veiligheidsmonitor)
2023;GM1961;wel-eens-onveilig;28;25,8;30,2;vm-2021;Fictief demovoorbeeld (opzet Veiligheidsmonitor)
2019;GM1961;rapportcijfer-leefbaarheid;7,6;7,5;7,7;vm-2012;Fictief demovoorbeeld (opzet Veiligheidsmonitor)
2021;GM1961;rapportcijfer-leefbaarheid;7,7;7,6;7,8;vm-2021;Fictief demovoorbeeld (opzet Veiligheidsmonitor)
2023;GM1961;rapportcijfer-leefbaarheid;7,6;7,5;7,7;vm-2021;Fictief demovoorbeeld (opzet Veiligheidsmonitor)
";

/// Demo content of the monitor: the survey results above and the fictitious police series of
/// [`seed_demo_figures`] (both idempotent). Only for the demo installation (`serve --demo`).
pub async fn seed_demo(db: &Db) -> Result<store::SurveySaved, SurveyError> {
    let today = platform::db::today_nl();
    seed_demo_figures(
        db,
        demo::end_month(i32::from(today.year()), today.month() as u8),
    )
    .await?;
    seed_demo_review(db, &review::iso_date(platform::db::now_ms()))
        .await
        .map_err(|e| match e {
            ReviewError::Store(e) => SurveyError::Store(e),
            other => SurveyError::Store(store::StoreError::Damaged(other.to_string())),
        })?;
    import_survey_csv(
        db,
        DEMO_SURVEY_CSV.as_bytes(),
        &store::Actor::System("demo"),
    )
    .await
}

/// A fictitious review two weeks before `today` (once, when there is no review yet): who came,
/// a signal of the police, and a decision that made an action, so the next session can be tried
/// with an action that returns.
pub async fn seed_demo_review(db: &Db, today: &str) -> Result<(), ReviewError> {
    if !store::reviews(db).await?.is_empty() {
        return Ok(());
    }
    let Ok(org) = platform::identity::organisation_by_slug(db, platform::seed::GEMEENTE).await
    else {
        return Ok(()); // no gemeente organisation: nothing to seed for
    };
    let p = Principal::system("demo", &org, vec![Role::AdviseurIv]);
    let request = RequestContext::new("cli");
    let held_on = meeting::add_days(today, -14).unwrap_or_else(|| today.to_string());
    let id = start_review(
        db,
        &p,
        &request,
        &held_on,
        "Tweewekelijkse bespreking met de politie (demo)",
    )
    .await?;
    for (organisation, name) in [
        (
            "Politie basisteam Lek en Linge (fictief)",
            "Wijkagent A. Voorbeeld",
        ),
        (
            "Gemeente Vijfheerenlanden, team IV (fictief)",
            "Adviseur B. Voorbeeld",
        ),
    ] {
        add_attendee(db, &p, &request, &id, organisation, name).await?;
    }
    add_signal(
        db,
        &p,
        &request,
        &id,
        "1.1.1",
        GEMEENTE_CODE,
        "Fictief demovoorbeeld: meer inbraken via achterdeuren in de avonduren.",
    )
    .await?;
    if let Some(m) = minutes(db, &id).await? {
        let due = meeting::add_days(today, 7).unwrap_or_else(|| today.to_string());
        decide_item(
            db,
            &p,
            &request,
            &m,
            "signaal-1",
            "preventieve-actie",
            "Voorlichting over achterdeuren in de wijkkrant (demo)",
            "Team IV",
            &due,
            "",
        )
        .await?;
    }
    Ok(())
}

/// What seeding the demo figures did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DemoFigures {
    /// A new demo version (it replaced any older one).
    Imported(store::ImportOutcome),
    /// The demo version of this month is there already.
    Unchanged,
    /// Real police figures of the gemeente are present: no made-up ones are added.
    RealFiguresPresent,
}

/// Stores the fictitious monthly series up to `end` ([`demo::generate`]) as a version through
/// the import, its source saying they are made up. Never when a police table already holds
/// figures of the gemeente; a later such import removes them (see [`store::import`]). The same
/// month gives the same version (nothing written); a new month replaces the older version, so
/// the increases stay recent.
pub async fn seed_demo_figures(
    db: &Db,
    end: model::Period,
) -> Result<DemoFigures, store::StoreError> {
    if store::has_real_gemeente_figures(db, GEMEENTE_CODE).await? {
        return Ok(DemoFigures::RealFiguresPresent);
    }
    let dataset = demo::generate(end);
    let raw = demo::to_csv(&dataset);
    let outcome = store::import_from(
        db,
        &dataset,
        &format!("demo-{GEMEENTE_CODE}-tot-{}.csv", end.code()),
        raw.as_bytes(),
        &store::Actor::System("demo"),
        &|_, _| {},
        store::Origin::Fictitious(demo::SOURCE),
    )
    .await?;
    Ok(match outcome {
        store::ImportOutcome::Unchanged { .. } => DemoFigures::Unchanged,
        imported => {
            forget_overview();
            DemoFigures::Imported(imported)
        }
    })
}

/// The monthly alarm settings in force for the series of `region` (by its level).
pub async fn series_params(
    db: &Db,
    region: &str,
) -> Result<surveillance::FarringtonParams, store::StoreError> {
    let level = model::region_level(region).map_or(model::Level::Gemeente, |(l, _)| l);
    Ok(store::alarm_settings(db).await?.get(level, 12).params())
}

/// The short explanation of an alarm in `lang` (observed vs expected, threshold, the same month a
/// year earlier, the trend).
pub fn explain(alarm: &review::Alarm, lang: &str) -> String {
    t_args(
        lang,
        "monitor-review-explanation",
        &alarm.explanation_args(lang),
    )
}

/// The current alarms and how the buurt alarms came about.
#[derive(Clone, Debug, PartialEq)]
pub struct AlarmOverview {
    /// The alarms that stand, newest first (buurt alarms only after false-discovery control).
    pub alarms: Vec<review::Alarm>,
    /// Per crime type and month with at least one flagged buurt: the buurten tested, and each
    /// flagged buurt with its p- and q-value, kept or suppressed. Newest month first.
    pub buurt_groups: Vec<review::FdrGroup>,
    /// Crime type × month combinations whose buurten were tested without any flag.
    pub quiet_groups: usize,
    /// The one-sided level of Farrington's threshold per test.
    pub alpha: f64,
    /// The false-discovery level for buurt alarms.
    pub fdr_level: f64,
}

/// The alarms of every series with figures: improved Farrington (monthly) over the last 24
/// months, as on the series page; newest first. Buurt alarms only where they survive
/// Benjamini–Hochberg (q ≤ 0.05) across the buurten tested for the same crime type and month.
pub async fn current_alarms(db: &Db) -> Result<Vec<review::Alarm>, store::StoreError> {
    Ok(alarm_overview(db).await?.alarms)
}

/// The computed overview kept for the imports it was computed from (one per process).
static OVERVIEW: std::sync::Mutex<model::KeyedCache<Arc<AlarmOverview>>> =
    std::sync::Mutex::new(model::KeyedCache::new());
/// One computation at a time: requests that find no current overview wait for the one under
/// way instead of computing the same thing again on the same cores.
static COMPUTING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn cached_overview(key: &model::OverviewKey) -> Option<Arc<AlarmOverview>> {
    // A poisoned lock only means a panic elsewhere: then compute afresh.
    OVERVIEW.lock().ok()?.get(key)
}

/// Drops the kept overview (an import made it stale; its key would not match anyway).
fn forget_overview() {
    if let Ok(mut cache) = OVERVIEW.lock() {
        cache.clear();
    }
}

/// [`current_alarms`] with the false-discovery control of the buurt alarms laid open. Computed
/// once per state of the imports: the key is read from the database on each call (one cheap
/// query), so an import by this or any other process is seen at the next request.
pub async fn alarm_overview(db: &Db) -> Result<AlarmOverview, store::StoreError> {
    let settings = store::alarm_settings(db).await?;
    let key = model::OverviewKey::new(
        store::import_stamp(db).await?,
        surveillance::FarringtonParams::default().alpha,
        model::BUURT_FDR,
    )
    .with_settings(settings.fingerprint());
    if let Some(o) = cached_overview(&key) {
        return Ok((*o).clone());
    }
    let _one_at_a_time = COMPUTING.lock().await;
    if let Some(o) = cached_overview(&key) {
        return Ok((*o).clone());
    }
    // The key was read before the figures: an import in between is computed in but kept under
    // the older key, which the next request no longer asks for. Never the reverse (stale).
    let o = Arc::new(compute_alarm_overview(db).await?);
    if let Ok(mut cache) = OVERVIEW.lock() {
        cache.put(key, o.clone());
    }
    Ok((*o).clone())
}

/// [`alarm_overview`] computed afresh from the figures, without the kept one.
pub async fn compute_alarm_overview(db: &Db) -> Result<AlarmOverview, store::StoreError> {
    let regions: HashMap<String, store::Region> = store::regions(db)
        .await?
        .into_iter()
        .map(|r| (r.code.clone(), r))
        .collect();
    let crimes: HashMap<String, String> = store::crime_types(db)
        .await?
        .into_iter()
        .map(|c| (c.code, c.title))
        .collect();
    let series = store::all_series(db).await?;
    let settings = store::alarm_settings(db).await?;
    // Seconds of arithmetic on a large gemeente: off the async workers.
    tokio::task::spawn_blocking(move || overview_of(&regions, &crimes, series, &settings))
        .await
        .map_err(|e| store::StoreError::Computation(e.to_string()))
}

/// The alarm overview of `series` (region, crime type, points): Farrington per series, then
/// Benjamini–Hochberg across the buurten per crime type and month, each level with its monthly
/// settings. Pure.
pub fn overview_of(
    regions: &HashMap<String, store::Region>,
    crimes: &HashMap<String, String>,
    series: Vec<(String, String, Vec<store::Point>)>,
    settings: &settings::SettingsSet,
) -> AlarmOverview {
    let mut out = Vec::new();
    // Buurt series are many and small: their alarms are kept only if they survive
    // Benjamini–Hochberg across the buurten tested for the same crime type and month.
    let mut buurt_tests: HashMap<(String, String), Vec<review::BuurtTest>> = HashMap::new();
    for (region, crime, points) in series {
        let points = html::continuous(&points);
        let level = model::region_level(&region).map_or(model::Level::Gemeente, |(l, _)| l);
        let results = html::alarms(&points, &settings.get(level, 12).params());
        let is_buurt = level == model::Level::Buurt;
        let by_period: HashMap<&str, Option<i64>> = points
            .iter()
            .map(|p| (p.period.as_str(), p.value))
            .collect();
        for (p, r) in points.iter().zip(results) {
            let (Some(r), Some(observed)) = (r, p.value) else {
                continue;
            };
            if !r.alarm {
                if is_buurt {
                    buurt_tests
                        .entry((crime.clone(), p.period.clone()))
                        .or_default()
                        .push(review::BuurtTest {
                            p_value: r.p_value,
                            alarm: None,
                        });
                }
                continue;
            }
            let previous_year = model::Period::parse(&p.period).and_then(|period| {
                let prev = model::Period {
                    year: period.year - 1,
                    month: period.month,
                };
                by_period.get(prev.code().as_str()).copied().flatten()
            });
            let (region_name, region_level) = regions
                .get(&region)
                .map(|r| (r.name.clone(), r.level.clone()))
                .unwrap_or_else(|| {
                    (
                        region.clone(),
                        model::region_level(&region)
                            .map(|(l, _)| l.slug().to_string())
                            .unwrap_or_default(),
                    )
                });
            let alarm = review::Alarm {
                region: region.clone(),
                region_name,
                region_level,
                crime_type: crime.clone(),
                crime_title: crimes.get(&crime).cloned().unwrap_or_else(|| crime.clone()),
                period: p.period.clone(),
                observed,
                expected: r.expected,
                upperbound: r.upperbound,
                previous_year,
                trend: r.trend,
            };
            if is_buurt {
                buurt_tests
                    .entry((crime.clone(), p.period.clone()))
                    .or_default()
                    .push(review::BuurtTest {
                        p_value: r.p_value,
                        alarm: Some(alarm),
                    });
            } else {
                out.push(alarm);
            }
        }
    }
    let mut buurt_groups = Vec::new();
    let mut quiet_groups = 0;
    for ((crime, period), tests) in buurt_tests {
        let group = review::fdr_group(&crime, &period, tests, model::BUURT_FDR);
        if group.candidates.is_empty() {
            quiet_groups += 1;
            continue;
        }
        out.extend(
            group
                .candidates
                .iter()
                .filter(|c| c.kept)
                .map(|c| c.alarm.clone()),
        );
        buurt_groups.push(group);
    }
    review::sort_alarms(&mut out);
    review::sort_groups(&mut buurt_groups);
    AlarmOverview {
        alarms: out,
        buurt_groups,
        quiet_groups,
        alpha: surveillance::FarringtonParams::default().alpha,
        fdr_level: model::BUURT_FDR,
    }
}

/// The one-sentence explanation of a buurt group's false-discovery control, in `lang`.
pub fn explain_fdr(group: &review::FdrGroup, alpha: f64, level: f64, lang: &str) -> String {
    t_args(
        lang,
        "monitor-fdr-explanation",
        &[
            ("tested", group.tested.to_string()),
            (
                "chance",
                review::decimal(group.chance_exceedances(alpha), lang),
            ),
            ("level", review::decimal_plain(level, lang)),
            ("candidates", group.candidates.len().to_string()),
            ("kept", group.kept().to_string()),
            ("suppressed", group.suppressed().to_string()),
        ],
    )
}

#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// Input that failed the checks; messages are Fluent keys.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

impl platform::web::errors::Classify for ReviewError {
    fn classify(self) -> platform::web::errors::Failure {
        use platform::web::errors::Failure;
        match self {
            ReviewError::Invalid(errors) => Failure::Invalid(translate_errors("nl", &errors)),
            ReviewError::NotFound => Failure::NotFound,
            ReviewError::Store(e) => e.classify(),
        }
    }
}

/// Starts a review session: it lists the alarms no earlier session listed. Audited.
pub async fn start_review(
    db: &Db,
    p: &Principal,
    request: &RequestContext,
    held_on: &str,
    title: &str,
) -> Result<String, ReviewError> {
    let new = review::check_session(held_on, title).map_err(ReviewError::Invalid)?;
    let listed = store::listed_alarm_keys(db).await?;
    let alarms = review::new_alarms(current_alarms(db).await?, &listed, &new.held_on);
    Ok(store::create_review(db, p, request, &new, &alarms).await?)
}

// ---------------------------------------------------------------------------------------------
// The review as a meeting.

/// One count of Baken's own meldingen: category name, wijk code (if any), number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeldingCount {
    pub category: String,
    pub wijk: Option<String>,
    pub count: i64,
}

pub type MeldingCountFuture<'a> = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<Vec<MeldingCount>, String>> + Send + 'a>,
>;

/// Counts meldingen per category and wijk in `[from, until)` (days `YYYY-MM-DD`, Dutch time).
/// The meldingen module depends on the monitor, so the binary registers the counting here
/// (the count-source pattern of the policy module).
pub trait MeldingCounts: Send + Sync {
    fn count<'a>(&'a self, db: &'a Db, from: &'a str, until: &'a str) -> MeldingCountFuture<'a>;
}

static MELDING_COUNTS: std::sync::OnceLock<&'static dyn MeldingCounts> = std::sync::OnceLock::new();

/// Registers the meldingen counting (once per process; later calls are ignored).
pub fn register_melding_counts(source: &'static dyn MeldingCounts) {
    let _ = MELDING_COUNTS.set(source);
}

/// The police tables of the standing overview: incidents (registered crimes, or the demo's
/// made-up series in their place) and aangiften.
const INCIDENT_TABLES: [&str; 3] = ["47022NED", "47018NED", demo::TABLE];
const AANGIFTE_TABLES: [&str; 1] = ["47013NED"];

async fn theme_figures(
    db: &Db,
    source: meeting::FigureSource,
    tables: &[&str],
    upto: &model::Period,
    themes: &[store::Theme],
) -> Result<Vec<meeting::Figure>, store::StoreError> {
    let Some(month) = store::latest_month(db, GEMEENTE_CODE, tables, &upto.code()).await? else {
        return Ok(Vec::new());
    };
    let Some(period) = model::Period::parse(&month) else {
        return Ok(Vec::new());
    };
    let before = model::Period {
        year: period.year - 1,
        month: period.month,
    };
    let now = store::month_totals(db, GEMEENTE_CODE, tables, &month).await?;
    let then = store::month_totals(db, GEMEENTE_CODE, tables, &before.code()).await?;
    let sum = |totals: &HashMap<String, i64>| -> HashMap<(String, String), i64> {
        themes
            .iter()
            .map(|t| {
                let n = t
                    .crime_types
                    .iter()
                    .filter_map(|c| totals.get(c))
                    .sum::<i64>();
                ((t.name.clone(), String::new()), n)
            })
            .collect()
    };
    Ok(meeting::compare_counts(
        source,
        &period.label(),
        &sum(&now),
        (!then.is_empty()).then(|| sum(&then)).as_ref(),
    ))
}

/// The standing overview of a session held on `held_on`: per theme the incidents and (where
/// imported) the aangiften of the latest month with figures, and Baken's own meldingen per
/// category and wijk in the days since the previous session; each against a year earlier.
pub async fn review_figures(
    db: &Db,
    held_on: &str,
    previous: Option<&str>,
) -> Result<Vec<meeting::Figure>, store::StoreError> {
    let Some((y, m, _)) = review::parse_date(held_on) else {
        return Ok(Vec::new());
    };
    let upto = model::Period { year: y, month: m };
    let themes = store::themes(db).await?;
    let mut out = theme_figures(
        db,
        meeting::FigureSource::Incidenten,
        &INCIDENT_TABLES,
        &upto,
        &themes,
    )
    .await?;
    out.extend(
        theme_figures(
            db,
            meeting::FigureSource::Aangiften,
            &AANGIFTE_TABLES,
            &upto,
            &themes,
        )
        .await?,
    );
    if let (Some(source), Some((from, until))) = (
        MELDING_COUNTS.get(),
        meeting::review_days(held_on, previous),
    ) {
        let names: HashMap<String, String> = store::regions(db)
            .await?
            .into_iter()
            .map(|r| (r.code, r.name))
            .collect();
        let keyed = |counts: Vec<MeldingCount>| -> HashMap<(String, String), i64> {
            let mut out: HashMap<(String, String), i64> = HashMap::new();
            for c in counts {
                let wijk = c
                    .wijk
                    .map(|w| names.get(&w).cloned().unwrap_or(w))
                    .unwrap_or_else(|| t("nl", "monitor-review-no-wijk"));
                *out.entry((c.category, wijk)).or_default() += c.count;
            }
            out
        };
        let year = |d: &str| meeting::year_earlier(d).unwrap_or_default();
        let now = source.count(db, &from, &until).await;
        let then = source.count(db, &year(&from), &year(&until)).await;
        match (now, then) {
            (Ok(now), Ok(then)) => {
                let last = meeting::add_days(&until, -1).unwrap_or_else(|| until.clone());
                let label = format!(
                    "{} t/m {}",
                    review::display_date(&from),
                    review::display_date(&last)
                );
                out.extend(meeting::compare_counts(
                    meeting::FigureSource::Meldingen,
                    &label,
                    &keyed(now),
                    Some(&keyed(then)),
                ));
            }
            (Err(e), _) | (_, Err(e)) => {
                tracing::warn!(error = %e, "counting meldingen for the review");
            }
        }
    }
    Ok(out)
}

/// Everything a session's page and minutes show.
pub struct Minutes {
    pub review: store::Review,
    pub order: meeting::SessionOrder,
    pub attendees: Vec<store::Attendee>,
    pub signals: Vec<store::PoliceSignal>,
    pub figures: Vec<meeting::Figure>,
    pub item_decisions: Vec<store::ItemDecisionRow>,
    /// Every action (the agenda picks those that return).
    pub actions: Vec<meeting::Action>,
    pub region_names: HashMap<String, String>,
    pub category_names: HashMap<String, String>,
}

impl Minutes {
    pub fn agenda(&self) -> meeting::Agenda<'_> {
        meeting::build_agenda(meeting::AgendaInput {
            session_id: &self.review.session.id,
            order: self.order.clone(),
            actions: &self.actions,
            alarms: self
                .review
                .alarms
                .iter()
                .map(|a| (a.seq, &a.alarm))
                .collect(),
            figures: &self.figures,
            signals: self
                .signals
                .iter()
                .map(|s| (s.seq, s.category.as_str(), s.area.as_str(), s.body.as_str()))
                .collect(),
        })
    }

    /// The actions this session made.
    pub fn made_here(&self) -> Vec<&meeting::Action> {
        self.actions
            .iter()
            .filter(|a| a.session_id == self.review.session.id)
            .collect()
    }

    /// The decisions on one item (not an alarm), newest first.
    pub fn decisions_on(&self, item: &str) -> Vec<&store::ItemDecisionRow> {
        self.item_decisions
            .iter()
            .filter(|d| d.item == item)
            .collect()
    }

    pub fn region_name(&self, code: &str) -> String {
        self.region_names
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_string())
    }

    pub fn category_name(&self, code: &str) -> String {
        self.category_names
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_string())
    }
}

/// The categories a police signal can have: the themes, then the crime types (code → name).
pub async fn signal_categories(db: &Db) -> Result<Vec<(String, String)>, store::StoreError> {
    let mut out: Vec<(String, String)> = store::themes(db)
        .await?
        .into_iter()
        .map(|t| (format!("thema:{}", t.slug), t.name))
        .collect();
    out.extend(
        store::crime_types(db)
            .await?
            .into_iter()
            .map(|c| (c.code, c.title)),
    );
    Ok(out)
}

/// A session with all it shows; `None` when there is no such session.
pub async fn minutes(db: &Db, id: &str) -> Result<Option<Minutes>, store::StoreError> {
    let Some(review) = store::review(db, id).await? else {
        return Ok(None);
    };
    let sessions = store::reviews(db).await?;
    let order = meeting::SessionOrder {
        held_on: review.session.held_on.clone(),
        created_at: review.session.created_at,
    };
    let previous = sessions
        .iter()
        .map(|s| {
            (
                meeting::SessionOrder {
                    held_on: s.session.held_on.clone(),
                    created_at: s.session.created_at,
                },
                s.session.held_on.clone(),
            )
        })
        .filter(|(o, _)| *o < order)
        .max()
        .map(|(_, d)| d);
    let figures = review_figures(db, &review.session.held_on, previous.as_deref()).await?;
    Ok(Some(Minutes {
        attendees: store::attendees(db, id).await?,
        signals: store::signals(db, id).await?,
        item_decisions: store::item_decisions(db, id).await?,
        actions: store::actions(db).await?,
        region_names: store::regions(db)
            .await?
            .into_iter()
            .map(|r| (r.code, r.name))
            .collect(),
        category_names: signal_categories(db).await?.into_iter().collect(),
        figures,
        order,
        review,
    }))
}

/// Adds an attendee to a session. Audited.
pub async fn add_attendee(
    db: &Db,
    p: &Principal,
    request: &RequestContext,
    session_id: &str,
    organisation: &str,
    name: &str,
) -> Result<(), ReviewError> {
    let a = meeting::check_attendee(organisation, name).map_err(ReviewError::Invalid)?;
    Ok(store::add_attendee(db, p, request, session_id, &a).await?)
}

/// Records a signal the police brought. Audited. Answers its number in the session.
pub async fn add_signal(
    db: &Db,
    p: &Principal,
    request: &RequestContext,
    session_id: &str,
    category: &str,
    area: &str,
    body: &str,
) -> Result<i64, ReviewError> {
    let categories: std::collections::HashSet<String> = signal_categories(db)
        .await?
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    let areas = region_codes(db).await?;
    let s = meeting::check_signal(category, area, body, &|c| categories.contains(c), &|a| {
        areas.contains(a)
    })
    .map_err(ReviewError::Invalid)?;
    Ok(store::add_signal(db, p, request, session_id, &s).await?)
}

/// Records the decision on agenda item `item` of a session (`alarm-N`, `signaal-N`,
/// `cijfer-…`); a "preventieve actie" or "maatregel" makes an action with its owner and due
/// date. Audited. An item that is not on the session's agenda is [`ReviewError::NotFound`].
#[allow(clippy::too_many_arguments)]
pub async fn decide_item(
    db: &Db,
    p: &Principal,
    request: &RequestContext,
    m: &Minutes,
    item: &str,
    decision: &str,
    note: &str,
    owner: &str,
    due_on: &str,
    link: &str,
) -> Result<String, ReviewError> {
    let agenda = m.agenda();
    let found = agenda
        .alarms
        .iter()
        .chain(&agenda.figures)
        .chain(&agenda.signals)
        .find(|i| i.key() == item)
        .ok_or(ReviewError::NotFound)?;
    let checked =
        meeting::check_item_decision(decision, note, owner, due_on, &m.review.session.held_on);
    let link = link.trim();
    let bad_link = !link.is_empty() && !review::valid_link(link);
    let d = match checked {
        Ok(d) if !bad_link => d,
        other => {
            let mut errors = other.err().unwrap_or_default();
            if bad_link {
                errors.push(platform::identity::field_error(
                    "link",
                    "monitor-error-link",
                ));
            }
            return Err(ReviewError::Invalid(errors));
        }
    };
    let subject = item_subject(m, found);
    let sid = &m.review.session.id;
    let link = (!link.is_empty()).then_some(link);
    let id = match found {
        meeting::AgendaItem::Alarm { seq, .. } => {
            let alarm = m
                .review
                .alarms
                .iter()
                .find(|a| a.seq == *seq)
                .ok_or(ReviewError::NotFound)?;
            store::record_item_decision(
                db,
                p,
                request,
                sid,
                store::DecisionTarget::Alarm(alarm),
                &subject,
                &d,
                link,
            )
            .await?
        }
        _ => {
            store::record_item_decision(
                db,
                p,
                request,
                sid,
                store::DecisionTarget::Item(item),
                &subject,
                &d,
                None,
            )
            .await?
        }
    };
    Ok(id)
}

/// What an agenda item is about, in words (for the action and the minutes).
pub fn item_subject(m: &Minutes, item: &meeting::AgendaItem<'_>) -> String {
    match item {
        meeting::AgendaItem::Action(a, _) => a.subject.clone(),
        meeting::AgendaItem::Alarm { alarm, .. } => format!(
            "{}, {}, {}",
            alarm.crime_title,
            alarm.region_name,
            alarm.period_label()
        ),
        meeting::AgendaItem::Figure { figure, .. } => {
            let mut s = format!(
                "{} ({}): {}",
                figure.subject,
                t("nl", &format!("monitor-figure-{}", figure.source.slug())),
                figure.period
            );
            if !figure.area.is_empty() {
                s = format!("{s}, {}", figure.area);
            }
            s
        }
        meeting::AgendaItem::Signal { category, area, .. } => format!(
            "{} {}, {}",
            t("nl", "monitor-police-signal"),
            m.category_name(category),
            m.region_name(area)
        ),
    }
}

/// Closes an action that returns on this session, with a note on what was done. Audited.
pub async fn close_action(
    db: &Db,
    p: &Principal,
    request: &RequestContext,
    m: &Minutes,
    action_id: &str,
    note: &str,
) -> Result<(), ReviewError> {
    let action = m
        .actions
        .iter()
        .find(|a| a.id == action_id)
        .ok_or(ReviewError::NotFound)?;
    if !meeting::may_close(action, &m.review.session.id, &m.order) {
        return Err(ReviewError::NotFound);
    }
    let note = meeting::check_closing(note).map_err(ReviewError::Invalid)?;
    store::close_action(db, p, request, action_id, &m.review.session.id, &note).await?;
    Ok(())
}

/// Changes the alarm settings of a level and frequency (the form's fields as text). Audited with
/// the old and new values; unchanged settings write nothing.
#[allow(clippy::too_many_arguments)]
pub async fn save_alarm_settings(
    db: &Db,
    p: &Principal,
    request: &RequestContext,
    level: model::Level,
    freq: u32,
    fields: [&str; 5],
) -> Result<(), ReviewError> {
    let new = settings::check(freq, fields[0], fields[1], fields[2], fields[3], fields[4])
        .map_err(ReviewError::Invalid)?;
    let current = store::alarm_settings(db).await?;
    let old = current.get(level, freq);
    if old != new || !current.is_own(level, freq) {
        store::save_alarm_settings(db, p, request, level, freq, &old, &new).await?;
        forget_overview();
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Fortnightly police counts.

/// Imports fortnightly counts from CSV (period start, area code, crime code, count): all rows or
/// none, every problem named by line and field. Audited.
pub async fn import_fortnight_csv(
    db: &Db,
    file_name: &str,
    raw: &[u8],
    by: &store::Actor<'_>,
) -> Result<store::FortnightOutcome, ImportError> {
    let areas = region_codes(db).await?;
    let crimes: std::collections::HashSet<String> = store::crime_types(db)
        .await?
        .into_iter()
        .map(|c| c.code)
        .collect();
    let text = String::from_utf8_lossy(raw);
    let rows = fortnight::parse_csv(&text, &|a| areas.contains(a), &|c| crimes.contains(c))
        .map_err(ImportError::Refused)?;
    Ok(store::import_fortnight(db, &rows, file_name, raw, by).await?)
}

/// An alarm on a fortnightly series.
#[derive(Clone, Debug, PartialEq)]
pub struct FortnightAlarm {
    pub region: String,
    pub region_name: String,
    pub crime_title: String,
    /// `YYYY-MM-DD`.
    pub period_start: String,
    pub observed: i64,
    pub expected: f64,
    pub upperbound: f64,
}

/// The fortnightly series and their alarms: improved Farrington with frequency 26 and the
/// level's fortnightly settings over the last 26 fortnights; newest first. Answers how many
/// series there are too.
pub async fn fortnight_alarms(db: &Db) -> Result<(usize, Vec<FortnightAlarm>), store::StoreError> {
    let names: HashMap<String, String> = store::regions(db)
        .await?
        .into_iter()
        .map(|r| (r.code, r.name))
        .collect();
    let crimes: HashMap<String, String> = store::crime_types(db)
        .await?
        .into_iter()
        .map(|c| (c.code, c.title))
        .collect();
    let settings = store::alarm_settings(db).await?;
    let series = store::fortnight_series(db).await?;
    let count = series.len();
    let mut out = Vec::new();
    for (region, crime, points) in series {
        let level = model::region_level(&region).map_or(model::Level::Gemeente, |(l, _)| l);
        let points = fortnight::continuous(&points);
        let values: Vec<Option<f64>> = points.iter().map(|(_, v)| v.map(|v| v as f64)).collect();
        let params = settings.get(level, 26).params();
        // Only fortnights with the full reference years behind them are evaluated.
        let last = 26.min(values.len().saturating_sub(params.b * 26 + params.w));
        if last == 0 {
            continue;
        }
        let Ok(results) = surveillance::farrington(&values, 26, &params, last) else {
            continue; // too short to evaluate
        };
        for r in results.iter().filter(|r| r.alarm) {
            let Some((start, Some(observed))) = points.get(r.index) else {
                continue;
            };
            out.push(FortnightAlarm {
                region_name: names
                    .get(&region)
                    .cloned()
                    .unwrap_or_else(|| region.clone()),
                region: region.clone(),
                crime_title: crimes.get(&crime).cloned().unwrap_or_else(|| crime.clone()),
                period_start: start.clone(),
                observed: *observed,
                expected: r.expected,
                upperbound: r.upperbound,
            });
        }
    }
    out.sort_by(|a, b| {
        b.period_start
            .cmp(&a.period_start)
            .then(a.region.cmp(&b.region))
    });
    Ok((count, out))
}

#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    /// Input that failed the checks; messages are Fluent keys.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

/// Input errors carry Fluent keys; where no form shows them (the API), they are given in Dutch.
impl platform::web::errors::Classify for ThemeError {
    fn classify(self) -> platform::web::errors::Failure {
        use platform::web::errors::Failure;
        match self {
            ThemeError::Invalid(errors) => Failure::Invalid(translate_errors("nl", &errors)),
            ThemeError::NotFound => Failure::NotFound,
            ThemeError::Store(e) => e.classify(),
        }
    }
}

async fn theme(db: &Db, slug: &str) -> Result<store::Theme, ThemeError> {
    store::themes(db)
        .await?
        .into_iter()
        .find(|t| t.slug == slug)
        .ok_or(ThemeError::NotFound)
}

/// Adds a theme by name (errors on `field`); its slug comes from the name. Audited. Answers the
/// slug. Who may: [`may_edit`], checked by the caller.
pub async fn create_theme(
    db: &Db,
    p: &Principal,
    request: &RequestContext,
    name: &str,
    field: &str,
) -> Result<String, ThemeError> {
    let themes = store::themes(db).await?;
    let names: Vec<&str> = themes.iter().map(|t| t.name.as_str()).collect();
    let name =
        model::check_theme_name(name, &names, field).map_err(|e| ThemeError::Invalid(vec![e]))?;
    let slug = model::unique_slug(&model::theme_slug(&name), &|s| {
        themes.iter().any(|t| t.slug == s)
    });
    if store::create_theme(db, p, request, &slug, &name).await? {
        Ok(slug)
    } else {
        Err(ThemeError::Invalid(vec![platform::identity::field_error(
            field,
            "monitor-theme-error-name-taken",
        )]))
    }
}

/// Renames a theme (errors on `field`); its slug stays. Audited. An unchanged name changes
/// nothing.
pub async fn rename_theme(
    db: &Db,
    p: &Principal,
    request: &RequestContext,
    slug: &str,
    name: &str,
    field: &str,
) -> Result<(), ThemeError> {
    let themes = store::themes(db).await?;
    let current = themes
        .iter()
        .find(|t| t.slug == slug)
        .ok_or(ThemeError::NotFound)?;
    let others: Vec<&str> = themes
        .iter()
        .filter(|t| t.slug != slug)
        .map(|t| t.name.as_str())
        .collect();
    let name =
        model::check_theme_name(name, &others, field).map_err(|e| ThemeError::Invalid(vec![e]))?;
    if name != current.name {
        store::rename_theme(db, p, request, current, &name).await?;
    }
    Ok(())
}

/// Replaces a theme's crime types after checking them against the code list (errors on
/// `field`). Audited with the old and the new list. Answers the theme as it is now.
pub async fn set_theme_crimes(
    db: &Db,
    p: &Principal,
    request: &RequestContext,
    slug: &str,
    chosen: &[String],
    field: &str,
) -> Result<store::Theme, ThemeError> {
    let current = theme(db, slug).await?;
    let known: std::collections::HashSet<String> = store::crime_types(db)
        .await?
        .into_iter()
        .map(|c| c.code)
        .collect();
    let crimes = model::check_theme_crimes(chosen, &|c| known.contains(c), field)
        .map_err(|e| ThemeError::Invalid(vec![e]))?;
    store::set_theme_crimes(db, p, request, &current, &crimes).await?;
    theme(db, slug).await
}

/// Changes a theme's name and/or crime types (as the API's `PUT` does): both are checked first
/// (errors on `name` and `crime_types`), then written and audited. Answers the theme as it is now.
pub async fn update_theme(
    db: &Db,
    p: &Principal,
    request: &RequestContext,
    slug: &str,
    name: Option<&str>,
    crimes: Option<&[String]>,
) -> Result<store::Theme, ThemeError> {
    let themes = store::themes(db).await?;
    if !themes.iter().any(|t| t.slug == slug) {
        return Err(ThemeError::NotFound);
    }
    let mut errors = Vec::new();
    if let Some(name) = name {
        let others: Vec<&str> = themes
            .iter()
            .filter(|t| t.slug != slug)
            .map(|t| t.name.as_str())
            .collect();
        if let Err(e) = model::check_theme_name(name, &others, "name") {
            errors.push(e);
        }
    }
    if let Some(crimes) = crimes {
        let known: std::collections::HashSet<String> = store::crime_types(db)
            .await?
            .into_iter()
            .map(|c| c.code)
            .collect();
        if let Err(e) = model::check_theme_crimes(crimes, &|c| known.contains(c), "crime_types") {
            errors.push(e);
        }
    }
    if !errors.is_empty() {
        return Err(ThemeError::Invalid(errors));
    }
    if let Some(name) = name {
        rename_theme(db, p, request, slug, name, "name").await?;
    }
    if let Some(crimes) = crimes {
        set_theme_crimes(db, p, request, slug, crimes, "crime_types").await?;
    }
    theme(db, slug).await
}

/// Field errors with their Fluent keys replaced by the message in `lang`.
pub fn translate_errors(lang: &str, errors: &[FieldError]) -> Vec<FieldError> {
    errors
        .iter()
        .map(|e| FieldError {
            field: e.field.clone(),
            message: t(lang, &e.message),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alarm_is_explained_in_dutch_and_english() {
        let mut a = review::Alarm {
            region: "GM1961".into(),
            region_name: "Vijfheerenlanden".into(),
            region_level: "gemeente".into(),
            crime_type: "1.1.1".into(),
            crime_title: "Diefstal/inbraak woning".into(),
            period: "2025MM01".into(),
            observed: 12,
            expected: 4.26,
            upperbound: 8.94,
            previous_year: Some(5),
            trend: false,
        };
        assert_eq!(
            explain(&a, "nl"),
            "In jan 2025 zijn 12 misdrijven geregistreerd, terwijl er 4,3 werden verwacht; de drempel voor een signaal was 8,9. Dezelfde maand een jaar eerder: 5. De reeks heeft geen significante trend."
        );
        a.previous_year = None;
        a.trend = true;
        let en = explain(&a, "en");
        assert!(en.contains("against 4.3 expected"), "{en}");
        assert!(en.contains("No figure is known") && en.contains("significant trend, which"));
    }

    #[test]
    fn module_errors_are_translated_and_platform_ones_too() {
        let errors = vec![
            platform::identity::field_error("link", "monitor-error-link"),
            platform::identity::field_error("title", "error-required"),
        ];
        let out = translate_errors("nl", &errors);
        assert!(out[0].message.starts_with("Vul een pad in Baken in"));
        assert_eq!(out[1].message, "Vul dit veld in.");
    }
}
