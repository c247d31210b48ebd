//! `baken bench meldingen`: the real server on a local port, loaded over HTTP/1.1 keep-alive
//! connections from the same process (so the load generator shares the 2 cores with the server
//! and the database: the figures are conservative). Two phases: anonymous public submissions,
//! then back-office list pages with two filters over the seeded meldingen.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context};
use platform::access::Role;
use platform::db::Db;
use platform::identity::{self, NewUser};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufStream};
use tokio::net::TcpStream;

use crate::ServerOptions;

#[derive(Clone, Debug)]
pub struct Load {
    pub requests: usize,
    pub failures: usize,
    pub seconds: f64,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// The request line of the slowest request, to look into outliers.
    pub slowest: String,
}

#[derive(Clone, Debug)]
pub struct MeldingenBench {
    pub seeded: meldingen::bulk::Seeded,
    pub create: Load,
    pub list: Load,
}

/// One HTTP/1.1 exchange on a kept-alive connection: the status code.
async fn exchange(conn: &mut BufStream<TcpStream>, request: &[u8]) -> anyhow::Result<u16> {
    conn.write_all(request).await?;
    conn.flush().await?;
    let mut line = String::new();
    conn.read_line(&mut line).await?;
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| anyhow!("no HTTP status line: {line:?}"))?;
    let mut length = 0usize;
    loop {
        line.clear();
        if conn.read_line(&mut line).await? == 0 {
            bail!("connection closed in the headers");
        }
        if line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse()?;
            }
        }
    }
    let mut body = vec![0; length];
    conn.read_exact(&mut body).await?;
    Ok(status)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Runs `requests` (cycled) from `connections` connections for `seconds`; `expect` is the
/// status a request must get to count as a success.
async fn load(
    addr: std::net::SocketAddr,
    requests: Arc<Vec<Vec<u8>>>,
    connections: usize,
    seconds: f64,
    expect: u16,
) -> anyhow::Result<Load> {
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(seconds);
    let mut tasks = Vec::new();
    for c in 0..connections {
        let requests = requests.clone();
        tasks.push(tokio::spawn(async move {
            let mut conn = BufStream::new(TcpStream::connect(addr).await?);
            let mut latencies = Vec::new();
            let mut failures = 0usize;
            let mut slowest = (0.0, 0usize);
            let mut i = c;
            while Instant::now() < deadline {
                let t = Instant::now();
                let status = exchange(&mut conn, &requests[i % requests.len()]).await?;
                let ms = t.elapsed().as_secs_f64() * 1000.0;
                if ms > slowest.0 {
                    slowest = (ms, i % requests.len());
                }
                latencies.push(ms);
                if status != expect {
                    failures += 1;
                }
                i += connections;
            }
            anyhow::Ok((latencies, failures, slowest))
        }));
    }
    let mut latencies = Vec::new();
    let mut failures = 0;
    let mut slowest = (0.0, 0usize);
    for t in tasks {
        let (l, f, s) = t.await??;
        latencies.extend(l);
        failures += f;
        if s.0 > slowest.0 {
            slowest = s;
        }
    }
    let slowest = String::from_utf8_lossy(&requests[slowest.1])
        .lines()
        .next()
        .unwrap_or("")
        .to_string();
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_by(f64::total_cmp);
    Ok(Load {
        requests: latencies.len(),
        failures,
        seconds: elapsed,
        per_second: latencies.len() as f64 / elapsed,
        p50_ms: percentile(&latencies, 0.5),
        p99_ms: percentile(&latencies, 0.99),
        max_ms: latencies.last().copied().unwrap_or(0.0),
        slowest,
    })
}

fn post_json(path: &str, body: &str) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn get_with_token(path: &str, token: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n\r\n")
        .into_bytes()
}

/// Seeds up to `count` meldingen (re-using what an earlier run left), then measures.
pub async fn meldingen(
    db: Db,
    count: usize,
    seconds: f64,
    connections: usize,
) -> anyhow::Result<MeldingenBench> {
    let existing: i64 = meldingen::store::count_all(&db).await?;
    let missing = count.saturating_sub(usize::try_from(existing).unwrap_or(0));
    let seeded = meldingen::bulk::seed(&db, missing, existing as u64 + 1).await?;
    db.analyze().await?;

    let org = identity::organisation_by_slug(&db, platform::seed::GEMEENTE).await?;
    let email = format!("bench-{}@example.nl", platform::db::new_id());
    let mut tx = db.begin().await?;
    let user_id = identity::create_user(
        &mut tx,
        &NewUser {
            email,
            name: "Benchmark".into(),
            organisation_id: org.id,
            roles: vec![Role::AdviseurIv],
            password: Some(platform::secrets::random_token()),
        },
    )
    .await?;
    tx.commit().await?;
    let token =
        identity::create_token_as_operator(&db, &user_id, "bench", identity::DEFAULT_TOKEN_DAYS)
            .await?;

    let app = crate::app(
        db.clone(),
        &ServerOptions {
            public_rate_limit: 0,
            ..ServerOptions::default()
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
    });

    let mut rng = StdRng::seed_from_u64(2026);
    let creates: Vec<Vec<u8>> = (0..1000)
        .map(|_| {
            post_json(
                "/api/v1/public/meldingen",
                &meldingen::bulk::public_body(&mut rng).to_string(),
            )
        })
        .collect();
    let create = load(addr, Arc::new(creates), connections, seconds, 201)
        .await
        .context("anonymous create")?;

    let cats = meldingen::store::categories(&db).await?;
    let wijken = monitor::areas::wijken();
    if cats.is_empty() || wijken.is_empty() {
        bail!("no active categories or no wijken to filter on");
    }
    let lists: Vec<Vec<u8>> = (0..1000)
        .map(|i| {
            let page = rng.gen_range(1..=10);
            let cat = &cats[rng.gen_range(0..cats.len())];
            let wijk = &wijken[rng.gen_range(0..wijken.len())].code;
            let filters = match i % 4 {
                0 => format!("status=in-behandeling&categorie={}", cat.slug),
                1 => format!("wijk={wijk}&status=afgehandeld"),
                2 => "team=handhaving&status=gemeld".to_string(),
                _ => format!("thema={}&status=afgehandeld", cat.thema),
            };
            get_with_token(
                &format!("/api/v1/meldingen?{filters}&per_page=50&page={page}"),
                &token,
            )
        })
        .collect();
    let list = load(addr, Arc::new(lists), connections, seconds, 200)
        .await
        .context("back-office list")?;
    server.abort();
    Ok(MeldingenBench {
        seeded,
        create,
        list,
    })
}
