//! `baken seed meldingen --count N`: many realistic, fictitious meldingen spread over the wijken
//! and buurten of GM1961 and the last three years, written hundreds of rows per statement, for
//! benchmarks and load tests. Everything is made up: the texts come from a list, e-mail
//! addresses are on example.nl, addresses are street names with made-up numbers.

use std::time::Instant;

use platform::db::{new_id, now_ms, BindF64, Db, Tx};
use platform::search::NewDocument;
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};
use sqlx::Row;
use termijnen::Calendar;

use crate::model::{self, RouteInput, Status};
use crate::store::{self, StoreError};

const DESCRIPTIONS: &[(&str, &[&str])] = &[
    (
        "verdacht-pand",
        &[
            "Sterke hennepgeur bij de schuur achter het erf, 's nachts komen er busjes.",
            "Ramen van de loods zijn afgeplakt en er staat altijd een aggregaat te draaien.",
            "Veel komen en gaan bij een bedrijfspand dat leeg zou staan.",
        ],
    ),
    (
        "drugsoverlast",
        &[
            "Dealen bij het bushokje, elke middag rond vier uur.",
            "Lachgascilinders in de berm en auto's met draaiende motor.",
            "Steeds dezelfde scooter die kort stopt bij de speeltuin.",
        ],
    ),
    (
        "woonoverlast",
        &[
            "Harde muziek tot diep in de nacht, al weken achter elkaar.",
            "Bovenburen schreeuwen en slaan deuren dicht, ook overdag.",
            "Afval in de tuin trekt ratten aan, bewoner reageert niet.",
        ],
    ),
    (
        "jeugdoverlast",
        &[
            "Groep jongeren op het schoolplein na tienen, vuurwerk en geschreeuw.",
            "Jongeren bekladden de muur van het buurthuis.",
            "Brommers scheuren over het fietspad langs de Lek.",
        ],
    ),
    (
        "horeca",
        &[
            "Na sluitingstijd nog veel lawaai van bezoekers op het terras.",
            "Vechtpartij bij de uitgang van het café in de nacht van zaterdag.",
        ],
    ),
    (
        "online-fraude",
        &[
            "Nepwebwinkel met een adres in onze gemeente, geld betaald en niets ontvangen.",
            "Whatsapp-bericht van 'mijn zoon' die dringend geld nodig had.",
        ],
    ),
    (
        "zorg-persoon",
        &[
            "Oudere buurman lijkt verward en loopt 's nachts buiten rond.",
            "Bewoner verwaarloost zich en de woning, post stapelt zich op.",
        ],
    ),
    (
        "radicalisering",
        &["Zorgen over een jongere die steeds extremere filmpjes deelt."],
    ),
    (
        "overig",
        &[
            "Losliggende stoeptegels bij de school, gevaarlijk voor ouderen.",
            "Verlaten auto zonder kenteken staat al weken op dezelfde plek.",
        ],
    ),
];

const STREETS: &[(&str, &str, &str)] = &[
    ("Voorstraat", "4132 AP", "Vianen"),
    ("Lingedijk", "4142 LD", "Leerdam"),
    ("Kerkstraat", "4145 AL", "Schoonrewoerd"),
    ("Dorpsstraat", "4126 RG", "Hagestein"),
    ("Lekdijk", "4121 KE", "Everdingen"),
    ("Hoogstraat", "4241 BN", "Zijderveld"),
];

/// Words of the seeded texts (five letters or more, lower case, each once), for full-text
/// searches in benchmarks.
pub fn search_words() -> Vec<&'static str> {
    let mut words: Vec<&'static str> = DESCRIPTIONS
        .iter()
        .flat_map(|(_, texts)| texts.iter())
        .flat_map(|t| t.split(|c: char| !c.is_alphabetic()))
        .filter(|w| w.chars().count() >= 5 && w.chars().all(|c| c.is_ascii_lowercase()))
        .collect();
    words.sort_unstable();
    words.dedup();
    words
}

/// What a bulk seed wrote.
#[derive(Clone, Debug)]
pub struct Seeded {
    pub written: usize,
    pub total: i64,
    pub seconds: f64,
}

const BATCH: usize = 500;
const YEAR_MS: i64 = 365 * 24 * 3600 * 1000;

fn random_point(rng: &mut StdRng) -> Option<(f64, f64, String, Option<String>)> {
    let buurten = monitor::areas::buurten();
    if buurten.is_empty() {
        return None;
    }
    let area = &buurten[rng.gen_range(0..buurten.len())];
    let (x0, y0, x1, y1) = area.bbox;
    for _ in 0..40 {
        let lon = rng.gen_range(x0..=x1);
        let lat = rng.gen_range(y0..=y1);
        if let Some(p) = monitor::areas::locate(lon, lat) {
            return Some((lat, lon, p.wijk_code, p.buurt_code));
        }
    }
    None
}

/// A JSON body for `POST /api/v1/public/meldingen`, as a resident's phone would send it: a
/// category, a text, a point in the gemeente (or an address), anonymous or with an e-mail.
pub fn public_body(rng: &mut StdRng) -> serde_json::Value {
    let (slug, texts) = DESCRIPTIONS[rng.gen_range(0..DESCRIPTIONS.len())];
    let omschrijving = texts[rng.gen_range(0..texts.len())];
    let locatie = match random_point(rng) {
        Some((lat, lon, _, _)) => serde_json::json!({ "lat": lat, "lon": lon }),
        None => serde_json::json!({ "adres": "Voorstraat 1, 4132 AP Vianen" }),
    };
    let mut body = serde_json::json!({
        "categorie": slug,
        "omschrijving": omschrijving,
        "locatie": locatie,
        "anoniem": true,
    });
    if rng.gen_bool(0.4) {
        body["anoniem"] = false.into();
        body["email"] = format!("melder{}@example.nl", rng.gen_range(1..100_000)).into();
    }
    body
}

/// Adds `count` fictitious meldingen (deterministic for a given `seed`).
pub async fn seed(db: &Db, count: usize, seed: u64) -> Result<Seeded, StoreError> {
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(seed);
    let cats = store::categories(db).await?;
    if cats.is_empty() {
        // Every category switched off: there is nothing to report about.
        return Err(StoreError::NotFound);
    }
    let cal = Calendar::new();
    let rules = store::routing_rules(db).await?;
    // A bulk load, not run beside live submissions: numbers simply continue from the highest.
    let mut nummer: i64 = sqlx::query("SELECT COALESCE(MAX(nummer), 0) AS n FROM melding")
        .fetch_one(db.pool())
        .await?
        .try_get("n")?;
    let now = now_ms();
    let mut written = 0;
    while written < count {
        let n = BATCH.min(count - written);
        let mut rows = Vec::with_capacity(n);
        for _ in 0..n {
            nummer += 1;
            let cat = &cats[rng.gen_range(0..cats.len())];
            let texts = DESCRIPTIONS
                .iter()
                .find(|(slug, _)| *slug == cat.slug)
                .map(|(_, t)| *t)
                .unwrap_or(&["Melding zonder nadere omschrijving."]);
            let omschrijving = texts[rng.gen_range(0..texts.len())].to_string();
            let created = now - rng.gen_range(0..3 * YEAR_MS);
            let received = platform::db::date_nl(created);
            let age_days = (now - created) / (24 * 3600 * 1000);
            let roll: f64 = rng.gen();
            let status = if age_days > 60 {
                match roll {
                    r if r < 0.92 => Status::Afgehandeld,
                    r if r < 0.97 => Status::Geannuleerd,
                    _ => Status::InBehandeling,
                }
            } else {
                match roll {
                    r if r < 0.3 => Status::Gemeld,
                    r if r < 0.7 => Status::InBehandeling,
                    r if r < 0.75 => Status::WachtOpMelder,
                    _ => Status::Afgehandeld,
                }
            };
            let place_roll: f64 = rng.gen();
            let (adres, point) = if place_roll < 0.8 {
                (None, random_point(&mut rng))
            } else if place_roll < 0.95 {
                let (street, postcode, town) = STREETS[rng.gen_range(0..STREETS.len())];
                (
                    Some(format!(
                        "{street} {}, {postcode} {town}",
                        rng.gen_range(1..120)
                    )),
                    None,
                )
            } else {
                (None, None)
            };
            let (wijk, buurt) = point
                .as_ref()
                .map(|p| (Some(p.2.clone()), p.3.clone()))
                .unwrap_or((None, None));
            let rule = model::route(
                &rules,
                &RouteInput {
                    categorie: &cat.slug,
                    text: &omschrijving,
                    wijk: wijk.as_deref(),
                    buurt: buurt.as_deref(),
                },
            );
            let anoniem = rng.gen_bool(0.6);
            let closed = (!status.is_open())
                .then(|| (created + rng.gen_range(1..30) * 24 * 3600 * 1000).min(now));
            rows.push(SeedRow {
                id: new_id(),
                nummer,
                volgcode: model::volgcode_from(rng.next_u64()),
                categorie: cat.slug.clone(),
                omschrijving,
                adres,
                lat: point.as_ref().map(|p| p.0),
                lon: point.as_ref().map(|p| p.1),
                onbekend: i64::from(place_roll >= 0.95),
                status: status.slug(),
                team_id: rule.map(|r| r.team_id.clone()),
                uitleg: rule.map(model::route_explanation),
                termijn: model::initial_deadline(
                    &cal,
                    received,
                    cat.termijn_werkdagen.max(0) as u32,
                )
                .to_string(),
                anoniem: i64::from(anoniem),
                email: (!anoniem).then(|| format!("melder{nummer}@example.nl")),
                created,
                closed,
                wijk,
                buurt,
                categorie_naam: cat.naam.clone(),
            });
        }
        let mut tx = db.begin().await?;
        insert_rows(&mut tx, &rows).await?;
        tx.commit().await?;
        written += n;
    }
    let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM melding")
        .fetch_one(db.pool())
        .await?
        .try_get("n")?;
    Ok(Seeded {
        written,
        total,
        seconds: started.elapsed().as_secs_f64(),
    })
}

struct SeedRow {
    id: String,
    nummer: i64,
    volgcode: String,
    categorie: String,
    omschrijving: String,
    adres: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
    onbekend: i64,
    status: &'static str,
    team_id: Option<String>,
    uitleg: Option<String>,
    termijn: String,
    anoniem: i64,
    email: Option<String>,
    created: i64,
    closed: Option<i64>,
    wijk: Option<String>,
    buurt: Option<String>,
    categorie_naam: String,
}

async fn insert_rows(tx: &mut Tx, rows: &[SeedRow]) -> Result<(), StoreError> {
    let sql = format!(
        "INSERT INTO melding (id, nummer, volgcode, categorie, omschrijving, adres, lat, lon, locatie_onbekend, \
         status, team_id, toewijzing_uitleg, termijn_datum, anoniem, contact_email, bron, created_at, updated_at, \
         gesloten_at, wijk, buurt, adres_sleutel) VALUES {}",
        platform::db::placeholders(rows.len(), 22)
    );
    let mut q = sqlx::query(&sql);
    for r in rows {
        q = q
            .bind(&r.id)
            .bind(r.nummer)
            .bind(&r.volgcode)
            .bind(&r.categorie)
            .bind(&r.omschrijving)
            .bind(&r.adres)
            .bind_f64(r.lat)
            .bind_f64(r.lon)
            .bind(r.onbekend)
            .bind(r.status)
            .bind(&r.team_id)
            .bind(&r.uitleg)
            .bind(&r.termijn)
            .bind(r.anoniem)
            .bind(&r.email)
            .bind(store::Bron::Demo.slug())
            .bind(r.created)
            .bind(r.closed.unwrap_or(r.created))
            .bind(r.closed)
            .bind(&r.wijk)
            .bind(&r.buurt)
            .bind(r.adres.as_deref().and_then(model::address_key));
    }
    q.execute(tx.conn()?).await?;
    let sql = format!(
        "INSERT INTO melding_historie (id, melding_id, at, actor_naam, soort, nieuw) VALUES {}",
        platform::db::placeholders(rows.len(), 6)
    );
    let mut q = sqlx::query(&sql);
    for r in rows {
        q = q
            .bind(new_id())
            .bind(&r.id)
            .bind(r.created)
            .bind("melder")
            .bind("aangemaakt")
            .bind(Status::Gemeld.slug());
    }
    q.execute(tx.conn()?).await?;
    let docs: Vec<NewDocument> = rows
        .iter()
        .map(|r| {
            let (title, body) = store::search_text(
                r.nummer,
                &r.categorie_naam,
                &r.omschrijving,
                r.adres.as_deref(),
            );
            NewDocument {
                ref_id: r.id.clone(),
                title,
                body,
            }
        })
        .collect();
    platform::search::index_new(tx, store::SEARCH_KIND, &docs).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_points_lie_in_the_gemeente() {
        let mut rng = StdRng::seed_from_u64(7);
        for _ in 0..200 {
            let (lat, lon, wijk, _) = random_point(&mut rng).unwrap();
            assert!(wijk.starts_with("WK1961"));
            assert!(model::in_netherlands(lat, lon));
        }
    }

    #[test]
    fn every_category_has_texts() {
        for c in model::DEFAULT_CATEGORIES {
            assert!(DESCRIPTIONS.iter().any(|(s, _)| *s == c.slug), "{}", c.slug);
        }
    }
}
