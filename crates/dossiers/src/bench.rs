//! The benchmark of a partner's case list: generated cases and entries in bulk, then the list
//! as a partner user opens it (decision, SQL filter on participations and covenants, audit
//! record), timed per call. Figures for the issue notes, never a timed test.

use std::time::Instant;

use platform::access::{self, Action, Principal, Purpose, RequestContext, Role};
use platform::db::{new_id, now_ms, Db};

use crate::access::Dossierlijst;
use crate::model::Categorie;
use crate::store::{self, StoreError};

pub struct BenchResult {
    pub dossiers: usize,
    pub entries: usize,
    pub visible: i64,
    pub queries: usize,
    pub generate_seconds: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// A value of a generated row: text or a number (PostgreSQL does not cast text to BIGINT).
enum V {
    S(String),
    I(i64),
}

impl From<String> for V {
    fn from(s: String) -> Self {
        V::S(s)
    }
}

impl From<&str> for V {
    fn from(s: &str) -> Self {
        V::S(s.to_string())
    }
}

impl From<&String> for V {
    fn from(s: &String) -> Self {
        V::S(s.clone())
    }
}

impl From<i64> for V {
    fn from(i: i64) -> Self {
        V::I(i)
    }
}

type Rows = Vec<Vec<V>>;

async fn bulk(db: &Db, table: &str, cols: &[&str], rows: &[Vec<V>]) -> Result<(), StoreError> {
    for chunk in rows.chunks(500) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", cols.join(", "));
        let mut n = 0;
        for (i, _) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            let marks: Vec<String> = cols
                .iter()
                .map(|_| {
                    n += 1;
                    format!("${n}")
                })
                .collect();
            sql.push('(');
            sql.push_str(&marks.join(", "));
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for row in chunk {
            for v in row {
                q = match v {
                    V::S(s) => q.bind(s.as_str()),
                    V::I(i) => q.bind(*i),
                };
            }
        }
        let mut tx = db.begin().await?;
        q.execute(&mut *tx.conn()?).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// Generates `dossiers` cases with `entries` entries in all, shared with the police in one case
/// of three under a valid covenant, and times `queries` list calls of a police user.
pub async fn run(
    db: &Db,
    dossiers: usize,
    entries: usize,
    queries: usize,
) -> Result<BenchResult, StoreError> {
    let started = Instant::now();
    let gemeente = new_id();
    let team = new_id();
    let politie = new_id();
    let ggd = new_id();
    let today = store::vandaag();
    let cov = new_id();
    sqlx::query("INSERT INTO dossiers_convenant (id, naam, doelen, zaaktypen, geldig_van, geldig_tot, created_by, created_at) VALUES ($1, 'bench', '', 'pga,nazorg', $2, $3, 'bench', 0)")
        .bind(&cov)
        .bind(today.saturating_sub(jiff::Span::new().days(30)).to_string())
        .bind(today.saturating_add(jiff::Span::new().days(300)).to_string())
        .execute(db.pool())
        .await?;
    let doel = format!("{cov}-doel-1");
    sqlx::query("INSERT INTO dossiers_convenant_doel (id, convenant_id, omschrijving, positie) VALUES ($1, $2, 'bench', 0)")
        .bind(&doel)
        .bind(&cov)
        .execute(db.pool())
        .await?;
    for (org, cats) in [
        (&politie, "basisgegevens,strafrechtelijk"),
        (&ggd, "basisgegevens,zorg-welzijn"),
    ] {
        sqlx::query("INSERT INTO dossiers_convenant_partij (convenant_id, organisation_id, ontvangen, verstrekken) VALUES ($1, $2, $3, '')")
            .bind(&cov)
            .bind(org)
            .bind(cats)
            .execute(db.pool())
            .await?;
    }
    let now = now_ms();
    let per_case = entries.div_ceil(dossiers.max(1));
    let mut cases = Vec::new();
    let mut parts = Vec::new();
    let mut items = Vec::new();
    let mut written = 0usize;
    for i in 0..dossiers {
        let id = new_id();
        let t = now - i as i64 * 1000;
        cases.push(vec![
            V::from(&id),
            format!("B-{i:07}").into(),
            (if i % 2 == 0 { "pga" } else { "nazorg" }).into(),
            "bench".into(),
            V::from(&gemeente),
            V::from(&team),
            "team".into(),
            "uitvoering".into(),
            1.into(),
            "niet-uitgenodigd".into(),
            0.into(),
            "bench".into(),
            t.into(),
            t.into(),
        ]);
        let org = if i % 3 == 0 { &politie } else { &ggd };
        let zaaktype = if i % 2 == 0 { "pga" } else { "nazorg" };
        parts.push(vec![
            new_id().into(),
            V::from(&id),
            org.into(),
            V::from(&cov),
            zaaktype.into(),
            "bench".into(),
            V::from(&doel),
            0.into(),
            "bench".into(),
        ]);
        for k in 0..per_case {
            if written == entries {
                break;
            }
            written += 1;
            let cat = Categorie::ALL[k % Categorie::ALL.len()].slug();
            items.push(vec![
                new_id().into(),
                V::from(&id),
                "notitie".into(),
                cat.into(),
                format!("bench {k}").into(),
                "".into(),
                "bench".into(),
                "bench".into(),
                V::from(&gemeente),
                now.into(),
            ]);
        }
        if cases.len() == 2000 {
            flush(db, &mut cases, &mut parts, &mut items).await?;
        }
    }
    flush(db, &mut cases, &mut parts, &mut items).await?;
    db.analyze().await?;
    let generate_seconds = started.elapsed().as_secs_f64();

    let p = Principal::system(
        "bench",
        &platform::identity::Organisation {
            id: politie,
            slug: "bench-politie".into(),
            name: "Bench politie".into(),
            kind: "partner".into(),
        },
        vec![Role::Ketenpartner],
    );
    let ctx = RequestContext::new("cli");
    let mut times = Vec::with_capacity(queries);
    let mut visible = 0;
    for q in 0..queries {
        let t = Instant::now();
        let auth = access::authorize(
            db,
            &ctx,
            &p,
            Action::List,
            Dossierlijst,
            Purpose::Uitvoering,
        )
        .await?;
        let page = 1 + (q % 20) as i64;
        let (rows, total) = store::list(db, &auth, &store::Filter::default(), page).await?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        visible = total;
        if rows.is_empty() && total > 0 && page == 1 {
            return Err(StoreError::Refused("the list came back empty".into()));
        }
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| {
        times
            .get(((times.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    Ok(BenchResult {
        dossiers,
        entries: written,
        visible,
        queries,
        generate_seconds,
        p50_ms: at(0.5),
        p99_ms: at(0.99),
        max_ms: times.last().copied().unwrap_or(0.0),
    })
}

async fn flush(
    db: &Db,
    cases: &mut Rows,
    parts: &mut Rows,
    items: &mut Rows,
) -> Result<(), StoreError> {
    bulk(
        db,
        "dossiers_dossier",
        &[
            "id",
            "nummer",
            "zaaktype",
            "titel",
            "regie_organisation_id",
            "regie_team_id",
            "herkomst",
            "fase",
            "ave_fase",
            "inwoner",
            "legal_hold",
            "created_by",
            "created_at",
            "updated_at",
        ],
        cases,
    )
    .await?;
    bulk(
        db,
        "dossiers_deelname",
        &[
            "id",
            "dossier_id",
            "organisation_id",
            "convenant_id",
            "zaaktype",
            "doel",
            "doel_id",
            "gestart_at",
            "gestart_door",
        ],
        parts,
    )
    .await?;
    bulk(
        db,
        "dossiers_item",
        &[
            "id",
            "dossier_id",
            "soort",
            "categorie",
            "titel",
            "tekst",
            "created_by",
            "created_by_name",
            "created_by_organisation_id",
            "created_at",
        ],
        items,
    )
    .await?;
    cases.clear();
    parts.clear();
    items.clear();
    Ok(())
}
