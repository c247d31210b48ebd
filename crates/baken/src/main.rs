//! `baken`: the command line. `baken serve` runs the web application; the other subcommands
//! are for operators and scripts. Errors end the process with one clear line, never a panic.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context};
use clap::{Args, Parser, Subcommand};
use platform::access::Role;
use platform::audit::{self, AuditEntry};
use platform::db::Db;
use platform::identity::{self, IdentityError, NewUser};

#[derive(Parser)]
#[command(
    name = "baken",
    version,
    about = "Baken: integraal veiligheidsbeleid — platform"
)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Args, Clone)]
struct Common {
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB (default: sqlite in the data directory).
    #[arg(long, env = "BAKEN_DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// Directory for the embedded database and other files.
    #[arg(long, env = "BAKEN_DATA_DIR", global = true)]
    data_dir: Option<PathBuf>,
    /// The key (64 hexadecimal characters) of the audit log's HMAC chain, kept apart from the
    /// database; without it, Baken creates one in the data directory (audit.key). Every process
    /// that writes to one database needs the same key.
    #[arg(long, env = "BAKEN_AUDIT_KEY", global = true, hide_env_values = true)]
    audit_key: Option<String>,
    /// A config file with `key = value` lines (keys: database_url, bind, data_dir, session_idle_minutes, smtp_host, smtp_port, smtp_tls, smtp_ca_file, mail_from).
    #[arg(long, env = "BAKEN_CONFIG", global = true)]
    config: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web application and API (the default).
    // Boxed: its many flags would make every other command as large.
    Serve(Box<ServeArgs>),
    /// Apply database migrations and load the reference data, then stop.
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Compute a statutory deadline: `baken termijn bezwaar 2026-01-05` (with the days designated
    /// by royal decree stored in the database).
    Termijn(TermijnArgs),
    /// Police figures: import files.
    #[command(subcommand)]
    Monitor(MonitorCommand),
    /// Reports.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Benchmarks (figures for the issue notes; never timed tests).
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Fictitious data in bulk, for benchmarks and load tests.
    #[command(subcommand)]
    Seed(SeedCommand),
}

#[derive(Subcommand)]
enum SeedCommand {
    /// Adds N fictitious meldingen spread over the wijken and buurten of GM1961 and three years.
    Meldingen {
        #[arg(long)]
        count: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum ReportCommand {
    /// The progress report on the IVB to the council (raadsrapportage) for a year.
    Ivb {
        #[arg(long)]
        year: i64,
        /// pdf (tagged, PDF/UA-1) or html (a print view).
        #[arg(long, default_value = "html")]
        format: String,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum MonitorCommand {
    /// Import a police table (OData JSON or the semicolon CSV export) as a new version; a file
    /// with any wrong row is refused whole.
    Import {
        file: PathBuf,
        /// The table of a CSV file (47022NED, 47018NED or 47013NED); JSON names its own.
        #[arg(long)]
        table: Option<String>,
    },
    /// Import results of the veiligheidsenquête from CSV
    /// (`jaar;gebied;indicator;waarde;ondergrens;bovengrens;vragenlijst;bron`); a file with any
    /// wrong row is refused whole, and the same rows again change nothing.
    Enquete { file: PathBuf },
    /// Increase alarms (improved Farrington) for one series in a CSV with `period,count`.
    Farrington(FarringtonArgs),
    /// The simulation protocol: false-positive rate, detection and timeliness per method.
    Evaluate {
        #[arg(long, default_value_t = 20261127)]
        seed: u64,
        /// Compare the weekly-designed alarm settings with the validated ones for monthly and
        /// fortnightly series at gemeente, wijk and buurt scale (a Markdown table).
        #[arg(long)]
        settings: bool,
        /// With --settings: try the whole grid of candidate settings instead.
        #[arg(long)]
        search: bool,
        /// With --settings: simulated series per scale and frequency.
        #[arg(long, default_value_t = 1000)]
        replicates: usize,
    },
}

#[derive(Args)]
struct FarringtonArgs {
    #[arg(long)]
    input: PathBuf,
    /// Periods per year: 12 (months), 26 (fortnights) or 52 (ISO weeks).
    #[arg(long)]
    freq: u32,
    /// Evaluate only the last N periods (default: every period with enough history).
    #[arg(long)]
    last: Option<usize>,
    /// Print JSON (the only output format).
    #[arg(long)]
    json: bool,
    #[arg(long, default_value_t = 5)]
    b: usize,
    #[arg(long, default_value_t = 3)]
    w: usize,
    #[arg(long, default_value_t = 10)]
    no_periods: usize,
    #[arg(long, default_value_t = 2.58)]
    weights_threshold: f64,
    /// Default: 26 weeks or its equivalent (6 months, 13 fortnights).
    #[arg(long)]
    past_periods_not_included: Option<usize>,
    /// One-sided significance level of the threshold.
    #[arg(long, default_value_t = 0.05)]
    alpha: f64,
    #[arg(long)]
    no_trend: bool,
    #[arg(long, default_value_t = 5.0)]
    limit54_cases: f64,
    #[arg(long, default_value_t = 4)]
    limit54_periods: usize,
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Farrington alarms over many generated monthly series (every buurt × crime type in NL).
    Monitor {
        #[arg(long, default_value_t = 840_000)]
        series: usize,
        #[arg(long, default_value_t = 24)]
        periods: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// A partner's case list over many generated cases and entries (on --database-url, or a
    /// fresh SQLite file in a temporary directory).
    Dossiers {
        #[arg(long, default_value_t = 100_000)]
        dossiers: usize,
        #[arg(long, default_value_t = 1_000_000)]
        entries: usize,
        #[arg(long, default_value_t = 1_000)]
        queries: usize,
    },
    /// Anonymous public submissions and back-office list pages (50 per page, two filters) over
    /// --count meldingen, through the real server on a local port (on --database-url, or a fresh
    /// SQLite file; seeded meldingen already there are re-used).
    Meldingen {
        #[arg(long, default_value_t = 1_000_000)]
        count: usize,
        /// Seconds of the create phase and of the mixed list phase.
        #[arg(long, default_value_t = 10.0)]
        seconds: f64,
        /// Seconds per filter shape (129 shapes of one to three filters).
        #[arg(long, default_value_t = 1.0)]
        shape_seconds: f64,
        /// Concurrent keep-alive connections.
        #[arg(long, default_value_t = 4)]
        connections: usize,
        /// Seed of the random filter values, sorts and pages.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "BAKEN_BIND")]
    bind: Option<String>,
    /// Load demo accounts (fictitious people) and print their credentials.
    #[arg(long)]
    demo: bool,
    /// Minutes of inactivity after which a session ends.
    #[arg(long, env = "BAKEN_SESSION_IDLE_MINUTES")]
    session_idle_minutes: Option<i64>,
    /// SMTP server for outgoing mail (host); without it mail stays in the outbox.
    #[arg(long, env = "BAKEN_SMTP_HOST")]
    smtp_host: Option<String>,
    #[arg(long, env = "BAKEN_SMTP_PORT")]
    smtp_port: Option<u16>,
    #[arg(long, env = "BAKEN_MAIL_FROM")]
    mail_from: Option<String>,
    /// How the SMTP connection is secured: none, starttls (port 587) or tls (implicit, port
    /// 465). With TLS the server's certificate is checked.
    #[arg(long, env = "BAKEN_SMTP_TLS")]
    smtp_tls: Option<String>,
    /// A PEM file with a CA certificate to trust for the SMTP server, besides the usual roots.
    #[arg(long, env = "BAKEN_SMTP_CA_FILE")]
    smtp_ca_file: Option<std::path::PathBuf>,
    /// Public reports per client per minute (0 switches the limit off, e.g. for benchmarks).
    #[arg(long, env = "BAKEN_PUBLIC_RATE_LIMIT", default_value_t = meldingen::DEFAULT_PUBLIC_RATE_LIMIT)]
    public_rate_limit: u32,
    /// Reverse proxies in front of Baken (comma-separated IP addresses): for connections from
    /// them, the client address for that limit is read from X-Forwarded-For.
    #[arg(long, env = "BAKEN_TRUSTED_PROXIES", value_delimiter = ',')]
    trusted_proxies: Vec<String>,
    /// The key (64 hexadecimal characters) that encrypts identifying data such as a BSN; without
    /// it, Baken creates one in the data directory (data.key) on first start.
    #[arg(long, env = "BAKEN_DATA_KEY", hide_env_values = true)]
    data_key: Option<String>,
    /// Directory of the audit checkpoint file (default: audit-checkpoints in the data
    /// directory); keep it, or a copy, where the database's administrators cannot write.
    #[arg(long, env = "BAKEN_AUDIT_CHECKPOINTS")]
    audit_checkpoints: Option<PathBuf>,
    /// Minutes between audit checkpoints (default 60).
    #[arg(long, env = "BAKEN_AUDIT_CHECKPOINT_MINUTES")]
    audit_checkpoint_minutes: Option<u64>,
    /// Also mail each checkpoint to this address (e.g. the privacy officer).
    #[arg(long, env = "BAKEN_AUDIT_CHECKPOINT_MAIL")]
    audit_checkpoint_mail: Option<String>,
    /// Days a new API token works (default 90).
    #[arg(long, env = "BAKEN_TOKEN_DAYS")]
    token_days: Option<i64>,
    /// The address at which people reach Baken (e.g. https://baken.gemeente.nl), for the links
    /// in mail such as a password reset (default: http:// and the --bind address).
    #[arg(long, env = "BAKEN_PUBLIC_URL")]
    public_url: Option<String>,
    /// The base map's tiles, a URL template with {z}, {x} and {y} (default: PDOK's
    /// BRT-Achtergrondkaart); its host is allowed in the Content-Security-Policy.
    #[arg(long, env = "BAKEN_TILE_URL")]
    tile_url: Option<String>,
    /// The attribution shown with those tiles (default: Kadaster's for the BRT-Achtergrondkaart).
    #[arg(long, env = "BAKEN_TILE_ATTRIBUTION")]
    tile_attribution: Option<String>,
    /// PDOK Locatieserver (v3.1) or a service that answers as it does, for address search;
    /// "off" keeps addresses as typed.
    #[arg(long, env = "BAKEN_GEOCODER_URL")]
    geocoder_url: Option<String>,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add an account; the password is read from standard input.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// The organisation's slug, e.g. vijfheerenlanden.
        #[arg(long)]
        org: String,
        /// A role slug (repeat for several), e.g. beheerder.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token for an account and print it once.
    Create {
        #[arg(long)]
        user: String,
        #[arg(long, default_value = "cli")]
        name: String,
        /// Days the token works.
        #[arg(long, env = "BAKEN_TOKEN_DAYS", default_value_t = platform::identity::DEFAULT_TOKEN_DAYS)]
        days: i64,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the keyed hash chain, and with --checkpoints the checkpoints written outside the
    /// database; exits non-zero naming the first broken record.
    Verify {
        /// The directory with audit-checkpoints.jsonl (e.g. the data directory's
        /// audit-checkpoints, or a copy kept elsewhere).
        #[arg(long)]
        checkpoints: Option<PathBuf>,
    },
    /// Append a checkpoint of the chain's head to the checkpoint file now.
    Checkpoint {
        /// Default: audit-checkpoints in the data directory.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
}

#[derive(Args)]
struct TermijnArgs {
    /// The rule, e.g. bezwaar, beroep, beslistermijn-bezwaar, huisverbod-einde.
    regel: String,
    /// The date the term runs from (yyyy-mm-dd).
    datum: String,
    #[arg(long)]
    json: bool,
    #[arg(long)]
    adviescommissie: bool,
    #[arg(long)]
    dagen: Option<u32>,
    #[arg(long)]
    verdaging: Option<u32>,
}

struct Settings {
    database_url: String,
    data_dir: PathBuf,
    audit_key: Option<String>,
    file: std::collections::HashMap<String, String>,
}

fn settings(common: &Common) -> anyhow::Result<Settings> {
    let file = match &common.config {
        Some(path) => baken::config::read_file(path).map_err(|e| anyhow!(e))?,
        None => Default::default(),
    };
    let data_dir = common
        .data_dir
        .clone()
        .or_else(|| file.get("data_dir").map(PathBuf::from))
        .unwrap_or_else(baken::config::default_data_dir);
    let database_url = common
        .database_url
        .clone()
        .or_else(|| file.get("database_url").cloned())
        .unwrap_or_else(|| baken::config::default_database_url(&data_dir));
    Ok(Settings {
        database_url,
        audit_key: common
            .audit_key
            .clone()
            .or_else(|| file.get("audit_key").cloned()),
        data_dir,
        file,
    })
}

/// --database-url when given, else a fresh SQLite file in a temporary directory.
fn bench_database_url(explicit_url: bool, settings: &Settings) -> anyhow::Result<String> {
    if explicit_url {
        return Ok(settings.database_url.clone());
    }
    let dir = std::env::temp_dir().join(format!("baken-bench-{}", platform::db::new_id()));
    std::fs::create_dir_all(&dir)?;
    Ok(format!("sqlite://{}", dir.join("bench.db").display()))
}

async fn open_db(s: &Settings) -> anyhow::Result<Db> {
    if let Some(path) = s.database_url.strip_prefix("sqlite:") {
        std::fs::create_dir_all(&s.data_dir).with_context(|| {
            format!(
                "kan de datamap {} niet aanmaken; kies een andere met --data-dir",
                s.data_dir.display()
            )
        })?;
        // A new database file is readable by the owner only (its WAL files follow its mode).
        let file = path.trim_start_matches("//");
        let file = file.split('?').next().unwrap_or(file);
        if !file.is_empty() && !file.starts_with(':') {
            platform::secrets::create_private_file(std::path::Path::new(file))
                .with_context(|| format!("kan het databasebestand {file} niet aanmaken"))?;
        }
    }
    let db = Db::connect(&s.database_url).await.map_err(|e| {
        anyhow!(
            "{e}. Controleer --database-url of BAKEN_DATABASE_URL (nu: {})",
            redact(&s.database_url)
        )
    })?;
    db.set_audit_key(audit_key(s)?);
    baken::prepare(&db)
        .await
        .context("de database kon niet worden voorbereid")?;
    Ok(db)
}

/// The audit chain's key: --audit-key, or the data directory's audit.key (made on first use).
fn audit_key(s: &Settings) -> anyhow::Result<platform::db::AuditKey> {
    match &s.audit_key {
        Some(hex) => audit::key_from_hex(hex.trim())
            .ok_or_else(|| anyhow!("--audit-key moet 64 hexadecimale tekens zijn")),
        None => {
            std::fs::create_dir_all(&s.data_dir).with_context(|| {
                format!("kan de datamap {} niet aanmaken", s.data_dir.display())
            })?;
            audit::load_or_create_key(&s.data_dir.join("audit.key")).map_err(|e| anyhow!("{e}"))
        }
    }
}

/// Hides a password in a database URL before printing it.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

fn main() -> ExitCode {
    let mut cli = Cli::parse();
    if cli.command.is_none() {
        // `baken` alone is `baken serve`, with serve's flags and environment variables.
        cli = Cli::parse_from(std::env::args().chain(["serve".to_string()]));
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("BAKEN_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("baken: kan niet starten: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            let chain: Vec<String> = e.chain().map(ToString::to_string).collect();
            eprintln!("baken: fout: {}", chain.join(": "));
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let settings = settings(&cli.common)?;
    let explicit_url = cli.common.database_url.is_some();
    let Some(command) = cli.command else {
        bail!("geen opdracht; zie baken --help");
    };
    match command {
        Command::Serve(args) => serve(&settings, *args).await,
        Command::Migrate => {
            let db = open_db(&settings).await?;
            println!("database bijgewerkt ({})", db.backend().name());
            Ok(ExitCode::SUCCESS)
        }
        Command::User(UserCommand::Add {
            email,
            name,
            org,
            roles,
            password_stdin,
        }) => {
            if !password_stdin {
                bail!("geef het wachtwoord via standaardinvoer met --password-stdin (nooit als argument)");
            }
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .context("kan het wachtwoord niet van standaardinvoer lezen")?;
            let password = password.trim_end_matches(['\r', '\n']).to_string();
            let roles = roles
                .iter()
                .map(|r| {
                    Role::from_slug(r).ok_or_else(|| {
                        anyhow!(
                            "onbekende rol '{r}'; kies uit: {}",
                            Role::ALL.map(|r| r.slug()).join(", ")
                        )
                    })
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let db = open_db(&settings).await?;
            let organisation = identity::organisation_by_slug(&db, &org)
                .await
                .map_err(|_| anyhow!("onbekende organisatie '{org}' (gebruik de korte naam, bijv. vijfheerenlanden)"))?;
            let mut tx = db.begin().await?;
            let id = match identity::create_user(
                &mut tx,
                &NewUser {
                    email: email.clone(),
                    name,
                    organisation_id: organisation.id,
                    roles,
                    password: Some(password),
                },
            )
            .await
            {
                Ok(id) => id,
                Err(IdentityError::Invalid(errors)) => {
                    let text: Vec<String> = errors
                        .iter()
                        .map(|e| {
                            format!("{}: {}", e.field, platform::web::i18n::t("nl", &e.message))
                        })
                        .collect();
                    bail!("account niet aangemaakt: {}", text.join("; "));
                }
                Err(e) => return Err(e.into()),
            };
            let mut entry = AuditEntry::system("cli", "create", "user");
            entry.resource_id = Some(id.clone());
            entry.subject_id = Some(id.clone());
            audit::append(&mut tx, &entry).await?;
            tx.commit().await?;
            println!("account aangemaakt: {email} ({id})");
            Ok(ExitCode::SUCCESS)
        }
        Command::Token(TokenCommand::Create { user, name, days }) => {
            if !(1..=3650).contains(&days) {
                bail!("--days moet tussen 1 en 3650 liggen");
            }
            let db = open_db(&settings).await?;
            let id = identity::user_id_by_email(&db, &user)
                .await
                .map_err(|_| anyhow!("geen account met e-mailadres '{user}'"))?;
            let token = identity::create_token_as_operator(&db, &id, &name, days).await?;
            println!("{token}");
            eprintln!("Bewaar deze sleutel nu: hij wordt niet opnieuw getoond.");
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit(AuditCommand::Checkpoint { dir }) => {
            let db = open_db(&settings).await?;
            let dir = dir.unwrap_or_else(|| settings.data_dir.join("audit-checkpoints"));
            let cp = audit::write_checkpoint(&db, &dir)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            println!(
                "controlepunt geschreven in {}: {} regels, kop {}",
                dir.display(),
                cp.seq,
                cp.hash
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit(AuditCommand::Verify { checkpoints }) => {
            let db = open_db(&settings).await?;
            let points = match &checkpoints {
                Some(dir) => match audit::read_checkpoints(db.audit_key().as_ref(), dir) {
                    Ok(points) => points,
                    Err(e) => {
                        eprintln!("baken: controlepunten onbruikbaar: {e}");
                        return Ok(ExitCode::from(3));
                    }
                },
                None => Vec::new(),
            };
            match audit::verify_against(&db, &points).await {
                Ok(n) => {
                    println!(
                        "auditlog intact: {n} regels, keten klopt{}",
                        if checkpoints.is_some() {
                            format!(" en past bij {} controlepunten", points.len())
                        } else {
                            String::new()
                        }
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(audit::VerifyError::NoKey) => {
                    eprintln!(
                        "baken: auditlog niet te controleren: {}",
                        audit::VerifyError::NoKey
                    );
                    Ok(ExitCode::from(3))
                }
                Err(audit::VerifyError::Broken { seq, reason }) => {
                    eprintln!("baken: auditlog GEBROKEN bij regel {seq}: {reason}");
                    Ok(ExitCode::from(3))
                }
                Err(e) => Err(e.into()),
            }
        }
        Command::Termijn(args) => {
            // The days designated by royal decree (art. 3 lid 3 Atw) live in the database.
            let db = open_db(&settings).await?;
            let kalender = maatregelen::kalender(&db)
                .await
                .context("de gelijkgestelde dagen konden niet worden gelezen")?;
            termijn(args, &kalender)
        }
        Command::Monitor(MonitorCommand::Farrington(args)) => {
            let text = std::fs::read_to_string(&args.input)
                .with_context(|| format!("kan {} niet lezen", args.input.display()))?;
            let params = surveillance::FarringtonParams {
                b: args.b,
                w: args.w,
                no_periods: args.no_periods,
                weights_threshold: args.weights_threshold,
                past_periods_not_included: args.past_periods_not_included,
                alpha: args.alpha,
                trend: !args.no_trend,
                limit54_cases: args.limit54_cases,
                limit54_periods: args.limit54_periods,
                ..Default::default()
            };
            let _ = args.json;
            let json = surveillance::farrington_csv(&text, &params, args.freq, args.last)
                .map_err(|e| anyhow!("{e}"))?;
            println!("{json}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Monitor(MonitorCommand::Evaluate {
            seed,
            settings: true,
            search,
            replicates,
        }) => {
            let rows = if search {
                surveillance::tuning::search(&[12, 26], replicates, seed)
            } else {
                surveillance::tuning::old_and_new(&[12, 26], replicates, seed)
            };
            println!("{}", surveillance::tuning::markdown(&rows));
            Ok(ExitCode::SUCCESS)
        }
        Command::Monitor(MonitorCommand::Evaluate { seed, .. }) => {
            let rows = surveillance::simulate::evaluate(seed);
            println!("{}", surveillance::simulate::format_table(&rows));
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(BenchCommand::Monitor {
            series,
            periods,
            seed,
        }) => {
            let r = surveillance::bench(series, periods, seed).map_err(|e| anyhow!("{e}"))?;
            println!(
                "{} series x {} periods: {} Farrington evaluations in {:.1} s on {} threads ({:.0}/s; generating the series took {:.1} s); {} alarms",
                r.series, r.periods, r.evaluations, r.total_seconds, r.threads, r.evaluations_per_second, r.generate_seconds, r.alarms
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(BenchCommand::Dossiers {
            dossiers,
            entries,
            queries,
        }) => {
            let url = bench_database_url(explicit_url, &settings)?;
            let db = Db::connect(&url).await?;
            db.set_audit_key(audit_key(&settings)?);
            baken::prepare(&db).await?;
            let r = dossiers::bench::run(&db, dossiers, entries, queries).await?;
            println!(
                "{} cases, {} entries (generated in {:.1} s) on {}; a police user sees {} cases; {} list calls: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
                r.dossiers, r.entries, r.generate_seconds, db.backend().name(), r.visible, r.queries, r.p50_ms, r.p99_ms, r.max_ms
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Seed(SeedCommand::Meldingen { count, seed }) => {
            let db = open_db(&settings).await?;
            let r = meldingen::bulk::seed(&db, count, seed).await?;
            println!(
                "{} meldingen added in {:.1} s ({:.0}/s); {} in total",
                r.written,
                r.seconds,
                r.written as f64 / r.seconds.max(1e-9),
                r.total
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(BenchCommand::Meldingen {
            count,
            seconds,
            shape_seconds,
            connections,
            seed,
        }) => {
            let url = bench_database_url(explicit_url, &settings)?;
            let db = Db::connect(&url).await?;
            db.set_audit_key(audit_key(&settings)?);
            baken::prepare(&db).await?;
            let r = baken::bench::meldingen(
                db.clone(),
                count,
                seconds,
                shape_seconds,
                connections,
                seed,
            )
            .await?;
            println!(
                "{} meldingen on {} ({} seeded now in {:.1} s); {} connections, {:.0} s per phase, {} s per shape, seed {}",
                r.seeded.total + r.create.requests as i64,
                db.backend().name(),
                r.seeded.written,
                r.seeded.seconds,
                connections,
                seconds,
                shape_seconds,
                seed
            );
            for (name, l) in [
                ("anonymous create", &r.create),
                ("list, 50 per page, 1-3 random filters", &r.list),
            ] {
                println!(
                    "{name}: {:.0} requests/s ({} requests, {} failed); p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({})",
                    l.per_second, l.requests, l.failures, l.p50_ms, l.p99_ms, l.max_ms, l.slowest
                );
            }
            println!("\n| shape | req/s | p50 ms | p99 ms | max ms | requests | failed |");
            println!("|---|---:|---:|---:|---:|---:|---:|");
            for (shape, l) in &r.shapes {
                println!(
                    "| {shape} | {:.0} | {:.1} | {:.1} | {:.1} | {} | {} |",
                    l.per_second, l.p50_ms, l.p99_ms, l.max_ms, l.requests, l.failures
                );
            }
            let worst = r
                .shapes
                .iter()
                .max_by(|a, b| a.1.p99_ms.total_cmp(&b.1.p99_ms));
            if let Some((shape, l)) = worst {
                println!(
                    "\nworst p99: {shape} {:.1} ms ({}); lowest rate: {:.0} requests/s",
                    l.p99_ms,
                    l.slowest,
                    r.shapes
                        .iter()
                        .map(|s| s.1.per_second)
                        .fold(f64::INFINITY, f64::min)
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Report(ReportCommand::Ivb { year, format, out }) => {
            if format != "html" && format != "pdf" {
                bail!("onbekend formaat '{format}': kies pdf of html");
            }
            let db = open_db(&settings).await?;
            let bytes = if format == "pdf" {
                baken::report_pdf(&db, year).await
            } else {
                beleid::report_html(&db, year)
                    .await
                    .map(String::into_bytes)
                    .map_err(baken::ReportError::from)
            };
            let bytes = match bytes {
                Ok(b) => b,
                Err(baken::ReportError::Beleid(beleid::BeleidError::NotFound)) => {
                    bail!("geen beleid met het jaar {year} in zijn looptijd")
                }
                Err(e) => return Err(e.into()),
            };
            std::fs::write(&out, bytes)
                .with_context(|| format!("kan {} niet schrijven", out.display()))?;
            println!("raadsrapportage {year} geschreven naar {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Monitor(MonitorCommand::Enquete { file }) => {
            let raw = std::fs::read(&file)
                .with_context(|| format!("kan {} niet lezen", file.display()))?;
            let db = open_db(&settings).await?;
            let by = format!(
                "cli:{}",
                std::env::var("USER").unwrap_or_else(|_| "operator".into())
            );
            match monitor::import_survey_csv(&db, &raw, &monitor::store::Actor::System(&by)).await {
                Ok(saved) => {
                    println!(
                        "enquête geïmporteerd: {} nieuw, {} gewijzigd, {} ongewijzigd",
                        saved.added, saved.changed, saved.unchanged
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(monitor::SurveyError::Refused(problems)) => Ok(refused(&problems)),
                Err(e) => Err(e.into()),
            }
        }
        Command::Monitor(MonitorCommand::Import { file, table }) => {
            let raw = std::fs::read(&file)
                .with_context(|| format!("kan {} niet lezen", file.display()))?;
            let db = open_db(&settings).await?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let by = format!(
                "cli:{}",
                std::env::var("USER").unwrap_or_else(|_| "operator".into())
            );
            let bar = ProgressBar::new();
            let outcome = monitor::import_with(
                &db,
                &name,
                &raw,
                table.as_deref(),
                &monitor::store::Actor::System(&by),
                &|done, total| bar.show(done, total),
            )
            .await;
            bar.finish();
            match outcome {
                Ok(monitor::store::ImportOutcome::Imported {
                    cells, suppressed, ..
                }) => {
                    println!("geïmporteerd: {cells} cellen ({suppressed} niet gepubliceerd) als nieuwe versie");
                    Ok(ExitCode::SUCCESS)
                }
                Ok(monitor::store::ImportOutcome::PeriodStatus {
                    table,
                    periods,
                    provisional,
                }) => {
                    println!("status van {periods} perioden van {table} bijgewerkt; {provisional} nog niet definitief");
                    Ok(ExitCode::SUCCESS)
                }
                Ok(monitor::store::ImportOutcome::Unchanged { .. }) => {
                    println!("dit bestand is al eerder geïmporteerd; niets veranderd");
                    Ok(ExitCode::SUCCESS)
                }
                Err(monitor::ImportError::Refused(problems)) => Ok(refused(&problems)),
                Err(e) => Err(e.into()),
            }
        }
    }
}

/// A progress bar on stderr for long imports, drawn only when stderr is a terminal and the file
/// is large (so scripts and logs see no control characters).
struct ProgressBar {
    on: bool,
    drawn: std::sync::atomic::AtomicBool,
}

impl ProgressBar {
    const MIN_CELLS: usize = 5_000;

    fn new() -> Self {
        use std::io::IsTerminal;
        ProgressBar {
            on: std::io::stderr().is_terminal(),
            drawn: std::sync::atomic::AtomicBool::new(false),
        }
    }

    fn show(&self, done: usize, total: usize) {
        use std::io::Write;
        if !self.on || total < Self::MIN_CELLS {
            return;
        }
        self.drawn.store(true, std::sync::atomic::Ordering::Relaxed);
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{}", monitor::model::progress_line(done, total, 40));
        let _ = err.flush();
    }

    fn finish(&self) {
        if self.drawn.load(std::sync::atomic::Ordering::Relaxed) {
            eprintln!();
        }
    }
}

fn termijn(args: TermijnArgs, kalender: &termijnen::Calendar) -> anyhow::Result<ExitCode> {
    let regel: termijnen::Regel = args.regel.parse().map_err(|e| anyhow!("{e}"))?;
    let datum = termijnen::parse_datum(&args.datum).map_err(|e| anyhow!("{e}"))?;
    let opties = termijnen::Opties {
        adviescommissie: args.adviescommissie,
        verdaging_weken: args.verdaging,
        dagen: args.dagen,
    };
    let t = termijnen::bereken_met(kalender, regel, datum, &opties).map_err(|e| anyhow!("{e}"))?;
    if args.json {
        let v = serde_json::json!({
            "regel": regel.slug(),
            "datum": t.datum.to_string(),
            "uitleg": t.uitleg,
            "grondslag": t.grondslag,
            "atw_van_toepassing": t.atw_van_toepassing,
        });
        println!("{v}");
    } else {
        println!("{}", t.datum);
        println!("{}", t.uitleg);
        println!("Grondslag: {}", t.grondslag);
    }
    Ok(ExitCode::SUCCESS)
}

async fn serve(settings: &Settings, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let file = &settings.file;
    let bind = args
        .bind
        .or_else(|| file.get("bind").cloned())
        .unwrap_or_else(|| "127.0.0.1:8080".to_string());
    let idle = match args.session_idle_minutes {
        Some(m) => Some(m),
        None => file
            .get("session_idle_minutes")
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| anyhow!("session_idle_minutes moet een geheel getal zijn"))
            })
            .transpose()?,
    };
    let trusted_proxies = args
        .trusted_proxies
        .iter()
        .filter(|a| !a.trim().is_empty())
        .map(|a| {
            a.trim().parse::<std::net::IpAddr>().map_err(|_| {
                anyhow!("--trusted-proxies: \"{a}\" is geen IP-adres (bijvoorbeeld 10.0.0.1)")
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut options = baken::ServerOptions {
        public_rate_limit: args.public_rate_limit,
        trusted_proxies,
        ..Default::default()
    };
    if let Some(m) = idle {
        if !(1..=1440).contains(&m) {
            bail!("--session-idle-minutes moet tussen 1 en 1440 liggen");
        }
        options.session.idle_ms = m * 60_000;
    }
    let token_days = match args.token_days {
        Some(d) => Some(d),
        None => file
            .get("token_days")
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| anyhow!("token_days moet een geheel getal zijn"))
            })
            .transpose()?,
    };
    if let Some(d) = token_days {
        if !(1..=3650).contains(&d) {
            bail!("--token-days moet tussen 1 en 3650 liggen");
        }
        options.session.token_days = d;
    }
    options.public_url = Some(
        args.public_url
            .or_else(|| file.get("public_url").cloned())
            .unwrap_or_else(|| format!("http://{bind}")),
    );
    if let Some(url) = args.tile_url.or_else(|| file.get("tile_url").cloned()) {
        if !url.contains("{z}") || !url.contains("{x}") || !url.contains("{y}") {
            bail!("--tile-url moet {{z}}, {{x}} en {{y}} bevatten, bijvoorbeeld https://tegels.example.nl/{{z}}/{{x}}/{{y}}.png");
        }
        if url.contains("://") && platform::web::origin_of(&url).is_none() {
            bail!("--tile-url: \"{url}\" is geen geldige http(s)-URL");
        }
        // Another source asks its own attribution; without one, none is claimed for it.
        options.map_tiles = platform::web::MapTiles {
            url,
            attribution: String::new(),
        };
    }
    if let Some(a) = args
        .tile_attribution
        .or_else(|| file.get("tile_attribution").cloned())
    {
        options.map_tiles.attribution = a;
    }
    options.geocoder_url = match args
        .geocoder_url
        .or_else(|| file.get("geocoder_url").cloned())
    {
        Some(u) if u.trim() == "off" => None,
        Some(u) => Some(u.trim().to_string()),
        None => Some(meldingen::geocoder::PDOK_LOCATIESERVER.to_string()),
    };
    let smtp_host = args.smtp_host.or_else(|| file.get("smtp_host").cloned());
    if let Some(host) = smtp_host {
        let tls: platform::mail::SmtpTls = args
            .smtp_tls
            .or_else(|| file.get("smtp_tls").cloned())
            .map(|t| t.parse().map_err(|e: String| anyhow!("--smtp-tls: {e}")))
            .transpose()?
            .unwrap_or_default();
        let port = match args.smtp_port {
            Some(p) => p,
            None => file
                .get("smtp_port")
                .map(|p| {
                    p.parse::<u16>()
                        .map_err(|_| anyhow!("smtp_port moet een poortnummer zijn"))
                })
                .transpose()?
                .unwrap_or(match tls {
                    platform::mail::SmtpTls::None => 25,
                    platform::mail::SmtpTls::StartTls => 587,
                    platform::mail::SmtpTls::Tls => 465,
                }),
        };
        let from = args
            .mail_from
            .or_else(|| file.get("mail_from").cloned())
            .unwrap_or_else(|| "baken@localhost.localdomain".into());
        let smtp = platform::mail::SmtpConfig {
            host,
            port,
            from,
            tls,
            ca_file: args
                .smtp_ca_file
                .or_else(|| file.get("smtp_ca_file").map(Into::into)),
        };
        // A CA file that cannot be read stops the start, not every mail later.
        smtp.tls_parameters().map_err(|e| anyhow!(e))?;
        options.smtp = Some(smtp);
    }
    let addr: std::net::SocketAddr = bind.parse().map_err(|_| {
        anyhow!("'{bind}' is geen geldig adres; gebruik bijvoorbeeld --bind 127.0.0.1:8080")
    })?;
    // Bind before touching the database, so a taken port fails fast and changes nothing.
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            anyhow!("poort {addr} is al in gebruik; kies een ander adres met --bind of BAKEN_BIND")
        } else {
            anyhow!("kan niet luisteren op {addr}: {e}")
        }
    })?;
    // After binding, so a taken port fails fast and changes nothing.
    let data_key = match args.data_key.or_else(|| file.get("data_key").cloned()) {
        Some(hex) => platform::secrets::DataKey::from_hex(&hex).map_err(|e| anyhow!("{e}"))?,
        None => {
            std::fs::create_dir_all(&settings.data_dir).with_context(|| {
                format!(
                    "kan de datamap {} niet aanmaken; kies een andere met --data-dir",
                    settings.data_dir.display()
                )
            })?;
            platform::secrets::DataKey::load_or_create(&settings.data_dir.join("data.key"))
                .map_err(|e| anyhow!("{e}"))?
        }
    };
    options.data_key = Some(data_key);
    let minutes = args
        .audit_checkpoint_minutes
        .or_else(|| {
            file.get("audit_checkpoint_minutes")
                .and_then(|m| m.parse().ok())
        })
        .unwrap_or(60)
        .max(1);
    let mail_to = args
        .audit_checkpoint_mail
        .or_else(|| file.get("audit_checkpoint_mail").cloned());
    if let Some(to) = &mail_to {
        if !platform::mail::valid_address(to) {
            bail!("--audit-checkpoint-mail: '{to}' is geen geldig e-mailadres");
        }
    }
    options.audit_checkpoints = Some(baken::AuditCheckpointing {
        dir: args
            .audit_checkpoints
            .or_else(|| file.get("audit_checkpoints").map(PathBuf::from))
            .unwrap_or_else(|| settings.data_dir.join("audit-checkpoints")),
        every: std::time::Duration::from_secs(minutes * 60),
        mail_to,
    });
    let db = open_db(settings).await?;
    let local = listener.local_addr()?;
    println!(
        "Baken {} draait op http://{local}/ (database: {})",
        env!("CARGO_PKG_VERSION"),
        db.backend().name()
    );
    if args.demo {
        baken::seed_demo(&db).await?;
        monitor::seed_demo(&db).await?;
        let accounts = platform::seed::demo(&db).await?;
        println!(
            "Demo-accounts (fictieve personen; tweestapsverificatie met het getoonde TOTP-geheim):"
        );
        for a in accounts {
            println!(
                "  demo-account email={} role={} password={} totp={}",
                a.email,
                a.role.slug(),
                a.password,
                a.totp_secret.as_deref().unwrap_or("-")
            );
        }
        baken::seed_demo_cases(&db, options.data_key.as_ref()).await?;
    }
    // TOTP secrets stored in clear (before they were sealed, or by the demo) are sealed now.
    if let Some(key) = &options.data_key {
        let sealed = identity::seal_stored_secrets(&db, key).await?;
        if sealed > 0 {
            tracing::info!(sealed, "TOTP secrets sealed with the data key");
        }
    }
    baken::spawn_background(db.clone(), &options);
    let app = baken::app(db.clone(), &options);
    baken::serve(listener, app).await?;
    db.close().await;
    Ok(ExitCode::SUCCESS)
}

/// Reports a file refused as a whole: the first reasons with their lines; exit code 2.
fn refused(problems: &[monitor::model::ImportProblem]) -> ExitCode {
    eprintln!(
        "baken: bestand geweigerd, niets geïmporteerd ({} fouten):",
        problems.len()
    );
    for p in problems.iter().take(50) {
        eprintln!("  regel {}: {}", p.line, p.reason);
    }
    ExitCode::from(2)
}
