//! Meldingen: addresses through the geocoder (a local server answering as PDOK Locatieserver
//! v3.1 does, since tests cannot reach PDOK), the tile host in the CSP, and the back-office map
//! of the whole selection.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode as AxStatus;
use axum::response::IntoResponse;
use axum::Json;

use super::*;

/// A point in Vianen (inside one of its buurten).
const VIANEN: (f64, f64) = (51.99212, 5.09307);

#[derive(Default)]
struct FakePdok {
    down: AtomicBool,
    free_calls: AtomicUsize,
}

type Params = Query<HashMap<String, String>>;

fn envelope(docs: Vec<serde_json::Value>) -> serde_json::Value {
    // The envelope of Locatieserver v3.1 (Solr's), as documented.
    serde_json::json!({"response": {"numFound": docs.len(), "start": 0, "maxScore": 7.5,
        "numFoundExact": true, "docs": docs}})
}

fn voorstraat() -> serde_json::Value {
    serde_json::json!({"bron": "BAG", "type": "adres", "id": "adr-voorstraat-1",
        "weergavenaam": "Voorstraat 1, 4132AP Vianen", "straatnaam": "Voorstraat", "huisnummer": 1,
        "postcode": "4132AP", "woonplaatsnaam": "Vianen", "gemeentenaam": "Vijfheerenlanden",
        "centroide_ll": format!("POINT({} {})", VIANEN.1, VIANEN.0), "score": 7.5})
}

async fn pdok(
    State(f): State<Arc<FakePdok>>,
    axum::extract::Path(endpoint): axum::extract::Path<String>,
    Query(q): Params,
) -> axum::response::Response {
    if f.down.load(Ordering::SeqCst) {
        return AxStatus::SERVICE_UNAVAILABLE.into_response();
    }
    let text = q.get("q").cloned().unwrap_or_default().to_lowercase();
    let body = match endpoint.as_str() {
        "suggest" if text.starts_with("voorstr") => envelope(vec![serde_json::json!({
            "type": "adres", "weergavenaam": "Voorstraat 1, 4132AP Vianen", "id": "adr-voorstraat-1", "score": 7.5})]),
        "lookup" if q.get("id").map(String::as_str) == Some("adr-voorstraat-1") => {
            envelope(vec![voorstraat()])
        }
        "free" => {
            f.free_calls.fetch_add(1, Ordering::SeqCst);
            if text.contains("voorstraat") {
                envelope(vec![voorstraat()])
            } else {
                envelope(vec![])
            }
        }
        "reverse" if q.contains_key("lat") && q.contains_key("lon") => {
            envelope(vec![serde_json::json!({
            "type": "adres", "weergavenaam": "Voorstraat 1, 4132AP Vianen", "id": "adr-voorstraat-1",
            "score": 1.0, "afstand": 12.3})])
        }
        _ => envelope(vec![]),
    };
    Json(body).into_response()
}

async fn fake_pdok() -> (String, Arc<FakePdok>) {
    let fake = Arc::new(FakePdok::default());
    let router = axum::Router::new()
        .route(
            "/bzk/locatieserver/search/v3_1/{endpoint}",
            axum::routing::get(pdok),
        )
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (base, fake)
}

async fn melding_where(app: &App, volgcode: &str) -> (Option<String>, Option<f64>, Option<String>) {
    let r = sqlx::query("SELECT adres, lat, buurt FROM melding WHERE volgcode = $1")
        .bind(volgcode)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    (
        r.try_get("adres").unwrap(),
        r.try_get("lat").unwrap(),
        r.try_get("buurt").unwrap(),
    )
}

fn volgcode_of(page: &Page) -> String {
    let loc = page.location().expect("a redirect to the tracking page");
    loc.trim_start_matches("/melden/volg/")
        .split('?')
        .next()
        .unwrap()
        .to_string()
}

/// A resident reports at an address: typed without JavaScript it is looked up server-side (the
/// point and buurt follow), an unknown one is refused next to the field with everything kept,
/// a picked one (suggest, lookup; or a map click with reverse lookup) arrives with its point,
/// and with the geocoder down the address is kept as typed and the resident told. The tile
/// host is allowed by the CSP; the back-office map counts the whole selection.
#[tokio::test]
async fn meldingen_addresses_are_found_through_the_geocoder_and_kept_when_it_is_down() {
    let (pdok_base, fake) = fake_pdok().await;
    let tiles = format!("{pdok_base}/brt/{{z}}/{{x}}/{{y}}.png");
    let app = spawn_app_configured(SessionPolicy::default(), fast_login(), |o| {
        o.geocoder_url = Some(format!("{pdok_base}/bzk/locatieserver/search/v3_1"));
        o.map_tiles = platform::web::MapTiles {
            url: tiles.clone(),
            attribution: "Kaartgegevens © Kadaster".into(),
        };
    })
    .await;
    let expected_buurt = ::monitor::areas::locate(VIANEN.1, VIANEN.0)
        .and_then(|p| p.buurt_code)
        .expect("the test point lies in a buurt");

    let mut resident = Browser::new(&app);
    let form = resident.get("/melden/jeugdoverlast").await;
    assert_eq!(form.status, 200);
    let csp = form.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains(&format!("img-src 'self' data: {pdok_base};")),
        "{csp}"
    );
    assert!(form.body.contains(&format!("data-tegels=\"{tiles}\"")));
    assert!(form.body.contains("Kaartgegevens © Kadaster"));
    assert!(
        !form.body.contains("name=\"lat\" id=\"veld-lat\""),
        "no coordinate fields"
    );

    let report = |adres: &'static str| {
        vec![
            ("omschrijving", "Jongeren met scooters voor de deur."),
            ("locatie", "adres"),
            ("adres", adres),
            ("contact", "anoniem"),
        ]
    };
    // Typed, without JavaScript: looked up.
    let sent = resident
        .post("/melden/jeugdoverlast", &report("Voorstraat 1 Vianen"))
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let code = volgcode_of(&sent);
    assert!(!sent.location().unwrap().contains("adres=tekst"));
    assert_eq!(
        melding_where(&app, &code).await,
        (
            Some("Voorstraat 1, 4132AP Vianen".into()),
            Some(VIANEN.0),
            Some(expected_buurt.clone())
        )
    );
    // Unknown: refused next to the field, nothing typed lost.
    let unknown = resident
        .post(
            "/melden/jeugdoverlast",
            &report("Nergensstraat 99, Nergenshuizen"),
        )
        .await;
    assert_eq!(unknown.status, 422);
    assert!(unknown.body.contains("Wij vinden dit adres niet"));
    assert!(unknown
        .body
        .contains("value=\"Nergensstraat 99, Nergenshuizen\""));
    assert!(unknown.body.contains("Jongeren met scooters voor de deur."));

    // With JavaScript: suggestions, the pick with its point and buurt, and a map click.
    let s: serde_json::Value =
        serde_json::from_str(&resident.get("/melden/adres/zoek?q=Voorstr").await.body).unwrap();
    assert_eq!(s["suggesties"][0]["id"], "adr-voorstraat-1");
    let picked: serde_json::Value = serde_json::from_str(
        &resident
            .get("/melden/adres/kies?id=adr-voorstraat-1")
            .await
            .body,
    )
    .unwrap();
    assert_eq!(picked["adres"], "Voorstraat 1, 4132AP Vianen");
    assert_eq!(picked["lat"], VIANEN.0);
    assert!(picked["buurt"].is_string());
    let clicked: serde_json::Value = serde_json::from_str(
        &resident
            .get("/melden/adres/punt?lat=51.99200&lon=5.09300")
            .await
            .body,
    )
    .unwrap();
    assert_eq!(clicked["adres"], "Voorstraat 1, 4132AP Vianen");
    let free_before = fake.free_calls.load(Ordering::SeqCst);
    let (lat, lon) = (VIANEN.0.to_string(), VIANEN.1.to_string());
    let mut fields = report("Voorstraat 1, 4132AP Vianen");
    fields.extend([("lat", lat.as_str()), ("lon", lon.as_str())]);
    let sent = resident.post("/melden/jeugdoverlast", &fields).await;
    assert_eq!(sent.status, 303);
    assert_eq!(
        fake.free_calls.load(Ordering::SeqCst),
        free_before,
        "a picked address is not looked up again"
    );
    assert_eq!(
        melding_where(&app, &volgcode_of(&sent)).await.2,
        Some(expected_buurt.clone())
    );

    // The geocoder down: the address kept as typed, and the resident told.
    fake.down.store(true, Ordering::SeqCst);
    let r = resident.get("/melden/adres/zoek?q=Voorstraat").await;
    assert_eq!(r.status, 503);
    assert!(r.body.contains("niet bereikbaar"));
    let sent = resident
        .post("/melden/jeugdoverlast", &report("Dorpsstraat 3, Meerkerk"))
        .await;
    assert_eq!(sent.status, 303);
    assert!(sent.location().unwrap().ends_with("&adres=tekst"));
    let code = volgcode_of(&sent);
    assert_eq!(
        melding_where(&app, &code).await,
        (Some("Dorpsstraat 3, Meerkerk".into()), None, None)
    );
    let page = resident.get(&sent.location().unwrap()).await;
    assert!(page
        .body
        .contains("De adreszoeker was even niet bereikbaar. Wij hebben het adres opgeslagen zoals u het typte"));

    // The back office: every melding of the selection on the map (three with a point, in one
    // cell here; one without), and the same selection as a list per wijk.
    let mut hh = app
        .browser_as("hh@example.nl", "vijfheerenlanden", Role::Handhaver)
        .await;
    let list = hh.get("/meldingen?categorie=jeugdoverlast").await;
    assert!(
        list.body
            .contains("href=\"/meldingen/kaart?categorie=jeugdoverlast\""),
        "{} {}",
        list.status,
        &list.body[..list.body.len().min(3000)]
    );
    let map = hh.get("/meldingen/kaart?categorie=jeugdoverlast").await;
    assert_eq!(map.status, 200);
    assert!(
        map.body
            .contains("3 meldingen in deze selectie: 2 staan op de kaart, 1 hebben geen punt"),
        "{}",
        map.body
    );
    let data = map
        .body
        .split("<script type=\"application/json\" id=\"kaart-data\">")
        .nth(1)
        .and_then(|r| r.split("</script>").next())
        .unwrap();
    let cells: Vec<serde_json::Value> = serde_json::from_str(data).unwrap();
    assert_eq!(
        cells.iter().map(|c| c[2].as_i64().unwrap()).sum::<i64>(),
        2,
        "{data}"
    );
    assert!(map
        .body
        .contains("href=\"/meldingen?categorie=jeugdoverlast\""));

    // The public API looks up a typed address as the form does: found, it gets its point and
    // buurt; unknown, it is refused naming the field; with the geocoder down, kept as typed.
    let api = |adres: &'static str| {
        serde_json::json!({"categorie": "overig", "omschrijving": "Fietswrakken bij de ingang.",
            "locatie": {"adres": adres}, "anoniem": true})
    };
    fake.down.store(false, Ordering::SeqCst);
    let r = super::meldingen::public_post(&app, &api("Voorstraat 1, 4132 AP Vianen")).await;
    assert_eq!(r.status(), 201);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        melding_where(&app, v["volgcode"].as_str().unwrap()).await,
        (
            Some("Voorstraat 1, 4132AP Vianen".into()),
            Some(VIANEN.0),
            Some(expected_buurt.clone())
        )
    );
    let r = super::meldingen::public_post(&app, &api("Nergensstraat 99, Nergenshuizen")).await;
    assert_eq!(r.status(), 422);
    let p: serde_json::Value = r.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "locatie");
    fake.down.store(true, Ordering::SeqCst);
    let r = super::meldingen::public_post(&app, &api("Dorpsstraat 5, Meerkerk")).await;
    assert_eq!(r.status(), 201);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        melding_where(&app, v["volgcode"].as_str().unwrap()).await,
        (Some("Dorpsstraat 5, Meerkerk".into()), None, None)
    );
}
