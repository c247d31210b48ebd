//! `baken bench meldingen`: the real server on a local port, loaded over HTTP/1.1 keep-alive
//! connections from the same process (so the load generator shares the 2 cores with the server
//! and the database: the figures are conservative). Two phases: anonymous public submissions,
//! then back-office list pages over the seeded meldingen: a mix of random filter combinations,
//! then every shape of one to three filters (status, categorie, thema, wijk, buurt, team,
//! behandelaar, date range, full text) on its own, each with random values, sorts and pages.

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
    /// Random shapes, values, sorts and pages mixed.
    pub list: Load,
    /// Per shape of filters (e.g. `categorie+wijk`), every shape of one to three filters.
    pub shapes: Vec<(String, Load)>,
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
    shape_seconds: f64,
    connections: usize,
    seed: u64,
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
    // The account reads personal data, so its token only works with two-factor enrolled.
    identity::set_totp_secret_unchecked(&mut tx, &user_id, &platform::secrets::new_totp_secret())
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

    let mut rng = StdRng::seed_from_u64(seed);
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

    let domains = Domains::read(&db).await?;
    let mut rng = StdRng::seed_from_u64(seed);
    // The mixed phase: shapes and values drawn at random, as users would.
    let mixed: Vec<Vec<u8>> = (0..2000)
        .map(|_| {
            let k = rng.gen_range(1..=3);
            let dims = rand::seq::index::sample(&mut rng, DIMENSIONS.len(), k).into_vec();
            get_with_token(&domains.request(&mut rng, &dims), &token)
        })
        .collect();
    let list = load(addr, Arc::new(mixed), connections, seconds, 200)
        .await
        .context("back-office list")?;
    // Then every shape of one to three filters on its own, with random values, sorts and pages.
    let mut shapes = Vec::new();
    for dims in shapes_up_to(3) {
        let name = dims
            .iter()
            .map(|d| DIMENSIONS[*d])
            .collect::<Vec<_>>()
            .join("+");
        let requests: Vec<Vec<u8>> = (0..200)
            .map(|_| get_with_token(&domains.request(&mut rng, &dims), &token))
            .collect();
        let l = load(addr, Arc::new(requests), connections, shape_seconds, 200)
            .await
            .with_context(|| format!("list {name}"))?;
        shapes.push((name, l));
    }
    server.abort();
    Ok(MeldingenBench {
        seeded,
        create,
        list,
        shapes,
    })
}

/// The filters a user can combine in the work queue.
pub const DIMENSIONS: [&str; 9] = [
    "status",
    "categorie",
    "thema",
    "wijk",
    "buurt",
    "team",
    "behandelaar",
    "datum",
    "q",
];

/// Every set of one to `max` dimensions (indexes into [`DIMENSIONS`], ascending).
pub fn shapes_up_to(max: usize) -> Vec<Vec<usize>> {
    let n = DIMENSIONS.len();
    let mut out = Vec::new();
    for mask in 1u32..(1 << n) {
        if mask.count_ones() as usize <= max {
            out.push((0..n).filter(|i| mask & (1 << i) != 0).collect());
        }
    }
    out.sort_by_key(|d: &Vec<usize>| (d.len(), d.clone()));
    out
}

/// The values each filter can take, read from the data (and the gemeente's areas).
struct Domains {
    categories: Vec<String>,
    themes: Vec<String>,
    teams: Vec<String>,
    wijken: Vec<String>,
    buurten: Vec<String>,
    words: Vec<&'static str>,
    today: jiff::civil::Date,
}

impl Domains {
    async fn read(db: &Db) -> anyhow::Result<Domains> {
        let cats = meldingen::store::categories(db).await?;
        let mut themes: Vec<String> = cats.iter().map(|c| c.thema.clone()).collect();
        themes.sort();
        themes.dedup();
        let mut teams: Vec<String> = meldingen::store::teams(db)
            .await?
            .into_iter()
            .map(|t| t.slug)
            .collect();
        teams.push("geen".into());
        let d = Domains {
            categories: cats.into_iter().map(|c| c.slug).collect(),
            themes,
            teams,
            wijken: monitor::areas::wijken()
                .iter()
                .map(|a| a.code.clone())
                .collect(),
            buurten: monitor::areas::buurten()
                .iter()
                .map(|a| a.code.clone())
                .collect(),
            words: meldingen::bulk::search_words(),
            today: platform::db::today_nl(),
        };
        if d.categories.is_empty() || d.wijken.is_empty() || d.buurten.is_empty() {
            bail!("no active categories or no areas to filter on");
        }
        Ok(d)
    }

    /// A list request with the given dimensions, random values, a random sort and a page the
    /// pager links to (it reaches 20 pages ahead).
    fn request(&self, rng: &mut StdRng, dims: &[usize]) -> String {
        fn pick<'a>(rng: &mut StdRng, v: &'a [String]) -> &'a str {
            &v[rng.gen_range(0..v.len())]
        }
        let mut q = Vec::new();
        for d in dims {
            match DIMENSIONS[*d] {
                "status" => {
                    let all = meldingen::model::Status::ALL;
                    q.push(format!(
                        "status={}",
                        all[rng.gen_range(0..all.len())].slug()
                    ));
                }
                "categorie" => q.push(format!("categorie={}", pick(rng, &self.categories))),
                "thema" => q.push(format!("thema={}", pick(rng, &self.themes))),
                "wijk" => q.push(format!("wijk={}", pick(rng, &self.wijken))),
                "buurt" => q.push(format!("buurt={}", pick(rng, &self.buurten))),
                "team" => q.push(format!("team={}", pick(rng, &self.teams))),
                "behandelaar" => q.push(format!(
                    "behandelaar={}",
                    ["mij", "geen"][rng.gen_range(0..2)]
                )),
                "datum" => {
                    // A range of a day to a year within the three years of data, or one end open.
                    let start = self
                        .today
                        .checked_sub(jiff::Span::new().days(rng.gen_range(1..3 * 365)))
                        .unwrap_or(self.today);
                    let end = start
                        .checked_add(jiff::Span::new().days(rng.gen_range(0..365)))
                        .unwrap_or(start);
                    match rng.gen_range(0..4) {
                        0 => q.push(format!("van={start}")),
                        1 => q.push(format!("tot={end}")),
                        _ => q.push(format!("van={start}&tot={end}")),
                    }
                }
                _ => {
                    let w = self.words[rng.gen_range(0..self.words.len())];
                    q.push(format!("q={w}"));
                }
            }
        }
        let sort = ["nieuwste", "oudste", "termijn", "nummer"][rng.gen_range(0..4)];
        let page = if rng.gen_bool(0.5) {
            1
        } else {
            rng.gen_range(2..=20)
        };
        format!(
            "/api/v1/meldingen?{}&sorteer={sort}&per_page=50&page={page}",
            q.join("&")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_of_one_to_three_filters() {
        let shapes = shapes_up_to(3);
        assert_eq!(shapes.len(), 9 + 36 + 84);
        assert_eq!(shapes[0], vec![0]);
        assert!(shapes.iter().all(|s| s.windows(2).all(|w| w[0] < w[1])));
    }
}
