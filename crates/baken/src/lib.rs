//! The `baken` application: assembles the platform and the modules into one server.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use platform::db::Db;
use platform::identity::{LoginPolicy, SessionPolicy};
use platform::jobs::Runner;
use platform::mail::SmtpConfig;
use platform::web::{AppState, ModuleNav, WebSettings};
use utoipa_axum::router::OpenApiRouter;

pub mod bench;
pub mod config;

/// Everything the server needs to run.
#[derive(Clone, Debug, Default)]
pub struct ServerOptions {
    pub session: SessionPolicy,
    pub login: LoginPolicy,
    pub smtp: Option<SmtpConfig>,
    /// Public submissions per client per minute (0 = no limit).
    pub public_rate_limit: u32,
    /// Reverse proxies whose X-Forwarded-For names the client for that limit.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The key for identifying data at rest (BSN) and keyed identifier hashes.
    pub data_key: Option<platform::secrets::DataKey>,
    /// The address at which people reach Baken, for links in mail (password reset).
    pub public_url: Option<String>,
    /// Where and how often the audit chain's head is written down outside the database.
    pub audit_checkpoints: Option<AuditCheckpointing>,
    /// The maps' base tiles (PDOK's BRT-Achtergrondkaart by default).
    pub map_tiles: platform::web::MapTiles,
    /// PDOK Locatieserver (or a service answering as it does) for addresses; none: addresses
    /// are kept as typed.
    pub geocoder_url: Option<String>,
}

/// Periodic checkpoints of the audit chain (see `platform::audit::write_checkpoint`).
#[derive(Clone, Debug)]
pub struct AuditCheckpointing {
    pub dir: std::path::PathBuf,
    pub every: Duration,
    /// Also mailed here (e.g. the privacy officer), so a copy lives outside this machine.
    pub mail_to: Option<String>,
}

/// Writes a checkpoint now and then every `every` while the head moves; mails each one when
/// asked. A failure is logged and tried again at the next turn.
async fn checkpoint_loop(db: Db, c: AuditCheckpointing) {
    let mut last: Option<i64> = None;
    loop {
        match platform::audit::write_checkpoint(&db, &c.dir).await {
            Ok(cp) if last != Some(cp.seq) => {
                last = Some(cp.seq);
                if let Some(to) = &c.mail_to {
                    let body = format!(
                        "Controlepunt van het auditlog van Baken (bewaar deze mail):\n\n{}\n\n\
                         Controleer met: baken audit verify --checkpoints MAP (met deze regel in \
                         MAP/{}).\n",
                        serde_json::to_string(&cp).unwrap_or_default(),
                        platform::audit::CHECKPOINT_FILE
                    );
                    let queued: Result<(), String> = async {
                        let mut tx = db.begin().await.map_err(|e| e.to_string())?;
                        platform::mail::enqueue(&mut tx, to, "Baken: controlepunt auditlog", &body)
                            .await
                            .map_err(|e| e.to_string())?;
                        tx.commit().await.map_err(|e| e.to_string())
                    }
                    .await;
                    if let Err(e) = queued {
                        tracing::warn!(error = %e, "audit checkpoint mail");
                    }
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "audit checkpoint"),
        }
        tokio::time::sleep(c.every).await;
    }
}

/// The API of the platform and every module, with its documentation.
fn api(limit: &meldingen::PublicLimit, geocoding: meldingen::Geocoding) -> OpenApiRouter<AppState> {
    platform::web::api::openapi_router()
        .merge(beleid::api())
        .merge(meldingen::api_with(limit, geocoding))
        .merge(maatregelen::api())
        .merge(monitor::api())
        .merge(dossiers::api())
        .merge(ondermijning::api())
        .merge(bibob::api())
        .merge(crisis::api())
        .merge(preventie::api())
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Beleid(#[from] beleid::BeleidError),
    #[error(transparent)]
    Pdf(#[from] pdf::PdfError),
    #[error("het opmaken werd afgebroken: {0}")]
    Join(String),
}

/// Typesets the raadsrapportage from its data.
async fn typeset_report(data: beleid::html::ReportData) -> Result<Vec<u8>, ReportError> {
    let mut files = vec![("data.json".to_string(), data.json)];
    files.extend(data.charts);
    typeset(beleid::html::REPORT_TYPST, files).await
}

/// The raadsrapportage of `year` as a tagged PDF (PDF/UA-1), for `baken report ivb --format pdf`.
pub async fn report_pdf(db: &Db, year: i64) -> Result<Vec<u8>, ReportError> {
    typeset_report(beleid::html::report_data(db, year).await?).await
}

/// `/beleid/rapportage/{year}/pdf`: the download of the report for whoever may read the policy.
async fn report_pdf_download(
    axum::extract::State(state): axum::extract::State<AppState>,
    axum::Extension(ctx): axum::Extension<platform::web::Ctx>,
    axum::extract::Path(year): axum::extract::Path<i64>,
) -> Result<axum::response::Response, platform::web::WebError> {
    use axum::http::header;
    use axum::response::IntoResponse;
    let data = beleid::html::report_data_for(&state, &ctx, year).await?;
    let bytes = typeset_report(data)
        .await
        .map_err(|e| platform::web::WebError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"raadsrapportage-{year}.pdf\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Typesets a Typst document with its data files; CPU-bound, so off the async workers.
async fn typeset(
    main: &'static str,
    files: Vec<(String, Vec<u8>)>,
) -> Result<Vec<u8>, ReportError> {
    tokio::task::spawn_blocking(move || {
        let today = platform::db::today_nl();
        pdf::render(&pdf::Document {
            main,
            files: files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect(),
            date: (
                i32::from(today.year()),
                today.month().unsigned_abs(),
                today.day().unsigned_abs(),
            ),
        })
    })
    .await
    .map_err(|e| ReportError::Join(e.to_string()))?
    .map_err(ReportError::from)
}

/// `/maatregelen/{id}/brieven/{brief}/pdf`: a drafted letter as a tagged PDF, for whoever may
/// read the measure (the read is audited).
async fn letter_pdf_download(
    axum::extract::State(state): axum::extract::State<AppState>,
    axum::Extension(ctx): axum::Extension<platform::web::Ctx>,
    axum::extract::Path((id, brief)): axum::extract::Path<(String, String)>,
) -> Result<axum::response::Response, platform::web::WebError> {
    use axum::http::header;
    use axum::response::IntoResponse;
    let letter = maatregelen::html::letter_for(&state, &ctx, &id, &brief).await?;
    // A finalised letter is served as it was kept; a draft is typeset as it stands.
    let bytes = match &letter.pdf {
        Some(pdf) => pdf.clone(),
        None => typeset(
            maatregelen::html::LETTER_TYPST,
            vec![(
                "data.json".to_string(),
                maatregelen::html::letter_json(&letter),
            )],
        )
        .await
        .map_err(|e| platform::web::WebError::Internal(e.to_string()))?,
    };
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}-{}.pdf\"",
                    letter.kenmerk,
                    letter.rij.brief.slug()
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The pages of the modules.
fn pages(
    limit: &meldingen::PublicLimit,
    geocoding: meldingen::Geocoding,
) -> axum::Router<AppState> {
    // A letter a legal adviser finalises is typeset here and kept with the letter.
    maatregelen::html::set_letter_renderer(std::sync::Arc::new(|json| {
        Box::pin(async move {
            typeset(
                maatregelen::html::LETTER_TYPST,
                vec![("data.json".to_string(), json)],
            )
            .await
            .map_err(|e| e.to_string())
        })
    }));
    // The monitor's review minutes are typeset here too.
    monitor::meeting_html::set_minutes_renderer(std::sync::Arc::new(|json| {
        Box::pin(async move {
            typeset(
                monitor::meeting_html::MINUTES_TYPST,
                vec![("data.json".to_string(), json)],
            )
            .await
            .map_err(|e| e.to_string())
        })
    }));
    // The crisis situation report too.
    crisis::html::set_sitrep_renderer(std::sync::Arc::new(|json| {
        Box::pin(async move {
            typeset(
                crisis::html::SITREP_TYPST,
                vec![("data.json".to_string(), json)],
            )
            .await
            .map_err(|e| e.to_string())
        })
    }));
    monitor::register_melding_counts(&MeldingCounter);
    axum::Router::new()
        .route(
            "/beleid/rapportage/{year}/pdf",
            axum::routing::get(report_pdf_download),
        )
        .route(
            "/maatregelen/{id}/brieven/{brief}/pdf",
            axum::routing::get(letter_pdf_download),
        )
        .merge(monitor::routes())
        .merge(beleid::routes())
        .merge(meldingen::routes_with(limit, geocoding))
        .merge(maatregelen::routes())
        .merge(dossiers::routes())
        .merge(ondermijning::routes())
        .merge(bibob::routes())
        .merge(crisis::routes())
        .merge(preventie::routes())
}

/// The modules' menu entries.
fn module_nav() -> Vec<ModuleNav> {
    let mut nav = Vec::new();
    nav.extend(monitor::nav());
    nav.extend(beleid::nav());
    nav.extend(meldingen::nav());
    nav.extend(maatregelen::nav());
    nav.extend(dossiers::nav());
    nav.extend(ondermijning::nav());
    nav.extend(bibob::nav());
    nav.extend(crisis::nav());
    nav.extend(preventie::nav());
    nav
}

/// The OpenAPI document, as served at `/api/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    platform::web::api::split(api(
        &meldingen::PublicLimit::default(),
        meldingen::Geocoding::default(),
    ))
    .1
}

/// The whole web application on `db`.
pub fn app(db: Db, options: &ServerOptions) -> axum::Router {
    let limit = meldingen::PublicLimit {
        per_minute: options.public_rate_limit,
        trusted_proxies: options.trusted_proxies.clone(),
    };
    let state = AppState {
        db,
        settings: Arc::new(WebSettings {
            session: options.session.clone(),
            login: options.login.clone(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            module_nav: module_nav(),
            public_links: vec![
                ("/melden", meldingen::public_label),
                ("/veilig-digitaal", preventie::public_label),
            ],
            data_key: options.data_key.clone(),
            public_url: options.public_url.clone(),
            trusted_proxies: options.trusted_proxies.clone(),
            login_throttle: Arc::new(platform::web::client::ClientThrottle::new(&options.login)),
            map_tiles: options.map_tiles.clone(),
        }),
    };
    let geocoding = match options
        .geocoder_url
        .as_deref()
        .map(meldingen::geocoder::Geocoder::new)
    {
        Some(Ok(g)) => meldingen::Geocoding(Some(Arc::new(g))),
        Some(Err(e)) => {
            tracing::warn!(error = %e, "geocoder: addresses are kept as typed");
            meldingen::Geocoding::default()
        }
        None => meldingen::Geocoding::default(),
    };
    platform::web::router(
        state,
        pages(&limit, geocoding.clone()),
        api(&limit, geocoding),
    )
}

/// Counts Baken's own meldingen for the monitor's review (the meldingen module depends on the
/// monitor, so the binary connects them).
struct MeldingCounter;

impl monitor::MeldingCounts for MeldingCounter {
    fn count<'a>(
        &'a self,
        db: &'a Db,
        from: &'a str,
        until: &'a str,
    ) -> monitor::MeldingCountFuture<'a> {
        Box::pin(async move {
            let ms = |d: &str| -> Result<i64, String> {
                let date: jiff::civil::Date = d.parse().map_err(|e| format!("{d}: {e}"))?;
                Ok(platform::db::day_start_ms_nl(date))
            };
            let rows = meldingen::store::count_by_category_and_wijk(db, ms(from)?, ms(until)?)
                .await
                .map_err(|e| e.to_string())?;
            Ok(rows
                .into_iter()
                .map(|(category, wijk, count)| monitor::MeldingCount {
                    category,
                    wijk,
                    count,
                })
                .collect())
        })
    }
}

/// What a policy indicator can count from a module (aggregates only).
enum Counter {
    Dossiers {
        gesloten: bool,
        zaaktype: Option<&'static str>,
    },
    Maatregelen {
        soort: Option<&'static str>,
    },
    Meldingen {
        thema: Option<&'static str>,
    },
}

struct Source {
    key: &'static str,
    label: String,
    counter: Counter,
}

impl beleid::sources::CountSource for Source {
    fn key(&self) -> &'static str {
        self.key
    }
    fn label(&self) -> String {
        self.label.clone()
    }
    fn count<'a>(
        &'a self,
        db: &'a Db,
        period: beleid::sources::Period,
    ) -> beleid::sources::CountFuture<'a> {
        let (from, until) = (period.from_ms, period.until_ms);
        Box::pin(async move {
            match &self.counter {
                Counter::Dossiers { gesloten, zaaktype } => {
                    dossiers::store::count(db, *gesloten, *zaaktype, from, until)
                        .await
                        .map_err(|e| e.to_string())
                }
                Counter::Maatregelen { soort } => {
                    maatregelen::store::count_created(db, *soort, from, until)
                        .await
                        .map_err(|e| e.to_string())
                }
                Counter::Meldingen { thema } => {
                    meldingen::store::count_by_theme(db, *thema, from, until)
                        .await
                        .map_err(|e| e.to_string())
                }
            }
        })
    }
}

/// Registers what the modules count for someone's start page ("Mijn werk"); registering twice
/// is harmless.
fn register_work() {
    platform::web::work::register(&meldingen::werk::WERK);
    platform::web::work::register(&dossiers::werk::WERK);
    platform::web::work::register(&maatregelen::werk::WERK);
}

/// Registers, once per process, what the modules let policy indicators count. The sources live
/// as long as the process, so they are leaked once.
async fn register_sources(db: &Db) -> anyhow::Result<()> {
    register_work();
    static DONE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if DONE.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return Ok(());
    }
    ondermijning::register();
    bibob::register();
    crisis::register();
    preventie::register();
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let mut sources = vec![
        Source {
            key: "dossiers.geopend",
            label: "Dossiers geopend (alle zaaktypen)".into(),
            counter: Counter::Dossiers {
                gesloten: false,
                zaaktype: None,
            },
        },
        Source {
            key: "dossiers.gesloten",
            label: "Dossiers gesloten (alle zaaktypen)".into(),
            counter: Counter::Dossiers {
                gesloten: true,
                zaaktype: None,
            },
        },
        Source {
            key: "maatregelen",
            label: "Bestuurlijke maatregelen (alle soorten)".into(),
            counter: Counter::Maatregelen { soort: None },
        },
        Source {
            key: "meldingen",
            label: "Meldingen (alle thema's)".into(),
            counter: Counter::Meldingen { thema: None },
        },
    ];
    for z in dossiers::model::ZAAKTYPEN {
        sources.push(Source {
            key: leak(format!("dossiers.geopend.{}", z.slug)),
            label: format!("Dossiers geopend: {}", z.naam),
            counter: Counter::Dossiers {
                gesloten: false,
                zaaktype: Some(z.slug),
            },
        });
    }
    for s in maatregelen::model::Soort::ALL {
        sources.push(Source {
            key: leak(format!("maatregelen.{}", s.slug())),
            label: format!("Maatregelen: {}", s.naam()),
            counter: Counter::Maatregelen {
                soort: Some(s.slug()),
            },
        });
    }
    for (slug, naam) in meldingen::store::themes(db).await? {
        sources.push(Source {
            key: leak(format!("meldingen.{slug}")),
            label: format!("Meldingen over {naam}"),
            counter: Counter::Meldingen {
                thema: Some(leak(slug)),
            },
        });
    }
    for s in sources {
        beleid::sources::register(Box::leak(Box::new(s)));
    }
    Ok(())
}

/// Migrates and loads the reference data (idempotent).
pub async fn prepare(db: &Db) -> anyhow::Result<()> {
    db.migrate().await?;
    monitor::prepare(db).await?;
    platform::seed::reference(db).await?;
    beleid::seed(db).await?;
    meldingen::seed(db).await?;
    maatregelen::seed(db).await?;
    dossiers::seed(db).await?;
    ondermijning::seed(db).await?;
    bibob::seed(db).await?;
    crisis::seed(db).await?;
    preventie::seed(db).await?;
    register_sources(db).await?;
    Ok(())
}

/// Demo content of the modules (fictitious cases and people; real, attributed open data).
pub async fn seed_demo(db: &Db) -> anyhow::Result<()> {
    // The real national police figures shipped with the monitor (Bron: CBS / Politie).
    monitor::import_file(
        db,
        "47022NED-NL00-2019-2021.json",
        monitor::DEMO_NATIONAL_FILE.as_bytes(),
        None,
        "demo",
    )
    .await?;
    beleid::seed_demo(db).await?;
    platform::theme::seed_demo(db, "Gemeente Vijfheerenlanden").await?;
    meldingen::seed_demo(db).await?;
    maatregelen::seed_demo(db).await?;
    Ok(())
}

/// The demo case files; they are directed by the demo accounts, so those must exist first.
pub async fn seed_demo_cases(
    db: &Db,
    key: Option<&platform::secrets::DataKey>,
) -> anyhow::Result<()> {
    dossiers::seed_demo(db, key).await?;
    ondermijning::seed_demo(db).await?;
    bibob::seed_demo(db).await?;
    crisis::seed_demo(db).await?;
    preventie::seed_demo(db).await?;
    Ok(())
}

/// The background work of a server process: due jobs, the mail outbox, expired sessions, the
/// alarm overview.
pub fn spawn_background(db: Db, options: &ServerOptions) {
    if let Some(c) = options.audit_checkpoints.clone() {
        tokio::spawn(checkpoint_loop(db.clone(), c));
    }
    let mut runner = Runner::new();
    let session = options.session.clone();
    runner.register("sessions.purge", move |db, _| {
        let session = session.clone();
        async move {
            platform::identity::purge_sessions(&db, &session)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        }
    });
    tokio::spawn(runner.run_forever(db.clone(), Duration::from_secs(5)));
    // Case files, once a day: closed cases past their term are destroyed; review reminders go out.
    let retention_db = db.clone();
    tokio::spawn(async move {
        loop {
            match dossiers::destroy_expired(&retention_db).await {
                Ok(done) if !done.is_empty() => {
                    tracing::info!(count = done.len(), "case files destroyed after retention")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "case file retention"),
            }
            if let Err(e) = dossiers::remind_reviews(&retention_db).await {
                tracing::warn!(error = %e, "case review reminders");
            }
            match meldingen::store::apply_retention(&retention_db, platform::db::today_nl(), "job")
                .await
            {
                Ok(r) if r != Default::default() => tracing::info!(
                    contact_removed = r.contact_removed,
                    destroyed = r.destroyed,
                    "meldingen retention"
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "meldingen retention"),
            }
            match maatregelen::daily(&retention_db, "job").await {
                Ok((sent, destroyed)) if sent + destroyed > 0 => {
                    tracing::info!(sent, destroyed, "maatregelen reminders and retention")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "maatregelen reminders and retention"),
            }
            if let Err(e) = ondermijning::daily(&retention_db).await {
                tracing::warn!(error = %e, "ondermijning retention");
            }
            if let Err(e) = bibob::daily(&retention_db).await {
                tracing::warn!(error = %e, "bibob retention");
            }
            if let Err(e) = crisis::daily(&retention_db).await {
                tracing::warn!(error = %e, "crisis retention");
            }
            if let Err(e) = preventie::daily(&retention_db).await {
                tracing::warn!(error = %e, "preventie retention");
            }
            tokio::time::sleep(Duration::from_secs(24 * 3600)).await;
        }
    });
    // The alarm overview is computed once per state of the police figures. Computing it here,
    // at start and within half a minute of an import (from the web or the command line),
    // spares the first visitor of the alarm pages the wait; when nothing changed it costs one
    // query.
    let alarms_db = db.clone();
    tokio::spawn(async move {
        loop {
            if let Err(e) = monitor::alarm_overview(&alarms_db).await {
                tracing::warn!(error = %e, "alarm overview");
            }
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
    });
    // Handlers hear when the deadline of a melding of theirs passes.
    let deadlines_db = db.clone();
    tokio::spawn(async move {
        loop {
            if let Err(e) = meldingen::werk::notify_deadlines(&deadlines_db).await {
                tracing::warn!(error = %e, "melding deadline notices");
            }
            tokio::time::sleep(Duration::from_secs(300)).await;
        }
    });
    let session = options.session.clone();
    let purge_db = db.clone();
    tokio::spawn(async move {
        loop {
            if let Err(e) = platform::identity::purge_sessions(&purge_db, &session).await {
                tracing::warn!(error = %e, "purging sessions");
            }
            tokio::time::sleep(Duration::from_secs(600)).await;
        }
    });
    // Bulletins being sent go into the outbox in batches, so a long list never holds the writer.
    let bulletins_db = db.clone();
    let bulletins_url = options.public_url.clone().unwrap_or_default();
    tokio::spawn(async move {
        loop {
            if let Err(e) = preventie::send_due(&bulletins_db, &bulletins_url).await {
                tracing::warn!(error = %e, "bulletin batches");
            }
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
    });
    if let Some(smtp) = options.smtp.clone() {
        let public_url = options.public_url.clone().unwrap_or_default();
        tokio::spawn(async move {
            loop {
                // Notifications that should be mailed go into the outbox first.
                if let Err(e) = platform::notify::mail_pending(&db, &public_url).await {
                    tracing::warn!(error = %e, "notification mails");
                }
                if let Err(e) = platform::mail::deliver_due(&db, &smtp).await {
                    tracing::warn!(error = %e, "mail outbox");
                }
                tokio::time::sleep(Duration::from_secs(10)).await;
            }
        });
    }
}

/// Serves `app` on an already bound listener until the process is stopped.
pub async fn serve(listener: tokio::net::TcpListener, app: axum::Router) -> std::io::Result<()> {
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
